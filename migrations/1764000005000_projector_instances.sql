-- Up Migration
-- The projector's offsets per topic INSTANCE, never per topic name: a topic of the same name on a
-- wiped broker, a deleted and re-created topic or another cluster holds none of the records the
-- stored offsets counted. The instance is the id its genesis records carry (libs/contracts
-- topic-genesis.ts); a partition whose first record is no genesis is kept under the nil UUID.

-- Offsets kept by name cannot say which instance they counted. Without them the projector reads
-- each partition from offset 0 of the instance it finds, and the version check skips what the
-- read models already hold: a re-read, never a double count.
DELETE FROM projector.consumed_offsets;

ALTER TABLE projector.consumed_offsets
  DROP CONSTRAINT consumed_offsets_pkey,
  ADD COLUMN topic_instance uuid NOT NULL,
  -- When the projector last read this instance's genesis at the start of the partition. The
  -- instance read there most recently is the partition's current one: its offset is where a
  -- member resumes.
  ADD COLUMN confirmed_at timestamptz NOT NULL DEFAULT now(),
  ADD PRIMARY KEY (group_id, topic, topic_instance, partition);

-- New kinds: 'oversized' (a value beyond the projector's limit), 'foreign' (a record that does not
-- belong to its partition's topic instance: no instance header, or another instance's), and
-- 'apply-failed' (a valid event the read models refused, with the error; its stream's later
-- versions park behind it until it is re-driven).
ALTER TABLE projector.dead_letters
  DROP CONSTRAINT dead_letters_kind_check,
  ADD CONSTRAINT dead_letters_kind_check CHECK (
    kind IN ('unparseable', 'schema-violation', 'parked', 'oversized', 'foreign', 'apply-failed')
  ),
  -- The instance of the partition the record was read from (its offset means nothing without it).
  ADD COLUMN topic_instance uuid;

-- Down Migration
ALTER TABLE projector.dead_letters
  DROP COLUMN IF EXISTS topic_instance,
  DROP CONSTRAINT dead_letters_kind_check,
  ADD CONSTRAINT dead_letters_kind_check
    CHECK (kind IN ('unparseable', 'schema-violation', 'parked')) NOT VALID;

-- By name again: each partition keeps the offset of its current instance.
DELETE FROM projector.consumed_offsets AS older
USING projector.consumed_offsets AS newer
WHERE older.group_id = newer.group_id AND older.topic = newer.topic
  AND older.partition = newer.partition
  AND (newer.confirmed_at, newer.topic_instance) > (older.confirmed_at, older.topic_instance);

ALTER TABLE projector.consumed_offsets
  DROP CONSTRAINT consumed_offsets_pkey,
  DROP COLUMN topic_instance,
  DROP COLUMN confirmed_at,
  ADD PRIMARY KEY (group_id, topic, partition);
