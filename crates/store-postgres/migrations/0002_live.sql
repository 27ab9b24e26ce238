-- Live rooms and flash sales (秒杀). Same conventions as 0001_init.sql:
-- application-minted UUIDv7 ids, BIGINT minor units + currency, BIGINT unix
-- milliseconds, and every constraint named (src/error.rs maps unique
-- violations by name).
--
-- Lock order of everything that touches a sale's counters: the
-- `flash_sales` row FIRST (`SELECT … FOR UPDATE`), then orders, then
-- `flash_buyers` rows. Group commits, expiry and flash-order cancellation
-- all follow it, so they serialise per sale and never deadlock.

-- ───────────────────────────── live rooms ─────────────────────────────

CREATE TABLE live_rooms (
    id          uuid   NOT NULL,
    merchant_id uuid   NOT NULL,
    title       text   NOT NULL,
    stream_url  text   NOT NULL,  -- HLS (.m3u8) or MP4
    poster_url  text   NOT NULL,
    created_at  bigint NOT NULL,
    CONSTRAINT live_rooms_pkey PRIMARY KEY (id),
    CONSTRAINT live_rooms_merchant_fkey FOREIGN KEY (merchant_id) REFERENCES merchants (id)
);
CREATE INDEX live_rooms_merchant_idx ON live_rooms (merchant_id, id DESC);

-- The products pinned in a room, in display order.
CREATE TABLE live_room_pins (
    room_id     uuid    NOT NULL,
    product_id  uuid    NOT NULL,
    position    integer NOT NULL,
    CONSTRAINT live_room_pins_pkey PRIMARY KEY (room_id, product_id),  -- a product once per room
    CONSTRAINT live_room_pins_room_fkey FOREIGN KEY (room_id) REFERENCES live_rooms (id) ON DELETE CASCADE,
    CONSTRAINT live_room_pins_product_fkey FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE INDEX live_room_pins_product_idx ON live_room_pins (product_id);

-- ───────────────────────────── flash sales ─────────────────────────────

-- `remaining` is the pool: taken from the SKU's stock when the sale is
-- created, decremented by group commits, refilled by expiry/cancellation.
-- The CHECK is the last line of defence, never the mechanism (that is the
-- row lock plus `yc_domain::live::allocate`).
CREATE TABLE flash_sales (
    id                 uuid    NOT NULL,
    room_id            uuid    NOT NULL,
    merchant_id        uuid    NOT NULL,
    product_id         uuid    NOT NULL,
    sku_id             uuid    NOT NULL,
    flash_price_minor  bigint  NOT NULL,
    currency           text    NOT NULL,
    pool_size          bigint  NOT NULL,
    per_buyer_cap      integer NOT NULL,
    starts_at          bigint  NOT NULL,
    countdown_secs     bigint  NOT NULL,
    ends_at            bigint  NOT NULL,
    pay_window_ms      bigint  NOT NULL,
    created_at         bigint  NOT NULL,
    remaining          bigint  NOT NULL,
    CONSTRAINT flash_sales_pkey PRIMARY KEY (id),
    CONSTRAINT flash_sales_pool_check CHECK (pool_size >= 1),
    CONSTRAINT flash_sales_remaining_check CHECK (remaining >= 0 AND remaining <= pool_size),
    CONSTRAINT flash_sales_cap_check CHECK (per_buyer_cap >= 1),
    CONSTRAINT flash_sales_price_check CHECK (flash_price_minor >= 0),
    CONSTRAINT flash_sales_room_fkey FOREIGN KEY (room_id) REFERENCES live_rooms (id),
    CONSTRAINT flash_sales_merchant_fkey FOREIGN KEY (merchant_id) REFERENCES merchants (id),
    CONSTRAINT flash_sales_product_fkey FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT flash_sales_sku_fkey FOREIGN KEY (sku_id) REFERENCES skus (id)
);
-- A room's sales, soonest first.
CREATE INDEX flash_sales_room_idx ON flash_sales (room_id, starts_at, id);

-- Units each buyer holds in a sale's live (not cancelled) orders: the
-- per-buyer cap is checked against this counter, so a group commit reads
-- one row per buyer instead of summing orders. Only written under the
-- sale's row lock. No foreign key to users: rows are only created next to
-- an order, which references the buyer already (and a per-row RI check
-- would cost the hot path).
CREATE TABLE flash_buyers (
    sale_id   uuid    NOT NULL,
    buyer_id  uuid    NOT NULL,
    held      integer NOT NULL,
    CONSTRAINT flash_buyers_pkey PRIMARY KEY (sale_id, buyer_id),
    CONSTRAINT flash_buyers_held_check CHECK (held >= 0),
    CONSTRAINT flash_buyers_sale_fkey FOREIGN KEY (sale_id) REFERENCES flash_sales (id) ON DELETE CASCADE
);

-- ───────────────────────────── orders ─────────────────────────────

-- Set for orders placed in a flash sale: their units come from (and go
-- back to) the sale's pool, not the SKU's stock.
ALTER TABLE orders ADD COLUMN flash_sale_id uuid NULL;
ALTER TABLE orders ADD CONSTRAINT orders_flash_sale_fkey
    FOREIGN KEY (flash_sale_id) REFERENCES flash_sales (id);
-- Expiry of a sale's unpaid orders (`expire_flash_orders`).
CREATE INDEX orders_flash_expiry_idx ON orders (flash_sale_id, status, pay_deadline)
    WHERE flash_sale_id IS NOT NULL;
