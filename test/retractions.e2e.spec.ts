import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AdminApiModule } from '../apps/admin-api/src/admin-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { RelayModule } from '../apps/relay/src/relay.module';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { Journal } from '@ledger/journal';
import { testProjectorGroup } from '@ledger/testing';
import { KEYS, prepareLedger, startInProcess, type Ledger } from './support/ledger-harness';
import { citation, imposeReciprocalOnChina } from './support/policy-bodies';

/**
 * Corrections as users make and see them through the API: a retraction takes an event out of
 * every view from the moment it is recorded; a retraction itself cannot be retracted (the
 * domain answers 409 and points to recording the event again), and recording it again is what
 * makes it count once more.
 */
describe('retractions over HTTP, down to the views', () => {
  let ledger: Ledger;
  let apps: INestApplication[];
  let journal: Journal;

  const api = () => apps[0].getHttpServer() as Parameters<typeof request>[0];

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(api())
      .post(path)
      .set({ Authorization: `Bearer ${KEYS.admin}`, ...headers })
      .send(body as object);

  /** A read that waits (Consistency-Token) until the read models hold the write at `token`. */
  const read = async (path: string, token: string | number) => {
    const response = await request(api())
      .get(path)
      .set({ Authorization: `Bearer ${KEYS.reader}`, 'Consistency-Token': String(token) });
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    return response.body as Record<string, unknown>;
  };

  const dutyOn = async (token: string | number, knownAt?: string) => {
    const query = new URLSearchParams({ imposer: 'US', origin: 'CN', product: '850511', asOf: '2025-05-01' });
    if (knownAt) query.set('knownAt', knownAt);
    const { layers } = (await read(`/v1/tariffs/effective?${query.toString()}`, token)) as {
      layers: Array<{ measureId: string; rate: number }>;
    };
    return layers.filter((layer) => layer.measureId === 'retracted-measure').map((layer) => layer.rate);
  };

  beforeAll(async () => {
    ledger = await prepareLedger();
    const env = { ...ledger.env, PROJECTOR_GROUP_ID: testProjectorGroup('retractions') };
    apps = [
      await startInProcess(AdminApiModule, env, 'admin-api'),
      await startInProcess(RelayModule, env, 'relay'),
      await startInProcess(ProjectorModule, env, 'projector'),
    ];
    journal = new Journal(ledger.db.pool);
  });

  afterAll(async () => {
    for (const app of [...(apps ?? [])].reverse()) await app.close();
    await ledger?.close();
  });

  it('a retracted rate change stops counting; retracting the retraction is refused (409) and changes nothing; recording the rate again counts', async () => {
    const imposed = await post('/v1/tariff-measures', {
      ...imposeReciprocalOnChina('retracted-measure'),
      rate: 34,
    });
    expect(imposed.status).toBe(201);
    const raised = await post('/v1/tariff-measures/retracted-measure/rate-changes', {
      rate: 84,
      validFrom: '2025-04-10T04:01:00Z',
      citation,
    });
    expect(raised.status).toBe(201);
    const raise = raised.body as AnyEventEnvelope;
    expect(await dutyOn(raise.position)).toEqual([84]);

    const retracted = await post('/v1/streams/retracted-measure/retractions', {
      retractedEventId: raise.id,
      reason: 'Entered against the wrong measure',
      citation: { reference: 'Correction' },
    });
    expect(retracted.status).toBe(201);
    const retraction = retracted.body as AnyEventEnvelope;
    expect(retraction).toMatchObject({
      type: 'EventRetracted',
      streamVersion: 3,
      data: { retractedEventId: raise.id },
    });
    expect(await dutyOn(retraction.position)).toEqual([34]);
    // What was known before the correction still shows what was believed then.
    expect(await dutyOn(retraction.position, raise.recordedAt)).toEqual([84]);

    const before = await journal.readStream('retracted-measure');
    const unretract = await post('/v1/streams/retracted-measure/retractions', {
      retractedEventId: retraction.id,
      reason: 'The rate change was right after all',
      citation: { reference: 'Correction of the correction' },
    });
    expect(unretract.status).toBe(409);
    expect(unretract.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unretract.body).toMatchObject({ code: 'retraction-not-retractable' });
    const again = await post('/v1/streams/retracted-measure/retractions', {
      retractedEventId: raise.id,
      reason: 'Twice',
      citation: { reference: 'Correction' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'event-already-retracted' });
    expect(await journal.readStream('retracted-measure')).toEqual(before);
    expect(await dutyOn(retraction.position)).toEqual([34]);

    const recordedAgain = await post('/v1/tariff-measures/retracted-measure/rate-changes', {
      rate: 84,
      validFrom: '2025-04-10T04:01:00Z',
      citation,
    });
    expect(recordedAgain.status).toBe(201);
    const redone = recordedAgain.body as AnyEventEnvelope;
    expect(redone.streamVersion).toBe(4);
    expect(await dutyOn(redone.position)).toEqual([84]);

    const measure = await read('/v1/measures/retracted-measure?asOf=2025-05-01', redone.position);
    expect(measure).toMatchObject({ version: 4, status: 'in-force', state: { rate: 84 } });
    const { events } = (await read('/v1/measures/retracted-measure/history', redone.position)) as {
      events: AnyEventEnvelope[];
    };
    expect(events.map((event) => [event.type, event.id])).toEqual([
      ['TariffImposed', (imposed.body as AnyEventEnvelope).id],
      ['TariffRateChanged', raise.id],
      ['EventRetracted', retraction.id],
      ['TariffRateChanged', redone.id],
    ]);
  });
});
