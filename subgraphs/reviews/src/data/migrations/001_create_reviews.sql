CREATE TABLE reviews (
  id          text PRIMARY KEY,
  product_id  text NOT NULL,
  author_id   text NOT NULL,
  -- The author's display name when the review was written (served through @provides).
  author_name text NOT NULL,
  rating      int  NOT NULL CHECK (rating BETWEEN 1 AND 5),
  title       text NOT NULL,
  body        text NOT NULL,
  created_at  timestamptz NOT NULL
);
-- Both child lists page newest first, per product and per author.
CREATE INDEX reviews_by_product ON reviews (product_id, created_at DESC, id DESC);
CREATE INDEX reviews_by_author ON reviews (author_id, created_at DESC, id DESC);
