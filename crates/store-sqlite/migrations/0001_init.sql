-- yellowcart schema, SQLite flavour.
--
-- Conventions (shared with the PostgreSQL store so both agree to the unit):
--   * ids are TEXT holding a lowercase hyphenated UUID. Ids are UUIDv7, whose
--     text order is creation order: "newest first" lists page by `id < ?`.
--   * money is INTEGER minor units (fen) plus a TEXT ISO currency code.
--   * timestamps are INTEGER milliseconds since the Unix epoch, UTC.
--   * short lists (media, spec axes, a SKU's spec values, job and event
--     payloads) are JSON TEXT.
--   * tables are STRICT: a value of the wrong type is an error, not coerced.
--   * the unique constraints below are what `error.rs` maps to
--     `Duplicate { field }` / `IdempotencyKeyTaken`; SQLite reports them as
--     "table.column[, table.column…]", so keep that file in step.
-- Every query of this crate is served by a primary key or an index below.

-- Shops. Created with their merchant account, in one transaction.
CREATE TABLE merchants (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    province    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id             TEXT    NOT NULL PRIMARY KEY,
    -- case-folded by the domain before it gets here; unique → Duplicate "login"
    login          TEXT    NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('buyer', 'merchant', 'admin')),
    merchant_id    TEXT    REFERENCES merchants (id),
    -- argon2 PHC string
    password_hash  TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
) STRICT;

-- Only the SHA-256 of a session token is stored.
CREATE TABLE sessions (
    token_hash  TEXT    NOT NULL PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('web', 'api')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE products (
    id           TEXT    NOT NULL PRIMARY KEY,
    merchant_id  TEXT    NOT NULL REFERENCES merchants (id),
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    media        TEXT    NOT NULL CHECK (json_valid(media)),      -- ["url", …]
    spec_axes    TEXT    NOT NULL CHECK (json_valid(spec_axes)),  -- [{"name","values"}]
    status       TEXT    NOT NULL CHECK (status IN ('active', 'hidden')),
    created_at   INTEGER NOT NULL
) STRICT;
-- list_products: by shop (all statuses), by status, by category + status.
CREATE INDEX products_merchant_idx ON products (merchant_id, id);
CREATE INDEX products_status_idx ON products (status, id);
CREATE INDEX products_category_idx ON products (category, status, id);

CREATE TABLE skus (
    id           TEXT    NOT NULL PRIMARY KEY,
    product_id   TEXT    NOT NULL REFERENCES products (id),
    -- index in the product's SKU list: "spec order of creation"
    position     INTEGER NOT NULL CHECK (position >= 0),
    spec         TEXT    NOT NULL CHECK (json_valid(spec)),       -- ["红", "M"]
    price_minor  INTEGER NOT NULL CHECK (price_minor >= 0),
    currency     TEXT    NOT NULL,
    -- never negative: the last line of defence behind the conditional
    -- decrement (no upper bound here: releasing reserved units may pass
    -- MAX_STOCK after a merchant topped up; update_sku checks the max)
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    UNIQUE (product_id, position)  -- also loads a product's SKUs in order
) STRICT;

CREATE TABLE videos (
    id           TEXT    NOT NULL PRIMARY KEY,
    merchant_id  TEXT    NOT NULL REFERENCES merchants (id),
    title        TEXT    NOT NULL,
    video_url    TEXT    NOT NULL,
    poster_url   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX videos_merchant_idx ON videos (merchant_id, id);

-- The products behind a video's yellow cart, in display order.
CREATE TABLE video_products (
    video_id    TEXT    NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL CHECK (position >= 0),
    product_id  TEXT    NOT NULL REFERENCES products (id),
    PRIMARY KEY (video_id, position),
    UNIQUE (video_id, product_id)
) STRICT;

CREATE TABLE reviews (
    id           TEXT    NOT NULL PRIMARY KEY,
    product_id   TEXT    NOT NULL REFERENCES products (id),
    user_id      TEXT    NOT NULL REFERENCES users (id),
    author_name  TEXT    NOT NULL,
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX reviews_product_idx ON reviews (product_id, id);
-- review_histogram, answered from the index alone
CREATE INDEX reviews_product_rating_idx ON reviews (product_id, rating);

CREATE TABLE cart_lines (
    user_id   TEXT    NOT NULL REFERENCES users (id),
    sku_id    TEXT    NOT NULL REFERENCES skus (id),
    quantity  INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, sku_id)
) STRICT;
-- cart_lines(): newest first, ties by SKU id, straight from the index
CREATE INDEX cart_lines_user_added_idx ON cart_lines (user_id, added_at, sku_id);

CREATE TABLE favorites (
    id          TEXT    NOT NULL PRIMARY KEY,  -- UUIDv7, the list's cursor
    user_id     TEXT    NOT NULL REFERENCES users (id),
    product_id  TEXT    NOT NULL REFERENCES products (id),
    created_at  INTEGER NOT NULL,
    UNIQUE (user_id, product_id)               -- favoriting is idempotent
) STRICT;
CREATE INDEX favorites_user_idx ON favorites (user_id, id);

CREATE TABLE addresses (
    id          TEXT    NOT NULL PRIMARY KEY,  -- UUIDv7: id order = age
    user_id     TEXT    NOT NULL REFERENCES users (id),
    recipient   TEXT    NOT NULL,
    phone       TEXT    NOT NULL,
    province    TEXT    NOT NULL,
    city        TEXT    NOT NULL,
    district    TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    is_default  INTEGER NOT NULL CHECK (is_default IN (0, 1))
) STRICT;
-- per-user sets are bounded (MAX_ADDRESSES = 20): sorting them is trivial
CREATE INDEX addresses_user_idx ON addresses (user_id, id);
-- at most one default per user
CREATE UNIQUE INDEX addresses_one_default_idx ON addresses (user_id) WHERE is_default = 1;

CREATE TABLE orders (
    id              TEXT    NOT NULL PRIMARY KEY,
    buyer_id        TEXT    NOT NULL REFERENCES users (id),
    merchant_id     TEXT    NOT NULL REFERENCES merchants (id),
    status          TEXT    NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipped',
                                                       'delivered', 'completed', 'cancelled')),
    total_minor     INTEGER NOT NULL CHECK (total_minor >= 0),
    currency        TEXT    NOT NULL,
    -- shipping address snapshot
    ship_recipient  TEXT    NOT NULL,
    ship_phone      TEXT    NOT NULL,
    ship_region     TEXT    NOT NULL,
    ship_detail     TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    pay_deadline    INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_buyer_idx ON orders (buyer_id, id);
CREATE INDEX orders_buyer_status_idx ON orders (buyer_id, status, id);

-- What was bought at what price, as it was when ordered.
CREATE TABLE order_lines (
    order_id          TEXT    NOT NULL REFERENCES orders (id),
    position          INTEGER NOT NULL CHECK (position >= 0),
    sku_id            TEXT    NOT NULL REFERENCES skus (id),
    product_id        TEXT    NOT NULL REFERENCES products (id),
    title             TEXT    NOT NULL,
    spec_label        TEXT    NOT NULL,
    image             TEXT,
    unit_price_minor  INTEGER NOT NULL,
    quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    line_total_minor  INTEGER NOT NULL,
    currency          TEXT    NOT NULL,
    PRIMARY KEY (order_id, position)
) STRICT;

-- The order's timeline, append-only; rowid order = insertion order.
CREATE TABLE order_events (
    id        INTEGER NOT NULL PRIMARY KEY,
    order_id  TEXT    NOT NULL REFERENCES orders (id),
    status    TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    note      TEXT    NOT NULL
) STRICT;
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

CREATE TABLE payments (
    id                TEXT    NOT NULL PRIMARY KEY,
    order_id          TEXT    NOT NULL REFERENCES orders (id),
    buyer_id          TEXT    NOT NULL REFERENCES users (id),
    method            TEXT    NOT NULL CHECK (method IN ('alipay', 'wechat_pay', 'douyin_pay')),
    amount_minor      INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency          TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'refunded', 'closed')),
    provider_trade_no TEXT,
    created_at        INTEGER NOT NULL,
    paid_at           INTEGER
) STRICT;
CREATE INDEX payments_order_idx ON payments (order_id, created_at, id);
-- payment_method_usage
CREATE INDEX payments_buyer_status_idx ON payments (buyer_id, status, method);

