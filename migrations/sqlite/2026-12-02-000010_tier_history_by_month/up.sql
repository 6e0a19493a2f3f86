-- As on PostgreSQL: a month's tiers in member order from the index alone (SQLite has no
-- INCLUDE; the tier is the last key column).
CREATE INDEX tier_history_month_idx ON tier_history (month, member_id, tier);
