-- Live rooms and flash sales (秒杀). Same conventions as 0001_init.sql.
--
-- A flash sale takes `pool_size` units out of its SKU's stock when it is
-- created; from then on its orders draw on `flash_sales.remaining` and give
-- units back there (never to the SKU). `flash_buyers.held` is what a buyer
-- holds in the sale's live (not cancelled) orders: the per-buyer cap is
-- checked against it without scanning orders.

CREATE TABLE live_rooms (
    id           TEXT    NOT NULL PRIMARY KEY,  -- UUIDv7: newest first by id
    merchant_id  TEXT    NOT NULL REFERENCES merchants (id),
    title        TEXT    NOT NULL,
    stream_url   TEXT    NOT NULL,
    poster_url   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

-- The products pinned in a room, in display order.
CREATE TABLE live_room_pins (
    room_id     TEXT    NOT NULL REFERENCES live_rooms (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL CHECK (position >= 0),
    product_id  TEXT    NOT NULL REFERENCES products (id),
    PRIMARY KEY (room_id, position),
    UNIQUE (room_id, product_id)
) STRICT;

CREATE TABLE flash_sales (
    id              TEXT    NOT NULL PRIMARY KEY,
    room_id         TEXT    NOT NULL REFERENCES live_rooms (id),
    merchant_id     TEXT    NOT NULL REFERENCES merchants (id),
    product_id      TEXT    NOT NULL REFERENCES products (id),
    sku_id          TEXT    NOT NULL REFERENCES skus (id),
    price_minor     INTEGER NOT NULL CHECK (price_minor >= 0),
    currency        TEXT    NOT NULL,
    pool_size       INTEGER NOT NULL CHECK (pool_size >= 1),
    per_buyer_cap   INTEGER NOT NULL CHECK (per_buyer_cap >= 1),
    -- the pool's count: the last line of defence behind the allocation rule
    remaining       INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= pool_size),
    starts_at       INTEGER NOT NULL,
    countdown_secs  INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    pay_window_ms   INTEGER NOT NULL CHECK (pay_window_ms > 0),
    created_at      INTEGER NOT NULL
) STRICT;
-- room_flash_sales: soonest first
CREATE INDEX flash_sales_room_idx ON flash_sales (room_id, starts_at, id);

-- Units each buyer holds in a sale's live orders.
CREATE TABLE flash_buyers (
    sale_id   TEXT    NOT NULL REFERENCES flash_sales (id),
    buyer_id  TEXT    NOT NULL REFERENCES users (id),
    held      INTEGER NOT NULL CHECK (held >= 0),
    PRIMARY KEY (sale_id, buyer_id)
) STRICT, WITHOUT ROWID;

-- NULL for ordinary orders.
ALTER TABLE orders ADD COLUMN flash_sale_id TEXT REFERENCES flash_sales (id);
-- expire_flash_orders: a sale's due unpaid orders, oldest deadline first
CREATE INDEX orders_flash_expiry_idx ON orders (flash_sale_id, status, pay_deadline)
    WHERE flash_sale_id IS NOT NULL;
