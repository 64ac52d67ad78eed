import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { PrivatePostgres } from './support/private-postgres';

const ROLES = ['ledger_auditor', 'ledger_owner', 'ledger_projector', 'ledger_relay', 'ledger_writer'];

/** The migration's first statement: the block that creates the server-wide roles. */
function roleCreation(): string {
  const migration = readFileSync(
    path.join(__dirname, '../migrations/1764000007000_database_roles.sql'),
    'utf8',
  );
  const block = /^DO \$\$[\s\S]*?^\$\$;/m.exec(migration)?.[0];
  if (!block?.includes('CREATE ROLE ledger_owner')) throw new Error('the role-creating block was not found');
  return block;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/**
 * Roles belong to the server, and several databases on it migrate at once (test databases, two
 * checkouts): two migrations creating the same roles must both succeed. A server of its own, so
 * the roles can be made from scratch.
 */
describe('creating the database roles while another database creates them', () => {
  let cluster: PrivatePostgres;

  beforeAll(async () => {
    cluster = await PrivatePostgres.create();
    const admin = await connect(cluster.url('postgres'));
    try {
      // The cluster arrives migrated; its roles go, so that they are made again below (the
      // notifier's role too, which a later migration makes).
      await admin.query('DROP DATABASE ledger WITH (FORCE)');
      for (const role of [...ROLES, 'ledger_notifier']) await admin.query(`DROP ROLE ${role}`);
      await admin.query('CREATE DATABASE second');
    } finally {
      await admin.end();
    }
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('waits for the first creator and then finds the roles there, in both databases', async () => {
    const [first, second] = await Promise.all([
      connect(cluster.url('postgres')),
      connect(cluster.url('second')),
    ]);
    try {
      await first.query('BEGIN');
      await first.query(roleCreation());
      await second.query('BEGIN');
      let secondDone = false;
      const racing = second.query(roleCreation()).then(() => {
        secondDone = true;
      });
      // The second creator waits on the first one's uncommitted role, then finds it committed.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(secondDone).toBe(false);
      await first.query('COMMIT');
      await racing;
      await second.query('COMMIT');

      const { rows } = await first.query(
        `SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls
         FROM pg_roles WHERE rolname LIKE 'ledger\\_%' ORDER BY rolname`,
      );
      expect(rows).toEqual(
        ROLES.map((rolname) => ({
          rolname,
          rolcanlogin: rolname !== 'ledger_owner',
          rolsuper: false,
          rolcreatedb: false,
          rolcreaterole: false,
          rolreplication: false,
          rolbypassrls: false,
        })),
      );
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });

  it('takes the powers away from a role that has them, and its memberships', async () => {
    const admin = await connect(cluster.url('postgres'));
    try {
      await admin.query('ALTER ROLE ledger_writer SUPERUSER CREATEROLE');
      await admin.query('ALTER ROLE ledger_owner LOGIN');
      await admin.query('GRANT ledger_owner, pg_write_all_data TO ledger_relay');
      await admin.query(roleCreation());
      const { rows } = await admin.query(
        `SELECT rolname, rolcanlogin, rolsuper, rolcreaterole FROM pg_roles
         WHERE rolname IN ('ledger_owner', 'ledger_writer') ORDER BY rolname`,
      );
      expect(rows).toEqual([
        { rolname: 'ledger_owner', rolcanlogin: false, rolsuper: false, rolcreaterole: false },
        { rolname: 'ledger_writer', rolcanlogin: true, rolsuper: false, rolcreaterole: false },
      ]);
      const members = await admin.query(
        `SELECT 1 FROM pg_auth_members WHERE member = 'ledger_relay'::regrole`,
      );
      expect(members.rows).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});
