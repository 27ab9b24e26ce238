pub mod account;
pub mod aftersales;
pub mod cart;
pub mod catalog;
pub mod discovery;
pub mod fulfilment;
pub mod live;
pub mod merchant;
pub mod orders;
pub mod payments;

use serde::Serialize;
use utoipa::ToSchema;
use yc_domain::page::Page;

/// One page of a list; pass `next_cursor` as `cursor` for the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOf<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<uuid::Uuid>,
}

impl<T: ToSchema> From<Page<T>> for PageOf<T> {
    fn from(p: Page<T>) -> Self {
        PageOf {
            items: p.items,
            next_cursor: p.next,
        }
    }
}
