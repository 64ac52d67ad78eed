import type { AnyEventEnvelope } from '@ledger/contracts';
import type { Kafka } from '@ledger/messaging';
import { listDeadLetters, startProjection } from '@ledger/projection';
import { createTestDatabase, eventually, uniqueName, type TestDatabase } from '@ledger/testing';
import fc from 'fast-check';
import type { Pool } from 'pg';
import { createEventTopic, produce } from '../../../test/support/projector-harness';
import { appliedVersions, readModelChecksums } from '../src';
import { TOPIC_CASES, batches, expectEvaluatorAnswers, history } from './random-histories';

/**
 * Random histories published to a topic as the relay would (key = streamId, hash-chained
 * CloudEvents), then projected twice through the projector's own code path (startProjection):
 * "live", a group member already running while the history is published in
 * random chunks, and "rebuilt", a new group reading the finished topic from offset 0 into an
 * empty database. Both must hold the same rows, and the live one must answer every probe as
 * the in-memory evaluator does. What the cases cover is reported and held to minimum shares in
 * random-histories.unit.spec.ts.
 */

const PARTITIONS = 3;
const WAIT = { timeoutMs: 60_000, intervalMs: 100 };
const RUNS = 50;
/**
 * A group member takes seconds to leave (kafkajs waits out its fetch), far longer than a run,
 * so members stop and databases are dropped while the next runs go on, a few at a time.
 */
const CLEANUPS_IN_FLIGHT = 3;

const CONSUMED = `
  SELECT coalesce(sum(next_offset), 0)::int AS consumed FROM projector.consumed_offsets
  WHERE group_id = $1 AND topic = $2`;

interface RunningMember {
  readonly groupId: string;
  readonly assigned: () => boolean;
  readonly errors: readonly unknown[];
  stop(): Promise<void>;
}

/** One projector group member, run as apps/projector's ProjectorService runs it. */
async function startMember(kafka: Kafka, topic: string, pool: Pool): Promise<RunningMember> {
  const groupId = uniqueName('rebuild_test_');
  const errors: unknown[] = [];
  let assignedPartitions = 0;
  const projection = await startProjection(
    kafka,
    pool,
    { groupId, topic, partitions: PARTITIONS },
    {
      onAssigned: (partitions) => (assignedPartitions = partitions.length),
      onResumeError: (error) => errors.push(error),
    },
  );
  return {
    groupId,
    assigned: () => assignedPartitions === PARTITIONS,
    errors,
    stop: () => projection.stop(),
  };
}

/** Offsets and read models commit in one transaction: once every record's offset is stored, so is its effect. */
async function untilConsumed(pool: Pool, member: RunningMember, topic: string, total: number): Promise<void> {
  await eventually(async () => {
    const { rows } = await pool.query<{ consumed: number }>(CONSUMED, [member.groupId, topic]);
    expect(rows[0].consumed).toBe(total);
  }, WAIT);
}

/** What the read models must have applied: every stream up to its last version, nothing dead-lettered. */
async function expectEverythingApplied(pool: Pool, events: readonly AnyEventEnvelope[]): Promise<void> {
  const latest = new Map(events.map((event) => [event.streamId, event.streamVersion]));
  expect(await appliedVersions(pool, [...latest.keys()])).toEqual(latest);
  expect(await listDeadLetters(pool, { includeResolved: true })).toEqual([]);
}

describe('live read models, a rebuild from the topic and the in-memory evaluator agree', () => {
  const cleanups: Promise<unknown>[] = [];

  afterAll(async () => {
    await Promise.all(cleanups);
  });

  it('on random histories published in random chunks and random (asOf, knownAt) probes', async () => {
    await fc.assert(
      fc.asyncProperty(
        TOPIC_CASES.histories,
        TOPIC_CASES.cuts,
        TOPIC_CASES.probes,
        async (actions, cuts, probes) => {
          const events = history(actions);
          const topic = uniqueName('rebuild_test_');
          const kafka = await createEventTopic(topic, PARTITIONS);
          const databases: TestDatabase[] = [];
          const members: RunningMember[] = [];
          try {
            const live = await createTestDatabase();
            databases.push(live);
            const liveMember = await startMember(kafka, topic, live.pool);
            members.push(liveMember);
            await eventually(() => expect(liveMember.assigned()).toBe(true), WAIT);
            for (const chunk of batches(events, cuts)) await produce(kafka, topic, chunk);

            const rebuilt = await createTestDatabase();
            databases.push(rebuilt);
            const rebuildMember = await startMember(kafka, topic, rebuilt.pool);
            members.push(rebuildMember);

            // Every partition opens with its topic instance's genesis record.
            const records = events.length + PARTITIONS;
            await untilConsumed(live.pool, liveMember, topic, records);
            await untilConsumed(rebuilt.pool, rebuildMember, topic, records);
            expect(liveMember.errors).toEqual([]);
            expect(rebuildMember.errors).toEqual([]);
            await expectEverythingApplied(live.pool, events);
            await expectEverythingApplied(rebuilt.pool, events);

            const liveChecksums = await readModelChecksums(live.pool);
            expect(liveChecksums.find(({ table }) => table === 'read_models.events')?.rows).toBe(
              events.length,
            );
            expect(await readModelChecksums(rebuilt.pool)).toEqual(liveChecksums);

            await expectEvaluatorAnswers(live.pool, events, probes);
          } finally {
            if (cleanups.length >= CLEANUPS_IN_FLIGHT) await cleanups.shift();
            cleanups.push(
              Promise.all(members.map((member) => member.stop())).then(() =>
                Promise.all(databases.map((database) => database.drop())),
              ),
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 900_000);
});
