-- Fulfilment (shipments, tracking) and after-sales (安心购).

-- 商家赠送运费险: the shop pays return-shipping insurance on every order.
ALTER TABLE merchants ADD COLUMN grants_return_insurance INTEGER NOT NULL DEFAULT 0
    CHECK (grants_return_insurance IN (0, 1));

-- Return terms; NULL no_reason_days = no 七天无理由.
ALTER TABLE products ADD COLUMN product_kind TEXT NOT NULL DEFAULT 'standard'
    CHECK (product_kind IN ('standard', 'fresh_food', 'customized', 'digital'));
ALTER TABLE products ADD COLUMN no_reason_days INTEGER DEFAULT 7
    CHECK (no_reason_days BETWEEN 1 AND 30);

-- The terms as they were when bought, and the line's after-sales counters:
-- requests ever opened, and units held by requests still alive or done with
-- money or goods moved. Guarded updates on these bound requests per line.
ALTER TABLE order_lines ADD COLUMN product_kind TEXT NOT NULL DEFAULT 'standard';
ALTER TABLE order_lines ADD COLUMN no_reason_days INTEGER DEFAULT 7;
ALTER TABLE order_lines ADD COLUMN as_requests INTEGER NOT NULL DEFAULT 0
    CHECK (as_requests BETWEEN 0 AND 3);
ALTER TABLE order_lines ADD COLUMN as_units INTEGER NOT NULL DEFAULT 0
    CHECK (as_units >= 0);

-- 运费险 on the order; claimed flips once, with the claim row.
ALTER TABLE orders ADD COLUMN insurance_source TEXT
    CHECK (insurance_source IN ('bought_at_checkout', 'granted_by_merchant'));
ALTER TABLE orders ADD COLUMN insurance_premium_minor INTEGER NOT NULL DEFAULT 0
    CHECK (insurance_premium_minor >= 0);
ALTER TABLE orders ADD COLUMN insurance_claimed INTEGER NOT NULL DEFAULT 0
    CHECK (insurance_claimed IN (0, 1));

CREATE TABLE aftersales_requests (
    id               TEXT    NOT NULL PRIMARY KEY,  -- UUIDv7
    order_id         TEXT    NOT NULL REFERENCES orders (id),
    buyer_id         TEXT    NOT NULL REFERENCES users (id),
    merchant_id      TEXT    NOT NULL REFERENCES merchants (id),
    sku_id           TEXT    NOT NULL REFERENCES skus (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('refund_only', 'return_refund', 'exchange')),
    quantity         INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    reason           TEXT    NOT NULL,
    reason_text      TEXT    NOT NULL,
    evidence         TEXT    NOT NULL CHECK (json_valid(evidence)),
    state            TEXT    NOT NULL,
    rule             TEXT    NOT NULL,
    refund_minor     INTEGER NOT NULL CHECK (refund_minor >= 0),
    currency         TEXT    NOT NULL,
    instant_eligible INTEGER NOT NULL CHECK (instant_eligible IN (0, 1)),
    opened_at        INTEGER NOT NULL,
    clock_since      INTEGER NOT NULL,
    deadline         INTEGER,
    restocked        INTEGER NOT NULL DEFAULT 0 CHECK (restocked IN (0, 1))
) STRICT;
CREATE INDEX aftersales_order_idx ON aftersales_requests (order_id, id);
CREATE INDEX aftersales_merchant_idx ON aftersales_requests (merchant_id, id);
CREATE INDEX aftersales_state_idx ON aftersales_requests (state, id);

-- The request's timeline, append-only; rowid order = insertion order.
CREATE TABLE aftersales_events (
    id          INTEGER NOT NULL PRIMARY KEY,
    request_id  TEXT    NOT NULL REFERENCES aftersales_requests (id),
    at          INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    transition  TEXT,
    actor       TEXT    NOT NULL,
    rule        TEXT,
    note        TEXT    NOT NULL
) STRICT;
CREATE INDEX aftersales_events_request_idx ON aftersales_events (request_id, id);

-- Money going back. UNIQUE (request_id): whatever races approve a
-- request, one refund row exists, and the provider is asked with its id.
CREATE TABLE refunds (
    id            TEXT    NOT NULL PRIMARY KEY,
    request_id    TEXT    NOT NULL UNIQUE REFERENCES aftersales_requests (id),
    order_id      TEXT    NOT NULL REFERENCES orders (id),
    payment_id    TEXT    NOT NULL REFERENCES payments (id),
    buyer_id      TEXT    NOT NULL REFERENCES users (id),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    currency      TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded')),
    instant       INTEGER NOT NULL CHECK (instant IN (0, 1)),
    created_at    INTEGER NOT NULL,
    paid_at       INTEGER,
    provider_ref  TEXT
) STRICT;
CREATE INDEX refunds_buyer_idx ON refunds (buyer_id, created_at);

-- One claim per policy, i.e. per order: the primary key is the guard.
CREATE TABLE insurance_claims (
    order_id      TEXT    NOT NULL PRIMARY KEY REFERENCES orders (id),
    request_id    TEXT    NOT NULL REFERENCES aftersales_requests (id),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    currency      TEXT    NOT NULL,
    paid_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX insurance_claims_request_idx ON insurance_claims (request_id);

CREATE TABLE shipments (
    id            TEXT    NOT NULL PRIMARY KEY,
    order_id      TEXT    NOT NULL REFERENCES orders (id),
    request_id    TEXT    REFERENCES aftersales_requests (id),
    direction     TEXT    NOT NULL CHECK (direction IN ('outbound', 'return')),
    carrier       TEXT    NOT NULL,
    tracking_no   TEXT    NOT NULL,
    origin        TEXT    NOT NULL,   -- province, e.g. 浙江
    destination   TEXT    NOT NULL,
    lane_class    TEXT    NOT NULL,
    waybill       TEXT    NOT NULL CHECK (json_valid(waybill)),  -- masked only
    shipped_at    INTEGER NOT NULL,
    delivered_at  INTEGER,
    last_seq      INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    UNIQUE (carrier, tracking_no)
) STRICT;
CREATE INDEX shipments_order_idx ON shipments (order_id, shipped_at);
-- one outbound parcel per order
CREATE UNIQUE INDEX shipments_outbound_idx ON shipments (order_id) WHERE direction = 'outbound';
-- ETA history: the latest delivered outbound parcels per lane and per class
CREATE INDEX shipments_lane_idx ON shipments (origin, destination, delivered_at)
    WHERE direction = 'outbound' AND delivered_at IS NOT NULL;
CREATE INDEX shipments_class_idx ON shipments (lane_class, delivered_at)
    WHERE direction = 'outbound' AND delivered_at IS NOT NULL;

CREATE TABLE tracking_events (
    shipment_id  TEXT    NOT NULL REFERENCES shipments (id),
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    status       TEXT    NOT NULL CHECK (json_valid(status)),
    at           INTEGER NOT NULL,
    city         TEXT    NOT NULL,
    PRIMARY KEY (shipment_id, seq)
) STRICT;

-- orders_to_ship: a merchant's paid orders, oldest first
CREATE INDEX orders_merchant_status_idx ON orders (merchant_id, status, created_at);
