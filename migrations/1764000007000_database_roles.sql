-- Up Migration
-- Least privilege. The ledger's objects belong to ledger_owner, a role nobody logs in as; each
-- app connects as a runtime role of its own that holds exactly what its code does, so a foothold
-- in an app cannot rewrite, delete or truncate the journal, switch off its append-only trigger,
-- drop anything, or (outside the admin API) touch the API keys. Only migrations connect as the
-- server's superuser.
--
-- Roles belong to the whole server, not to this database: other databases on it (test databases,
-- a second checkout) may be migrating at this very moment and create the same roles. A creator
-- that loses the race gets duplicate_object, or unique_violation when both insert at once; either
-- way the role exists, which is all this needs. Attributes are set only when they differ, so
-- concurrent migrations do not update the same catalogue row.
DO $$
DECLARE
  runtime constant text[] := ARRAY['ledger_writer', 'ledger_relay', 'ledger_projector', 'ledger_auditor'];
  name text;
  membership record;
BEGIN
  BEGIN
    CREATE ROLE ledger_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
  END;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_owner'
             AND (rolcanlogin OR rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)) THEN
    ALTER ROLE ledger_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;

  FOREACH name IN ARRAY runtime LOOP
    BEGIN
      EXECUTE format(
        'CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', name);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name
               AND (NOT rolcanlogin OR rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)) THEN
      EXECUTE format(
        'ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', name);
    END IF;
    -- A runtime role holds what this migration grants and nothing through another role: no
    -- SET ROLE ledger_owner, no predefined role such as pg_write_all_data.
    FOR membership IN
      SELECT granted.rolname AS granted FROM pg_auth_members m
      JOIN pg_roles granted ON granted.oid = m.roleid
      JOIN pg_roles member ON member.oid = m.member
      WHERE member.rolname = name
    LOOP
      EXECUTE format('REVOKE %I FROM %I', membership.granted, name);
    END LOOP;
  END LOOP;
END
$$;

-- Everything of the ledger's schemas changes hands: schemas, tables (with their indexes, triggers
-- and identity sequences), free-standing sequences, functions and types. Ownership is what lets a
-- role alter or drop an object, or disable a trigger, and no runtime role can ever take it on:
-- none is a member of ledger_owner.
DO $$
DECLARE
  schemas constant text[] := ARRAY['journal', 'read_models', 'projector', 'access'];
  object record;
BEGIN
  FOR object IN SELECT nspname FROM pg_namespace WHERE nspname = ANY (schemas) LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO ledger_owner', object.nspname);
  END LOOP;
  FOR object IN
    SELECT c.oid::regclass AS relation, c.relkind FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY (schemas) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      -- An identity or serial sequence follows its table.
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
  LOOP
    EXECUTE format(
      'ALTER %s %s OWNER TO ledger_owner',
      CASE object.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
        WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
      object.relation);
  END LOOP;
  FOR object IN
    SELECT p.oid::regprocedure AS routine, p.prokind FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY (schemas)
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO ledger_owner',
      CASE object.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, object.routine);
  END LOOP;
  FOR object IN
    SELECT t.oid::regtype AS type FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ANY (schemas) AND t.typtype IN ('d', 'e', 'r', 'm')
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO ledger_owner', object.type);
  END LOOP;
END
$$;

-- Nothing for anyone but what is granted below (functions are executable by PUBLIC unless revoked).
REVOKE ALL ON SCHEMA journal, read_models, projector, access FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA journal, read_models, projector, access FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA journal, read_models, projector, access FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA journal, read_models, projector, access FROM PUBLIC;

-- Every app's readiness asks whether the database is migrated.
GRANT SELECT ON public.pgmigrations TO ledger_writer, ledger_relay, ledger_projector, ledger_auditor;

-- An append (libs/journal) claims the idempotency key, creates or advances its stream (version and
-- last_recorded_at, under SELECT … FOR UPDATE), takes positions from the sequence and inserts the
-- events. Nothing in the journal is ever updated beyond a stream's head, deleted or truncated.
GRANT USAGE ON SCHEMA journal TO ledger_writer, ledger_relay;
GRANT USAGE ON SEQUENCE journal.event_position TO ledger_writer, ledger_relay;
GRANT SELECT, INSERT ON journal.events, journal.streams TO ledger_writer, ledger_relay;
GRANT UPDATE (version, last_recorded_at) ON journal.streams TO ledger_writer, ledger_relay;

-- Rows as well as tables: the admin API appends to policy streams and to the record of API key
-- changes (ledger-api-keys, written in the same transaction as the change) only, the relay to the
-- stream of signed checkpoints (ledger-checkpoints) only. The relay holds the signing key, so a
-- foothold in it that could append a policy event would have the forgery signed into the next
-- checkpoint; one in the admin API cannot append a checkpoint. Migrations (the superuser) and the
-- owner are not bound.
ALTER TABLE journal.streams ENABLE ROW LEVEL SECURITY;
ALTER TABLE journal.events ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON journal.streams FOR SELECT TO ledger_writer, ledger_relay, ledger_auditor
  USING (true);
CREATE POLICY read_all ON journal.events FOR SELECT TO ledger_writer, ledger_relay, ledger_auditor
  USING (true);
