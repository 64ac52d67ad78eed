-- Up Migration
-- The relay records what it published per topic instance (journal.publications); a checkpoint
-- kept by topic name alone trusted a wiped broker or a re-created topic as if it held everything.
DROP TABLE journal.relay_checkpoint;

-- Down Migration
CREATE TABLE journal.relay_checkpoint (
  topic text PRIMARY KEY,
  position bigint NOT NULL DEFAULT 0 CHECK (position >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
