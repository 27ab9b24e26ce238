//! Buying in a flash sale (the hot path) and returning expired units.

use std::sync::Arc;
use tracing::{instrument, warn};
use yc_domain::account::User;
use yc_domain::address::Address;
use yc_domain::live::{Refusal, SalePhase};
use yc_domain::order::{Order, OrderEvent, OrderLine, OrderStatus, ShippingAddress};
use yc_domain::{EventId, FlashSaleId, JobId, OrderId, Timestamp, ValidationError};
use yc_store::{FlashBatch, FlashItem, FlashOutcome, NewJob, OutboxEvent};

use super::engine::{BuyJob, Lane, SaleSnapshot, next_batch};
use super::hub::LiveEvent;
use crate::idempotency::{Guard, parse_key, request_hash};
use crate::{ServiceError, ServiceResult, Services};

pub const FLASH_SCOPE: &str = "flash_order";
pub const EXPIRE_FLASH_JOB: &str = "expire_flash";
const EXPIRE_CHUNK: u32 = 500;

impl Services {
    /// One tap in a live room: an order for `quantity` units at the flash
    /// price to the buyer's default address, acknowledged once durable.
    #[instrument(skip_all)]
    pub async fn buy_flash(
        &self,
        user: &User,
        sale_id: FlashSaleId,
        quantity: u32,
        idempotency_key: Option<&str>,
    ) -> ServiceResult<Order> {
        let key = parse_key(idempotency_key)?;
        let hash = request_hash(&(sale_id, quantity))?;
        let lane = self.flash_lane(sale_id).await?;
        let now = self.now();
        let sale = &lane.snapshot.sale;
        match sale.phase(now, 1) {
            SalePhase::Open | SalePhase::SoldOut => {}
            phase @ (SalePhase::Scheduled | SalePhase::Countdown | SalePhase::Ended) => {
                // A retry after the window still gets its first answer.
                let guard = Guard {
                    user_id: user.id,
                    scope: FLASH_SCOPE,
                    key,
                    hash,
                };
                if let Some(order) = self.replay::<Order>(&guard).await? {
                    return Ok(order);
                }
                return Err(ServiceError::Conflict(if phase == SalePhase::Ended {
                    "sale_ended"
                } else {
                    "sale_not_open"
                }));
            }
        }
        if lane.known_sold_out(now) {
            return Err(ServiceError::SoldOut {
                sku_id: sale.sku_id,
            });
        }
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = BuyJob {
            user: user.clone(),
            quantity,
            key,
            hash,
            reply,
        };
        lane.tx
            .try_send(job)
            .map_err(|_| ServiceError::Overloaded)?;
        answer
            .await
            .map_err(|_| ServiceError::Internal("flash lane stopped".into()))?
    }

    /// The sale's lane on this node, starting its writer task if needed.
    async fn flash_lane(&self, id: FlashSaleId) -> ServiceResult<Arc<Lane>> {
        if let Some(lane) = self.flash.lane(id) {
            return Ok(lane);
        }
        let state = self
            .store
            .get_flash_sale(id)
            .await?
            .ok_or(ServiceError::NotFound("flash sale"))?;
        let product = self
            .store
            .get_product(state.sale.product_id)
            .await?
            .ok_or(ServiceError::NotFound("product"))?;
        let sku = product
            .sku(state.sale.sku_id)
            .ok_or(ServiceError::NotFound("sku"))?;
        let snapshot = SaleSnapshot {
            spec_label: product.spec_label(sku),
            title: product.title.clone(),
            image: product.media.first().cloned(),
            sale: state.sale,
        };
        let (lane, rx) = self
            .flash
            .install(snapshot, state.remaining, self.now())
            .ok_or(ServiceError::Internal("flash engine lock".into()))?;
        if let Some(rx) = rx {
            tokio::spawn(self.clone().run_lane(lane.clone(), rx));
        }
        Ok(lane)
    }

    async fn run_lane(self, lane: Arc<Lane>, mut rx: tokio::sync::mpsc::Receiver<BuyJob>) {
        while let Some(batch) = next_batch(&mut rx).await {
            self.commit_batch(&lane, batch).await;
        }
        self.flash.retire(&lane);
        // Answer anything that raced in after the idle timeout.
        rx.close();
        while let Ok(job) = rx.try_recv() {
            let _ = job.reply.send(Err(ServiceError::Overloaded));
        }
    }

