//! Pure rules and types of yellowcart. Nothing here does IO or awaits:
//! every rule can be tested with plain values and a fixed clock reading.

pub mod account;
pub mod address;
pub mod aftersales;
pub mod behaviour;
pub mod cart;
pub mod catalog;
pub mod error;
pub mod fulfilment;
pub mod ids;
pub mod live;
pub mod money;
pub mod order;
pub mod page;
pub mod payment;
pub mod review;
pub mod stock;
pub mod time;
pub mod video;

pub use error::ValidationError;
pub use ids::*;
pub use money::{Currency, Money, MoneyError};
pub use time::Timestamp;
