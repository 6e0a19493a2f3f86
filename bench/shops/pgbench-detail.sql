-- One GET /api/v1/shops/{shop_no}/items/{item_id} for a random live item of the shop, statement
-- for statement as the server sends it (captured with log_statement = all): the pool's
-- check-out ping, the open shop by number, the item with its goods' description
-- (storefront::repo::item), its SKUs (goods::repo::skus; the server binds a bigint[] to
-- ANY($1), here a one-element ARRAY[$1]), the owner's tier (tiers::current).
-- Run with -M prepared -D shop_no=025746 -D status=open. Item ids of the shop: 100 * (1..1000).
\set one 1
\set item_id 100 * random(1, 1000)
SELECT 1;
SELECT "shops"."id", "shops"."owner_member_id", "shops"."shop_no", "shops"."name", "shops"."name_key", "shops"."logo_url", "shops"."description", "shops"."status", "shops"."item_count", "shops"."created_at", "shops"."updated_at", "shops"."closed_at" FROM "shops" WHERE (("shops"."shop_no" = :shop_no) AND ("shops"."status" = :status)) LIMIT :one
\gset shop_
SELECT "shop_items"."id", "shop_items"."goods_id", "shop_items"."recommendation", "shop_items"."pinned", "shop_items"."position", "goods"."title", "goods"."category_code", "goods"."image_urls", "goods"."min_price_fen", "goods"."status", "suppliers"."is_active", "goods"."description" FROM ("shop_items" INNER JOIN ("goods" INNER JOIN "suppliers" ON ("goods"."supplier_id" = "suppliers"."id")) ON ("shop_items"."goods_id" = "goods"."id")) WHERE ((("shop_items"."shop_id" = :shop_id) AND ("shop_items"."removed_at" IS NULL)) AND ("shop_items"."id" = :item_id)) LIMIT :one
\gset item_
SELECT "goods_skus"."id", "goods_skus"."goods_id", "goods_skus"."attributes", "goods_skus"."price_fen", "goods_skus"."stock", "goods_skus"."per_buyer_limit", "goods_skus"."version", "goods_skus"."created_at", "goods_skus"."updated_at" FROM "goods_skus" WHERE ("goods_skus"."goods_id" = ANY(ARRAY[:item_goods_id]::bigint[])) ORDER BY "goods_skus"."id";
SELECT "tier_history"."tier" FROM "tier_history" WHERE ("tier_history"."member_id" = :shop_owner_member_id) ORDER BY "tier_history"."month" DESC LIMIT :one;
