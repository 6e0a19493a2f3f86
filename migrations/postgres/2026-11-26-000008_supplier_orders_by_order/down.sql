DROP INDEX supplier_orders_order_idx;
