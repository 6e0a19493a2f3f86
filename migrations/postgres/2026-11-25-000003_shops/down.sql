DROP TABLE share_codes;
DROP TABLE shop_items;
DROP TABLE shops;
DROP TABLE tier_history;
DROP TABLE verifications;
DROP INDEX goods_catalogue_idx;
ALTER TABLE goods DROP COLUMN min_price_fen;
ALTER TABLE members DROP COLUMN credit_score_updated_at;
ALTER TABLE members DROP COLUMN credit_score;