    async fn commit_batch(&self, lane: &Lane, jobs: Vec<BuyJob>) {
        let now = self.now();
        let snap = &lane.snapshot;
        let users: Vec<_> = jobs.iter().map(|j| j.user.id).collect();
        let addresses = match self.store.default_addresses(&users).await {
            Ok(a) => a,
            Err(e) => return fail_all(jobs, &ServiceError::from(e)),
        };
        let mut items = Vec::with_capacity(jobs.len());
        let mut waiting = Vec::with_capacity(jobs.len());
        for job in jobs {
            let Some(address) = addresses.iter().find(|a| a.user_id == job.user.id) else {
                let _ = job.reply.send(Err(ValidationError::new(
                    "address_id",
                    "no_address",
                    "add a default shipping address first",
                )
                .into()));
                continue;
            };
            match flash_item(snap, &job, address, now) {
                Ok(item) => {
                    items.push(item);
                    waiting.push(job);
                }
                Err(e) => {
                    let _ = job.reply.send(Err(e));
                }
            }
        }
        if items.is_empty() {
            return;
        }
        let batch = FlashBatch {
            sale_id: snap.sale.id,
            event: OutboxEvent {
                id: EventId::new(),
                topic: "flash.orders".into(),
                payload: serde_json::json!({ "sale_id": snap.sale.id, "count": items.len() }),
                created_at: now,
            },
            expiry_job: NewJob {
                id: JobId::new(),
                kind: EXPIRE_FLASH_JOB.into(),
                payload: serde_json::json!({ "sale_id": snap.sale.id }),
                run_at: now.plus_millis(snap.sale.pay_window_ms + 1000),
            },
            items,
        };
        let started = std::time::Instant::now();
        let committed = self.store.commit_flash_batch(&batch).await;
        tracing::debug!(
            batch = batch.items.len(),
            commit_us = started.elapsed().as_micros(),
            "flash batch"
        );
        match committed {
            Ok(result) => {
                lane.set_hint(result.remaining, now);
                self.publish_stock(snap, result.remaining, now);
                for ((job, item), outcome) in
                    waiting.into_iter().zip(batch.items).zip(result.outcomes)
                {
                    let answered = answer(&job.hash, item.order, outcome, snap);
                    let _ = job.reply.send(answered);
                }
            }
            Err(e) => {
                warn!(error = %e, "flash batch failed");
                fail_all(waiting, &ServiceError::from(e));
            }
        }
    }

    fn publish_stock(&self, snap: &SaleSnapshot, remaining: i64, now: Timestamp) {
        let phase = snap.sale.phase(now, remaining);
        self.live.publish(
            snap.sale.room_id,
            LiveEvent::Stock {
                sale_id: snap.sale.id,
                remaining,
                phase,
            },
        );
    }
}

fn flash_item(
    snap: &SaleSnapshot,
    job: &BuyJob,
    address: &Address,
    now: Timestamp,
) -> ServiceResult<FlashItem> {
    let sale = &snap.sale;
    if job.quantity == 0 || job.quantity > sale.per_buyer_cap {
        return Err(ServiceError::Conflict("cap_exceeded"));
    }
    let line_total = sale.flash_price.checked_mul(job.quantity)?;
    let order = Order {
        id: OrderId::new(),
        buyer_id: job.user.id,
        merchant_id: sale.merchant_id,
        status: OrderStatus::PendingPayment,
        lines: vec![OrderLine {
            sku_id: sale.sku_id,
            product_id: sale.product_id,
            title: snap.title.clone(),
            spec_label: snap.spec_label.clone(),
            image: snap.image.clone(),
            unit_price: sale.flash_price,
            quantity: job.quantity,
            line_total,
        }],
        total: line_total,
        address: ShippingAddress::from(address),
        created_at: now,
        pay_deadline: now.plus_millis(sale.pay_window_ms),
        timeline: vec![OrderEvent {
            status: OrderStatus::PendingPayment,
            at: now,
            note: "直播秒杀".into(),
        }],
        flash_sale_id: Some(sale.id),
    };
    let guard = Guard {
        user_id: job.user.id,
        scope: FLASH_SCOPE,
        key: job.key.clone(),
        hash: job.hash.clone(),
    };
    let idempotency = guard.write(&order, now)?;
    Ok(FlashItem { order, idempotency })
}

fn answer(
    hash: &str,
    order: Order,
    outcome: FlashOutcome,
    snap: &SaleSnapshot,
) -> ServiceResult<Order> {
    match outcome {
        FlashOutcome::Accepted => Ok(order),
        FlashOutcome::Replayed(record) if record.request_hash == hash => {
            Ok(serde_json::from_value(record.response)?)
        }
        FlashOutcome::Replayed(_) => Err(ServiceError::IdempotencyMismatch),
        FlashOutcome::Refused(Refusal::SoldOut) => Err(ServiceError::SoldOut {
            sku_id: snap.sale.sku_id,
        }),
        FlashOutcome::Refused(Refusal::CapExceeded) => Err(ServiceError::Conflict("cap_exceeded")),
        FlashOutcome::Refused(Refusal::Invalid) => {
            Err(
                ValidationError::new("quantity", "out_of_range", "quantity must be at least 1")
                    .into(),
            )
        }
    }
}

fn fail_all(jobs: Vec<BuyJob>, e: &ServiceError) {
    for job in jobs {
        let _ = job.reply.send(Err(ServiceError::Internal(e.to_string())));
    }
}

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
