import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  isGenesisRecord,
  parseGenesisRecord,
  toGenesisRecords,
  toKafkaRecord,
  topicInstanceOf,
  withTopicInstance,
  ContractViolation,
} from '@ledger/contracts';
import type { Journal, TopicInstance } from '@ledger/journal';
import {
  TransactionalProducer,
  assertEventTopic,
  partitionOf,
  readFirstRecords,
  readLastRecords,
  topicWatermarks,
  type Kafka,
  type PlacedRecord,
  type WrittenOffsets,
} from '@ledger/messaging';
import type { RelayMetrics } from './relay.metrics';

/** The relay's throwaway consumer groups; its Kafka principal may join only groups named so. */
const RELAY_GROUP_PREFIX = 'ledger-relay-search';

export interface PublisherSettings {
  readonly clusterId: string;
  readonly topic: string;
  readonly partitions: number;
  readonly batchSize: number;
  /** Shared by every relay of this topic, so that the newest leader fences the others. */
  readonly transactionalId: string;
  /** Test-only: SIGKILL after Kafka committed batch number `afterBatches` + 1, before the journal records it. */
  readonly killAfterBatches?: number;
}

/** Why the relay will not publish: the topic and the journal disagree, and publishing could hide it. */
export type RefusalReason =
  | 'topic-without-genesis'
  | 'topic-of-another-journal'
  | 'topic-of-another-cluster'
  | 'foreign-records'
  | 'missing-records';

export class RefusedToPublish extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(`${message}; refusing to publish`);
    this.name = 'RefusedToPublish';
  }
}

/** The topic under the relay is no longer the instance it was publishing to (deleted and created again). */
export class TopicInstanceChanged extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicInstanceChanged';
  }
}

/**
 * Publishes the journal to one topic instance, in position order. The journal is the outbox:
 * it hands out settled events only, in position order, so nothing can appear later below a
 * position already read; journal.publications holds, per topic instance, the last position
 * Kafka acknowledged there.
 *
 * A topic instance is what its genesis records name: a topic of the same name on a wiped broker,
 * a topic deleted and created again or another cluster is a new instance, which gets a genesis
 * and the whole journal from position 1. What is already there is learnt from the topic itself:
 * a leader can die after Kafka committed a transaction and before the journal recorded it, so
 * the next one reads the last event of every partition — a partition holds its streams' events
 * in position order, so an event is already published exactly when its position is at or below
 * its partition's last one. A topic holding records the journal does not know, or missing records
 * the journal says were published there, is refused, never papered over.
 */
