-- Loading an order's supplier parts (every order view, payment, cancellation) scanned them all.
CREATE INDEX supplier_orders_order_idx ON supplier_orders (order_id);
