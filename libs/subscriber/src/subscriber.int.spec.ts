import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Registry } from 'prom-client';
import type { Pool } from 'pg';
import { computeEventHash, type AnyEventEnvelope, type EventEnvelope } from '@ledger/contracts';
import { createKafka, type Kafka } from '@ledger/messaging';
import {
  createTestDatabase,
  eventually,
  testKafka,
  testTopic,
  uniqueName,
  type TestDatabase,
} from '@ledger/testing';
import {
  createEventTopic,
  produce,
  recreateTopic,
  tariffStream,
} from '../../../test/support/projector-harness';
import { ChainBroken } from './errors';
import { Subscriber } from './subscriber';
import { installSubscriberTables } from './tables';

const ROOT = path.resolve(__dirname, '../../..');

/** A stream id of the contract's form, unique to this call. */
function streamName(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}
const WAIT = { timeoutMs: 90_000, intervalMs: 100 };

/** The effects a test subscriber writes in its handlers' transaction: one row per event it handled. */
async function createEffects(pool: Pool, schema: string): Promise<void> {
  await installSubscriberTables(pool, schema);
  await pool.query(`CREATE TABLE ${schema}.effects (
    event_id uuid PRIMARY KEY, stream_id text NOT NULL, stream_version int NOT NULL, type text NOT NULL, rate numeric
  )`);
}

/** The same stream with v`version`'s prevHash pointing elsewhere, its own hash recomputed: valid alone, not chained. */
function breakChainAt(events: readonly AnyEventEnvelope[], version: number): AnyEventEnvelope[] {
  return events.map((event) => {
    if (event.streamVersion !== version) return event;
    const { hash: _hash, position: _position, ...rest } = event;
    const forged = { ...rest, prevHash: 'f'.repeat(64) } as Omit<EventEnvelope, 'hash' | 'position'>;
    return { ...forged, position: event.position, hash: computeEventHash(forged) } as AnyEventEnvelope;
  });
}

