//! The one place where sqlx errors become `StoreError`s.
//!
//! Unique violations are recognised by CONSTRAINT NAME (see
//! migrations/0001_init.sql), never by parsing messages. Nothing a customer
//! typed is logged: PostgreSQL puts offending values in the error's DETAIL
//! (never logged) and, for data exceptions (class 22), in the message (not
//! logged either).

use sqlx::error::DatabaseError;
use yc_store::StoreError;

/// What a unique constraint means to callers.
enum Unique {
    Field(&'static str),
    IdempotencyKey,
}

/// Every unique constraint or unique index of the schema.
const UNIQUE_CONSTRAINTS: &[(&str, Unique)] = &[
    ("idempotency_keys_pkey", Unique::IdempotencyKey),
    ("users_login_key", Unique::Field("login")),
    ("users_pkey", Unique::Field("user_id")),
    ("merchants_pkey", Unique::Field("merchant_id")),
    ("sessions_pkey", Unique::Field("token")),
    ("products_pkey", Unique::Field("product_id")),
    ("skus_pkey", Unique::Field("sku_id")),
    ("skus_product_position_key", Unique::Field("skus")),
    ("videos_pkey", Unique::Field("video_id")),
    ("video_products_pkey", Unique::Field("product_ids")),
    ("reviews_pkey", Unique::Field("review_id")),
    ("cart_lines_pkey", Unique::Field("sku_id")),
    ("favorites_pkey", Unique::Field("favorite_id")),
    ("favorites_user_product_key", Unique::Field("product_id")),
    ("addresses_pkey", Unique::Field("address_id")),
    ("addresses_one_default_key", Unique::Field("is_default")),
    ("orders_pkey", Unique::Field("order_id")),
    ("order_events_pkey", Unique::Field("timeline")),
    ("order_lines_pkey", Unique::Field("lines")),
    ("payments_pkey", Unique::Field("payment_id")),
    ("jobs_pkey", Unique::Field("job_id")),
    ("outbox_pkey", Unique::Field("event_id")),
    (
        "rejected_callbacks_pkey",
        Unique::Field("rejected_callback"),
    ),
];

const UNIQUE_VIOLATION: &str = "23505";
const FOREIGN_KEY_VIOLATION: &str = "23503";

/// Maps any sqlx error to the store's error type.
///
/// * unique violation of a known constraint → `Duplicate { field }`, or
///   `IdempotencyKeyTaken` for the idempotency key;
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
        return match meaning {
            Unique::Field(field) => StoreError::Duplicate { field },
            Unique::IdempotencyKey => StoreError::IdempotencyKeyTaken,
        };
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
        let sql = include_str!("../migrations/0001_init.sql");
        let in_schema: Vec<&str> = sql
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
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
