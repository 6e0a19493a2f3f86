-- Scores of the "recorded" credit provider.
ALTER TABLE members ADD COLUMN credit_score INTEGER;
ALTER TABLE members ADD COLUMN credit_score_updated_at TIMESTAMP;

-- The lowest SKU price of each goods, kept in step with its SKUs (catalogue filters and sorts).
ALTER TABLE goods ADD COLUMN min_price_fen BIGINT NOT NULL DEFAULT 0;
UPDATE goods SET min_price_fen = COALESCE((SELECT MIN(price_fen) FROM goods_skus WHERE goods_skus.goods_id = goods.id), 0);
CREATE INDEX goods_catalogue_idx ON goods (status, supplier_id, category_code);

CREATE TABLE verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id BIGINT NOT NULL REFERENCES members (id),
    legal_name TEXT NOT NULL,
    -- the ID number is never stored in full: a mask for display, a keyed digest for uniqueness
    id_number_masked TEXT NOT NULL,
    id_number_digest TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    reject_reason TEXT,
    decided_by BIGINT REFERENCES members (id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX verifications_one_open_idx ON verifications (member_id) WHERE status IN ('pending', 'approved');
CREATE INDEX verifications_status_idx ON verifications (status, id);

-- One row per shopkeeper per month, written by the tier engine.
CREATE TABLE tier_history (
    member_id BIGINT NOT NULL REFERENCES members (id),
    month TEXT NOT NULL,
    tier TEXT NOT NULL CHECK (tier IN ('rookie', 'senior', 'elite', 'super')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (member_id, month)
);

CREATE TABLE shops (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_member_id BIGINT NOT NULL REFERENCES members (id),
    -- six digits, text so that leading zeros survive; never reissued (shops are never deleted)
    shop_no TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- the name folded for uniqueness (case, width, spaces and punctuation removed)
    name_key TEXT NOT NULL UNIQUE,
    logo_url TEXT,
    description TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    item_count INTEGER NOT NULL CHECK (item_count >= 0),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE INDEX shops_owner_idx ON shops (owner_member_id);

CREATE TABLE shop_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id BIGINT NOT NULL REFERENCES shops (id),
    goods_id BIGINT NOT NULL REFERENCES goods (id),
    recommendation TEXT NOT NULL,
    position BIGINT NOT NULL,
    pinned BOOLEAN NOT NULL,
    removed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX shop_items_goods_once_idx ON shop_items (shop_id, goods_id) WHERE removed_at IS NULL;
-- The public item list: pinned first, then position, in keyset order (live items only).
CREATE INDEX shop_items_page_idx ON shop_items (shop_id, pinned DESC, position, id) WHERE removed_at IS NULL;

CREATE TABLE share_codes (
    code TEXT PRIMARY KEY,
    shop_item_id BIGINT NOT NULL REFERENCES shop_items (id),
    visits BIGINT NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX share_codes_item_idx ON share_codes (shop_item_id);
