//! The OpenAPI document and the docs UI, served from files in the repo
//! (swagger-ui-dist, vendored): nothing is fetched at build or run time.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "yellowcart API", description = "Watch-and-buy commerce: feed, catalog, cart, checkout, payments. Errors are RFC 9457 problem+json with a stable `code`."),
    modifiers(&BearerAuth),
    tags((name = "account"), (name = "live"), (name = "catalog"), (name = "merchant"), (name = "cart"), (name = "orders"), (name = "payments"), (name = "fulfilment"), (name = "aftersales"), (name = "discovery"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

macro_rules! asset {
    ($name:literal, $mime:literal) => {
        get(|| async {
            (
                [
                    (header::CONTENT_TYPE, $mime),
                    (header::CACHE_CONTROL, "public, max-age=86400"),
                ],
                include_bytes!(concat!("../assets/swagger-ui/", $name)).as_slice(),
            )
        })
    };
}

pub fn docs_router(spec_json: String) -> Router {
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    spec_json.clone(),
                )
                    .into_response()
            }),
        )
        .route(
            "/api/docs",
            get(|| async { axum::response::Redirect::permanent("/api/docs/") }),
        )
        .route(
            "/api/docs/",
            asset!("index.html", "text/html; charset=utf-8"),
        )
        .route(
            "/api/docs/swagger-ui.css",
            asset!("swagger-ui.css", "text/css"),
        )
        .route(
            "/api/docs/swagger-ui-bundle.js",
            asset!("swagger-ui-bundle.js", "application/javascript"),
        )
        .route(
            "/api/docs/favicon-32x32.png",
            asset!("favicon-32x32.png", "image/png"),
        )
}
