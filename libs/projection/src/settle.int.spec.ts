import type { Pool, PoolClient } from 'pg';
import { createTestDatabase, eventually, type TestDatabase } from '@ledger/testing';
import { tariffStream } from '../../../test/support/projector-harness';
import { settle } from './settle';

/**
 * Two writers of the same stream's read models at once — a wide batch (one lock for the whole
 * projection) and a narrow one (a lock per stream) — take turns: the second applies nothing the
 * first applied.
 */
describe('settle: writers of one stream take turns, however wide their batches', () => {
  let db: TestDatabase;
  let projector: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    projector = db.poolAs('ledger_projector');
  });

  afterAll(async () => {
    await db.drop();
  });

  const backendOf = async (client: PoolClient): Promise<number> =>
    (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

  const waitingOnALock = async (pid: number): Promise<void> => {
    await eventually(async () => {
      const activity = await db.pool.query<{ wait_event_type: string | null }>(
        'SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1',
        [pid],
      );
      expect(activity.rows[0]?.wait_event_type).toBe('Lock');
    });
  };

  it.each([
    ['a wide batch first, then a narrow one', 'wide', 'narrow'],
    ['a narrow batch first, then a wide one', 'narrow', 'wide'],
  ] as const)('%s', async (_, firstWidth, secondWidth) => {
    const shared = tariffStream(`turns-${firstWidth}-${secondWidth}`, 1)[0];
    const others = Array.from(
      { length: 40 },
      (_, index) => tariffStream(`turns-${firstWidth}-${index}`, 1)[0],
    );
    const batchOf = (width: 'wide' | 'narrow') =>
      (width === 'wide' ? [shared, ...others] : [shared]).map((event) => ({ record: event.id, event }));
    const first = await projector.connect();
    const second = await projector.connect();
    try {
      await first.query('BEGIN');
      expect((await settle(first, batchOf(firstWidth))).applied).toBe(firstWidth === 'wide' ? 41 : 1);

      await second.query('BEGIN');
      const secondPid = await backendOf(second);
      const secondSettled = settle(second, batchOf(secondWidth));
      await waitingOnALock(secondPid);
      await first.query('COMMIT');

      const settled = await secondSettled;
      await second.query('COMMIT');
      expect(settled.applied).toBe(secondWidth === 'wide' && firstWidth === 'narrow' ? 40 : 0);
      expect(settled.duplicates).toBe(1);
    } finally {
      first.release();
      second.release();
    }
  });
});
