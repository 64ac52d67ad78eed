import type { EffectiveTariffs } from '@ledger/views';
import { ledgerOverHttp } from './support/ledger-over-http';

const EO_14257 = { reference: 'Executive Order 14257' };
const PROCLAMATION_10896 = {
  reference: 'Proclamation 10896',
  title: 'Adjusting Imports of Steel Into the United States',
};
/** The cap below is an illustration of the "15 % all-in" kind, with an illustrative normal rate. */
const ILLUSTRATION = { reference: 'Illustration: a duty capped at 15 % including the normal rate' };

/**
 * Stacking rules recorded through the API. The reciprocal duties of Executive Order 14257 do not
 * apply to goods subject to Section 232 duties: flat-rolled steel (HS 7208) under the 25 % of
 * Proclamation 10896 (10 February 2025, from 12:01 a.m. EDT on 12 March 2025) is excluded from
 * the 10 % baseline. A capped layer levies at most its cap less the normal rate of the product.
 */
describe('stacking rules of tariff layers, over HTTP', () => {
  const ledger = ledgerOverHttp('tariff-stacking');
  /** Every write's position: the streams sit in different partitions, projected independently. */
  const written: number[] = [];
  let beforeRules: string;

  const post = async (path: string, body: object) => {
    const event = await ledger.write(path, body);
    written.push(event.position);
    return event;
  };

  /** The answer once the read models hold every write so far (a token vouches for its own write only). */
  const duty = async (origin: string, product: string, asOf: string, knownAt?: string) => {
    const path = `/v1/tariffs/effective?imposer=US&origin=${origin}&product=${product}&asOf=${asOf}${knownAt ? `&knownAt=${knownAt}` : ''}`;
    for (const position of written.slice(0, -1)) await ledger.read<EffectiveTariffs>(path, position);
    return ledger.read<EffectiveTariffs>(path, written[written.length - 1]);
  };

  beforeAll(async () => {
    await ledger.start();
    await post('/v1/tariff-measures', {
      id: 'us-232-steel',
      imposer: 'US',
      targets: ['*'],
      program: 'US-232-STEEL',
      products: { scope: 'codes', codes: ['7208'] },
      title: 'Section 232 duties on steel articles',
      legalInstrument: 'Proclamation 10896',
      announcedAt: '2025-02-10T00:00:00Z',
      rate: 25,
      validFrom: '2025-03-12T04:01:00Z',
      citation: PROCLAMATION_10896,
    });
    beforeRules = (
      await post('/v1/tariff-measures', {
        id: 'us-ieepa-reciprocal-baseline',
        imposer: 'US',
        targets: ['*'],
        program: 'US-IEEPA-RECIPROCAL',
        products: { scope: 'all' },
        title: 'Reciprocal tariff: baseline for all trading partners',
        legalInstrument: 'Executive Order 14257',
        announcedAt: '2025-04-02T20:00:00Z',
        rate: 10,
        validFrom: '2025-04-05T04:01:00Z',
        citation: EO_14257,
      })
    ).recordedAt;
    const rules = await post('/v1/tariff-measures/us-ieepa-reciprocal-baseline/stacking-rules', {
      validFrom: '2025-04-05T04:01:00Z',
      notStackedOn: ['US-232-STEEL'],
      citation: EO_14257,
    });
    expect(rules).toMatchObject({
      type: 'TariffStackingRulesSet',
      streamVersion: 2,
      data: { validFrom: '2025-04-05T04:01:00.000Z', notStackedOn: ['US-232-STEEL'] },
    });
  });

  afterAll(() => ledger.stop());

  it('excludes the reciprocal layer on flat-rolled steel, with the rule and the Section 232 layer as the reason', async () => {
    const steel = await duty('DE', '720810', '2025-04-20');
    expect(steel).toMatchObject({
      layers: [{ measureId: 'us-232-steel', program: 'US-232-STEEL', appliedRate: 25, cap: null }],
      total: 25,
      partialLayers: 0,
      excludedLayers: [
        {
          measureId: 'us-ieepa-reciprocal-baseline',
          program: 'US-IEEPA-RECIPROCAL',
          rate: 10,
          exclusions: [{ rule: 'not-stacked-on', measureId: 'us-232-steel', program: 'US-232-STEEL' }],
        },
      ],
    });
    // Known before the rules were recorded, the layers added up.
    expect(await duty('DE', '720810', '2025-04-20', beforeRules)).toMatchObject({
      total: 35,
      excludedLayers: [],
    });
    // Goods outside Section 232 pay the reciprocal duty.
    expect(await duty('DE', '850511', '2025-04-20')).toMatchObject({
      layers: [{ measureId: 'us-ieepa-reciprocal-baseline', appliedRate: 10 }],
      total: 10,
      excludedLayers: [],
    });
  });

  it('holds a capped layer to its cap less the normal rate of the product, and refuses rules naming its own program', async () => {
    await post('/v1/tariff-measures', {
      id: 'us-normal-magnets',
      imposer: 'US',
      targets: ['*'],
      program: 'US-MFN',
      products: { scope: 'codes', codes: ['850511'] },
      title: 'Normal rate (illustrative)',
      legalInstrument: 'Illustrative normal rate',
      announcedAt: '2025-01-01T00:00:00Z',
      rate: 2.5,
      validFrom: '2025-01-01T00:00:00Z',
      citation: ILLUSTRATION,
    });
    await post('/v1/tariff-measures', {
      id: 'us-capped-jp',
      imposer: 'US',
      targets: ['JP'],
      program: 'US-CAPPED',
      products: { scope: 'all' },
      title: 'Duty capped at 15 % including the normal rate (illustrative)',
      legalInstrument: 'Illustrative deal',
      announcedAt: '2025-08-01T00:00:00Z',
      rate: 15,
      validFrom: '2025-08-07T04:01:00Z',
      citation: ILLUSTRATION,
    });
    await post('/v1/tariff-measures/us-capped-jp/stacking-rules', {
      validFrom: '2025-08-07T04:01:00Z',
      displaces: ['US-IEEPA-RECIPROCAL'],
      cap: { total: 15, including: ['US-MFN'] },
      citation: ILLUSTRATION,
    });

    expect(await duty('JP', '850511', '2025-09-01')).toMatchObject({
      layers: [
        {
          measureId: 'us-capped-jp',
          rate: 15,
          appliedRate: 12.5,
          cap: { total: 15, including: ['US-MFN'], base: 2.5 },
        },
        { measureId: 'us-normal-magnets', appliedRate: 2.5, cap: null },
      ],
      total: 15,
      excludedLayers: [
        {
          measureId: 'us-ieepa-reciprocal-baseline',
          exclusions: [{ rule: 'displaced-by', measureId: 'us-capped-jp', program: 'US-CAPPED' }],
        },
      ],
    });
    // Before the deal, the normal rate and the reciprocal baseline add up.
    expect((await duty('JP', '850511', '2025-08-01')).total).toBe(12.5);

    const own = await ledger.post('/v1/tariff-measures/us-capped-jp/stacking-rules', {
      validFrom: '2025-08-07T04:01:00Z',
      notStackedOn: ['US-CAPPED'],
      citation: ILLUSTRATION,
    });
    expect({ status: own.status, code: (own.body as { code?: string }).code }).toEqual({
      status: 409,
      code: 'stacking-own-program',
    });
    const bad = await ledger.post('/v1/tariff-measures/us-capped-jp/stacking-rules', {
      validFrom: '2025-08-07T04:01:00Z',
      notStackedOn: ['steel'],
      cap: { total: 15.001, including: [] },
      citation: ILLUSTRATION,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/notStackedOn/);
    expect(JSON.stringify(bad.body)).toMatch(/total/);
    expect(JSON.stringify(bad.body)).toMatch(/including/);
  });
});
