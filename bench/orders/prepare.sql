-- After bench/shops/seed-*.sql: the goods of shop 42 in stock for the whole run, without
-- per-buyer limits, so every placement succeeds and takes stock. Same SQL on both databases.
UPDATE goods_skus SET stock = 1000000000, per_buyer_limit = NULL
WHERE goods_id IN (SELECT goods_id FROM shop_items WHERE shop_id = 42 AND removed_at IS NULL);
