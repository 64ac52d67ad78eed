-- Up Migration
-- Least privilege for the notifier too: it connects as ledger_notifier, which may read and write
-- the rows of the notifier's own tables and nothing else (no ledger schema, no DDL, no deletes:
-- webhooks and deliveries are kept). The schema changes hands to ledger_owner like the ledger's.
-- As in the roles migration, a concurrent migration of another database on the server may create
-- the role at the same moment; losing that race is fine.
DO $$
DECLARE
  membership record;
BEGIN
  BEGIN
    CREATE ROLE ledger_notifier LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
  END;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_notifier'
             AND (NOT rolcanlogin OR rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)) THEN
    ALTER ROLE ledger_notifier LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
  FOR membership IN
    SELECT granted.rolname AS granted FROM pg_auth_members m
    JOIN pg_roles granted ON granted.oid = m.roleid
    JOIN pg_roles member ON member.oid = m.member
    WHERE member.rolname = 'ledger_notifier'
  LOOP
    EXECUTE format('REVOKE %I FROM ledger_notifier', membership.granted);
  END LOOP;
END
$$;

ALTER SCHEMA notifier OWNER TO ledger_owner;
ALTER TABLE notifier.webhooks OWNER TO ledger_owner;
ALTER TABLE notifier.stream_facts OWNER TO ledger_owner;
ALTER TABLE notifier.deliveries OWNER TO ledger_owner;
ALTER TABLE notifier.delivery_attempts OWNER TO ledger_owner;
ALTER TABLE notifier.subscriber_offsets OWNER TO ledger_owner;
ALTER TABLE notifier.subscriber_streams OWNER TO ledger_owner;

REVOKE ALL ON SCHEMA notifier FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA notifier FROM PUBLIC;
GRANT USAGE ON SCHEMA notifier TO ledger_notifier;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA notifier TO ledger_notifier;

-- Down Migration
REVOKE ALL ON ALL TABLES IN SCHEMA notifier FROM ledger_notifier;
REVOKE ALL ON SCHEMA notifier FROM ledger_notifier;
