-- The first round trip of a flash batch (src/flash_conn.rs) is
-- `BEGIN; SELECT * FROM flash_lock_read(…)`: the batch's buyer locks and
-- its read travel together, one round trip instead of two. Measured with
-- `yellowcart bench flash-sale --db postgres --nodes 2` on the 2-core
-- machine, a batch's trivial round trip (the BEGIN and its locks) took
-- 1.3 ms at the median and 4.4 ms at p90, nearly all of it waiting to
-- be scheduled.
--
-- The read must see every batch that committed before the last lock was
-- granted. Under READ COMMITTED each statement of a VOLATILE function
-- takes a fresh snapshot, so the locks come first, then (for the exact
-- path) the sale row's lock, then the read, each its own statement.
--
-- The batch's keys come hex-encoded: the call is a simple-query string,
-- and hex digits are all that goes into it besides numbers and UUIDs.
-- Keys and buyers are one index probe each (`LATERAL … OFFSET 0` keeps the
-- planner from flattening them into a join, whose generic plan, cached
-- while the table was small, could hash-join against a scan of the sale).
CREATE FUNCTION flash_lock_read(
    lock_class integer,
    locks      integer[],
    sale       uuid,
    key_users  uuid[],
    keys_hex   text[],
    buyers     uuid[],
    lock_sale  boolean)
RETURNS TABLE (r_ord bigint, r_hash text, r_id uuid, r_held bigint, r_cap integer)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    k integer;
    keys text[];
BEGIN
    FOREACH k IN ARRAY locks LOOP
        PERFORM pg_advisory_xact_lock(lock_class, k);
    END LOOP;
    keys := ARRAY(SELECT convert_from(decode(x.h, 'hex'), 'UTF8')
                  FROM unnest(keys_hex) WITH ORDINALITY AS x(h, i) ORDER BY x.i);
    IF lock_sale THEN
        PERFORM 1 FROM flash_sales s WHERE s.id = sale FOR UPDATE;
    END IF;
    RETURN QUERY
        SELECT 0::int8, NULL::text, s.sku_id, s.remaining, s.per_buyer_cap
        FROM flash_sales s WHERE s.id = sale
        UNION ALL
        SELECT u.ord, o.flash_hash, o.id, 0::int8, NULL::int4
        FROM UNNEST(key_users, keys) WITH ORDINALITY AS u(buyer_id, key, ord)
        CROSS JOIN LATERAL (SELECT o.flash_hash, o.id FROM orders o
            WHERE o.buyer_id = u.buyer_id AND o.flash_sale_id = sale AND o.flash_key = u.key
            OFFSET 0) o
        UNION ALL
        SELECT -u.ord, NULL::text, NULL::uuid, h.held, NULL::int4
        FROM UNNEST(buyers) WITH ORDINALITY AS u(buyer_id, ord)
        CROSS JOIN LATERAL (SELECT COALESCE(sum(o.flash_held), 0)::int8 AS held FROM orders o
            WHERE o.buyer_id = u.buyer_id AND o.flash_sale_id = sale OFFSET 0) h;
END
$$;
