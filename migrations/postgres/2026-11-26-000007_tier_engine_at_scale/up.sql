-- The monthly engine writes a row per shopkeeper per month; the foreign key's check per row
-- cost about twice the insert itself (a million shopkeepers: seconds). Every writer takes the
-- member from a shop, which references members, so the history cannot name an unknown member.
ALTER TABLE tier_history DROP CONSTRAINT tier_history_member_id_fkey;

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
