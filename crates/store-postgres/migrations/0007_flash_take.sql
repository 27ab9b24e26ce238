-- Takes `units` from a flash sale's pool, or fails with SQLSTATE YCF01 if
-- the pool has fewer (the row is then left as it was). A flash batch sends
-- `SELECT flash_take(…); COMMIT` as one query string: when the take fails,
-- the server abandons the rest of the string, so the COMMIT never runs and
-- the batch's inserts are rolled back. That makes taking the pool and
-- committing one round trip, which is all the time the sale's row lock is
-- held (see store-postgres/src/flash_tx.rs).
CREATE FUNCTION flash_take(sale uuid, units bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    after bigint;
BEGIN
    UPDATE flash_sales SET remaining = remaining - units
    WHERE id = sale AND remaining >= units
    RETURNING remaining INTO after;
    IF after IS NULL THEN
        RAISE EXCEPTION 'flash sale % has fewer than % units', sale, units
            USING ERRCODE = 'YCF01';
    END IF;
    RETURN after;
END
$$;
