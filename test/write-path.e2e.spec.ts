import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { CloudEvent } from 'cloudevents';
import request from 'supertest';
import { AdminApiModule } from '../apps/admin-api/src/admin-api.module';
import { RelayModule } from '../apps/relay/src/relay.module';
import {
  fromKafkaRecord,
  isGenesisRecord,
  verifyStreamChain,
  type AnyEventEnvelope,
  type RecordedEnvelope,
} from '@ledger/contracts';
import { Journal } from '@ledger/journal';
import { readTopic, type StoredRecord } from '@ledger/messaging';
import { eventually } from '@ledger/testing';
import { adminApiClient } from './support/admin-api-client';
import { KEYS, prepareLedger, startInProcess, type Ledger } from './support/ledger-harness';
import {
  citation,
  excludeComputers,
  genevaStatement,
  imposeReciprocalOnChina,
  licenceApplication,
  raiseTo84,
  rareEarthControl,
} from './support/policy-bodies';

/** Longer than the 5 s default, so a 503 that comes sooner shows the setting is ignored. */
const CONSISTENCY_WAIT_MS = 6_000;

interface Published {
  readonly record: StoredRecord;
  readonly event: RecordedEnvelope;
}

describe('write path: admin API → journal → relay → Kafka', () => {
  let ledger: Ledger;
  let api: INestApplication;
  let relay: INestApplication;
  let journal: Journal;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(api.getHttpServer())
      .post(path)
      .set({ Authorization: `Bearer ${KEYS.admin}`, ...headers })
      .send(body as object);

  /** Every event in the journal, in position order. */
  async function journalEvents(): Promise<RecordedEnvelope[]> {
    const events: RecordedEnvelope[] = [];
    for (;;) {
      const page = await journal.readCommitted(events.at(-1)?.position ?? 0, 1000);
      if (page.length === 0) return events;
      events.push(...page);
    }
  }

  /** The journal's policy events: the ledger's own stream (signed checkpoints) grows by itself. */
  async function policyEvents(): Promise<RecordedEnvelope[]> {
    return (await journalEvents()).filter((event) => event.streamType !== 'ledger');
  }

  /**
   * Reads the topic once it holds every event the journal held when called (genesis records,
   * which open each partition of a topic, are not events and are left out), and holds the topic
   * to the journal: each record appears once and carries exactly the journal's event of its id.
   */
  async function published(): Promise<Published[]> {
    const committed = await journalEvents();
    const onTopic = await eventually(async () => {
      const records = (await readTopic(ledger.kafka, ledger.topic)).filter(
        (record) => !isGenesisRecord(record),
      );
      const read = records.map((record) => ({ record, event: fromKafkaRecord(record) }));
      const ids = new Set(read.map(({ event }) => event.id));
      expect(committed.filter((event) => !ids.has(event.id)).map((event) => event.position)).toEqual([]);
      return read;
    });
    const journalById = new Map((await journalEvents()).map((event) => [event.id, event]));
    for (const { event } of onTopic) expect(event).toEqual(journalById.get(event.id));
    expect(new Set(onTopic.map(({ event }) => event.id)).size).toBe(onTopic.length);
    return onTopic;
  }

  beforeAll(async () => {
    ledger = await prepareLedger({ partitions: 3 });
    api = await startInProcess(
      AdminApiModule,
      {
        ...ledger.env,
        CONSISTENCY_WAIT_MS: String(CONSISTENCY_WAIT_MS),
      },
      'admin-api',
    );
    relay = await startInProcess(RelayModule, ledger.env, 'relay');
    journal = new Journal(ledger.db.pool);
  });

  afterAll(async () => {
    await relay?.close();
    await api?.close();
    await ledger?.close();
  });

  it('accepts every write endpoint and publishes each event once, keyed, as a CloudEvent, hash-chained', async () => {
    const writes: Array<[string, unknown, string]> = [
      ['/v1/tariff-measures', imposeReciprocalOnChina('us-reciprocal-cn'), '"1"'],
      ['/v1/tariff-measures/us-reciprocal-cn/rate-changes', raiseTo84, '"2"'],
      [
        '/v1/tariff-measures/us-reciprocal-cn/suspensions',
        { validFrom: '2025-05-14T04:01:00Z', validTo: '2025-08-12T04:01:00Z', citation },
        '"3"',
      ],
      [
        '/v1/tariff-measures/us-reciprocal-cn/validity-changes',
        { validTo: '2026-01-01T00:00:00Z', citation },
        '"4"',
      ],
      ['/v1/tariff-measures/us-reciprocal-cn/product-amendments', excludeComputers, '"5"'],
      ['/v1/tariff-measures/us-reciprocal-cn/lifts', { validFrom: '2025-11-10T05:01:00Z', citation }, '"6"'],
      ['/v1/export-controls', rareEarthControl('cn-rare-earths'), '"1"'],
      [
        '/v1/export-controls/cn-rare-earths/item-amendments',
        {
          add: [{ element: 'Ho', description: 'Holmium metal and compounds' }],
          remove: [],
          validFrom: '2025-11-08T00:00:00+08:00',
          citation,
        },
        '"2"',
      ],
      [
        '/v1/export-controls/cn-rare-earths/licence-reports',
        {
          count: null,
          period: { from: '2025-05-01T00:00:00+08:00', to: '2025-06-07T00:00:00+08:00' },
          reportedAt: '2025-06-07T12:00:00+08:00',
          citation,
        },
        '"3"',
      ],
      [
        '/v1/export-controls/cn-rare-earths/suspensions',
        { validFrom: '2025-11-10T00:00:00+08:00', validTo: '2026-11-10T00:00:00+08:00', citation },
        '"4"',
      ],
      ['/v1/export-controls/cn-rare-earths/validity-changes', { validTo: null, citation }, '"5"'],
      ['/v1/export-controls/cn-rare-earths/lifts', { validFrom: '2027-01-01T00:00:00Z', citation }, '"6"'],
      [
        '/v1/tariff-measures/announcements',
        {
          id: 'us-cn-threat',
          imposer: 'US',
          targets: ['CN'],
          program: 'US-CN-ADDITIONAL-100',
          products: { scope: 'all' },
          title: 'Additional 100 % tariff on goods of China',
          announcedAt: '2025-10-10T00:00:00Z',
          rate: 100,
          validFrom: '2025-11-01T00:00:00-04:00',
          citation: { reference: 'Presidential statement of 10 October 2025' },
        },
        '"1"',
      ],
      [
        '/v1/tariff-measures/us-cn-threat/postponements',
        { validFrom: '2025-12-01T00:00:00-05:00', citation: { reference: 'Illustration' } },
        '"2"',
      ],
      [
        '/v1/tariff-measures/us-cn-threat/withdrawals',
        { withdrawnAt: '2025-10-30T00:00:00Z', reason: 'Not imposed after the Busan meeting', citation },
        '"3"',
      ],
      ['/v1/tariff-measures', imposeReciprocalOnChina('us-reciprocal-cn-partly'), '"1"'],
      [
        '/v1/tariff-measures/us-reciprocal-cn-partly/point-suspensions',
        {
          points: 24,
          validFrom: '2025-05-14T04:01:00Z',
          validTo: '2025-08-12T04:01:00Z',
          citation: { reference: 'Executive Order 14298' },
        },
        '"2"',
      ],
      [
        '/v1/tariff-measures/us-reciprocal-cn-partly/stacking-rules',
        {
          validFrom: '2025-04-09T04:01:00Z',
          notStackedOn: ['US-232-STEEL', 'US-232-ALUMINIUM'],
          citation: { reference: 'Executive Order 14257' },
        },
        '"3"',
      ],
      [
        '/v1/parties/lists',
        {
          id: 'write-path-list',
          imposer: 'US',
          name: 'Illustrative list',
          citation: { reference: 'Illustration' },
        },
        '"1"',
      ],
      [
        '/v1/parties/lists/write-path-list/listings',
        {
          partyId: 'example-party',
          name: 'Example Party Ltd.',
          aliases: [],
          country: 'CN',
          addresses: [],
          reason: 'Illustration',
          licenceRequirement: 'For all items subject to the EAR',
          licenceReviewPolicy: 'Presumption of denial',
          validFrom: '2025-03-25T00:00:00-04:00',
          citation: { reference: 'Illustration' },
        },
        '"2"',
      ],
      [
        '/v1/parties/lists/write-path-list/delistings',
        {
          partyId: 'example-party',
          validFrom: '2025-10-01T00:00:00-04:00',
          citation: { reference: 'Illustration' },
        },
        '"3"',
      ],
      ['/v1/licences', licenceApplication('licence-dy-1', 'cn-rare-earths'), '"1"'],
      [
        '/v1/licences/licence-dy-1/approval',
        { decidedAt: '2025-06-05T09:00:00+08:00', validFrom: '2025-06-05T09:00:00+08:00', citation },
        '"2"',
      ],
      [
        '/v1/licences/licence-dy-1/revocation',
        { validFrom: '2025-07-01T00:00:00+08:00', reason: 'Diversion to an unlisted end user', citation },
        '"3"',
      ],
      ['/v1/licences', licenceApplication('licence-dy-2', 'cn-rare-earths'), '"1"'],
      [
        '/v1/licences/licence-dy-2/denial',
        { decidedAt: '2025-06-05T09:00:00+08:00', reason: 'End user on a control list', citation },
        '"2"',
      ],
      ['/v1/agreements', genevaStatement('geneva-2025-05', ['us-reciprocal-cn']), '"1"'],
    ];
    const answers: AnyEventEnvelope[] = [];
    for (const [path, body, etag] of writes) {
      const response = await post(path, body);
      expect({ path, status: response.status, body: response.body as unknown }).toMatchObject({
        status: 201,
      });
      expect(response.headers.etag).toBe(etag);
      expect(response.headers.location).toMatch(/^\/v1\/measures\/[a-z0-9-]+$/);
      expect(Number(response.headers['consistency-token'])).toBeGreaterThan(0);
      answers.push(response.body as AnyEventEnvelope);
    }
    const denial = answers[answers.length - 2];
    const retraction = await post('/v1/streams/licence-dy-2/retractions', {
      retractedEventId: denial.id,
      reason: 'Entered in error: the denial concerned another application',
      citation,
    });
    expect(retraction.status).toBe(201);
    expect(retraction.headers.etag).toBe('"3"');
    answers.push(retraction.body as AnyEventEnvelope);

    expect(answers[0]).toMatchObject({
      type: 'TariffImposed',
      streamId: 'us-reciprocal-cn',
      streamType: 'tariff-measure',
      streamVersion: 1,
      schemaVersion: 2,
      actor: { role: 'admin' },
      prevHash: null,
      data: { rate: 34, validFrom: '2025-04-09T04:01:00.000Z' },
    });
    expect(answers[6].data).toMatchObject({ validFrom: '2025-04-03T16:00:00.000Z' });

    const records = await published();
    const onTopic = records.map(({ event }) => event);
    for (const { record, event: envelope } of records) {
      expect(record.key).toBe(envelope.streamId);
      expect(record.headers).toMatchObject({
        'content-type': 'application/cloudevents+json',
        ce_specversion: '1.0',
        ce_id: envelope.id,
        ce_type: envelope.type,
        ce_source: `/streams/${envelope.streamType}/${envelope.streamId}`,
        ce_streamversion: String(envelope.streamVersion),
      });
      const cloudEvent = new CloudEvent(JSON.parse(record.value!.toString()) as Record<string, unknown>);
      expect(cloudEvent.validate()).toBe(true);
      expect(cloudEvent.subject).toBe(envelope.streamId);
      expect(cloudEvent.streamversion).toBe(envelope.streamVersion);
    }
    const byId = new Map(onTopic.map((event) => [event.id, event]));
    for (const answer of answers) expect(byId.get(answer.id)).toEqual(answer);
    for (const streamId of [
      'us-reciprocal-cn',
      'cn-rare-earths',
      'us-cn-threat',
      'us-reciprocal-cn-partly',
      'licence-dy-1',
      'licence-dy-2',
      'geneva-2025-05',
    ]) {
      const stream = onTopic.filter((event) => event.streamId === streamId);
      expect(stream.map((event) => event.streamVersion)).toEqual(stream.map((_, index) => index + 1));
      expect(verifyStreamChain(stream)).toEqual({ ok: true, checked: stream.length });
    }
  });

  it('lets exactly one of 100 concurrent writers with the same If-Match win; 99 get 412', async () => {
    expect((await post('/v1/tariff-measures', imposeReciprocalOnChina('race-measure'))).status).toBe(201);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        post(
          '/v1/tariff-measures/race-measure/rate-changes',
          { ...raiseTo84, rate: 50 + index / 100 },
          { 'If-Match': '"1"' },
        ),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(99);
    expect(responses.find((response) => response.status === 412)?.body).toMatchObject({
      code: 'stale-version',
    });
    expect((await journal.readStream('race-measure'))?.version).toBe(2);
    const onTopic = (await published()).filter(({ event }) => event.streamId === 'race-measure');
    expect(onTopic.map(({ event }) => event.streamVersion)).toEqual([1, 2]);
  });

  it("records the caller's correlation id on the event and echoes it, and the actor of the key", async () => {
    const response = await post('/v1/tariff-measures', imposeReciprocalOnChina('correlated-measure'), {
      'X-Correlation-Id': 'ticket-4711.import',
    });
    expect(response.status).toBe(201);
    expect(response.headers['x-correlation-id']).toBe('ticket-4711.import');
    expect(response.body).toMatchObject({
      correlationId: 'ticket-4711.import',
      actor: { role: 'admin', keyId: expect.stringMatching(/^key-[0-9a-f]{12}$/) },
    });
    const [stored] = (await journal.readStream('correlated-measure'))!.events;
    expect(stored.correlationId).toBe('ticket-4711.import');
  });

  it('gives 20 concurrent retries of one create with the same Idempotency-Key the same answer, and appends once', async () => {
    const body = imposeReciprocalOnChina('racing-retries');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/v1/tariff-measures', body, { 'Idempotency-Key': 'racing-retry-1' }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 201));
    expect(new Set(responses.map((response) => (response.body as { id: string }).id)).size).toBe(1);
    expect((await journal.readStream('racing-retries'))?.version).toBe(1);
  });

  it('answers a read whose Consistency-Token the read models have not reached (no projector here) with 503 and Retry-After, after CONSISTENCY_WAIT_MS', async () => {
    const write = await post('/v1/tariff-measures', imposeReciprocalOnChina('consistency-measure'));
    const sentAt = performance.now();
    const response = await request(api.getHttpServer())
      .get('/v1/measures/consistency-measure')
      .set({
        Authorization: `Bearer ${KEYS.reader}`,
        'Consistency-Token': String(write.headers['consistency-token']),
      });
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(CONSISTENCY_WAIT_MS);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toMatchObject({ code: 'read-models-behind' });
  });

  it('answers a retried Idempotency-Key with the first answer and appends nothing; a different body gets 422', async () => {
    // Through the client typed by the OpenAPI document: the headers, the body and both answers.
    const admin = await adminApiClient(api.getHttpServer() as Server, KEYS.admin);
    const body = imposeReciprocalOnChina('idempotent-measure');
    const key = { 'Idempotency-Key': 'import-2025-04-02-001' };
    const first = await admin.POST('/v1/tariff-measures', { params: { header: key }, body });
    expect(first.response.status).toBe(201);
    const before = await policyEvents();

    const retry = await admin.POST('/v1/tariff-measures', { params: { header: key }, body });
    expect(retry.response.status).toBe(201);
    expect(retry.data).toEqual(first.data);
    expect(retry.response.headers.get('etag')).toBe(first.response.headers.get('etag'));
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');

    const reused = await admin.POST('/v1/tariff-measures', {
      params: { header: key },
      body: { ...body, rate: 35 },
    });
    expect(reused.response.status).toBe(422);
    expect(reused.error?.code).toBe('idempotency-key-reused');

    expect(await policyEvents()).toEqual(before);
    const onTopic = (await published()).filter(({ event }) => event.streamId === 'idempotent-measure');
    expect(onTopic.map(({ event }) => event.id)).toEqual([first.data!.id]);
  });
});
