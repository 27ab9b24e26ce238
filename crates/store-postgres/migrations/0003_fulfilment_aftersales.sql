-- Fulfilment (shipments, tracking) and after-sales (安心购). Same
-- conventions as 0001_init.sql; every constraint is named (src/error.rs
-- maps unique violations by name).
--
-- Lock order of everything below, extending 0002_live.sql: a flash sale's
-- row FIRST (when units go back to its pool), then the after-sales request,
-- then a refund or shipment row, then the order, then its lines, SKUs and
-- flash buyer counters.

-- ───────────────────────────── accounts ─────────────────────────────

-- 商家赠送运费险: the shop pays return-shipping insurance on every order.
ALTER TABLE merchants ADD COLUMN grants_return_insurance boolean NOT NULL DEFAULT false;

-- ───────────────────────────── catalog ─────────────────────────────

-- Return terms; NULL no_reason_days = no 七天无理由.
ALTER TABLE products
    ADD COLUMN product_kind text NOT NULL DEFAULT 'standard',
    ADD COLUMN no_reason_days smallint NULL DEFAULT 7,
    ADD CONSTRAINT products_kind_check
        CHECK (product_kind IN ('standard', 'fresh_food', 'customized', 'digital')),
    ADD CONSTRAINT products_no_reason_days_check CHECK (no_reason_days BETWEEN 1 AND 30);

-- ───────────────────────────── orders ─────────────────────────────

-- The terms as they were when bought, and the line's after-sales counters:
-- requests ever opened, and units held by requests still alive or done with
-- money or goods moved. One guarded UPDATE on these bounds requests per line.
ALTER TABLE order_lines
    ADD COLUMN product_kind text NOT NULL DEFAULT 'standard',
    ADD COLUMN no_reason_days smallint NULL DEFAULT 7,
    ADD COLUMN as_requests integer NOT NULL DEFAULT 0,
    ADD COLUMN as_units integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT order_lines_kind_check
        CHECK (product_kind IN ('standard', 'fresh_food', 'customized', 'digital')),
    ADD CONSTRAINT order_lines_as_requests_check CHECK (as_requests BETWEEN 0 AND 3),
    ADD CONSTRAINT order_lines_as_units_check CHECK (as_units BETWEEN 0 AND quantity);

-- 运费险 on the order; `insurance_claimed` flips once, with the claim row.
ALTER TABLE orders
    ADD COLUMN insurance_source text NULL,
    ADD COLUMN insurance_premium_minor bigint NOT NULL DEFAULT 0,
    ADD COLUMN insurance_claimed boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT orders_insurance_source_check
        CHECK (insurance_source IN ('bought_at_checkout', 'granted_by_merchant')),
    ADD CONSTRAINT orders_insurance_premium_check CHECK (insurance_premium_minor >= 0),
    ADD CONSTRAINT orders_insurance_claimed_check
        CHECK (insurance_source IS NOT NULL OR NOT insurance_claimed);
-- orders_to_ship: a merchant's paid orders, oldest first.
CREATE INDEX orders_merchant_paid_idx ON orders (merchant_id, created_at, id)
    WHERE status = 'paid';

-- ───────────────────────────── after-sales ─────────────────────────────

CREATE TABLE aftersales_requests (
    id               uuid     NOT NULL,  -- UUIDv7
    order_id         uuid     NOT NULL,
    buyer_id         uuid     NOT NULL,
    merchant_id      uuid     NOT NULL,
    sku_id           uuid     NOT NULL,
    kind             text     NOT NULL,
    quantity         integer  NOT NULL,
    reason           text     NOT NULL,
    reason_text      text     NOT NULL,
    evidence         jsonb    NOT NULL,  -- [{"url", "content_type", "size_bytes"}]
    state            text     NOT NULL,
    rule             text     NOT NULL,  -- the rule that decided the opening
    refund_minor     bigint   NOT NULL,
    currency         text     NOT NULL,
    instant_eligible boolean  NOT NULL,
    opened_at        bigint   NOT NULL,
    clock_since      bigint   NOT NULL,
    deadline         bigint   NULL,
    restocked        boolean  NOT NULL DEFAULT false,
    CONSTRAINT aftersales_requests_pkey PRIMARY KEY (id),
    CONSTRAINT aftersales_requests_kind_check
        CHECK (kind IN ('refund_only', 'return_refund', 'exchange')),
    CONSTRAINT aftersales_requests_quantity_check CHECK (quantity BETWEEN 1 AND 99),
    CONSTRAINT aftersales_requests_state_check CHECK (state IN
        ('awaiting_merchant', 'awaiting_return', 'return_shipped', 'return_picked_up',
         'refunded_awaiting_receipt', 'refund_due', 'replacement_due', 'refunded',
         'exchanged', 'closed', 'refused', 'in_arbitration', 'arbitration_refused')),
    CONSTRAINT aftersales_requests_refund_check CHECK (refund_minor >= 0),
    CONSTRAINT aftersales_requests_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT aftersales_requests_buyer_fkey FOREIGN KEY (buyer_id) REFERENCES users (id),
    CONSTRAINT aftersales_requests_merchant_fkey
        FOREIGN KEY (merchant_id) REFERENCES merchants (id),
    CONSTRAINT aftersales_requests_sku_fkey FOREIGN KEY (sku_id) REFERENCES skus (id)
);
CREATE INDEX aftersales_requests_order_idx ON aftersales_requests (order_id, id);
-- A merchant's requests, newest first (filtered by state on the way).
CREATE INDEX aftersales_requests_merchant_idx ON aftersales_requests (merchant_id, id DESC);
-- The arbitration queue, oldest first.
CREATE INDEX aftersales_requests_arbitration_idx ON aftersales_requests (id)
    WHERE state = 'in_arbitration';

