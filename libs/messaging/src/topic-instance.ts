import {
  ContractViolation,
  TOPIC_INSTANCE_HEADER,
  isGenesisRecord,
  parseGenesisRecord,
  type ReceivedKafkaRecord,
} from '@ledger/contracts';

/**
 * The instance under which the offsets of a partition that does not open with a genesis record
 * are kept: no relay wrote it, so every record in it is foreign.
 */
export const NO_GENESIS = '00000000-0000-0000-0000-000000000000';

interface PartitionKnowledge {
  /** The instance whose genesis this process last read at the start of the partition. */
  origin?: string;
  /** Instances whose records sit in the partition though its start names another one. */
  readonly foreign: Set<string>;
  /** Instances whose records made this process go back to the start to see which it is. */
  readonly suspects: Set<string>;
}

/**
 * What one process learnt of each partition by reading its start. A record of an instance the
 * stored offsets do not know is either the first sign of a new topic instance (a re-created
 * topic, a wiped broker read from where the old one ended) or a foreign record; only the start
 * of the partition tells which. The answer is kept in memory: a new process asks again, once.
 */
export class TopicInstances {
  private readonly partitions = new Map<number, PartitionKnowledge>();

  isForeign(partition: number, instance: string): boolean {
    return this.of(partition).foreign.has(instance);
  }

  suspect(partition: number, instances: readonly string[]): void {
    for (const instance of instances) this.of(partition).suspects.add(instance);
  }

  /** The start of the partition names `origin`: every other suspect is foreign there. */
  readStart(partition: number, origin: string): void {
    const known = this.of(partition);
    // What was foreign to another origin says nothing about this one.
    if (known.origin !== origin) known.foreign.clear();
    known.origin = origin;
    for (const suspect of known.suspects) if (suspect !== origin) known.foreign.add(suspect);
    known.suspects.clear();
  }

  private of(partition: number): PartitionKnowledge {
    let known = this.partitions.get(partition);
    if (!known) {
      known = { foreign: new Set(), suspects: new Set() };
      this.partitions.set(partition, known);
    }
    return known;
  }
}

/**
 * Which topic instance a batch belongs to:
 * - `start`: the reading began at offset 0, so its first record says (a genesis record names the
 *   instance; anything else means the partition has none);
 * - `continue`: it carries only the partition's current instance (and instances known foreign);
 * - `rewind`: it must be read from offset 0 first, because no offsets are stored for the
 *   partition or its records name an instance not yet checked against the partition's start.
 */
export type InstanceResolution =
  | { readonly kind: 'start' | 'continue'; readonly instance: string }
  | { readonly kind: 'rewind'; readonly reason: string };

/** The instance a genesis record opens for `partition`; undefined when it is no such record. */
export function genesisInstance(record: ReceivedKafkaRecord, partition: number): string | undefined {
  if (!isGenesisRecord(record)) return undefined;
  try {
    const genesis = parseGenesisRecord(record);
    return genesis.partition === partition ? genesis.topicInstanceId : undefined;
  } catch (error) {
    if (error instanceof ContractViolation) return undefined;
    throw error;
  }
}

export function resolveInstance(
  batch: {
    readonly partition: number;
    readonly fetchedOffset: string;
    readonly records: readonly ReceivedKafkaRecord[];
  },
  current: string | undefined,
  known: TopicInstances,
): InstanceResolution {
  if (BigInt(batch.fetchedOffset) === 0n) {
    const origin = genesisInstance(batch.records[0], batch.partition) ?? NO_GENESIS;
    known.readStart(batch.partition, origin);
    return { kind: 'start', instance: origin };
  }
  if (current === undefined) {
    return { kind: 'rewind', reason: 'no offsets are stored for this partition' };
  }
  const unexplained = new Set<string>();
  for (const record of batch.records) {
    const instance = record.headers[TOPIC_INSTANCE_HEADER];
    if (instance !== undefined && instance !== current && !known.isForeign(batch.partition, instance)) {
      unexplained.add(instance);
    }
  }
  if (unexplained.size > 0) {
    known.suspect(batch.partition, [...unexplained]);
    return {
      kind: 'rewind',
      reason: `records of topic instance ${[...unexplained].join(', ')}, not of the partition's ${current}`,
    };
  }
  return { kind: 'continue', instance: current };
}
