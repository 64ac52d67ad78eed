import { generateKeyPairSync } from 'node:crypto';
import { CHECKPOINT_STREAM_ID, verifyCheckpointSignature, type AnyEventEnvelope } from '@ledger/contracts';
import { Journal } from '@ledger/journal';
import { readTopic } from '@ledger/messaging';
import { createTestDatabase, eventually } from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort } from './support/app-process';
import { createEventTopic, deleteEventTopic, prepareLedger, type Ledger } from './support/ledger-harness';
import {
  appendBurst,
  expectTopicMirrorsJournal,
  publishedPosition,
  readTopicContent,
} from './support/relay-harness';

describe('relay: crashes, failover and changed topics lose nothing and publish nothing twice', () => {
  let ledger: Ledger;
  let journal: Journal;
  const processes: AppProcess[] = [];

  const startRelay = async (env: Record<string, string> = {}) => {
    const relay = AppProcess.start(
      'relay',
      { ...ledger.env, RELAY_BATCH_SIZE: '25', ...env },
      await freePort(),
    );
    processes.push(relay);
    return relay;
  };

  const untilPublished = async (topic = ledger.topic) => {
    const head = await journal.headPosition();
    await eventually(async () => expect(await publishedPosition(journal, topic)).toBe(head));
  };

  beforeAll(() => ensureBuilt());

  beforeEach(async () => {
    ledger = await prepareLedger({ partitions: 3 });
    journal = new Journal(ledger.db.pool);
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.kill('SIGKILL')));
    await ledger.close();
  });

  it('opens a new topic with a genesis record on every partition, naming the instance, the cluster and the journal', async () => {
    await appendBurst(journal, 4, 2, 'genesis');
    await startRelay();
    await untilPublished();
    const instance = await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);
    const [publication] = await journal.publicationsOf(ledger.topic);
    expect(publication).toMatchObject({
      topicInstance: instance,
      partitions: 3,
      position: await journal.headPosition(),
    });
    const { genesis } = await readTopicContent(ledger.kafka, ledger.topic);
    expect([...genesis.keys()].sort()).toEqual([0, 1, 2]);
    expect(genesis.get(0)).toMatchObject({
      topic: ledger.topic,
      partitions: 3,
      clusterId: publication.clusterId,
    });
  });

  it('after a SIGKILL between "Kafka committed" and "the journal recorded it", a restarted relay publishes the rest exactly once', async () => {
    await appendBurst(journal, 10, 10, 'crash');
    const crashing = await startRelay({ RELAY_FAULT: 'kill-after-send', RELAY_FAULT_AFTER_BATCHES: '1' });
    await eventually(() => expect(crashing.exitedWith()).toBe('SIGKILL'));

    const recorded = await publishedPosition(journal, ledger.topic);
    expect(recorded).toBeGreaterThan(0);
    // The second batch reached Kafka but the journal did not record it: the dangerous window.
    const onTopic = await eventually(async () => {
      const { events } = await readTopicContent(ledger.kafka, ledger.topic);
      expect(events.some((event) => event.position > recorded)).toBe(true);
      return events;
    });
    expect(new Set(onTopic.map((event) => event.id)).size).toBe(onTopic.length);

    await appendBurst(journal, 10, 5, 'crash');
    const restarted = await startRelay();
    await untilPublished();
    await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);
    expect(await restarted.metric('relay_events_already_on_topic_total')).toBeGreaterThan(0);
  });

  it('publishes an append that committed while an older transaction was open once that one ends, though its end notifies nothing; held back too long, it is not ready and says why', async () => {
    await appendBurst(journal, 2, 1, 'settle');
    // Without a notification the relay would look again only after a minute.
    const relay = await startRelay({ RELAY_POLL_MS: '60000', RELAY_WAIT_ALARM_MS: '1000' });
    await untilPublished();
    const readiness = async () => {
      const response = await fetch(`http://127.0.0.1:${relay.port}/health/ready`);
      return {
        status: response.status,
        body: (await response.json()) as { error: { publishing: { heldBackMs: number } } },
      };
    };
    expect((await readiness()).status).toBe(200);
    const older = await ledger.db.pool.connect();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      await appendBurst(journal, 2, 1, 'settle');
      await eventually(async () =>
        expect(await relay.metric('relay_waiting_for_older_transactions')).toBe(1),
      );
      expect(await publishedPosition(journal, ledger.topic)).toBeLessThan(await journal.headPosition());
      await eventually(async () => {
        const { status, body } = await readiness();
        expect(status).toBe(503);
        expect(body.error.publishing).toMatchObject({
          status: 'down',
          reason: 'held-back-by-an-open-transaction',
          head: await journal.headPosition(),
        });
        expect(body.error.publishing.heldBackMs).toBeGreaterThan(1000);
      });
      // Set at each look, which comes at most a second apart while events wait.
      expect(await relay.metric('relay_held_back_seconds')).toBeGreaterThan(0);
    } finally {
      await older.query('ROLLBACK');
      older.release();
    }
    // Well within the minute: the relay looks again shortly while something waits.
    const head = await journal.headPosition();
    await eventually(async () => expect(await publishedPosition(journal, ledger.topic)).toBe(head), {
      timeoutMs: 30_000,
    });
    await eventually(async () => expect(await relay.metric('relay_waiting_for_older_transactions')).toBe(0));
    expect(await relay.metric('relay_held_back_seconds')).toBe(0);
    await eventually(async () => expect((await readiness()).status).toBe(200));
    await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);
  });

  it('a standby takes over when the leader is SIGKILLed mid-burst; no event lost or doubled', async () => {
    const first = await startRelay();
    await first.waitForLog(/leading: publishing the journal/);
    const standby = await startRelay();
    await standby.waitForLog(/standing by: another relay leads/);

    const writes = appendBurst(journal, 8, 20, 'failover');
    await eventually(async () => expect(await publishedPosition(journal, ledger.topic)).toBeGreaterThan(20));
    await first.kill('SIGKILL');
    await writes;

    await standby.waitForLog(/leading: publishing the journal/);
    await untilPublished();
    await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);
    expect((await journal.readCommitted(0, 10_000)).length).toBe(160);
  });

  it('a leader frozen past its lease is replaced, and nothing it sends after it wakes reaches consumers', async () => {
    const frozen = await startRelay({ RELAY_LEASE_MS: '5000' });
    await frozen.waitForLog(/leading: publishing the journal/);
    await appendBurst(journal, 4, 2, 'frozen');
    await untilPublished();

    frozen.signal('SIGSTOP');
    const successor = await startRelay({ RELAY_LEASE_MS: '5000' });
    await successor.waitForLog(/leading: publishing the journal/, 90_000);
    await appendBurst(journal, 4, 3, 'frozen');
    await untilPublished();

    // Awake again, the old leader still believes it leads: what it sends now is fenced.
    frozen.signal('SIGCONT');
    await appendBurst(journal, 4, 2, 'frozen');
    await frozen.waitForLog(/fenced by a newer producer|lost the leader session/);
    await untilPublished();
    await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);
    expect(frozen.exitedWith()).toBeUndefined();
  });

  it('takes leadership back by itself when its lock session is terminated, and goes on without doubling', async () => {
    const relay = await startRelay({ RELAY_LEASE_MS: '5000' });
    await relay.waitForLog(/leading: publishing the journal/);
    await appendBurst(journal, 3, 2, 'terminated');
    await untilPublished();

    const { rowCount } = await ledger.db.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ledger-relay-leader' AND datname = current_database()",
    );
    expect(rowCount).toBe(1);
    await appendBurst(journal, 3, 2, 'terminated');
    await untilPublished();
    await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);
    expect(relay.output()).toMatch(/lost the leader session/);
    expect(relay.exitedWith()).toBeUndefined();
  });

  it('republishes the whole journal, once, to a topic deleted and created again while it runs', async () => {
    await appendBurst(journal, 5, 2, 'recreated');
    const relay = await startRelay();
    await untilPublished();
    const before = await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);

    await deleteEventTopic(ledger.kafka, ledger.topic);
    await appendBurst(journal, 5, 1, 'recreated');
    await createEventTopic(ledger.topic, 3);
    await appendBurst(journal, 5, 1, 'recreated');

    await eventually(async () => expect((await journal.publicationsOf(ledger.topic)).length).toBe(2), {
      timeoutMs: 120_000,
    });
    await untilPublished();
    const after = await eventually(() => expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal), {
      timeoutMs: 30_000,
    });
    expect(after).not.toBe(before);
    expect(relay.exitedWith()).toBeUndefined();
  });

  it("refuses to publish to a topic that carries another journal's events", async () => {
    await appendBurst(journal, 3, 2, 'original');
    const first = await startRelay();
    await untilPublished();
    await first.kill('SIGTERM');

    const other = await createTestDatabase();
    try {
      await appendBurst(new Journal(other.pool), 2, 1, 'elsewhere');
      const stranger = await startRelay({ DATABASE_URL: other.url });
      await stranger.waitForLog(/carries the events of journal .* refusing to publish/);
      expect(await stranger.metric('relay_refusing')).toBe(1);
      expect(await new Journal(other.pool).publicationsOf(ledger.topic)).toEqual([]);
    } finally {
      await other.drop();
    }
    await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);
  });

  it('refuses to publish when the topic ends with events a restored (older) copy of the journal does not hold', async () => {
    await appendBurst(journal, 3, 2, 'original');
    const first = await startRelay();
    await untilPublished();
    await first.kill('SIGTERM');

    const restored = await createTestDatabase();
    try {
      await restored.pool.query('UPDATE journal.identity SET journal_id = $1', [await journal.journalId()]);
      const restoredJournal = new Journal(restored.pool);
      await appendBurst(restoredJournal, 2, 1, 'after-restore');
      const stranger = await startRelay({ DATABASE_URL: restored.url });
      await stranger.waitForLog(/which this journal does not hold there.*refusing to publish/);
      expect(await publishedPosition(restoredJournal, ledger.topic)).toBe(0);
    } finally {
      await restored.drop();
    }
    expect((await readTopicContent(ledger.kafka, ledger.topic)).events).toHaveLength(6);
  });

  it('refuses to publish when events the journal recorded as published are missing from the topic instance', async () => {
    await appendBurst(journal, 3, 2, 'missing');
    const first = await startRelay();
    await untilPublished();
    await first.kill('SIGTERM');
    // As if they had been published: what a checkpoint kept by topic name made a relay believe.
    await appendBurst(journal, 3, 1, 'missing');
    const [publication] = await journal.publicationsOf(ledger.topic);
    await journal.savePublication(publication, await journal.headPosition());

    const relay = await startRelay();
    await relay.waitForLog(
      /lacks events of partition \d+: the journal recorded them published up to position \d+/,
    );
    expect(await readTopic(ledger.kafka, ledger.topic)).toHaveLength(3 + 6);
  });

  it('signs a checkpoint of what the journal holds, publishes it like any event, and signs none while nothing new arrives', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const relay = await startRelay({
      CHECKPOINT_SIGNING_KEY: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      CHECKPOINT_INTERVAL_MS: '200',
    });
    await appendBurst(journal, 3, 2, 'signed');
    const checkpoint = await eventually(async () => {
      const last = await journal.lastEventOf(CHECKPOINT_STREAM_ID);
      expect(last?.type).toBe('LedgerCheckpointSigned');
      return last as AnyEventEnvelope & { type: 'LedgerCheckpointSigned' };
    });
    expect(verifyCheckpointSignature(checkpoint.data, [publicKey])).toBe('valid');
    expect(checkpoint.actor.role).toBe('system');
    const { position, eventCount, streamCount, merkleRoot, journalId } = checkpoint.data;
    expect(await journal.checkpointStatementAt(position)).toEqual({
      journalId,
      position,
      eventCount,
      streamCount,
      merkleRoot,
    });
    await untilPublished();
    await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);

    // Idle: the checks that follow find nothing new beyond the checkpoint and sign nothing.
    expect(await relay.metric('relay_checkpoints_signed_total')).toBe(1);
    const checks = await relay.metric('relay_checkpoint_checks_total');
    await eventually(async () =>
      expect(await relay.metric('relay_checkpoint_checks_total')).toBeGreaterThan(checks + 3),
    );
    expect(await relay.metric('relay_checkpoints_signed_total')).toBe(1);
    expect((await journal.readStream(CHECKPOINT_STREAM_ID))?.version).toBe(1);

    await appendBurst(journal, 1, 1, 'signed-later');
    await eventually(async () => expect((await journal.readStream(CHECKPOINT_STREAM_ID))?.version).toBe(2));
    await untilPublished();
    await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);
  });
});
