import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import type { Pool } from 'pg';
import { fromKafkaRecord, isGenesisRecord, type PolicyEvent } from '@ledger/contracts';
import { Journal } from '@ledger/journal';
import { consumeEachMessage, type Kafka } from '@ledger/messaging';
import { RelayModule } from '../apps/relay/src/relay.module';

export interface RelayLatency {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Pause between writes, so each one meets an idle relay, as the "idle system" says. */
const IDLE_MS = 100;

function rateChange(rate: number): PolicyEvent {
  return { type: 'TariffRateChanged', data: { rate, validFrom: '2025-05-14T04:01:00.000Z' } };
}

const IMPOSED: PolicyEvent = {
  type: 'TariffImposed',
  data: {
    imposer: 'US',
    targets: ['CN'],
    program: 'US-IEEPA-RECIPROCAL',
    products: { scope: 'all' },
    title: 'Latency probe',
    legalInstrument: 'Executive Order 14257',
    announcedAt: '2025-04-02T20:00:00.000Z',
    rate: 34,
    validFrom: '2025-04-09T04:01:00.000Z',
  },
};

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

/**
 * Commit-to-consumer latency through the real relay (in this process, woken by NOTIFY): one
 * event is committed to the journal at a time on an otherwise idle system, and a consumer on
 * the topic notes when it arrives. Includes the consumer's own fetch, so it is an upper bound
 * on "on the topic after commit".
 */
export async function measureRelayLatency(
  kafka: Kafka,
  pool: Pool,
  settings: { databaseUrl: string; topic: string; partitions: number; groupId: string },
  samples: number,
): Promise<RelayLatency> {
  Object.assign(process.env, {
    DATABASE_URL: settings.databaseUrl,
    KAFKA_TOPIC: settings.topic,
    KAFKA_TOPIC_PARTITIONS: String(settings.partitions),
    LOG_LEVEL: 'warn',
  });
  const relay = await NestFactory.createApplicationContext(RelayModule, { logger: false });
  await relay.init();
  const arrivals = new Map<string, number>();
  const consuming = consumeEachMessage(
    kafka,
    {
      groupId: settings.groupId,
      topic: settings.topic,
      fromBeginning: true,
      accept: (record) => !isGenesisRecord(record),
    },
    (record) => {
      arrivals.set(fromKafkaRecord(record).id, performance.now());
      return Promise.resolve();
    },
    samples + 1,
  );
  const journal = new Journal(pool);
  const append = (version: number) =>
    journal.append({
      streamId: 'relay-latency-probe',
      streamType: 'tariff-measure',
      expectedVersion: version,
      events: [version === 0 ? IMPOSED : rateChange(10 + (version % 90))],
      actor: { keyId: 'bench', role: 'admin' },
      correlationId: `latency-${version}`,
      causationId: null,
      citation: { reference: 'benchmark probe' },
    });
  const arrived = async (id: string): Promise<number> => {
    for (const deadline = performance.now() + 30_000; performance.now() < deadline;) {
      const at = arrivals.get(id);
      if (at !== undefined) return at;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    throw new Error(`event ${id} did not reach the topic within 30 s`);
  };
  try {
    // The first event also waits for the consumer to join its group: not counted.
    await arrived((await append(0)).events[0].id);
    const latencies: number[] = [];
    for (let version = 1; version <= samples; version++) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const { events } = await append(version);
      const committedAt = performance.now();
      latencies.push((await arrived(events[0].id)) - committedAt);
    }
    await consuming;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      samples,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted[sorted.length - 1],
    };
  } finally {
    await relay.close();
  }
}
