//! AfterSalesStore: requests, their timelines, refunds and 运费险 claims.
//! The writes (and their lock order) are in `aftersales_writes` and
//! `aftersales_money`; this file
//! holds the transactions' edges and the reads.

use async_trait::async_trait;
use yc_domain::aftersales::{AfterSalesRequest, Refund, RequestState};
use yc_domain::page::PageRequest;
use yc_domain::{AfterSalesId, MerchantId, OrderId, RefundId, SkuId, Timestamp, UserId};
use yc_store::{
    AfterSalesStore, OpenOutcome, OpenRequestWrite, RefundSettlement, RequestOutcome,
    RequestTransitionWrite, StoreResult,
};

use crate::PgStore;
use crate::aftersales_money as money;
use crate::aftersales_rows::{RefundRow, RequestRow, assemble, refund_columns, request_columns};
use crate::aftersales_writes as writes;
use crate::codec::{before, count, enum_str, overfetch};
use crate::error::db_err;

#[async_trait]
impl AfterSalesStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn open_request(&self, write: &OpenRequestWrite) -> StoreResult<OpenOutcome> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let outcome = writes::open(&mut tx, write).await?;
        // A refusal rolls back (the drop): its idempotency row is not kept.
        if outcome == OpenOutcome::Opened {
            tx.commit().await.map_err(db_err)?;
        }
        Ok(outcome)
    }

    #[tracing::instrument(skip_all)]
    async fn transition_request(
        &self,
        write: &RequestTransitionWrite,
    ) -> StoreResult<RequestOutcome> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        writes::lock_sale_for(&mut tx, write).await?;
        let outcome = writes::move_request(&mut tx, write).await?;
        if outcome == RequestOutcome::Applied {
            tx.commit().await.map_err(db_err)?;
        }
        Ok(outcome)
    }

    #[tracing::instrument(skip_all)]
    async fn get_request(&self, id: AfterSalesId) -> StoreResult<Option<AfterSalesRequest>> {
        let rows: Vec<RequestRow> = sqlx::query_as(concat!(
            "SELECT ",
            request_columns!(),
            " FROM aftersales_requests WHERE id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(assemble(&self.pool, rows).await?.pop())
    }

    #[tracing::instrument(skip_all)]
    async fn order_requests(&self, order: OrderId) -> StoreResult<Vec<AfterSalesRequest>> {
        let rows: Vec<RequestRow> = sqlx::query_as(concat!(
            "SELECT ",
            request_columns!(),
            " FROM aftersales_requests WHERE order_id = $1 ORDER BY id"
        ))
        .bind(order.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        assemble(&self.pool, rows).await
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
            .collect::<StoreResult<Vec<String>>>()?;
        let rows: Vec<RequestRow> = sqlx::query_as(concat!(
            "SELECT ",
            request_columns!(),
            " FROM aftersales_requests \
             WHERE merchant_id = $1 AND id < $2 \
               AND (cardinality($3::text[]) = 0 OR state = ANY($3)) \
             ORDER BY id DESC LIMIT $4"
        ))
        .bind(merchant.as_uuid())
        .bind(before(page))
        .bind(states)
        .bind(overfetch(page))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        assemble(&self.pool, rows).await
    }

    #[tracing::instrument(skip_all)]
    async fn arbitration_queue(&self, limit: u32) -> StoreResult<Vec<AfterSalesRequest>> {
        let rows: Vec<RequestRow> = sqlx::query_as(concat!(
            "SELECT ",
            request_columns!(),
            " FROM aftersales_requests WHERE state = 'in_arbitration' ORDER BY id LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        assemble(&self.pool, rows).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_refund(&self, id: RefundId) -> StoreResult<Option<Refund>> {
        let row: Option<RefundRow> = sqlx::query_as(concat!(
            "SELECT ",
            refund_columns!(),
            " FROM refunds WHERE id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(RefundRow::into_refund).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn settle_refund(&self, settlement: &RefundSettlement) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let applied = money::settle(&mut tx, settlement).await?;
        if applied {
            tx.commit().await.map_err(db_err)?;
        }
        Ok(applied)
    }

    #[tracing::instrument(skip_all)]
    async fn buyer_refunds_since(&self, buyer: UserId, since: Timestamp) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM refunds WHERE buyer_id = $1 AND created_at >= $2",
        )
        .bind(buyer.as_uuid())
        .bind(since.millis())
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        count(n)
    }

    #[tracing::instrument(skip_all)]
    async fn restock_return(
        &self,
        request: AfterSalesId,
        sku: SkuId,
        quantity: u32,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let applied = money::restock(&mut tx, request, sku, quantity).await?;
        if applied {
            tx.commit().await.map_err(db_err)?;
        }
        Ok(applied)
    }
}
