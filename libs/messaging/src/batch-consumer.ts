import type { Admin, Batch, Consumer, Kafka } from 'kafkajs';
import { toStoredRecord, type StoredRecord } from './stored-record';

export interface BatchConsumerSettings {
  readonly groupId: string;
  readonly topic: string;
  /** How many partitions' batches may be handled at the same time (each in its own transaction). */
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * The records of one fetch of one partition. Offsets are not contiguous: every transaction a
 * producer commits or aborts writes a marker that takes an offset, and the consumer (reading
 * committed only, kafkajs' default) never sees markers or aborted records.
 */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  /** In offset order; never empty. */
  readonly records: readonly StoredRecord[];
  /**
   * Where the reading that brought these records started: the offset the fetch asked for, or an
   * earlier one when the fetches just before it held nothing but markers and aborted records
   * (kafkajs hands those fetches to nobody). No committed record lies between it and the first
   * record, so a store that has seen everything before it has seen everything before the batch.
   */
  readonly fetchedOffset: string;
  /** After the last offset the fetch returned, trailing markers and aborted records included. */
  readonly nextOffset: string;
  /** Offset of the next record the broker will write to this partition. */
  readonly highWatermark: string;
}

/** What a handler may do while it holds a batch for long (retrying, say). */
export interface BatchControl {
  /**
   * Tells the group this member is alive; call it every few seconds or the partition moves to
   * another member. Throws when the group is rebalancing or dropped this member: the handler
   * must then let the batch go (rethrow), and the consumer rejoins.
   */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was moved by a seek: give the batch up. */
  isActive(): boolean;
}

/**
 * What the handler made of a batch: `processed` (its effect is durable; commit past it),
 * `rewind` (the handler's own store is behind this batch, or must see the partition from an
 * earlier offset; re-read from `nextOffset`, commit nothing) or `abandoned` (nothing was done,
 * the consumer is stopping or the batch was superseded; commit nothing).
 */
export type BatchVerdict =
  | { readonly outcome: 'processed' }
  | { readonly outcome: 'rewind'; readonly nextOffset: string }
  | { readonly outcome: 'abandoned' };

/** Where a member resumes a partition on assignment, and where Kafka's committed offset was. */
export interface ResumePoint {
  readonly partition: number;
  /** The handler's stored offset, which the consumer seeks to. */
  readonly stored: string;
  /** The group's offset committed in Kafka; null when none was committed (or it could not be read). */
  readonly committed: string | null;
}

export interface BatchHandlers {
  handleBatch(batch: ConsumedBatch, control: BatchControl): Promise<BatchVerdict>;
  /**
   * Next offsets per partition as the handler's own store knows them. Asked whenever partitions
   * are assigned (which stay paused meanwhile), so a consumer resumes where the store is rather
   * than where Kafka's (later written) commit is. Best effort: the handler must still skip what it
   * has already seen, since a slow store is not waited for and a batch fetched before a rebalance
   * may still arrive (kafkajs has no rebalance listener, tulios/kafkajs#1088).
   */
  storedOffsets?(partitions: readonly number[]): Promise<ReadonlyMap<number, string>>;
  onAssigned?(partitions: readonly number[]): void;
  /** The seeks made on assignment, with the committed offsets they jumped from. */
  onResumed?(points: readonly ResumePoint[]): void;
  /** Something consumption survives failed: resuming on assignment, or a heartbeat while a batch is held. */
  onError?(error: unknown, during: 'resume' | 'heartbeat'): void;
  /**
   * kafkajs gave the consumer up for an error it does not retry (e.g. the principal may not use
   * the group): nothing is consumed any more until a new consumer starts.
   */
  onStopped?(error: unknown): void;
}

/** Assigned partitions stay paused at most this long while their stored offsets are read. */
const RESUME_WITHIN_MS = 10_000;

/** kafkajs' batches carry the offset their fetch asked for, though its typings leave it out. */
function fetchedOffsetOf(batch: Batch): string {
  const fetched = (batch as Batch & { fetchedOffset?: unknown }).fetchedOffset;
  if (typeof fetched !== 'string') {
    throw new Error('kafkajs batch without fetchedOffset: the batch consumer needs kafkajs 2.2');
  }
  return fetched;
}

/**
 * Heartbeat answers after which this member no longer holds its partitions as they were (the
 * group is rebalancing, or dropped the member): kafkajs rejoins when the batch handler throws them.
 * Any other heartbeat failure (the coordinator unreachable for a moment) is only reported.
 */
const GROUP_CHANGES = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

/** The broker's own answer under the wrappers kafkajs' retrier puts around what it will not retry. */
function originalCause(error: unknown): unknown {
  let current = error;
  while (current instanceof Error && current.cause !== undefined && current.cause !== current)
    current = current.cause;
  return current;
}

function leavesTheGroup(error: unknown): boolean {
  const type = (originalCause(error) as { type?: unknown } | null)?.type;
  return typeof type === 'string' && GROUP_CHANGES.has(type);
}

/**
 * A consumer-group member with manual offsets: a batch's offsets are committed to Kafka only
 * after the handler has made its effect durable, so Kafka's committed offset never runs ahead of
 * the handler's store. Redelivery (after a crash or a rebalance) is therefore possible and the
 * handler must make it harmless.
 */
export class BatchConsumer {
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  /** Per partition, the offsets of the fetches since the last batch that held only markers or aborted records. */
  private readonly skipped = new Map<number, { readonly from: bigint; readonly to: bigint }>();
  private joins = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: BatchConsumerSettings,
  ) {}

