-- Stock held for orders. A reservation is the unit of idempotency: the caller picks its id
-- (orders derives it from user and idempotency key), so a retried or concurrent call with the
-- same id finds the row instead of taking stock twice. Its units sit in stock.reserved while
-- RESERVED; RELEASED gives them back, once, because only the RESERVED -> RELEASED transition
-- touches stock.
CREATE TABLE stock_reservations (
  id          text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
  status      text NOT NULL CHECK (status IN ('RESERVED', 'RELEASED')),
  reserved_at timestamptz NOT NULL,
  released_at timestamptz,
  CHECK ((status = 'RELEASED') = (released_at IS NOT NULL))
);

CREATE TABLE stock_reservation_lines (
  reservation_id text NOT NULL REFERENCES stock_reservations (id) ON DELETE CASCADE,
  -- Position in the caller's request, so a shortage can name the caller's own line.
  line_number    int  NOT NULL CHECK (line_number >= 0),
  product_id     text NOT NULL REFERENCES stock (product_id),
  quantity       int  NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (reservation_id, line_number),
  UNIQUE (reservation_id, product_id)
);
