//! AfterSalesStore: requests, their timelines, refunds and 运费险 claims.

use async_trait::async_trait;
use yc_domain::aftersales::{AfterSalesRequest, Refund, RequestState};
use yc_domain::page::PageRequest;
use yc_domain::{AfterSalesId, MerchantId, OrderId, RefundId, SkuId, Timestamp, UserId};
use yc_store::{
    AfterSalesStore, OpenOutcome, OpenRequestWrite, RefundSettlement, RequestOutcome,
    RequestTransitionWrite, StoreResult,
};

use crate::SqliteStore;
use crate::aftersales_rows::{RefundRow, RequestRow, assemble, refund_columns, request_columns};
use crate::aftersales_writes::{move_request, open, restock, settle};
use crate::error::from_sqlx;
use crate::rows::count;
use crate::sql::{Key, before, begin_read, begin_write, enum_str, finish, overfetch, to_json};

#[async_trait]
impl AfterSalesStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn open_request(&self, write: &OpenRequestWrite) -> StoreResult<OpenOutcome> {
        let mut tx = begin_write(&self.write).await?;
        match open(&mut tx, write).await {
            // A refusal keeps nothing, not even the idempotency row.
            Ok(refused @ (OpenOutcome::OrderStatusWas(_) | OpenOutcome::LineLimit)) => {
                tx.rollback().await.map_err(from_sqlx)?;
                Ok(refused)
            }
            outcome => finish(tx, outcome).await,
        }
    }

    #[tracing::instrument(skip_all)]
    async fn transition_request(
        &self,
        write: &RequestTransitionWrite,
    ) -> StoreResult<RequestOutcome> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = move_request(&mut tx, write).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_request(&self, id: AfterSalesId) -> StoreResult<Option<AfterSalesRequest>> {
        let mut tx = begin_read(&self.read).await?;
        let rows: Vec<RequestRow> = sqlx::query_as(concat!(
            "SELECT ",
            request_columns!(),
            " FROM aftersales_requests WHERE id = ?"
        ))
        .bind(id.key())
        .fetch_all(&mut *tx)
        .await
        .map_err(from_sqlx)?;
        let outcome = assemble(&mut tx, rows).await;
        finish(tx, outcome.map(|mut v| v.pop())).await
    }

    #[tracing::instrument(skip_all)]
    async fn order_requests(&self, order: OrderId) -> StoreResult<Vec<AfterSalesRequest>> {
        let mut tx = begin_read(&self.read).await?;
        let rows: Vec<RequestRow> = sqlx::query_as(concat!(
            "SELECT ",
            request_columns!(),
            " FROM aftersales_requests WHERE order_id = ? ORDER BY id"
        ))
        .bind(order.key())
        .fetch_all(&mut *tx)
        .await
        .map_err(from_sqlx)?;
        let outcome = assemble(&mut tx, rows).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn merchant_requests(
        &self,
        merchant: MerchantId,
        states: &[RequestState],
        page: PageRequest,
    ) -> StoreResult<Vec<AfterSalesRequest>> {
        let states = states
            .iter()
            .map(enum_str)
            .collect::<StoreResult<Vec<_>>>()?;
        let mut tx = begin_read(&self.read).await?;
        let rows: Vec<RequestRow> = sqlx::query_as(concat!(
            "SELECT ",
            request_columns!(),
            " FROM aftersales_requests \
             WHERE merchant_id = ? AND id < ? \
               AND (? = 0 OR state IN (SELECT value FROM json_each(?))) \
             ORDER BY id DESC LIMIT ?"
        ))
        .bind(merchant.key())
        .bind(before(page.after))
        .bind(states.len() as i64)
        .bind(to_json(&states)?)
        .bind(overfetch(page))
        .fetch_all(&mut *tx)
        .await
        .map_err(from_sqlx)?;
        let outcome = assemble(&mut tx, rows).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn arbitration_queue(&self, limit: u32) -> StoreResult<Vec<AfterSalesRequest>> {
        let mut tx = begin_read(&self.read).await?;
        let rows: Vec<RequestRow> = sqlx::query_as(concat!(
            "SELECT ",
            request_columns!(),
            " FROM aftersales_requests \
             WHERE state = 'in_arbitration' ORDER BY id LIMIT ?"
        ))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(from_sqlx)?;
        let outcome = assemble(&mut tx, rows).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_refund(&self, id: RefundId) -> StoreResult<Option<Refund>> {
        let row: Option<RefundRow> = sqlx::query_as(concat!(
            "SELECT ",
            refund_columns!(),
            " FROM refunds WHERE id = ?"
        ))
        .bind(id.key())
        .fetch_optional(&self.read)
        .await
        .map_err(from_sqlx)?;
        row.map(RefundRow::into_refund).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn settle_refund(&self, settlement: &RefundSettlement) -> StoreResult<bool> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = settle(&mut tx, settlement).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn buyer_refunds_since(&self, buyer: UserId, since: Timestamp) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM refunds WHERE buyer_id = ? AND created_at >= ?",
        )
        .bind(buyer.key())
        .bind(since.millis())
        .fetch_one(&self.read)
        .await
        .map_err(from_sqlx)?;
        count(n)
    }

    #[tracing::instrument(skip_all)]
    async fn restock_return(
        &self,
        request: AfterSalesId,
        sku: SkuId,
        quantity: u32,
    ) -> StoreResult<bool> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = restock(&mut tx, request, sku, quantity).await;
        finish(tx, outcome).await
    }
}
