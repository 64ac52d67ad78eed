import type { RecordedEnvelope } from '@ledger/contracts';
import type { EffectiveTariffs, MeasureView } from '@ledger/views';
import { ledgerOverHttp } from './support/ledger-over-http';
import { excludeComputers, exceptionsMemorandum } from './support/policy-bodies';

const EO_14195 = {
  reference: 'Executive Order 14195',
  title: "Imposing Duties To Address the Synthetic Opioid Supply Chain in the People's Republic of China",
};
const EO_14228 = { reference: 'Executive Order 14228' };
const EO_14257 = { reference: 'Executive Order 14257' };
const EO_14259 = {
  url: 'https://www.federalregister.gov/d/2025-06378',
  reference: 'Executive Order 14259',
};
const EO_14266 = { reference: 'Executive Order 14266' };
const ANNEX = 'Annex to the memorandum of 11 April 2025';

/**
 * The US additional duties on goods of China in April 2025, recorded through the API, and the
 * presidential memorandum of 11 April 2025 that took computers and smartphones out of the
 * reciprocal tariffs for goods entered from 12:01 a.m. EDT on 5 April. Transaction time is the
 * moment of each write, so "known before the memorandum was recorded" is asked at the
 * recordedAt of the last write before it.
 */
describe('product coverage amended in valid time, over HTTP', () => {
  const ledger = ledgerOverHttp('product-coverage');
  let beforeMemorandum: string;
  let head: number;

  /** A write that must be accepted; later reads wait until the read models hold it. */
  const post = async (path: string, body: object) => {
    const event = await ledger.write(path, body);
    head = event.position;
    return event;
  };

  const read = <T>(path: string): Promise<T> => ledger.read<T>(path, head);

  const duty = (origin: string, product: string, asOf: string, knownAt?: string) =>
    read<EffectiveTariffs>(
      `/v1/tariffs/effective?imposer=US&origin=${origin}&product=${product}&asOf=${asOf}${knownAt ? `&knownAt=${knownAt}` : ''}`,
    );

  const tariff = (id: string, fields: object) =>
    post('/v1/tariff-measures', {
      id,
      imposer: 'US',
      products: { scope: 'all' },
      announcedAt: '2025-04-02T20:00:00Z',
      ...fields,
    });

  beforeAll(async () => {
    await ledger.start();

    await tariff('us-ieepa-fentanyl-cn', {
      targets: ['CN', 'HK'],
      program: 'US-IEEPA-FENTANYL',
      title: 'Additional duty on products of China (synthetic opioid supply chain)',
      legalInstrument: 'Executive Order 14195',
      announcedAt: '2025-02-01T22:00:00Z',
      rate: 10,
      validFrom: '2025-02-04T05:01:00Z',
      citation: EO_14195,
    });
    await post('/v1/tariff-measures/us-ieepa-fentanyl-cn/rate-changes', {
      rate: 20,
      validFrom: '2025-03-04T05:01:00Z',
      citation: EO_14228,
    });
    await tariff('us-ieepa-reciprocal-baseline', {
      targets: ['*'],
      program: 'US-IEEPA-RECIPROCAL',
      title: 'Reciprocal tariff: baseline for all trading partners',
      legalInstrument: 'Executive Order 14257',
      rate: 10,
      validFrom: '2025-04-05T04:01:00Z',
      citation: EO_14257,
    });
    await tariff('us-ieepa-reciprocal-cn', {
      targets: ['CN', 'HK', 'MO'],
      program: 'US-IEEPA-RECIPROCAL',
      title: 'Reciprocal tariff: country-specific rate for China',
      legalInstrument: 'Executive Order 14257',
      rate: 34,
      validFrom: '2025-04-09T04:01:00Z',
      citation: EO_14257,
    });
    await post('/v1/tariff-measures/us-ieepa-reciprocal-cn/rate-changes', {
      rate: 84,
      validFrom: '2025-04-09T04:01:00Z',
      citation: EO_14259,
    });
    beforeMemorandum = (
      await post('/v1/tariff-measures/us-ieepa-reciprocal-cn/rate-changes', {
        rate: 125,
        validFrom: '2025-04-10T04:01:00Z',
        citation: EO_14266,
      })
    ).recordedAt;
    for (const id of ['us-ieepa-reciprocal-cn', 'us-ieepa-reciprocal-baseline']) {
      const amended = await post(`/v1/tariff-measures/${id}/product-amendments`, excludeComputers);
      expect(amended).toMatchObject({
        type: 'TariffProductsAmended',
        citation: exceptionsMemorandum,
        data: { validFrom: '2025-04-05T04:01:00.000Z', exclude: excludeComputers.exclude },
      });
    }
  });

  afterAll(() => ledger.stop());

  it('answers 20 % for laptops (8471.30) from China on 2025-04-20 known now, and 145 % known before the memorandum was recorded', async () => {
    expect(await duty('CN', '847130', '2025-04-20')).toMatchObject({
      product: { code: '847130', nomenclature: 'HS' },
      layers: [{ measureId: 'us-ieepa-fentanyl-cn', rate: 20, coverage: 'full' }],
      total: 20,
      partialLayers: 0,
    });
    const before = await duty('CN', '847130', '2025-04-20', beforeMemorandum);
    expect(before.layers.map((layer) => [layer.measureId, layer.rate, layer.coverage])).toEqual([
      ['us-ieepa-fentanyl-cn', 20, 'full'],
      ['us-ieepa-reciprocal-cn', 125, 'full'],
    ]);
    expect(before.total).toBe(145);
    // A 10-digit US-HTS line under the heading is excluded too; goods outside it still pay 145.
    expect((await duty('CN', '8471300100', '2025-04-20')).total).toBe(20);
    expect((await duty('CN', '850511', '2025-04-20')).total).toBe(145);
  });

  it('applies the exclusion from 5 April, before it was recorded: the baseline spares computers from Viet Nam too', async () => {
    expect((await duty('VN', '847130', '2025-04-06')).total).toBe(0);
    expect((await duty('VN', '850511', '2025-04-06')).total).toBe(10);
    expect((await duty('VN', '847130', '2025-04-06', beforeMemorandum)).total).toBe(10);
    expect((await duty('VN', '847130', '2025-04-05T04:00:59.999Z')).layers).toEqual([]);
  });

  it('reports a 6-digit query over an excluded US-HTS line as partial coverage, outside the total', async () => {
    const answer = await duty('CN', '851713', '2025-04-20');
    expect(answer).toEqual({
      product: { code: '851713', nomenclature: 'HS' },
      layers: [
        expect.objectContaining({ measureId: 'us-ieepa-fentanyl-cn', coverage: 'full', lines: [] }),
        expect.objectContaining({
          measureId: 'us-ieepa-reciprocal-cn',
          rate: 125,
          coverage: 'partial',
          lines: [],
          excludedLines: [
            { code: '85171300', nomenclature: 'US-HTS', list: ANNEX, description: 'Smartphones' },
          ],
        }),
      ],
      total: 20,
      partialLayers: 1,
      excludedLayers: [],
    });
  });

  it('shows the coverage at T on the measure, each code with its nomenclature', async () => {
    const measure = await read<MeasureView>('/v1/measures/us-ieepa-reciprocal-cn?asOf=2025-04-20');
    expect(measure.state).toMatchObject({
      products: { scope: 'all' },
      coverage: {
        scope: 'all',
        codes: [],
        excludedCodes: [
          {
            code: '8471',
            nomenclature: 'HS',
            list: ANNEX,
            description: 'Automatic data processing machines (computers, laptops)',
          },
          { code: '85171300', nomenclature: 'US-HTS', list: ANNEX, description: 'Smartphones' },
        ],
      },
    });
    const { events } = await read<{ events: RecordedEnvelope[] }>(
      '/v1/measures/us-ieepa-reciprocal-cn/history',
    );
    expect(events.map((event) => event.type)).toEqual([
      'TariffImposed',
      'TariffRateChanged',
      'TariffRateChanged',
      'TariffProductsAmended',
    ]);
  });
});
