-- Seed for bench/shops.sh on PostgreSQL, run after `xiaopu migrate` on a fresh database.
-- 100 suppliers, 100,000 listed goods (1 SKU each; every 10th SKU out of stock), 1,000 open
-- shops. Shop 42 (shop_no '025746', a leading zero) holds the benchmark's 1,000 live items
-- (ids 100, 200, ..., 100000, interleaved with the other shops' items; 5 pinned) plus 200
-- removed ones; the other 999 shops hold ~99 items each (100,900 shop_items rows in all).
-- Shop numbers: lpad(i * 613, 6, '0'), i = 1..1000.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO members (id, email, password_hash, display_name, created_at, updated_at, credit_score)
SELECT i, 'm' || i || '@bench.example.cn', 'x', 'Member ' || i, now()::timestamp, now()::timestamp, 750
FROM generate_series(1, 1100) i;

INSERT INTO supplier_applications (id, applicant_member_id, company_name, credit_code,
    registered_capital_fen, general_taxpayer, contact_name, contact_phone, categories,
    brand_authorisations, procurement_vouchers, status, decided_by, decided_at, created_at)
SELECT s, 1000 + s, 'Supplier ' || s || ' Co., Ltd.', 'CC' || lpad(s::text, 16, '0'),
    200000000, true, 'Contact ' || s, '1380000' || lpad(s::text, 4, '0'), '["food-health"]',
    '[]', '[]', 'approved', 1, now()::timestamp, now()::timestamp
FROM generate_series(1, 100) s;

INSERT INTO suppliers (id, application_id, company_name, credit_code, categories,
    required_deposit_fen, status, is_active, created_at, updated_at)
SELECT s, s, 'Supplier ' || s || ' Co., Ltd.', 'CC' || lpad(s::text, 16, '0'), '["food-health"]',
    1500000, 'approved', true, now()::timestamp, now()::timestamp
FROM generate_series(1, 100) s;

INSERT INTO goods (id, supplier_id, title, description, category_code, brand, image_urls,
    reference_price_fen, market_commission_bps, commission_bps, status, created_at, updated_at,
    min_price_fen)
SELECT g, 1 + g % 100, 'Goods ' || g || ' 商品', repeat('Description of goods ' || g || '. ', 8),
    (ARRAY['food-health.snacks', 'food-health.supplements', 'beauty-care', 'mother-baby-toys',
           'home-appliances', 'apparel-sports'])[1 + g % 6],
    'Brand ' || (g % 500),
    '["https://img.bench.example.cn/goods/' || g || '/1.jpg","https://img.bench.example.cn/goods/' || g || '/2.jpg"]',
    1000 + g % 9000, 1000, 1500, 'listed', now()::timestamp, now()::timestamp, 990 + g % 9000
FROM generate_series(1, 100000) g;

INSERT INTO goods_skus (id, goods_id, attributes, price_fen, stock, per_buyer_limit, version,
    created_at, updated_at)
SELECT g, g, '{"size":"M"}', 990 + g % 9000, CASE WHEN g % 10 = 0 THEN 0 ELSE 100 END, NULL, 1,
    now()::timestamp, now()::timestamp
FROM generate_series(1, 100000) g;

INSERT INTO shops (id, owner_member_id, shop_no, name, name_key, description, status, item_count,
    created_at, updated_at)
SELECT i, i, lpad((i * 613)::text, 6, '0'), 'Shop ' || i, 'shop' || i, 'A benchmark shop', 'open',
    CASE WHEN i = 42 THEN 1000 ELSE 0 END, now()::timestamp, now()::timestamp
FROM generate_series(1, 1000) i;

INSERT INTO tier_history (member_id, month, tier, created_at)
SELECT i, '2026-' || lpad(m::text, 2, '0'), (ARRAY['rookie', 'senior', 'elite', 'super'])[1 + (i + m) % 4],
    now()::timestamp
FROM generate_series(1, 1000) i, generate_series(1, 10) m;

-- n % 100 = 0: shop 42's live items (k = n / 100, position k, pinned for 5 of them);
-- otherwise one of the 999 other shops (ids 1..1000 without 42).
INSERT INTO shop_items (id, shop_id, goods_id, recommendation, position, pinned, created_at, updated_at)
SELECT n,
    CASE WHEN n % 100 = 0 THEN 42 ELSE 1 + n % 999 + CASE WHEN 1 + n % 999 >= 42 THEN 1 ELSE 0 END END,
    CASE WHEN n % 100 = 0 THEN 1 + (n / 100 * 97) % 100000 ELSE 1 + (n::bigint * 7919) % 100000 END,
    'Recommended: item ' || n || ', great value.',
    CASE WHEN n % 100 = 0 THEN n / 100 ELSE n / 999 END,
    n % 100 = 0 AND (n / 100) IN (10, 250, 500, 750, 999),
    now()::timestamp, now()::timestamp
FROM generate_series(1, 100000) n;
INSERT INTO shop_items (id, shop_id, goods_id, recommendation, position, pinned, removed_at, created_at, updated_at)
SELECT 100000 + r, 42, 1 + (r * 97) % 100000, 'Removed ' || r, 1000 + r, r % 50 = 0,
    now()::timestamp, now()::timestamp, now()::timestamp
FROM generate_series(1, 200) r;

SELECT setval(pg_get_serial_sequence('members', 'id'), 1100);
SELECT setval(pg_get_serial_sequence('supplier_applications', 'id'), 100);
SELECT setval(pg_get_serial_sequence('suppliers', 'id'), 100);
SELECT setval(pg_get_serial_sequence('goods', 'id'), 100000);
SELECT setval(pg_get_serial_sequence('goods_skus', 'id'), 100000);
SELECT setval(pg_get_serial_sequence('shops', 'id'), 1000);
SELECT setval(pg_get_serial_sequence('shop_items', 'id'), 100200);
COMMIT;
VACUUM ANALYZE;
