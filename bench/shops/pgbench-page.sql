-- One GET /api/v1/shops/{shop_no}/items (first page, no filter), statement for statement as the
-- server sends it (captured with log_statement = all): the pool's check-out ping
-- (r2d2 test_on_check_out), the open shop by number (shops::repo::find_open_by_no), the page
-- (storefront::repo::items_page, LIMIT page size + 1), which of the page's goods are in stock
-- (storefront::repo::goods_in_stock; the server binds the page's 20 goods ids as a bigint[]).
-- Run with -M prepared -D shop_no=025746 -D status=open -D page_goods='{971,...}' (the first
-- page's goods ids, see bench/shops.sh).
\set zero 0
\set one 1
\set lim 21
SELECT 1;
SELECT "shops"."id", "shops"."owner_member_id", "shops"."shop_no", "shops"."name", "shops"."name_key", "shops"."logo_url", "shops"."description", "shops"."status", "shops"."item_count", "shops"."created_at", "shops"."updated_at", "shops"."closed_at" FROM "shops" WHERE (("shops"."shop_no" = :shop_no) AND ("shops"."status" = :status)) LIMIT :one
\gset shop_
SELECT "shop_items"."id", "shop_items"."goods_id", "shop_items"."recommendation", "shop_items"."pinned", "shop_items"."position", "goods"."title", "goods"."category_code", "goods"."image_urls", "goods"."min_price_fen", "goods"."status", "suppliers"."is_active" FROM ("shop_items" INNER JOIN ("goods" INNER JOIN "suppliers" ON ("goods"."supplier_id" = "suppliers"."id")) ON ("shop_items"."goods_id" = "goods"."id")) WHERE (("shop_items"."shop_id" = :shop_id) AND ("shop_items"."removed_at" IS NULL)) ORDER BY "shop_items"."pinned" DESC, "shop_items"."position" ASC, "shop_items"."id" ASC LIMIT :lim;
SELECT DISTINCT "goods_skus"."goods_id" FROM "goods_skus" WHERE (("goods_skus"."goods_id" = ANY(:page_goods::bigint[])) AND ("goods_skus"."stock" > :zero));
