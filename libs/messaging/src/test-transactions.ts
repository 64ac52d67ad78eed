import { randomUUID } from 'node:crypto';
import { Partitioners, type Kafka } from 'kafkajs';
import { asMessages, type OutgoingRecord } from './event-producer';

export interface TestTransaction {
  readonly records: readonly OutgoingRecord[];
  readonly outcome: 'commit' | 'abort';
}

/**
 * Test support: writes each transaction's records to `topic` with one transactional producer
 * and commits or aborts it, as a fenced publisher does. Every transaction leaves a marker that
 * takes an offset; the records of an aborted one stay in the log, invisible to committed readers.
 */
export async function produceTransactions(
  kafka: Kafka,
  topic: string,
  transactions: readonly TestTransaction[],
): Promise<void> {
  const producer = kafka.producer({
    transactionalId: `ledger-test-${randomUUID()}`,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    // As the idempotent publisher does: a retried send is deduplicated only within its session.
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
  });
  await producer.connect();
  try {
    for (const { records, outcome } of transactions) {
      const transaction = await producer.transaction();
      try {
        await transaction.send({ topic, acks: -1, messages: asMessages(records) });
      } catch (error) {
        await transaction.abort();
        throw error;
      }
      await (outcome === 'commit' ? transaction.commit() : transaction.abort());
    }
  } finally {
    await producer.disconnect();
  }
}
