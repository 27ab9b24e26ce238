//! The one place where sqlx errors become `StoreError`s.
//!
//! Unique violations are recognised by CONSTRAINT NAME (see
//! migrations/), never by parsing messages. Nothing a customer
//! typed is logged: PostgreSQL puts offending values in the error's DETAIL
//! (never logged) and, for data exceptions (class 22), in the message (not
//! logged either).

use sqlx::error::DatabaseError;
use yc_store::StoreError;

/// What a unique constraint means to callers. Field names agree with the
/// SQLite backend.
enum Unique {
    Field(&'static str),
    IdempotencyKey,
    /// Guarded by the code (upserts, row locks, generated keys): a violation
    /// is a bug, reported as `Backend`.
    Unexpected,
}

/// Every unique constraint or unique index of the schema (a unit test
/// checks this list against migrations/).
const UNIQUE_CONSTRAINTS: &[(&str, Unique)] = &[
    ("idempotency_keys_pkey", Unique::IdempotencyKey),
    ("users_login_key", Unique::Field("login")),
    ("sessions_pkey", Unique::Field("token_hash")),
    ("video_products_pkey", Unique::Field("product_ids")),
    ("merchants_pkey", Unique::Field("merchant_id")),
    // Ids minted by the application that collide.
    ("users_pkey", Unique::Field("id")),
    ("products_pkey", Unique::Field("id")),
    ("skus_pkey", Unique::Field("id")),
    ("videos_pkey", Unique::Field("id")),
    ("reviews_pkey", Unique::Field("id")),
    ("favorites_pkey", Unique::Field("id")),
    ("addresses_pkey", Unique::Field("id")),
    ("orders_pkey", Unique::Field("id")),
    ("payments_pkey", Unique::Field("id")),
    ("jobs_pkey", Unique::Field("id")),
    ("outbox_pkey", Unique::Field("id")),
    ("skus_product_position_key", Unique::Unexpected),
    ("cart_lines_pkey", Unique::Unexpected),
    ("favorites_user_product_key", Unique::Unexpected),
    ("addresses_one_default_key", Unique::Unexpected),
    ("order_lines_pkey", Unique::Unexpected),
    ("order_events_pkey", Unique::Unexpected),
    ("rejected_callbacks_pkey", Unique::Unexpected),
    // 0002_live.sql
    ("live_rooms_pkey", Unique::Field("id")),
    ("flash_sales_pkey", Unique::Field("id")),
    // A product pinned twice (same name as the SQLite backend).
    ("live_room_pins_pkey", Unique::Field("pinned")),
    // Upserted under the sale's row lock.
    ("flash_buyers_pkey", Unique::Unexpected),
    // 0003_fulfilment_aftersales.sql (same names as the SQLite backend)
    ("shipments_tracking_key", Unique::Field("tracking_no")),
    // A second outbound parcel for one order.
    ("shipments_outbound_key", Unique::Field("shipment")),
    // A second refund for one request.
    ("refunds_request_key", Unique::Field("refund")),
    ("aftersales_requests_pkey", Unique::Field("id")),
    ("shipments_pkey", Unique::Field("id")),
    ("refunds_pkey", Unique::Field("id")),
    ("aftersales_events_pkey", Unique::Unexpected),
    // Guarded by the flip of `orders.insurance_claimed`.
    ("insurance_claims_pkey", Unique::Unexpected),
    // Guarded by `shipments.last_seq`.
    ("tracking_events_pkey", Unique::Unexpected),
    // 0005_flash_keys_on_orders.sql: keys are per sale, and a sale's
    // batches run one at a time under its row lock.
    ("orders_flash_key", Unique::Unexpected),
];

const UNIQUE_VIOLATION: &str = "23505";
const FOREIGN_KEY_VIOLATION: &str = "23503";

/// Maps any sqlx error to the store's error type.
///
/// * unique violation of a constraint that names an input → `Duplicate {
///   field }`, or `IdempotencyKeyTaken` for the idempotency key;
/// * foreign-key violation (a referenced user, SKU, product… does not
///   exist) → `NotFound`;
/// * `RowNotFound` → `NotFound`;
/// * anything else → `Backend`, logged at error level.
pub(crate) fn db_err(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => map_database_error(db.as_ref()),
        other => {
            tracing::error!(error = %other, "postgres error");
            StoreError::Backend(other.to_string())
        }
    }
}

fn map_database_error(db: &dyn DatabaseError) -> StoreError {
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    let constraint = db.constraint().unwrap_or("");
    if code == UNIQUE_VIOLATION
        && let Some((_, meaning)) = UNIQUE_CONSTRAINTS.iter().find(|(n, _)| *n == constraint)
    {
        match meaning {
            Unique::Field(field) => return StoreError::Duplicate { field },
            Unique::IdempotencyKey => return StoreError::IdempotencyKeyTaken,
            Unique::Unexpected => {} // logged below
        }
    }
    if code == FOREIGN_KEY_VIOLATION {
        tracing::debug!(constraint, "reference to a missing row");
        return StoreError::NotFound;
    }
    // Class 22 (data exception) messages can quote the offending value.
    let message = if code.starts_with("22") {
        "data exception"
    } else {
        db.message()
    };
    tracing::error!(
        code = %code,
        constraint,
        table = db.table().unwrap_or(""),
        message,
        "postgres error"
    );
    StoreError::Backend(format!("postgres error {code}: {message}"))
}

/// A row that does not decode into a domain value: the database holds
/// something this version cannot read.
pub(crate) fn corrupt(what: &'static str) -> StoreError {
    tracing::error!(what, "undecodable row in postgres");
    StoreError::Backend(format!("undecodable {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_table_has_no_duplicates() {
        for (i, (name, _)) in UNIQUE_CONSTRAINTS.iter().enumerate() {
            assert!(
                UNIQUE_CONSTRAINTS[i + 1..].iter().all(|(n, _)| n != name),
                "{name} listed twice"
            );
        }
    }

    #[test]
    fn unique_constraints_of_the_schema_and_the_table_agree() {
        let sql = concat!(
            include_str!("../migrations/0001_init.sql"),
            include_str!("../migrations/0002_live.sql"),
            include_str!("../migrations/0003_fulfilment_aftersales.sql"),
            include_str!("../migrations/0005_flash_keys_on_orders.sql"),
        );
        // Constraint and index names (a column may end in `_key` too).
        let words: Vec<&str> = sql
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let in_schema: Vec<&str> = words
            .windows(2)
            .filter(|w| w[0] == "CONSTRAINT" || w[0] == "INDEX")
            .map(|w| w[1])
            .filter(|w| w.ends_with("_pkey") || w.ends_with("_key"))
            .collect();
        for name in &in_schema {
            assert!(
                UNIQUE_CONSTRAINTS.iter().any(|(n, _)| n == name),
                "{name} is not mapped"
            );
        }
        for (name, _) in UNIQUE_CONSTRAINTS {
            assert!(in_schema.contains(name), "{name} is not in the schema");
        }
    }
}
