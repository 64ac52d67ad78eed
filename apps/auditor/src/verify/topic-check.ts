import {
  ContractViolation,
  readTopicRecord,
  topicInstanceOf,
  verifyStreamChain,
  TOPIC_INSTANCE_HEADER,
  type RecordedEnvelope,
  type TopicEntry,
  type TopicGenesis,
} from '@ledger/contracts';
import { partitionOf, readTopic, type Kafka, type StoredRecord } from '@ledger/messaging';
import type { Findings } from './findings';
import { checkpointOf, markOf, versionKey, type CheckpointMark, type EventMark } from './marks';

export interface TopicEventMark extends EventMark {
  readonly partition: number;
  readonly offset: string;
}

/** What verify keeps of the topic after checking it. */
export interface TopicView {
  readonly partitions: number;
  readonly records: number;
  /** The instance the topic's genesis records open (partition 0's, or the lowest one's). */
  readonly genesis: TopicGenesis | undefined;
  /** False when the genesis names another journal: nothing on the topic is then compared with this one. */
  readonly carriesThisJournal: boolean;
  /** Every event of the instance, once per stream version, in partition and offset order. */
  readonly events: readonly TopicEventMark[];
  /** The highest position on each partition that holds events. */
  readonly lastPositionOf: ReadonlyMap<number, number>;
  readonly checkpoints: readonly CheckpointMark[];
}

/** What every genesis record of one topic instance names alike. */
const GENESIS_IDENTITY = ['topicInstanceId', 'journalId', 'clusterId'] as const;

/** The partition count as the broker has it; a topic that does not exist cannot be checked. */
async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      throw new Error(`topic ${topic} does not exist on the cluster, or the auditor may not describe it`);
    }
    return (await admin.fetchTopicOffsets(topic)).length;
  } finally {
    await admin.disconnect();
  }
}

function entryOf(record: StoredRecord): TopicEntry | ContractViolation {
  try {
    return readTopicRecord(record);
  } catch (error) {
    if (error instanceof ContractViolation) return error;
    throw error;
  }
}

function byPartition(records: readonly StoredRecord[], partitions: number): StoredRecord[][] {
  const grouped = Array.from({ length: partitions }, (): StoredRecord[] => []);
  for (const record of records) grouped[record.partition]?.push(record);
  return grouped;
}

/**
 * Reads the whole topic and checks it on its own: every partition opens with a genesis record
 * of one instance naming this journal; every other record is a valid event with that instance's
 * header, on the partition murmur2 gives its stream, with positions increasing per partition and
 * no stream version twice; every stream's hash chain verifies in offset order.
 */
