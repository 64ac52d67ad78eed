import { v7 as uuidv7 } from 'uuid';
import {
  computeEventHash,
  toKafkaRecord,
  type AnyEventEnvelope,
  type EventEnvelope,
} from '@ledger/contracts';
import { EventProducer, type Kafka, type OutgoingRecord } from '@ledger/messaging';
import { eventually } from '@ledger/testing';
import { AppProcess, freePort } from './app-process';

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

/** Produces events (as the relay would) or raw records straight to the topic, in the given order. */
export async function produce(
  kafka: Kafka,
  topic: string,
  records: readonly (AnyEventEnvelope | OutgoingRecord)[],
): Promise<void> {
  const producer = new EventProducer(kafka, topic);
  await producer.connect();
  try {
    await producer.send(records.map((record) => ('hash' in record ? toKafkaRecord(record) : record)));
  } finally {
    await producer.disconnect();
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
