-- yellowcart on PostgreSQL: the whole schema.
--
-- Conventions (shared with the SQLite backend so both agree exactly):
--   * ids are UUIDv7 (`uuid`), minted by the application; newest-first lists
--     page by `id DESC` (keyset), so every list has an index ending in `id`;
--   * money is BIGINT minor units (fen) plus a TEXT currency code;
--   * timestamps are BIGINT unix milliseconds;
--   * small ordered lists (media, spec axes, a SKU's spec values) are JSONB;
--   * every constraint is named: the store maps unique violations to
--     `StoreError` cases BY CONSTRAINT NAME (src/error.rs), so renaming one
--     here means updating that table too.
--
-- Tables are unqualified: the store may run in a per-test schema via
-- `search_path`.

-- ───────────────────────────── accounts ─────────────────────────────

CREATE TABLE merchants (
    id          uuid   NOT NULL,
    name        text   NOT NULL,
    province    text   NOT NULL,  -- ships from (发货地)
    created_at  bigint NOT NULL,
    CONSTRAINT merchants_pkey PRIMARY KEY (id)
);

CREATE TABLE users (
    id            uuid   NOT NULL,
    login         text   NOT NULL,  -- case-folded by the domain; unique case-insensitively below
    display_name  text   NOT NULL,
    role          text   NOT NULL,
    merchant_id   uuid   NULL,      -- set for merchant accounts
    password_hash text   NOT NULL,  -- argon2 PHC string
    created_at    bigint NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_role_check CHECK (role IN ('buyer', 'merchant', 'admin')),
    CONSTRAINT users_merchant_fkey FOREIGN KEY (merchant_id) REFERENCES merchants (id)
);
-- Login lookup and uniqueness ("Alice" = "alice"); reported as Duplicate{login}.
CREATE UNIQUE INDEX users_login_key ON users (lower(login));
CREATE INDEX users_merchant_idx ON users (merchant_id) WHERE merchant_id IS NOT NULL;

-- Only the SHA-256 of a session token is stored.
CREATE TABLE sessions (
    token_hash  text   NOT NULL,
    user_id     uuid   NOT NULL,
    kind        text   NOT NULL,
    created_at  bigint NOT NULL,
    expires_at  bigint NOT NULL,
    CONSTRAINT sessions_pkey PRIMARY KEY (token_hash),
    CONSTRAINT sessions_kind_check CHECK (kind IN ('web', 'api')),
    CONSTRAINT sessions_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);  -- purging expired sessions

-- ───────────────────────────── catalog ─────────────────────────────

CREATE TABLE products (
    id           uuid   NOT NULL,
    merchant_id  uuid   NOT NULL,
    title        text   NOT NULL,
    description  text   NOT NULL,
    category     text   NOT NULL,
    media        jsonb  NOT NULL,  -- ["/media/…", "https://…"]
    spec_axes    jsonb  NOT NULL,  -- [{"name": "颜色", "values": ["红", "蓝"]}]
    status       text   NOT NULL,
    created_at   bigint NOT NULL,
    CONSTRAINT products_pkey PRIMARY KEY (id),
    CONSTRAINT products_status_check CHECK (status IN ('active', 'hidden')),
    CONSTRAINT products_merchant_fkey FOREIGN KEY (merchant_id) REFERENCES merchants (id)
);
-- The buyer feed: active products, newest first (the unfiltered list uses the pkey).
CREATE INDEX products_active_idx ON products (id DESC) WHERE status = 'active';
-- A category page for buyers.
CREATE INDEX products_active_category_idx ON products (category, id DESC) WHERE status = 'active';
-- A shop's page and a merchant's own list (all statuses).
CREATE INDEX products_merchant_idx ON products (merchant_id, id DESC);

CREATE TABLE skus (
    id           uuid    NOT NULL,
    product_id   uuid    NOT NULL,
    position     integer NOT NULL,  -- creation order within the product (spec order)
    spec         jsonb   NOT NULL,  -- one value per spec axis, in axis order
    price_minor  bigint  NOT NULL,
    currency     text    NOT NULL,
    -- Reserved by a conditional decrement (`stock = stock - n WHERE stock >= n`);
    -- this CHECK is the last line of defence, never the mechanism.
    stock        bigint  NOT NULL,
    CONSTRAINT skus_pkey PRIMARY KEY (id),
    CONSTRAINT skus_stock_check CHECK (stock >= 0),
    CONSTRAINT skus_price_check CHECK (price_minor >= 0),
    CONSTRAINT skus_product_fkey FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT skus_product_position_key UNIQUE (product_id, position)  -- also the SKUs-of-product index
);

CREATE TABLE videos (
    id           uuid   NOT NULL,
    merchant_id  uuid   NOT NULL,
    title        text   NOT NULL,
    video_url    text   NOT NULL,
    poster_url   text   NOT NULL,
    created_at   bigint NOT NULL,
    CONSTRAINT videos_pkey PRIMARY KEY (id),
    CONSTRAINT videos_merchant_fkey FOREIGN KEY (merchant_id) REFERENCES merchants (id)
);
CREATE INDEX videos_merchant_idx ON videos (merchant_id, id DESC);

-- The products behind a video's yellow cart, in display order.
CREATE TABLE video_products (
    video_id    uuid    NOT NULL,
    product_id  uuid    NOT NULL,
    position    integer NOT NULL,
    CONSTRAINT video_products_pkey PRIMARY KEY (video_id, product_id),  -- a product once per video
    CONSTRAINT video_products_video_fkey FOREIGN KEY (video_id) REFERENCES videos (id) ON DELETE CASCADE,
    CONSTRAINT video_products_product_fkey FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE INDEX video_products_product_idx ON video_products (product_id);

CREATE TABLE reviews (
    id           uuid     NOT NULL,
    product_id   uuid     NOT NULL,
    user_id      uuid     NOT NULL,
    author_name  text     NOT NULL,  -- already masked (张*)
    rating       smallint NOT NULL,
    body         text     NOT NULL,
    created_at   bigint   NOT NULL,
    CONSTRAINT reviews_pkey PRIMARY KEY (id),
    CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5),
    CONSTRAINT reviews_product_fkey FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT reviews_user_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
-- Newest-first list and the histogram (index-only with `rating` included).
CREATE INDEX reviews_product_idx ON reviews (product_id, id DESC) INCLUDE (rating);
CREATE INDEX reviews_user_idx ON reviews (user_id);

-- ───────────────────────────── shopping ─────────────────────────────

CREATE TABLE cart_lines (
    user_id   uuid    NOT NULL,
    sku_id    uuid    NOT NULL,
    quantity  integer NOT NULL,
    added_at  bigint  NOT NULL,
    CONSTRAINT cart_lines_pkey PRIMARY KEY (user_id, sku_id),
    CONSTRAINT cart_lines_quantity_check CHECK (quantity BETWEEN 1 AND 99),
    CONSTRAINT cart_lines_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT cart_lines_sku_fkey FOREIGN KEY (sku_id) REFERENCES skus (id)
);
CREATE INDEX cart_lines_user_added_idx ON cart_lines (user_id, added_at DESC);
CREATE INDEX cart_lines_sku_idx ON cart_lines (sku_id);

CREATE TABLE favorites (
    id          uuid   NOT NULL,  -- UUIDv7: the keyset cursor
    user_id     uuid   NOT NULL,
    product_id  uuid   NOT NULL,
    created_at  bigint NOT NULL,
    CONSTRAINT favorites_pkey PRIMARY KEY (id),
    CONSTRAINT favorites_user_product_key UNIQUE (user_id, product_id),  -- favoriting is idempotent
    CONSTRAINT favorites_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT favorites_product_fkey FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE INDEX favorites_user_idx ON favorites (user_id, id DESC);
CREATE INDEX favorites_product_idx ON favorites (product_id);

CREATE TABLE addresses (
    id          uuid    NOT NULL,  -- UUIDv7: "newest" means highest id
    user_id     uuid    NOT NULL,
    recipient   text    NOT NULL,
    phone       text    NOT NULL,
    province    text    NOT NULL,
    city        text    NOT NULL,
    district    text    NOT NULL,
    detail      text    NOT NULL,
    is_default  boolean NOT NULL,
    CONSTRAINT addresses_pkey PRIMARY KEY (id),
    CONSTRAINT addresses_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX addresses_user_idx ON addresses (user_id, id DESC);
-- At most one default per user, enforced by the database.
CREATE UNIQUE INDEX addresses_one_default_key ON addresses (user_id) WHERE is_default;

-- ───────────────────────────── orders ─────────────────────────────

CREATE TABLE orders (
    id            uuid   NOT NULL,
    buyer_id      uuid   NOT NULL,
    merchant_id   uuid   NOT NULL,
    status        text   NOT NULL,
    total_minor   bigint NOT NULL,
    currency      text   NOT NULL,
    -- shipping address snapshot
    ship_recipient text  NOT NULL,
    ship_phone     text  NOT NULL,
    ship_region    text  NOT NULL,
    ship_detail    text  NOT NULL,
    created_at    bigint NOT NULL,
    pay_deadline  bigint NOT NULL,
    CONSTRAINT orders_pkey PRIMARY KEY (id),
    CONSTRAINT orders_status_check CHECK (status IN
        ('pending_payment', 'paid', 'shipped', 'delivered', 'completed', 'cancelled')),
    CONSTRAINT orders_total_check CHECK (total_minor >= 0),
    CONSTRAINT orders_buyer_fkey FOREIGN KEY (buyer_id) REFERENCES users (id),
    CONSTRAINT orders_merchant_fkey FOREIGN KEY (merchant_id) REFERENCES merchants (id)
);
CREATE INDEX orders_buyer_idx ON orders (buyer_id, id DESC);
CREATE INDEX orders_buyer_status_idx ON orders (buyer_id, status, id DESC);
CREATE INDEX orders_merchant_idx ON orders (merchant_id, id DESC);

-- What was bought at what price, frozen at order time.
CREATE TABLE order_lines (
    order_id          uuid    NOT NULL,
    line_no           integer NOT NULL,  -- position in the order
    sku_id            uuid    NOT NULL,
    product_id        uuid    NOT NULL,
    title             text    NOT NULL,
    spec_label        text    NOT NULL,
    image             text    NULL,
    unit_price_minor  bigint  NOT NULL,
    quantity          integer NOT NULL,
    line_total_minor  bigint  NOT NULL,
    currency          text    NOT NULL,
    CONSTRAINT order_lines_pkey PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_lines_quantity_check CHECK (quantity BETWEEN 1 AND 99),
    CONSTRAINT order_lines_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT order_lines_sku_fkey FOREIGN KEY (sku_id) REFERENCES skus (id),
    CONSTRAINT order_lines_product_fkey FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE INDEX order_lines_sku_idx ON order_lines (sku_id);
CREATE INDEX order_lines_product_idx ON order_lines (product_id);

-- The append-only timeline. `seq` orders events of one order: transitions
-- of an order are serialised by its row lock, so seq order is causal order.
CREATE TABLE order_events (
    seq       bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    order_id  uuid   NOT NULL,
    status    text   NOT NULL,
    at        bigint NOT NULL,
    note      text   NOT NULL,
    CONSTRAINT order_events_pkey PRIMARY KEY (seq),
    CONSTRAINT order_events_status_check CHECK (status IN
        ('pending_payment', 'paid', 'shipped', 'delivered', 'completed', 'cancelled')),
    CONSTRAINT order_events_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
);
CREATE INDEX order_events_order_idx ON order_events (order_id, seq);

CREATE TABLE payments (
    id                 uuid   NOT NULL,
    order_id           uuid   NOT NULL,
    buyer_id           uuid   NOT NULL,
    method             text   NOT NULL,
    amount_minor       bigint NOT NULL,
    currency           text   NOT NULL,
    status             text   NOT NULL,
    provider_trade_no  text   NULL,
    created_at         bigint NOT NULL,
    paid_at            bigint NULL,
    CONSTRAINT payments_pkey PRIMARY KEY (id),
    CONSTRAINT payments_method_check CHECK (method IN ('alipay', 'wechat_pay', 'douyin_pay')),
    CONSTRAINT payments_status_check CHECK (status IN ('pending', 'succeeded', 'refunded', 'closed')),
    CONSTRAINT payments_amount_check CHECK (amount_minor >= 0),
    CONSTRAINT payments_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT payments_buyer_fkey FOREIGN KEY (buyer_id) REFERENCES users (id)
);
CREATE INDEX payments_order_idx ON payments (order_id, created_at, id);
CREATE INDEX payments_buyer_status_idx ON payments (buyer_id, status) INCLUDE (method);

-- One row per (user, operation, client key), written in the same transaction
-- as the effect it guards. A second writer of the same key blocks on the
-- primary key until the first commits, then fails: IdempotencyKeyTaken.
CREATE TABLE idempotency_keys (
    user_id       uuid   NOT NULL,
    scope         text   NOT NULL,  -- "create_order", "pay"
    key           text   NOT NULL,
    request_hash  text   NOT NULL,  -- SHA-256 hex of the canonical request
    response      jsonb  NOT NULL,  -- the first answer, replayed on retries
    created_at    bigint NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, scope, key),
    CONSTRAINT idempotency_keys_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);  -- purging old keys

-- ───────────────────────────── operations ─────────────────────────────

-- Durable timed work (e.g. expiring unpaid orders). Several nodes claim
-- due jobs with FOR UPDATE SKIP LOCKED and lease them until `locked_until`.
CREATE TABLE jobs (
    id            uuid    NOT NULL,
    kind          text    NOT NULL,
    payload       jsonb   NOT NULL,
    run_at        bigint  NOT NULL,
    locked_until  bigint  NULL,  -- NULL: not leased
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text    NULL,
    CONSTRAINT jobs_pkey PRIMARY KEY (id),
    CONSTRAINT jobs_attempts_check CHECK (attempts >= 0)
);
CREATE INDEX jobs_run_at_idx ON jobs (run_at, id);

-- Transactional outbox: events written with the change they report,
-- published later by a relay.
CREATE TABLE outbox (
    id            uuid   NOT NULL,
    topic         text   NOT NULL,
    payload       jsonb  NOT NULL,
    created_at    bigint NOT NULL,
    published_at  bigint NULL,
    CONSTRAINT outbox_pkey PRIMARY KEY (id)
);
CREATE INDEX outbox_unpublished_idx ON outbox (created_at, id) WHERE published_at IS NULL;

-- Payment callbacks that failed verification, for the audit trail.
CREATE TABLE rejected_callbacks (
    id       bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    channel  text   NOT NULL,
    reason   text   NOT NULL,
    excerpt  text   NOT NULL,  -- at most 2 KiB of the request
    at       bigint NOT NULL,
    CONSTRAINT rejected_callbacks_pkey PRIMARY KEY (id)
);
CREATE INDEX rejected_callbacks_at_idx ON rejected_callbacks (at);