export async function checkTopic(
  kafka: Kafka,
  topic: string,
  journalId: string,
  findings: Findings,
): Promise<TopicView> {
  const partitions = await partitionCount(kafka, topic);
  // Only the partitions' arrays keep the records, so each partition's are freed once checked.
  const grouped = byPartition(
    await readTopic(kafka, topic, { groupPrefix: 'ledger-auditor-verify' }),
    partitions,
  );
  const records = grouped.reduce((sum, partitionRecords) => sum + partitionRecords.length, 0);

  // An empty topic is one the relay has not opened yet: nothing published, nothing wrong.
  const opened = records > 0;
  const geneses = grouped.map((partitionRecords, partition) =>
    opened ? checkGenesis(partitionRecords[0], partition, { topic, partitions }, findings) : undefined,
  );
  const opening = geneses.findIndex((found) => found !== undefined);
  const genesis = geneses[opening];
  for (const [partition, other] of geneses.entries()) {
    const field = genesis && other && GENESIS_IDENTITY.find((name) => other[name] !== genesis[name]);
    if (genesis && other && field) {
      findings.integrity(
        'topic',
        'genesis-disagrees',
        { partition, offset: grouped[partition][0].offset },
        `its genesis names ${field} ${other[field]}, partition ${opening}'s names ${genesis[field]}`,
      );
    }
  }
  const carriesThisJournal = genesis === undefined || genesis.journalId === journalId;
  if (!carriesThisJournal) {
    findings.integrity(
      'topic',
      'other-journal',
      {},
      `topic instance ${genesis.topicInstanceId} carries the events of journal ${genesis.journalId}, not of this journal ${journalId}; nothing on it is compared with this journal`,
    );
  }

  const events: TopicEventMark[] = [];
  const lastPositionOf = new Map<number, number>();
  const checkpoints: CheckpointMark[] = [];
  const firstSeen = new Map<string, TopicEventMark>();
  for (const [partition, partitionRecords] of grouped.entries()) {
    grouped[partition] = [];
    const streams = new Map<string, { events: RecordedEnvelope[]; offsets: string[] }>();
    let lastPosition = 0;
    for (const [index, record] of partitionRecords.entries()) {
      if (index === 0 && geneses[partition] !== undefined) continue;
      const at = { partition, offset: record.offset };
      const entry = entryOf(record);
      if (entry instanceof ContractViolation) {
        findings.integrity('topic', 'invalid-record', at, `not a valid event: ${entry.reason}`);
        continue;
      }
      if (entry.kind === 'genesis') {
        findings.integrity(
          'topic',
          'misplaced-genesis',
          at,
          `a genesis record (instance ${entry.genesis.topicInstanceId}) after the partition's first record`,
        );
        continue;
      }
      const { event } = entry;
      const place = {
        ...at,
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        position: event.position,
        eventId: event.id,
      };
      const instance = topicInstanceOf(record);
      if (genesis && instance !== genesis.topicInstanceId) {
        findings.integrity(
          'topic',
          'foreign-record',
          place,
          instance === undefined
            ? `carries no ${TOPIC_INSTANCE_HEADER} header`
            : `belongs to topic instance ${instance}, not ${genesis.topicInstanceId}`,
        );
        continue;
      }
      const key = versionKey(event.streamId, event.streamVersion);
      const seen = firstSeen.get(key);
      if (seen !== undefined) {
        findings.integrity(
          'topic',
          'duplicate',
          place,
          `the same stream version is already at ${seen.partition}@${seen.offset}`,
        );
        continue;
      }
      const expected = partitionOf(event.streamId, partitions);
      if (expected !== partition) {
        findings.integrity(
          'topic',
          'wrong-partition',
          place,
          `murmur2 puts this stream on partition ${expected}`,
        );
      }
      if (event.position <= lastPosition) {
        findings.integrity(
          'topic',
          'position-order',
          place,
          `position ${event.position} follows position ${lastPosition} on this partition`,
        );
      }
      lastPosition = Math.max(lastPosition, event.position);
      const stream = streams.get(event.streamId) ?? { events: [], offsets: [] };
      stream.events.push(event);
      stream.offsets.push(record.offset);
      streams.set(event.streamId, stream);
      const mark = { ...markOf(event), partition, offset: record.offset };
      firstSeen.set(key, mark);
      events.push(mark);
      const checkpoint = checkpointOf(event);
      if (checkpoint) checkpoints.push(checkpoint);
    }
    if (lastPosition > 0) lastPositionOf.set(partition, lastPosition);
    for (const [streamId, stream] of streams) {
      const chain = verifyStreamChain(stream.events);
      if (chain.ok) continue;
      const index = stream.events.findIndex((event) => event.streamVersion === chain.streamVersion);
      findings.integrity(
        'topic',
        'chain-broken',
        {
          streamId,
          streamVersion: chain.streamVersion,
          position: stream.events[index]?.position,
          partition,
          offset: stream.offsets[index],
          eventId: stream.events[index]?.id,
        },
        chain.reason,
      );
    }
  }
  return {
    partitions,
    records,
    genesis,
    carriesThisJournal,
    events,
    lastPositionOf,
    checkpoints,
  };
}

/** The genesis record opening one partition, checked against the topic; undefined when there is none. */
function checkGenesis(
  first: StoredRecord | undefined,
  partition: number,
  expected: { topic: string; partitions: number },
  findings: Findings,
): TopicGenesis | undefined {
  if (first === undefined) {
    findings.integrity(
      'topic',
      'genesis-missing',
      { partition },
      'the partition is empty, yet the relay opens every partition of an instance with a genesis record',
    );
    return undefined;
  }
  const at = { partition, offset: first.offset };
  const entry = entryOf(first);
  if (entry instanceof ContractViolation) {
    findings.integrity(
      'topic',
      'genesis-invalid',
      at,
      `the first record is not a valid genesis record: ${entry.reason}`,
    );
    return undefined;
  }
  if (entry.kind !== 'genesis') {
    findings.integrity('topic', 'genesis-missing', at, 'the first record is an event, not a genesis record');
    return undefined;
  }
  const { genesis } = entry;
  const mismatches = [
    genesis.topic !== expected.topic && `topic ${genesis.topic}`,
    genesis.partition !== partition && `partition ${genesis.partition}`,
    genesis.partitions !== expected.partitions &&
      `${genesis.partitions} partitions (the topic has ${expected.partitions})`,
  ].filter((mismatch): mismatch is string => typeof mismatch === 'string');
  if (mismatches.length > 0) {
    findings.integrity('topic', 'genesis-disagrees', at, `the genesis record names ${mismatches.join(', ')}`);
  }
  return genesis;
}
