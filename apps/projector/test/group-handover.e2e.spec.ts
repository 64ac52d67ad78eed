import type { AnyEventEnvelope } from '@ledger/contracts';
import type { Kafka } from '@ledger/messaging';
import {
  testTopic,
  testProjectorGroup,
  createTestDatabase,
  eventually,
  type TestDatabase,
} from '@ledger/testing';
import { ensureBuilt } from '../../../test/support/app-process';
import { createEventTopic } from '../../../test/support/ledger-harness';
import {
  expectReadModelsOf,
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

describe('projector: two members of one consumer group', () => {
  const topic = testTopic('handover');
  let live: TestDatabase;
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

  /** Every event of the first `phases` phases is in the read models once, as the evaluator has them. */
  async function untilProjected(phases: number): Promise<void> {
    const produced = Array.from({ length: phases }, (_, index) => phase(index)).flat();
    await eventually(() => expectReadModelsOf(live.pool, produced), { timeoutMs: 120_000, intervalMs: 500 });
  }

  beforeAll(async () => {
    await ensureBuilt();
    live = await createTestDatabase();
    kafka = await createEventTopic(topic, PARTITIONS);
  }, TIMEOUT);

  afterAll(async () => {
    await Promise.all(running.map((projector) => projector.stop()));
    await live?.drop();
  }, TIMEOUT);

  it(
    'splits the partitions, and a stopped member hands its partitions over with no event lost or doubled',
    async () => {
      const settings = {
        databaseUrl: live.url,
        topic,
        partitions: PARTITIONS,
        groupId: testProjectorGroup('projector'),
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
      const appliedBySecond = await second.metric('projector_events_applied_total');
      expect(appliedBySecond).toBeGreaterThan(0);

      await second.stop();
      await eventually(
        async () => expect(await first.metric('projector_assigned_partitions')).toBe(PARTITIONS),
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      await produce(kafka, topic, phase(2));
      await untilProjected(3);

      // Each event was applied by exactly one of the two members.
      expect((await first.metric('projector_events_applied_total')) + appliedBySecond).toBe(
        STREAMS.length * 3 * VERSIONS_PER_PHASE,
      );
      const { rows: deadLetters } = await live.pool.query('SELECT id FROM projector.dead_letters');
      expect(deadLetters).toEqual([]);
    },
    TIMEOUT,
  );
});
