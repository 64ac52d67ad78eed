import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import {
  TOPIC_INSTANCE_HEADER,
  computeEventHash,
  toGenesisRecords,
  toKafkaRecord,
  withTopicInstance,
  type AnyEventEnvelope,
  type EventEnvelope,
} from '@ledger/contracts';
import { evaluateMeasure, evaluateTariffs } from '@ledger/views';
import {
  EventProducer,
  ensureEventTopic,
  produceTransactions,
  type Kafka,
  type OutgoingRecord,
} from '@ledger/messaging';
import { appliedVersions, measureState, tariffsEffective } from '@ledger/read-models';
import { eventually } from '@ledger/testing';
import { AppProcess, freePort, runAuditor } from './app-process';

// libs/read-models/test imports the topic helper from here.
export { createEventTopic } from './ledger-harness';

// ---- events -----------------------------------------------------------------------------------

let nextPosition = 1;

/**
 * A tariff measure's stream as the journal would publish it: TariffImposed, then rate changes,
 * hash-chained, with positions unique within the test file.
 */
export function tariffStream(streamId: string, length: number): AnyEventEnvelope[] {
  const events: AnyEventEnvelope[] = [];
  const start = Date.parse('2025-04-02T20:00:00.000Z');
  for (let version = 1; version <= length; version++) {
    const common = {
      id: uuidv7(),
      schemaVersion: 1,
      streamId,
      streamType: 'tariff-measure' as const,
      streamVersion: version,
      position: nextPosition++,
      recordedAt: new Date(start + version * 1000).toISOString(),
      actor: { keyId: 'test-admin', role: 'admin' as const },
      correlationId: uuidv7(),
      causationId: null,
      citation: { reference: 'Executive Order 14257' },
      prevHash: events[version - 2]?.hash ?? null,
    };
    const unhashed: Omit<EventEnvelope, 'hash'> =
      version === 1
        ? {
            ...common,
            type: 'TariffImposed',
            data: {
              imposer: 'US',
              targets: ['CN'],
              program: 'US-IEEPA-RECIPROCAL',
              products: { scope: 'all' },
              title: `Reciprocal tariff ${streamId}`,
              legalInstrument: 'EO 14257',
              announcedAt: '2025-04-02T20:00:00.000Z',
              rate: 10,
              validFrom: '2025-04-05T04:01:00.000Z',
              validTo: null,
            },
          }
        : {
            ...common,
            type: 'TariffRateChanged',
            data: {
              rate: 10 + version,
              validFrom: `2025-05-${String((version % 28) + 1).padStart(2, '0')}T00:00:00.000Z`,
            },
          };
    events.push({ ...unhashed, hash: computeEventHash(unhashed) } as AnyEventEnvelope);
  }
  return events;
}

// ---- Kafka ------------------------------------------------------------------------------------

export interface TopicInstance {
  readonly id: string;
  readonly partitions: number;
}

/** The instance of each topic that produce() writes to, as the relay would. */
const openInstances = new Map<string, TopicInstance>();

/**
 * Opens a new instance of `topic` as the relay does before any event: a genesis record first on
 * every partition, naming a fresh instance id. produce() then stamps that id on every record.
 */
export async function openTopicInstance(kafka: Kafka, topic: string): Promise<TopicInstance> {
  const admin = kafka.admin();
  await admin.connect();
  let clusterId: string;
  let partitions: number;
  try {
    clusterId = (await admin.describeCluster()).clusterId;
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    partitions = metadata.topics[0].partitions.length;
  } finally {
    await admin.disconnect();
  }
  const instance = { id: randomUUID(), partitions };
  const journalId = randomUUID();
  const createdAt = new Date().toISOString();
  const producer = new EventProducer(kafka, topic);
  await producer.connect();
  try {
    await producer.send(
      toGenesisRecords({ topicInstanceId: instance.id, clusterId, topic, partitions, journalId, createdAt }),
    );
  } finally {
    await producer.disconnect();
  }
  openInstances.set(topic, instance);
  return instance;
}

/**
 * Deletes `topic` and creates it again with the same partitions, as an operator might: a new
 * topic instance (opened with its genesis records) that holds none of the old records.
 */
export async function recreateTopic(kafka: Kafka, topic: string, partitions: number): Promise<TopicInstance> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
    // The broker refuses to create a topic of that name until the deletion has completed.
    await eventually(() => ensureEventTopic(admin, { topic, partitions }), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
  } finally {
    await admin.disconnect();
  }
  return openTopicInstance(kafka, topic);
}

/**
 * A record produced straight to the topic. It carries the topic's instance header like every
 * record the relay writes, unless `topicInstance` names another instance or is null (no header).
 */
export type RawTopicRecord = OutgoingRecord & { readonly topicInstance?: string | null };

function asWritten(record: AnyEventEnvelope | RawTopicRecord, instance: TopicInstance): OutgoingRecord {
  if ('hash' in record) return withTopicInstance(toKafkaRecord(record), instance.id);
  const { topicInstance, ...outgoing } = record;
  const id = topicInstance === undefined ? instance.id : topicInstance;
  return id === null
    ? outgoing
    : { ...outgoing, headers: { ...outgoing.headers, [TOPIC_INSTANCE_HEADER]: id } };
}

async function instanceOf(kafka: Kafka, topic: string): Promise<TopicInstance> {
  return openInstances.get(topic) ?? (await openTopicInstance(kafka, topic));
}

/**
 * Produces events (as the relay would: in the topic's current instance, opened with its genesis
 * records on first use) or raw records straight to the topic, in the given order.
 */
