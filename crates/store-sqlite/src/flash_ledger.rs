//! What the flash writer remembers of each sale it writes: every buyer's
//! held units and every Idempotency-Key with its order, so a batch decides
//! without a buyer-keyed read or index write per order (migration 0007).
//!
//! The memory is exact, not a cache that may be stale: a sale's ledger is
//! loaded from its orders inside a flash transaction, under the write
//! gate; only the flash writer places flash orders and records them here
//! once their commit returned; units released by any other writer are
//! appended to `flash_releases` in the releasing transaction and applied
//! here (under the gate) before the next batch decides. A ledger leaves
//! memory only once the indexer has copied all its orders' keys into
//! `flash_order_keys`, so a key lookup that misses every ledger and that
//! table has no order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Transaction, params};
use uuid::Uuid;
use yc_domain::{FlashSaleId, UserId};
use yc_store::{StoreError, StoreResult};

use crate::flash_thread::backend;

/// Ledgers kept once their orders are indexed (least recently used go).
const RESIDENT: usize = 16;

/// One sale's buyers: units held and keys used.
#[derive(Debug, Default)]
pub(crate) struct SaleLedger {
    held: HashMap<UserId, u32>,
    /// (buyer, key) → (request hash, order id).
    keys: HashMap<(UserId, String), (String, Uuid)>,
    /// Highest orders.rowid among the sale's orders known here.
    last_rowid: i64,
    used: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Ledgers {
    sales: HashMap<FlashSaleId, SaleLedger>,
    /// Highest `flash_releases.id` reflected in every ledger held here.
    releases_seen: Option<i64>,
    tick: u64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct SharedLedgers(Arc<Mutex<Ledgers>>);

impl SharedLedgers {
    pub fn lock(&self) -> StoreResult<MutexGuard<'_, Ledgers>> {
        self.0
            .lock()
            .map_err(|_| StoreError::Backend("flash ledger lock poisoned".into()))
    }
}

fn uuid_of(text: &str, what: &'static str) -> StoreResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| StoreError::Backend(format!("{what} is not a uuid")))
}

impl Ledgers {
    /// Brings the ledgers up to date inside a flash transaction (the gate
    /// held): applies released units, then loads `sale` if absent.
    pub fn prepare(&mut self, tx: &Transaction<'_>, sale: FlashSaleId) -> StoreResult<()> {
        self.catch_up(tx)?;
        self.tick += 1;
        let ledger = match self.sales.entry(sale) {
            std::collections::hash_map::Entry::Occupied(held) => held.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => slot.insert(load(tx, sale)?),
        };
        ledger.used = self.tick;
        Ok(())
    }

