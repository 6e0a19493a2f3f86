-- The money state of each order line. Every figure of a line (amount, commission, tier bonus,
-- platform fee) is a function of its quantity not refunded, so a refund or a settlement posts
-- the difference between two values of that function (see commission::figures).
ALTER TABLE order_lines ADD COLUMN platform_fee_bps INTEGER NOT NULL DEFAULT 0 CHECK (platform_fee_bps BETWEEN 0 AND 10000);
ALTER TABLE order_lines ADD COLUMN refunded_quantity INTEGER NOT NULL DEFAULT 0 CHECK (refunded_quantity >= 0 AND refunded_quantity <= quantity);
-- when its commission became available and its supplier was paid (after the after-sales window)
ALTER TABLE order_lines ADD COLUMN settled_at TIMESTAMP;
CREATE INDEX order_lines_shopkeeper_idx ON order_lines (shopkeeper_member_id, created_at);
CREATE INDEX supplier_orders_received_idx ON supplier_orders (received_at) WHERE status = 'received';

-- A refund may be a part of a payment (an after-sales case), so several per payment.
ALTER TABLE refunds ADD COLUMN aftersales_case_id BIGINT;

-- A buyer's after-sales request on one supplier's part of an order.
CREATE TABLE aftersales_cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_no TEXT NOT NULL UNIQUE,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    supplier_order_id BIGINT NOT NULL REFERENCES supplier_orders (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    buyer_member_id BIGINT NOT NULL REFERENCES members (id),
    kind TEXT NOT NULL CHECK (kind IN ('refund_only', 'return_refund')),
    -- see aftersales::state for the moves between these
    status TEXT NOT NULL CHECK (status IN ('requested', 'awaiting_return', 'return_shipped', 'rejected', 'disputed', 'refunded', 'closed')),
    reason TEXT NOT NULL,
    -- JSON array of image URLs
    image_urls TEXT NOT NULL,
    refund_fen BIGINT NOT NULL CHECK (refund_fen > 0),
    restock BOOLEAN NOT NULL,
    return_carrier TEXT,
    return_tracking_no TEXT,
    supplier_note TEXT,
    -- whoever acts next does so by then: the supplier answers (else approved automatically),
    -- the buyer sends the goods back (else closed), the supplier confirms them (else refunded)
    respond_by TIMESTAMP NOT NULL,
    -- a rejected case may be escalated until then
    escalate_by TIMESTAMP,
    decision_note TEXT,
    decided_by_member_id BIGINT REFERENCES members (id),
    compensation_fen BIGINT NOT NULL DEFAULT 0 CHECK (compensation_fen >= 0),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX aftersales_cases_order_idx ON aftersales_cases (order_id);
CREATE INDEX aftersales_cases_supplier_idx ON aftersales_cases (supplier_id, id);
CREATE INDEX aftersales_cases_buyer_idx ON aftersales_cases (buyer_member_id, id);
CREATE INDEX aftersales_cases_due_idx ON aftersales_cases (respond_by) WHERE status IN ('requested', 'awaiting_return', 'return_shipped');
CREATE INDEX aftersales_cases_disputed_idx ON aftersales_cases (id) WHERE status = 'disputed';

-- What a case asks back: quantities of the part's lines.
CREATE TABLE aftersales_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES aftersales_cases (id),
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    UNIQUE (case_id, order_line_id)
);
CREATE INDEX aftersales_lines_line_idx ON aftersales_lines (order_line_id);

-- What each side says: the request, the answer, evidence in a dispute, the decision.
CREATE TABLE aftersales_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES aftersales_cases (id),
    party TEXT NOT NULL CHECK (party IN ('buyer', 'supplier', 'platform', 'system')),
    member_id BIGINT REFERENCES members (id),
    action TEXT NOT NULL,
    body TEXT NOT NULL,
    image_urls TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX aftersales_messages_case_idx ON aftersales_messages (case_id, id);

-- A supplier's violation found by the platform (a dispute decided against it).
CREATE TABLE supplier_violations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    aftersales_case_id BIGINT NOT NULL UNIQUE REFERENCES aftersales_cases (id),
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX supplier_violations_supplier_idx ON supplier_violations (supplier_id, created_at);

-- Money paid out of an available balance: a shopkeeper's commission or a supplier's payable.
-- Requested (the money set aside), then paid by the gateway, or failed (the money returned).
CREATE TABLE withdrawals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    withdrawal_no TEXT NOT NULL UNIQUE,
    party TEXT NOT NULL CHECK (party IN ('shopkeeper', 'supplier')),
    -- the member (shopkeeper) or the supplier whose balance pays
    party_id BIGINT NOT NULL,
    requested_by_member_id BIGINT NOT NULL REFERENCES members (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    account_kind TEXT NOT NULL CHECK (account_kind IN ('alipay', 'bank')),
    account_no TEXT NOT NULL,
    account_holder TEXT NOT NULL,
    gateway TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requested', 'paid', 'failed')),
    gateway_payout_no TEXT,
    failure_reason TEXT,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX withdrawals_party_idx ON withdrawals (party, party_id, id);
CREATE INDEX withdrawals_requested_idx ON withdrawals (id) WHERE status = 'requested';

-- A supplier's exclusive commission for chosen shops on chosen goods (定向计划), above the public
-- rate, in force from starts_at until ends_at except while suspended.
CREATE TABLE commission_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    name TEXT NOT NULL,
    commission_bps INTEGER NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    suspended_until TIMESTAMP,
    created_by_member_id BIGINT NOT NULL REFERENCES members (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX commission_plans_supplier_idx ON commission_plans (supplier_id, id);

CREATE TABLE commission_plan_targets (
    plan_id BIGINT NOT NULL REFERENCES commission_plans (id),
    shop_id BIGINT NOT NULL REFERENCES shops (id),
    goods_id BIGINT NOT NULL REFERENCES goods (id),
    PRIMARY KEY (plan_id, shop_id, goods_id)
);
CREATE INDEX commission_plan_targets_shop_idx ON commission_plan_targets (shop_id, goods_id);

-- The plan whose rate a line got, if any.
ALTER TABLE order_lines ADD COLUMN commission_plan_id BIGINT;
