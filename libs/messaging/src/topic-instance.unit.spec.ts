import { randomUUID } from 'node:crypto';
import { TOPIC_INSTANCE_HEADER, toGenesisRecord, type ReceivedKafkaRecord } from '@ledger/contracts';
import { NO_GENESIS, TopicInstances, resolveInstance } from './topic-instance';

function genesis(instance: string, partition = 0): ReceivedKafkaRecord {
  return toGenesisRecord({
    topicInstanceId: instance,
    clusterId: 'cluster',
    topic: 'policy.events',
    partition,
    partitions: 3,
    journalId: randomUUID(),
    createdAt: '2025-04-01T00:00:00.000Z',
  });
}

function record(instance?: string): ReceivedKafkaRecord {
  return {
    key: 'us-steel',
    value: '{}',
    headers: instance === undefined ? {} : { [TOPIC_INSTANCE_HEADER]: instance },
  };
}

describe('resolveInstance', () => {
  const [current, other] = [randomUUID(), randomUUID()];

  it('takes the instance from the genesis record when the reading starts at offset 0', () => {
    const known = new TopicInstances();

    expect(
      resolveInstance(
        { partition: 0, fetchedOffset: '0', records: [genesis(other), record(other)] },
        current,
        known,
      ),
    ).toEqual({
      kind: 'start',
      instance: other,
    });
  });

  it('names no instance for a partition that opens with anything but its own genesis record', () => {
    const known = new TopicInstances();

    for (const first of [record(current), genesis(current, 2)]) {
      expect(
        resolveInstance({ partition: 0, fetchedOffset: '0', records: [first] }, undefined, known),
      ).toEqual({
        kind: 'start',
        instance: NO_GENESIS,
      });
    }
  });

  it('goes back to offset 0 when no offsets are stored for the partition', () => {
    expect(
      resolveInstance(
        { partition: 0, fetchedOffset: '12', records: [record(current)] },
        undefined,
        new TopicInstances(),
      ),
    ).toMatchObject({ kind: 'rewind' });
  });

  it("continues the current instance, whose records and records without the header are the partition's to judge", () => {
    expect(
      resolveInstance(
        { partition: 0, fetchedOffset: '12', records: [record(current), record()] },
        current,
        new TopicInstances(),
      ),
    ).toEqual({ kind: 'continue', instance: current });
  });

  it('checks the start of the partition once for records of an unknown instance, then knows them foreign', () => {
    const known = new TopicInstances();
    const later = { partition: 0, fetchedOffset: '12', records: [record(current), record(other)] };

    expect(resolveInstance(later, current, known)).toMatchObject({ kind: 'rewind' });
    expect(
      resolveInstance({ partition: 0, fetchedOffset: '0', records: [genesis(current)] }, current, known),
    ).toEqual({
      kind: 'start',
      instance: current,
    });
    expect(resolveInstance(later, current, known)).toEqual({ kind: 'continue', instance: current });
    expect(resolveInstance({ ...later, partition: 1 }, current, known)).toMatchObject({ kind: 'rewind' });
  });

  it('takes an unknown instance for a new one when the start of the partition names it', () => {
    const known = new TopicInstances();
    const later = { partition: 0, fetchedOffset: '12', records: [record(other)] };

    expect(resolveInstance(later, current, known)).toMatchObject({ kind: 'rewind' });
    expect(
      resolveInstance({ partition: 0, fetchedOffset: '0', records: [genesis(other)] }, current, known),
    ).toEqual({
      kind: 'start',
      instance: other,
    });
    expect(
      resolveInstance({ partition: 0, fetchedOffset: '12', records: [record(current)] }, other, known),
    ).toMatchObject({
      kind: 'rewind',
    });
  });

  it('forgets what was foreign once the start of the partition names another instance', () => {
    const known = new TopicInstances();
    const renewed = randomUUID();
    resolveInstance({ partition: 0, fetchedOffset: '12', records: [record(other)] }, current, known);
    resolveInstance({ partition: 0, fetchedOffset: '0', records: [genesis(current)] }, current, known);
    expect(known.isForeign(0, other)).toBe(true);

    resolveInstance({ partition: 0, fetchedOffset: '0', records: [genesis(renewed)] }, current, known);

    expect(known.isForeign(0, other)).toBe(false);
  });
});
