import { ContractViolation } from './contract-violation';
import type { RecordedEnvelope } from './upcast';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  fromKafkaRecord,
  type KafkaRecord,
  type ReceivedKafkaRecord,
} from './kafka-record';

/**
 * Every record the relay writes carries the identity of the topic instance it was written to.
 * A topic's name says nothing about its history: a broker whose data was wiped, a topic deleted
 * and created again, or another cluster all give a topic of the same name that holds none of
 * the records written before. Readers keep their progress per instance, never per name.
 */
export const TOPIC_INSTANCE_HEADER = 'ledger-topic-instance';

/** The CloudEvents type of the record that opens every partition of a topic instance. */
export const GENESIS_TYPE = 'ledger.topic.genesis';

/**
 * The first record of every partition of a topic instance, written by the relay before any
 * event: it names the instance (a fresh UUID), the cluster, the topic and the journal whose
 * events the topic carries. It is a control record, not an event: it has no stream and no hash.
 */
export interface TopicGenesis {
  readonly topicInstanceId: string;
  readonly clusterId: string;
  readonly topic: string;
  readonly partition: number;
  readonly partitions: number;
  readonly journalId: string;
  readonly createdAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The genesis record of one partition (the relay sends it there explicitly). */
export function toGenesisRecord(genesis: TopicGenesis): KafkaRecord & { readonly partition: number } {
  const attributes = {
    specversion: '1.0',
    id: `${genesis.topicInstanceId}/${genesis.partition}`,
    type: GENESIS_TYPE,
    source: `/ledger/topics/${genesis.topic}`,
    subject: String(genesis.partition),
    time: genesis.createdAt,
    datacontenttype: 'application/json',
  };
  const headers: Record<string, string> = { 'content-type': CLOUDEVENTS_CONTENT_TYPE };
  for (const [name, value] of Object.entries(attributes)) headers[`ce_${name}`] = value;
  headers[TOPIC_INSTANCE_HEADER] = genesis.topicInstanceId;
  const data = {
    topicInstanceId: genesis.topicInstanceId,
    clusterId: genesis.clusterId,
    topic: genesis.topic,
    partition: genesis.partition,
    partitions: genesis.partitions,
    journalId: genesis.journalId,
    createdAt: genesis.createdAt,
  };
  return {
    key: `${GENESIS_TYPE}/${genesis.partition}`,
    value: JSON.stringify({ ...attributes, data }),
    headers,
    partition: genesis.partition,
  };
}

/** The genesis records that open a new topic instance, one per partition. */
export function toGenesisRecords(
  instance: Omit<TopicGenesis, 'partition'>,
): (KafkaRecord & { readonly partition: number })[] {
  return Array.from({ length: instance.partitions }, (_, partition) =>
    toGenesisRecord({ ...instance, partition }),
  );
}

/** The same record with the topic instance it is written to; the relay stamps every event this way. */
export function withTopicInstance<R extends KafkaRecord>(record: R, topicInstanceId: string): R {
  return { ...record, headers: { ...record.headers, [TOPIC_INSTANCE_HEADER]: topicInstanceId } };
}

/** The topic instance a record says it belongs to; undefined when it carries none. */
export function topicInstanceOf(record: ReceivedKafkaRecord): string | undefined {
  return record.headers[TOPIC_INSTANCE_HEADER];
}

/** Whether a record claims to be a genesis record (it may still be a malformed one). */
export function isGenesisRecord(record: ReceivedKafkaRecord): boolean {
  return record.headers.ce_type === GENESIS_TYPE;
}

function field(data: Record<string, unknown>, name: string, valid: (value: unknown) => boolean): unknown {
  const value = data[name];
  if (!valid(value))
    throw new ContractViolation(`genesis record: ${name} ${JSON.stringify(value)} is invalid`);
  return value;
}

const isText = (value: unknown): boolean =>
  typeof value === 'string' && value.length > 0 && value.length <= 255;
const isUuid = (value: unknown): boolean => typeof value === 'string' && UUID.test(value);
const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;

/** Reads a genesis record; throws ContractViolation when it is not a well-formed one. */
export function parseGenesisRecord(record: ReceivedKafkaRecord): TopicGenesis {
  if (record.value === null) throw new ContractViolation('genesis record has no value');
  let document: unknown;
  try {
    document = JSON.parse(typeof record.value === 'string' ? record.value : record.value.toString('utf8'));
  } catch (error) {
    throw new ContractViolation(`genesis record value is not JSON: ${(error as Error).message}`);
  }
  const { type, data } = (document ?? {}) as { type?: unknown; data?: unknown };
  if (type !== GENESIS_TYPE || typeof data !== 'object' || data === null) {
    throw new ContractViolation(`not a genesis record (type ${JSON.stringify(type)})`);
  }
  const fields = data as Record<string, unknown>;
  const genesis: TopicGenesis = {
    topicInstanceId: field(fields, 'topicInstanceId', isUuid) as string,
    clusterId: field(fields, 'clusterId', isText) as string,
    topic: field(fields, 'topic', isText) as string,
    partition: field(fields, 'partition', isCount) as number,
    partitions: field(fields, 'partitions', (value) => isCount(value) && (value as number) >= 1) as number,
    journalId: field(fields, 'journalId', isUuid) as string,
    createdAt: field(
      fields,
      'createdAt',
      (value) => typeof value === 'string' && !Number.isNaN(Date.parse(value)),
    ) as string,
  };
  if (genesis.partition >= genesis.partitions) {
    throw new ContractViolation(`genesis record: partition ${genesis.partition} of ${genesis.partitions}`);
  }
  if (topicInstanceOf(record) !== genesis.topicInstanceId) {
    throw new ContractViolation(
      `genesis record: header ${TOPIC_INSTANCE_HEADER} ${String(topicInstanceOf(record))} is not its instance ${genesis.topicInstanceId}`,
    );
  }
  return genesis;
}

/** What a record of the event topic is: a partition's genesis, or an event. */
export type TopicEntry =
  | { readonly kind: 'genesis'; readonly genesis: TopicGenesis }
  | { readonly kind: 'event'; readonly event: RecordedEnvelope };

/**
 * Reads any record of the event topic, as every reader should: a genesis record or a valid,
 * hash-checked event. Throws ContractViolation for anything else.
 */
export function readTopicRecord(record: ReceivedKafkaRecord): TopicEntry {
  if (isGenesisRecord(record)) return { kind: 'genesis', genesis: parseGenesisRecord(record) };
  return { kind: 'event', event: fromKafkaRecord(record) };
}