-- The request's timeline, append-only. Moves of a request are serialised
-- by its row lock, so seq order is causal order.
CREATE TABLE aftersales_events (
    seq         bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    request_id  uuid   NOT NULL,
    at          bigint NOT NULL,
    state       text   NOT NULL,
    transition  text   NULL,  -- NULL for the opening event
    actor       text   NOT NULL,
    rule        text   NULL,
    note        text   NOT NULL,
    CONSTRAINT aftersales_events_pkey PRIMARY KEY (seq),
    CONSTRAINT aftersales_events_request_fkey
        FOREIGN KEY (request_id) REFERENCES aftersales_requests (id)
);
CREATE INDEX aftersales_events_request_idx ON aftersales_events (request_id, seq);

-- Money going back. UNIQUE (request_id): whatever races approve a request,
-- one refund row exists, and the provider is asked with its id.
CREATE TABLE refunds (
    id            uuid    NOT NULL,
    request_id    uuid    NOT NULL,
    order_id      uuid    NOT NULL,
    payment_id    uuid    NOT NULL,
    buyer_id      uuid    NOT NULL,
    amount_minor  bigint  NOT NULL,
    currency      text    NOT NULL,
    status        text    NOT NULL,
    instant       boolean NOT NULL,  -- 极速退款, paid at pickup
    created_at    bigint  NOT NULL,
    paid_at       bigint  NULL,
    provider_ref  text    NULL,
    CONSTRAINT refunds_pkey PRIMARY KEY (id),
    CONSTRAINT refunds_request_key UNIQUE (request_id),
    CONSTRAINT refunds_amount_check CHECK (amount_minor > 0),
    CONSTRAINT refunds_status_check CHECK (status IN ('pending', 'succeeded')),
    CONSTRAINT refunds_request_fkey FOREIGN KEY (request_id) REFERENCES aftersales_requests (id),
    CONSTRAINT refunds_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT refunds_payment_fkey FOREIGN KEY (payment_id) REFERENCES payments (id),
    CONSTRAINT refunds_buyer_fkey FOREIGN KEY (buyer_id) REFERENCES users (id)
);
-- The trust rule: a buyer's recent refunds.
CREATE INDEX refunds_buyer_idx ON refunds (buyer_id, created_at);

-- One claim per policy, i.e. per order: the primary key backs the guarded
-- flip of `orders.insurance_claimed`.
CREATE TABLE insurance_claims (
    order_id      uuid   NOT NULL,
    request_id    uuid   NOT NULL,
    amount_minor  bigint NOT NULL,
    currency      text   NOT NULL,
    paid_at       bigint NOT NULL,
    CONSTRAINT insurance_claims_pkey PRIMARY KEY (order_id),
    CONSTRAINT insurance_claims_amount_check CHECK (amount_minor > 0),
    CONSTRAINT insurance_claims_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT insurance_claims_request_fkey
        FOREIGN KEY (request_id) REFERENCES aftersales_requests (id)
);
CREATE INDEX insurance_claims_request_idx ON insurance_claims (request_id);

-- ───────────────────────────── fulfilment ─────────────────────────────

CREATE TABLE shipments (
    id            uuid    NOT NULL,
    order_id      uuid    NOT NULL,
    request_id    uuid    NULL,      -- set for a return parcel
    direction     text    NOT NULL,
    carrier       text    NOT NULL,
    tracking_no   text    NOT NULL,
    origin        text    NOT NULL,  -- province, e.g. 浙江
    destination   text    NOT NULL,
    lane_class    text    NOT NULL,  -- e.g. same_region
    waybill       jsonb   NOT NULL,  -- masked (隐私面单) only
    shipped_at    bigint  NOT NULL,
    delivered_at  bigint  NULL,
    -- The replay guard: the highest accepted tracking seq (0 = none yet).
    last_seq      integer NOT NULL DEFAULT 0,
    CONSTRAINT shipments_pkey PRIMARY KEY (id),
    CONSTRAINT shipments_tracking_key UNIQUE (carrier, tracking_no),
    CONSTRAINT shipments_direction_check CHECK (direction IN ('outbound', 'return')),
    CONSTRAINT shipments_last_seq_check CHECK (last_seq >= 0),
    CONSTRAINT shipments_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT shipments_request_fkey FOREIGN KEY (request_id) REFERENCES aftersales_requests (id)
);
-- One outbound parcel per order; also the order's parcels lookup.
CREATE UNIQUE INDEX shipments_outbound_key ON shipments (order_id) WHERE direction = 'outbound';
CREATE INDEX shipments_order_idx ON shipments (order_id, shipped_at);
CREATE INDEX shipments_request_idx ON shipments (request_id) WHERE request_id IS NOT NULL;
-- ETA history: the latest delivered outbound parcels per lane and per class.
CREATE INDEX shipments_lane_idx ON shipments (origin, destination, delivered_at DESC)
    WHERE direction = 'outbound' AND delivered_at IS NOT NULL;
CREATE INDEX shipments_class_idx ON shipments (lane_class, delivered_at DESC)
    WHERE direction = 'outbound' AND delivered_at IS NOT NULL;

CREATE TABLE tracking_events (
    shipment_id  uuid    NOT NULL,
    seq          integer NOT NULL,  -- 1-based, strictly increasing per parcel
    status       jsonb   NOT NULL,  -- {"kind": "in_transit", "city": "杭州"}
    at           bigint  NOT NULL,
    city         text    NOT NULL,
    CONSTRAINT tracking_events_pkey PRIMARY KEY (shipment_id, seq),
    CONSTRAINT tracking_events_seq_check CHECK (seq >= 1),
    CONSTRAINT tracking_events_shipment_fkey FOREIGN KEY (shipment_id) REFERENCES shipments (id)
);
