import type { PolicyEvent, TariffImposed } from '@ledger/contracts';
import { given } from './testing/given-when-then';
import { US_FENTANYL_CN, US_RECIPROCAL_CN, fentanylOnChina, reciprocalOnChina } from './testing/seed';

const imposed: PolicyEvent = { type: 'TariffImposed', data: reciprocalOnChina };
const impose = (data: Partial<TariffImposed>) =>
  ({ type: 'ImposeTariff', streamId: US_RECIPROCAL_CN, data: { ...reciprocalOnChina, ...data } }) as const;
const changeRate = (rate: number, validFrom = '2025-04-10T04:01:00.000Z', validTo?: string) =>
  ({ type: 'ChangeTariffRate', streamId: US_RECIPROCAL_CN, data: { rate, validFrom, validTo } }) as const;
/** What a rate change records when the command names neither heading nor instrument. */
const unknownReference = { heading: null, instrument: null };
const lifted: PolicyEvent = { type: 'TariffLifted', data: { validFrom: '2025-11-10T05:01:00.000Z' } };

describe('tariff measure', () => {
  describe('imposing', () => {
    it('records the reciprocal tariff on China', () => {
      given([]).when(impose({})).then([imposed]);
    });

    it('records an unknown heading as null when the command leaves it out', () => {
      const { heading: _omitted, ...withoutHeading } = reciprocalOnChina;
      given([])
        .when({ type: 'ImposeTariff', streamId: US_RECIPROCAL_CN, data: withoutHeading })
        .then([{ type: 'TariffImposed', data: { ...reciprocalOnChina, heading: null } }]);
    });

    it('records the fentanyl duty on China and Hong Kong', () => {
      given([])
        .when({ type: 'ImposeTariff', streamId: US_FENTANYL_CN, data: fentanylOnChina })
        .then([{ type: 'TariffImposed', data: fentanylOnChina }]);
    });

    it.each([0, 1000, 12.5, 7.25])('accepts the rate %p', (rate) => {
      given([])
        .when(impose({ rate }))
        .then([{ type: 'TariffImposed', data: { ...reciprocalOnChina, rate } }]);
    });

    it.each([-1, 1000.01, Number.NaN, Number.POSITIVE_INFINITY])('refuses the rate %p', (rate) => {
      given([]).when(impose({ rate })).thenThrows('rate-out-of-range', 'rate');
    });

    it.each([12.345, 0.001])('refuses the rate %p with more than two decimals', (rate) => {
      given([]).when(impose({ rate })).thenThrows('rate-too-precise', 'rate');
    });

    it('records a float-noisy rate such as 0.1 + 0.2 as 0.3', () => {
      given([])
        .when(impose({ rate: 0.1 + 0.2 }))
        .then([{ type: 'TariffImposed', data: { ...reciprocalOnChina, rate: 0.3 } }]);
    });

    it('accepts an end after the start and an open end', () => {
      const temporary = { validTo: '2025-08-12T04:01:00.000Z' };
      given([])
        .when(impose(temporary))
        .then([{ type: 'TariffImposed', data: { ...reciprocalOnChina, ...temporary } }]);
      given([])
        .when(impose({ validTo: null }))
        .then([{ type: 'TariffImposed', data: { ...reciprocalOnChina, validTo: null } }]);
    });

    it.each(['2025-04-09T04:01:00.000Z', '2025-04-01T00:00:00.000Z'])(
      'refuses to end at %s, not after the start',
      (validTo) => {
        given([]).when(impose({ validTo })).thenThrows('validity-inverted', 'validTo');
      },
    );

    it('refuses an imposer among its own targets', () => {
      given([])
        .when(impose({ targets: ['CN', 'US'] }))
        .thenThrows('imposer-targets-itself', 'targets');
    });

    it('refuses a measure that targets no one', () => {
      given([])
        .when(impose({ targets: [] }))
        .thenThrows('jurisdictions-empty', 'targets');
    });

    it('refuses a target named twice', () => {
      given([])
        .when(impose({ targets: ['CN', 'HK', 'CN'] }))
        .thenThrows('jurisdictions-duplicated', 'targets');
    });

    it('refuses * mixed with named targets', () => {
      given([])
        .when(impose({ targets: ['*', 'CN'] }))
        .thenThrows('wildcard-misplaced', 'targets');
    });

    it('accepts exclusions from an all-partner baseline', () => {
      const baseline = { targets: ['*'], excludedTargets: ['CA', 'MX'], rate: 10 };
      given([])
        .when(impose(baseline))
        .then([{ type: 'TariffImposed', data: { ...reciprocalOnChina, ...baseline } }]);
    });

    it('refuses exclusions next to named targets, where they mean nothing', () => {
      given([])
        .when(impose({ targets: ['CN'], excludedTargets: ['HK'] }))
        .thenThrows('exclusions-without-wildcard', 'excludedTargets');
    });

    it('refuses excluding * or excluding a partner twice', () => {
      given([])
        .when(impose({ targets: ['*'], excludedTargets: ['*'] }))
        .thenThrows('wildcard-misplaced', 'excludedTargets');
      given([])
        .when(impose({ targets: ['*'], excludedTargets: ['CA', 'CA'] }))
        .thenThrows('jurisdictions-duplicated', 'excludedTargets');
    });

    it('refuses a product list without codes', () => {
      given([])
        .when(impose({ products: { scope: 'codes', codes: [] } }))
        .thenThrows('products-empty', 'products.codes');
    });

    it('accepts HS headings, subheadings and national lines', () => {
      const products = { scope: 'codes', codes: ['8101', '850511', '8505110070'] } as const;
      given([])
        .when(impose({ products }))
        .then([{ type: 'TariffImposed', data: { ...reciprocalOnChina, products } }]);
    });

    it.each([
      [{ scope: 'codes', codes: ['850511', '8505.11'] }, 'products.codes.1'],
      [{ scope: 'codes', codes: ['85051'] }, 'products.codes.0'],
      [{ scope: 'all', excludedCodes: ['abc'] }, 'products.excludedCodes.0'],
    ] as const)('refuses malformed HS codes in %j', (products, field) => {
      given([]).when(impose({ products })).thenThrows('hs-code-malformed', field);
    });

    it.each(['title', 'program', 'legalInstrument'] as const)('refuses an empty %s', (field) => {
      given([])
        .when(impose({ [field]: '  ' }))
        .thenThrows('text-empty', field);
    });
  });

  describe('changing the rate', () => {
    it('records 84% then 125% on China', () => {
      given([imposed])
        .when(changeRate(84, '2025-04-09T04:01:00.000Z'))
        .then([
          {
            type: 'TariffRateChanged',
            data: { ...unknownReference, rate: 84, validFrom: '2025-04-09T04:01:00.000Z' },
          },
        ]);
      given([
        imposed,
        { type: 'TariffRateChanged', data: { rate: 84, validFrom: '2025-04-09T04:01:00.000Z' } },
      ])
        .when(changeRate(125))
        .then([
          {
            type: 'TariffRateChanged',
            data: { ...unknownReference, rate: 125, validFrom: '2025-04-10T04:01:00.000Z' },
          },
        ]);
    });

    it('records the 90-day Geneva rate of 10% with its end', () => {
      const geneva = { rate: 10, validFrom: '2025-05-14T04:01:00.000Z', validTo: '2025-08-12T04:01:00.000Z' };
      given([imposed])
        .when(changeRate(geneva.rate, geneva.validFrom, geneva.validTo))
        .then([{ type: 'TariffRateChanged', data: { ...geneva, ...unknownReference } }]);
    });

    it('records the heading and the instrument of the new rate, and null for either left out', () => {
      const eo14259 = { heading: '9903.01.63', instrument: 'Executive Order 14259' };
      given([imposed])
        .when({
          ...changeRate(84, '2025-04-09T04:01:00.000Z'),
          data: { rate: 84, validFrom: '2025-04-09T04:01:00.000Z', ...eo14259 },
        })
        .then([
          {
            type: 'TariffRateChanged',
            data: { rate: 84, validFrom: '2025-04-09T04:01:00.000Z', ...eo14259 },
          },
        ]);
      given([imposed])
        .when({
          ...changeRate(84),
          data: { rate: 84, validFrom: '2025-04-10T04:01:00.000Z', instrument: 'Executive Order 14259' },
        })
        .then([
          {
            type: 'TariffRateChanged',
            data: {
              rate: 84,
              validFrom: '2025-04-10T04:01:00.000Z',
              heading: null,
              instrument: 'Executive Order 14259',
            },
          },
        ]);
    });

    it('refuses a rate out of range or too precise', () => {
      given([imposed]).when(changeRate(1200)).thenThrows('rate-out-of-range', 'rate');
      given([imposed]).when(changeRate(33.333)).thenThrows('rate-too-precise', 'rate');
    });

    it('refuses an end not after the start', () => {
      given([imposed])
        .when(changeRate(10, '2025-05-14T04:01:00.000Z', '2025-05-14T04:01:00.000Z'))
        .thenThrows('validity-inverted', 'validTo');
    });

    it('refuses a change that takes effect before the measure does', () => {
      given([imposed])
        .when(changeRate(84, '2025-04-08T04:01:00.000Z'))
        .thenThrows('before-measure-start', 'validFrom');
    });

    it('refuses a change on a lifted measure', () => {
      given([imposed, lifted]).when(changeRate(10)).thenThrows('measure-lifted');
    });
  });

  describe('suspending', () => {
    const suspend = (validFrom: string, validTo?: string | null) =>
      ({ type: 'SuspendTariff', streamId: US_RECIPROCAL_CN, data: { validFrom, validTo } }) as const;

    it('records a suspension with its end', () => {
      given([imposed])
        .when(suspend('2025-05-14T04:01:00.000Z', '2025-08-12T04:01:00.000Z'))
        .then([
          {
            type: 'TariffSuspended',
            data: { validFrom: '2025-05-14T04:01:00.000Z', validTo: '2025-08-12T04:01:00.000Z' },
          },
        ]);
    });

    it('refuses an end not after the start', () => {
      given([imposed])
        .when(suspend('2025-05-14T04:01:00.000Z', '2025-05-01T00:00:00.000Z'))
        .thenThrows('validity-inverted', 'validTo');
    });

    it('records a suspension from before the measure takes effect: it covers the measure from its start', () => {
      given([imposed])
        .when(suspend('2025-04-08T20:00:00.000Z', '2025-04-09T04:01:00.000Z'))
        .then([
          {
            type: 'TariffSuspended',
            data: { validFrom: '2025-04-08T20:00:00.000Z', validTo: '2025-04-09T04:01:00.000Z' },
          },
        ]);
    });

    it('records a suspension spanning the start, and an open-ended one from before it', () => {
      given([imposed])
        .when(suspend('2025-04-01T00:00:00.000Z', '2025-05-01T00:00:00.000Z'))
        .then([
          {
            type: 'TariffSuspended',
            data: { validFrom: '2025-04-01T00:00:00.000Z', validTo: '2025-05-01T00:00:00.000Z' },
          },
        ]);
      given([imposed])
        .when(suspend('2025-04-01T00:00:00.000Z'))
        .then([{ type: 'TariffSuspended', data: { validFrom: '2025-04-01T00:00:00.000Z' } }]);
    });

    it('refuses an inverted suspension from before the measure takes effect', () => {
      given([imposed])
        .when(suspend('2025-04-05T00:00:00.000Z', '2025-04-01T00:00:00.000Z'))
        .thenThrows('validity-inverted', 'validTo');
    });

    it('refuses suspending a lifted measure', () => {
      given([imposed, lifted]).when(suspend('2025-12-01T05:00:00.000Z')).thenThrows('measure-lifted');
    });
  });

  describe('lifting', () => {
    const lift = (validFrom: string) =>
      ({ type: 'LiftTariff', streamId: US_RECIPROCAL_CN, data: { validFrom } }) as const;

    it('records the lift', () => {
      given([imposed]).when(lift('2025-11-10T05:01:00.000Z')).then([lifted]);
    });

    it('accepts a lift from the very instant the measure takes effect (it never applied)', () => {
      given([imposed])
        .when(lift(reciprocalOnChina.validFrom))
        .then([{ type: 'TariffLifted', data: { validFrom: reciprocalOnChina.validFrom } }]);
    });

    it('records a lift from before the measure takes effect (it never applies)', () => {
      given([imposed])
        .when(lift('2025-04-09T04:00:59.999Z'))
        .then([{ type: 'TariffLifted', data: { validFrom: '2025-04-09T04:00:59.999Z' } }]);
    });

    it('takes no further change after a lift from before the start', () => {
      const liftedEarly = { type: 'TariffLifted', data: { validFrom: '2025-04-05T00:00:00.000Z' } } as const;
      given([imposed, liftedEarly]).when(lift('2025-11-10T05:01:00.000Z')).thenThrows('measure-lifted');
    });

    it('lifts only once', () => {
      given([imposed, lifted]).when(lift('2025-12-01T05:00:00.000Z')).thenThrows('measure-lifted');
    });
  });

  describe('changing the validity', () => {
    const changeValidity = (validTo: string | null) =>
      ({ type: 'ChangeTariffValidity', streamId: US_RECIPROCAL_CN, data: { validTo } }) as const;

    it('extends a temporary measure and makes it open-ended', () => {
      given([imposed])
        .when(changeValidity('2025-11-10T05:01:00.000Z'))
        .then([{ type: 'TariffValidityChanged', data: { validTo: '2025-11-10T05:01:00.000Z' } }]);
      given([imposed])
        .when(changeValidity(null))
        .then([{ type: 'TariffValidityChanged', data: { validTo: null } }]);
    });

    it('refuses an end not after the measure takes effect', () => {
      given([imposed])
        .when(changeValidity(reciprocalOnChina.validFrom))
        .thenThrows('validity-inverted', 'validTo');
    });

    it('refuses changing the validity of a lifted measure', () => {
      given([imposed, lifted]).when(changeValidity(null)).thenThrows('measure-lifted');
    });
  });
});
