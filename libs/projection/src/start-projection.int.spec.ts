import type { Pool } from 'pg';
import type { AnyEventEnvelope } from '@ledger/contracts';
import type { Kafka } from '@ledger/messaging';
import { createTestDatabase, eventually, uniqueName, type TestDatabase } from '@ledger/testing';
import {
  createEventTopic,
  produce,
  produceInTransactions,
  tariffStream,
} from '../../../test/support/projector-harness';
import { listDeadLetters } from './dead-letters';
import { startProjection, type BatchFailure, type ProjectionHooks } from './start-projection';

const WAIT = { timeoutMs: 90_000, intervalMs: 100 };

describe('startProjection on the real broker and Postgres', () => {
  let db: TestDatabase;
  /** The projection connects as the projector does, under its role; the test inspects as the superuser. */
  let projector: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    projector = db.poolAs('ledger_projector');
  });

  afterAll(async () => {
    await db.drop();
  });

  async function appliedEventIds(): Promise<string[]> {
    const { rows } = await db.pool.query<{ event_id: string }>(
      'SELECT event_id::text AS event_id FROM read_models.events ORDER BY event_id',
    );
    return rows.map((row) => row.event_id);
  }

  async function topicEnd(kafka: Kafka, topic: string): Promise<string> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topic))[0].high;
    } finally {
      await admin.disconnect();
    }
  }

  async function storedOffset(groupId: string): Promise<string | undefined> {
    const { rows } = await db.pool.query<{ next_offset: string }>(
      'SELECT next_offset::text AS next_offset FROM projector.consumed_offsets WHERE group_id = $1',
      [groupId],
    );
    return rows[0]?.next_offset;
  }

  /** Runs one member on a one-partition topic until `done`, with these hooks and settings. */
  async function project(
    kafka: Kafka,
    topic: string,
    groupId: string,
    hooks: ProjectionHooks,
    done: () => Promise<void>,
    settings: { applyAttempts?: number; stuckAfterMs?: number } = {},
  ): Promise<void> {
    const projection = await startProjection(
      kafka,
      projector,
      { groupId, topic, partitions: 1, ...settings },
      hooks,
    );
    try {
      await done();
    } finally {
      await projection.stop();
    }
  }

  it('applies committed transactions, never an aborted one, and goes on past their markers without re-reading', async () => {
    const topic = uniqueName('projection-tx-');
    const groupId = uniqueName('group-');
    const kafka = await createEventTopic(topic, 1);
    const steel = tariffStream('us-steel-tx', 4);
    const copper = tariffStream('cl-copper-tx', 2);
    // What a relay that failed mid-transaction sent: other events under the same stream versions.
    const [abandoned] = tariffStream('us-steel-tx', 4).slice(3);
    const [abandonedCopper] = tariffStream('cl-copper-tx', 1);
    await produceInTransactions(kafka, topic, [
      { records: steel.slice(0, 3), outcome: 'commit' },
      { records: [abandoned, abandonedCopper], outcome: 'abort' },
      { records: [steel[3], copper[0]], outcome: 'commit' },
      { records: [copper[1]], outcome: 'commit' },
    ]);
    const end = await topicEnd(kafka, topic);
    const rewinds: string[] = [];

    await project(
      kafka,
      topic,
      groupId,
      { onBatch: (_batch, answer) => answer.outcome === 'rewind' && rewinds.push(answer.reason) },
      () => eventually(async () => expect(await storedOffset(groupId)).toBe(end), WAIT),
    );

    const committed = [...steel, ...copper];
    expect(await appliedEventIds()).toEqual(expect.arrayContaining(committed.map((event) => event.id)));
    expect(await appliedEventIds()).not.toContain(abandoned.id);
    expect(await appliedEventIds()).not.toContain(abandonedCopper.id);
    expect(rewinds).toEqual([]);
  });

  it('keeps its partitions while a batch waits longer than the group session for the projection lock', async () => {
    const topic = uniqueName('projection-wait-');
    const groupId = uniqueName('group-');
    const kafka = await createEventTopic(topic, 1);
    const events = tariffStream('us-steel-waiting', 3);
    await produce(kafka, topic, events);
    const starts: number[] = [];
    const assignments: number[][] = [];
    // Another projection (a rebuild, a catch-up) holds the projection lock for longer than the
    // consumer's 10 s session.
    const holder = await db.pool.connect();
    await holder.query(`SELECT pg_advisory_lock(x'70726f6a656374'::bigint)`);
    const release = setTimeout(() => {
      void holder
        .query(`SELECT pg_advisory_unlock(x'70726f6a656374'::bigint)`)
        .finally(() => holder.release());
    }, 13_000);
    try {
      await project(
        kafka,
        topic,
        groupId,
        {
          onAssigned: (partitions) => assignments.push([...partitions]),
          onBatchStart: (batch) => starts.push(batch.partition),
        },
        () =>
          eventually(
            async () =>
              expect(await appliedEventIds()).toEqual(
                expect.arrayContaining(events.map((event) => event.id)),
              ),
            WAIT,
          ),
      );
    } finally {
      clearTimeout(release);
    }
    expect(assignments).toEqual([[0]]);
    expect(starts).toEqual([0]);
  });

  it('retries a batch that fails fewer times than its attempts and applies it whole', async () => {
    const topic = uniqueName('projection-retry-');
    const groupId = uniqueName('group-');
    const kafka = await createEventTopic(topic, 1);
    const events = tariffStream('us-steel-retried', 3);
    await produce(kafka, topic, events);
    const failures: BatchFailure[] = [];
    let thrown = 0;

    await project(
      kafka,
      topic,
      groupId,
      {
        beforeApply: (applied: readonly AnyEventEnvelope[]) => {
          if (applied.length > 0 && thrown < 2) {
            thrown += 1;
            throw new Error('refused for now');
          }
        },
        onBatchError: (_error, failure) => failures.push(failure),
      },
      () => eventually(async () => expect(await storedOffset(groupId)).toBe('4'), WAIT),
      { applyAttempts: 3 },
    );

    expect(failures.map(({ attempt, transient }) => ({ attempt, transient }))).toEqual([
      { attempt: 1, transient: false },
      { attempt: 2, transient: false },
    ]);
    expect(await appliedEventIds()).toEqual(expect.arrayContaining(events.map((event) => event.id)));
    expect(
      (await listDeadLetters(db.pool, { includeResolved: true })).map((letter) => letter.streamId),
    ).not.toContain('us-steel-retried');
  });

  it('retries a transient failure for as long as it lasts, past the group session, heartbeating; reports it stuck meanwhile', async () => {
    const topic = uniqueName('projection-stuck-');
    const groupId = uniqueName('group-');
    const kafka = await createEventTopic(topic, 1);
    const events = tariffStream('us-steel-outage', 2);
    await produce(kafka, topic, events);
    const reports: string[] = [];
    let deliveries = 0;
    let assignments = 0;
    let failedAttempts = 0;
    // With the backoff doubling from 100 ms to at most 5 s, eight failed attempts span more
    // than the consumer's 10 s session: only heartbeats keep the member in its group so long.
    const OUTAGE_ATTEMPTS = 8;

    await project(
      kafka,
      topic,
      groupId,
      {
        onAssigned: () => (assignments += 1),
        onBatchStart: () => (deliveries += 1),
        beforeApply: (applied) => {
          if (applied.length > 0 && failedAttempts < OUTAGE_ATTEMPTS) {
            throw Object.assign(new Error('the database system is starting up'), { code: '57P03' });
          }
        },
        onBatchError: (_error, { transient }) => {
          failedAttempts += 1;
          if (!transient) reports.push('deterministic');
        },
        onStuck: (partition) => reports.push(`stuck ${partition}`),
        onUnstuck: (partition) => reports.push(`unstuck ${partition}`),
      },
      () => eventually(async () => expect(await storedOffset(groupId)).toBe('3'), WAIT),
      { applyAttempts: 3, stuckAfterMs: 1_000 },
    );

    expect(failedAttempts).toBe(OUTAGE_ATTEMPTS);
    expect(reports).toEqual(['stuck 0', 'unstuck 0']);
    expect({ deliveries, assignments }).toEqual({ deliveries: 1, assignments: 1 });
    expect(await appliedEventIds()).toEqual(expect.arrayContaining(events.map((event) => event.id)));
    expect(
      (await listDeadLetters(db.pool, { includeResolved: true })).map((letter) => letter.streamId),
    ).not.toContain('us-steel-outage');
  });

  it('never stalls: an event the read models keep refusing is dead-lettered, its stream parks, the partition goes on', async () => {
    const topic = uniqueName('projection-refused-');
    const groupId = uniqueName('group-');
    const kafka = await createEventTopic(topic, 1);
    const refused = tariffStream('us-steel-always-refused', 3);
    const fine = tariffStream('us-steel-unaffected', 2);
    await produce(kafka, topic, [refused[0], fine[0], refused[1]]);

    await project(
      kafka,
      topic,
      groupId,
      {
        beforeApply: (applied) => {
          if (applied.some((event) => event.streamId === 'us-steel-always-refused')) {
            throw new Error('refused by the read models');
          }
        },
      },
      async () => {
        await eventually(async () => expect(await storedOffset(groupId)).toBe('4'), WAIT);
        await produce(kafka, topic, [refused[2], fine[1]]);
        await eventually(async () => expect(await storedOffset(groupId)).toBe('6'), WAIT);
      },
      { applyAttempts: 2 },
    );

    const letters = (await listDeadLetters(db.pool, { includeResolved: true })).filter(
      (letter) => letter.streamId === 'us-steel-always-refused',
    );
    expect(letters.map(({ kind, streamVersion }) => ({ kind, streamVersion }))).toEqual([
      { kind: 'apply-failed', streamVersion: 1 },
      { kind: 'parked', streamVersion: 2 },
      { kind: 'parked', streamVersion: 3 },
    ]);
    expect(letters[0].reason).toBe('applying it failed: refused by the read models');
    expect(await appliedEventIds()).toEqual(expect.arrayContaining(fine.map((event) => event.id)));
    expect(await appliedEventIds()).not.toContain(refused[0].id);
  });
});
