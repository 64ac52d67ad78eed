-- Up Migration
-- Identities, so that no reader or writer mistakes one journal or one topic for another.

-- This journal's id, one row. A database restored from a backup keeps it (the same journal,
-- older); a new database gets a new one. Genesis records and signed checkpoints name it, so a
-- relay never feeds one journal's events into a topic that carries another journal's.
CREATE TABLE journal.identity (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  journal_id uuid NOT NULL DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO journal.identity DEFAULT VALUES;

-- The ledger's own stream type: signed checkpoints (LedgerCheckpointSigned), appended by the relay.
ALTER TABLE journal.streams DROP CONSTRAINT streams_stream_type_check;
ALTER TABLE journal.streams ADD CONSTRAINT streams_stream_type_check
  CHECK (stream_type IN ('tariff-measure', 'export-control', 'licence', 'agreement', 'ledger'));

-- What the relay has published, per topic INSTANCE: a topic of the same name on a wiped broker,
-- a re-created topic or another cluster holds none of it. The instance id is the one its genesis
-- records carry. `position` is the last journal position Kafka acknowledged there; it only moves
-- forward.
CREATE TABLE journal.publications (
  cluster_id text NOT NULL,
  topic text NOT NULL,
  topic_instance uuid NOT NULL UNIQUE,
  partitions integer NOT NULL CHECK (partitions >= 1),
  position bigint NOT NULL DEFAULT 0 CHECK (position >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, topic, topic_instance)
);

-- Down Migration
DROP TABLE IF EXISTS journal.publications;
ALTER TABLE journal.streams DROP CONSTRAINT streams_stream_type_check;
ALTER TABLE journal.streams ADD CONSTRAINT streams_stream_type_check
  CHECK (stream_type IN ('tariff-measure', 'export-control', 'licence', 'agreement')) NOT VALID;
DROP TABLE IF EXISTS journal.identity;
