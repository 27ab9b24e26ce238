//! `/products/{id}`: the product on its own page; works without JS.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use yc_domain::ProductId;
use yc_services::Services;

use crate::error::WebError;
use crate::panel::ProductPanel;
use crate::session::Ctx;
use crate::views::{Chrome, render};

#[derive(Template)]
#[template(path = "product.html")]
pub struct ProductPage {
    pub c: Chrome,
    pub p: ProductPanel,
    pub in_sheet: bool,
}

pub async fn page(
    State(services): State<Services>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let id: ProductId = id.parse().map_err(|_| WebError::NotFound)?;
    let detail = services.product_detail(ctx.user.as_ref(), id).await?;
    let p = ProductPanel::build(&detail, ctx.lang)?;
    let c = Chrome::new(&ctx, "", "product_title")
        .with_title(p.title.clone())
        .with_history_back("/");
    Ok(render(&ProductPage {
        c,
        p,
        in_sheet: false,
    })?)
}
