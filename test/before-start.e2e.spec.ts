import type { RecordedEnvelope } from '@ledger/contracts';
import { ledgerOverHttp } from './support/ledger-over-http';
import { rareEarthControl } from './support/policy-bodies';

const NORTHERN_BORDER = {
  reference: 'Executive Order 14193',
  title: 'Imposing Duties To Address the Flow of Illicit Drugs Across Our Northern Border',
  url: 'https://www.federalregister.gov/documents/2025/02/07/2025-02406/imposing-duties-to-address-the-flow-of-illicit-drugs-across-our-northern-border',
};
const PAUSE = {
  reference: 'Executive Order 14197 (90 FR 9183, FR Doc. 2025-02478)',
  title: 'Progress on the Situation at Our Northern Border',
  url: 'https://www.federalregister.gov/d/2025-02478',
};

/**
 * Suspensions and lifts that take effect before the measure does, as recorded through the API:
 * the duties on goods of Canada were paused on 3 February 2025 for 30 days, before they took
 * effect on 4 February; a lift from before the start leaves a measure in force for no instant.
 */
describe('a suspension or a lift from before the measure takes effect, over HTTP', () => {
  const ledger = ledgerOverHttp('before-start');
  const { write: post, read } = ledger;

  beforeAll(() => ledger.start());

  afterAll(() => ledger.stop());

  it('records the pause of the duties on goods of Canada announced the day before they took effect: no additional duty while it lasts', async () => {
    const imposed = await post('/v1/tariff-measures', {
      id: 'us-northern-border-ca',
      imposer: 'US',
      targets: ['CA'],
      program: 'US-IEEPA-NORTHERN-BORDER',
      products: { scope: 'all' },
      title: 'Additional duty on goods of Canada',
      legalInstrument: 'Executive Order 14193',
      announcedAt: '2025-02-01T00:00:00Z',
      rate: 25,
      validFrom: '2025-02-04T05:01:00Z',
      citation: NORTHERN_BORDER,
    });
    const paused = await post('/v1/tariff-measures/us-northern-border-ca/suspensions', {
      validFrom: '2025-02-03T00:00:00Z',
      validTo: '2025-03-04T05:01:00Z',
      citation: PAUSE,
    });
    expect(paused).toMatchObject({
      type: 'TariffSuspended',
      streamVersion: 2,
      data: { validFrom: '2025-02-03T00:00:00.000Z', validTo: '2025-03-04T05:01:00.000Z' },
    });

    const duty = (asOf: string, knownAt?: string) =>
      read<{ layers: Array<{ measureId: string; rate: number }>; total: number }>(
        `/v1/tariffs/effective?imposer=US&origin=CA&product=720810&asOf=${asOf}${knownAt ? `&knownAt=${knownAt}` : ''}`,
        paused.position,
      );
    expect(await duty('2025-02-10')).toEqual({
      product: { code: '720810', nomenclature: 'HS' },
      layers: [],
      total: 0,
      partialLayers: 0,
      excludedLayers: [],
    });
    expect((await duty('2025-02-04T05:01:00Z')).total).toBe(0);
    expect((await duty('2025-03-04T05:01:00Z')).layers).toMatchObject([
      { measureId: 'us-northern-border-ca', rate: 25 },
    ]);
    // Before the pause was recorded, the duty was expected to apply from 4 February.
    expect((await duty('2025-02-10', imposed.recordedAt)).total).toBe(25);

    const measure = await read<{ status: string; state: { suspensions: unknown[] } }>(
      '/v1/measures/us-northern-border-ca?asOf=2025-02-10',
      paused.position,
    );
    expect(measure).toMatchObject({
      status: 'suspended',
      state: {
        suspensions: [{ validFrom: '2025-02-03T00:00:00.000Z', validTo: '2025-03-04T05:01:00.000Z' }],
      },
    });
    const { events } = await read<{ events: RecordedEnvelope[] }>(
      '/v1/measures/us-northern-border-ca/history',
      paused.position,
    );
    expect(events.map((event) => [event.type, event.id])).toEqual([
      ['TariffImposed', imposed.id],
      ['TariffSuspended', paused.id],
    ]);
    expect(events[1].citation).toEqual(PAUSE);
  });

  it('records a lift from before the control takes effect: it is never in force', async () => {
    await post('/v1/export-controls', rareEarthControl('cn-never-in-force'));
    const lifted = await post('/v1/export-controls/cn-never-in-force/lifts', {
      validFrom: '2025-04-03T00:00:00+08:00',
      citation: { reference: 'Illustration' },
    });
    expect(lifted).toMatchObject({
      type: 'ExportControlLifted',
      data: { validFrom: '2025-04-02T16:00:00.000Z' },
    });

    for (const asOf of ['2025-04-03T20:00:00Z', '2025-04-10']) {
      const { controls } = await read<{ controls: unknown[] }>(
        `/v1/export-controls/active?imposer=CN&item=Dy&asOf=${asOf}`,
        lifted.position,
      );
      expect(controls).toEqual([]);
    }
    const measure = await read<{ status: string; state: { life: unknown } }>(
      '/v1/measures/cn-never-in-force?asOf=2025-04-10',
      lifted.position,
    );
    expect(measure).toMatchObject({
      status: 'lifted',
      state: {
        life: {
          validFrom: '2025-04-03T16:00:00.000Z',
          validTo: null,
          liftedFrom: '2025-04-03T16:00:00.000Z',
        },
      },
    });
    const refused = await ledger.post('/v1/export-controls/cn-never-in-force/suspensions', {
      validFrom: '2025-05-01T00:00:00Z',
      citation: { reference: 'Illustration' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'measure-lifted' });
  });
});
