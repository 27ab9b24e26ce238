-- A flash order carries its own Idempotency-Key, request hash and the
-- units it still holds against the buyer's cap, instead of an
-- idempotency_keys row (with a copy of the order as JSON) and a
-- flash_buyers counter. Each of those was keyed by buyer, so every order
-- of a flash batch dirtied one more randomly placed page per table, and
-- each dirty page is a 4 KiB WAL frame written and checksummed before the
-- batch's fsync: measured with `yellowcart bench flash-sale`, the two rows
-- were 40 % of the writer's time per order. Now a flash order touches one
-- buyer-keyed page (orders_flash_key_idx) and appends the rest.
--
-- Keys are scoped to the sale (the request's URL names it): unique per
-- (buyer, sale, key).

ALTER TABLE orders ADD COLUMN flash_key TEXT;
ALTER TABLE orders ADD COLUMN flash_hash TEXT;
ALTER TABLE orders ADD COLUMN flash_held INTEGER CHECK (flash_held >= 0);

-- Existing flash orders take their key from the idempotency row whose
-- stored answer is the order.
UPDATE orders SET flash_key = k.key, flash_hash = k.request_hash
FROM idempotency_keys AS k
WHERE k.scope = 'flash_order' AND k.user_id = orders.buyer_id
  AND k.response ->> '$.id' = orders.id AND orders.flash_sale_id IS NOT NULL;

-- Units held: the order's units unless cancelled. (Partial releases by
-- after-sales on orders placed before this migration were only counted
-- per buyer; those orders keep their full count.)
UPDATE orders SET flash_held = CASE WHEN status = 'cancelled' THEN 0 ELSE
    (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines AS l WHERE l.order_id = orders.id) END
WHERE flash_sale_id IS NOT NULL;

DELETE FROM idempotency_keys
WHERE scope = 'flash_order'
  AND EXISTS (SELECT 1 FROM orders AS o
              WHERE o.buyer_id = idempotency_keys.user_id AND o.flash_key = idempotency_keys.key);

DROP TABLE flash_buyers;

-- A buyer's orders: ordinary ones by (buyer, id), flash ones by
-- (buyer, sale, key); listing merges the two.
DROP INDEX orders_buyer_idx;
CREATE INDEX orders_buyer_idx ON orders (buyer_id, id) WHERE flash_sale_id IS NULL;
CREATE UNIQUE INDEX orders_flash_key_idx ON orders (buyer_id, flash_sale_id, flash_key)
    WHERE flash_sale_id IS NOT NULL;
