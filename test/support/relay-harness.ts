import {
  readTopicRecord,
  topicInstanceOf,
  verifyStreamChain,
  type RecordedEnvelope,
  type PolicyEvent,
  type TopicGenesis,
} from '@ledger/contracts';
import type { Journal } from '@ledger/journal';
import { partitionOf, readTopic, type Kafka } from '@ledger/messaging';

const actor = { keyId: 'key-relay-test', role: 'admin' } as const;
const citation = { reference: 'Executive Order 14259' };

function imposed(index: number): PolicyEvent {
  return {
    type: 'TariffImposed',
    data: {
      imposer: 'US',
      targets: ['CN'],
      program: `US-TEST-${index}`,
      products: { scope: 'codes', codes: ['850511'] },
      title: `Measure ${index}`,
      legalInstrument: 'Executive Order 14259',
      announcedAt: '2025-04-08T00:00:00.000Z',
      rate: 10,
      validFrom: '2025-04-09T04:01:00.000Z',
    },
  };
}

function rateChange(rate: number): PolicyEvent {
  return { type: 'TariffRateChanged', data: { rate, validFrom: '2025-05-14T04:01:00.000Z' } };
}

/** Appends `rounds` events to each of `streams` streams, round-robin, one transaction each. */
export async function appendBurst(
  journal: Journal,
  streams: number,
  rounds: number,
  prefix: string,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      Array.from({ length: streams }, async (_, index) => {
        const streamId = `${prefix}-${index}`;
        const current = (await journal.readStream(streamId))?.version ?? 0;
        await journal.append({
          streamId,
          streamType: 'tariff-measure',
          expectedVersion: current,
          events: [current === 0 ? imposed(index) : rateChange(10 + current)],
          actor,
          correlationId: `burst-${round}`,
          causationId: null,
          citation,
        });
      }),
    );
  }
}

/** The last position the relay says Kafka acknowledged on the newest instance of `topic`. */
export async function publishedPosition(journal: Journal, topic: string): Promise<number> {
  return (await journal.publicationsOf(topic)).at(-1)?.position ?? 0;
}

export interface TopicContent {
  /** One genesis per partition, by partition. */
  readonly genesis: ReadonlyMap<number, TopicGenesis>;
  readonly events: readonly RecordedEnvelope[];
}

/** Reads the whole topic as its readers must: genesis records and valid, hash-checked events. */
export async function readTopicContent(kafka: Kafka, topic: string): Promise<TopicContent> {
  const genesis = new Map<number, TopicGenesis>();
  const events: RecordedEnvelope[] = [];
  for (const record of await readTopic(kafka, topic)) {
    const entry = readTopicRecord(record);
    // The genesis is the first committed record of its partition (aborted attempts may precede it).
    if (entry.kind === 'genesis') {
      expect(genesis.has(record.partition)).toBe(false);
      genesis.set(record.partition, entry.genesis);
    } else {
      expect(genesis.has(record.partition)).toBe(true);
      expect(topicInstanceOf(record)).toBe(genesis.get(record.partition)?.topicInstanceId);
      expect(record.partition).toBe(
        partitionOf(entry.event.streamId, genesis.get(record.partition)?.partitions ?? 0),
      );
      events.push(entry.event);
    }
  }
  return { genesis, events };
}

/**
 * The topic is one instance opened by genesis records on every partition, and holds exactly the
 * journal's events: each once (compared by id, hash and position), each stream in version order
 * and hash-chained. Returns the instance id.
 */
export async function expectTopicMirrorsJournal(
  kafka: Kafka,
  topic: string,
  journal: Journal,
): Promise<string> {
  const { genesis, events } = await readTopicContent(kafka, topic);
  const instances = new Set([...genesis.values()].map((entry) => entry.topicInstanceId));
  expect(instances.size).toBe(1);
  const [instance] = instances;
  expect(genesis.size).toBe([...genesis.values()][0]?.partitions);
  const journalId = await journal.journalId();
  expect([...genesis.values()].map((entry) => entry.journalId)).toEqual(
    [...genesis.values()].map(() => journalId),
  );

  const inJournal = await journal.readCommitted(0, 1_000_000);
  const identity = (event: RecordedEnvelope) => `${event.id} ${event.position} ${event.hash}`;
  expect(events.map(identity).sort()).toEqual(inJournal.map(identity).sort());
  const streams = new Map<string, RecordedEnvelope[]>();
  for (const event of events) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
  for (const stream of streams.values()) {
    expect(verifyStreamChain(stream)).toMatchObject({ ok: true });
  }
  return instance;
}
