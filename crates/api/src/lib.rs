//! JSON API of yellowcart under `/api/v1`, its OpenAPI 3.1 document at
//! `/api/openapi.json` and docs at `/api/docs/`. Handlers are thin:
//! extract, call one service, map.

pub mod docs;
pub mod error;
pub mod extract;
pub mod routes;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use yc_services::Services;

use routes::{
    account, aftersales, cart, catalog, discovery, fulfilment, live, merchant, orders, payments,
};

/// Request bodies above this are refused with 413 before parsing.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

pub fn api_router() -> OpenApiRouter<Services> {
    OpenApiRouter::with_openapi(docs::ApiDoc::openapi())
        .routes(routes!(account::register))
        .routes(routes!(account::login))
        .routes(routes!(account::logout))
        .routes(routes!(account::me))
        .routes(routes!(catalog::videos))
        .routes(routes!(discovery::feed))
        .routes(routes!(discovery::search))
        .routes(routes!(discovery::suggest))
        .routes(routes!(catalog::video))
        .routes(routes!(catalog::products))
        .routes(routes!(catalog::product))
        .routes(routes!(catalog::reviews))
        .routes(routes!(merchant::my_products, merchant::create_product))
        .routes(routes!(merchant::update_product))
        .routes(routes!(merchant::update_sku))
        .routes(routes!(merchant::create_video))
        .routes(routes!(merchant::set_video_products))
        .routes(routes!(cart::cart))
        .routes(routes!(cart::cart_add))
        .routes(routes!(cart::cart_set, cart::cart_remove))
        .routes(routes!(cart::favorites))
        .routes(routes!(cart::favorite_on, cart::favorite_off))
        .routes(routes!(cart::addresses, cart::address_create))
        .routes(routes!(cart::address_update, cart::address_delete))
        .routes(routes!(orders::preview))
        .routes(routes!(orders::create, orders::list))
        .routes(routes!(orders::get))
        .routes(routes!(orders::cancel))
        .routes(routes!(payments::pay))
        .routes(routes!(payments::payment))
        .routes(routes!(payments::methods))
        .routes(routes!(payments::callback))
        .routes(routes!(live::rooms))
        .routes(routes!(live::room))
        .routes(routes!(live::create_room))
        .routes(routes!(live::pin))
        .routes(routes!(live::create_sale))
        .routes(routes!(live::sale))
        .routes(routes!(live::checkout))
        .routes(routes!(live::buy))
        .routes(routes!(live::comment))
        .routes(routes!(live::events))
        .routes(routes!(fulfilment::carriers))
        .routes(routes!(fulfilment::ship))
        .routes(routes!(fulfilment::to_ship))
        .routes(routes!(fulfilment::tracking))
        .routes(routes!(fulfilment::merchant_tracking))
        .routes(routes!(fulfilment::confirm_receipt))
        .routes(routes!(fulfilment::callback))
        .routes(routes!(fulfilment::sandbox_advance))
        .routes(routes!(aftersales::open))
        .routes(routes!(aftersales::get))
        .routes(routes!(aftersales::of_order))
        .routes(routes!(aftersales::ship_back))
        .routes(routes!(aftersales::buyer_action))
        .routes(routes!(aftersales::queue))
        .routes(routes!(aftersales::merchant_action))
        .routes(routes!(aftersales::restock))
        .routes(routes!(aftersales::set_insurance))
        .routes(routes!(aftersales::arbitration_queue))
        .routes(routes!(aftersales::arbitrate))
}

/// The OpenAPI document as JSON.
pub fn openapi_json() -> String {
    let (_, spec) = api_router().split_for_parts();
    spec.to_pretty_json().unwrap_or_default()
}

/// Uploads may be larger than other bodies.
pub const MAX_UPLOAD_BYTES: usize = yc_services::media::MAX_VIDEO_BYTES + 1024;

pub fn router(services: Services) -> Router {
    let uploads = OpenApiRouter::new()
        .routes(routes!(merchant::upload_media))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES));
    let events = OpenApiRouter::new()
        .routes(routes!(discovery::events))
        .layer(DefaultBodyLimit::max(routes::discovery::MAX_EVENTS_BODY));
    let evidence = OpenApiRouter::new()
        .routes(routes!(aftersales::evidence))
        .layer(DefaultBodyLimit::max(
            yc_services::media::MAX_IMAGE_BYTES + 1024,
        ));
    let (api, spec) = api_router()
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .merge(uploads)
        .merge(evidence)
        .merge(events)
        .split_for_parts();
    let spec_json = spec.to_pretty_json().unwrap_or_default();
    let fallback = || async {
        error::ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            "no such API route",
        )
    };
    let api = api
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(services);
    Router::new()
        .nest("/api/v1", Router::new())
        .merge(api)
        .merge(docs::docs_router(spec_json))
}
