CREATE TABLE categories (
  id          text PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  description text NOT NULL,
  position    int  NOT NULL
);

CREATE TABLE products (
  id               text PRIMARY KEY,
  sku              text NOT NULL UNIQUE,
  name             text NOT NULL,
  description      text NOT NULL,
  rich_description text NOT NULL,
  price_cents      int  NOT NULL CHECK (price_cents >= 0),
  currency         text NOT NULL,
  weight_grams     int  NOT NULL CHECK (weight_grams > 0),
  shipping_class   text NOT NULL CHECK (shipping_class IN ('STANDARD', 'BULKY', 'FRAGILE')),
  category_id      text NOT NULL REFERENCES categories (id),
  position         int  NOT NULL UNIQUE,
  created_at       timestamptz NOT NULL,
  search           tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', description), 'B')
  ) STORED
);
CREATE INDEX products_category_position ON products (category_id, position);
CREATE INDEX products_search ON products USING gin (search);

CREATE TABLE product_images (
  id         text PRIMARY KEY,
  product_id text NOT NULL REFERENCES products (id),
  position   int  NOT NULL,
  path       text NOT NULL,
  width      int  NOT NULL,
  height     int  NOT NULL,
  alt        text NOT NULL,
  UNIQUE (product_id, position)
);
