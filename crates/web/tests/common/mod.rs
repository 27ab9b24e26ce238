//! Shared by the router tests: the web router over a real SQLite store
//! with the demo world, and small request helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

pub mod live;

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, Response, StatusCode, header};
use tower::ServiceExt;
use yc_services::payments::PaymentGateway;
use yc_services::{Config, Services, SystemClock};
use yc_store_sqlite::SqliteStore;

pub struct World {
    pub app: Router,
    pub services: Services,
    _dir: tempfile::TempDir,
}

pub async fn world() -> World {
    world_with(|c| c.media_dir = None).await
}

/// The demo world with a tweaked config (uploads go to the world's temp
/// dir unless the tweak says otherwise).
pub async fn world_with(tweak: impl FnOnce(&mut Config)) -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("web.db")).await.unwrap();
    let mut config = Config {
        media_dir: Some(dir.path().join("media")),
        ..Config::default()
    };
    tweak(&mut config);
    let services = Services::new(
        Arc::new(store),
        Arc::new(SystemClock),
        config,
        PaymentGateway::sandbox(b"web-test-secret"),
    );
    services.seed_demo(&|_| {}).await.unwrap();
    World {
        app: yc_web::router(services.clone()),
        services,
        _dir: dir,
    }
}

impl World {
    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.app.clone().oneshot(req).await.unwrap()
    }

    pub async fn get(&self, uri: &str, cookie: Option<&str>) -> Response<Body> {
        let mut req = Request::get(uri).header(header::HOST, "shop.test");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn post(
        &self,
        uri: &str,
        cookie: Option<&str>,
        form: &[(&str, &str)],
    ) -> Response<Body> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut req = Request::post(uri)
            .header(header::HOST, "shop.test")
            .header(header::ORIGIN, "http://shop.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Logs the demo buyer in; returns the Cookie header value.
    pub async fn login(&self) -> String {
        self.login_as("demo", "demo1234").await
    }

    /// Logs `login` in through the login form; returns the Cookie header value.
    pub async fn login_as(&self, login: &str, password: &str) -> String {
        let res = self
            .post(
                "/login",
                None,
                &[("login", login), ("password", password), ("next", "/")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let set = res
            .headers()
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"));
        set.split(';').next().unwrap().to_owned()
    }

    /// A product of the feed and one of its SKUs with stock.
    pub async fn product_and_sku(&self) -> (String, String) {
        let feed = self.services.feed(Default::default()).await.unwrap();
        let product = feed
            .items
            .iter()
            .flat_map(|i| i.products.iter())
            .find(|p| p.skus.len() > 1)
            .unwrap();
        let sku = product.skus.iter().find(|s| s.stock > 5).unwrap();
        (product.id.to_string(), sku.id.to_string())
    }
}

pub async fn text(res: Response<Body>) -> String {
    String::from_utf8(to_bytes(res.into_body(), 4 << 20).await.unwrap().to_vec()).unwrap()
}

pub fn location(res: &Response<Body>) -> String {
    res.headers()
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

pub async fn demo_user(w: &World, cookie: &str) -> yc_domain::account::User {
    let token = cookie.trim_start_matches("yc_session=");
    w.services.authenticate(token).await.unwrap().unwrap()
}