export async function produce(
  kafka: Kafka,
  topic: string,
  records: readonly (AnyEventEnvelope | RawTopicRecord)[],
): Promise<void> {
  const instance = await instanceOf(kafka, topic);
  const producer = new EventProducer(kafka, topic);
  await producer.connect();
  try {
    await producer.send(records.map((record) => asWritten(record, instance)));
  } finally {
    await producer.disconnect();
  }
}

/** Like produce(), but each group of records in a Kafka transaction that is committed or aborted. */
export async function produceInTransactions(
  kafka: Kafka,
  topic: string,
  transactions: readonly {
    readonly records: readonly (AnyEventEnvelope | RawTopicRecord)[];
    readonly outcome: 'commit' | 'abort';
  }[],
): Promise<void> {
  const instance = await instanceOf(kafka, topic);
  await produceTransactions(
    kafka,
    topic,
    transactions.map(({ records, outcome }) => ({
      records: records.map((record) => asWritten(record, instance)),
      outcome,
    })),
  );
}

/** The group's offsets committed in Kafka, per partition (partitions without one left out). */
export async function committedOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(
      offsets.partitions
        .filter((entry) => BigInt(entry.offset) >= 0n)
        .map((entry) => [entry.partition, BigInt(entry.offset)]),
    );
  } finally {
    await admin.disconnect();
  }
}

// ---- read models ------------------------------------------------------------------------------

/** Valid instants around the ones tariffStream() names, and transaction instants inside and after its span. */
const AS_OF = [
  '2025-04-01T00:00:00.000Z',
  '2025-04-05T04:01:00.000Z',
  '2025-05-03T12:00:00.000Z',
  '2025-05-10T00:00:00.000Z',
  '2025-06-15T00:00:00.000Z',
  '2026-01-01T00:00:00.000Z',
];
const KNOWN_AT = ['2025-04-02T20:00:01.500Z', '2025-04-02T20:00:04.000Z', '2025-04-02T20:00:09.999Z'];

/**
 * The read models in `pool` hold exactly `events` (each stream version with the event id it was
 * produced with, nothing else), and answer what applies, as of and known at several instants,
 * exactly as the in-memory evaluator does over `events`.
 */
export async function expectReadModelsOf(pool: Pool, events: readonly AnyEventEnvelope[]): Promise<void> {
  const { rows } = await pool.query<{ event_id: string; stream_id: string; stream_version: number }>(
    'SELECT event_id::text AS event_id, stream_id, stream_version FROM read_models.events',
  );
  const key = (streamId: string, version: number) => `${streamId}@${version}`;
  const projected = new Map(rows.map((row) => [key(row.stream_id, row.stream_version), row.event_id]));
  const produced = new Map(events.map((event) => [key(event.streamId, event.streamVersion), event.id]));
  expect(projected).toEqual(produced);

  const streamIds = [...new Set(events.map((event) => event.streamId))];
  for (const asOf of AS_OF) {
    for (const knownAt of [...KNOWN_AT, new Date().toISOString()]) {
      const query = { imposer: 'US', origin: 'CN', product: '850511', asOf, knownAt };
      expect(await tariffsEffective(pool, query)).toEqual(evaluateTariffs(events, query));
      for (const streamId of streamIds) {
        expect(await measureState(pool, streamId, { asOf, knownAt })).toEqual(
          evaluateMeasure(events, streamId, { asOf, knownAt }),
        );
      }
    }
  }
}

// ---- projector --------------------------------------------------------------------------------

export interface ProjectorSettings {
  readonly databaseUrl: string;
  readonly topic: string;
  readonly partitions: number;
  readonly groupId: string;
  readonly extra?: Readonly<Record<string, string>>;
}

export type RunningProjector = AppProcess;

/** The projector on a port of its own, so `metric()` can read its /metrics. */
export async function startProjector(settings: ProjectorSettings): Promise<RunningProjector> {
  const env = {
    DATABASE_URL: settings.databaseUrl,
    KAFKA_TOPIC: settings.topic,
    KAFKA_TOPIC_PARTITIONS: String(settings.partitions),
    PROJECTOR_GROUP_ID: settings.groupId,
    LOG_LEVEL: 'warn',
    ...settings.extra,
  };
  return AppProcess.start('projector', env, await freePort());
}

/** Waits until the projector has joined its group and holds at least one partition. */
export async function untilAssigned(projector: RunningProjector): Promise<void> {
  await eventually(
    async () => {
      if (projector.exitedWith() !== undefined) {
        throw new Error(`projector exited early:\n${projector.output()}`);
      }
      if ((await projector.metric('projector_assigned_partitions')) === 0) {
        throw new Error('the projector holds no partition yet');
      }
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

// ---- read models and dead letters ---------------------------------------------------------------

/** Each stream's applied version in the read models (streams never applied are absent). */
export async function appliedVersionsIn(pool: Pool, ...streamIds: string[]): Promise<Record<string, number>> {
  const client = await pool.connect();
  try {
    return Object.fromEntries(await appliedVersions(client, streamIds));
  } finally {
    client.release();
  }
}

/** A dead letter as `auditor dead-letters list --json` prints it. */
export interface ListedLetter {
  readonly id: string;
  readonly kind: string;
  readonly reason: string;
  readonly streamId: string | null;
  readonly streamVersion: number | null;
  readonly resolution: string | null;
  readonly topicInstance: string | null;
  readonly value: string | null;
}

/** The dead letters the auditor lists for this database (`args`: e.g. `--all`). */
export async function listedDeadLetters(
  databaseUrl: string,
  topic: string,
  ...args: string[]
): Promise<ListedLetter[]> {
  const result = await runAuditor(['dead-letters', 'list', '--json', ...args], { databaseUrl, topic });
  expect(result).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as ListedLetter[];
}
