import request from 'supertest';
import { KEYS } from './support/ledger-harness';
import { ledgerOverHttp } from './support/ledger-over-http';

/**
 * The legal reference of each duty layer, entered and read back through the API: the US
 * additional duties on goods of China in spring 2025 (Executive Orders 14195, 14228, 14257 and
 * 14259), with the chapter 99 headings of the HTS each rate is levied under.
 */
describe('legal references of duty layers over HTTP', () => {
  const ledger = ledgerOverHttp('legal-references');
  const { post, write, read } = ledger;

  const layersAt = async (asOf: string, token: number) => {
    const query = new URLSearchParams({ imposer: 'US', origin: 'CN', product: '850511', asOf });
    const { layers, total } = await read<{
      layers: Array<{ measureId: string; rate: number; heading: string | null; instrument: string | null }>;
      total: number;
    }>(`/v1/tariffs/effective?${query.toString()}`, token);
    return {
      total,
      layers: layers.map(({ measureId, rate, heading, instrument }) => ({
        measureId,
        rate,
        heading,
        instrument,
      })),
    };
  };

  const fentanyl = {
    id: 'us-ieepa-fentanyl-cn',
    imposer: 'US',
    targets: ['CN', 'HK'],
    program: 'US-IEEPA-FENTANYL',
    products: { scope: 'all' },
    title: 'Additional duty on products of China (synthetic opioid supply chain)',
    legalInstrument: 'Executive Order 14195',
    announcedAt: '2025-02-01T22:00:00Z',
    rate: 10,
    validFrom: '2025-02-04T05:01:00Z',
    citation: { reference: 'Executive Order 14195' },
  };

  beforeAll(() => ledger.start());

  afterAll(() => ledger.stop());

  it('records the heading and instrument of each rate and shows those of the rate in force in every layer', async () => {
    const imposed = await write('/v1/tariff-measures', fentanyl);
    expect(imposed).toMatchObject({ type: 'TariffImposed', schemaVersion: 2, data: { heading: null } });
    const raised = await write('/v1/tariff-measures/us-ieepa-fentanyl-cn/rate-changes', {
      rate: 20,
      validFrom: '2025-03-04T05:01:00Z',
      // Digits only: stored with its dots.
      heading: '99030124',
      instrument: 'Executive Order 14228',
      citation: { reference: 'Executive Order 14228' },
    });
    expect(raised).toMatchObject({
      type: 'TariffRateChanged',
      schemaVersion: 2,
      data: { rate: 20, heading: '9903.01.24', instrument: 'Executive Order 14228' },
    });
    await write('/v1/tariff-measures', {
      ...fentanyl,
      id: 'us-ieepa-reciprocal-baseline',
      targets: ['*'],
      program: 'US-IEEPA-RECIPROCAL',
      title: 'Reciprocal tariff: baseline for all trading partners',
      legalInstrument: 'Executive Order 14257',
      announcedAt: '2025-04-02T20:00:00Z',
      validFrom: '2025-04-05T04:01:00Z',
      heading: '9903.01.25',
      citation: { reference: 'Executive Order 14257' },
    });
    await write('/v1/tariff-measures', {
      ...fentanyl,
      id: 'us-ieepa-reciprocal-cn',
      targets: ['CN', 'HK', 'MO'],
      program: 'US-IEEPA-RECIPROCAL',
      title: 'Reciprocal tariff: country-specific rate for China',
      legalInstrument: 'Executive Order 14257',
      announcedAt: '2025-04-02T20:00:00Z',
      rate: 34,
      validFrom: '2025-04-09T04:01:00Z',
      citation: { reference: 'Executive Order 14257, Annex I' },
    });
    const last = await write('/v1/tariff-measures/us-ieepa-reciprocal-cn/rate-changes', {
      rate: 84,
      validFrom: '2025-04-09T04:01:00Z',
      heading: '9903.01.63',
      instrument: 'Executive Order 14259',
      citation: { reference: 'Executive Order 14259' },
    });

    expect(await layersAt('2025-02-10', last.position)).toEqual({
      total: 10,
      layers: [
        { measureId: 'us-ieepa-fentanyl-cn', rate: 10, heading: null, instrument: 'Executive Order 14195' },
      ],
    });
    expect(await layersAt('2025-04-06', last.position)).toEqual({
      total: 30,
      layers: [
        {
          measureId: 'us-ieepa-fentanyl-cn',
          rate: 20,
          heading: '9903.01.24',
          instrument: 'Executive Order 14228',
        },
        {
          measureId: 'us-ieepa-reciprocal-baseline',
          rate: 10,
          heading: '9903.01.25',
          instrument: 'Executive Order 14257',
        },
      ],
    });
    expect(await layersAt('2025-04-09T12:00:00Z', last.position)).toEqual({
      total: 104,
      layers: [
        {
          measureId: 'us-ieepa-fentanyl-cn',
          rate: 20,
          heading: '9903.01.24',
          instrument: 'Executive Order 14228',
        },
        {
          measureId: 'us-ieepa-reciprocal-cn',
          rate: 84,
          heading: '9903.01.63',
          instrument: 'Executive Order 14259',
        },
      ],
    });
  });

  it('refuses a chapter 98/99 code as a product and anything but such a heading as a heading, 400 per field, writing nothing', async () => {
    const asProduct = await post('/v1/tariff-measures', {
      ...fentanyl,
      id: 'heading-as-product',
      products: { scope: 'codes', codes: ['99030124'] },
    });
    expect(asProduct.status).toBe(400);
    expect(asProduct.body).toMatchObject({
      code: 'validation-failed',
      errors: [
        {
          field: 'products.codes',
          message: expect.stringContaining('chapters 98 and 99 hold a tariff') as unknown,
        },
      ],
    });
    const productAsHeading = await post('/v1/tariff-measures', {
      ...fentanyl,
      id: 'product-as-heading',
      heading: '8505.11',
    });
    expect(productAsHeading.status).toBe(400);
    expect(productAsHeading.body).toMatchObject({
      code: 'validation-failed',
      errors: [{ field: 'heading', message: expect.stringContaining('chapter 98 or 99 heading') as unknown }],
    });
    const stream = await request(ledger.server())
      .get('/v1/measures/heading-as-product/history')
      .set({ Authorization: `Bearer ${KEYS.reader}` });
    expect(stream.status).toBe(404);
  });
});
