ALTER TABLE tier_runs DROP COLUMN before_rookie;
ALTER TABLE tier_runs DROP COLUMN before_senior;
ALTER TABLE tier_runs DROP COLUMN before_elite;
ALTER TABLE tier_runs DROP COLUMN before_super;
ALTER TABLE tier_runs DROP COLUMN after_rookie;
ALTER TABLE tier_runs DROP COLUMN after_senior;
ALTER TABLE tier_runs DROP COLUMN after_elite;
ALTER TABLE tier_runs DROP COLUMN after_super;
CREATE TABLE tier_history_rebuilt (
    member_id BIGINT NOT NULL REFERENCES members (id),
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
