import {
  fromKafkaRecord,
  verifyStreamChain,
  type AnyEventEnvelope,
  type PolicyEvent,
} from '@ledger/contracts';
import { Journal } from '@ledger/journal';
import { readTopic, type Kafka } from '@ledger/messaging';
import { createTestDatabase, eventually } from '@ledger/testing';
import { AppProcess, ensureBuilt } from './support/app-process';
import { prepareLedger, type Ledger } from './support/ledger-harness';

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
async function appendBurst(journal: Journal, streams: number, rounds: number, prefix: string): Promise<void> {
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

/** Every record on the topic is a valid event, each (stream, version) exactly once, in order, chained. */
async function expectTopicMirrorsJournal(
  kafka: Kafka,
  topic: string,
  journal: Journal,
): Promise<AnyEventEnvelope[]> {
  const onTopic = (await readTopic(kafka, topic)).map((record) => fromKafkaRecord(record));
  const inJournal = await journal.readAll(0, 100_000);
  const keys = onTopic.map((event) => `${event.streamId}@${event.streamVersion}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(onTopic).toHaveLength(inJournal.length);
  const streams = new Map<string, AnyEventEnvelope[]>();
  for (const event of onTopic) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
  for (const events of streams.values()) {
    expect(events.map((event) => event.streamVersion)).toEqual(events.map((_, index) => index + 1));
    expect(verifyStreamChain(events)).toMatchObject({ ok: true });
  }
  return onTopic;
}

describe('relay: crashes and failover lose nothing and publish nothing twice', () => {
  let ledger: Ledger;
  let journal: Journal;
  const processes: AppProcess[] = [];

  const startRelay = (env: Record<string, string> = {}) => {
    const relay = AppProcess.start('relay', { ...ledger.env, RELAY_BATCH_SIZE: '25', ...env });
    processes.push(relay);
    return relay;
  };

  beforeAll(() => ensureBuilt());

  beforeEach(async () => {
    ledger = await prepareLedger({ partitions: 3 });
    journal = new Journal(ledger.db.pool);
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.kill()));
    await ledger.close();
  });

  it('after a SIGKILL between "Kafka acknowledged" and "checkpoint saved", a restarted relay publishes the rest exactly once', async () => {
    await appendBurst(journal, 10, 10, 'crash');
    const crashing = startRelay({ RELAY_FAULT: 'kill-after-send', RELAY_FAULT_AFTER_BATCHES: '1' });
    await eventually(() => expect(crashing.exitedWith()).toBe('SIGKILL'));

    const checkpoint = await journal.readCheckpoint(ledger.topic);
    const onTopicAfterCrash = await readTopic(ledger.kafka, ledger.topic);
    expect(checkpoint).toBeGreaterThan(0);
    // The third batch reached Kafka but the checkpoint did not move: the dangerous window.
    expect(onTopicAfterCrash.length).toBeGreaterThan(
      (await journal.readAll(0, 100_000)).filter((event) => event.position <= checkpoint).length,
    );

    await appendBurst(journal, 10, 5, 'crash');
    startRelay();
    const head = await journal.headPosition();
    await eventually(async () => expect(await journal.readCheckpoint(ledger.topic)).toBe(head));
    expect(await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal)).toHaveLength(150);
  });

  it('a standby takes over when the leader is SIGKILLed mid-burst; no event lost or doubled', async () => {
    const first = startRelay();
    await first.waitForLog(/leading/);
    const standby = startRelay();
    await standby.waitForLog(/relay|Nest application successfully started/i);

    const writes = appendBurst(journal, 8, 20, 'failover');
    await eventually(async () => expect(await journal.readCheckpoint(ledger.topic)).toBeGreaterThan(20));
    await first.kill('SIGKILL');
    await writes;

    await standby.waitForLog(/leading/);
    const head = await journal.headPosition();
    await eventually(async () => expect(await journal.readCheckpoint(ledger.topic)).toBe(head));
    expect(await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal)).toHaveLength(160);
  });

  it('refuses to publish when the topic ends with events this journal does not hold (a restored database)', async () => {
    await appendBurst(journal, 3, 2, 'original');
    const first = startRelay();
    const head = await journal.headPosition();
    await eventually(async () => expect(await journal.readCheckpoint(ledger.topic)).toBe(head));
    await first.kill('SIGTERM');

    const restored = await createTestDatabase();
    try {
      const restoredJournal = new Journal(restored.pool);
      await appendBurst(restoredJournal, 2, 1, 'after-restore');
      const stranger = startRelay({ DATABASE_URL: restored.url });
      await stranger.waitForLog(/refusing to publish/);
      expect(await restoredJournal.readCheckpoint(ledger.topic)).toBe(0);
      expect(await readTopic(ledger.kafka, ledger.topic)).toHaveLength(6);
      await stranger.kill();
    } finally {
      await restored.drop();
    }
  });
});
