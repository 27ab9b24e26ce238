//! The one storage seam of yellowcart. `Store` is the only way services
//! touch data; each method that changes data is one transaction in the
//! implementation, so a use case never leaves half-written state.
//!
//! `Store` is split into capability traits only to keep files short; code
//! depends on `dyn Store`.

mod accounts;
mod aftersales;
mod behaviour;
mod catalog;
mod error;
mod fulfilment;
mod live;
mod ops;
mod orders;
mod shopping;

pub use accounts::*;
pub use aftersales::*;
pub use behaviour::*;
pub use catalog::*;
pub use error::*;
pub use fulfilment::*;
pub use live::*;
pub use ops::*;
pub use orders::*;
pub use shopping::*;

pub trait Store:
    AccountStore
    + CatalogStore
    + ShoppingStore
    + OrderStore
    + OpsStore
    + LiveStore
    + FulfilmentStore
    + AfterSalesStore
    + BehaviourStore
{
}

impl<
    T: AccountStore
        + CatalogStore
        + ShoppingStore
        + OrderStore
        + OpsStore
        + LiveStore
        + FulfilmentStore
        + AfterSalesStore
        + BehaviourStore,
> Store for T
{
}
