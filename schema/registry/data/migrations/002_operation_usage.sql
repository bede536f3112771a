-- Operations the BFFs have reported, with the schema coordinates each one touches: what a
-- schema change is matched against to find who would feel it.
CREATE TABLE usage_operations (
  client          text NOT NULL,
  operation_id    text NOT NULL,
  operation_name  text,
  coordinates     jsonb NOT NULL,
  first_seen      timestamptz NOT NULL DEFAULT now(),
  last_seen       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client, operation_id)
);

-- Requests per day, operation, client app and app version: a day's traffic is one row per
-- key however many requests it had, so storage grows with distinct keys, not with traffic.
CREATE TABLE usage_daily (
  client          text   NOT NULL,
  day             date   NOT NULL,
  operation_id    text   NOT NULL,
  client_name     text   NOT NULL,
  client_version  text   NOT NULL,
  requests        bigint NOT NULL,
  errors          bigint NOT NULL,
  last_seen       timestamptz NOT NULL,
  PRIMARY KEY (client, day, operation_id, client_name, client_version)
);
CREATE INDEX usage_daily_by_version ON usage_daily (client, client_version, day);
