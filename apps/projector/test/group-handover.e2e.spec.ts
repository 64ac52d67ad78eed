import type { Pool } from 'pg';
import type { AnyEventEnvelope } from '@ledger/contracts';
import type { Kafka } from '@ledger/messaging';
import { createTestDatabase, eventually, uniqueName, type TestDatabase } from '@ledger/testing';
import { ensureBuilt, runAuditor } from '../../../test/support/app-process';
import { createEventTopic } from '../../../test/support/ledger-harness';
import {
  produce,
  startProjector,
  tariffStream,
  untilAssigned,
  type RunningProjector,
} from '../../../test/support/projector-harness';

const TIMEOUT = 300_000;
const PARTITIONS = 3;
// Fixed names: which partition each stream lands on is then fixed too (every partition gets some).
const STREAMS = Array.from({ length: 12 }, (_, index) => `us-handover-measure-${index}`);
const VERSIONS_PER_PHASE = 5;

async function appliedPerStream(pool: Pool): Promise<{ events: number; versions: number[] }> {
  const { rows } = await pool.query<{ events: number; versions: number[] }>(
    `SELECT count(*)::int AS events,
            coalesce(array_agg(DISTINCT max_version), '{}') AS versions
     FROM read_models.events
     JOIN (SELECT stream_id, max(stream_version) AS max_version FROM read_models.events GROUP BY stream_id) AS latest
       USING (stream_id)`,
  );
  return rows[0];
}

describe('projector: two members of one consumer group', () => {
  const topic = uniqueName('handover-');
  let live: TestDatabase;
  let rebuilt: TestDatabase;
  let kafka: Kafka;
  const streams = new Map(
    STREAMS.map((streamId) => [streamId, tariffStream(streamId, 3 * VERSIONS_PER_PHASE)]),
  );
  const running: RunningProjector[] = [];

  function phase(index: number): AnyEventEnvelope[] {
    return [...streams.values()].flatMap((events) =>
      events.slice(index * VERSIONS_PER_PHASE, (index + 1) * VERSIONS_PER_PHASE),
    );
  }

  async function untilProjected(phases: number): Promise<void> {
    await eventually(
      async () =>
        expect(await appliedPerStream(live.pool)).toEqual({
          events: STREAMS.length * VERSIONS_PER_PHASE * phases,
          versions: [VERSIONS_PER_PHASE * phases],
        }),
      { timeoutMs: 120_000, intervalMs: 250 },
    );
  }

  beforeAll(async () => {
    await ensureBuilt();
    [live, rebuilt] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    kafka = await createEventTopic(topic, PARTITIONS);
  }, TIMEOUT);

  afterAll(async () => {
    await Promise.all(running.map((projector) => projector.stop()));
    await live?.drop();
    await rebuilt?.drop();
  }, TIMEOUT);

  it(
    'splits the partitions, and a stopped member hands its partitions over with no event lost or doubled',
    async () => {
      const settings = {
        databaseUrl: live.url,
        topic,
        partitions: PARTITIONS,
        groupId: uniqueName('projector-'),
      };
      const first = await startProjector(settings);
      running.push(first);
      await untilAssigned(first);
      await produce(kafka, topic, phase(0));
      await untilProjected(1);

      const second = await startProjector(settings);
      running.push(second);
      await eventually(
        async () => {
          const held = [
            await first.metric('projector_assigned_partitions'),
            await second.metric('projector_assigned_partitions'),
          ];
          expect(Math.min(...held)).toBeGreaterThan(0);
          expect(held[0] + held[1]).toBe(PARTITIONS);
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      await produce(kafka, topic, phase(1));
      await untilProjected(2);
      expect(await second.metric('projector_events_applied_total')).toBeGreaterThan(0);

      await second.stop();
      await eventually(
        async () => expect(await first.metric('projector_assigned_partitions')).toBe(PARTITIONS),
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      await produce(kafka, topic, phase(2));
      await untilProjected(3);

      const rebuild = await runAuditor(['rebuild', '--database-url', rebuilt.url], {
        databaseUrl: live.url,
        topic,
      });
      expect(rebuild).toMatchObject({ code: 0 });
      const diff = await runAuditor(['diff', '--against', rebuilt.url], { databaseUrl: live.url, topic });
      expect(diff).toMatchObject({ code: 0 });
      const verify = await runAuditor(['verify'], { databaseUrl: live.url, topic });
      expect(verify.stdout).toContain(
        `${STREAMS.length} streams, ${STREAMS.length * 3 * VERSIONS_PER_PHASE} events in verified chains: OK`,
      );
      expect(verify.code).toBe(0);
    },
    TIMEOUT,
  );
});