-- Written in the same transaction as the effect it guards; its primary key
-- is what turns a replayed request into IdempotencyKeyTaken.
CREATE TABLE idempotency_keys (
    user_id       TEXT    NOT NULL REFERENCES users (id),
    scope         TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    response      TEXT    NOT NULL CHECK (json_valid(response)),
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, scope, key)
) STRICT;

-- Durable timed work. A job is leased while locked_until > now.
CREATE TABLE jobs (
    id            TEXT    NOT NULL PRIMARY KEY,
    kind          TEXT    NOT NULL,
    payload       TEXT    NOT NULL CHECK (json_valid(payload)),
    run_at        INTEGER NOT NULL,
    locked_until  INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error    TEXT
) STRICT;
CREATE INDEX jobs_due_idx ON jobs (run_at, id);

-- Domain events, written with the change they report; published_at is set
-- once relayed.
CREATE TABLE outbox (
    id            TEXT    NOT NULL PRIMARY KEY,
    topic         TEXT    NOT NULL,
    payload       TEXT    NOT NULL CHECK (json_valid(payload)),
    created_at    INTEGER NOT NULL,
    published_at  INTEGER
) STRICT;
-- partial: holds only the backlog, walked in order by unpublished_events()
CREATE INDEX outbox_unpublished_idx ON outbox (created_at, id) WHERE published_at IS NULL;

-- Payment callbacks refused (bad signature, unknown payment…): audit trail.
CREATE TABLE rejected_callbacks (
    id       INTEGER NOT NULL PRIMARY KEY,
    channel  TEXT    NOT NULL,
    reason   TEXT    NOT NULL,
    excerpt  TEXT    NOT NULL,  -- at most 2 KiB of the request
    at       INTEGER NOT NULL
) STRICT;
