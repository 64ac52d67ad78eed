// Fails fast, with a clear message, when PostgreSQL cannot be reached.
const { Client } = require('pg');

const url = new URL(
  process.env.MIGRATION_DATABASE_URL ||
    process.env.DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/ledger',
);
url.pathname = '/postgres';
const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });

client
  .connect()
  .then(() => client.query('SHOW server_version'))
  .then(({ rows }) => {
    const major = Number(rows[0].server_version.split('.')[0]);
    if (major < 15) throw new Error(`PostgreSQL ${rows[0].server_version} found; 15 or newer is required`);
    return client.end();
  })
  .catch((error) => {
    console.error(`PostgreSQL is not reachable at ${url.host} (${error.message}).`);
    console.error('Start it, or set MIGRATION_DATABASE_URL (or DATABASE_URL) to a server you can use.');
    process.exit(1);
  });
