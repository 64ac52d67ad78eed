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
import {
  createEventTopic,
  expectReadModelsOf,
  produce,
  produceInTransactions,
  recreateTopic,
  startProjector,
  tariffStream,
  untilAssigned,
  type RunningProjector,
  type TopicInstance,
} from '../../../test/support/projector-harness';

const TIMEOUT = 400_000;
const WAIT = { timeoutMs: 180_000, intervalMs: 500 };
const PARTITIONS = 3;
const STREAMS = Array.from({ length: 12 }, (_, index) => `us-instance-measure-${index}`);

/** Versions [from, to] of every stream. */
function versions(
  streams: ReadonlyMap<string, AnyEventEnvelope[]>,
  from: number,
  to: number,
): AnyEventEnvelope[] {
  return [...streams.values()].flatMap((events) => events.slice(from - 1, to));
}

describe('projector: a new instance of its topic (wiped broker, re-created topic)', () => {
  const topic = testTopic('instances');
  const streams = new Map(STREAMS.map((streamId) => [streamId, tariffStream(streamId, 6)]));
  let db: TestDatabase;
  let kafka: Kafka;
  const groupId = testProjectorGroup('projector');
  const running: RunningProjector[] = [];
  /** The instance the first test leaves the topic at. */
  let current: TopicInstance;

  beforeAll(async () => {
    await ensureBuilt();
    db = await createTestDatabase();
    kafka = await createEventTopic(topic, PARTITIONS);
  }, TIMEOUT);

  afterAll(async () => {
    await Promise.all(running.map((projector) => projector.stop()));
    await db?.drop();
  }, TIMEOUT);

  async function start(): Promise<RunningProjector> {
    const projector = await startProjector({ databaseUrl: db.url, topic, partitions: PARTITIONS, groupId });
    running.push(projector);
    await untilAssigned(projector);
    return projector;
  }

  async function offsetsByInstance(): Promise<Map<string, Map<number, string>>> {
    const { rows } = await db.pool.query<{ topic_instance: string; partition: number; next_offset: string }>(
      `SELECT topic_instance::text AS topic_instance, partition, next_offset::text AS next_offset
       FROM projector.consumed_offsets WHERE group_id = $1`,
      [groupId],
    );
    const offsets = new Map<string, Map<number, string>>();
    for (const row of rows) {
      const instance = offsets.get(row.topic_instance) ?? new Map<number, string>();
      instance.set(row.partition, row.next_offset);
      offsets.set(row.topic_instance, instance);
    }
    return offsets;
  }

  async function partitionEnds(): Promise<Map<number, string>> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, high]));
    } finally {
      await admin.disconnect();
    }
  }

  it(
    'reads a re-created topic from its start, though its stored offsets point into it, and applies only what is new',
    async () => {
      const first = await start();
      await produce(kafka, topic, versions(streams, 1, 3));
      // Every partition holds events besides its genesis record.
      for (const end of (await partitionEnds()).values()) expect(BigInt(end)).toBeGreaterThan(1n);
      await eventually(() => expectReadModelsOf(db.pool, versions(streams, 1, 3)), WAIT);
      await first.stop();
      const old = await offsetsByInstance();
      expect(old.size).toBe(1);

      // The relay publishes the journal again from position 1 on the new instance, and then
      // what came since, one transaction per event: every partition of the new instance reaches
      // past the old offsets. A relay that failed mid-send left aborted transactions of other
      // events under the same stream versions.
      const renewed = await recreateTopic(kafka, topic, PARTITIONS);
      const abandoned = new Map(STREAMS.map((streamId) => [streamId, tariffStream(streamId, 5)]));
      await produceInTransactions(kafka, topic, [
        ...versions(streams, 1, 3).map((event) => ({ records: [event], outcome: 'commit' as const })),
        { records: versions(abandoned, 4, 5), outcome: 'abort' },
        ...versions(streams, 4, 5).map((event) => ({ records: [event], outcome: 'commit' as const })),
      ]);
      const second = await start();

      await eventually(() => expectReadModelsOf(db.pool, versions(streams, 1, 5)), WAIT);
      await eventually(async () => {
        const offsets = await offsetsByInstance();
        expect(offsets.get(renewed.id)).toEqual(await partitionEnds());
      }, WAIT);
      expect(await second.metric('projector_events_applied_total')).toBe(versions(streams, 4, 5).length);
      expect(await second.metric('projector_duplicates_skipped_total')).toBe(versions(streams, 1, 3).length);
      // It resumed at the old instance's offsets, met the new instance's records there, and went back.
      expect(await second.metric('projector_rewinds_total')).toBeGreaterThan(0);
      expect([...(await offsetsByInstance()).keys()].sort()).toEqual([...old.keys(), renewed.id].sort());
      current = renewed;
    },
    TIMEOUT,
  );

  it(
    'follows its topic deleted and re-created while it runs, and doubles nothing',
    async () => {
      const projector = running[running.length - 1];
      const appliedBefore = await projector.metric('projector_events_applied_total');
      const before = (await offsetsByInstance()).get(current.id)!;

      // Republished in one transaction, the same events now sit at smaller offsets than the
      // old instance's markers had pushed them to: offsets kept by name would skip the new ones.
      const renewed = await recreateTopic(kafka, topic, PARTITIONS);
      await produceInTransactions(kafka, topic, [{ records: versions(streams, 1, 6), outcome: 'commit' }]);
      for (const [partition, end] of await partitionEnds()) {
        expect(BigInt(end)).toBeLessThan(BigInt(before.get(partition)!));
      }

      await eventually(() => expectReadModelsOf(db.pool, versions(streams, 1, 6)), WAIT);
      await eventually(async () => {
        expect((await offsetsByInstance()).get(renewed.id)).toEqual(await partitionEnds());
      }, WAIT);
      expect((await projector.metric('projector_events_applied_total')) - appliedBefore).toBe(
        versions(streams, 6, 6).length,
      );
      expect(projector.exitedWith()).toBeUndefined();
    },
    TIMEOUT,
  );
});
