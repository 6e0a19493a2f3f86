-- The statements of the two endpoints in diesel's SQLite form (backtick quoting, IN for eq_any),
-- with the benchmark's values inlined. Read by bench/shops/sqlite-plan (EXPLAIN QUERY PLAN).

-- == both endpoints: open shop by number (shops::repo::find_open_by_no)
SELECT `shops`.`id`, `shops`.`owner_member_id`, `shops`.`shop_no`, `shops`.`name`, `shops`.`name_key`, `shops`.`logo_url`, `shops`.`description`, `shops`.`status`, `shops`.`item_count`, `shops`.`created_at`, `shops`.`updated_at`, `shops`.`closed_at` FROM `shops` WHERE ((`shops`.`shop_no` = '025746') AND (`shops`.`status` = 'open')) LIMIT 1;

-- == shop page: first page of live items (storefront::repo::items_page, LIMIT 20 + 1)
SELECT `shop_items`.`id`, `shop_items`.`goods_id`, `shop_items`.`recommendation`, `shop_items`.`pinned`, `shop_items`.`position`, `goods`.`title`, `goods`.`category_code`, `goods`.`image_urls`, `goods`.`min_price_fen`, `goods`.`status`, `suppliers`.`is_active` FROM (`shop_items` INNER JOIN (`goods` INNER JOIN `suppliers` ON (`goods`.`supplier_id` = `suppliers`.`id`)) ON (`shop_items`.`goods_id` = `goods`.`id`)) WHERE ((`shop_items`.`shop_id` = 42) AND (`shop_items`.`removed_at` IS NULL)) ORDER BY `shop_items`.`pinned` DESC, `shop_items`.`position` ASC, `shop_items`.`id` ASC LIMIT 21;

-- == shop page: which of the page goods are in stock (storefront::repo::goods_in_stock)
SELECT DISTINCT `goods_skus`.`goods_id` FROM `goods_skus` WHERE ((`goods_skus`.`goods_id` IN (971, 24251, 48501, 72751, 96904, 98, 195, 292, 389, 486, 583, 680, 777, 874, 1068, 1165, 1262, 1359, 1456, 1553)) AND (`goods_skus`.`stock` > 0));

-- == item detail: the item with its description (storefront::repo::item)
SELECT `shop_items`.`id`, `shop_items`.`goods_id`, `shop_items`.`recommendation`, `shop_items`.`pinned`, `shop_items`.`position`, `goods`.`title`, `goods`.`category_code`, `goods`.`image_urls`, `goods`.`min_price_fen`, `goods`.`status`, `suppliers`.`is_active`, `goods`.`description` FROM (`shop_items` INNER JOIN (`goods` INNER JOIN `suppliers` ON (`goods`.`supplier_id` = `suppliers`.`id`)) ON (`shop_items`.`goods_id` = `goods`.`id`)) WHERE (((`shop_items`.`shop_id` = 42) AND (`shop_items`.`removed_at` IS NULL)) AND (`shop_items`.`id` = 50000)) LIMIT 1;

-- == item detail: SKUs (goods::repo::skus)
SELECT `goods_skus`.`id`, `goods_skus`.`goods_id`, `goods_skus`.`attributes`, `goods_skus`.`price_fen`, `goods_skus`.`stock`, `goods_skus`.`per_buyer_limit`, `goods_skus`.`version`, `goods_skus`.`created_at`, `goods_skus`.`updated_at` FROM `goods_skus` WHERE (`goods_skus`.`goods_id` IN (48501)) ORDER BY `goods_skus`.`id`;

-- == item detail: owner tier (tiers::current)
SELECT `tier_history`.`tier` FROM `tier_history` WHERE (`tier_history`.`member_id` = 42) ORDER BY `tier_history`.`month` DESC LIMIT 1;
