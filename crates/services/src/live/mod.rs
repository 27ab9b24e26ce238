//! Live rooms and flash sales: rooms and pins, sale creation (the pool is
//! set aside from stock), the real-time hub viewers subscribe to, and the
//! per-sale batching engine that sells the pool (see `engine`).

mod buy;
mod engine;
mod expire;
mod hub;
mod lane;
mod replays;
mod rooms;

pub use buy::{EXPIRE_FLASH_JOB, FLASH_SCOPE, FlashCheckout};
pub use engine::FlashEngine;
pub use expire::expire_flash_job;
pub use hub::{Comment, LiveEvent, LiveHub, ViewerGuard};
pub use rooms::{RoomView, SaleView};
