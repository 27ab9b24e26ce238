-- Flash orders no longer update a buyer-keyed index as they are placed.
--
-- Why: orders_flash_key_idx (buyer, sale, key) put every order of a flash
-- batch on its own randomly placed leaf page — one more 4 KiB WAL frame
-- written, checksummed, fsynced and later checkpointed per order, plus
-- two buyer-keyed reads per order (key lookup, held units). Measured with
-- `yellowcart bench flash-sale` on one machine: 12.1–12.7k orders/s with
-- them, 14.3–16.5k with this design (15.1–16.6k with the indexer off).
--
-- Instead the flash writer keeps each open sale's keys and held units in
-- memory (`flash_ledger`, loaded from the sale's orders under the write
-- lock), and the buyer-keyed lookup table below is filled after the fact
-- in large sorted chunks (`flash_indexer`), which touch each leaf page
-- once per chunk instead of once per order. Orders past the indexer's
-- mark are found through the flash writer's ledgers (key lookups) or by
-- a scan of the table's tail (a buyer's order list).

DROP INDEX orders_flash_key_idx;

-- Every flash order by (buyer, sale, key), up to flash_index_mark.
-- Orders without a key (placed before 0006 with no idempotency row)
-- index under 'order:' || id, which no Idempotency-Key can equal.
CREATE TABLE flash_order_keys (
    buyer_id      TEXT NOT NULL,
    flash_sale_id TEXT NOT NULL,
    flash_key     TEXT NOT NULL,
    order_id      TEXT NOT NULL,
    PRIMARY KEY (buyer_id, flash_sale_id, flash_key)
) STRICT, WITHOUT ROWID;

-- Orders with rowid <= last_rowid are in flash_order_keys.
CREATE TABLE flash_index_mark (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    last_rowid INTEGER NOT NULL CHECK (last_rowid >= 0)
) STRICT;

INSERT INTO flash_order_keys (buyer_id, flash_sale_id, flash_key, order_id)
SELECT buyer_id, flash_sale_id, COALESCE(flash_key, 'order:' || id), id
FROM orders WHERE flash_sale_id IS NOT NULL
ORDER BY buyer_id, flash_sale_id;

INSERT INTO flash_index_mark (id, last_rowid)
VALUES (1, (SELECT COALESCE(MAX(rowid), 0) FROM orders));

-- Units given back to a sale's pool by a buyer's order (expiry, cancel,
-- refund), appended in the releasing transaction: the flash writer reads
-- the new rows under the write lock to lower its in-memory held units,
-- then deletes them. AUTOINCREMENT: ids never go back after a delete.
CREATE TABLE flash_releases (
    id       INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    sale_id  TEXT    NOT NULL,
    buyer_id TEXT    NOT NULL,
    units    INTEGER NOT NULL CHECK (units > 0)
) STRICT;
