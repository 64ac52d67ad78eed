import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AdminApiModule } from '../apps/admin-api/src/admin-api.module';
import type { AnyEventEnvelope, PolicyEvent } from '@ledger/contracts';
import { appendInTransaction } from '@ledger/journal';
import { KEYS, prepareLedger, startInProcess, type Ledger } from './support/ledger-harness';
import { SseClient } from './support/sse-client';
import { imposeReciprocalOnChina, raiseTo84 } from './support/policy-bodies';

describe('Server-Sent Events from the journal: history first, then every new event live', () => {
  let ledger: Ledger;
  let api: INestApplication;
  let streamUrl: string;
  const clients: SseClient[] = [];

  const write = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await request(api.getHttpServer())
      .post(path)
      .set({ Authorization: `Bearer ${KEYS.admin}`, ...headers })
      .send(body as object);
    expect(response.status).toBe(201);
    return response.body as AnyEventEnvelope;
  };

  const open = async (headers: Record<string, string> = {}) => {
    const client = await SseClient.open(streamUrl, headers);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    ledger = await prepareLedger();
    api = await startInProcess(AdminApiModule, ledger.env, 'admin-api');
    await api.listen(0, '127.0.0.1');
    streamUrl = `http://127.0.0.1:${((api.getHttpServer() as Server).address() as AddressInfo).port}/v1/events/stream`;
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await api?.close();
    await ledger?.close();
  });

  it('sends an event appended after the client connected on the open stream, with its position as the SSE id', async () => {
    const imposed = await write('/v1/tariff-measures', imposeReciprocalOnChina('sse-live-measure'));
    // From just before it: the admin API's own key events (bootstrap keys) come first otherwise.
    const client = await open({ 'Last-Event-ID': String(imposed.position - 1) });
    // The stored event has come through: the stream now waits for new ones.
    expect((await client.next()).id).toBe(String(imposed.position));

    const raised = await write('/v1/tariff-measures/sse-live-measure/rate-changes', raiseTo84);
    const live = await client.next();
    expect(live).toMatchObject({ id: String(raised.position), event: 'policy-event' });
    expect(JSON.parse(live.data)).toEqual(raised);
  });

  it('resumes after Last-Event-ID: a client that saw the head gets only what is appended after it', async () => {
    const seen = await write('/v1/tariff-measures', imposeReciprocalOnChina('sse-resumed-measure'));
    const client = await open({ 'Last-Event-ID': String(seen.position) });
    const next = await write('/v1/tariff-measures/sse-resumed-measure/rate-changes', raiseTo84);
    const message = await client.next();
    expect(message.id).toBe(String(next.position));
    expect(JSON.parse(message.data)).toEqual(next);
  });

  it('holds back an event that committed while an older append was still open, then sends both in position order', async () => {
    const seen = await write('/v1/tariff-measures', imposeReciprocalOnChina('sse-before-held'));
    const client = await open({ 'Last-Event-ID': String(seen.position) });
    const held = await ledger.db.pool.connect();
    let older: AnyEventEnvelope;
    let later: AnyEventEnvelope;
    try {
      await held.query('BEGIN');
      const imposed: PolicyEvent = {
        type: 'TariffImposed',
        data: {
          imposer: 'US',
          targets: ['CN'],
          program: 'US-IEEPA-RECIPROCAL',
          products: { scope: 'all' },
          title: 'Reciprocal tariff on goods of China',
          legalInstrument: 'Executive Order 14257',
          announcedAt: '2025-04-02T20:00:00.000Z',
          rate: 34,
          validFrom: '2025-04-09T04:01:00.000Z',
        },
      };
      [older] = (
        await appendInTransaction(held, {
          streamId: 'sse-held',
          streamType: 'tariff-measure',
          expectedVersion: 0,
          events: [imposed],
          actor: { keyId: 'key-test', role: 'admin' },
          correlationId: 'sse-held',
          causationId: null,
          citation: { reference: 'Executive Order 14257' },
        })
      ).events as AnyEventEnvelope[];
      later = await write('/v1/tariff-measures', imposeReciprocalOnChina('sse-after-held'));
      expect(later.position).toBeGreaterThan(older.position);
      // Committed, yet not in the feed while the older append may still commit below it.
      const feed = await request(api.getHttpServer())
        .get(`/v1/events?after=${seen.position}`)
        .set({ Authorization: `Bearer ${KEYS.reader}` });
      expect(feed.body).toEqual({ events: [], next: seen.position });
      await held.query('COMMIT');
    } finally {
      held.release();
    }
    expect((await client.next()).id).toBe(String(older.position));
    expect((await client.next()).id).toBe(String(later.position));
  });

  it.each(['abc', '-1', '1.5', '0x10', '12 13', '9999999999999999', ''])(
    'refuses Last-Event-ID %j with 400 last-event-id-malformed, not a stream or a 500',
    async (lastEventId) => {
      const response = await request(api.getHttpServer())
        .get('/v1/events/stream')
        .set({ Authorization: `Bearer ${KEYS.reader}`, 'Last-Event-ID': lastEventId });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 400, code: 'last-event-id-malformed' });
    },
  );

  it('refuses a malformed ?after= with 400 naming the field', async () => {
    const response = await request(api.getHttpServer())
      .get('/v1/events/stream?after=yesterday')
      .set({ Authorization: `Bearer ${KEYS.reader}` });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'validation-failed',
      errors: expect.arrayContaining([expect.objectContaining({ field: 'after' })]) as unknown,
    });
  });
});