    fn catch_up(&mut self, tx: &Transaction<'_>) -> StoreResult<()> {
        let Some(seen) = self.releases_seen else {
            // Nothing loaded yet: every later load reads released units
            // from the orders themselves.
            let top: i64 = tx
                .query_row("SELECT COALESCE(MAX(id), 0) FROM flash_releases", [], |r| {
                    r.get(0)
                })
                .map_err(backend)?;
            self.releases_seen = Some(top);
            return prune(tx, top);
        };
        let mut stmt = tx
            .prepare_cached(
                "SELECT id, sale_id, buyer_id, units FROM flash_releases WHERE id > ? ORDER BY id",
            )
            .map_err(backend)?;
        let rows = stmt
            .query_map([seen], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(backend)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(backend)?;
        let Some(top) = rows.last().map(|r| r.0) else {
            return Ok(());
        };
        for (_, sale, buyer, units) in rows {
            let sale = FlashSaleId(uuid_of(&sale, "flash_releases.sale_id")?);
            let buyer = UserId(uuid_of(&buyer, "flash_releases.buyer_id")?);
            self.release(sale, buyer, units);
        }
        self.releases_seen = Some(top);
        prune(tx, top)
    }

    fn release(&mut self, sale: FlashSaleId, buyer: UserId, units: i64) {
        let Some(ledger) = self.sales.get_mut(&sale) else {
            return;
        };
        let held = ledger.held.get(&buyer).copied().unwrap_or(0);
        match u32::try_from(units).ok().and_then(|u| held.checked_sub(u)) {
            Some(left) => {
                ledger.held.insert(buyer, left);
            }
            None => {
                // Cannot happen while the ledger is exact; reload it from
                // the orders rather than decide on a wrong count.
                tracing::error!("flash ledger released more than it held; reloading the sale");
                self.forget(sale);
            }
        }
    }

    /// The units each buyer holds in `sale` (absent: none).
    pub fn held(&self, sale: FlashSaleId, buyer: UserId) -> u32 {
        self.sales
            .get(&sale)
            .and_then(|l| l.held.get(&buyer).copied())
            .unwrap_or(0)
    }

    /// Whether `sale`'s ledger is in memory.
    pub fn holds(&self, sale: FlashSaleId) -> bool {
        self.sales.contains_key(&sale)
    }

    /// The (request hash, order id) stored for a key in `sale`.
    pub fn key(&self, sale: FlashSaleId, buyer: UserId, key: &str) -> Option<(String, Uuid)> {
        let ledger = self.sales.get(&sale)?;
        ledger.keys.get(&(buyer, key.to_owned())).cloned()
    }

    /// The newest order placed with `key` by `buyer` in any sale held here.
    pub fn newest_key(&self, buyer: UserId, key: &str) -> Option<(String, Uuid)> {
        let wanted = (buyer, key.to_owned());
        self.sales
            .values()
            .filter_map(|l| l.keys.get(&wanted))
            .max_by_key(|(_, order)| *order)
            .cloned()
    }

    /// Records an order the flash writer has committed.
    /// (A ledger dropped since `prepare` is not rebuilt from one order:
    /// the next batch loads it whole, this order included.)
    pub fn record(&mut self, sale: FlashSaleId, placed: Placed) {
        let Some(ledger) = self.sales.get_mut(&sale) else {
            return;
        };
        let held = ledger.held.entry(placed.buyer).or_insert(0);
        *held = held.saturating_add(placed.units);
        ledger.last_rowid = ledger.last_rowid.max(placed.rowid);
        ledger
            .keys
            .insert((placed.buyer, placed.key), (placed.hash, placed.order));
    }

    /// Drops a sale's ledger; the next batch loads it from the orders.
    /// (Its orders past the indexer's mark are then found by key only
    /// once that batch has reloaded it, or the indexer has passed them.)
    pub fn forget(&mut self, sale: FlashSaleId) {
        self.sales.remove(&sale);
    }

    /// Drops least recently used ledgers beyond `RESIDENT` whose orders
    /// are all indexed (rowid <= `mark`).
    pub fn evict(&mut self, mark: i64) {
        while self.sales.len() > RESIDENT {
            let oldest = self
                .sales
                .iter()
                .filter(|(_, l)| l.last_rowid <= mark)
                .min_by_key(|(_, l)| l.used)
                .map(|(id, _)| *id);
            match oldest {
                Some(id) => {
                    self.sales.remove(&id);
                }
                None => return,
            }
        }
    }
}

/// An order the flash writer placed, as its ledger keeps it.
pub(crate) struct Placed {
    pub buyer: UserId,
    pub key: String,
    pub hash: String,
    pub order: Uuid,
    pub units: u32,
    pub rowid: i64,
}

fn prune(tx: &Transaction<'_>, upto: i64) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM flash_releases WHERE id <= ?")
        .and_then(|mut s| s.execute([upto]))
        .map_err(backend)?;
    Ok(())
}

/// A sale's ledger from its orders (orders_flash_expiry_idx by sale).
fn load(tx: &Transaction<'_>, sale: FlashSaleId) -> StoreResult<SaleLedger> {
    let mut stmt = tx
        .prepare_cached(
            "SELECT rowid, id, buyer_id, flash_key, flash_hash, flash_held FROM orders \
             WHERE flash_sale_id = ?",
        )
        .map_err(backend)?;
    let mut rows = stmt
        .query(params![sale.0.hyphenated().to_string()])
        .map_err(backend)?;
    let mut ledger = SaleLedger::default();
    while let Some(r) = rows.next().map_err(backend)? {
        let rowid: i64 = r.get(0).map_err(backend)?;
        let order = uuid_of(&r.get::<_, String>(1).map_err(backend)?, "orders.id")?;
        let buyer = UserId(uuid_of(
            &r.get::<_, String>(2).map_err(backend)?,
            "orders.buyer_id",
        )?);
        let key: Option<String> = r.get(3).map_err(backend)?;
        let hash: Option<String> = r.get(4).map_err(backend)?;
        let held: Option<i64> = r.get(5).map_err(backend)?;
        let held = u32::try_from(held.unwrap_or(0))
            .map_err(|_| StoreError::Backend("orders.flash_held out of range".into()))?;
        let total = ledger.held.entry(buyer).or_insert(0);
        *total = total.saturating_add(held);
        if let (Some(key), Some(hash)) = (key, hash) {
            ledger.keys.insert((buyer, key), (hash, order));
        }
        ledger.last_rowid = ledger.last_rowid.max(rowid);
    }
    Ok(ledger)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(rowid: i64) -> Placed {
        Placed {
            buyer: UserId::new(),
            key: format!("k{rowid}"),
            hash: "h".into(),
            order: Uuid::now_v7(),
            units: 1,
            rowid,
        }
    }

    #[test]
    fn evicts_only_indexed_ledgers_least_recently_used_first() {
        let mut ledgers = Ledgers::default();
        let sales: Vec<FlashSaleId> = (0..=RESIDENT).map(|_| FlashSaleId::new()).collect();
        for (i, sale) in sales.iter().enumerate() {
            let mut ledger = SaleLedger {
                used: i as u64,
                ..SaleLedger::default()
            };
            ledger.last_rowid = 100 + i as i64;
            ledgers.sales.insert(*sale, ledger);
        }
        ledgers.record(sales[0], placed(500));
        ledgers.evict(99);
        assert_eq!(ledgers.sales.len(), RESIDENT + 1, "nothing indexed yet");
        ledgers.evict(200);
        assert_eq!(ledgers.sales.len(), RESIDENT);
        assert!(
            ledgers.sales.contains_key(&sales[0]),
            "least recently used, but its newest order is not indexed"
        );
        assert!(
            !ledgers.sales.contains_key(&sales[1]),
            "the next oldest goes"
        );
    }

    #[test]
    fn a_release_beyond_what_is_held_drops_the_ledger() {
        let mut ledgers = Ledgers::default();
        let sale = FlashSaleId::new();
        ledgers.sales.insert(sale, SaleLedger::default());
        let order = placed(1);
        let buyer = order.buyer;
        ledgers.record(sale, order);
        ledgers.release(sale, buyer, 1);
        assert_eq!(ledgers.held(sale, buyer), 0);
        ledgers.release(sale, buyer, 1);
        assert!(!ledgers.sales.contains_key(&sale), "reloaded on next use");
    }
}
