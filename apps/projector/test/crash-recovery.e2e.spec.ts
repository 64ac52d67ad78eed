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
  committedOffsets,
  expectReadModelsOf,
  produce,
  startProjector,
  tariffStream,
  untilAssigned,
} from '../../../test/support/projector-harness';

const TIMEOUT = 300_000;
const PARTITIONS = 3;
const STREAMS = Array.from({ length: 12 }, (_, index) => `us-crash-measure-${index}`);
const VERSIONS = 15;

describe.each(['kill-before-commit', 'kill-after-commit'])('projector killed (%s)', (fault) => {
  const topic = testTopic('crash');
  const events = STREAMS.flatMap((streamId) => tariffStream(streamId, VERSIONS));
  let live: TestDatabase;
  let kafka: Kafka;

  beforeAll(async () => {
    await ensureBuilt();
    live = await createTestDatabase();
    kafka = await createEventTopic(topic, PARTITIONS);
    await produce(kafka, topic, events);
  }, TIMEOUT);

  afterAll(async () => {
    await live?.drop();
  }, TIMEOUT);

  async function projectedEvents(): Promise<number> {
    const { rows } = await live.pool.query<{ events: number }>(
      'SELECT count(*)::int AS events FROM read_models.events',
    );
    return rows[0].events;
  }

  /**
   * Offsets the read models hold beyond Kafka's committed ones, summed over the partitions: the
   * records a crash between the two commits would make Kafka deliver again.
   */
  async function crashWindow(groupId: string): Promise<number> {
    const { rows } = await live.pool.query<{ partition: number; next_offset: string }>(
      `SELECT DISTINCT ON (partition) partition, next_offset::text AS next_offset
       FROM projector.consumed_offsets WHERE group_id = $1
       ORDER BY partition, confirmed_at DESC`,
      [groupId],
    );
    const committed = await committedOffsets(kafka, groupId, topic);
    return rows.reduce((sum, { partition, next_offset }) => {
      const ahead = BigInt(next_offset) - (committed.get(partition) ?? 0n);
      return sum + (ahead > 0n ? Number(ahead) : 0);
    }, 0);
  }

  it(
    'recovers by itself on restart: every produced event applied once, the read models as the evaluator has them',
    async () => {
      const groupId = testProjectorGroup('projector');
      const settings = { databaseUrl: live.url, topic, partitions: PARTITIONS, groupId };

      const doomed = await startProjector({
        ...settings,
        extra: { PROJECTOR_FAULT: fault, PROJECTOR_FAULT_AFTER_BATCHES: '1' },
      });
      const death = await doomed.exited;
      if (death.signal !== 'SIGKILL') {
        throw new Error(`expected the fault hook to kill the projector, it exited so:\n${doomed.output()}`);
      }
      const appliedAtCrash = await projectedEvents();
      const window = await crashWindow(groupId);
      if (fault === 'kill-before-commit') {
        // The killed batch's writes were rolled back with its transaction.
        expect(appliedAtCrash).toBeLessThan(events.length);
      } else {
        // The crash hit its window: the read models committed a batch that Kafka never heard of.
        expect(window).toBeGreaterThan(0);
      }

      const restarted = await startProjector(settings);
      try {
        await untilAssigned(restarted);
        await eventually(() => expectReadModelsOf(live.pool, events), {
          timeoutMs: 120_000,
          intervalMs: 500,
        });
        // Only what the crash left out was applied; the records Kafka would have delivered again
        // were skipped by resuming at the offsets stored with the read models.
        expect(await restarted.metric('projector_events_applied_total')).toBe(events.length - appliedAtCrash);
        expect(await restarted.metric('projector_resume_gap_offsets_total')).toBe(window);
      } finally {
        await restarted.stop();
      }

      const { rows: deadLetters } = await live.pool.query('SELECT id FROM projector.dead_letters');
      expect(deadLetters).toEqual([]);
    },
    TIMEOUT,
  );
});
