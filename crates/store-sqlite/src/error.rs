//! The one place where database errors become `StoreError`s.

use sqlx::error::ErrorKind;
use yc_store::StoreError;

/// Translates a sqlx error. Expected refusals (a unique constraint that
/// names an input, a reference to a row that does not exist) become their
/// named case; anything else is a backend failure, logged here without
/// customer data (SQLite messages name tables and columns, never values).
pub(crate) fn from_sqlx(err: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &err {
        match db.kind() {
            ErrorKind::UniqueViolation => {
                if let Some(mapped) = unique_violation(db.message()) {
                    return mapped;
                }
            }
            // A write referencing a user, SKU, product… that does not exist.
            ErrorKind::ForeignKeyViolation => return StoreError::NotFound,
            _ => {}
        }
    }
    tracing::error!(error = %err, "sqlite store failure");
    StoreError::Backend(err.to_string())
}

/// SQLite reports a violated unique constraint (column constraint, table
/// constraint or unique index alike) by its columns:
/// `UNIQUE constraint failed: users.login`. Every unique key of
/// `migrations/` that a caller can collide with is listed here.
fn unique_violation(message: &str) -> Option<StoreError> {
    let columns = message.strip_prefix("UNIQUE constraint failed: ")?;
    let duplicate = |field| Some(StoreError::Duplicate { field });
    match columns {
        "idempotency_keys.user_id, idempotency_keys.scope, idempotency_keys.key" => {
            Some(StoreError::IdempotencyKeyTaken)
        }
        "users.login" => duplicate("login"),
        "sessions.token_hash" => duplicate("token_hash"),
        "video_products.video_id, video_products.product_id" => duplicate("product_ids"),
        "live_room_pins.room_id, live_room_pins.product_id" => duplicate("pinned"),
        "users.id" | "products.id" | "skus.id" | "videos.id" | "reviews.id" | "orders.id"
        | "payments.id" | "jobs.id" | "outbox.id" | "live_rooms.id" | "flash_sales.id" => {
            duplicate("id")
        }
        "merchants.id" => duplicate("merchant_id"),
        "shipments.carrier, shipments.tracking_no" => duplicate("tracking_no"),
        "shipments.order_id" => duplicate("shipment"),
        "refunds.request_id" => duplicate("refund"),
        "aftersales_requests.id" | "shipments.id" | "refunds.id" => duplicate("id"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_colliding_input() {
        assert!(matches!(
            unique_violation("UNIQUE constraint failed: users.login"),
            Some(StoreError::Duplicate { field: "login" })
        ));
        assert!(matches!(
            unique_violation(
                "UNIQUE constraint failed: idempotency_keys.user_id, idempotency_keys.scope, idempotency_keys.key"
            ),
            Some(StoreError::IdempotencyKeyTaken)
        ));
        assert!(
            unique_violation("UNIQUE constraint failed: skus.product_id, skus.position").is_none()
        );
        assert!(unique_violation("no such table: users").is_none());
    }
}