CREATE POLICY policy_streams ON journal.streams FOR INSERT TO ledger_writer
  WITH CHECK (stream_type <> 'ledger' OR stream_id = 'ledger-api-keys');
CREATE POLICY policy_stream_heads ON journal.streams FOR UPDATE TO ledger_writer
  USING (stream_type <> 'ledger' OR stream_id = 'ledger-api-keys') WITH CHECK (stream_type <> 'ledger' OR stream_id = 'ledger-api-keys');
CREATE POLICY policy_events ON journal.events FOR INSERT TO ledger_writer
  WITH CHECK (stream_type <> 'ledger' OR stream_id = 'ledger-api-keys');
CREATE POLICY ledger_stream ON journal.streams FOR INSERT TO ledger_relay
  WITH CHECK (stream_type = 'ledger' AND stream_id = 'ledger-checkpoints');
CREATE POLICY ledger_stream_head ON journal.streams FOR UPDATE TO ledger_relay
  USING (stream_type = 'ledger' AND stream_id = 'ledger-checkpoints') WITH CHECK (stream_type = 'ledger' AND stream_id = 'ledger-checkpoints');
CREATE POLICY ledger_events ON journal.events FOR INSERT TO ledger_relay
  WITH CHECK (stream_type = 'ledger' AND stream_id = 'ledger-checkpoints');

-- admin-api: appends with idempotency keys, serves the journal (events, SSE) and the read models,
-- and checks API keys; it changes keys only through the SECURITY DEFINER functions of schema
-- access, which record each change in the journal.
GRANT SELECT, INSERT ON journal.idempotency_keys TO ledger_writer;
GRANT USAGE ON SCHEMA read_models, access TO ledger_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA read_models TO ledger_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA access TO ledger_writer;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA access TO ledger_writer;

-- admin-api, for the auditor role only: the projector's dead letters (GET /v1/audit/dead-letters).
GRANT USAGE ON SCHEMA projector TO ledger_writer;
GRANT SELECT ON projector.dead_letters TO ledger_writer;

-- relay: reads the journal and its id, appends LedgerCheckpointSigned events (above), and records
-- per topic instance what it published, only ever moving the position forward.
GRANT SELECT ON journal.identity, journal.publications TO ledger_relay;
GRANT INSERT ON journal.publications TO ledger_relay;
GRANT UPDATE (position, updated_at) ON journal.publications TO ledger_relay;

-- projector: writes the read models (a licence's row is rebuilt: deleted and inserted again) and
-- its own bookkeeping, whose rows are never deleted. It does not read the journal: it reads Kafka.
GRANT USAGE ON SCHEMA read_models, projector TO ledger_projector;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA read_models, projector TO ledger_projector;
GRANT DELETE ON read_models.licences TO ledger_projector;

-- auditor: reads everything it verifies. Its writing commands take the URL of a role that may
-- write (rebuild --database-url, dead-letters redrive --database-url).
GRANT USAGE ON SCHEMA journal, read_models, projector TO ledger_auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA journal, read_models, projector TO ledger_auditor;

-- Down Migration
-- The roles stay: they belong to the server, and other databases on it may still use them.
DROP POLICY read_all ON journal.streams;
DROP POLICY read_all ON journal.events;
DROP POLICY policy_streams ON journal.streams;
DROP POLICY policy_stream_heads ON journal.streams;
DROP POLICY policy_events ON journal.events;
DROP POLICY ledger_stream ON journal.streams;
DROP POLICY ledger_stream_head ON journal.streams;
DROP POLICY ledger_events ON journal.events;
ALTER TABLE journal.streams DISABLE ROW LEVEL SECURITY;
ALTER TABLE journal.events DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON ALL TABLES IN SCHEMA journal, read_models, projector, access
  FROM ledger_writer, ledger_relay, ledger_projector, ledger_auditor;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA journal, read_models, projector, access
  FROM ledger_writer, ledger_relay, ledger_projector, ledger_auditor;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA journal, read_models, projector, access
  FROM ledger_writer, ledger_relay, ledger_projector, ledger_auditor;
REVOKE ALL ON SCHEMA journal, read_models, projector, access
  FROM ledger_writer, ledger_relay, ledger_projector, ledger_auditor;
REVOKE ALL ON public.pgmigrations FROM ledger_writer, ledger_relay, ledger_projector, ledger_auditor;
GRANT EXECUTE ON FUNCTION journal.refuse_event_change() TO PUBLIC;

-- Back to whoever runs the migrations, as before.
DO $$
DECLARE
  object record;
BEGIN
  FOR object IN
    SELECT format('SCHEMA %I', n.nspname) AS target FROM pg_namespace n
    WHERE n.nspowner = 'ledger_owner'::regrole
    UNION ALL
    SELECT format('%s %s',
      CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
        WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.oid::regclass)
    FROM pg_class c
    WHERE c.relowner = 'ledger_owner'::regrole AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
    UNION ALL
    SELECT format('%s %s', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure)
    FROM pg_proc p WHERE p.proowner = 'ledger_owner'::regrole
    UNION ALL
    SELECT format('TYPE %s', t.oid::regtype) FROM pg_type t
    WHERE t.typowner = 'ledger_owner'::regrole AND t.typtype IN ('d', 'e', 'r', 'm')
  LOOP
    EXECUTE format('ALTER %s OWNER TO %I', object.target, current_user);
  END LOOP;
END
$$;
