import type {
  AnyEventEnvelope,
  ControlledItem,
  ExportControlImposed,
  TariffAnnounced,
  TariffImposed,
} from '@ledger/contracts';
import type {
  ActiveExportControl,
  Bitemporal,
  EffectiveTariffs,
  ExportControlQuery,
  LicenceFilter,
  LicenceSummary,
  LicenceViewStatus,
  ListedTariff,
  MeasureView,
  TariffChanges,
  TariffChangesQuery,
  TariffListQuery,
  TariffQuery,
} from '@ledger/views';
import { RARE_EARTH_ELEMENTS } from '@ledger/contracts';
import { Ledger, day } from './envelopes';

/**
 * The consequences of docs/architecture.md §5 and the seed scenario of docs/domain.md, written
 * once and checked against both the in-memory evaluator (unit) and the Postgres read models
 * (int). Each scenario uses its own imposer and ids, so all can live in one ledger.
 */

export interface Views {
  tariffs(query: TariffQuery): Promise<EffectiveTariffs>;
  exportControls(query: ExportControlQuery): Promise<ActiveExportControl[]>;
  measure(id: string, at: Bitemporal): Promise<MeasureView | null>;
  /** The licence listing (as currently known) with statuses at asOf. */
  licences(filter: LicenceFilter, asOf: string): Promise<LicenceSummary[]>;
  tariffList(query: TariffListQuery): Promise<ListedTariff[]>;
  tariffChanges(query: TariffChangesQuery): Promise<TariffChanges>;
}

export interface Scenario {
  readonly name: string;
  verify(views: Views): Promise<void>;
}

/** Long after every event: what is known now. */
const NOW = '2030-01-01T00:00:00.000Z';

function asOf(date: string, knownAt = NOW): Bitemporal {
  return {
    asOf: date.length === 10 ? day(date) : date,
    knownAt: knownAt.length === 10 ? day(knownAt) : knownAt,
  };
}

function tariff(
  overrides: Partial<TariffImposed> & Pick<TariffImposed, 'imposer' | 'rate' | 'validFrom'>,
): TariffImposed {
  return {
    targets: ['*'],
    program: `${overrides.imposer}-PROGRAM`,
    products: { scope: 'all' },
    title: 'Additional duty',
    legalInstrument: `${overrides.imposer} instrument`,
    announcedAt: overrides.validFrom,
    ...overrides,
  };
}

function control(
  overrides: Partial<ExportControlImposed> & Pick<ExportControlImposed, 'imposer' | 'items' | 'validFrom'>,
): ExportControlImposed {
  return {
    destinations: ['*'],
    kind: 'licence-required',
    legalInstrument: `${overrides.imposer} export control announcement`,
    announcedAt: overrides.validFrom,
    ...overrides,
  };
}

const element = (symbol: string): ControlledItem => ({
  element: symbol,
  description: `${symbol} and its compounds`,
});

/** [measureId, rate] of each layer, and the total: what a tariff answer says. */
async function duty(
  views: Views,
  query: TariffQuery,
): Promise<{ layers: [string, number][]; total: number }> {
  const { layers, total } = await views.tariffs(query);
  return { layers: layers.map((layer) => [layer.measureId, layer.rate]), total };
}

async function controlIds(views: Views, query: ExportControlQuery): Promise<string[]> {
  return (await views.exportControls(query)).map((active) => active.controlId);
}

export const RARE_EARTHS = RARE_EARTH_ELEMENTS;

