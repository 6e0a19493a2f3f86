-- Seed for bench/shops.sh on SQLite (the same data as seed-pg.sql), run with the sqlite3 CLI
-- after `xiaopu migrate` on a fresh file. See seed-pg.sql for the layout.
.bail on
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1100)
INSERT INTO members (id, email, password_hash, display_name, created_at, updated_at, credit_score)
SELECT i, 'm' || i || '@bench.example.cn', 'x', 'Member ' || i, '2026-11-25 10:00:00', '2026-11-25 10:00:00', 750
FROM s;

WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100)
INSERT INTO supplier_applications (id, applicant_member_id, company_name, credit_code,
    registered_capital_fen, general_taxpayer, contact_name, contact_phone, categories,
    brand_authorisations, procurement_vouchers, status, decided_by, decided_at, created_at)
SELECT i, 1000 + i, 'Supplier ' || i || ' Co., Ltd.', 'CC' || printf('%016d', i),
    200000000, 1, 'Contact ' || i, '1380000' || printf('%04d', i), '["food-health"]',
    '[]', '[]', 'approved', 1, '2026-11-25 10:00:00', '2026-11-25 10:00:00'
FROM s;

WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100)
INSERT INTO suppliers (id, application_id, company_name, credit_code, categories,
    required_deposit_fen, status, is_active, created_at, updated_at)
SELECT i, i, 'Supplier ' || i || ' Co., Ltd.', 'CC' || printf('%016d', i), '["food-health"]',
    1500000, 'approved', 1, '2026-11-25 10:00:00', '2026-11-25 10:00:00'
FROM s;

WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 100000)
INSERT INTO goods (id, supplier_id, title, description, category_code, brand, image_urls,
    reference_price_fen, market_commission_bps, commission_bps, status, created_at, updated_at,
    min_price_fen)
SELECT g, 1 + g % 100, 'Goods ' || g || ' 商品',
    replace(printf('%8s', ''), ' ', 'Description of goods ' || g || '. '),
    CASE g % 6 WHEN 0 THEN 'food-health.snacks' WHEN 1 THEN 'food-health.supplements'
        WHEN 2 THEN 'beauty-care' WHEN 3 THEN 'mother-baby-toys' WHEN 4 THEN 'home-appliances'
        ELSE 'apparel-sports' END,
    'Brand ' || (g % 500),
    '["https://img.bench.example.cn/goods/' || g || '/1.jpg","https://img.bench.example.cn/goods/' || g || '/2.jpg"]',
    1000 + g % 9000, 1000, 1500, 'listed', '2026-11-25 10:00:00', '2026-11-25 10:00:00', 990 + g % 9000
FROM s;

WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 100000)
INSERT INTO goods_skus (id, goods_id, attributes, price_fen, stock, per_buyer_limit, version,
    created_at, updated_at)
SELECT g, g, '{"size":"M"}', 990 + g % 9000, CASE WHEN g % 10 = 0 THEN 0 ELSE 100 END, NULL, 1,
    '2026-11-25 10:00:00', '2026-11-25 10:00:00'
FROM s;

WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000)
INSERT INTO shops (id, owner_member_id, shop_no, name, name_key, description, status, item_count,
    created_at, updated_at)
SELECT i, i, printf('%06d', i * 613), 'Shop ' || i, 'shop' || i, 'A benchmark shop', 'open',
    CASE WHEN i = 42 THEN 1000 ELSE 0 END, '2026-11-25 10:00:00', '2026-11-25 10:00:00'
FROM s;

WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000),
    m(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM m WHERE m < 10)
INSERT INTO tier_history (member_id, month, tier, created_at)
SELECT i, '2026-' || printf('%02d', m),
    CASE (i + m) % 4 WHEN 0 THEN 'rookie' WHEN 1 THEN 'senior' WHEN 2 THEN 'elite' ELSE 'super' END,
    '2026-11-25 10:00:00'
FROM s, m;

WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100000)
INSERT INTO shop_items (id, shop_id, goods_id, recommendation, position, pinned, created_at, updated_at)
SELECT n,
    CASE WHEN n % 100 = 0 THEN 42 ELSE 1 + n % 999 + CASE WHEN 1 + n % 999 >= 42 THEN 1 ELSE 0 END END,
    CASE WHEN n % 100 = 0 THEN 1 + (n / 100 * 97) % 100000 ELSE 1 + (n * 7919) % 100000 END,
    'Recommended: item ' || n || ', great value.',
    CASE WHEN n % 100 = 0 THEN n / 100 ELSE n / 999 END,
    n % 100 = 0 AND (n / 100) IN (10, 250, 500, 750, 999),
    '2026-11-25 10:00:00', '2026-11-25 10:00:00'
FROM s;
WITH RECURSIVE s(r) AS (SELECT 1 UNION ALL SELECT r + 1 FROM s WHERE r < 200)
INSERT INTO shop_items (id, shop_id, goods_id, recommendation, position, pinned, removed_at, created_at, updated_at)
SELECT 100000 + r, 42, 1 + (r * 97) % 100000, 'Removed ' || r, 1000 + r, r % 50 = 0,
    '2026-11-25 10:00:00', '2026-11-25 10:00:00', '2026-11-25 10:00:00'
FROM s;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
