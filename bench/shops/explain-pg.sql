-- The statements of the two endpoints as the server prepares them (parameter types as diesel
-- binds them), each executed 6 times first so that the plan shown is the one a long-lived
-- prepared statement settles on (custom plans for 5 executions, then generic if not costlier).
\pset pager off
\set ON_ERROR_STOP on
SELECT 'PostgreSQL ' || current_setting('server_version') AS "server";

PREPARE shop(text, text, int8) AS SELECT "shops"."id", "shops"."owner_member_id", "shops"."shop_no", "shops"."name", "shops"."name_key", "shops"."logo_url", "shops"."description", "shops"."status", "shops"."item_count", "shops"."created_at", "shops"."updated_at", "shops"."closed_at" FROM "shops" WHERE (("shops"."shop_no" = $1) AND ("shops"."status" = $2)) LIMIT $3;
PREPARE page(int8, int8, int8) AS SELECT "shop_items"."id", "shop_items"."goods_id", "shop_items"."recommendation", "shop_items"."pinned", "shop_items"."position", "goods"."title", "goods"."category_code", "goods"."image_urls", "goods"."min_price_fen", "goods"."status", "suppliers"."is_active", EXISTS (SELECT "goods_skus"."id", "goods_skus"."goods_id", "goods_skus"."attributes", "goods_skus"."price_fen", "goods_skus"."stock", "goods_skus"."per_buyer_limit", "goods_skus"."version", "goods_skus"."created_at", "goods_skus"."updated_at" FROM "goods_skus" WHERE (("goods_skus"."goods_id" = "goods"."id") AND ("goods_skus"."stock" > $1))) FROM ("shop_items" INNER JOIN ("goods" INNER JOIN "suppliers" ON ("goods"."supplier_id" = "suppliers"."id")) ON ("shop_items"."goods_id" = "goods"."id")) WHERE (("shop_items"."shop_id" = $2) AND ("shop_items"."removed_at" IS NULL)) ORDER BY "shop_items"."pinned" DESC, "shop_items"."position" ASC, "shop_items"."id" ASC LIMIT $3;
PREPARE item(int8, int8, int8, int8) AS SELECT "shop_items"."id", "shop_items"."goods_id", "shop_items"."recommendation", "shop_items"."pinned", "shop_items"."position", "goods"."title", "goods"."category_code", "goods"."image_urls", "goods"."min_price_fen", "goods"."status", "suppliers"."is_active", EXISTS (SELECT "goods_skus"."id", "goods_skus"."goods_id", "goods_skus"."attributes", "goods_skus"."price_fen", "goods_skus"."stock", "goods_skus"."per_buyer_limit", "goods_skus"."version", "goods_skus"."created_at", "goods_skus"."updated_at" FROM "goods_skus" WHERE (("goods_skus"."goods_id" = "goods"."id") AND ("goods_skus"."stock" > $1))) FROM ("shop_items" INNER JOIN ("goods" INNER JOIN "suppliers" ON ("goods"."supplier_id" = "suppliers"."id")) ON ("shop_items"."goods_id" = "goods"."id")) WHERE ((("shop_items"."id" = $2) AND ("shop_items"."shop_id" = $3)) AND ("shop_items"."removed_at" IS NULL)) LIMIT $4;
PREPARE goods(int8, int8) AS SELECT "goods"."id", "goods"."supplier_id", "goods"."title", "goods"."description", "goods"."category_code", "goods"."brand", "goods"."voucher_reference", "goods"."image_urls", "goods"."reference_price_fen", "goods"."market_commission_bps", "goods"."commission_bps", "goods"."pending_commission_bps", "goods"."pending_commission_at", "goods"."status", "goods"."takedown_reason", "goods"."created_at", "goods"."updated_at", "goods"."min_price_fen", "suppliers"."is_active" FROM ("goods" INNER JOIN "suppliers" ON ("goods"."supplier_id" = "suppliers"."id")) WHERE ("goods"."id" = $1) LIMIT $2;
PREPARE skus(int8[]) AS SELECT "goods_skus"."id", "goods_skus"."goods_id", "goods_skus"."attributes", "goods_skus"."price_fen", "goods_skus"."stock", "goods_skus"."per_buyer_limit", "goods_skus"."version", "goods_skus"."created_at", "goods_skus"."updated_at" FROM "goods_skus" WHERE ("goods_skus"."goods_id" = ANY($1)) ORDER BY "goods_skus"."id";
PREPARE tier(int8, int8) AS SELECT "tier_history"."tier" FROM "tier_history" WHERE ("tier_history"."member_id" = $1) ORDER BY "tier_history"."month" DESC LIMIT $2;

\o /dev/null
EXECUTE shop('025746', 'open', 1); EXECUTE shop('025746', 'open', 1); EXECUTE shop('025746', 'open', 1);
EXECUTE shop('025746', 'open', 1); EXECUTE shop('025746', 'open', 1); EXECUTE shop('025746', 'open', 1);
EXECUTE page(0, 42, 21); EXECUTE page(0, 42, 21); EXECUTE page(0, 42, 21);
EXECUTE page(0, 42, 21); EXECUTE page(0, 42, 21); EXECUTE page(0, 42, 21);
EXECUTE item(0, 100, 42, 1); EXECUTE item(0, 200, 42, 1); EXECUTE item(0, 300, 42, 1);
EXECUTE item(0, 400, 42, 1); EXECUTE item(0, 500, 42, 1); EXECUTE item(0, 600, 42, 1);
EXECUTE goods(98, 1); EXECUTE goods(195, 1); EXECUTE goods(292, 1);
EXECUTE goods(389, 1); EXECUTE goods(486, 1); EXECUTE goods(583, 1);
EXECUTE skus('{98}'); EXECUTE skus('{195}'); EXECUTE skus('{292}');
EXECUTE skus('{389}'); EXECUTE skus('{486}'); EXECUTE skus('{583}');
EXECUTE tier(42, 1); EXECUTE tier(42, 1); EXECUTE tier(42, 1);
EXECUTE tier(42, 1); EXECUTE tier(42, 1); EXECUTE tier(42, 1);
\o

\echo '== both endpoints: open shop by number (shops::repo::find_open_by_no)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE shop('025746', 'open', 1);
\echo '== shop page: first page of live items (storefront::repo::items_page, LIMIT 20 + 1)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE page(0, 42, 21);
\echo '== item detail: the item (storefront::repo::item)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE item(0, 50000, 42, 1);
\echo '== item detail: goods with supplier (goods::repo::find)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE goods(48501, 1);
\echo '== item detail: SKUs (goods::repo::skus)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE skus('{48501}');
\echo '== item detail: owner tier (tiers::current)'
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE tier(42, 1);
\echo '== shop page, custom plan (what the first 5 executions on each new connection get)'
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS, VERBOSE) EXECUTE page(0, 42, 21);