/** Every scenario's events in one ledger, and the scenarios to check against it. */
export function specification(): { events: readonly AnyEventEnvelope[]; scenarios: readonly Scenario[] } {
  const ledger = new Ledger();
  const scenarios: Scenario[] = [];
  const scenario = (name: string, verify: (views: Views) => Promise<void>): void => {
    scenarios.push({ name, verify });
  };

  // ---- a temporary rate ends by itself --------------------------------------------------------
  ledger.record(
    'ca-steel-surtax',
    'TariffImposed',
    tariff({
      imposer: 'CA',
      rate: 25,
      validFrom: day('2025-03-13'),
      products: { scope: 'codes', codes: ['72'] },
    }),
    { at: day('2025-03-10') },
  );
  ledger.record(
    'ca-steel-surtax',
    'TariffRateChanged',
    { rate: 10, validFrom: day('2025-05-01'), validTo: day('2025-06-01') },
    { at: day('2025-04-20') },
  );
  scenario('a temporary rate ends by itself at validTo and the earlier schedule resumes', async (views) => {
    const query = { imposer: 'CA', origin: 'US', product: '720810' };
    expect(await duty(views, { ...query, ...asOf('2025-04-15') })).toEqual({
      layers: [['ca-steel-surtax', 25]],
      total: 25,
    });
    const during = await views.tariffs({ ...query, ...asOf('2025-05-15') });
    expect(during.layers).toMatchObject([
      { measureId: 'ca-steel-surtax', rate: 10, validFrom: day('2025-05-01'), validTo: day('2025-06-01') },
    ]);
    expect((await duty(views, { ...query, ...asOf('2025-05-31T23:59:59.999Z') })).total).toBe(10);
    expect(await duty(views, { ...query, ...asOf('2025-06-01') })).toEqual({
      layers: [['ca-steel-surtax', 25]],
      total: 25,
    });
    expect((await views.measure('ca-steel-surtax', asOf('2025-07-01')))?.state).toMatchObject({ rate: 25 });
  });

  // ---- each layer names the legal reference of the rate in force ------------------------------
  // Illustrative imposer and headings: the rules, not a real tariff.
  ledger.record(
    'sg-reference-duty',
    'TariffImposed',
    tariff({ imposer: 'SG', rate: 10, validFrom: day('2025-04-05'), heading: '9903.01.25' }),
    { at: day('2025-04-02') },
  );
  ledger.record(
    'sg-reference-duty',
    'TariffRateChanged',
    {
      rate: 84,
      validFrom: day('2025-04-09'),
      validTo: day('2025-05-14'),
      heading: '9903.01.63',
      instrument: 'SG order 2',
    },
    { at: day('2025-04-08') },
  );
  ledger.record(
    'sg-reference-duty',
    'TariffRateChanged',
    { rate: 30, validFrom: day('2025-06-01'), heading: null, instrument: null },
    { at: day('2025-05-20') },
  );
  scenario(
    "a layer shows the heading and the instrument of the rate in force: an imposition's own legal instrument, a rate change's, or null when unknown",
    async (views) => {
      const reference = async (date: string) => {
        const { layers } = await views.tariffs({
          imposer: 'SG',
          origin: 'CN',
          product: '850511',
          ...asOf(date),
        });
        return layers.map(({ rate, heading, instrument }) => ({ rate, heading, instrument }));
      };
      expect(await reference('2025-04-06')).toEqual([
        { rate: 10, heading: '9903.01.25', instrument: 'SG instrument' },
      ]);
      expect(await reference('2025-04-20')).toEqual([
        { rate: 84, heading: '9903.01.63', instrument: 'SG order 2' },
      ]);
      expect(await reference('2025-05-20')).toEqual([
        { rate: 10, heading: '9903.01.25', instrument: 'SG instrument' },
      ]);
      expect(await reference('2025-06-02')).toEqual([{ rate: 30, heading: null, instrument: null }]);
    },
  );

  // ---- a temporary suspension ends by itself --------------------------------------------------
  ledger.record(
    'jp-duty',
    'TariffImposed',
    tariff({ imposer: 'JP', rate: 15, validFrom: day('2025-02-01') }),
    { at: day('2025-01-20') },
  );
  ledger.record(
    'jp-duty',
    'TariffSuspended',
    { validFrom: day('2025-06-01'), validTo: day('2025-07-01') },
    { at: day('2025-05-20') },
  );
  scenario('a temporary suspension ends by itself at validTo', async (views) => {
    const query = { imposer: 'JP', origin: 'CN', product: '940360' };
    expect((await duty(views, { ...query, ...asOf('2025-05-31') })).total).toBe(15);
    expect(await duty(views, { ...query, ...asOf('2025-06-15') })).toEqual({ layers: [], total: 0 });
    expect((await views.measure('jp-duty', asOf('2025-06-15')))?.status).toBe('suspended');
    expect((await duty(views, { ...query, ...asOf('2025-07-01') })).total).toBe(15);
    expect((await views.measure('jp-duty', asOf('2025-07-01')))?.status).toBe('in-force');
  });

  // ---- a scheduled rate replaced before it took effect ----------------------------------------
  ledger.record(
    'mx-duty',
    'TariffImposed',
    tariff({ imposer: 'MX', rate: 34, validFrom: '2025-04-09T04:01:00.000Z' }),
    { at: '2025-04-02T20:00:00.000Z' },
  );
  ledger.record(
    'mx-duty',
    'TariffRateChanged',
    { rate: 84, validFrom: '2025-04-09T04:01:00.000Z' },
    { at: '2025-04-08T22:00:00.000Z' },
  );
  scenario(
    'a rate scheduled and then replaced before it took effect never appears as in force',
    async (views) => {
      const query = { imposer: 'MX', origin: 'CN', product: '850511' };
      for (const when of [
        '2025-04-09T04:01:00.000Z',
        '2025-04-09T12:00:00.000Z',
        '2025-05-01T00:00:00.000Z',
      ]) {
        expect(await duty(views, { ...query, ...asOf(when) })).toEqual({
          layers: [['mx-duty', 84]],
          total: 84,
        });
        expect((await views.measure('mx-duty', asOf(when)))?.state).toMatchObject({ rate: 84 });
      }
      // Before the change was recorded, 34 was what the ledger believed would apply.
      expect((await duty(views, { ...query, ...asOf('2025-04-10', '2025-04-05') })).total).toBe(34);
      expect((await duty(views, { ...query, ...asOf('2025-04-09T04:00:59.999Z') })).total).toBe(0);
      expect((await views.measure('mx-duty', asOf('2025-04-08')))?.status).toBe('scheduled');
    },
  );

  // ---- a control suspended before its effective date -----------------------------------------
  ledger.record(
    'kr-graphite-control',
    'ExportControlImposed',
    control({
      imposer: 'KR',
      items: [{ hsCode: '2504', description: 'natural graphite' }],
      validFrom: day('2025-05-01'),
    }),
    { at: day('2025-04-20') },
  );
  ledger.record(
    'kr-graphite-control',
    'ExportControlSuspended',
    { validFrom: day('2025-04-25') },
    { at: day('2025-04-22') },
  );
  ledger.record(
    'kr-gallium-control',
    'ExportControlImposed',
    control({ imposer: 'KR', items: [element('Ga')], validFrom: day('2025-05-01') }),
    { at: day('2025-04-20') },
  );
  ledger.record(
    'kr-gallium-control',
    'ExportControlSuspended',
    { validFrom: day('2025-04-25'), validTo: day('2025-06-01') },
    { at: day('2025-04-22') },
  );
  scenario('a control suspended before its effective date is never in force', async (views) => {
    for (const when of ['2025-04-30', '2025-05-01', '2025-05-31T23:59:59.999Z']) {
      expect(await controlIds(views, { imposer: 'KR', ...asOf(when) })).toEqual([]);
    }
    expect(await controlIds(views, { imposer: 'KR', ...asOf('2026-01-01') })).toEqual(['kr-gallium-control']);
    expect((await views.measure('kr-graphite-control', asOf('2025-04-30')))?.status).toBe('scheduled');
    expect((await views.measure('kr-graphite-control', asOf('2025-05-01')))?.status).toBe('suspended');
    expect((await views.measure('kr-graphite-control', asOf('2027-01-01')))?.status).toBe('suspended');
    // Known before the suspension was recorded, the control was expected to take effect.
    expect(await controlIds(views, { imposer: 'KR', ...asOf('2025-05-02', '2025-04-21') })).toEqual([
      'kr-gallium-control',
      'kr-graphite-control',
    ]);
  });

  // ---- retractions ----------------------------------------------------------------------------
  const retractedImposition = ledger.record(
    'in-duty-wrong',
    'TariffImposed',
    tariff({ imposer: 'IN', rate: 40, validFrom: day('2025-02-01'), program: 'IN-SAFEGUARD' }),
    { at: day('2025-01-10') },
  );
  ledger.record(
    'in-duty',
    'TariffImposed',
    tariff({ imposer: 'IN', rate: 20, validFrom: day('2025-02-01') }),
    { at: day('2025-01-10') },
  );
  const wrongRate = ledger.record(
    'in-duty',
    'TariffRateChanged',
    { rate: 50, validFrom: day('2025-03-01') },
    { at: day('2025-02-20') },
  );
  ledger.retract(wrongRate, { at: day('2025-02-25') });
  ledger.retract(retractedImposition, { at: day('2025-02-25') });
  scenario(
    'a retraction is invisible at a knownAt before it and effective from its recordedAt on',
    async (views) => {
      const query = { imposer: 'IN', origin: 'BD', product: '100630', asOf: day('2025-03-10') };
      expect(await duty(views, { ...query, knownAt: day('2025-02-21') })).toEqual({
        layers: [
          ['in-duty', 50],
          ['in-duty-wrong', 40],
        ],
        total: 90,
      });
      expect((await duty(views, { ...query, knownAt: '2025-02-24T23:59:59.999Z' })).total).toBe(90);
      expect(await duty(views, { ...query, knownAt: day('2025-02-25') })).toEqual({
        layers: [['in-duty', 20]],
        total: 20,
      });
      expect((await views.measure('in-duty', asOf('2025-03-10', '2025-02-21')))?.state).toMatchObject({
        rate: 50,
      });
      expect(await views.measure('in-duty', asOf('2025-03-10', '2025-02-25'))).toMatchObject({
        version: 3,
        state: { rate: 20 },
      });
      expect(await views.measure('in-duty-wrong', asOf('2025-03-10', '2025-02-24'))).toMatchObject({
        status: 'in-force',
        version: 1,
      });
      expect(await views.measure('in-duty-wrong', asOf('2025-03-10', '2025-02-25'))).toBeNull();
      expect(await views.measure('in-duty', asOf('2025-03-10', '2025-01-09'))).toBeNull();
    },
  );

  // The API refuses to retract a retraction, but the journal's contract allows one; readers
  // must not let it revive the event it retracted.
  ledger.record(
    'pk-duty',
    'TariffImposed',
    tariff({ imposer: 'PK', rate: 10, validFrom: day('2025-02-01') }),
    {
      at: day('2025-01-10'),
    },
  );
  const raise = { rate: 30, validFrom: day('2025-03-01') };
  const raised = ledger.record('pk-duty', 'TariffRateChanged', raise, { at: day('2025-02-20') });
  const retraction = ledger.retract(raised, { at: day('2025-02-25') });
  ledger.retract(retraction, { at: day('2025-03-05') });
  ledger.record('pk-duty', 'TariffRateChanged', raise, { at: day('2025-03-10') });
  scenario(
    'a retracted retraction does not revive the event it retracted; recording the event again does',
    async (views) => {
      const query = { imposer: 'PK', origin: 'CN', product: '850511', asOf: day('2025-03-15') };
      const total = async (knownAt: string) => (await duty(views, { ...query, knownAt: day(knownAt) })).total;
      expect(await total('2025-02-21')).toBe(30);
      expect(await total('2025-02-25')).toBe(10);
      expect(await total('2025-03-05')).toBe(10);
      expect(await total('2025-03-10')).toBe(30);
      expect(await views.measure('pk-duty', asOf('2025-03-15', '2025-03-05'))).toMatchObject({
        version: 4,
        state: { rate: 10 },
      });
      expect(await views.measure('pk-duty', asOf('2025-03-15'))).toMatchObject({
        version: 5,
        state: { rate: 30 },
      });
    },
  );

  // ---- HS code coverage -----------------------------------------------------------------------
  for (const [id, code] of [
    ['br-chapter-85', '85'],
    ['br-heading-8505', '8505'],
    ['br-subheading-850511', '850511'],
    ['br-line-85051190', '85051190'],
  ]) {
    ledger.record(
      id,
      'TariffImposed',
      tariff({
        imposer: 'BR',
        rate: 1,
        program: `BR-${code}`,
        products: { scope: 'codes', codes: [code] },
        validFrom: day('2025-01-01'),
      }),
      { at: day('2024-12-01') },
    );
  }
  scenario(
    'an HS code covers every longer code starting with it; a shorter query meets longer codes as partial layers',
    async (views) => {
      const coverageFor = async (product: string) =>
        (await views.tariffs({ imposer: 'BR', origin: 'CN', product, ...asOf('2025-06-01') })).layers.map(
          (layer) => [layer.measureId, layer.coverage],
        );
      expect(await coverageFor('850511')).toEqual([
        ['br-chapter-85', 'full'],
        ['br-heading-8505', 'full'],
        ['br-subheading-850511', 'full'],
        ['br-line-85051190', 'partial'],
      ]);
      expect(await coverageFor('85051190')).toEqual([
        ['br-chapter-85', 'full'],
        ['br-heading-8505', 'full'],
        ['br-subheading-850511', 'full'],
        ['br-line-85051190', 'full'],
      ]);
      expect(await coverageFor('8505')).toEqual([
        ['br-chapter-85', 'full'],
        ['br-heading-8505', 'full'],
        ['br-subheading-850511', 'partial'],
        ['br-line-85051190', 'partial'],
      ]);
      expect(await coverageFor('850690')).toEqual([['br-chapter-85', 'full']]);
      expect(await coverageFor('840000')).toEqual([]);
    },
  );

  // ---- product amendments in valid time ------------------------------------------------------
  ledger.record(
    'ph-reciprocal',
    'TariffImposed',
    tariff({ imposer: 'PH', rate: 10, validFrom: '2025-04-05T04:01:00.000Z' }),
    { at: day('2025-04-02') },
  );
  const annex = { list: 'Annex to the order of 11 April', description: 'Computers' };
  ledger.record(
    'ph-reciprocal',
    'TariffProductsAmended',
    { validFrom: '2025-04-05T04:01:00.000Z', exclude: [{ code: '8471', ...annex }] },
    { at: '2025-04-11T23:00:00.000Z' },
  );
  ledger.record(
    'ph-reciprocal',
    'TariffProductsAmended',
    { validFrom: day('2025-06-01'), reinclude: ['8471'] },
    { at: day('2025-05-20') },
  );
  scenario(
    'a product amendment holds from its validFrom, backdated too; knownAt before its recording shows the old coverage',
    async (views) => {
      const total = async (product: string, at: Bitemporal) =>
        (await duty(views, { imposer: 'PH', origin: 'CN', product, ...at })).total;
      expect(await total('847130', asOf('2025-04-20'))).toBe(0);
      expect(await total('847130', asOf('2025-04-06'))).toBe(0);
      expect(await total('847130', asOf('2025-04-20', '2025-04-11T22:59:59.999Z'))).toBe(10);
      expect(await total('851713', asOf('2025-04-20'))).toBe(10);
      // The re-inclusion holds from 1 June on only.
      expect(await total('847130', asOf('2025-05-31T23:59:59.999Z'))).toBe(0);
      expect(await total('847130', asOf('2025-06-15'))).toBe(10);
      expect((await views.measure('ph-reciprocal', asOf('2025-04-20')))?.state).toMatchObject({
        products: { scope: 'all' },
        coverage: {
          scope: 'all',
          codes: [],
          excludedCodes: [{ code: '8471', nomenclature: 'HS', ...annex }],
        },
      });
      expect(
        (await views.measure('ph-reciprocal', asOf('2025-04-20', '2025-04-11T22:59:59.999Z')))?.state,
      ).toMatchObject({ coverage: { scope: 'all', codes: [], excludedCodes: [] } });
      expect((await views.measure('ph-reciprocal', asOf('2025-06-15')))?.state).toMatchObject({
        coverage: { excludedCodes: [] },
      });
    },
  );

  // ---- partial coverage at a coarser code ----------------------------------------------------
  ledger.record(
    'my-laptops',
    'TariffImposed',
    tariff({
      imposer: 'MY',
      program: 'MY-LAPTOPS',
      rate: 5,
      validFrom: day('2025-01-01'),
      products: { scope: 'codes', codes: ['8471300100'] },
    }),
    { at: day('2024-12-01') },
  );
  ledger.record(
    'my-laptops',
    'TariffProductsAmended',
    { validFrom: day('2025-03-01'), add: ['847141'] },
    { at: day('2025-02-20') },
  );
  ledger.record(
    'my-general',
    'TariffImposed',
    tariff({ imposer: 'MY', program: 'MY-GENERAL', rate: 10, validFrom: day('2025-01-01') }),
    { at: day('2024-12-01') },
  );
  ledger.record(
    'my-general',
    'TariffProductsAmended',
    { validFrom: day('2025-01-01'), exclude: [{ code: '8471300100', list: 'Schedule 2' }] },
    { at: day('2024-12-02') },
  );
  scenario(
    'a query at a coarser code than a measure covers or excludes reports a partial layer with those lines; total counts full layers only',
    async (views) => {
      const ask = (product: string, date = '2025-04-01') =>
        views.tariffs({ imposer: 'MY', origin: 'CN', product, ...asOf(date) });
      const laptopLine = { code: '8471300100', nomenclature: 'MY-national' };
      expect(await ask('847130')).toMatchObject({
        product: { code: '847130', nomenclature: 'HS' },
        layers: [
          {
            measureId: 'my-general',
            coverage: 'partial',
            lines: [],
            excludedLines: [{ ...laptopLine, list: 'Schedule 2', description: null }],
          },
          { measureId: 'my-laptops', coverage: 'partial', lines: [laptopLine], excludedLines: [] },
        ],
        total: 0,
        partialLayers: 2,
      });
      expect(await ask('8471300100')).toMatchObject({
        layers: [{ measureId: 'my-laptops', coverage: 'full', lines: [], excludedLines: [] }],
        total: 5,
        partialLayers: 0,
      });
      expect(await ask('8471300200')).toMatchObject({
        layers: [{ measureId: 'my-general', coverage: 'full' }],
        total: 10,
        partialLayers: 0,
      });
      // Lines under the query are listed by code; the addition holds from 1 March on.
      expect((await ask('8471')).layers[1]).toMatchObject({
        measureId: 'my-laptops',
        lines: [laptopLine, { code: '847141', nomenclature: 'HS' }],
      });
      expect((await ask('8471', '2025-02-01')).layers[1]).toMatchObject({ lines: [laptopLine] });
      expect((await views.measure('my-laptops', asOf('2025-04-01')))?.state).toMatchObject({
        products: { scope: 'codes', codes: ['8471300100'] },
        coverage: {
          scope: 'codes',
          codes: [laptopLine, { code: '847141', nomenclature: 'HS' }],
          excludedCodes: [],
        },
      });
    },
  );

  // ---- exclusions -----------------------------------------------------------------------------
  ledger.record(
    'au-duty',
    'TariffImposed',
    tariff({
      imposer: 'AU',
      rate: 10,
      targets: ['*'],
      excludedTargets: ['NZ', 'SG'],
      products: { scope: 'all', excludedCodes: ['2709', '850590'] },
      validFrom: day('2025-01-01'),
    }),
    { at: day('2024-12-01') },
  );
  ledger.record(
    'gb-control',
    'ExportControlImposed',
    control({
      imposer: 'GB',
      destinations: ['*'],
      excludedDestinations: ['IE'],
      items: [element('Nb')],
      validFrom: day('2025-01-01'),
    }),
    { at: day('2024-12-01') },
  );
  scenario(
    'exclusions hold: excluded codes (and their longer codes), excluded targets and destinations',
    async (views) => {
      const total = async (origin: string, product: string) =>
        (await duty(views, { imposer: 'AU', origin, product, ...asOf('2025-06-01') })).total;
      expect(await total('CN', '270112')).toBe(10);
      expect(await total('CN', '270900')).toBe(0);
      expect(await total('CN', '850590')).toBe(0);
      expect(await total('CN', '85059010')).toBe(0);
      // A shorter code is only partly excluded: the measure is a partial layer, outside the total.
      expect(await total('CN', '8505')).toBe(0);
      expect(
        await views.tariffs({ imposer: 'AU', origin: 'CN', product: '8505', ...asOf('2025-06-01') }),
      ).toMatchObject({
        layers: [
          {
            measureId: 'au-duty',
            coverage: 'partial',
            lines: [],
            excludedLines: [{ code: '850590', nomenclature: 'HS', list: null, description: null }],
          },
        ],
        total: 0,
        partialLayers: 1,
      });
      expect(await total('NZ', '270112')).toBe(0);
      expect(await total('SG', '270112')).toBe(0);
      expect(await controlIds(views, { imposer: 'GB', destination: 'IE', ...asOf('2025-06-01') })).toEqual(
        [],
      );
      expect(await controlIds(views, { imposer: 'GB', destination: 'US', ...asOf('2025-06-01') })).toEqual([
        'gb-control',
      ]);
    },
  );

  // ---- explicit origin replaces '*' within a program; programs stack --------------------------
  ledger.record(
    'ch-baseline',
    'TariffImposed',
    tariff({ imposer: 'CH', program: 'CH-RECIPROCAL', rate: 10, validFrom: day('2025-04-05') }),
    { at: day('2025-04-02') },
  );
  ledger.record(
    'ch-country-cn',
    'TariffImposed',
    tariff({
      imposer: 'CH',
      program: 'CH-RECIPROCAL',
      targets: ['CN'],
      rate: 34,
      validFrom: day('2025-04-09'),
    }),
    { at: day('2025-04-02') },
  );
  ledger.record(
    'ch-country-cn',
    'TariffSuspended',
    { validFrom: day('2025-05-14'), validTo: day('2025-08-12') },
    { at: day('2025-05-12') },
  );
  ledger.record(
    'ch-other-program',
    'TariffImposed',
    tariff({
      imposer: 'CH',
      program: 'CH-SAFEGUARD',
      targets: ['CN', 'VN'],
      rate: 20,
      validFrom: day('2025-03-04'),
    }),
    { at: day('2025-03-01') },
  );
  scenario(
    "within one program, a measure naming the origin replaces those reaching it only through '*'",
    async (views) => {
      const query = { imposer: 'CH', product: '850511' };
      expect(await duty(views, { ...query, origin: 'CN', ...asOf('2025-04-20') })).toEqual({
        layers: [
          ['ch-country-cn', 34],
          ['ch-other-program', 20],
        ],
        total: 54,
      });
      expect(await duty(views, { ...query, origin: 'VN', ...asOf('2025-04-20') })).toEqual({
        layers: [
          ['ch-baseline', 10],
          ['ch-other-program', 20],
        ],
        total: 30,
      });
      // Before the country rate starts, and while it is suspended, the baseline reaches CN.
      expect(await duty(views, { ...query, origin: 'CN', ...asOf('2025-04-06') })).toEqual({
        layers: [
          ['ch-baseline', 10],
          ['ch-other-program', 20],
        ],
        total: 30,
      });
      expect(await duty(views, { ...query, origin: 'CN', ...asOf('2025-06-01') })).toEqual({
        layers: [
          ['ch-baseline', 10],
          ['ch-other-program', 20],
        ],
        total: 30,
      });
    },
  );

  ledger.record(
    'nz-reciprocal',
    'TariffImposed',
    tariff({ imposer: 'NZ', program: 'NZ-RECIPROCAL', rate: 10, validFrom: day('2025-04-05') }),
    { at: day('2025-04-02') },
  );
  ledger.record(
    'nz-fentanyl',
    'TariffImposed',
    tariff({
      imposer: 'NZ',
      program: 'NZ-FENTANYL',
      targets: ['CN'],
      rate: 20,
      validFrom: day('2025-03-04'),
    }),
    { at: day('2025-03-01') },
  );
  ledger.record(
    'nz-301-list',
    'TariffImposed',
    tariff({
      imposer: 'NZ',
      program: 'NZ-301',
      targets: ['CN'],
      rate: 25,
      products: { scope: 'codes', codes: ['8471'] },
      validFrom: day('2019-05-10'),
    }),
    { at: day('2019-05-09') },
  );
  ledger.record(
    'nz-rounding',
    'TariffImposed',
    tariff({
      imposer: 'NZ',
      program: 'NZ-ROUNDING',
      targets: ['CN'],
      rate: 0.1,
      products: { scope: 'codes', codes: ['9999'] },
      validFrom: day('2019-05-10'),
    }),
    { at: day('2019-05-09') },
  );
  ledger.record(
    'nz-rounding-2',
    'TariffImposed',
    tariff({
      imposer: 'NZ',
      program: 'NZ-ROUNDING-2',
      targets: ['CN'],
      rate: 0.2,
      products: { scope: 'codes', codes: ['9999'] },
      validFrom: day('2019-05-10'),
    }),
    { at: day('2019-05-09') },
  );
  scenario('layers of different programs add up', async (views) => {
    expect(
      await duty(views, { imposer: 'NZ', origin: 'CN', product: '847130', ...asOf('2025-06-15') }),
    ).toEqual({
      layers: [
        ['nz-301-list', 25],
        ['nz-fentanyl', 20],
        ['nz-reciprocal', 10],
      ],
      total: 55,
    });
    expect(
      (await duty(views, { imposer: 'NZ', origin: 'CN', product: '850511', ...asOf('2025-06-15') })).total,
    ).toBe(30);
    expect(
      (await duty(views, { imposer: 'NZ', origin: 'CN', product: '999999', ...asOf('2025-06-15') })).total,
    ).toBe(30.3);
  });

  // ---- items of export controls ---------------------------------------------------------------
  ledger.record(
    'vn-control',
    'ExportControlImposed',
    control({
      imposer: 'VN',
      items: [
        { element: 'Sm', controlCode: '1C902.a', description: 'samarium' },
        { element: 'Dy', controlCode: '1C902.d', description: 'dysprosium' },
        { hsCode: '2846', description: 'compounds of rare-earth metals' },
      ],
      validFrom: day('2025-04-04'),
    }),
    { at: day('2025-04-04') },
  );
  ledger.record(
    'vn-control',
    'ExportControlItemsAmended',
    {
      add: [{ element: 'Tb', description: 'terbium' }],
      remove: [{ element: 'Dy', description: 'dysprosium' }],
      validFrom: day('2025-06-01'),
    },
    { at: day('2025-05-20') },
  );
  scenario(
    'item amendments add and remove items from their validFrom on; items match by element, control code or HS code',
    async (views) => {
      const ids = (item: string, when: string) => controlIds(views, { imposer: 'VN', item, ...asOf(when) });
      expect(await ids('Dy', '2025-05-15')).toEqual(['vn-control']);
      expect(await ids('dy', '2025-05-15')).toEqual(['vn-control']);
      expect(await ids('Tb', '2025-05-15')).toEqual([]);
      expect(await ids('Dy', '2025-06-01')).toEqual([]);
      expect(await ids('Tb', '2025-06-01')).toEqual(['vn-control']);
      expect(await ids('1C902.a', '2025-06-01')).toEqual(['vn-control']);
      expect(await ids('1C902.d', '2025-06-01')).toEqual([]);
      expect(await ids('284690', '2025-06-01')).toEqual(['vn-control']);
      expect(await ids('28', '2025-06-01')).toEqual([]);
      const [active] = await views.exportControls({ imposer: 'VN', ...asOf('2025-06-02') });
      expect(active.items.map((item) => item.element ?? item.hsCode)).toEqual(['Sm', '2846', 'Tb']);
    },
  );

  // ---- life: expiry, validity changes, lifts --------------------------------------------------
  ledger.record(
    'za-temporary',
    'TariffImposed',
    tariff({ imposer: 'ZA', rate: 5, validFrom: day('2025-01-01'), validTo: day('2025-04-01') }),
    { at: day('2024-12-01') },
  );
  ledger.record(
    'za-temporary',
    'TariffValidityChanged',
    { validTo: day('2025-07-01') },
    { at: day('2025-03-01') },
  );
  ledger.record(
    'za-temporary',
    'TariffValidityChanged',
    { validTo: day('2025-06-01') },
    { at: day('2025-05-01') },
  );
  ledger.record(
    'za-lifted',
    'TariffImposed',
    tariff({
      imposer: 'ZA',
      program: 'ZA-OTHER',
      rate: 7,
      validFrom: day('2025-01-01'),
      validTo: day('2025-12-01'),
    }),
    { at: day('2024-12-01') },
  );
  ledger.record('za-lifted', 'TariffLifted', { validFrom: day('2025-03-01') }, { at: day('2025-02-20') });
  ledger.record(
    'za-lifted-late',
    'TariffImposed',
    tariff({
      imposer: 'ZA',
      program: 'ZA-THIRD',
      rate: 9,
      validFrom: day('2025-01-01'),
      validTo: day('2025-02-01'),
    }),
    { at: day('2024-12-01') },
  );
  ledger.record(
    'za-lifted-late',
    'TariffLifted',
    { validFrom: day('2025-03-01') },
    { at: day('2025-02-20') },
  );
  scenario(
    'status follows the life: scheduled, in force, expired at validTo (the latest known end wins), lifted',
    async (views) => {
      const status = async (id: string, when: string, known = NOW) =>
        (await views.measure(id, asOf(when, known)))?.status;
      expect(await status('za-temporary', '2024-12-31')).toBe('scheduled');
      expect(await status('za-temporary', '2025-04-15')).toBe('in-force');
      expect(await status('za-temporary', '2025-04-15', '2025-02-01')).toBe('expired');
      expect(await status('za-temporary', '2025-06-15', '2025-04-01')).toBe('in-force');
      expect(await status('za-temporary', '2025-06-15')).toBe('expired');
      expect((await views.measure('za-temporary', asOf('2025-04-15')))?.state).toMatchObject({
        rate: 5,
        life: { validFrom: day('2025-01-01'), validTo: day('2025-06-01'), liftedFrom: null },
      });
      expect(await status('za-lifted', '2025-02-15')).toBe('in-force');
      expect(await status('za-lifted', '2025-03-01')).toBe('lifted');
      expect(await status('za-lifted', '2025-03-01', '2025-02-19')).toBe('in-force');
      expect(await status('za-lifted-late', '2025-03-15')).toBe('expired');
      const layers = await views.tariffs({
        imposer: 'ZA',
        origin: 'US',
        product: '01',
        ...asOf('2025-02-15'),
      });
      expect(layers.layers.map((layer) => [layer.measureId, layer.validFrom, layer.validTo])).toEqual([
        ['za-lifted', day('2025-01-01'), day('2025-03-01')],
        ['za-temporary', day('2025-01-01'), day('2025-06-01')],
      ]);
    },
  );

  ledger.record(
    'ls-lifted-at-end',
    'TariffImposed',
    tariff({ imposer: 'LS', rate: 4, validFrom: day('2025-01-01'), validTo: day('2025-02-01') }),
    { at: day('2024-12-01') },
  );
  ledger.record(
    'ls-lifted-at-end',
    'TariffLifted',
    { validFrom: day('2025-02-01') },
    { at: day('2025-01-20') },
  );
  scenario('a lift exactly at validTo cuts nothing: the measure expires there', async (views) => {
    const status = async (when: string) => (await views.measure('ls-lifted-at-end', asOf(when)))?.status;
    expect(await status('2025-01-31')).toBe('in-force');
    expect(await status('2025-02-01')).toBe('expired');
    expect(await status('2025-03-01')).toBe('expired');
    expect((await views.measure('ls-lifted-at-end', asOf('2025-01-31')))?.state).toMatchObject({
      life: { validFrom: day('2025-01-01'), validTo: day('2025-02-01'), liftedFrom: day('2025-02-01') },
    });
  });

  // ---- a suspension or a lift from before the start -------------------------------------------
  ledger.record(
    'bw-paused',
    'TariffImposed',
    tariff({ imposer: 'BW', rate: 25, validFrom: '2025-02-04T05:01:00.000Z' }),
    { at: '2025-02-01T23:00:00.000Z' },
  );
  ledger.record(
    'bw-paused',
    'TariffSuspended',
    { validFrom: '2025-02-03T20:00:00.000Z', validTo: '2025-03-04T05:01:00.000Z' },
    { at: '2025-02-03T21:00:00.000Z' },
  );
  scenario('a suspension from before the start covers the measure from its start', async (views) => {
    const query = { imposer: 'BW', origin: 'US', product: '01' };
    const status = async (when: string, known = NOW) =>
      (await views.measure('bw-paused', asOf(when, known)))?.status;
    expect(await status('2025-02-04')).toBe('scheduled');
    expect(await status('2025-02-04T05:01:00.000Z')).toBe('suspended');
    expect(await status('2025-02-10')).toBe('suspended');
    expect(await status('2025-03-04T05:01:00.000Z')).toBe('in-force');
    for (const when of ['2025-02-04', '2025-02-04T05:01:00.000Z', '2025-02-10', '2025-03-04T05:00:59.999Z']) {
      expect(await duty(views, { ...query, ...asOf(when) })).toEqual({ layers: [], total: 0 });
    }
    expect((await duty(views, { ...query, ...asOf('2025-03-04T05:01:00.000Z') })).total).toBe(25);
    // Before the pause was recorded, the duty was expected to apply from the start.
    expect((await duty(views, { ...query, ...asOf('2025-02-10', '2025-02-03T20:30:00.000Z') })).total).toBe(
      25,
    );
    expect((await views.measure('bw-paused', asOf('2025-02-10')))?.state).toMatchObject({
      suspensions: [{ validFrom: '2025-02-03T20:00:00.000Z', validTo: '2025-03-04T05:01:00.000Z' }],
    });
  });

  ledger.record(
    'bw-never',
    'TariffImposed',
    tariff({ imposer: 'BW', program: 'BW-OTHER', rate: 7, validFrom: day('2025-03-01') }),
    { at: day('2025-02-01') },
  );
  ledger.record('bw-never', 'TariffLifted', { validFrom: day('2025-02-20') }, { at: day('2025-02-21') });
  ledger.record(
    'bw-control-never',
    'ExportControlImposed',
    control({
      imposer: 'BW',
      items: [element('Co')],
      validFrom: day('2025-03-01'),
      validTo: day('2025-09-01'),
    }),
    { at: day('2025-02-01') },
  );
  ledger.record(
    'bw-control-never',
    'ExportControlLifted',
    { validFrom: day('2025-02-20') },
    { at: day('2025-02-21') },
  );
  scenario('a lift from before the start leaves a measure in force for no instant', async (views) => {
    const status = async (id: string, when: string, known = NOW) =>
      (await views.measure(id, asOf(when, known)))?.status;
    const rates = async (when: string, known = NOW) =>
      (await duty(views, { imposer: 'BW', origin: 'US', product: '850511', ...asOf(when, known) })).layers;
    for (const id of ['bw-never', 'bw-control-never']) {
      expect(await status(id, '2025-02-25')).toBe('scheduled');
      expect(await status(id, '2025-03-01')).toBe('lifted');
      expect(await status(id, '2025-10-01')).toBe('lifted');
      expect(await status(id, '2025-03-01', '2025-02-20')).toBe('in-force');
    }
    for (const when of ['2025-02-25', '2025-03-01', '2025-06-01']) {
      expect(await rates(when)).not.toContainEqual(['bw-never', 7]);
      expect(await controlIds(views, { imposer: 'BW', ...asOf(when) })).toEqual([]);
    }
    expect(await rates('2025-03-01', '2025-02-20')).toContainEqual(['bw-never', 7]);
    expect((await views.measure('bw-never', asOf('2025-03-01')))?.state).toMatchObject({
      life: { validFrom: day('2025-03-01'), validTo: null, liftedFrom: day('2025-03-01') },
      rate: null,
    });
    expect((await views.measure('bw-control-never', asOf('2025-03-01')))?.state).toMatchObject({
      life: { validFrom: day('2025-03-01'), validTo: day('2025-09-01'), liftedFrom: day('2025-03-01') },
    });
  });

  // ---- licence status in valid time -----------------------------------------------------------
  const application = {
    exportControlId: 'xl-rare-earths',
    exporter: 'Ganzhou Magnetics',
    destination: 'US',
    items: [element('Dy')],
    appliedAt: day('2025-05-01'),
  };
  for (const id of ['xl-revoked', 'xl-expiring', 'xl-denied']) {
    ledger.record(id, 'LicenceApplied', application, { at: day('2025-05-01') });
  }
  // Recorded the day after the decision: at T = 2025-06-01 it had not been taken, whatever K.
  ledger.record(
    'xl-revoked',
    'LicenceApproved',
    { decidedAt: day('2025-06-05'), validFrom: day('2025-06-05') },
    { at: day('2025-06-06') },
  );
  ledger.record(
    'xl-revoked',
    'LicenceRevoked',
    { validFrom: day('2025-07-01'), reason: 'diversion' },
    { at: day('2025-06-25') },
  );
  ledger.record(
    'xl-expiring',
    'LicenceApproved',
    { decidedAt: day('2025-06-05'), validFrom: day('2025-06-05'), validTo: day('2025-12-05') },
    { at: day('2025-06-06') },
  );
  ledger.record(
    'xl-denied',
    'LicenceDenied',
    { decidedAt: day('2025-06-05'), reason: 'end user listed' },
    { at: day('2025-06-06') },
  );
  scenario(
    'a licence is pending until its decision takes effect: approval or denial at decidedAt, revocation at validFrom; an approval expires at validTo',
    async (views) => {
      const status = async (
        id: string,
        when: string,
        known = NOW,
      ): Promise<LicenceViewStatus | undefined> => {
        const view = await views.measure(id, asOf(when, known));
        return view?.streamType === 'licence' ? view.status : undefined;
      };
      expect(await status('xl-revoked', '2025-06-01')).toBe('pending');
      expect(await status('xl-revoked', '2025-06-10')).toBe('approved');
      expect(await status('xl-revoked', '2025-06-20')).toBe('approved');
      expect(await status('xl-revoked', '2025-06-30T23:59:59.999Z')).toBe('approved');
      expect(await status('xl-revoked', '2025-07-02')).toBe('revoked');
      // Before the revocation was recorded, nobody knew it was coming.
      expect(await status('xl-revoked', '2025-07-02', '2025-06-20')).toBe('approved');
      expect(await status('xl-expiring', '2025-06-01')).toBe('pending');
      expect(await status('xl-expiring', '2025-12-04')).toBe('approved');
      expect(await status('xl-expiring', '2025-12-05')).toBe('expired');
      expect(await status('xl-expiring', '2026-01-01')).toBe('expired');
      expect(await status('xl-denied', '2025-06-01')).toBe('pending');
      expect(await status('xl-denied', '2025-06-10')).toBe('denied');
      // The state shows every known decision, taken by T or not.
      expect((await views.measure('xl-revoked', asOf('2025-06-01')))?.state).toMatchObject({
        approval: { decidedAt: day('2025-06-05') },
        revocation: { validFrom: day('2025-07-01') },
      });

      const listed = async (when: string, filter: LicenceFilter = {}) =>
        (await views.licences({ exportControlId: 'xl-rare-earths', ...filter }, day(when))).map((licence) => [
          licence.id,
          licence.status,
        ]);
      expect(await listed('2025-06-01')).toEqual([
        ['xl-denied', 'pending'],
        ['xl-expiring', 'pending'],
        ['xl-revoked', 'pending'],
      ]);
      expect(await listed('2025-06-10')).toEqual([
        ['xl-denied', 'denied'],
        ['xl-expiring', 'approved'],
        ['xl-revoked', 'approved'],
      ]);
      expect(await listed('2025-07-02')).toEqual([
        ['xl-denied', 'denied'],
        ['xl-expiring', 'approved'],
        ['xl-revoked', 'revoked'],
      ]);
      expect(await listed('2026-01-01')).toEqual([
        ['xl-denied', 'denied'],
        ['xl-expiring', 'expired'],
        ['xl-revoked', 'revoked'],
      ]);
      expect(await listed('2025-06-10', { status: 'approved' })).toEqual([
        ['xl-expiring', 'approved'],
        ['xl-revoked', 'approved'],
      ]);
      expect(await listed('2026-01-01', { status: 'expired' })).toEqual([['xl-expiring', 'expired']]);
      expect(await listed('2025-06-01', { status: 'approved' })).toEqual([]);
    },
  );

  // ---- an announcement levies nothing; a withdrawal ends it -----------------------------------
  const threat: TariffAnnounced = {
    imposer: 'US',
    targets: ['CN'],
    program: 'US-CN-ADDITIONAL-100',
    products: { scope: 'all' },
    title: 'Additional 100 % tariff on goods of China',
    announcedAt: day('2025-10-10'),
    rate: 100,
    validFrom: '2025-11-01T04:00:00.000Z',
  };
  ledger.record('us-cn-additional-100', 'TariffAnnounced', threat, { at: '2025-10-11T09:00:00.000Z' });
  ledger.record(
    'us-cn-additional-100',
    'TariffWithdrawn',
    { withdrawnAt: day('2025-10-30'), reason: 'Not imposed after the Busan meeting' },
    { at: '2025-10-31T09:00:00.000Z' },
  );
  scenario(
    'an announced tariff shows its intended rate and start, never counts, and reads withdrawn from its withdrawal',
    async (views) => {
      const query = { imposer: 'US', origin: 'CN', product: '850511' };
      const layers = async (at: Bitemporal) =>
        (await views.tariffs({ ...query, ...at })).layers.map((layer) => layer.measureId);
      expect(await layers(asOf('2025-11-05', '2025-10-20'))).not.toContain('us-cn-additional-100');
      expect(await layers(asOf('2025-11-05'))).not.toContain('us-cn-additional-100');
      const before = await views.measure('us-cn-additional-100', asOf('2025-11-05', '2025-10-20'));
      expect(before).toMatchObject({ status: 'announced', version: 1 });
      expect(before?.state).toMatchObject({
        intendedRate: 100,
        rate: null,
        legalInstrument: null,
        withdrawal: null,
        life: { validFrom: '2025-11-01T04:00:00.000Z', validTo: null, liftedFrom: null },
      });
      expect((await views.measure('us-cn-additional-100', asOf('2025-10-20')))?.status).toBe('announced');
      const after = await views.measure('us-cn-additional-100', asOf('2025-11-05'));
      expect(after).toMatchObject({ status: 'withdrawn', version: 2 });
      expect(after?.state).toMatchObject({
        intendedRate: 100,
        withdrawal: { withdrawnAt: day('2025-10-30'), reason: 'Not imposed after the Busan meeting' },
      });
    },
  );

  // ---- an imposition implements an announcement ---------------------------------------------
  ledger.record(
    'ar-announced-duty',
    'TariffAnnounced',
    { ...threat, imposer: 'AR', targets: ['*'], program: 'AR-PROGRAM', rate: 20, legalInstrument: 'AR law' },
    { at: day('2025-09-01') },
  );
  ledger.record(
    'ar-announced-duty',
    'TariffImposed',
    tariff({ imposer: 'AR', program: 'AR-PROGRAM', rate: 25, validFrom: day('2025-12-01') }),
    { at: day('2025-11-20') },
  );
  scenario('an announcement imposed on its own stream counts from the imposition on', async (views) => {
    const query = { imposer: 'AR', origin: 'CN', product: '850511' };
    expect(await duty(views, { ...query, ...asOf('2025-12-05', '2025-11-01') })).toEqual({
      layers: [],
      total: 0,
    });
    expect(await duty(views, { ...query, ...asOf('2025-12-05') })).toEqual({
      layers: [['ar-announced-duty', 25]],
      total: 25,
    });
    const imposed = await views.measure('ar-announced-duty', asOf('2025-12-05'));
    expect(imposed).toMatchObject({ status: 'in-force', version: 2 });
    expect(imposed?.state).toMatchObject({ rate: 25, intendedRate: null, legalInstrument: 'AR instrument' });
  });

  // ---- a postponement moves the start, bitemporally ------------------------------------------
  ledger.record(
    'us-eu-additional-50',
    'TariffAnnounced',
    {
      ...threat,
      targets: ['EU'],
      program: 'US-EU-ADDITIONAL-50',
      title: 'Additional 50 % tariff on goods of the European Union',
      announcedAt: day('2025-05-23'),
      rate: 50,
      validFrom: '2025-06-01T04:00:00.000Z',
    },
    { at: '2025-05-23T18:00:00.000Z' },
  );
  ledger.record(
    'us-eu-additional-50',
    'TariffPostponed',
    { validFrom: '2025-07-09T04:00:00.000Z' },
    { at: '2025-05-26T09:00:00.000Z' },
  );
  ledger.record(
    'cl-steel-duty',
    'TariffImposed',
    tariff({ imposer: 'CL', rate: 12, validFrom: day('2025-03-01') }),
    { at: day('2025-02-20') },
  );
  ledger.record(
    'cl-steel-duty',
    'TariffPostponed',
    { validFrom: day('2025-03-15') },
    { at: day('2025-03-05') },
  );
  scenario('a postponement moves the start later; known before it, the old start holds', async (views) => {
    const announced = await views.measure('us-eu-additional-50', asOf('2025-06-15', '2025-05-24'));
    expect(announced?.state).toMatchObject({ life: { validFrom: '2025-06-01T04:00:00.000Z' } });
    const postponed = await views.measure('us-eu-additional-50', asOf('2025-06-15'));
    expect(postponed).toMatchObject({ status: 'announced', version: 2 });
    expect(postponed?.state).toMatchObject({
      intendedRate: 50,
      life: { validFrom: '2025-07-09T04:00:00.000Z' },
    });

    const query = { imposer: 'CL', origin: 'CN', product: '720810' };
    expect(await duty(views, { ...query, ...asOf('2025-03-10', '2025-03-04') })).toEqual({
      layers: [['cl-steel-duty', 12]],
      total: 12,
    });
    expect(await duty(views, { ...query, ...asOf('2025-03-10') })).toEqual({ layers: [], total: 0 });
    expect((await views.measure('cl-steel-duty', asOf('2025-03-10')))?.status).toBe('scheduled');
    const from = await views.tariffs({ ...query, ...asOf('2025-03-20') });
    expect(from.layers).toMatchObject([
      { measureId: 'cl-steel-duty', rate: 12, validFrom: day('2025-03-15') },
    ]);
  });

  // ---- part of a rate suspended: the legal rate stands, less of it applies ----------------------
  ledger.record(
    'no-partial-duty',
    'TariffImposed',
    tariff({ imposer: 'NO', rate: 34, validFrom: '2025-04-09T04:01:00.000Z' }),
    { at: day('2025-04-02') },
  );
  ledger.record(
    'no-partial-duty',
    'TariffPointsSuspended',
    {
      points: 24,
      provision: '24 of the 34 points',
      validFrom: '2025-05-14T04:01:00.000Z',
      validTo: '2025-08-12T04:01:00.000Z',
    },
    { at: day('2025-05-12') },
  );
  ledger.record(
    'no-partial-duty',
    'TariffRateChanged',
    { rate: 20, validFrom: day('2025-07-01'), validTo: day('2025-07-15') },
    { at: day('2025-06-20') },
  );
  ledger.record(
    'no-partial-duty',
    'TariffSuspended',
    { validFrom: day('2025-07-20'), validTo: day('2025-07-25') },
    { at: '2025-06-20T01:00:00.000Z' },
  );
  scenario(
    'suspended points leave the legal rate and lower the applied rate; a rate cut under them applies 0',
    async (views) => {
      const query = { imposer: 'NO', origin: 'CN', product: '850511' };
      const suspension = {
        points: 24,
        provision: '24 of the 34 points',
        validFrom: '2025-05-14T04:01:00.000Z',
        validTo: '2025-08-12T04:01:00.000Z',
      };
      expect(await views.tariffs({ ...query, ...asOf('2025-05-20') })).toMatchObject({
        layers: [{ measureId: 'no-partial-duty', rate: 34, appliedRate: 10, suspension }],
        total: 10,
      });
      expect(await views.tariffs({ ...query, ...asOf('2025-05-20', '2025-05-11') })).toMatchObject({
        layers: [{ rate: 34, appliedRate: 34, suspension: null }],
        total: 34,
      });
      expect(await views.tariffs({ ...query, ...asOf('2025-07-10') })).toMatchObject({
        layers: [{ rate: 20, appliedRate: 0, suspension }],
        total: 0,
      });
      expect((await views.tariffs({ ...query, ...asOf('2025-07-22') })).layers).toEqual([]);
      expect(await views.tariffs({ ...query, ...asOf('2025-08-12T04:01:00.000Z') })).toMatchObject({
        layers: [{ rate: 34, appliedRate: 34, suspension: null }],
        total: 34,
      });
      const state = await views.measure('no-partial-duty', asOf('2025-05-20'));
      expect(state).toMatchObject({ status: 'in-force' });
      expect(state?.state).toMatchObject({ rate: 34, partialSuspensions: [suspension] });
    },
  );

  // ---- stacking: a layer not stacked on another program, one displaced, one capped -------------
  ledger.record(
    'ke-normal',
    'TariffImposed',
    tariff({
      imposer: 'KE',
      program: 'KE-MFN',
      rate: 4.5,
      validFrom: day('2025-01-01'),
      products: { scope: 'codes', codes: ['72', '85'] },
    }),
    { at: day('2024-12-20') },
  );
  ledger.record(
    'ke-steel',
    'TariffImposed',
    tariff({
      imposer: 'KE',
      program: 'KE-232-STEEL',
      rate: 25,
      validFrom: day('2025-03-12'),
      products: { scope: 'codes', codes: ['72'] },
    }),
    { at: day('2025-02-11') },
  );
  // Partial on 72 (it lists only 7208): it excludes nothing there.
  ledger.record(
    'ke-flat-steel',
    'TariffImposed',
    tariff({
      imposer: 'KE',
      program: 'KE-FLAT-STEEL',
      rate: 5,
      validFrom: day('2025-03-12'),
      products: { scope: 'codes', codes: ['7208'] },
    }),
    { at: day('2025-02-11') },
  );
  ledger.record(
    'ke-reciprocal',
    'TariffImposed',
    tariff({ imposer: 'KE', program: 'KE-RECIPROCAL', rate: 10, validFrom: day('2025-04-05') }),
    { at: day('2025-04-02') },
  );
  ledger.record(
    'ke-reciprocal',
    'TariffStackingRulesSet',
    { validFrom: day('2025-04-05'), notStackedOn: ['KE-232-STEEL', 'KE-FLAT-STEEL'] },
    { at: day('2025-04-03') },
  );
  ledger.record(
    'ke-deal',
    'TariffImposed',
    tariff({ imposer: 'KE', program: 'KE-DEAL', rate: 15, validFrom: day('2025-08-01') }),
    { at: day('2025-07-28') },
  );
  ledger.record(
    'ke-deal',
    'TariffStackingRulesSet',
    {
      validFrom: day('2025-08-01'),
      displaces: ['KE-RECIPROCAL'],
      cap: { total: 15, including: ['KE-MFN'] },
    },
    { at: '2025-07-28T01:00:00.000Z' },
  );
  scenario(
    'stacking rules exclude a layer where a full layer of another program applies, and cap a layer with the normal rate',
    async (views) => {
      const steel = { imposer: 'KE', origin: 'CN', product: '72' };
      const magnets = { imposer: 'KE', origin: 'CN', product: '850511' };
      const reciprocal = {
        measureId: 'ke-reciprocal',
        program: 'KE-RECIPROCAL',
        rate: 10,
        appliedRate: 10,
        cap: null,
      };
      expect(await views.tariffs({ ...steel, ...asOf('2025-04-10') })).toMatchObject({
        layers: [
          { measureId: 'ke-steel', appliedRate: 25 },
          { measureId: 'ke-flat-steel', coverage: 'partial' },
          { measureId: 'ke-normal', appliedRate: 4.5, cap: null },
        ],
        total: 29.5,
        partialLayers: 1,
        excludedLayers: [
          {
            ...reciprocal,
            exclusions: [{ rule: 'not-stacked-on', measureId: 'ke-steel', program: 'KE-232-STEEL' }],
          },
        ],
      });
      // Before the rules were recorded, the reciprocal layer stacked on the steel duty.
      expect(await views.tariffs({ ...steel, ...asOf('2025-04-10', '2025-04-02') })).toMatchObject({
        total: 39.5,
        excludedLayers: [],
      });
      expect(await views.tariffs({ ...magnets, ...asOf('2025-04-10') })).toMatchObject({
        layers: [{ measureId: 'ke-normal' }, reciprocal],
        total: 14.5,
        excludedLayers: [],
      });
      expect(await views.tariffs({ ...magnets, ...asOf('2025-08-10') })).toMatchObject({
        layers: [
          {
            measureId: 'ke-deal',
            rate: 15,
            appliedRate: 10.5,
            cap: { total: 15, including: ['KE-MFN'], base: 4.5 },
          },
          { measureId: 'ke-normal', appliedRate: 4.5 },
        ],
        total: 15,
        excludedLayers: [
          { ...reciprocal, exclusions: [{ rule: 'displaced-by', measureId: 'ke-deal', program: 'KE-DEAL' }] },
        ],
      });
      // No normal rate on 9403: the cap leaves the whole 15.
      expect(
        await views.tariffs({ imposer: 'KE', origin: 'CN', product: '9403', ...asOf('2025-08-10') }),
      ).toMatchObject({
        layers: [{ measureId: 'ke-deal', appliedRate: 15, cap: { base: 0 } }],
        total: 15,
      });
      expect(await views.tariffs({ ...steel, ...asOf('2025-08-10') })).toMatchObject({
        total: 29.5 + 10.5,
        excludedLayers: [
          {
            measureId: 'ke-reciprocal',
            exclusions: [
              { rule: 'displaced-by', measureId: 'ke-deal', program: 'KE-DEAL' },
              { rule: 'not-stacked-on', measureId: 'ke-steel', program: 'KE-232-STEEL' },
            ],
          },
        ],
      });
    },
  );

  // ---- what changed, on both time axes ---------------------------------------------------------
  const thDuty = ledger.record(
    'th-duty',
    'TariffImposed',
    tariff({ imposer: 'TH', rate: 5, validFrom: day('2025-03-01') }),
    { at: day('2025-02-20') },
  );
  const thRaise = ledger.record(
    'th-duty',
    'TariffRateChanged',
    { rate: 15, validFrom: day('2025-04-01') },
    { at: day('2025-03-20') },
  );
  const thSuspension = ledger.record(
    'th-duty',
    'TariffSuspended',
    { validFrom: day('2025-05-01'), validTo: day('2025-05-15') },
    { at: day('2025-04-20') },
  );
  // Learned late: the raise had taken effect a month earlier than recorded.
  const thBackdated = ledger.record(
    'th-duty',
    'TariffRateChanged',
    { rate: 15, validFrom: day('2025-03-15') },
    { at: day('2025-06-10') },
  );
  const thRetraction = ledger.retract(thRaise, { at: day('2025-06-11') });
  const thResumed = ledger.retract(thSuspension, { at: day('2025-06-12') });
  const thQuery = { imposer: 'TH', origin: 'CN', product: '850511' };
  scenario(
    'changes in valid time: each instant in [from, to) where the answer changes, as known at knownAt',
    async (views) => {
      const known = await views.tariffChanges({
        ...thQuery,
        from: day('2025-03-01'),
        to: day('2025-05-15'),
        knownAt: NOW,
      });
      expect(known.validTime).toEqual([
        {
          at: day('2025-03-01'),
          totalBefore: 0,
          totalAfter: 5,
          layers: [{ measureId: 'th-duty', program: 'TH-PROGRAM', before: null, after: 5 }],
        },
        {
          at: day('2025-03-15'),
          totalBefore: 5,
          totalAfter: 15,
          layers: [{ measureId: 'th-duty', program: 'TH-PROGRAM', before: 5, after: 15 }],
        },
      ]);
      // Before the late record and the retraction, the raise came on 1 April; `to` is exclusive.
      const earlier = await views.tariffChanges({
        ...thQuery,
        from: day('2025-03-02'),
        to: day('2025-05-01'),
        knownAt: day('2025-05-01'),
      });
      expect(earlier.validTime.map((change) => [change.at, change.totalAfter])).toEqual([
        [day('2025-04-01'), 15],
      ]);
      const suspended = await views.tariffChanges({
        ...thQuery,
        from: day('2025-04-15'),
        to: day('2025-06-01'),
        knownAt: day('2025-06-01'),
      });
      expect(suspended.validTime.map((change) => [change.at, change.totalBefore, change.totalAfter])).toEqual(
        [
          [day('2025-05-01'), 15, 0],
          [day('2025-05-15'), 0, 15],
        ],
      );
    },
  );
  scenario(
    'changes in recorded time: each event recorded in [from, to) that changed an answer, from the valid instant it took effect',
    async (views) => {
      const { recordedTime } = await views.tariffChanges({
        ...thQuery,
        from: day('2025-02-01'),
        to: day('2025-07-01'),
        knownAt: NOW,
      });
      expect(recordedTime).toEqual([
        {
          eventId: thDuty.id,
          type: 'TariffImposed',
          streamId: 'th-duty',
          recordedAt: day('2025-02-20'),
          at: day('2025-03-01'),
          totalBefore: 0,
          totalAfter: 5,
          layers: [{ measureId: 'th-duty', program: 'TH-PROGRAM', before: null, after: 5 }],
        },
        expect.objectContaining({
          eventId: thRaise.id,
          at: day('2025-04-01'),
          totalBefore: 5,
          totalAfter: 15,
        }),
        expect.objectContaining({ type: 'TariffSuspended', at: day('2025-05-01'), totalAfter: 0 }),
        // The backdated record changed the past; the retraction of the raise it repeats changed nothing.
        expect.objectContaining({
          eventId: thBackdated.id,
          recordedAt: day('2025-06-10'),
          at: day('2025-03-15'),
          totalBefore: 5,
          totalAfter: 15,
        }),
        expect.objectContaining({
          eventId: thResumed.id,
          type: 'EventRetracted',
          at: day('2025-05-01'),
          totalBefore: 0,
          totalAfter: 15,
        }),
      ]);
      expect(recordedTime.map((change) => change.eventId)).not.toContain(thRetraction.id);
      const retractionAlone = await views.tariffChanges({
        ...thQuery,
        from: day('2025-06-11'),
        to: day('2025-06-12'),
        knownAt: NOW,
      });
      expect(retractionAlone).toEqual({ validTime: [], recordedTime: [] });
    },
  );

  seedScenario(ledger, scenario);
  return { events: ledger.events, scenarios };
}

