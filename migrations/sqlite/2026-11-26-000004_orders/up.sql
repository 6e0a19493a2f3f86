-- A buyer's order through one shop: paid once, split into one part per supplier.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- human-friendly, unique: date + random digits, e.g. 261126-48201937
    order_no TEXT NOT NULL UNIQUE,
    buyer_member_id BIGINT NOT NULL REFERENCES members (id),
    shop_id BIGINT NOT NULL REFERENCES shops (id),
    -- the least advanced state of its supplier orders (see orders::state)
    status TEXT NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipped', 'received', 'completed', 'cancelled')),
    total_fen BIGINT NOT NULL CHECK (total_fen > 0),
    recipient_name TEXT NOT NULL,
    recipient_phone TEXT NOT NULL,
    region TEXT NOT NULL,
    address_detail TEXT NOT NULL,
    buyer_note TEXT,
    payment_due_at TIMESTAMP NOT NULL,
    paid_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    cancel_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX orders_buyer_idx ON orders (buyer_member_id, id);
CREATE INDEX orders_shop_idx ON orders (shop_id, id);
CREATE INDEX orders_unpaid_idx ON orders (payment_due_at) WHERE status = 'pending_payment';

-- One supplier's part of an order: what it ships.
CREATE TABLE supplier_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    status TEXT NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipped', 'received', 'completed', 'cancelled')),
    total_fen BIGINT NOT NULL CHECK (total_fen > 0),
    carrier TEXT,
    tracking_no TEXT,
    shipped_at TIMESTAMP,
    received_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (order_id, supplier_id)
);
CREATE INDEX supplier_orders_supplier_idx ON supplier_orders (supplier_id, id);
CREATE INDEX supplier_orders_shipped_idx ON supplier_orders (shipped_at) WHERE status = 'shipped';

-- What was bought, as it was at placement (price, parties, commission, tier bonus).
CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    supplier_order_id BIGINT NOT NULL REFERENCES supplier_orders (id),
    shop_item_id BIGINT NOT NULL REFERENCES shop_items (id),
    goods_id BIGINT NOT NULL REFERENCES goods (id),
    sku_id BIGINT NOT NULL REFERENCES goods_skus (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    shop_id BIGINT NOT NULL REFERENCES shops (id),
    shopkeeper_member_id BIGINT NOT NULL REFERENCES members (id),
    title TEXT NOT NULL,
    sku_attributes TEXT NOT NULL,
    unit_price_fen BIGINT NOT NULL CHECK (unit_price_fen > 0),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    commission_bps INTEGER NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
    tier TEXT NOT NULL,
    tier_bonus_bps INTEGER NOT NULL CHECK (tier_bonus_bps >= 0),
    -- what the shopkeeper earns: commission plus the platform's tier bonus; 0 with a reason
    commission_fen BIGINT NOT NULL CHECK (commission_fen >= 0),
    tier_bonus_fen BIGINT NOT NULL CHECK (tier_bonus_fen >= 0),
    no_commission_reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX order_lines_order_idx ON order_lines (order_id);
CREATE INDEX order_lines_supplier_order_idx ON order_lines (supplier_order_id);

-- Every change of state, with its time and actor.
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    supplier_order_id BIGINT REFERENCES supplier_orders (id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('buyer', 'supplier', 'system', 'gateway', 'admin')),
    actor_member_id BIGINT REFERENCES members (id),
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

-- Idempotency-Key: the first response to a (member, scope, key), replayed for a retry.
CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id BIGINT NOT NULL REFERENCES members (id),
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    -- SHA-256 of the canonical request body: the same key with another body is refused
    request_hash TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (member_id, scope, idempotency_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- A payment of an order through a gateway.
CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- our reference, sent to the gateway and echoed in its callbacks
    payment_no TEXT NOT NULL UNIQUE,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    gateway TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    status TEXT NOT NULL CHECK (status IN ('created', 'succeeded', 'refunded')),
    gateway_trade_no TEXT,
    created_at TIMESTAMP NOT NULL,
    succeeded_at TIMESTAMP
);
CREATE INDEX payments_order_idx ON payments (order_id);

-- Every gateway callback received, once per event id; the outcome says what it did.
CREATE TABLE payment_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    gateway TEXT NOT NULL,
    event_id TEXT NOT NULL,
    payment_no TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    -- applied | already_applied | amount_mismatch (kept for review) | refunded (the order was
    -- cancelled or paid otherwise first) | unknown_payment
    outcome TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (gateway, event_id)
);
CREATE INDEX payment_events_review_idx ON payment_events (outcome, id);

-- Money owed back to a buyer, sent through the gateway after the transaction that decided it
-- commits (an outbox: a gateway is never called inside a database transaction).
CREATE TABLE refunds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    refund_no TEXT NOT NULL UNIQUE,
    payment_id BIGINT NOT NULL REFERENCES payments (id),
    order_id BIGINT NOT NULL REFERENCES orders (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent')),
    gateway_refund_no TEXT,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX refunds_order_idx ON refunds (order_id);
CREATE INDEX refunds_pending_idx ON refunds (id) WHERE status = 'pending';

-- Who runs a background job now, when several servers could (a lease, renewed while working).
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