  async start(handlers: BatchHandlers): Promise<void> {
    const { groupId, topic } = this.settings;
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // Big fetches make big batches: one Postgres transaction then carries thousands of events.
      maxBytesPerPartition: 8 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      // A member that died is replaced after 10 s instead of kafkajs' 30 s; handlers heartbeat
      // while they hold a batch for longer than that.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumer = consumer;
    const admin = this.kafka.admin();
    this.admin = admin;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) handlers.onStopped?.(payload.error);
    });
    consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => {
      // kafkajs moves past a fetch that held only markers or aborted records without calling
      // eachBatch; remembering it keeps the next batch's reading start where that fetch began.
      const first: string | null = payload.firstOffset;
      if (payload.topic !== topic || payload.batchSize > 0 || first === null) return;
      const from = BigInt(first);
      const to = BigInt(payload.lastOffset);
      const before = this.skipped.get(payload.partition);
      this.skipped.set(
        payload.partition,
        before && before.to + 1n === from ? { from: before.from, to } : { from, to },
      );
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.skipped.clear();
      const join = ++this.joins;
      const partitions = payload.memberAssignment[topic] ?? [];
      handlers.onAssigned?.(partitions);
      if (handlers.storedOffsets && partitions.length > 0) {
        // Paused until the seeks are placed, so the first fetch reads from the stored offsets and
        // Kafka's committed ones are read before anything moves them. Only the latest join
        // resumes: a later one has paused (and will resume) its own partitions.
        const assigned = [{ topic, partitions: [...partitions] }];
        consumer.pause(assigned);
        this.resume(consumer, partitions, handlers)
          .catch((error: unknown) => handlers.onError?.(error, 'resume'))
          .finally(() => {
            if (join === this.joins) consumer.resume(assigned);
          });
      }
    });
    await admin.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (batch.isEmpty() || !payload.isRunning() || payload.isStale()) return;
        const verdict = await handlers.handleBatch(
          {
            topic: batch.topic,
            partition: batch.partition,
            records: batch.messages.map((message) => toStoredRecord(batch.partition, message)),
            fetchedOffset: this.readingStart(batch.partition, fetchedOffsetOf(batch)),
            nextOffset: (BigInt(batch.lastOffset()) + 1n).toString(),
            highWatermark: batch.highWatermark,
          },
          {
            heartbeat: async () => {
              try {
                await payload.heartbeat();
              } catch (error) {
                if (leavesTheGroup(error)) throw originalCause(error);
                handlers.onError?.(error, 'heartbeat');
              }
            },
            isActive: () => payload.isRunning() && !payload.isStale(),
          },
        );
        switch (verdict.outcome) {
          case 'abandoned':
            return;
          case 'rewind':
            this.seek(consumer, batch.partition, verdict.nextOffset);
            return;
          case 'processed': {
            const last = batch.lastOffset();
            payload.resolveOffset(last);
            try {
              await consumer.commitOffsets([
                { topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
              ]);
              await payload.heartbeat();
            } catch (error) {
              // The batch is durable in the handler's store; only Kafka's commit lags. When the
              // group dropped this member meanwhile (a batch longer than the session, a stalled
              // machine), kafkajs rejoins on the broker's own answer, but gives the consumer up
              // for good on the wrapper its retrier puts around it.
              throw leavesTheGroup(error) ? originalCause(error) : error;
            }
            return;
          }
        }
      },
    });
  }

  /** Finishes the batch in hand, leaves the group (its partitions move to the other members), disconnects. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    const admin = this.admin;
    this.consumer = undefined;
    this.admin = undefined;
    await consumer?.disconnect();
    await admin?.disconnect();
  }

  private async resume(
    consumer: Consumer,
    partitions: readonly number[],
    handlers: BatchHandlers,
  ): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`stored offsets not read within ${RESUME_WITHIN_MS} ms; consuming from Kafka's`)),
        RESUME_WITHIN_MS,
      );
    });
    const [stored, committed] = await Promise.race([
      Promise.all([
        handlers.storedOffsets!(partitions),
        this.committedOffsets().catch((error: unknown) => {
          handlers.onError?.(error, 'resume');
          return new Map<number, string>();
        }),
      ]),
      late,
    ]).finally(() => clearTimeout(timer));
    const points: ResumePoint[] = [];
    for (const [partition, offset] of stored) {
      this.seek(consumer, partition, offset);
      points.push({ partition, stored: offset, committed: committed.get(partition) ?? null });
    }
    handlers.onResumed?.(points);
  }

  private async committedOffsets(): Promise<Map<number, string>> {
    const { groupId, topic } = this.settings;
    if (!this.admin) return new Map();
    const [offsets] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(
      (offsets?.partitions ?? [])
        .filter((entry) => BigInt(entry.offset) >= 0n)
        .map((entry) => [entry.partition, entry.offset]),
    );
  }

  private seek(consumer: Consumer, partition: number, offset: string): void {
    this.skipped.delete(partition);
    consumer.seek({ topic: this.settings.topic, partition, offset });
  }

  private readingStart(partition: number, fetchedOffset: string): string {
    const skipped = this.skipped.get(partition);
    this.skipped.delete(partition);
    return skipped && skipped.to + 1n === BigInt(fetchedOffset) ? skipped.from.toString() : fetchedOffset;
  }
}

/** How often a handler that holds a batch for long heartbeats, well inside the 10 s session. */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Runs `work` (a batch's transaction) while heartbeating, so a batch that waits long (on a lock,
 * a slow database) keeps its partitions. A group change met meanwhile is left to the commit after
 * the batch, which rejoins.
 */
export async function heartbeatingWhile<T>(control: BatchControl, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void control.heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The pause before attempt `attempt + 1` at a failing batch: 100 ms, doubling, at most 5 s. */
export function retryPauseMs(attempt: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(attempt - 1, 16));
}

/**
 * Waits `ms` while heartbeating, so a member retrying a batch keeps its partitions; false when
 * the batch must be let go instead (the consumer is stopping, or the partition moved).
 */
export async function pauseHeartbeating(control: BatchControl, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    await control.heartbeat();
    if (!control.isActive()) return false;
    const left = until - Date.now();
    if (left <= 0) return true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, HEARTBEAT_EVERY_MS)));
  }
}
