-- Up Migration
-- The journal (source of truth: events, streams, outbox) and the read models live in separate
-- schemas, so a rebuild of the read models never touches the journal.
CREATE SCHEMA IF NOT EXISTS journal;
CREATE SCHEMA IF NOT EXISTS read_models;

-- Down Migration
DROP SCHEMA IF EXISTS read_models CASCADE;
DROP SCHEMA IF EXISTS journal CASCADE;
