-- Up Migration
-- The event journal: the source of truth. The events table is also the outbox: the relay
-- tails it in position order and records in relay_checkpoint what Kafka acknowledged.

-- Positions: taken only under the journal's append lock (see libs/journal), so they increase
-- in commit order; rolled-back appends leave gaps, which readers tolerate.
CREATE SEQUENCE journal.event_position AS bigint MINVALUE 1 START 1 NO CYCLE;

CREATE TABLE journal.streams (
  stream_id text PRIMARY KEY CHECK (stream_id ~ '^[a-z0-9][a-z0-9-]{2,99}$'),
  stream_type text NOT NULL
    CHECK (stream_type IN ('tariff-measure', 'export-control', 'licence', 'agreement')),
  version integer NOT NULL CHECK (version >= 1),
  last_recorded_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Target of the events' (stream_id, stream_type) reference: an event cannot claim another type.
  UNIQUE (stream_id, stream_type)
);

CREATE TABLE journal.events (
  position bigint PRIMARY KEY CHECK (position >= 1),
  id uuid NOT NULL UNIQUE,
  stream_id text NOT NULL,
  stream_type text NOT NULL,
  stream_version integer NOT NULL CHECK (stream_version >= 1),
  type text NOT NULL CHECK (type ~ '^[A-Z][A-Za-z]+$'),
  schema_version integer NOT NULL CHECK (schema_version >= 1),
  -- Milliseconds only: the envelope carries recordedAt as a ms ISO string and hashes it.
  recorded_at timestamptz NOT NULL CHECK (recorded_at = date_trunc('milliseconds', recorded_at)),
  actor jsonb NOT NULL CHECK (jsonb_typeof(actor) = 'object'),
  correlation_id text NOT NULL,
  causation_id text,
  citation jsonb CHECK (citation IS NULL OR jsonb_typeof(citation) = 'object'),
  prev_hash text CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
  UNIQUE (stream_id, stream_version),
  FOREIGN KEY (stream_id, stream_type) REFERENCES journal.streams (stream_id, stream_type),
  -- The hash chain starts at version 1 and only there.
  CHECK ((stream_version = 1) = (prev_hash IS NULL))
);

-- Events are never edited or deleted (docs/architecture.md §8); a wrong entry is retracted by a new
-- event. The database refuses the change itself, whatever code or person connects.
CREATE FUNCTION journal.refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journal.events is append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Correct an event by appending an EventRetracted event.';
END;
$$;

-- Statement level, so even an UPDATE or DELETE that matches no row is refused.
CREATE TRIGGER events_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON journal.events
  FOR EACH STATEMENT EXECUTE FUNCTION journal.refuse_event_change();

-- One row per (API key, Idempotency-Key): a retry with the same request fingerprint gets the
-- first answer's events back; the same key with another fingerprint is refused. The row is
-- written first in the append (before the stream exists when it is created), so stream_id is a
-- plain record, not a reference.
CREATE TABLE journal.idempotency_keys (
  key_id text NOT NULL,
  key text NOT NULL,
  fingerprint text NOT NULL,
  stream_id text NOT NULL,
  event_ids uuid[] NOT NULL CHECK (cardinality(event_ids) >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key_id, key)
);

-- The last position Kafka acknowledged, per topic; only ever moves forward.
CREATE TABLE journal.relay_checkpoint (
  topic text PRIMARY KEY,
  position bigint NOT NULL DEFAULT 0 CHECK (position >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE IF EXISTS journal.relay_checkpoint;
DROP TABLE IF EXISTS journal.idempotency_keys;
DROP TABLE IF EXISTS journal.events;
DROP FUNCTION IF EXISTS journal.refuse_event_change();
DROP TABLE IF EXISTS journal.streams;
DROP SEQUENCE IF EXISTS journal.event_position;
