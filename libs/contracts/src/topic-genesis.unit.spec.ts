import { SEED_STREAMS } from '../test/seed-events';
import { ContractViolation } from './contract-violation';
import { toKafkaRecord } from './kafka-record';
import {
  TOPIC_INSTANCE_HEADER,
  parseGenesisRecord,
  readTopicRecord,
  toGenesisRecord,
  topicInstanceOf,
  withTopicInstance,
  type TopicGenesis,
} from './topic-genesis';

const genesis: TopicGenesis = {
  topicInstanceId: '3f1c2b7e-8a4d-4c55-9e6f-0a1b2c3d4e5f',
  clusterId: 'MkU3OEVBNTcwNTJENDM2Qk',
  topic: 'policy.events',
  partition: 2,
  partitions: 6,
  journalId: '0b7d4c36-6f1e-4d58-9d1c-2f3a1e0c9b11',
  createdAt: '2026-11-29T10:00:00.000Z',
};

describe('topic genesis records', () => {
  it('round-trip, and name the instance in a header as every record of the instance does', () => {
    const record = toGenesisRecord(genesis);
    expect(record.partition).toBe(2);
    expect(record.headers).toMatchObject({
      ce_type: 'ledger.topic.genesis',
      [TOPIC_INSTANCE_HEADER]: genesis.topicInstanceId,
    });
    expect(parseGenesisRecord(record)).toEqual(genesis);
    expect(readTopicRecord(record)).toEqual({ kind: 'genesis', genesis });
  });

  it('refuses a genesis record whose header names another instance, or whose data is malformed', () => {
    const record = toGenesisRecord(genesis);
    const otherHeader = withTopicInstance(record, '00000000-0000-4000-8000-000000000000');
    expect(() => parseGenesisRecord(otherHeader)).toThrow(/is not its instance/);
    const document = JSON.parse(record.value) as { data: Record<string, unknown> };
    const broken = {
      ...record,
      value: JSON.stringify({ ...document, data: { ...document.data, partition: 6 } }),
    };
    expect(() => parseGenesisRecord(broken)).toThrow(ContractViolation);
    expect(() => parseGenesisRecord({ ...record, value: '{' })).toThrow(/not JSON/);
  });

  it('leaves an event stamped with its topic instance a valid event', () => {
    const event = SEED_STREAMS[0][0];
    const stamped = withTopicInstance(toKafkaRecord(event), genesis.topicInstanceId);
    expect(topicInstanceOf(stamped)).toBe(genesis.topicInstanceId);
    expect(readTopicRecord(stamped)).toEqual({ kind: 'event', event });
    expect(topicInstanceOf(toKafkaRecord(event))).toBeUndefined();
  });
});
