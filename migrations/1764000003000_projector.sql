-- Up Migration
-- The projector's own bookkeeping, next to (not inside) the read models: what it consumed and
-- what it could not apply. Both are written in the same transaction as the read models, so a
-- crash can never leave the read models ahead of or behind the recorded offsets.
CREATE SCHEMA IF NOT EXISTS projector;

-- Next Kafka offset to project per (consumer group, topic, partition). Postgres, not Kafka, is
-- the authority: Kafka's committed offset is written only after this row commits, so it is
-- never ahead of it.
CREATE TABLE projector.consumed_offsets (
  group_id text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL CHECK (partition >= 0),
  next_offset bigint NOT NULL CHECK (next_offset >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);

-- Records the projector did not apply, kept byte for byte so they can be inspected and
-- re-driven: 'unparseable' (not a CloudEvent/JSON), 'schema-violation' (breaks the event
-- contract), 'parked' (valid, but its stream has a version gap; waits until the gap closes).
-- Rows are never deleted: a re-driven or un-parked row keeps its history with resolved_at.
CREATE TABLE projector.dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('unparseable', 'schema-violation', 'parked')),
  reason text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL CHECK (partition >= 0),
  "offset" bigint NOT NULL CHECK ("offset" >= 0),
  raw_key bytea,
  raw_value bytea,
  raw_headers jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(raw_headers) = 'object'),
  stream_id text,
  stream_version integer CHECK (stream_version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  resolution text CHECK (resolution IN ('applied', 'duplicate')),
  -- Still waiting for its stream's gap to close; the projector reads these with every batch.
  parked boolean GENERATED ALWAYS AS (kind = 'parked' AND resolved_at IS NULL) STORED,
  CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
  CHECK (kind <> 'parked' OR (stream_id IS NOT NULL AND stream_version IS NOT NULL))
);

-- One waiting copy per stream version: a republished duplicate of a parked event is skipped.
CREATE UNIQUE INDEX dead_letters_parked_stream_version
  ON projector.dead_letters (stream_id, stream_version)
  WHERE parked;

CREATE INDEX dead_letters_unresolved ON projector.dead_letters (id) WHERE resolved_at IS NULL;

-- Down Migration
DROP SCHEMA IF EXISTS projector CASCADE;
