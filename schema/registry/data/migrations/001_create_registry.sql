-- Every published version of every subgraph's SDL, with who published it and why a failing
-- check was overridden, if it was.
CREATE TABLE subgraph_versions (
  subgraph      text NOT NULL,
  version       int  NOT NULL,
  routing_url   text NOT NULL,
  sdl           text NOT NULL,
  published_by  text NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now(),
  forced        boolean NOT NULL DEFAULT false,
  force_reason  text,
  check_run_id  int,
  PRIMARY KEY (subgraph, version)
);

-- Each client's composed supergraph and API schema, one row per change; the newest is current.
CREATE TABLE client_supergraphs (
  client          text NOT NULL,
  version         int  NOT NULL,
  supergraph_sdl  text NOT NULL,
  api_schema_sdl  text NOT NULL,
  -- sha256 of supergraph_sdl: the ETag BFFs poll with.
  etag            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client, version)
);

-- Persisted-query manifests per client and app version; retiring keeps the row for history.
CREATE TABLE manifests (
  client        text NOT NULL,
  app_version   text NOT NULL,
  manifest      text NOT NULL,
  published_by  text NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now(),
  retired_by    text,
  retired_at    timestamptz,
  PRIMARY KEY (client, app_version)
);

-- Every check run, passed or not, with its full report.
CREATE TABLE check_runs (
  id            serial PRIMARY KEY,
  subgraph      text NOT NULL,
  requested_by  text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  outcome       text NOT NULL,
  published     boolean NOT NULL,
  forced        boolean NOT NULL DEFAULT false,
  force_reason  text,
  report        text NOT NULL
);
CREATE INDEX check_runs_by_subgraph ON check_runs (subgraph, id DESC);
