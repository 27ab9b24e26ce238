//! The conformance suite of the `yc_store::Store` contract.
//!
//! Every backend (SQLite, PostgreSQL, …) runs the same cases, so the trait's
//! doc comments are checked once and identically everywhere. A backend's
//! integration test invokes the macro with a factory expression that yields a
//! FRESH, empty, migrated store each time it is evaluated:
//!
//! ```ignore
//! async fn fresh() -> yc_store_conformance::Fresh {
//!     let dir = tempfile::tempdir().unwrap();
//!     let store = MyStore::open(dir.path()).await.unwrap();
//!     yc_store_conformance::Fresh::with_guard(std::sync::Arc::new(store), dir)
//! }
//! yc_store_conformance::conformance_tests!(fresh());
//! ```
//!
//! This expands to one `#[tokio::test]` per case (so each case is reported on
//! its own); the calling crate needs `tokio` (with `macros`, `rt-multi-thread`)
//! as a dev-dependency. Every case is also a plain `pub async fn` taking an
//! `Arc<dyn Store>` in [`cases`], for backends that want to drive them by hand.
//!
//! Cases use only the trait: fixtures (users, merchants, products) are created
//! through it, so foreign keys of any backend are satisfied.

// This crate is test code compiled as a library: failing loudly is its job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::any::Any;
use std::sync::Arc;

use yc_store::Store;

pub mod aftersales_fixtures;
pub mod fixtures;
pub mod live_fixtures;

mod accounts;
mod aftersales;
mod aftersales_lists;
mod aftersales_open;
mod aftersales_parcels;
mod aftersales_races;
mod behaviour;
mod catalog;
mod flash;
mod flash_retries;
mod flash_returns;
mod fulfilment;
mod fulfilment_lists;
mod live;
mod ops;
mod orders;
mod payments;
mod races;
mod shopping;
mod terms;
mod transitions;
mod videos;

/// Every case, flat, under the name the generated test carries.
pub mod cases {
    pub use crate::accounts::*;
    pub use crate::aftersales::*;
    pub use crate::aftersales_lists::*;
    pub use crate::aftersales_open::*;
    pub use crate::aftersales_parcels::*;
    pub use crate::aftersales_races::*;
    pub use crate::behaviour::*;
    pub use crate::catalog::*;
    pub use crate::flash::*;
    pub use crate::flash_retries::*;
    pub use crate::flash_returns::*;
    pub use crate::fulfilment::*;
    pub use crate::fulfilment_lists::*;
    pub use crate::live::*;
    pub use crate::ops::*;
    pub use crate::orders::*;
    pub use crate::payments::*;
    pub use crate::races::*;
    pub use crate::shopping::*;
    pub use crate::terms::*;
    pub use crate::transitions::*;
    pub use crate::videos::*;
}

/// A fresh store for one case, plus whatever must live as long as it (a temp
/// directory, a throwaway schema handle…). The store is dropped before the
/// guard.
pub struct Fresh {
    store: Arc<dyn Store>,
    _guard: Option<Box<dyn Any + Send + Sync>>,
}

impl Fresh {
    pub fn new(store: Arc<dyn Store>) -> Fresh {
        Fresh {
            store,
            _guard: None,
        }
    }

    pub fn with_guard(store: Arc<dyn Store>, guard: impl Any + Send + Sync) -> Fresh {
        Fresh {
            store,
            _guard: Some(Box::new(guard)),
        }
    }

    pub fn store(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }
}

impl From<Arc<dyn Store>> for Fresh {
    fn from(store: Arc<dyn Store>) -> Fresh {
        Fresh::new(store)
    }
}

/// Expands to one test per conformance case. `$factory` is an expression
/// evaluating to a future of `Fresh` (or of `Arc<dyn Store>`); it is evaluated
/// once per case, so every case starts from an empty store.
#[macro_export]
macro_rules! conformance_tests {
    ($factory:expr) => {
        $crate::__conformance_cases! {
            $factory;
            // single-threaded cases
            [
                users_create_and_fetch,
                users_duplicate_login,
                sessions_expire_and_delete,
                product_insert_and_get,
                product_list_pages_newest_first,
                product_list_filters_hidden_and_category,
                update_product_checks_owner,
                update_sku_checks_owner_and_sets_price,
                update_sku_stock_delta_is_range_checked,
                videos_insert_get_list,
                set_video_products_checks_owner,
                reviews_histogram_and_paging,
                cart_add_caps_and_set,
                cart_line_limit,
                favorites_idempotent_and_paged,
                addresses_default_rules,
                addresses_belong_to_their_user,
                addresses_limit,
                delete_default_address_promotes_newest,
                create_order_writes_everything,
                order_timelines_round_trip,
                create_order_sold_out_writes_nothing,
                create_order_idempotency_key_taken,
                list_orders_pages_and_filters,
                transition_order_is_guarded,
                transition_order_releases_stock_once,
                payments_create_get_list,
                settle_payment_pays_once,
                settle_payment_after_expiry_is_not_payable,
                set_payment_status_is_guarded,
                payment_method_usage_counts_succeeded_only,
                jobs_claim_respects_leases,
                jobs_finish_and_retry,
                outbox_unpublished_and_mark,
                rejected_callbacks_are_counted,
                live_rooms_insert_get_list,
                set_pinned_checks_owner,
                create_flash_sale_takes_the_pool,
                default_addresses_one_per_user,
                flash_batch_decides_by_pool_and_cap,
                flash_batch_replays_keys,
                flash_keys_with_sql_and_array_syntax_round_trip,
                warm_flash_writes_nothing,
                flash_cancel_returns_units_to_pool,
                expire_flash_orders_due_pending_only,
                return_terms_and_insurance_round_trip,
                flash_orders_keep_terms_and_insurance,
                merchant_insurance_flag_round_trips,
                behaviour_events_append_and_tail,
                ship_order_ships_paid_orders_once,
                ship_order_duplicate_tracking_writes_nothing,
                record_tracking_appends_in_seq_order,
                orders_to_ship_oldest_paid_first,
                samples_are_latest_delivered_outbound,
                open_request_writes_everything,
                open_request_order_status_was_writes_nothing,
                open_request_line_limit_writes_nothing,
                open_request_idempotency_key_taken_keeps_nothing,
                open_request_releases_flash_units_to_pool,
                transition_request_is_guarded,
                transition_request_refund_is_unique,
                transition_request_claims_insurance_once,
                transition_request_writes_return_parcels,
                transition_request_idempotency_key,
                settle_refund_settles_once,
                buyer_refunds_since_counts_refunds,
                restock_return_restocks_once,
                merchant_requests_filter_and_page,
                arbitration_queue_oldest_first,
            ];
            // cases that race tasks on a multi-threaded runtime
            [
                update_sku_concurrent_deltas,
                create_order_concurrent_stock,
                create_order_concurrent_same_key,
                transition_order_race_releases_once,
                jobs_concurrent_claimers_never_share,
                flash_batches_concurrent_respect_pool_and_caps,
                flash_concurrent_retries_place_each_key_once,
                transition_request_race_refunds_once,
                open_request_race_respects_line,
                record_tracking_race_applies_once,
            ]
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_cases {
    ($factory:expr; [$($case:ident),* $(,)?]; [$($mt_case:ident),* $(,)?]) => {
        $(
            #[::tokio::test]
            async fn $case() {
                let fresh = $crate::Fresh::from(($factory).await);
                $crate::cases::$case(fresh.store()).await;
            }
        )*
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $mt_case() {
                let fresh = $crate::Fresh::from(($factory).await);
                $crate::cases::$mt_case(fresh.store()).await;
            }
        )*
    };
}
