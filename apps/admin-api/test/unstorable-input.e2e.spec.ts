import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { freePort } from '../../../test/support/app-process';
import { KEYS, startInProcess } from '../../../test/support/ledger-harness';
import { imposeReciprocalOnChina, rareEarthControl } from '../../../test/support/policy-bodies';
import { AdminApiModule } from '../src/admin-api.module';

const NUL = '\u0000';
/** In year 10000 once converted to UTC: valid RFC 3339 text, but not an instant anything stores. */
const PAST_9999 = '9999-12-31T23:00:00-23:59';

describe('input Postgres could not store is refused with 400 before anything is written', () => {
  let db: TestDatabase;
  let api: INestApplication;

  const post = (path: string, body: unknown) =>
    request(api.getHttpServer())
      .post(path)
      .set({ Authorization: `Bearer ${KEYS.admin}`, 'Content-Type': 'application/json' })
      .send(JSON.stringify(body));

  const get = (path: string) =>
    request(api.getHttpServer())
      .get(path)
      .set({ Authorization: `Bearer ${KEYS.reader}` });

  async function journalSize(): Promise<number> {
    const { rows } = await db.pool.query<{ events: number }>(
      'SELECT count(*)::int AS events FROM journal.events',
    );
    return rows[0].events;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startInProcess(
      AdminApiModule,
      {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
        ADMIN_API_KEY: KEYS.admin,
        READER_API_KEY: KEYS.reader,
      },
      'admin-api',
    );
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it.each([
    [
      'a string value',
      '/v1/tariff-measures',
      { ...imposeReciprocalOnChina('nul-title'), title: `Reciprocal${NUL}` },
      'title',
    ],
    [
      'a nested value',
      '/v1/export-controls',
      {
        ...rareEarthControl('nul-item'),
        items: [
          { element: 'Dy', description: 'ok' },
          { element: 'Tb', description: `oxide${NUL}` },
        ],
      },
      'items.1.description',
    ],
    [
      'a citation',
      '/v1/tariff-measures',
      { ...imposeReciprocalOnChina('nul-citation'), citation: { reference: `EO${NUL}14257` } },
      'citation.reference',
    ],
    [
      'a key',
      '/v1/tariff-measures',
      { ...imposeReciprocalOnChina('nul-key'), [`note${NUL}`]: 'x' },
      'note\\u0000',
    ],
  ])('NUL in %s (%s) → 400 naming %s', async (_name, path, body, field) => {
    const before = await journalSize();
    const response = await post(path, body).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.code).toBe('validation-failed');
    expect(response.body.errors).toEqual([{ field, message: expect.stringContaining('NUL') }]);
    expect(await journalSize()).toBe(before);
  });

  it('the same write without the NUL is accepted', async () => {
    const before = await journalSize();
    await post('/v1/tariff-measures', {
      ...imposeReciprocalOnChina('nul-title'),
      title: 'Reciprocal',
    }).expect(201);
    expect(await journalSize()).toBe(before + 1);
  });

  it.each([
    `/v1/tariffs/effective?imposer=US&origin=CN&product=850511&asOf=${encodeURIComponent(PAST_9999)}`,
    `/v1/tariffs/effective?imposer=US&origin=CN&product=850511&knownAt=${encodeURIComponent(PAST_9999)}`,
    `/v1/export-controls/active?asOf=${encodeURIComponent(PAST_9999)}`,
    `/v1/measures/nul-title?knownAt=${encodeURIComponent(PAST_9999)}`,
  ])('a read parameter that is no storable instant → 400: %s', async (path) => {
    const response = await get(path).expect(400);
    expect(response.body.code).toBe('validation-failed');
    expect(response.body.errors).toEqual([
      { field: expect.stringMatching(/^(asOf|knownAt)$/), message: expect.any(String) },
    ]);
  });

  it('the last instant of year 9999 is still an instant', async () => {
    await get('/v1/tariffs/effective?imposer=US&origin=CN&product=850511&asOf=9999-12-31T23:59:59Z').expect(
      200,
    );
  });

  it('a write instant past year 9999 → 400 naming the field, nothing written', async () => {
    const before = await journalSize();
    const response = await post('/v1/tariff-measures', {
      ...imposeReciprocalOnChina('far-future'),
      validFrom: PAST_9999,
    }).expect(400);
    expect(response.body.errors).toEqual([{ field: 'validFrom', message: expect.any(String) }]);
    expect(await journalSize()).toBe(before);
  });
});