export class OutboxPublisher {
  private readonly logger = new Logger(OutboxPublisher.name);
  private readonly producer: TransactionalProducer;
  private instance: TopicInstance | undefined;
  /** The last journal position Kafka acknowledged on this instance. */
  private published = 0;
  /** Position of the last event on each partition; only consulted for events past `published`. */
  private tails = new Map<number, number>();
  /** The lowest offset a new record of each partition can get on this instance. */
  private nextOffsets = new Map<number, bigint>();
  private committedBatches = 0;
  private waitingToSettle = false;
  /** Since when committed events have waited, with nothing published meanwhile; undefined when none wait. */
  private heldBackSince: Date | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly journal: Journal,
    private readonly settings: PublisherSettings,
    private readonly metrics: RelayMetrics,
    private readonly stillLeading: () => void,
  ) {
    this.producer = new TransactionalProducer(kafka, settings.topic, settings.transactionalId);
  }

  /** The instance being published to and how far; undefined before start() finished. */
  get progress(): { readonly instance: TopicInstance; readonly published: number } | undefined {
    return this.instance && { instance: this.instance, published: this.published };
  }

  /**
   * Fences every earlier leader, learns (or creates) the topic instance, and reconciles with
   * what it holds. Throws RefusedToPublish when the topic and the journal disagree.
   */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await assertEventTopic(admin, this.settings);
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
    // Before anything is read: from here on no earlier leader can commit, so what the topic
    // holds now is all that any leader published.
    await this.producer.fence();
    await this.learnNextOffsets();
    this.instance = await this.identify();
    const publication = await this.journal.readPublication(this.instance);
    if (!publication) await this.journal.startPublication(this.instance, this.settings.partitions);
    this.published = publication?.position ?? 0;
    await this.reconcile(this.instance);
    this.logger.log(
      { ...this.instance, published: this.published, tails: Object.fromEntries(this.tails) },
      publication
        ? 'publishing to a known topic instance'
        : 'publishing the journal from position 1 to a new topic instance',
    );
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
  }

  /**
   * True when the last publishPending stopped before committed events that wait for an older
   * transaction to end: whatever ends it may not notify, so the caller should look again soon.
   */
  get settling(): boolean {
    return this.waitingToSettle;
  }

  /**
   * Since when publishing has been held back: committed events wait for an older transaction
   * and nothing was published since they began to. Undefined while nothing waits or the relay
   * makes progress (under a steady load some transaction is always in flight; that is no stall).
   */
  get heldBack(): Date | undefined {
    return this.heldBackSince;
  }

  /** Publishes every settled event after `published`; returns how many events were sent. */
  async publishPending(): Promise<number> {
    const instance = this.instance;
    if (!instance) throw new Error('publishPending before start');
    let sent = 0;
    for (;;) {
      this.stillLeading();
      const { events, settling } = await this.journal.readPage(this.published, this.settings.batchSize);
      this.waitingToSettle = settling;
      if (events.length === 0) break;
      const fresh = events
        .map((event) => ({ event, partition: partitionOf(event.streamId, this.settings.partitions) }))
        .filter(({ event, partition }) => event.position > (this.tails.get(partition) ?? 0));
      this.metrics.alreadyOnTopic.inc(events.length - fresh.length);
      if (fresh.length > 0) {
        const records = fresh.map(({ event, partition }) => ({
          ...withTopicInstance(toKafkaRecord(event), instance.topicInstance),
          partition,
        }));
        await this.send(records);
        for (const { event, partition } of fresh) this.tails.set(partition, event.position);
      }
      this.committedBatches += 1;
      if (
        this.settings.killAfterBatches !== undefined &&
        this.committedBatches > this.settings.killAfterBatches
      ) {
        process.kill(process.pid, 'SIGKILL');
      }
      this.published = events[events.length - 1].position;
      await this.journal.savePublication(instance, this.published);
      this.metrics.published.inc(fresh.length);
      sent += fresh.length;
    }
    if (!this.waitingToSettle || sent > 0) this.heldBackSince = undefined;
    else this.heldBackSince ??= new Date();
    return sent;
  }

  /** One transaction; aborted when the records landed on another topic instance than this one. */
  private async send(records: readonly PlacedRecord[]): Promise<WrittenOffsets> {
    const written = await this.producer.publish(bySize(records), (offsets) => {
      for (const [partition, { first }] of offsets) {
        const next = this.nextOffsets.get(partition) ?? 0n;
        if (first < next) {
          throw new TopicInstanceChanged(
            `partition ${partition} of ${this.settings.topic} gave offset ${first} although this topic ` +
              `instance had reached ${next}: the topic was deleted and created again`,
          );
        }
      }
    });
    for (const [partition, { last }] of written) this.nextOffsets.set(partition, last + 1n);
    return written;
  }

  private async learnNextOffsets(): Promise<void> {
    const watermarks = await topicWatermarks(this.kafka, this.settings.topic);
    this.nextOffsets = new Map([...watermarks].map(([partition, { high }]) => [partition, high]));
  }

  /** The topic instance the genesis records name; writes them first on an empty topic. */
  private async identify(): Promise<TopicInstance> {
    const { clusterId, topic, partitions } = this.settings;
    const journalId = await this.journal.journalId();
    const firsts = await readFirstRecords(this.kafka, topic, undefined, { groupPrefix: RELAY_GROUP_PREFIX });
    if (firsts.size === 0) {
      const topicInstance = randomUUID();
      const createdAt = new Date().toISOString();
      await this.send(
        toGenesisRecords({
          topicInstanceId: topicInstance,
          clusterId,
          topic,
          partitions,
          journalId,
          createdAt,
        }),
      );
      this.metrics.instancesCreated.inc();
      return { clusterId, topic, topicInstance };
    }
    const instances = new Set<string>();
    for (let partition = 0; partition < partitions; partition++) {
      const first = firsts.get(partition);
      if (!first || !isGenesisRecord(first)) {
        throw new RefusedToPublish(
          'topic-without-genesis',
          `partition ${partition} of ${topic} does not begin with a genesis record ` +
            `(${first ? `offset ${first.offset} holds ${first.headers.ce_type ?? 'a record without type'}` : 'it is empty while others are not'}): ` +
            'the topic was written by someone else, or lost its beginning',
        );
      }
      let genesis;
      try {
        genesis = parseGenesisRecord(first);
      } catch (error) {
        if (!(error instanceof ContractViolation)) throw error;
        throw new RefusedToPublish(
          'topic-without-genesis',
          `partition ${partition} of ${topic}: ${error.reason}`,
        );
      }
      if (genesis.journalId !== journalId) {
        throw new RefusedToPublish(
          'topic-of-another-journal',
          `topic instance ${genesis.topicInstanceId} of ${topic} carries the events of journal ${genesis.journalId}, ` +
            `not of this journal (${journalId})`,
        );
      }
      if (genesis.clusterId !== clusterId) {
        throw new RefusedToPublish(
          'topic-of-another-cluster',
          `topic instance ${genesis.topicInstanceId} was created on Kafka cluster ${genesis.clusterId}, ` +
            `not on this one (${clusterId}): a copy of another cluster's topic`,
        );
      }
      instances.add(genesis.topicInstanceId);
    }
    if (instances.size !== 1) {
      throw new RefusedToPublish(
        'topic-without-genesis',
        `the partitions of ${topic} begin with the genesis of different instances (${[...instances].join(', ')})`,
      );
    }
    return { clusterId, topic, topicInstance: [...instances][0] };
  }

  /** Learns the last event of every partition, and checks that it and everything published before it are there. */
  private async reconcile(instance: TopicInstance): Promise<void> {
    const { topic, partitions } = this.settings;
    const lasts = await readLastRecords(this.kafka, topic, (record) => !isGenesisRecord(record), {
      groupPrefix: RELAY_GROUP_PREFIX,
    });
    this.tails = new Map();
    for (const [partition, record] of lasts) {
      if (topicInstanceOf(record) !== instance.topicInstance) {
        throw new RefusedToPublish(
          'foreign-records',
          `partition ${partition} ends with a record at offset ${record.offset} that does not belong to ` +
            `topic instance ${instance.topicInstance}`,
        );
      }
      const position = Number(record.headers.ce_position ?? 0);
      const event =
        Number.isSafeInteger(position) && position > 0 ? await this.journal.eventAt(position) : null;
      if (
        !event ||
        event.id !== record.headers.ce_id ||
        partitionOf(event.streamId, partitions) !== partition
      ) {
        throw new RefusedToPublish(
          'foreign-records',
          `partition ${partition} ends with event ${String(record.headers.ce_id)} at position ${position} ` +
            '(offset ' +
            record.offset +
            '), which this journal does not hold there: the topic and the journal disagree',
        );
      }
      this.tails.set(partition, position);
    }
    // Everything the journal says it published must still be there.
    const expected = new Map<number, number>();
    for (const [streamId, position] of await this.journal.lastPositionsOfStreams(this.published)) {
      const partition = partitionOf(streamId, partitions);
      expected.set(partition, Math.max(expected.get(partition) ?? 0, position));
    }
    for (const [partition, position] of expected) {
      const last = this.tails.get(partition) ?? 0;
      if (last < position) {
        throw new RefusedToPublish(
          'missing-records',
          `topic instance ${instance.topicInstance} lacks events of partition ${partition}: the journal ` +
            `recorded them published up to position ${position}, the partition ends at position ${last}`,
        );
      }
    }
  }
}

/** Keeps each produce request well under the broker's request and batch size limits. */
const MAX_REQUEST_BYTES = 512 * 1024;

function bySize(records: readonly PlacedRecord[]): PlacedRecord[][] {
  const chunks: PlacedRecord[][] = [];
  let chunk: PlacedRecord[] = [];
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
