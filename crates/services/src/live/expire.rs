//! Unpaid flash orders give their units back to the pool.

use yc_domain::FlashSaleId;

use super::hub::LiveEvent;
use crate::{ServiceError, ServiceResult, Services};

const EXPIRE_CHUNK: u32 = 500;

/// Returns the units of the sale's unpaid, overdue orders to its pool.
pub async fn expire_flash_job(
    services: &Services,
    payload: &serde_json::Value,
) -> ServiceResult<()> {
    let id: FlashSaleId =
        serde_json::from_value(payload.get("sale_id").cloned().unwrap_or_default())?;
    let mut total = 0;
    for _ in 0..20 {
        let n = services
            .store
            .expire_flash_orders(id, services.now(), "超时未支付，名额已释放", EXPIRE_CHUNK)
            .await?;
        total += n;
        if n < EXPIRE_CHUNK {
            break;
        }
    }
    if total > 0 {
        let state = services
            .store
            .get_flash_sale(id)
            .await?
            .ok_or(ServiceError::NotFound("flash sale"))?;
        let now = services.now();
        services.flash.refresh_hint(id, state.remaining, now);
        let phase = state.sale.phase(now, state.remaining);
        services.live.publish(
            state.sale.room_id,
            LiveEvent::Stock {
                sale_id: id,
                remaining: state.remaining,
                phase,
            },
        );
    }
    Ok(())
}
