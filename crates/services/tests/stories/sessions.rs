//! Sessions: a burst of requests reads the session table once per token
//! per `TTL_MS`; logging out ends the session at once on this node.

use crate::harness::World;
use crate::story;
use yc_domain::account::Role;
use yc_services::auth::{Registration, token_hash};
use yc_store::SessionKind;

story!(
    sessions_are_cached_and_logout_is_immediate,
    |w: World| async move {
        let reg = Registration {
            login: "cached".into(),
            password: "password-123".into(),
            display_name: "c".into(),
            role: Role::Buyer,
            shop: None,
        };
        let (user, token) = w.services.register(reg, SessionKind::Api).await.unwrap();
        assert_eq!(
            w.services
                .authenticate(&token.0)
                .await
                .unwrap()
                .map(|u| u.id),
            Some(user.id)
        );
        // Removed behind the cache's back (as another node's logout would):
        // this node keeps answering from its cache for up to `TTL_MS`…
        w.services
            .store
            .delete_session(&token_hash(&token.0))
            .await
            .unwrap();
        assert!(
            w.services.authenticate(&token.0).await.unwrap().is_some(),
            "served from the cache"
        );
        w.clock.advance_ms(yc_services::session_cache::TTL_MS + 1);
        assert!(
            w.services.authenticate(&token.0).await.unwrap().is_none(),
            "…then it asks the store again"
        );

        let (_, second) = w
            .services
            .login("cached", "password-123", SessionKind::Api)
            .await
            .unwrap();
        assert!(w.services.authenticate(&second.0).await.unwrap().is_some());
        w.services.logout(&second.0).await.unwrap();
        assert!(
            w.services.authenticate(&second.0).await.unwrap().is_none(),
            "logout is immediate on this node"
        );
    }
);
