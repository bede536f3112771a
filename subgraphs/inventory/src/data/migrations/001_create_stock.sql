CREATE TABLE stock (
  product_id   text PRIMARY KEY,
  on_hand      int  NOT NULL CHECK (on_hand >= 0),
  reserved     int  NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  warehouse    text NOT NULL,
  restock_date timestamptz,
  CHECK (reserved <= on_hand)
);
