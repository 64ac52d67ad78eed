#!/usr/bin/env node
// Database chores for scripts and tests (plain Node, no build step):
//   node scripts/db.js migrate            create the database if missing, migrate up, and set the
//                                         runtime roles' passwords given in the environment
//   node scripts/db.js down COUNT|all     undo the last COUNT migrations, or all of them (drops
//                                         the ledger's schemas and their data)
//   node scripts/db.js drop NAME          drop database NAME (with FORCE)
// It connects as the server's superuser (or a role that may create roles and owns the ledger's
// objects): MIGRATION_DATABASE_URL, else DATABASE_URL. The apps never do; each connects as its
// runtime role (README, "Database roles").
const path = require('node:path');
const { Client } = require('pg');

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/ledger';
const databaseUrl = process.env.MIGRATION_DATABASE_URL || process.env.DATABASE_URL || DEFAULT_URL;

/** The login roles the migrations create, and the variable each one's password comes from. */
const ROLE_PASSWORDS = {
  ledger_writer: 'LEDGER_DB_WRITER_PASSWORD',
  ledger_relay: 'LEDGER_DB_RELAY_PASSWORD',
  ledger_projector: 'LEDGER_DB_PROJECTOR_PASSWORD',
  ledger_auditor: 'LEDGER_DB_AUDITOR_PASSWORD',
  ledger_notifier: 'LEDGER_DB_NOTIFIER_PASSWORD',
};

function adminUrl(url) {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withAdmin(url, work) {
  const client = new Client({ connectionString: adminUrl(url) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createIfMissing(url) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await withAdmin(url, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
        console.error(`[db] created database ${name}`);
      } catch (error) {
        // 42P04: created concurrently by another process; that is what we wanted.
        if (error.code !== '42P04') throw error;
      }
    }
  });
}

async function runMigrations(url, direction, count) {
  const { runner } = await import('node-pg-migrate');
  await runner({
    databaseUrl: url,
    dir: path.join(__dirname, '..', 'migrations'),
    direction,
    count,
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    singleTransaction: true,
    log: () => undefined,
  });
}

/**
 * A role without a password here keeps the one it has (none, on a fresh server: it can log in
 * only where the server trusts the connection). The server stores a SCRAM-SHA-256 verifier,
 * never the password; ALTER ROLE takes no parameters, so the password goes in as a quoted literal.
 */
async function setPasswords(url) {
  const given = Object.entries(ROLE_PASSWORDS).filter(([, variable]) => process.env[variable]);
  if (given.length === 0) return;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET password_encryption = 'scram-sha-256'");
    for (const [role, variable] of given) {
      await client.query(
        `ALTER ROLE ${quoteIdent(role)} PASSWORD ${client.escapeLiteral(process.env[variable])}`,
      );
    }
  } finally {
    await client.end();
  }
  console.error(`[db] set the password of ${given.map(([role]) => role).join(', ')}`);
}

async function migrate(url) {
  await createIfMissing(url);
  await runMigrations(url, 'up', Infinity);
  await setPasswords(url);
}

function downCount(arg) {
  if (arg === 'all') return Infinity;
  if (/^[1-9]\d*$/.test(arg ?? '')) return Number(arg);
  console.error('usage: node scripts/db.js down COUNT|all   (COUNT: how many migrations to undo, ≥ 1)');
  process.exit(2);
}

async function main() {
  const [command, arg] = process.argv.slice(2);
  switch (command) {
    case 'migrate':
      await migrate(databaseUrl);
      console.error(`[db] migrated ${new URL(databaseUrl).pathname.slice(1)}`);
      return;
    case 'down': {
      const count = downCount(arg);
      await runMigrations(databaseUrl, 'down', count);
      console.error(`[db] migrated ${new URL(databaseUrl).pathname.slice(1)} down (${arg})`);
      return;
    }
    case 'drop':
      await withAdmin(databaseUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${quoteIdent(arg)} WITH (FORCE)`),
      );
      return;
    default:
      console.error('usage: node scripts/db.js migrate | down COUNT|all | drop NAME');
      process.exit(2);
  }
}

main().catch((error) => {
  console.error(`[db] ${error.message}`);
  process.exit(1);
});
