CREATE TABLE users (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  email        text NOT NULL UNIQUE,
  avatar_path  text NOT NULL,
  member_since timestamptz NOT NULL,
  tier         text NOT NULL CHECK (tier IN ('STANDARD', 'SILVER', 'GOLD', 'PLATINUM'))
);
