import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { fromKafkaRecord, isGenesisRecord, topicInstanceOf, type AnyEventEnvelope } from '@ledger/contracts';
import { BatchConsumer, consumeEachMessage, type Kafka } from '@ledger/messaging';
import { startProjection } from '@ledger/projection';
import { applyEvents, appliedVersions } from '@ledger/read-models';

/** One row of the result table: `events` handled in `seconds`, using `cpuSeconds` of this Node process. */
export interface Measurement {
  readonly events: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
}

/** CPU time (user + system) this process spent since `since`, in seconds. */
function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
}

export interface TopicUnderTest {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly partitions: number;
}

const PROGRESS_EVERY_MS = 5_000;
/** A run that makes no progress for this long is stuck (a broken broker or database), not slow. */
const STALL_MS = 180_000;

/**
 * Timing of a consumer run: from the first record handed to the handler (so the consumer
 * group's join, a fixed cost unrelated to throughput, is left out) to the moment `total`
 * records are done. Logs progress to stderr and fails a run that stalls.
 */
class ConsumerClock {
  private firstAt: number | undefined;
  private cpuAtFirst: NodeJS.CpuUsage | undefined;
  private done = 0;
  private finish!: (taken: { seconds: number; cpuSeconds: number }) => void;
  private fail!: (error: Error) => void;
  readonly finished: Promise<{ seconds: number; cpuSeconds: number }>;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {
    this.finished = new Promise((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
  }

  started(): void {
    if (this.firstAt !== undefined) return;
    this.firstAt = performance.now();
    this.cpuAtFirst = process.cpuUsage();
  }

  completed(count: number): void {
    this.done += count;
    if (this.done >= this.total && this.firstAt !== undefined) {
      this.finish({
        seconds: (performance.now() - this.firstAt) / 1000,
        cpuSeconds: cpuSecondsSince(this.cpuAtFirst ?? { user: 0, system: 0 }),
      });
    }
  }

  failed(error: unknown): void {
    this.fail(error instanceof Error ? error : new Error(String(error)));
  }

  /** Resolves with the time taken; rejects when the run fails or stalls. */
  async watch(): Promise<{ seconds: number; cpuSeconds: number }> {
    let seen = -1;
    let lastMove = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      if (this.done !== seen) {
        seen = this.done;
        lastMove = now;
      } else if (now - lastMove > STALL_MS) {
        this.failed(new Error(`${this.label}: no progress for ${STALL_MS / 1000} s at ${this.done}`));
      }
      process.stderr.write(`  ${this.label}: ${this.done}/${this.total}\n`);
    }, PROGRESS_EVERY_MS);
    try {
      return await this.finished;
    } finally {
      clearInterval(timer);
    }
  }
}

/**
 * (a) The projector rebuilding from offset 0: the projector's own startProjection, into an
 * empty database.
 */
export async function measureProjector(
  { kafka, topic, partitions }: TopicUnderTest,
  pool: Pool,
  groupId: string,
  total: number,
): Promise<Measurement & { readonly applied: number }> {
  const clock = new ConsumerClock('(a) projector', total);
  let applied = 0;
  const projection = await startProjection(
    kafka,
    pool,
    { groupId, topic, partitions },
    {
      onBatchStart: () => clock.started(),
      onBatch: (batch, answer) => {
        if (answer.outcome !== 'processed') return;
        applied += answer.result.applied;
        clock.completed(batch.records.length - answer.result.redelivered);
      },
      onBatchError: (error) => clock.failed(error),
      onResumeError: (error) => clock.failed(error),
    },
  );
  try {
    return { events: total, ...(await clock.watch()), applied };
  } finally {
    await projection.stop();
  }
}

const SAVE_OFFSET = `
  INSERT INTO projector.consumed_offsets (group_id, topic, topic_instance, partition, next_offset)
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (group_id, topic, topic_instance, partition)
  DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`;

/**
 * (b) The naive baseline: kafkajs eachMessage and one Postgres transaction per event (version
 * check, applyEvents of that one event, offset row), on as many partitions at once as (a).
 */
export async function measureNaiveBaseline(
  { kafka, topic, partitions }: TopicUnderTest,
  pool: Pool,
  groupId: string,
  count: number,
): Promise<Measurement> {
  const clock = new ConsumerClock('(b) naive baseline', count);
  const consuming = consumeEachMessage(
    kafka,
    {
      groupId,
      topic,
      fromBeginning: true,
      partitionsConsumedConcurrently: partitions,
      accept: (record) => !isGenesisRecord(record),
    },
    async (record) => {
      clock.started();
      const event = fromKafkaRecord(record);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const applied = (await appliedVersions(client, [event.streamId])).get(event.streamId) ?? 0;
        if (event.streamVersion === applied + 1) await applyEvents(client, [event]);
        await client.query(SAVE_OFFSET, [
          groupId,
          topic,
          topicInstanceOf(record),
          record.partition,
          (BigInt(record.offset) + 1n).toString(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
      clock.completed(1);
    },
    count,
  );
  consuming.catch((error: unknown) => clock.failed(error));
  const taken = await clock.watch();
  await consuming;
  return { events: count, ...taken };
}

/**
 * (c1) The Kafka limit: the same consumer as (a) with the same concurrency, whose handler only
 * counts the records.
 */
export async function measureConsumeOnly(
  { kafka, topic, partitions }: TopicUnderTest,
  groupId: string,
  total: number,
): Promise<Measurement> {
  const clock = new ConsumerClock('(c1) consume only', total);
  const consumer = new BatchConsumer(kafka, { groupId, topic, partitionsConsumedConcurrently: partitions });
  try {
    await consumer.start({
      handleBatch: (batch) => {
        clock.started();
        clock.completed(batch.records.length);
        return Promise.resolve({ outcome: 'processed' });
      },
      onError: (error) => clock.failed(error),
    });
    return { events: total, ...(await clock.watch()) };
  } finally {
    await consumer.stop();
  }
}

const COPY_EVENTS = `
  COPY read_models.events
    (position, event_id, stream_id, stream_type, stream_version, type, recorded_at, envelope)
  FROM STDIN`;

/** A field in COPY's text format, where backslash, tab and line breaks are escaped. */
function copyField(value: string | number): string {
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

function* copyChunks(events: readonly AnyEventEnvelope[]): Generator<string> {
  let chunk = '';
  for (const event of events) {
    chunk +=
      [
        event.position,
        event.id,
        event.streamId,
        event.streamType,
        event.streamVersion,
        event.type,
        event.recordedAt,
        JSON.stringify(event),
      ]
        .map(copyField)
        .join('\t') + '\n';
    if (chunk.length >= 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * (c2) The Postgres limit: the rows (a) writes to read_models.events, bulk loaded with one COPY
 * into the same table of an empty database, serialisation included.
 */
export async function measureCopy(pool: Pool, events: readonly AnyEventEnvelope[]): Promise<Measurement> {
  const client = await pool.connect();
  try {
    const startedAt = performance.now();
    const cpuAtStart = process.cpuUsage();
    await pipeline(Readable.from(copyChunks(events)), client.query(copyFrom(COPY_EVENTS)));
    return {
      events: events.length,
      seconds: (performance.now() - startedAt) / 1000,
      cpuSeconds: cpuSecondsSince(cpuAtStart),
    };
  } finally {
    client.release();
  }
}
