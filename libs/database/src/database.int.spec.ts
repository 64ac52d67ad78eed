import { Test } from '@nestjs/testing';
import { Client, type Pool, type PoolClient } from 'pg';
import { LedgerConfigModule, loadConfig } from '@ledger/config';
import { createTestDatabase, eventually, type TestDatabase } from '@ledger/testing';
import { postgresClientConfig } from './client-config';
import { DatabaseModule } from './database.module';
import { PG_POOL } from './tokens';
import { isDatabaseUnavailable } from './unavailable';

const LIMITS = {
  DB_STATEMENT_TIMEOUT_MS: '1500',
  DB_LOCK_TIMEOUT_MS: '700',
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000',
  DB_TCP_KEEPALIVE_IDLE_MS: '7000',
};

async function settingsOf(client: Pick<Client, 'query'>): Promise<Record<string, string>> {
  const { rows } = await client.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name`,
    [
      [
        'statement_timeout',
        'lock_timeout',
        'idle_in_transaction_session_timeout',
        'tcp_keepalives_idle',
        'tcp_keepalives_interval',
        'tcp_keepalives_count',
        'application_name',
      ],
    ],
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
}

async function failureOf(work: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await work;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the statement to fail');
}

describe('database connections carry the configured limits to the server', () => {
  let db: TestDatabase;
  let pool: Pool;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase();
    Object.assign(process.env, { DATABASE_URL: db.url, ...LIMITS });
    const moduleRef = await Test.createTestingModule({
      imports: [LedgerConfigModule, DatabaseModule],
    }).compile();
    await moduleRef.init();
    pool = moduleRef.get<Pool>(PG_POOL);
    close = () => moduleRef.close();
  });

  afterAll(async () => {
    for (const name of Object.keys(LIMITS)) delete process.env[name];
    await close?.();
    await db?.drop();
  });

  it('every pooled connection has them, as SHOW reports them', async () => {
    const clients: PoolClient[] = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    try {
      for (const client of clients) {
        expect(await settingsOf(client)).toEqual({
          statement_timeout: '1500ms',
          lock_timeout: '700ms',
          idle_in_transaction_session_timeout: '1s',
          tcp_keepalives_idle: '7',
          tcp_keepalives_interval: '7',
          tcp_keepalives_count: '3',
          application_name: 'ledger',
        });
      }
    } finally {
      for (const client of clients) client.release();
    }
  });

  it('a dedicated connection gets the same settings under its own name', async () => {
    const client = new Client(
      postgresClientConfig(loadConfig({ DATABASE_URL: db.url, ...LIMITS }), 'ledger-relay'),
    );
    await client.connect();
    try {
      expect(await settingsOf(client)).toMatchObject({
        statement_timeout: '1500ms',
        lock_timeout: '700ms',
        application_name: 'ledger-relay',
      });
    } finally {
      await client.end();
    }
  });

  it('a statement past the statement timeout is cancelled, as "unavailable"', async () => {
    const error = await failureOf(pool.query('SELECT pg_sleep(30)'));
    expect(error.code).toBe('57014');
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('a lock wait past the lock timeout fails, as "unavailable"', async () => {
    const holder = await pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(424242)');
      const error = await failureOf(pool.query('SELECT pg_advisory_lock(424242)'));
      expect(error.code).toBe('55P03');
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await holder.query('SELECT pg_advisory_unlock(424242)');
      holder.release();
    }
  });

  it('a session left idle in a transaction is ended by the server, and the pool carries on', async () => {
    const idle = await pool.connect();
    try {
      await idle.query('BEGIN');
      const { rows } = await idle.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await eventually(async () => {
        const alive = await pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [rows[0].pid]);
        expect(alive.rowCount).toBe(0);
      });
      const error = await failureOf(idle.query('SELECT 1'));
      expect(isDatabaseUnavailable(error)).toBe(true);
      idle.release(error);
    } catch (error) {
      idle.release(error as Error);
      throw error;
    }
    expect((await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});
