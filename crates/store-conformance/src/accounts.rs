//! AccountStore: users, shops, sessions.

use std::sync::Arc;

use yc_domain::account::Role;
use yc_domain::{MerchantId, UserId};
use yc_store::{NewSession, SessionKind, Store, StoreError};

use crate::fixtures::{self, T0, at};

pub async fn users_create_and_fetch(store: Arc<dyn Store>) {
    let buyer = fixtures::new_user(Role::Buyer, None);
    store
        .create_user(&buyer, "$argon2id$buyer-hash", None)
        .await
        .unwrap();
    let (seller, shop) = fixtures::new_merchant_user();
    store
        .create_user(&seller, "$argon2id$seller-hash", Some(&shop))
        .await
        .unwrap();

    assert_eq!(store.get_user(buyer.id).await.unwrap(), Some(buyer.clone()));
    assert_eq!(
        store.get_user(seller.id).await.unwrap(),
        Some(seller.clone())
    );
    assert_eq!(store.get_user(UserId::new()).await.unwrap(), None);

    let (user, hash) = store
        .user_credentials(&buyer.login)
        .await
        .unwrap()
        .expect("credentials by login");
    assert_eq!(user, buyer);
    assert_eq!(hash, "$argon2id$buyer-hash");
    assert!(
        store
            .user_credentials("nobody-at-all")
            .await
            .unwrap()
            .is_none()
    );

    assert_eq!(
        store.get_merchant(shop.id).await.unwrap(),
        Some(shop.clone())
    );
    assert_eq!(store.get_merchant(MerchantId::new()).await.unwrap(), None);
    let shops = store
        .get_merchants(&[MerchantId::new(), shop.id])
        .await
        .unwrap();
    assert_eq!(shops, vec![shop], "unknown ids are skipped");
    assert!(store.get_merchants(&[]).await.unwrap().is_empty());
}

pub async fn users_duplicate_login(store: Arc<dyn Store>) {
    let first = fixtures::buyer(&store).await;

    let mut again = fixtures::new_user(Role::Buyer, None);
    again.login = first.login.clone();
    match store.create_user(&again, "h", None).await {
        Err(StoreError::Duplicate { field: "login" }) => {}
        other => panic!("expected Duplicate {{ field: \"login\" }}, got {other:?}"),
    }
    assert_eq!(store.get_user(again.id).await.unwrap(), None);

    // A merchant account with a taken login: its shop is not kept either.
    let (mut seller, shop) = fixtures::new_merchant_user();
    seller.login = first.login.clone();
    match store.create_user(&seller, "h", Some(&shop)).await {
        Err(StoreError::Duplicate { field: "login" }) => {}
        other => panic!("expected Duplicate {{ field: \"login\" }}, got {other:?}"),
    }
    assert_eq!(
        store.get_merchant(shop.id).await.unwrap(),
        None,
        "user and shop are one transaction"
    );
    assert_eq!(store.get_user(seller.id).await.unwrap(), None);
}

pub async fn sessions_expire_and_delete(store: Arc<dyn Store>) {
    let user = fixtures::buyer(&store).await;
    let other = fixtures::buyer(&store).await;
    let web = NewSession {
        token_hash: "a".repeat(64),
        user_id: user.id,
        kind: SessionKind::Web,
        created_at: T0,
        expires_at: at(3_600_000),
    };
    let api = NewSession {
        token_hash: "b".repeat(64),
        user_id: other.id,
        kind: SessionKind::Api,
        created_at: T0,
        expires_at: at(60_000),
    };
    store.create_session(&web).await.unwrap();
    store.create_session(&api).await.unwrap();

    let hash = web.token_hash.as_str();
    assert_eq!(
        store.session_user(hash, T0).await.unwrap(),
        Some(user.clone())
    );
    assert_eq!(
        store.session_user(hash, at(3_599_999)).await.unwrap(),
        Some(user.clone())
    );
    assert_eq!(
        store.session_user(hash, web.expires_at).await.unwrap(),
        None,
        "a session is valid only while expires_at > now"
    );
    assert_eq!(store.session_user(hash, at(7_200_000)).await.unwrap(), None);
    assert_eq!(
        store.session_user(&api.token_hash, T0).await.unwrap(),
        Some(other)
    );
    assert_eq!(store.session_user(&"c".repeat(64), T0).await.unwrap(), None);

    store.delete_session(hash).await.unwrap();
    assert_eq!(store.session_user(hash, T0).await.unwrap(), None);
    assert!(
        store
            .session_user(&api.token_hash, T0)
            .await
            .unwrap()
            .is_some(),
        "deleting one session leaves the others"
    );
}
