-- What orders needs to know of each product it sells: price (an order must price itself
-- without calling another service, and record the price it charged), weight and handling
-- class (for the shipping charge). In production this table is kept current from catalog's
-- product events; here the seed fills it from the shared dataset.
CREATE TABLE sellable_products (
  product_id     text PRIMARY KEY,
  price_cents    int  NOT NULL CHECK (price_cents >= 0),
  currency       text NOT NULL,
  weight_grams   int  NOT NULL CHECK (weight_grams > 0),
  shipping_class text NOT NULL CHECK (shipping_class IN ('STANDARD', 'BULKY', 'FRAGILE'))
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
  -- Written by the application with millisecond precision, which the pagination cursor
  -- carries; a microsecond default would let pages skip rows.
  placed_at       timestamptz NOT NULL,
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