describe('Subscriber on the real broker and Postgres', () => {
  let db: TestDatabase;
  let admin: Kafka;
  let subscriberKafka: Kafka;
  /** Errors of batch transactions: none is expected, and one fails the test at once. */
  const failures: unknown[] = [];

  afterEach(() => {
    expect(failures.splice(0)).toEqual([]);
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    subscriberKafka = createKafka(testKafka('subscriber', { clientId: 'subscriber-int' }));
  });

  afterAll(async () => {
    await db.drop();
  });

  async function effects(
    schema: string,
  ): Promise<{ event_id: string; stream_version: number; type: string; rate: string | null }[]> {
    const { rows } = await db.pool.query<{
      event_id: string;
      stream_version: number;
      type: string;
      rate: string | null;
    }>(
      `SELECT event_id::text AS event_id, stream_version, type, rate::text AS rate FROM ${schema}.effects
       ORDER BY stream_id, stream_version`,
    );
    return rows;
  }

  function typedSubscriber(topic: string, schema: string, name: string, registry: Registry): Subscriber {
    return new Subscriber(
      subscriberKafka,
      db.pool,
      { name, topic, schema, groupId: uniqueName('subscriber-int-'), registry },
      {
        TariffImposed: async (event, tx) => {
          // Upcast to the current version: v1 records gain `heading: null`.
          expect(event.data.heading).toBeNull();
          await tx.query(`INSERT INTO ${schema}.effects VALUES ($1, $2, $3, $4, $5)`, [
            event.id,
            event.streamId,
            event.streamVersion,
            event.type,
            event.data.rate,
          ]);
        },
        TariffRateChanged: async (event, tx) => {
          expect(event.data.instrument).toBeNull();
          await tx.query(`INSERT INTO ${schema}.effects VALUES ($1, $2, $3, $4, $5)`, [
            event.id,
            event.streamId,
            event.streamVersion,
            event.type,
            event.data.rate,
          ]);
        },
      },
    );
  }

  async function metric(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
    const found = (await registry.getSingleMetric(name)?.get())?.values.find((value) =>
      Object.entries(labels).every(([key, expected]) => value.labels[key] === expected),
    );
    return found?.value ?? 0;
  }

  it('hands each event once, upcast, with its checkpoint, and ignores duplicates and a re-created topic', async () => {
    const topic = testTopic('subscriber-once');
    const schema = uniqueName('sub_once_');
    await createEffects(db.pool, schema);
    admin = await createEventTopic(topic, 2);
    const streams = [tariffStream(streamName('us-a'), 3), tariffStream(streamName('us-b'), 2)];
    await produce(admin, topic, streams.flat());
    const registry = new Registry();
    const subscriber = typedSubscriber(topic, schema, 'once', registry);
    await subscriber.start();
    try {
      await eventually(async () => expect(await effects(schema)).toHaveLength(5), WAIT);
      // The same events again, as a duplicate publication would put them.
      await produce(admin, topic, streams.flat());
      await eventually(
        async () =>
          expect(await metric(registry, 'subscriber_records_total', { outcome: 'duplicate' })).toBe(5),
        WAIT,
      );
    } finally {
      await subscriber.stop();
    }
    await expect(subscriber.stopped).resolves.toBeUndefined();
    const rows = await effects(schema);
    expect(rows.map((row) => row.event_id).sort()).toEqual(
      streams
        .flat()
        .map((event) => event.id)
        .sort(),
    );
    expect(await metric(registry, 'subscriber_records_total', { outcome: 'handled' })).toBe(5);
    const { rows: heads } = await db.pool.query<{ stream_id: string; stream_version: number; hash: string }>(
      `SELECT stream_id, stream_version, hash FROM ${schema}.subscriber_streams ORDER BY stream_id`,
    );
    expect(heads).toEqual(
      streams
        .map((events) => events[events.length - 1])
        .map((last) => ({ stream_id: last.streamId, stream_version: last.streamVersion, hash: last.hash }))
        .sort((a, b) => a.stream_id.localeCompare(b.stream_id)),
    );

    // A new topic instance: the relay republishes everything; the subscriber reads it from its
    // genesis records on and handles only what is new.
    await recreateTopic(admin, topic, 2);
    const later = tariffStream(streamName('us-c'), 1);
    await produce(admin, topic, [...streams.flat(), ...later]);
    const again = typedSubscriber(topic, schema, 'once', registry);
    await again.start();
    try {
      await eventually(async () => expect(await effects(schema)).toHaveLength(6), WAIT);
      await eventually(
        async () =>
          expect(await metric(registry, 'subscriber_records_total', { outcome: 'duplicate' })).toBe(10),
        WAIT,
      );
    } finally {
      await again.stop();
    }
    const { rows: instances } = await db.pool.query<{ n: string }>(
      `SELECT count(DISTINCT topic_instance)::text AS n FROM ${schema}.subscriber_offsets WHERE subscriber = 'once'`,
    );
    expect(instances[0].n).toBe('2');
  });

  it('refuses a record that does not chain: stops with ChainBroken and a metric, commits nothing of it', async () => {
    const topic = testTopic('subscriber-chain');
    const schema = uniqueName('sub_chain_');
    await createEffects(db.pool, schema);
    admin = await createEventTopic(topic, 1);
    const stream = breakChainAt(tariffStream(streamName('us-broken'), 3), 3);
    await produce(admin, topic, stream.slice(0, 2));
    const registry = new Registry();
    const subscriber = typedSubscriber(topic, schema, 'chain', registry);
    await subscriber.start();
    try {
      await eventually(async () => expect(await effects(schema)).toHaveLength(2), WAIT);
      await produce(admin, topic, stream.slice(2));
      const refusal = await subscriber.stopped.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(ChainBroken);
      expect(refusal).toMatchObject({ name: 'ChainBroken', streamId: stream[2].streamId, streamVersion: 3 });
    } finally {
      await subscriber.stop();
    }
    expect(
      await metric(registry, 'subscriber_refusals_total', { subscriber: 'chain', reason: 'chain-broken' }),
    ).toBe(1);
    expect(await metric(registry, 'subscriber_stopped_on_refusal', { subscriber: 'chain' })).toBe(1);
    expect((await effects(schema)).map((row) => row.stream_version)).toEqual([1, 2]);
    // The checkpoint stays before the refused record: a restart reads it again and refuses again.
    const { rows } = await db.pool.query<{ next_offset: string }>(
      `SELECT next_offset::text AS next_offset FROM ${schema}.subscriber_offsets`,
    );
    expect(rows).toEqual([{ next_offset: '3' }]);
  });

  describe('killed between its handler and its commit', () => {
    const children: ChildProcess[] = [];
    afterEach(() => {
      for (const child of children.splice(0)) child.kill('SIGKILL');
    });

    /** A subscriber in a process of its own, from the built SDK; it prints a line per event handled. */
    function runSubscriber(config: object): {
      child: ChildProcess;
      handled: string[];
      exit: Promise<NodeJS.Signals | null>;
    } {
      const script = `
        const { Pool } = require('pg');
        const { Subscriber } = require(${JSON.stringify(path.join(ROOT, 'dist/libs/subscriber/src'))});
        const { createKafka } = require(${JSON.stringify(path.join(ROOT, 'dist/libs/messaging/src'))});
        const config = JSON.parse(process.env.SUBSCRIBER_CONFIG);
        const pool = new Pool({ connectionString: config.url });
        const handle = async (event, tx) => {
          await tx.query('INSERT INTO ' + config.schema + '.effects VALUES ($1, $2, $3, $4, $5)',
            [event.id, event.streamId, event.streamVersion, event.type, event.data.rate]);
          process.stdout.write('handled ' + event.id + '\\n');
        };
        const subscriber = new Subscriber(createKafka(config.kafka), pool,
          { name: config.name, topic: config.topic, schema: config.schema, groupId: config.groupId },
          { TariffImposed: handle, TariffRateChanged: handle },
          { beforeCommit: (events) => {
              if (events.some((event) => event.id === config.killOn)) process.kill(process.pid, 'SIGKILL');
          } });
        subscriber.start();
        process.on('SIGTERM', () => subscriber.stop().then(() => pool.end()).then(() => process.exit(0)));
      `;
      const child = spawn(process.execPath, ['-e', script], {
        cwd: ROOT,
        env: { ...process.env, SUBSCRIBER_CONFIG: JSON.stringify(config) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      const handled: string[] = [];
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines)
          if (line.startsWith('handled ')) handled.push(line.slice('handled '.length));
      });
      const exit = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      return { child, handled, exit };
    }

    it('redelivers the batch once and its effects are applied once', async () => {
      const topic = testTopic('subscriber-crash');
      const schema = uniqueName('sub_crash_');
      await createEffects(db.pool, schema);
      admin = await createEventTopic(topic, 1);
      const events = tariffStream(streamName('us-crash'), 4);
      await produce(admin, topic, events);
      const config = {
        url: db.url,
        kafka: testKafka('subscriber', { clientId: 'subscriber-crash' }),
        name: 'crash',
        topic,
        schema,
        groupId: uniqueName('subscriber-crash-'),
        killOn: events[2].id,
      };
      const first = runSubscriber(config);
      expect(await first.exit).toBe('SIGKILL');
      // It handled the event it was killed on, and nothing of that transaction committed.
      expect(first.handled).toContain(events[2].id);
      expect((await effects(schema)).map((row) => row.event_id)).not.toContain(events[2].id);

      const second = runSubscriber({ ...config, killOn: null });
      await eventually(async () => expect(await effects(schema)).toHaveLength(4), WAIT);
      second.child.kill('SIGTERM');
      expect(await second.exit).toBeNull();
      expect(second.handled.filter((id) => id === events[2].id)).toHaveLength(1);
      expect([...first.handled, ...second.handled].filter((id) => id === events[2].id)).toHaveLength(2);
      expect((await effects(schema)).map((row) => row.event_id)).toEqual(events.map((event) => event.id));

      // A third start resumes from the checkpoint and handles nothing again.
      const third = runSubscriber({ ...config, killOn: null });
      const more = tariffStream(streamName('us-after'), 1);
      await produce(admin, topic, more);
      await eventually(() => expect(third.handled).toEqual([more[0].id]), WAIT);
      third.child.kill('SIGTERM');
      await third.exit;
      expect(await effects(schema)).toHaveLength(5);
    });
  });
});
