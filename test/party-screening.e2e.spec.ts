import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AdminApiModule } from '../apps/admin-api/src/admin-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { RelayModule } from '../apps/relay/src/relay.module';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { testProjectorGroup } from '@ledger/testing';
import { KEYS, prepareLedger, startInProcess, type Ledger } from './support/ledger-harness';

/**
 * A party list through the API: created, a party listed, screened by other spellings of its
 * name, delisted, and screened again before and after the delisting in valid time and as known
 * before it was recorded. The list and its parties are made up; no real notice is cited.
 */
describe('party lists and screening over HTTP', () => {
  let ledger: Ledger;
  let apps: INestApplication[];

  const api = () => apps[0].getHttpServer() as Parameters<typeof request>[0];
  const citation = { reference: 'Synthetic notice for tests' };
  const LIST = 'e2e-party-list';

  const post = (path: string, body: object, headers: Record<string, string> = {}) =>
    request(api())
      .post(path)
      .set({ Authorization: `Bearer ${KEYS.admin}`, ...headers })
      .send(body);

  /** A read; with `token` (a write's position) it waits until the read models hold that write. */
  const get = (path: string, token?: number) =>
    request(api())
      .get(path)
      .set({
        Authorization: `Bearer ${KEYS.reader}`,
        ...(token === undefined ? {} : { 'Consistency-Token': String(token) }),
      });

  interface Match {
    partyId: string;
    score: number;
    matchedName: string;
    list: { id: string };
    licenceRequirement: string;
    licenceReviewPolicy: string;
    citation: unknown;
  }
  const screen = async (query: Record<string, string>, token: number): Promise<Match[]> => {
    const response = await get(`/v1/parties/screen?${new URLSearchParams(query).toString()}`, token);
    expect(response.status).toBe(200);
    return (response.body as { matches: Match[] }).matches.filter((match) => match.list.id === LIST);
  };

  const party = (partyId: string, name: string, aliases: string[] = []) => ({
    citation,
    partyId,
    name,
    aliases,
    country: 'DE',
    addresses: ['Beispielstraße 1, Berlin'],
    reason: 'Synthetic listing',
    licenceRequirement: 'For all items subject to the EAR',
    licenceReviewPolicy: 'Presumption of denial',
    validFrom: '2025-03-01T00:00:00Z',
  });

  beforeAll(async () => {
    ledger = await prepareLedger();
    const env = { ...ledger.env, PROJECTOR_GROUP_ID: testProjectorGroup('party-screening') };
    apps = [
      await startInProcess(AdminApiModule, env, 'admin-api'),
      await startInProcess(RelayModule, env, 'relay'),
      await startInProcess(ProjectorModule, env, 'projector'),
    ];
  });

  afterAll(async () => {
    for (const app of [...(apps ?? [])].reverse()) await app.close();
    await ledger?.close();
  });

  it('lists, screens, delists and screens again in valid and recorded time', async () => {
    const created = await post('/v1/parties/lists', { id: LIST, imposer: 'US', name: 'Test list', citation });
    expect(created.status).toBe(201);
    const listed = await post(
      `/v1/parties/lists/${LIST}/listings`,
      party('mueller-optik', 'Müller Optik GmbH'),
      {
        'Idempotency-Key': 'list-mueller-optik',
      },
    );
    expect(listed.status).toBe(201);
    const listing = listed.body as AnyEventEnvelope;
    const retried = await post(
      `/v1/parties/lists/${LIST}/listings`,
      party('mueller-optik', 'Müller Optik GmbH'),
      {
        'Idempotency-Key': 'list-mueller-optik',
      },
    );
    expect((retried.body as AnyEventEnvelope).id).toBe(listing.id);

    const again = await post(`/v1/parties/lists/${LIST}/listings`, party('mueller-optik', 'Mueller Optics'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'party-already-listed' });

    for (const name of ['Mueller Optik', 'MULLER OPTIK', 'Müller']) {
      const [match] = await screen({ name, asOf: '2025-04-01' }, listing.position);
      expect(match).toMatchObject({
        partyId: 'mueller-optik',
        matchedName: 'Müller Optik GmbH',
        licenceRequirement: 'For all items subject to the EAR',
        licenceReviewPolicy: 'Presumption of denial',
        citation,
      });
    }
    expect(await screen({ name: 'Mueller Optik', asOf: '2025-02-01' }, listing.position)).toEqual([]);
    expect(
      await screen({ name: 'Mueller Optik', asOf: '2025-04-01', country: 'CN' }, listing.position),
    ).toEqual([]);

    const stale = await post(
      `/v1/parties/lists/${LIST}/delistings`,
      { citation, partyId: 'mueller-optik', validFrom: '2025-09-01T00:00:00Z' },
      { 'If-Match': '"1"' },
    );
    expect(stale.status).toBe(412);
    const delisted = await post(
      `/v1/parties/lists/${LIST}/delistings`,
      { citation, partyId: 'mueller-optik', validFrom: '2025-09-01T00:00:00Z' },
      { 'If-Match': `"${listing.streamVersion}"` },
    );
    expect(delisted.status).toBe(201);
    const delisting = delisted.body as AnyEventEnvelope;
    const twice = await post(`/v1/parties/lists/${LIST}/delistings`, {
      citation,
      partyId: 'mueller-optik',
      validFrom: '2025-10-01T00:00:00Z',
    });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'party-not-listed' });

    const found = async (asOf: string, knownAt?: string) =>
      (
        await screen({ name: 'Mueller Optik', asOf, ...(knownAt ? { knownAt } : {}) }, delisting.position)
      ).map((match) => match.partyId);
    expect(await found('2025-08-31')).toEqual(['mueller-optik']);
    expect(await found('2025-09-01')).toEqual([]);
    const beforeDelisting = new Date(Date.parse(delisting.recordedAt) - 1).toISOString();
    expect(await found('2025-09-01', beforeDelisting)).toEqual(['mueller-optik']);

    const listAt = async (asOf: string) => {
      const response = await get(`/v1/parties/lists/${LIST}?asOf=${asOf}`, delisting.position);
      expect(response.status).toBe(200);
      expect(response.headers.etag).toBe(`"${delisting.streamVersion}"`);
      return response.body as { list: unknown; parties: Array<{ partyId: string; listedFrom: string }> };
    };
    const before = await listAt('2025-04-01');
    expect(before.list).toEqual({ id: LIST, imposer: 'US', name: 'Test list' });
    expect(before.parties.map((p) => [p.partyId, p.listedFrom])).toEqual([
      ['mueller-optik', '2025-03-01T00:00:00.000Z'],
    ]);
    expect((await listAt('2025-09-02')).parties).toEqual([]);
  });

  it('answers bad input with field-level 400s and an unknown list with 404', async () => {
    const bad = await post(`/v1/parties/lists/${LIST}/listings`, {
      ...party('x', ''),
      country: 'XYZ',
      aliases: [7],
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body as { errors: Array<{ field: string }> }).errors.map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['partyId', 'name', 'country', 'aliases']));

    const legalFormOnly = await get('/v1/parties/screen?name=Co.%2C%20Ltd.');
    expect(legalFormOnly.status).toBe(400);
    expect((legalFormOnly.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual([
      'name',
    ]);
    const threshold = await get('/v1/parties/screen?name=Mueller&threshold=2');
    expect(threshold.status).toBe(400);

    expect((await get('/v1/parties/lists/no-such-list')).status).toBe(404);
    const unlisted = await post('/v1/parties/lists/no-such-list/listings', party('some-party', 'Some Party'));
    expect(unlisted.status).toBe(404);
  });
});
