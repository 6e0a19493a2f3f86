-- The statements of the two endpoints as the server prepares them (parameter types as diesel
-- binds them), each executed 6 times first so that the plan shown is the one a long-lived
-- prepared statement settles on (custom plans for 5 executions, then generic if not costlier).
\pset pager off
\set ON_ERROR_STOP on
SELECT 'PostgreSQL ' || current_setting('server_version') AS "server";

PREPARE shop(text, text, int8) AS SELECT "shops"."id", "shops"."owner_member_id", "shops"."shop_no", "shops"."name", "shops"."name_key", "shops"."logo_url", "shops"."description", "shops"."status", "shops"."item_count", "shops"."created_at", "shops"."updated_at", "shops"."closed_at" FROM "shops" WHERE (("shops"."shop_no" = $1) AND ("shops"."status" = $2)) LIMIT $3;
PREPARE page(int8, int8) AS SELECT "shop_items"."id", "shop_items"."goods_id", "shop_items"."recommendation", "shop_items"."pinned", "shop_items"."position", "goods"."title", "goods"."category_code", "goods"."image_urls", "goods"."min_price_fen", "goods"."status", "suppliers"."is_active" FROM ("shop_items" INNER JOIN ("goods" INNER JOIN "suppliers" ON ("goods"."supplier_id" = "suppliers"."id")) ON ("shop_items"."goods_id" = "goods"."id")) WHERE (("shop_items"."shop_id" = $1) AND ("shop_items"."removed_at" IS NULL)) ORDER BY "shop_items"."pinned" DESC, "shop_items"."position" ASC, "shop_items"."id" ASC LIMIT $2;
PREPARE in_stock(int8[], int8) AS SELECT DISTINCT "goods_skus"."goods_id" FROM "goods_skus" WHERE (("goods_skus"."goods_id" = ANY($1)) AND ("goods_skus"."stock" > $2));
PREPARE item(int8, int8, int8) AS SELECT "shop_items"."id", "shop_items"."goods_id", "shop_items"."recommendation", "shop_items"."pinned", "shop_items"."position", "goods"."title", "goods"."category_code", "goods"."image_urls", "goods"."min_price_fen", "goods"."status", "suppliers"."is_active", "goods"."description" FROM ("shop_items" INNER JOIN ("goods" INNER JOIN "suppliers" ON ("goods"."supplier_id" = "suppliers"."id")) ON ("shop_items"."goods_id" = "goods"."id")) WHERE ((("shop_items"."shop_id" = $1) AND ("shop_items"."removed_at" IS NULL)) AND ("shop_items"."id" = $2)) LIMIT $3;
PREPARE skus(int8[]) AS SELECT "goods_skus"."id", "goods_skus"."goods_id", "goods_skus"."attributes", "goods_skus"."price_fen", "goods_skus"."stock", "goods_skus"."per_buyer_limit", "goods_skus"."version", "goods_skus"."created_at", "goods_skus"."updated_at" FROM "goods_skus" WHERE ("goods_skus"."goods_id" = ANY($1)) ORDER BY "goods_skus"."id";
PREPARE tier(int8, int8) AS SELECT "tier_history"."tier" FROM "tier_history" WHERE ("tier_history"."member_id" = $1) ORDER BY "tier_history"."month" DESC LIMIT $2;

\o /dev/null
EXECUTE shop('025746', 'open', 1); EXECUTE shop('025746', 'open', 1); EXECUTE shop('025746', 'open', 1);
EXECUTE shop('025746', 'open', 1); EXECUTE shop('025746', 'open', 1); EXECUTE shop('025746', 'open', 1);
EXECUTE page(42, 21); EXECUTE page(42, 21); EXECUTE page(42, 21);
EXECUTE page(42, 21); EXECUTE page(42, 21); EXECUTE page(42, 21);
EXECUTE item(42, 100, 1); EXECUTE item(42, 200, 1); EXECUTE item(42, 300, 1);
EXECUTE item(42, 400, 1); EXECUTE item(42, 500, 1); EXECUTE item(42, 600, 1);


EXECUTE in_stock('{971,24251,48501,72751,96904,98,195,292,389,486,583,680,777,874,1068,1165,1262,1359,1456,1553}', 0); EXECUTE in_stock('{971,24251,48501,72751,96904,98,195,292,389,486,583,680,777,874,1068,1165,1262,1359,1456,1553}', 0); EXECUTE in_stock('{971,24251,48501,72751,96904,98,195,292,389,486,583,680,777,874,1068,1165,1262,1359,1456,1553}', 0);
EXECUTE in_stock('{971,24251,48501,72751,96904,98,195,292,389,486,583,680,777,874,1068,1165,1262,1359,1456,1553}', 0); EXECUTE in_stock('{971,24251,48501,72751,96904,98,195,292,389,486,583,680,777,874,1068,1165,1262,1359,1456,1553}', 0); EXECUTE in_stock('{971,24251,48501,72751,96904,98,195,292,389,486,583,680,777,874,1068,1165,1262,1359,1456,1553}', 0);
EXECUTE skus('{98}'); EXECUTE skus('{195}'); EXECUTE skus('{292}');
EXECUTE skus('{389}'); EXECUTE skus('{486}'); EXECUTE skus('{583}');
EXECUTE tier(42, 1); EXECUTE tier(42, 1); EXECUTE tier(42, 1);
EXECUTE tier(42, 1); EXECUTE tier(42, 1); EXECUTE tier(42, 1);
\o

\echo '== both endpoints: open shop by number (shops::repo::find_open_by_no)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE shop('025746', 'open', 1);
\echo '== shop page: first page of live items (storefront::repo::items_page, LIMIT 20 + 1)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE page(42, 21);
\echo '== shop page: which of the page goods are in stock (storefront::repo::goods_in_stock)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE in_stock('{971,24251,48501,72751,96904,98,195,292,389,486,583,680,777,874,1068,1165,1262,1359,1456,1553}', 0);
\echo '== item detail: the item with its description (storefront::repo::item)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE item(42, 50000, 1);
\echo '== item detail: SKUs (goods::repo::skus)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE skus('{48501}');
\echo '== item detail: owner tier (tiers::current)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE tier(42, 1);
\echo '== shop page, custom plan (what the first 5 executions on each new connection get)'
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE page(42, 21);
