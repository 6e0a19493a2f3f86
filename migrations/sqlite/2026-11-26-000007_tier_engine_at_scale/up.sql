-- As on PostgreSQL: no foreign key from the history to members (SQLite drops one by
-- rebuilding the table).
CREATE TABLE tier_history_rebuilt (
    member_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    tier TEXT NOT NULL CHECK (tier IN ('rookie', 'senior', 'elite', 'super')),
    created_at TIMESTAMP NOT NULL,
    previous_tier TEXT,
    gmv_fen BIGINT NOT NULL DEFAULT 0,
    orders BIGINT NOT NULL DEFAULT 0,
    buyers BIGINT NOT NULL DEFAULT 0,
    refund_rate_bps INTEGER NOT NULL DEFAULT 0,
    serious_violations BIGINT NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    run_id BIGINT,
    PRIMARY KEY (member_id, month)
);
INSERT INTO tier_history_rebuilt
    SELECT member_id, month, tier, created_at, previous_tier, gmv_fen, orders, buyers,
           refund_rate_bps, serious_violations, reason, run_id
    FROM tier_history;
DROP TABLE tier_history;
ALTER TABLE tier_history_rebuilt RENAME TO tier_history;

-- A run's tiers before and after, kept with its checkpoint, for its summary (rather than
-- counting the month's history again).
ALTER TABLE tier_runs ADD COLUMN before_rookie BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_runs ADD COLUMN before_senior BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_runs ADD COLUMN before_elite BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_runs ADD COLUMN before_super BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_runs ADD COLUMN after_rookie BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_runs ADD COLUMN after_senior BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_runs ADD COLUMN after_elite BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tier_runs ADD COLUMN after_super BIGINT NOT NULL DEFAULT 0;
