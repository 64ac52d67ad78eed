import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import request from 'supertest';
import { AdminApiModule } from '../apps/admin-api/src/admin-api.module';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { KeyStore } from '@ledger/http';
import { KEYS, prepareLedger, startInProcess, type Ledger } from './support/ledger-harness';
import { imposeReciprocalOnChina, raiseTo84 } from './support/policy-bodies';
import { SseClient } from './support/sse-client';

const PER_KEY = 2;
const IN_ALL = 3;
const REAUTH_MS = 300;

/** The one place a key is revoked: through the key store, as the admin API and the CLI do. */
async function revokeKey(pool: Pool, keyId: string): Promise<void> {
  await new KeyStore(pool).revoke(keyId, { keyId: 'key-test-operator', role: 'admin' });
}

/** An issued key (`tpl_<key id>_<secret>`) carries its id. */
function keyIdOf(key: string): string {
  return key.split('_')[1];
}

describe('Server-Sent Events: capped, fed by one journal tailer, closed when the key goes', () => {
  let ledger: Ledger;
  let api: INestApplication;
  let streamUrl: string;
  const clients: SseClient[] = [];

  const open = async (key: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(streamUrl, headers, key);
    clients.push(client);
    return client;
  };
  const closeAll = () => {
    for (const client of clients.splice(0)) client.close();
  };
  const write = async (path: string, body: unknown) => {
    const response = await request(api.getHttpServer())
      .post(path)
      .set({ Authorization: `Bearer ${KEYS.admin}` })
      .send(body as object);
    expect(response.status).toBe(201);
    return response.body as AnyEventEnvelope;
  };
  const metric = async (name: string) => {
    const text = (await request(api.getHttpServer()).get('/metrics').expect(200)).text;
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  };
  const refusal = async (key: string) => {
    const response = await fetch(streamUrl, { headers: { Authorization: `Bearer ${key}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as { code: string },
    };
  };
  /** Streams close asynchronously once their client leaves; wait until the server let go of them. */
  const untilStreams = async (count: number) => {
    for (let i = 0; i < 100 && (await metric('ledger_sse_streams')) !== count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await metric('ledger_sse_streams')).toBe(count);
  };

  beforeAll(async () => {
    ledger = await prepareLedger({ partitions: 1 });
    api = await startInProcess(
      AdminApiModule,
      {
        ...ledger.env,
        SSE_MAX_PER_KEY: String(PER_KEY),
        SSE_MAX_CONNECTIONS: String(IN_ALL),
        SSE_REAUTH_MS: String(REAUTH_MS),
      },
      'admin-api',
    );
    await api.listen(0, '127.0.0.1');
    streamUrl = `http://127.0.0.1:${((api.getHttpServer() as Server).address() as AddressInfo).port}/v1/events/stream`;
  });

  afterEach(async () => {
    closeAll();
    await untilStreams(0);
  });

  afterAll(async () => {
    closeAll();
    await api?.close();
    await ledger?.close();
  });

  it('refuses a key over SSE_MAX_PER_KEY with 429 and everyone over SSE_MAX_CONNECTIONS with 503', async () => {
    await open(KEYS.reader);
    await open(KEYS.reader);
    const perKey = await refusal(KEYS.reader);
    expect(perKey).toMatchObject({ status: 429, body: { code: 'too-many-streams' } });
    expect(perKey.type).toMatch(/^application\/problem\+json/);

    await open(KEYS.auditor);
    const inAll = await refusal(KEYS.admin);
    expect(inAll).toMatchObject({ status: 503, retryAfter: '5', body: { code: 'streams-at-capacity' } });
    expect(inAll.type).toMatch(/^application\/problem\+json/);

    clients.shift()?.close();
    await untilStreams(2);
    await open(KEYS.admin);
  });

  it('feeds every open stream from one journal tailer, and stops it when the last one leaves', async () => {
    const first = await write('/v1/tariff-measures', imposeReciprocalOnChina('sse-shared-measure'));
    // The first two resume just before it (the journal also holds the bootstrap keys' events).
    const before = { 'Last-Event-ID': String(first.position - 1) };
    const streams = [
      await open(KEYS.reader, before),
      await open(KEYS.admin, before),
      await open(KEYS.auditor, { 'Last-Event-ID': String(first.position) }),
    ];
    expect(await metric('ledger_sse_journal_tailers')).toBe(1);
    const raised = await write('/v1/tariff-measures/sse-shared-measure/rate-changes', raiseTo84);
    // The first two replay the stored event, then all three get the new one exactly once.
    expect((await streams[0].next()).id).toBe(String(first.position));
    expect((await streams[1].next()).id).toBe(String(first.position));
    for (const stream of streams) expect((await stream.next()).id).toBe(String(raised.position));
    expect(await metric('ledger_sse_journal_tailers')).toBe(1);

    closeAll();
    await untilStreams(0);
    expect(await metric('ledger_sse_journal_tailers')).toBe(0);
  });

  it('joins a resuming stream to the live feed without gap or duplicate while writes go on', async () => {
    const start = await write('/v1/tariff-measures', imposeReciprocalOnChina('sse-join-measure'));
    const live = await open(KEYS.reader, { 'Last-Event-ID': String(start.position) });
    const writes: AnyEventEnvelope[] = [];
    const writing = (async () => {
      for (let i = 0; i < 6; i++) {
        writes.push(
          await write(`/v1/tariff-measures/sse-join-measure/rate-changes`, { ...raiseTo84, rate: 50 + i }),
        );
      }
    })();
    const resumed = await open(KEYS.auditor, { 'Last-Event-ID': String(start.position) });
    await writing;
    for (const stream of [live, resumed]) {
      const received: string[] = [];
      for (let i = 0; i < writes.length; i++) received.push((await stream.next()).id ?? '');
      expect(received).toEqual(writes.map((event) => String(event.position)));
    }
  });

  it("ends an open stream within the re-check interval once its key is revoked; other keys' streams go on", async () => {
    const doomed = await open(KEYS.auditor);
    const other = await open(KEYS.reader);
    await revokeKey(ledger.db.pool, keyIdOf(KEYS.auditor));
    // The key check caches an answer for up to 5 s; the stream re-checks every REAUTH_MS.
    await doomed.ended(5_000 + REAUTH_MS * 10);
    const next = await write('/v1/tariff-measures', imposeReciprocalOnChina('sse-after-revocation'));
    let message = await other.next();
    while (message.id !== String(next.position)) message = await other.next();
    const again = await refusal(KEYS.auditor);
    expect(again).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
  });
});
