import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AdminApiModule } from '../apps/admin-api/src/admin-api.module';
import { Journal } from '@ledger/journal';
import { readTopic } from '@ledger/messaging';
import { KEYS, prepareLedger, startInProcess, type Ledger } from './support/ledger-harness';
import {
  citation,
  genevaStatement,
  imposeReciprocalOnChina,
  licenceApplication,
  raiseTo84,
  rareEarthControl,
} from './support/policy-bodies';

interface BadCase {
  readonly name: string;
  readonly path: string;
  readonly body?: unknown;
  /** Sent as-is, for malformed JSON and wrong content types. */
  readonly raw?: { text: string; type: string };
  readonly key?: string | null;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  /** A field the 400 must name, when it is about a field. */
  readonly field?: string;
}

const tariff = imposeReciprocalOnChina('bad-input-new');
const control = rareEarthControl('bad-input-control');
const withTariff = (patch: Record<string, unknown>) => ({ ...tariff, ...patch });
const withControl = (patch: Record<string, unknown>) => ({ ...control, ...patch });

const CASES: BadCase[] = [
  // transport and JSON
  {
    name: 'malformed JSON',
    path: '/v1/tariff-measures',
    raw: { text: '{"rate": ', type: 'application/json' },
    status: 400,
    code: 'malformed-json',
  },
  {
    name: 'JSON array instead of an object',
    path: '/v1/tariff-measures',
    raw: { text: '[1,2]', type: 'application/json' },
    status: 400,
    code: 'validation-failed',
  },
  {
    name: 'empty body',
    path: '/v1/tariff-measures',
    body: {},
    status: 400,
    code: 'validation-failed',
    field: 'imposer',
  },
  {
    name: 'body over the 256 KiB limit',
    path: '/v1/tariff-measures',
    body: withTariff({ title: 'x'.repeat(300_000) }),
    status: 413,
    code: 'payload-too-large',
  },
  {
    name: 'text/plain body',
    path: '/v1/tariff-measures',
    raw: { text: JSON.stringify(tariff), type: 'text/plain' },
    status: 415,
    code: 'unsupported-media-type',
  },
  {
    name: 'form-encoded body',
    path: '/v1/tariff-measures',
    raw: { text: 'id=x&rate=34', type: 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'unsupported-media-type',
  },
  {
    name: 'compressed body',
    path: '/v1/tariff-measures',
    raw: { text: JSON.stringify(tariff), type: 'application/json' },
    headers: { 'Content-Encoding': 'gzip' },
    status: 415,
    code: 'unsupported-media-type',
  },
  {
    name: 'NUL in a string',
    path: '/v1/tariff-measures',
    body: withTariff({ title: 'Tariff\u0000' }),
    status: 400,
    code: 'validation-failed',
    field: 'title',
  },
  {
    name: 'malformed JSON without a key: refused before parsing',
    path: '/v1/tariff-measures',
    raw: { text: '{"rate": ', type: 'application/json' },
    key: null,
    status: 401,
    code: 'unauthenticated',
  },
  // auth
  {
    name: 'no API key',
    path: '/v1/tariff-measures',
    body: tariff,
    key: null,
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'unknown API key',
    path: '/v1/tariff-measures',
    body: tariff,
    key: 'not-a-real-key-000000000',
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'reader key on a write',
    path: '/v1/tariff-measures',
    body: tariff,
    key: KEYS.reader,
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'auditor key on a write',
    path: '/v1/tariff-measures',
    body: tariff,
    key: KEYS.auditor,
    status: 403,
    code: 'forbidden',
  },
  // types and unknown fields
  {
    name: 'rate as a string',
    path: '/v1/tariff-measures',
    body: withTariff({ rate: '34' }),
    status: 400,
    code: 'validation-failed',
    field: 'rate',
  },
  {
    name: 'targets as a string',
    path: '/v1/tariff-measures',
    body: withTariff({ targets: 'CN' }),
    status: 400,
    code: 'validation-failed',
    field: 'targets',
  },
  {
    name: 'unknown field',
    path: '/v1/tariff-measures',
    body: withTariff({ isAdmin: true }),
    status: 400,
    code: 'validation-failed',
    field: 'isAdmin',
  },
  {
    name: 'unknown nested field',
    path: '/v1/tariff-measures',
    body: withTariff({ products: { scope: 'all', extra: 1 } }),
    status: 400,
    code: 'validation-failed',
    field: 'products.extra',
  },
  {
    name: 'prototype pollution key',
    path: '/v1/tariff-measures',
    raw: {
      text: JSON.stringify(tariff).replace(/}$/, ',"__proto__":{"admin":true}}'),
      type: 'application/json',
    },
    status: 400,
    code: 'malformed-json',
  },
  {
    name: 'missing citation',
    path: '/v1/tariff-measures',
    body: withTariff({ citation: undefined }),
    status: 400,
    code: 'validation-failed',
    field: 'citation',
  },
  {
    name: 'citation without url or reference',
    path: '/v1/tariff-measures',
    body: withTariff({ citation: { title: 'A title only' } }),
    status: 400,
    code: 'validation-failed',
    field: 'citation.reference',
  },
  {
    name: 'citation url not http',
    path: '/v1/tariff-measures',
    body: withTariff({ citation: { url: 'javascript:alert(1)' } }),
    status: 400,
    code: 'validation-failed',
    field: 'citation.url',
  },
  // identifiers
  {
    name: 'invalid imposer country',
    path: '/v1/tariff-measures',
    body: withTariff({ imposer: 'XX' }),
    status: 400,
    code: 'validation-failed',
    field: 'imposer',
  },
  {
    name: 'lower-case country',
    path: '/v1/tariff-measures',
    body: withTariff({ targets: ['cn'] }),
    status: 400,
    code: 'validation-failed',
    field: 'targets',
  },
  {
    name: 'three-letter country',
    path: '/v1/tariff-measures',
    body: withTariff({ targets: ['CHN'] }),
    status: 400,
    code: 'validation-failed',
    field: 'targets',
  },
  {
    name: '* as imposer',
    path: '/v1/tariff-measures',
    body: withTariff({ imposer: '*' }),
    status: 400,
    code: 'validation-failed',
    field: 'imposer',
  },
  {
    name: 'HS code with a dot',
    path: '/v1/tariff-measures',
    body: withTariff({ products: { scope: 'codes', codes: ['8505.11'] } }),
    status: 400,
    code: 'validation-failed',
    field: 'products.codes',
  },
  {
    name: 'body nested 40 levels deep',
    path: '/v1/tariff-measures',
    raw: { text: `${'['.repeat(40)}${']'.repeat(40)}`, type: 'application/json' },
    status: 400,
    code: 'body-too-deep',
  },
  {
    name: "scope 'codes' without codes",
    path: '/v1/tariff-measures',
    body: withTariff({ products: { scope: 'codes' } }),
    status: 400,
    code: 'validation-failed',
    field: 'products.codes',
  },
  {
    name: 'HS code of odd length',
    path: '/v1/tariff-measures',
    body: withTariff({ products: { scope: 'codes', codes: ['85051'] } }),
    status: 400,
    code: 'validation-failed',
    field: 'products.codes',
  },
  {
    name: 'HS chapter 00',
    path: '/v1/tariff-measures',
    body: withTariff({ products: { scope: 'codes', codes: ['000100'] } }),
    status: 400,
    code: 'validation-failed',
    field: 'products.codes',
  },
  {
    name: 'codes scope without codes',
    path: '/v1/tariff-measures',
    body: withTariff({ products: { scope: 'codes', codes: [] } }),
    status: 400,
    code: 'validation-failed',
    field: 'products.codes',
  },
  {
    name: 'unknown element symbol',
    path: '/v1/export-controls',
    body: withControl({ items: [{ element: 'Xx', description: 'no such element' }] }),
    status: 400,
    code: 'validation-failed',
    field: 'items.0.element',
  },
  {
    name: 'item naming nothing',
    path: '/v1/export-controls',
    body: withControl({ items: [{ description: 'magnets' }] }),
    status: 400,
    code: 'validation-failed',
    field: 'items.0.description',
  },
  {
    name: 'no items',
    path: '/v1/export-controls',
    body: withControl({ items: [] }),
    status: 400,
    code: 'validation-failed',
    field: 'items',
  },
  {
    name: 'unknown control kind',
    path: '/v1/export-controls',
    body: withControl({ kind: 'banned' }),
    status: 400,
    code: 'validation-failed',
    field: 'kind',
  },
  {
    name: 'id not a slug',
    path: '/v1/tariff-measures',
    body: withTariff({ id: 'Bad_ID!' }),
    status: 400,
    code: 'validation-failed',
    field: 'id',
  },
  // dates and rates
  {
    name: 'date without time',
    path: '/v1/tariff-measures',
    body: withTariff({ validFrom: '2025-04-09' }),
    status: 400,
    code: 'validation-failed',
    field: 'validFrom',
  },
  {
    name: 'instant without offset',
    path: '/v1/tariff-measures',
    body: withTariff({ validFrom: '2025-04-09T04:01:00' }),
    status: 400,
    code: 'validation-failed',
    field: 'validFrom',
  },
  {
    name: '30 February',
    path: '/v1/tariff-measures',
    body: withTariff({ validFrom: '2025-02-30T00:00:00Z' }),
    status: 400,
    code: 'validation-failed',
    field: 'validFrom',
  },
  {
    name: 'instant whose UTC form is in year 10000',
    path: '/v1/tariff-measures',
    body: withTariff({ validFrom: '9999-12-31T23:00:00-23:59' }),
    status: 400,
    code: 'validation-failed',
    field: 'validFrom',
  },
  {
    name: 'instant beyond what a date can hold',
    path: '/v1/tariff-measures',
    body: withTariff({ announcedAt: '+275760-09-14T00:00:00Z' }),
    status: 400,
    code: 'validation-failed',
    field: 'announcedAt',
  },
  {
    name: 'free-text date',
    path: '/v1/tariff-measures',
    body: withTariff({ announcedAt: 'next Tuesday' }),
    status: 400,
    code: 'validation-failed',
    field: 'announcedAt',
  },
  {
    name: 'validTo before validFrom',
    path: '/v1/tariff-measures',
    body: withTariff({ validTo: '2025-04-01T00:00:00Z' }),
    status: 400,
    code: 'validity-inverted',
    field: 'validTo',
  },
  {
    name: 'negative rate',
    path: '/v1/tariff-measures',
    body: withTariff({ rate: -5 }),
    status: 400,
    code: 'validation-failed',
    field: 'rate',
  },
  {
    name: 'absurd rate',
    path: '/v1/tariff-measures',
    body: withTariff({ rate: 1e9 }),
    status: 400,
    code: 'validation-failed',
    field: 'rate',
  },
  {
    name: 'rate with 3 decimals',
    path: '/v1/tariff-measures',
    body: withTariff({ rate: 10.125 }),
    status: 400,
    code: 'validation-failed',
    field: 'rate',
  },
  {
    name: 'rate too small to write without an exponent',
    path: '/v1/tariff-measures',
    body: withTariff({ rate: 3e-323 }),
    status: 400,
    code: 'validation-failed',
    field: 'rate',
  },
  {
    name: 'imposer among its targets',
    path: '/v1/tariff-measures',
    body: withTariff({ targets: ['US', 'CN'] }),
    status: 400,
    code: 'imposer-targets-itself',
  },
  {
    name: 'licence count negative',
    path: '/v1/export-controls/bad-input-existing-control/licence-reports',
    body: {
      count: -1,
      period: { from: '2025-05-01T00:00:00Z', to: '2025-06-01T00:00:00Z' },
      reportedAt: '2025-06-07T00:00:00Z',
      citation,
    },
    status: 400,
    code: 'validation-failed',
    field: 'count',
  },
  // injection strings are data, never code: rejected by the field's format
  {
    name: 'SQL injection in a country',
    path: '/v1/tariff-measures',
    body: withTariff({ imposer: "US'; DROP TABLE journal.events; --" }),
    status: 400,
    code: 'validation-failed',
    field: 'imposer',
  },
  {
    name: 'SQL injection in a path id',
    path: "/v1/tariff-measures/x'%20OR%201=1--/rate-changes",
    body: raiseTo84,
    status: 404,
    code: 'stream-not-found',
  },
  {
    name: 'JSON injection in the program',
    path: '/v1/tariff-measures',
    body: withTariff({ program: '{"$gt":""}' }),
    status: 400,
    code: 'validation-failed',
    field: 'program',
  },
  {
    name: 'object where a string belongs',
    path: '/v1/tariff-measures',
    body: withTariff({ title: { $ne: null } }),
    status: 400,
    code: 'validation-failed',
    field: 'title',
  },
  // streams and state
  {
    name: 'unknown stream',
    path: '/v1/tariff-measures/no-such-measure/rate-changes',
    body: raiseTo84,
    status: 404,
    code: 'stream-not-found',
  },
  {
    name: 'tariff change on an export control',
    path: '/v1/tariff-measures/bad-input-existing-control/rate-changes',
    body: raiseTo84,
    status: 409,
    code: 'wrong-stream-type',
  },
  {
    name: 'existing id',
    path: '/v1/tariff-measures',
    body: withTariff({ id: 'bad-input-existing-measure' }),
    status: 409,
    code: 'stream-exists',
  },
  {
    name: 'rate change on a lifted measure',
    path: '/v1/tariff-measures/bad-input-lifted-measure/rate-changes',
    body: raiseTo84,
    status: 409,
    code: 'measure-lifted',
  },
  {
    name: 'approving a denied licence',
    path: '/v1/licences/bad-input-denied-licence/approval',
    body: { decidedAt: '2025-06-05T00:00:00Z', validFrom: '2025-06-05T00:00:00Z', citation },
    status: 409,
    code: 'licence-not-pending',
  },
  {
    name: 'revoking a pending licence',
    path: '/v1/licences/bad-input-pending-licence/revocation',
    body: { validFrom: '2025-06-05T00:00:00Z', reason: 'x', citation },
    status: 409,
    code: 'licence-not-approved',
  },
  {
    name: 'licence under a missing control',
    path: '/v1/licences',
    body: licenceApplication('bad-input-orphan', 'no-such-control'),
    status: 400,
    code: 'referenced-stream-missing',
  },
  {
    name: 'licence under a retracted control',
    path: '/v1/licences',
    body: licenceApplication('bad-input-void-licence', 'bad-input-void-control'),
    status: 400,
    code: 'referenced-stream-missing',
  },
  {
    name: 'change to a stream whose creation was retracted',
    path: '/v1/export-controls/bad-input-void-control/lifts',
    body: { validFrom: '2025-06-01T00:00:00Z', citation },
    status: 409,
    code: 'stream-retracted',
  },
  {
    name: 'agreement naming a missing measure',
    path: '/v1/agreements',
    body: genevaStatement('bad-input-agreement', ['no-such-measure']),
    status: 400,
    code: 'referenced-stream-missing',
  },
  {
    name: 'retracting an unknown event',
    path: '/v1/streams/bad-input-existing-measure/retractions',
    body: { retractedEventId: '01930000-0000-7000-8000-000000000000', reason: 'x', citation },
    status: 409,
    code: 'retracted-event-unknown',
  },
  {
    name: 'product amendment excluding a code that is no product code',
    path: '/v1/tariff-measures/bad-input-existing-measure/product-amendments',
    body: { validFrom: '2025-04-05T04:01:00Z', exclude: [{ code: '84713' }], citation },
    status: 400,
    code: 'validation-failed',
    field: 'exclude',
  },
  {
    name: 'product amendment that changes nothing',
    path: '/v1/tariff-measures/bad-input-existing-measure/product-amendments',
    body: { validFrom: '2025-04-05T04:01:00Z', exclude: [], citation },
    status: 400,
    code: 'amendment-empty',
    field: 'exclude',
  },
  {
    name: 'product amendment adding a code to a measure on all products',
    path: '/v1/tariff-measures/bad-input-existing-measure/product-amendments',
    body: { validFrom: '2025-04-05T04:01:00Z', add: ['8471'], citation },
    status: 409,
    code: 'products-all-scope',
  },
  {
    name: 'product amendment re-including a code that is not excluded',
    path: '/v1/tariff-measures/bad-input-existing-measure/product-amendments',
    body: { validFrom: '2025-04-05T04:01:00Z', reinclude: ['8471'], citation },
    status: 409,
    code: 'product-not-excluded',
  },
  {
    name: 'product amendment excluding a code already excluded',
    path: '/v1/tariff-measures/bad-input-existing-measure/product-amendments',
    body: { validFrom: '2025-04-05T04:01:00Z', exclude: [{ code: '2709' }], citation },
    status: 409,
    code: 'product-already-excluded',
  },
  {
    name: 'stale If-Match',
    path: '/v1/tariff-measures/bad-input-existing-measure/rate-changes',
    body: raiseTo84,
    headers: { 'If-Match': '"7"' },
    status: 412,
    code: 'stale-version',
  },
  {
    name: 'malformed If-Match',
    path: '/v1/tariff-measures/bad-input-existing-measure/rate-changes',
    body: raiseTo84,
    headers: { 'If-Match': 'version 1' },
    status: 400,
    code: 'if-match-malformed',
  },
  {
    name: 'malformed Idempotency-Key',
    path: '/v1/tariff-measures',
    body: tariff,
    headers: { 'Idempotency-Key': 'x'.repeat(300) },
    status: 400,
    code: 'idempotency-key-malformed',
  },
];

