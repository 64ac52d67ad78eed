import { Logger } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import type { LedgerConfig } from '@ledger/config';
import { toKafkaRecord } from '@ledger/contracts';
import type { Journal } from '@ledger/journal';
import {
  EventProducer,
  assertEventTopic,
  partitionOf,
  readPartitionTails,
  type Kafka,
  type OutgoingRecord,
} from '@ledger/messaging';

const published = new Counter({ name: 'relay_events_published_total', help: 'Events published to Kafka' });
const skipped = new Counter({
  name: 'relay_events_already_on_topic_total',
  help: 'Events found on the topic at takeover and not published again',
});
const lag = new Gauge({
  name: 'relay_lag_events',
  help: 'Journal head position minus last published position',
});

export interface PublisherSettings {
  readonly topic: string;
  readonly partitions: number;
  readonly batchSize: number;
  readonly fault?: LedgerConfig['relay']['fault'];
}

/**
 * Publishes the journal to Kafka in position order. The journal is the outbox: positions
 * increase in commit order, and relay_checkpoint holds the last position Kafka acknowledged.
 *
 * A leader can die after Kafka acknowledged a batch and before the checkpoint moved. The next
 * leader therefore reads the last record of every partition first: each partition holds its
 * streams' events in position order, so an event is already published exactly when its
 * position is at or below the position on its partition's tail. Those are skipped, which
 * keeps the topic free of duplicates across crashes and takeovers.
 */
export class OutboxPublisher {
  private readonly logger = new Logger(OutboxPublisher.name);
  private readonly producer: EventProducer;
  private checkpoint = 0;
  private batches = 0;
  /** Position of the last record on each partition; only consulted for events past the checkpoint. */
  private tails = new Map<number, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly journal: Journal,
    private readonly settings: PublisherSettings,
  ) {
    this.producer = new EventProducer(kafka, settings.topic);
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await assertEventTopic(admin, this.settings);
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
    await this.reconcile();
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
  }

  /** Learns what is already on the topic: the checkpoint, and the tail of every partition. */
  async reconcile(): Promise<void> {
    this.checkpoint = await this.journal.readCheckpoint(this.settings.topic);
    const tails = await readPartitionTails(this.kafka, this.settings.topic);
    this.tails = new Map();
    for (const [partition, record] of tails) {
      const position = Number(record.headers.ce_position ?? 0);
      // A tail is trusted only if it is this journal's event: after a database restore or a
      // journal reset against an old topic, skipping "published" positions would lose events.
      const [event] = await this.journal.readAll(position - 1, 1);
      if (!event || event.position !== position || event.id !== record.headers.ce_id) {
        throw new Error(
          `Partition ${partition} ends with event ${record.headers.ce_id} at position ${position}, ` +
            'which this journal does not hold there: the topic and the journal disagree; refusing to publish',
        );
      }
      this.tails.set(partition, position);
    }
    this.logger.log(
      { checkpoint: this.checkpoint, tails: Object.fromEntries(this.tails) },
      'reconciled with topic',
    );
  }

  /** Publishes everything committed after the checkpoint; returns how many events were sent. */
  async publishPending(): Promise<number> {
    let sent = 0;
    for (;;) {
      const events = await this.journal.readAll(this.checkpoint, this.settings.batchSize);
      if (events.length === 0) break;
      const records = events
        .map((event) => ({ event, partition: partitionOf(event.streamId, this.settings.partitions) }))
        .filter(({ event, partition }) => event.position > (this.tails.get(partition) ?? 0));
      skipped.inc(events.length - records.length);
      for (const chunk of bySize(
        records.map(({ event, partition }) => ({ ...toKafkaRecord(event), partition })),
      )) {
        await this.producer.send(chunk);
      }
      for (const { event, partition } of records) this.tails.set(partition, event.position);
      this.batches++;
      if (this.settings.fault && this.batches > this.settings.fault.afterBatches) {
        process.kill(process.pid, 'SIGKILL');
      }
      this.checkpoint = events[events.length - 1].position;
      await this.journal.saveCheckpoint(this.settings.topic, this.checkpoint);
      published.inc(records.length);
      sent += records.length;
    }
    lag.set(Math.max(0, (await this.journal.headPosition()) - this.checkpoint));
    return sent;
  }
}

/** Keeps each produce request well under the broker's request and batch size limits. */
const MAX_REQUEST_BYTES = 512 * 1024;

function bySize(records: readonly OutgoingRecord[]): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = [];
  let chunk: OutgoingRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(record.value) + 512;
    if (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
