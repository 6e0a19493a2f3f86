CREATE TABLE supplier_applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    applicant_member_id BIGINT NOT NULL REFERENCES members (id),
    company_name TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    registered_capital_fen BIGINT NOT NULL,
    general_taxpayer BOOLEAN NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    -- JSON: category codes, brand authorisations, procurement-voucher references
    categories TEXT NOT NULL,
    brand_authorisations TEXT NOT NULL,
    procurement_vouchers TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    reject_reason TEXT,
    decided_by BIGINT REFERENCES members (id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX supplier_applications_status_idx ON supplier_applications (status, id);
CREATE UNIQUE INDEX supplier_applications_one_pending_idx
    ON supplier_applications (applicant_member_id) WHERE status = 'pending';

CREATE TABLE suppliers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL UNIQUE REFERENCES supplier_applications (id),
    company_name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    categories TEXT NOT NULL,
    required_deposit_fen BIGINT NOT NULL CHECK (required_deposit_fen >= 0),
    status TEXT NOT NULL CHECK (status IN ('approved', 'exiting', 'exited')),
    -- approved (or exiting) and deposit >= required; kept in step with every change to either
    is_active BOOLEAN NOT NULL,
    exit_requested_at TIMESTAMP,
    exit_due_at TIMESTAMP,
    exited_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE supplier_members (
    member_id BIGINT PRIMARY KEY REFERENCES members (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX supplier_members_supplier_idx ON supplier_members (supplier_id);

CREATE TABLE brand_authorisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    brand TEXT NOT NULL,
    -- JSON array: the authorisers from the brand owner to the supplier
    chain TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE NOT NULL
);
CREATE INDEX brand_authorisations_supplier_idx ON brand_authorisations (supplier_id, brand);

CREATE TABLE ledger_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    normal_side TEXT NOT NULL CHECK (normal_side IN ('debit', 'credit')),
    allow_negative BOOLEAN NOT NULL,
    -- cached sum of entries, signed so that the normal side is positive
    balance_fen BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (allow_negative OR balance_fen >= 0)
);

CREATE TABLE ledger_postings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    business_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    memo TEXT NOT NULL,
    actor_member_id BIGINT REFERENCES members (id),
    request_id TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    posting_id BIGINT NOT NULL REFERENCES ledger_postings (id),
    account_id BIGINT NOT NULL REFERENCES ledger_accounts (id),
    -- debits positive, credits negative; a posting's entries sum to zero
    amount_fen BIGINT NOT NULL CHECK (amount_fen <> 0),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id);
CREATE INDEX ledger_entries_posting_idx ON ledger_entries (posting_id);

CREATE TABLE goods (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category_code TEXT NOT NULL,
    brand TEXT,
    voucher_reference TEXT,
    image_urls TEXT NOT NULL,
    reference_price_fen BIGINT NOT NULL CHECK (reference_price_fen > 0),
    market_commission_bps INTEGER NOT NULL CHECK (market_commission_bps BETWEEN 0 AND 10000),
    commission_bps INTEGER NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
    -- a decrease waiting out its notice period
    pending_commission_bps INTEGER CHECK (pending_commission_bps BETWEEN 0 AND 10000),
    pending_commission_at TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('draft', 'listed', 'delisted', 'taken_down')),
    takedown_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (brand IS NOT NULL OR voucher_reference IS NOT NULL),
    CHECK ((pending_commission_bps IS NULL) = (pending_commission_at IS NULL))
);
CREATE INDEX goods_supplier_idx ON goods (supplier_id, id);
CREATE INDEX goods_status_category_idx ON goods (status, category_code);

CREATE TABLE goods_skus (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    goods_id BIGINT NOT NULL REFERENCES goods (id),
    -- JSON object, e.g. {"colour": "red", "size": "M"}
    attributes TEXT NOT NULL,
    price_fen BIGINT NOT NULL CHECK (price_fen > 0),
    stock BIGINT NOT NULL CHECK (stock >= 0),
    per_buyer_limit INTEGER CHECK (per_buyer_limit IS NULL OR per_buyer_limit > 0),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX goods_skus_goods_idx ON goods_skus (goods_id);

-- The ledger is append-only: corrections are reversing postings.
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;
