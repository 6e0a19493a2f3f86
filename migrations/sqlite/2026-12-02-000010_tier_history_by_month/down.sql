DROP INDEX tier_history_month_idx;
