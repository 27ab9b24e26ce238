-- The buyer's order lists walk orders_buyer_idx (buyer_id, id) newest
-- first and filter by status as they go; a second (buyer_id, status, id)
-- index bought little for reads and cost every order insert one more
-- randomly placed index page, which in a flash sale's batches is a large
-- part of the WAL written per order.
DROP INDEX IF EXISTS orders_buyer_status_idx;
