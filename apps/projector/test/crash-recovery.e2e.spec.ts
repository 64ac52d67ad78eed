import type { Pool } from 'pg';
import { createTestDatabase, eventually, uniqueName, type TestDatabase } from '@ledger/testing';
import { ensureBuilt, runAuditor } from '../../../test/support/app-process';
import { createEventTopic } from '../../../test/support/ledger-harness';
import {
  produce,
  startProjector,
  tariffStream,
  untilAssigned,
} from '../../../test/support/projector-harness';

const TIMEOUT = 300_000;
const PARTITIONS = 3;
const STREAMS = Array.from({ length: 12 }, (_, index) => `us-crash-measure-${index}`);
const VERSIONS = 15;

async function projectedEvents(pool: Pool): Promise<{ events: number; streams: number; maxVersion: number }> {
  const { rows } = await pool.query<{ events: number; streams: number; max_version: number | null }>(
    `SELECT count(*)::int AS events, count(DISTINCT stream_id)::int AS streams, max(stream_version) AS max_version
     FROM read_models.events`,
  );
  return { events: rows[0].events, streams: rows[0].streams, maxVersion: rows[0].max_version ?? 0 };
}

describe.each(['kill-before-commit', 'kill-after-commit'])('projector killed (%s)', (fault) => {
  const topic = uniqueName('crash-');
  let live: TestDatabase;
  let rebuilt: TestDatabase;

  beforeAll(async () => {
    await ensureBuilt();
    [live, rebuilt] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const kafka = await createEventTopic(topic, PARTITIONS);
    await produce(
      kafka,
      topic,
      STREAMS.flatMap((streamId) => tariffStream(streamId, VERSIONS)),
    );
  }, TIMEOUT);

  afterAll(async () => {
    await live?.drop();
    await rebuilt?.drop();
  }, TIMEOUT);

  it(
    'recovers by itself on restart: the read models equal a fresh rebuild, no event applied twice',
    async () => {
      const groupId = uniqueName('projector-');
      const settings = { databaseUrl: live.url, topic, partitions: PARTITIONS, groupId };

      const doomed = await startProjector({
        ...settings,
        extra: { PROJECTOR_FAULT: fault, PROJECTOR_FAULT_AFTER_BATCHES: '1' },
      });
      const death = await doomed.exited;
      if (death.signal !== 'SIGKILL') {
        throw new Error(`expected the fault hook to kill the projector, it exited so:\n${doomed.output()}`);
      }
      if (fault === 'kill-before-commit') {
        // The killed batch's writes were rolled back with its transaction.
        expect((await projectedEvents(live.pool)).events).toBeLessThan(STREAMS.length * VERSIONS);
      }

      const restarted = await startProjector(settings);
      try {
        await untilAssigned(restarted);
        await eventually(
          async () =>
            expect(await projectedEvents(live.pool)).toEqual({
              events: STREAMS.length * VERSIONS,
              streams: STREAMS.length,
              maxVersion: VERSIONS,
            }),
          { timeoutMs: 120_000, intervalMs: 250 },
        );
      } finally {
        await restarted.stop();
      }

      const { rows: deadLetters } = await live.pool.query('SELECT id FROM projector.dead_letters');
      expect(deadLetters).toEqual([]);

      const rebuild = await runAuditor(['rebuild', '--database-url', rebuilt.url], {
        databaseUrl: live.url,
        topic,
      });
      expect(rebuild).toMatchObject({ code: 0 });
      expect(rebuild.stdout).toContain(`${STREAMS.length * VERSIONS} applied`);
      const diff = await runAuditor(['diff', '--against', rebuilt.url], { databaseUrl: live.url, topic });
      expect(diff.stdout).toContain('identical');
      expect(diff.code).toBe(0);
    },
    TIMEOUT,
  );
});
