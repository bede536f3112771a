-- The orders service's own price list: an order must price itself without calling another
-- service, and must record the price it charged. In production this table is kept current
-- from catalog's price-change events; here the seed fills it from the shared dataset.
CREATE TABLE product_prices (
  product_id  text PRIMARY KEY,
  price_cents int  NOT NULL CHECK (price_cents >= 0),
  currency    text NOT NULL
);

CREATE SEQUENCE order_numbers START 1001;

CREATE TABLE orders (
  id              text PRIMARY KEY,
  number          text NOT NULL UNIQUE,
  user_id         text NOT NULL,
  idempotency_key text NOT NULL,
  -- Hash of the request that placed the order: a replayed key with a different request is refused.
  request_hash    text NOT NULL,
  status          text NOT NULL CHECK (status IN ('PLACED', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
  placed_at       timestamptz NOT NULL DEFAULT now(),
  cancelled_at    timestamptz,
  subtotal_cents  int  NOT NULL CHECK (subtotal_cents >= 0),
  shipping_cents  int  NOT NULL CHECK (shipping_cents >= 0),
  currency        text NOT NULL,
  UNIQUE (user_id, idempotency_key)
);
CREATE INDEX orders_by_user ON orders (user_id, placed_at DESC, id DESC);

CREATE TABLE order_lines (
  order_id         text NOT NULL REFERENCES orders (id),
  line_number      int  NOT NULL CHECK (line_number > 0),
  product_id       text NOT NULL,
  quantity         int  NOT NULL CHECK (quantity > 0),
  unit_price_cents int  NOT NULL CHECK (unit_price_cents >= 0),
  PRIMARY KEY (order_id, line_number)
);