/**
 * docs/domain.md's seed: US and Chinese duties of spring 2025 and China's rare-earth controls.
 * US changes took effect at 12:01 a.m. EDT (04:01Z); Chinese ones at Beijing midnight or noon.
 */
function seedScenario(
  ledger: Ledger,
  scenario: (name: string, verify: (views: Views) => Promise<void>) => void,
): void {
  const eo = { url: 'https://www.federalregister.gov/presidential-documents/executive-orders' };
  ledger.record(
    'us-ieepa-fentanyl-cn',
    'TariffImposed',
    tariff({
      imposer: 'US',
      targets: ['CN', 'HK'],
      program: 'US-IEEPA-FENTANYL',
      rate: 10,
      validFrom: '2025-02-04T05:01:00.000Z',
      legalInstrument: 'Executive Order 14195',
      title: 'Additional duty on products of China (synthetic opioid supply chain)',
    }),
    { at: '2025-02-01T22:00:00.000Z', citation: eo },
  );
  ledger.record(
    'us-ieepa-fentanyl-cn',
    'TariffRateChanged',
    { rate: 20, validFrom: '2025-03-04T05:01:00.000Z' },
    { at: '2025-03-03T22:00:00.000Z', citation: eo },
  );
  ledger.record(
    'us-ieepa-reciprocal-baseline',
    'TariffImposed',
    tariff({
      imposer: 'US',
      program: 'US-IEEPA-RECIPROCAL',
      rate: 10,
      validFrom: '2025-04-05T04:01:00.000Z',
      legalInstrument: 'Executive Order 14257',
      products: { scope: 'all', excludedCodes: ['2709', '2711'] },
    }),
    { at: '2025-04-02T20:00:00.000Z', citation: eo },
  );
  ledger.record(
    'us-ieepa-reciprocal-cn',
    'TariffImposed',
    tariff({
      imposer: 'US',
      targets: ['CN'],
      program: 'US-IEEPA-RECIPROCAL',
      rate: 34,
      validFrom: '2025-04-09T04:01:00.000Z',
      legalInstrument: 'Executive Order 14257',
    }),
    { at: '2025-04-02T20:00:00.000Z', citation: eo },
  );
  ledger.record(
    'us-ieepa-reciprocal-cn',
    'TariffRateChanged',
    { rate: 84, validFrom: '2025-04-09T04:01:00.000Z' },
    { at: '2025-04-08T22:00:00.000Z', citation: eo },
  );
  ledger.record(
    'us-ieepa-reciprocal-cn',
    'TariffRateChanged',
    { rate: 125, validFrom: '2025-04-10T04:01:00.000Z' },
    { at: '2025-04-09T18:00:00.000Z', citation: eo },
  );
  const geneva = {
    url: 'https://www.whitehouse.gov/briefings-statements/2025/05/joint-statement-on-u-s-china-economic-and-trade-meeting-in-geneva/',
  };
  ledger.record(
    'us-ieepa-reciprocal-cn',
    'TariffRateChanged',
    { rate: 10, validFrom: '2025-05-14T04:01:00.000Z', validTo: '2025-08-12T04:01:00.000Z' },
    { at: '2025-05-12T12:00:00.000Z', citation: geneva },
  );
  ledger.record(
    'us-301-cn-list',
    'TariffImposed',
    tariff({
      imposer: 'US',
      targets: ['CN'],
      program: 'US-301',
      rate: 25,
      validFrom: '2019-05-10T04:01:00.000Z',
      products: { scope: 'codes', codes: ['8471'] },
      legalInstrument: 'Section 301 List 3',
    }),
    { at: '2019-05-09T12:00:00.000Z' },
  );

  ledger.record(
    'cn-tariff-us',
    'TariffImposed',
    tariff({
      imposer: 'CN',
      targets: ['US'],
      program: 'CN-STCTC-COUNTERMEASURE',
      rate: 34,
      validFrom: '2025-04-09T16:00:00.000Z',
      legalInstrument: 'Tariff Commission Announcement 2025 No. 4',
    }),
    { at: '2025-04-04T10:00:00.000Z' },
  );
  ledger.record(
    'cn-tariff-us',
    'TariffRateChanged',
    { rate: 84, validFrom: '2025-04-09T16:00:00.000Z' },
    { at: '2025-04-09T12:00:00.000Z' },
  );
  ledger.record(
    'cn-tariff-us',
    'TariffRateChanged',
    { rate: 125, validFrom: '2025-04-11T16:00:00.000Z' },
    { at: '2025-04-11T08:00:00.000Z' },
  );
  ledger.record(
    'cn-tariff-us',
    'TariffRateChanged',
    { rate: 10, validFrom: '2025-05-14T04:01:00.000Z', validTo: '2025-08-12T04:01:00.000Z' },
    { at: '2025-05-12T12:00:00.000Z', citation: geneva },
  );
  ledger.record(
    'cn-tariff-us-energy',
    'TariffImposed',
    tariff({
      imposer: 'CN',
      targets: ['US'],
      program: 'CN-STCTC-2025-1',
      rate: 15,
      validFrom: '2025-02-09T16:00:00.000Z',
      products: { scope: 'codes', codes: ['2701', '2711'] },
      legalInstrument: 'Tariff Commission Announcement 2025 No. 1',
    }),
    { at: '2025-02-04T08:00:00.000Z' },
  );

  ledger.record(
    'cn-mofcom-2025-10',
    'ExportControlImposed',
    control({
      imposer: 'CN',
      validFrom: '2025-02-03T16:00:00.000Z',
      legalInstrument: 'MOFCOM/GAC Announcement 2025 No. 10',
      items: ['W', 'Te', 'Bi', 'Mo', 'In'].map(element),
    }),
    { at: '2025-02-04T04:00:00.000Z' },
  );
  ledger.record(
    'cn-mofcom-2025-18',
    'ExportControlImposed',
    control({
      imposer: 'CN',
      validFrom: '2025-04-03T16:00:00.000Z',
      legalInstrument: 'MOFCOM/GAC Announcement 2025 No. 18',
      items: [
        { element: 'Sm', controlCode: '1C902.a', description: 'samarium and its alloys and compounds' },
        { element: 'Gd', controlCode: '1C902.b', description: 'gadolinium and its alloys and compounds' },
        { element: 'Tb', controlCode: '1C902.c', description: 'terbium and its alloys and compounds' },
        { element: 'Dy', controlCode: '1C902.d', description: 'dysprosium and its alloys and compounds' },
        { element: 'Lu', controlCode: '1C902.e', description: 'lutetium and its alloys and compounds' },
        { element: 'Sc', controlCode: '1C902.f', description: 'scandium and its alloys and compounds' },
        { element: 'Y', controlCode: '1C902.g', description: 'yttrium and its alloys and compounds' },
        {
          controlCode: '1C903',
          hsCode: '850511',
          description: 'samarium-cobalt and rare-earth permanent magnets',
        },
      ],
    }),
    { at: '2025-04-04T04:00:00.000Z' },
  );
  ledger.record(
    'cn-mofcom-2025-18',
    'ExportLicencesReported',
    {
      count: null,
      period: { from: '2025-04-04T00:00:00.000Z', to: '2025-06-07T00:00:00.000Z' },
      reportedAt: '2025-06-07T08:00:00.000Z',
    },
    { at: '2025-06-07T09:00:00.000Z' },
  );

  scenario(
    'seed: US additional duty on Chinese product 850511 is 145 as of 2025-04-20 (125 + 20)',
    async (views) => {
      expect(
        await duty(views, { imposer: 'US', origin: 'CN', product: '850511', ...asOf('2025-04-20') }),
      ).toEqual({
        layers: [
          ['us-ieepa-fentanyl-cn', 20],
          ['us-ieepa-reciprocal-cn', 125],
        ],
        total: 145,
      });
    },
  );
  scenario(
    'seed: US additional duty on Chinese product 850511 is 30 as of 2025-05-20 (10 + 20)',
    async (views) => {
      const answer = await views.tariffs({
        imposer: 'US',
        origin: 'CN',
        product: '850511',
        ...asOf('2025-05-20'),
      });
      expect(answer.total).toBe(30);
      expect(answer.layers).toMatchObject([
        {
          measureId: 'us-ieepa-fentanyl-cn',
          program: 'US-IEEPA-FENTANYL',
          rate: 20,
          validFrom: '2025-03-04T05:01:00.000Z',
          validTo: null,
        },
        {
          measureId: 'us-ieepa-reciprocal-cn',
          program: 'US-IEEPA-RECIPROCAL',
          rate: 10,
          validFrom: '2025-05-14T04:01:00.000Z',
          validTo: '2025-08-12T04:01:00.000Z',
          legalInstrument: 'Executive Order 14257',
          citation: geneva,
        },
      ]);
      // 55 on goods Section 301 lists; the 90-day pause ends by itself.
      expect(
        (await duty(views, { imposer: 'US', origin: 'CN', product: '847130', ...asOf('2025-06-15') })).total,
      ).toBe(55);
      expect(
        (
          await duty(views, {
            imposer: 'US',
            origin: 'CN',
            product: '850511',
            ...asOf('2025-08-12T04:01:00.000Z'),
          })
        ).total,
      ).toBe(145);
      expect(
        (await duty(views, { imposer: 'US', origin: 'VN', product: '850511', ...asOf('2025-05-20') })).total,
      ).toBe(10);
    },
  );
  scenario("seed: China's additional duty on US goods is 10 as of 2025-05-20", async (views) => {
    expect(
      await duty(views, { imposer: 'CN', origin: 'US', product: '850511', ...asOf('2025-05-20') }),
    ).toEqual({ layers: [['cn-tariff-us', 10]], total: 10 });
    expect(
      (await duty(views, { imposer: 'CN', origin: 'US', product: '850511', ...asOf('2025-04-20') })).total,
    ).toBe(125);
  });
  scenario(
    'seed: of the 17 rare earths, China requires a licence as of 2025-04-10 for exactly Sm, Gd, Tb, Dy, Lu, Sc, Y',
    async (views) => {
      const controlled: string[] = [];
      for (const symbol of RARE_EARTHS) {
        const active = await views.exportControls({
          imposer: 'CN',
          item: symbol,
          destination: 'US',
          ...asOf('2025-04-10'),
        });
        if (active.some((control) => control.kind === 'licence-required')) controlled.push(symbol);
      }
      expect(controlled.sort()).toEqual(['Dy', 'Gd', 'Lu', 'Sc', 'Sm', 'Tb', 'Y']);
      expect(await controlIds(views, { imposer: 'CN', item: 'Dy', ...asOf('2025-04-01') })).toEqual([]);
      expect(await controlIds(views, { imposer: 'CN', item: '850511', ...asOf('2025-04-10') })).toEqual([
        'cn-mofcom-2025-18',
      ]);
      expect(await controlIds(views, { imposer: 'CN', item: 'W', ...asOf('2025-04-10') })).toEqual([
        'cn-mofcom-2025-10',
      ]);
      const state = await views.measure('cn-mofcom-2025-18', asOf('2025-06-10'));
      expect(state).toMatchObject({ streamType: 'export-control', status: 'in-force', version: 2 });
      expect(state?.state).toMatchObject({ licenceReports: [{ count: null }] });
    },
  );
  scenario(
    'seed: every US tariff reaching China on 2025-04-03, with its status, rate in force and scope',
    async (views) => {
      const listed = async (at: Bitemporal, program?: string) =>
        (await views.tariffList({ imposer: 'US', origin: 'CN', program, ...at })).map((tariff) => [
          tariff.measureId,
          tariff.status,
          tariff.rate,
          tariff.namesOrigin,
        ]);
      expect(await listed(asOf('2025-04-03'))).toEqual([
        ['us-301-cn-list', 'in-force', 25, true],
        ['us-ieepa-fentanyl-cn', 'in-force', 20, true],
        ['us-ieepa-reciprocal-baseline', 'scheduled', null, false],
        ['us-ieepa-reciprocal-cn', 'scheduled', null, true],
      ]);
      expect(await listed(asOf('2025-04-20'), 'US-IEEPA-RECIPROCAL')).toEqual([
        ['us-ieepa-reciprocal-baseline', 'in-force', 10, false],
        ['us-ieepa-reciprocal-cn', 'in-force', 125, true],
      ]);
      expect(await listed(asOf('2025-04-20', '2025-04-09T00:00:00.000Z'), 'US-IEEPA-RECIPROCAL')).toEqual([
        ['us-ieepa-reciprocal-baseline', 'in-force', 10, false],
        ['us-ieepa-reciprocal-cn', 'in-force', 84, true],
      ]);
      const [reciprocal] = await views.tariffList({
        imposer: 'US',
        origin: 'CN',
        program: 'US-IEEPA-RECIPROCAL',
        ...asOf('2025-05-20'),
      });
      expect(reciprocal).toMatchObject({
        measureId: 'us-ieepa-reciprocal-baseline',
        products: { scope: 'all', excludedCodes: ['2709', '2711'] },
        targets: ['*'],
        validFrom: '2025-04-05T04:01:00.000Z',
        validTo: null,
      });
      expect(await listed(asOf('2025-04-20'), 'NO-SUCH-PROGRAM')).toEqual([]);
      expect(
        (await views.tariffList({ imposer: 'US', origin: 'VN', ...asOf('2025-04-20') })).map(
          (tariff) => tariff.measureId,
        ),
      ).toEqual(['us-ieepa-reciprocal-baseline']);
    },
  );
  scenario(
    'seed: what changed in the US duty on Chinese magnets in spring 2025, in valid and in recorded time',
    async (views) => {
      const query = { imposer: 'US', origin: 'CN', product: '850511' };
      const changes = await views.tariffChanges({
        ...query,
        from: day('2025-02-01'),
        to: day('2025-06-01'),
        knownAt: NOW,
      });
      expect(changes.validTime.map((change) => [change.at, change.totalBefore, change.totalAfter])).toEqual([
        ['2025-02-04T05:01:00.000Z', 0, 10],
        ['2025-03-04T05:01:00.000Z', 10, 20],
        ['2025-04-05T04:01:00.000Z', 20, 30],
        ['2025-04-09T04:01:00.000Z', 30, 104],
        ['2025-04-10T04:01:00.000Z', 104, 145],
        ['2025-05-14T04:01:00.000Z', 145, 30],
      ]);
      expect(changes.validTime[3].layers).toEqual([
        {
          measureId: 'us-ieepa-reciprocal-baseline',
          program: 'US-IEEPA-RECIPROCAL',
          before: 10,
          after: null,
        },
        { measureId: 'us-ieepa-reciprocal-cn', program: 'US-IEEPA-RECIPROCAL', before: null, after: 84 },
      ]);
      // As known before the raise to 84 was recorded, 34 was to apply from 9 April.
      const before84 = await views.tariffChanges({
        ...query,
        from: day('2025-04-09'),
        to: day('2025-04-10'),
        knownAt: '2025-04-08T21:59:59.999Z',
      });
      expect(before84.validTime.map((change) => [change.at, change.totalAfter])).toEqual([
        ['2025-04-09T04:01:00.000Z', 54],
      ]);
      const recorded = await views.tariffChanges({
        ...query,
        from: day('2025-04-01'),
        to: day('2025-04-11'),
        knownAt: NOW,
      });
      expect(
        recorded.recordedTime.map((change) => [
          change.streamId,
          change.type,
          change.recordedAt,
          change.at,
          change.totalBefore,
          change.totalAfter,
        ]),
      ).toEqual([
        // Recorded at the same instant, the two impositions share their effect.
        [
          'us-ieepa-reciprocal-baseline',
          'TariffImposed',
          '2025-04-02T20:00:00.000Z',
          '2025-04-05T04:01:00.000Z',
          20,
          30,
        ],
        [
          'us-ieepa-reciprocal-cn',
          'TariffImposed',
          '2025-04-02T20:00:00.000Z',
          '2025-04-05T04:01:00.000Z',
          20,
          30,
        ],
        [
          'us-ieepa-reciprocal-cn',
          'TariffRateChanged',
          '2025-04-08T22:00:00.000Z',
          '2025-04-09T04:01:00.000Z',
          54,
          104,
        ],
        [
          'us-ieepa-reciprocal-cn',
          'TariffRateChanged',
          '2025-04-09T18:00:00.000Z',
          '2025-04-10T04:01:00.000Z',
          104,
          145,
        ],
      ]);
      // Magnets are no 8471 computer: the Section 301 list concerns neither axis.
      expect(
        changes.validTime.flatMap((change) => change.layers.map((layer) => layer.measureId)),
      ).not.toContain('us-301-cn-list');
    },
  );
}
