-- The engine reads every shopkeeper's tier of the month before in one pass, in member order.
-- The primary key (member_id, month) made that a scan of the whole history (every month of
-- it); this reads the one month, from the index alone.
CREATE INDEX tier_history_month_idx ON tier_history (month, member_id) INCLUDE (tier);
