-- One POST /api/v1/orders (one line, quantity 1, a random item of shop 42), statement for
-- statement as the server sends it, all of them prepared (captured with log_statement = all):
-- the pool's check-out ping, then in one transaction the idempotency lookup, everything the line
-- needs (item, shop, goods, supplier, SKU, the shopkeeper's tier), the stock decrement, the
-- order, its supplier order, the shop's targeted commission plans for the goods, its line and
-- the stored response (about the size the server stores).
-- Column aliases in the second statement only name what \gset reads; the plan is the same.
-- Run with -M prepared -D buyer=<member id>. Items of shop 42: 100k; their SKU: 1 + (97k mod 100000).
\set k random(1, 1000)
\set item 100 * :k
\set sku 1 + (:k * 97) % 100000
\set r random(1, 9000000000000000000)
\set one 1
\set zero 0
SELECT 1;
BEGIN;
SELECT "idempotency_keys"."request_hash", "idempotency_keys"."response_status", "idempotency_keys"."response_body" FROM "idempotency_keys" WHERE ((("idempotency_keys"."member_id" = :buyer) AND ("idempotency_keys"."scope" = 'orders.place')) AND ("idempotency_keys"."idempotency_key" = :r::text)) LIMIT :one;
SELECT "shop_items"."id" AS item_id, "shop_items"."removed_at", "shops"."id" AS shop_id, "shops"."status" AS shop_status, "shops"."owner_member_id" AS keeper, "goods"."id" AS goods_id, "goods"."title", "goods"."status" AS goods_status, "goods"."commission_bps", "goods"."pending_commission_bps", "goods"."pending_commission_at", "suppliers"."id" AS supplier_id, "suppliers"."is_active", "goods_skus"."id" AS sku_id, "goods_skus"."attributes", "goods_skus"."price_fen" AS price, "goods_skus"."per_buyer_limit", (SELECT th.tier FROM tier_history th WHERE th.member_id = shops.owner_member_id ORDER BY th.month DESC LIMIT 1) AS tier FROM (("shop_items" INNER JOIN "shops" ON ("shop_items"."shop_id" = "shops"."id")) INNER JOIN (("goods" INNER JOIN "suppliers" ON ("goods"."supplier_id" = "suppliers"."id")) INNER JOIN "goods_skus" ON ("goods_skus"."goods_id" = "goods"."id")) ON ("shop_items"."goods_id" = "goods"."id")) WHERE (("shop_items"."id" = :item) AND ("goods_skus"."id" = :sku))
\gset o_
UPDATE goods_skus SET stock = stock - :one, version = version + 1, updated_at = now()::timestamp WHERE id = :sku AND stock >= :one;
INSERT INTO orders (order_no, buyer_member_id, shop_id, status, total_fen, recipient_name, recipient_phone, region, address_detail, buyer_note, payment_due_at, created_at, updated_at) VALUES (:r::text, :buyer, :o_shop_id, 'pending_payment', :o_price, '王小明', '13812345678', '浙江省 杭州市', '文三路 100 号', NULL, now()::timestamp, now()::timestamp, now()::timestamp) ON CONFLICT (order_no) DO NOTHING RETURNING id AS order_id
\gset
INSERT INTO supplier_orders (order_id, supplier_id, status, total_fen, created_at, updated_at) VALUES (:order_id, :o_supplier_id, 'pending_payment', :o_price, now()::timestamp, now()::timestamp) RETURNING id AS part_id
\gset
SELECT "commission_plan_targets"."goods_id", "commission_plans"."id", "commission_plans"."commission_bps" FROM ("commission_plan_targets" INNER JOIN "commission_plans" ON ("commission_plan_targets"."plan_id" = "commission_plans"."id")) WHERE ((((("commission_plan_targets"."shop_id" = :o_shop_id) AND ("commission_plan_targets"."goods_id" = :o_goods_id)) AND ("commission_plans"."starts_at" <= now()::timestamp)) AND ("commission_plans"."ends_at" > now()::timestamp)) AND (("commission_plans"."suspended_until" IS NULL) OR ("commission_plans"."suspended_until" <= now()::timestamp)));
INSERT INTO order_lines (order_id, supplier_order_id, shop_item_id, goods_id, sku_id, supplier_id, shop_id, shopkeeper_member_id, title, sku_attributes, unit_price_fen, quantity, amount_fen, commission_bps, tier, tier_bonus_bps, commission_fen, tier_bonus_fen, no_commission_reason, created_at, platform_fee_bps, commission_plan_id) VALUES (:order_id, :part_id, :item, :o_goods_id, :sku, :o_supplier_id, :o_shop_id, :o_keeper, 'Goods 商品', '{"size":"M"}', :o_price, :one, :o_price, 1500, 'rookie', :zero, :o_price * 15 / 100, :zero, NULL, now()::timestamp, 500, NULL) RETURNING id
\gset
INSERT INTO idempotency_keys (member_id, scope, idempotency_key, request_hash, response_status, response_body, created_at) VALUES (:buyer, 'orders.place', :r::text, md5(:r::text), 201, repeat('x', 900), now()::timestamp);
COMMIT;