/** Reads with an instant no view can be computed at: 400 naming the parameter, never 500. */
const BAD_QUERIES: ReadonlyArray<readonly [path: string, field: string]> = [
  ['/v1/tariffs/effective?imposer=US&origin=CN&product=850511&asOf=9999-12-31T23:00:00-23:59', 'asOf'],
  ['/v1/tariffs/effective?imposer=US&origin=CN&product=850511&knownAt=%2B275760-09-14T00:00:00Z', 'knownAt'],
  ['/v1/export-controls/active?asOf=0000-01-01', 'asOf'],
  ['/v1/measures/bad-input-existing-measure?asOf=99999-01-01', 'asOf'],
  ['/v1/measures/bad-input-existing-measure?knownAt=2025-04-20T00:00:00%2B24:00', 'knownAt'],
];

describe('bad input gets a clear 4xx and changes nothing', () => {
  let ledger: Ledger;
  let api: INestApplication;
  let journal: Journal;

  beforeAll(async () => {
    ledger = await prepareLedger({ partitions: 2 });
    api = await startInProcess(AdminApiModule, ledger.env, 'admin-api');
    journal = new Journal(ledger.db.pool);
    const admin = (path: string, body: unknown) =>
      request(api.getHttpServer())
        .post(path)
        .set('Authorization', `Bearer ${KEYS.admin}`)
        .send(body as object)
        .expect(201);
    await admin('/v1/tariff-measures', imposeReciprocalOnChina('bad-input-existing-measure'));
    await admin('/v1/tariff-measures', imposeReciprocalOnChina('bad-input-lifted-measure'));
    await admin('/v1/tariff-measures/bad-input-lifted-measure/lifts', {
      validFrom: '2025-05-01T00:00:00Z',
      citation,
    });
    await admin('/v1/export-controls', rareEarthControl('bad-input-existing-control'));
    await admin('/v1/licences', licenceApplication('bad-input-denied-licence', 'bad-input-existing-control'));
    await admin('/v1/licences/bad-input-denied-licence/denial', {
      decidedAt: '2025-06-05T00:00:00Z',
      reason: 'x',
      citation,
    });
    await admin(
      '/v1/licences',
      licenceApplication('bad-input-pending-licence', 'bad-input-existing-control'),
    );
    const voided = await admin('/v1/export-controls', rareEarthControl('bad-input-void-control'));
    await admin('/v1/streams/bad-input-void-control/retractions', {
      retractedEventId: (voided.body as { id: string }).id,
      reason: 'Entered twice',
      citation,
    });
  });

  afterAll(async () => {
    await api?.close();
    await ledger?.close();
  });

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((badCase) => [badCase.name, badCase] as const))('%s', async (_name, badCase) => {
    const headBefore = await journal.headPosition();
    let call = request(api.getHttpServer())
      .post(badCase.path)
      .set(badCase.headers ?? {});
    const key = badCase.key === undefined ? KEYS.admin : badCase.key;
    if (key !== null) call = call.set('Authorization', `Bearer ${key}`);
    const response = badCase.raw
      ? await call.set('Content-Type', badCase.raw.type).send(badCase.raw.text)
      : await call.send(badCase.body as object);

    expect({ status: response.status, code: (response.body as { code?: string }).code }).toEqual({
      status: badCase.status,
      code: badCase.code,
    });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: badCase.status, type: `/problems/${badCase.code}` });
    expect(typeof (response.body as { detail?: unknown }).detail).toBe('string');
    if (badCase.field) {
      const fields = ((response.body as { errors?: Array<{ field: string }> }).errors ?? []).map(
        (error) => error.field,
      );
      expect(fields.some((field) => field === badCase.field || field.startsWith(`${badCase.field}.`))).toBe(
        true,
      );
    }
    expect(await journal.headPosition()).toBe(headBefore);
  });

  it.each(BAD_QUERIES)('GET %s names %s', async (path, field) => {
    const response = await request(api.getHttpServer())
      .get(path)
      .set('Authorization', `Bearer ${KEYS.reader}`);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'validation-failed' });
    expect(
      (response.body as { errors: Array<{ field: string }> }).errors.map((error) => error.field),
    ).toContain(field);
  });

  it('sends security headers and no X-Powered-By', async () => {
    const response = await request(api.getHttpServer()).get('/health/live').expect(200);
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
    });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('left the topic empty: nothing was published, as no relay ran and nothing bad was appended', async () => {
    expect(await readTopic(ledger.kafka, ledger.topic)).toEqual([]);
  });
});
