import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { asMessages, type OutgoingRecord } from './event-producer';

/** A record with the partition it must go to (the relay places every record itself). */
export interface PlacedRecord extends OutgoingRecord {
  readonly partition: number;
}

/** The offsets one transaction's records got, per partition: first and last (inclusive). */
export type WrittenOffsets = ReadonlyMap<number, { readonly first: bigint; readonly last: bigint }>;

/**
 * Another producer with the same transactional id has initialised since this one did: this one
 * is a deposed leader, and nothing it sends can ever be committed.
 */
export class ProducerFenced extends Error {
  constructor(cause: unknown) {
    super(`fenced by a newer producer with the same transactional id: ${(cause as Error).message}`);
    this.name = 'ProducerFenced';
  }
}

const FENCING_ERRORS = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);

function isFencing(error: unknown): boolean {
  for (let cause = error as { type?: string; originalError?: unknown } | undefined; cause;) {
    if (cause.type !== undefined && FENCING_ERRORS.has(cause.type)) return true;
    cause = cause.originalError as typeof cause;
  }
  return false;
}

/**
 * The relay's way to write to Kafka: a transactional producer (idempotent, acks from all in-sync
 * replicas, one request in flight). Whatever a transaction sends becomes visible to
 * read-committed consumers all at once or never, so a failed attempt is simply aborted and made
 * again — no retry can leave a duplicate — and a producer that a newer one with the same
 * transactional id has fenced can commit nothing at all.
 */
export class TransactionalProducer {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    transactionalId: string,
  ) {
    this.producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Failures surface (and the relay reports them) instead of being retried for ever: an
      // aborted transaction is safe to make again.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /**
   * Takes the transactional id over: InitProducerId raises its epoch, which fences every earlier
   * producer of the id (a frozen or deposed leader) and aborts its open transaction. kafkajs sends
   * InitProducerId only when a first transaction begins, so one is begun and aborted here.
   */
  async fence(): Promise<void> {
    const transaction = await this.producer.transaction();
    await transaction.abort();
  }

  /**
   * Sends the chunks (each one produce request) in ONE transaction. `beforeCommit` sees the
   * offsets the records got and may throw to abort the transaction — the relay checks there that
   * the topic it wrote to is still the instance it knows.
   */
  async publish(
    chunks: readonly (readonly PlacedRecord[])[],
    beforeCommit: (written: WrittenOffsets) => void,
  ): Promise<WrittenOffsets> {
    const transaction = await this.producer.transaction();
    try {
      const written = new Map<number, { first: bigint; last: bigint }>();
      for (const chunk of chunks) {
        const counts = new Map<number, number>();
        for (const record of chunk) counts.set(record.partition, (counts.get(record.partition) ?? 0) + 1);
        const metadata = await transaction.send({ topic: this.topic, acks: -1, messages: asMessages(chunk) });
        for (const { partition, baseOffset } of metadata) {
          const first = BigInt(baseOffset ?? '-1');
          const last = first + BigInt(counts.get(partition) ?? 1) - 1n;
          const before = written.get(partition);
          written.set(partition, { first: before?.first ?? first, last });
        }
      }
      beforeCommit(written);
      await transaction.commit();
      return written;
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw isFencing(error) ? new ProducerFenced(error) : error;
    }
  }
}
