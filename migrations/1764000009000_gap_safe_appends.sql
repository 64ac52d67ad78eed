-- Up Migration
-- Appends run concurrently: positions are still handed out in increasing order (under a lock
-- held only while they are taken, see libs/journal), but the appends commit in any order. Each
-- event records the id of the transaction that wrote it, taken under that same lock, so ids and
-- positions increase together; a reader takes an event only when its transaction is older than
-- the oldest one still in flight (tx_id < pg_snapshot_xmin(pg_current_snapshot())). Every event
-- below that horizon has committed or never will, so reading in position order skips nothing.
--
-- Events written before this migration all committed long ago (ALTER TABLE waits for every
-- transaction that wrote to the table): they get '0', below every transaction id there is.
-- The column default keeps the constant out of new rows.
ALTER TABLE journal.events ADD COLUMN tx_id xid8 NOT NULL DEFAULT '0';
ALTER TABLE journal.events ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id();
COMMENT ON COLUMN journal.events.tx_id IS
  'The writing transaction (pg_current_xact_id()), taken with the positions; 0 for events written before transaction ids were recorded.';

-- Down Migration
ALTER TABLE journal.events DROP COLUMN tx_id;
