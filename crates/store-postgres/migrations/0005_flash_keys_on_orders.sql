-- A flash order carries its own Idempotency-Key, request hash and the
-- units it still holds against the buyer's cap, instead of an
-- idempotency_keys row (with a JSONB copy of the order) and a flash_buyers
-- counter. Each of those was one more buyer-keyed (randomly placed) index
-- entry, heap tuple and foreign-key check per order, written while the
-- sale's row lock is held by the batch: measured with
-- `yellowcart bench flash-sale --db postgres --nodes 2`, the two rows were
-- a fifth of the orders per second. One buyer-keyed unique index
-- (orders_flash_key) now serves the key lookup and the cap's sum.
--
-- Keys are scoped to the sale (the request's URL names it): unique per
-- (buyer, sale, key). Lock order (0002) is unchanged: the sale row FIRST,
-- then orders.

ALTER TABLE orders
    ADD COLUMN flash_key  text    NULL,
    ADD COLUMN flash_hash text    NULL,
    ADD COLUMN flash_held integer NULL,
    ADD CONSTRAINT orders_flash_held_check CHECK (flash_held >= 0);

-- Existing flash orders take their key from the idempotency row whose
-- stored answer is the order.
UPDATE orders o SET flash_key = k.key, flash_hash = k.request_hash
FROM idempotency_keys k
WHERE k.scope = 'flash_order' AND k.user_id = o.buyer_id
  AND k.response ->> 'id' = o.id::text AND o.flash_sale_id IS NOT NULL;

-- Units held: the order's units unless cancelled. (Partial releases by
-- after-sales on orders placed before this migration were only counted
-- per buyer; those orders keep their full count.)
UPDATE orders o SET flash_held = CASE WHEN o.status = 'cancelled' THEN 0 ELSE
    (SELECT COALESCE(sum(l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id) END
WHERE o.flash_sale_id IS NOT NULL;

DELETE FROM idempotency_keys k
WHERE k.scope = 'flash_order'
  AND EXISTS (SELECT 1 FROM orders o WHERE o.buyer_id = k.user_id AND o.flash_key = k.key);

DROP TABLE flash_buyers;

-- A buyer's orders: ordinary ones by (buyer, id), flash ones by
-- (buyer, sale, key); listing merges the two. The (buyer, status, id)
-- index goes too: listing by status walks the buyer's orders (as on SQLite
-- since its 0003), and it was one more random index entry per order.
DROP INDEX orders_buyer_idx;
DROP INDEX orders_buyer_status_idx;
CREATE INDEX orders_buyer_idx ON orders (buyer_id, id DESC) WHERE flash_sale_id IS NULL;
CREATE UNIQUE INDEX orders_flash_key ON orders (buyer_id, flash_sale_id, flash_key)
    WHERE flash_sale_id IS NOT NULL;
