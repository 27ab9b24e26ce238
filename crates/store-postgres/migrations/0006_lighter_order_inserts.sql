-- Order inserts get lighter: orders, their lines and their events stop
-- checking foreign keys, and an unused index goes. Each foreign-key
-- check is a per-row trigger query run after the statement (a plan
-- started, an index probe, a KEY SHARE lock on the target), and a flash
-- order had seven of them. Four targets are the same row for every order
-- of a flash sale (the merchant, the sale, the SKU, the product), so with
-- several batches inserting at once each of those locks became a
-- MultiXact, looked up again for every later order of the transaction.
-- Measured with `yellowcart bench flash-sale --db postgres --nodes 2`
-- (2 nodes, 256 connections): dropping those four took 7.0k to 8.3k
-- orders/s; the three left were still a fifth of PostgreSQL's CPU.
--
-- What the constraints guarded still holds, by construction:
-- * nothing deletes users, merchants, products, SKUs, flash sales or
--   orders (the store has no such statement), so no reference can dangle
--   later;
-- * an order's buyer is the signed-in user, and its merchant, SKU,
--   product and sale are copied from rows the service has just read (the
--   cart's products, or the sale's snapshot);
-- * lines and the first event are inserted by the same statement as
--   their order (order_rows.rs), later events under the order's row lock.
-- The tables that reference orders from elsewhere (payments, after-sales,
-- shipments, refunds, claims) keep their keys: those ids come from
-- requests.
ALTER TABLE orders DROP CONSTRAINT orders_buyer_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_merchant_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_flash_sale_fkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_order_fkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_sku_fkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_product_fkey;
ALTER TABLE order_events DROP CONSTRAINT order_events_order_fkey;

-- No statement looks order lines up by SKU alone (after-sales updates go
-- by (order_id, sku_id), the primary key's prefix); the index only cost
-- every line insert one more randomly placed index page.
DROP INDEX order_lines_sku_idx;
