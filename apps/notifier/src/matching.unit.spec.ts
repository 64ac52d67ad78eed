import type { EventEnvelope } from '@ledger/contracts';
import { NO_FACTS, matches, nextFacts, type Watch } from './matching';

const envelope = <K extends EventEnvelope['type']>(type: K, data: EventEnvelope<K>['data']) =>
  ({ type, data, streamId: 's' }) as unknown as EventEnvelope;

const watch = (overrides: Partial<Watch>): Watch => ({
  eventTypes: [],
  hsCodes: [],
  elements: [],
  imposers: [],
  ...overrides,
});

describe('matching events to webhooks', () => {
  const imposed = nextFacts(
    NO_FACTS,
    envelope('TariffImposed', {
      imposer: 'US',
      targets: ['CN'],
      program: 'P',
      products: { scope: 'codes', codes: ['85171300', '2846'] },
      title: 't',
      legalInstrument: 'EO',
      announcedAt: '2025-04-02T20:00:00.000Z',
      rate: 10,
      validFrom: '2025-04-05T04:01:00.000Z',
    }),
  );

  it('matches HS codes by prefix, and every list given must match', () => {
    expect(matches(watch({ hsCodes: ['8517'] }), 'TariffImposed', imposed)).toBe(true);
    expect(matches(watch({ hsCodes: ['85171300'] }), 'TariffImposed', imposed)).toBe(true);
    expect(matches(watch({ hsCodes: ['8518'] }), 'TariffImposed', imposed)).toBe(false);
    expect(matches(watch({ hsCodes: ['8517'], imposers: ['CN'] }), 'TariffImposed', imposed)).toBe(false);
    expect(
      matches(watch({ imposers: ['US'], eventTypes: ['TariffRateChanged'] }), 'TariffImposed', imposed),
    ).toBe(false);
    expect(matches(watch({}), 'LicenceApplied', NO_FACTS)).toBe(true);
  });

  it('keeps what the opening event said for the stream’s later events, and adds amended codes', () => {
    const changed = nextFacts(
      imposed,
      envelope('TariffRateChanged', { rate: 20, validFrom: '2025-05-01T00:00:00.000Z' }),
    );
    expect(changed).toBe(imposed);
    expect(matches(watch({ imposers: ['US'], hsCodes: ['2846'] }), 'TariffRateChanged', changed)).toBe(true);
    const amended = nextFacts(
      imposed,
      envelope('TariffProductsAmended', {
        validFrom: '2025-05-01T00:00:00.000Z',
        exclude: [{ code: '0101' }],
      }),
    );
    expect(matches(watch({ hsCodes: ['01'] }), 'TariffProductsAmended', amended)).toBe(true);
  });

  it('lets a measure on all products concern every HS code', () => {
    const all = nextFacts(
      NO_FACTS,
      envelope('TariffAnnounced', {
        imposer: 'US',
        targets: ['CN'],
        program: 'P',
        products: { scope: 'all' },
        title: 't',
        announcedAt: '2025-04-02T20:00:00.000Z',
        rate: 10,
        validFrom: '2025-04-05T04:01:00.000Z',
      }),
    );
    expect(matches(watch({ hsCodes: ['97'] }), 'TariffAnnounced', all)).toBe(true);
  });

  it('reads elements and HS codes from controlled items', () => {
    const control = nextFacts(
      NO_FACTS,
      envelope('ExportControlImposed', {
        imposer: 'CN',
        destinations: ['*'],
        kind: 'licence-required',
        items: [
          { element: 'Dy', description: 'dysprosium' },
          { hsCode: '280530', description: 'rare earths' },
        ],
        legalInstrument: 'MOFCOM',
        announcedAt: '2025-04-04T00:00:00.000Z',
        validFrom: '2025-04-04T00:00:00.000Z',
      }),
    );
    expect(matches(watch({ elements: ['Dy'], imposers: ['CN'] }), 'ExportControlImposed', control)).toBe(
      true,
    );
    expect(matches(watch({ elements: ['Tb'] }), 'ExportControlImposed', control)).toBe(false);
    expect(matches(watch({ hsCodes: ['2805'] }), 'ExportControlImposed', control)).toBe(true);
    const amended = nextFacts(
      control,
      envelope('ExportControlItemsAmended', {
        add: [{ element: 'Tb', description: 'terbium' }],
        remove: [],
        validFrom: '2025-05-01T00:00:00.000Z',
      }),
    );
    expect(matches(watch({ elements: ['Tb'] }), 'ExportControlItemsAmended', amended)).toBe(true);
  });
});
