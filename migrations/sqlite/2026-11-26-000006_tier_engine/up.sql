-- Every decision of the monthly engine, with the figures behind it and why.
ALTER TABLE tier_history ADD COLUMN previous_tier TEXT;
ALTER TABLE tier_history ADD COLUMN gmv_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_history ADD COLUMN orders BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_history ADD COLUMN buyers BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_history ADD COLUMN refund_rate_bps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tier_history ADD COLUMN serious_violations BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_history ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE tier_history ADD COLUMN run_id BIGINT;

-- A month's settled lines, by shopkeeper (the engine's aggregate).
CREATE INDEX order_lines_settled_idx ON order_lines (shopkeeper_member_id, settled_at);

-- A shopkeeper's violation found by the platform; serious ones block a rise that month.
CREATE TABLE member_violations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id BIGINT NOT NULL REFERENCES members (id),
    serious BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX member_violations_member_idx ON member_violations (member_id, created_at);

-- One run of the engine over a month (or one shard of it): its lock, checkpoint and counts.
CREATE TABLE tier_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    month TEXT NOT NULL,
    shard_index INTEGER NOT NULL,
    shard_count INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done')),
    -- the process working on it, and when it last showed life (a stale run may be taken over)
    holder TEXT NOT NULL,
    heartbeat_at TIMESTAMP NOT NULL,
    -- shopkeepers up to this id are done (committed with their history rows)
    last_member_id BIGINT NOT NULL,
    total BIGINT NOT NULL,
    processed BIGINT NOT NULL,
    promoted BIGINT NOT NULL,
    demoted BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    UNIQUE (month, shard_index, shard_count)
);
