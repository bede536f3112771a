-- The inventory reservation that holds an order's stock (inventory's stock_reservations.id,
-- derived from user and idempotency key); cancelling the order releases it. NULL for orders
-- placed before orders reserved stock, such as the seeded history: they have nothing to release.
ALTER TABLE orders ADD COLUMN reservation_id text;
