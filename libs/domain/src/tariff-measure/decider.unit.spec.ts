import type {
  PolicyEvent,
  TariffAnnounced,
  TariffImposed,
  TariffProductsAmended,
  TariffStackingRulesSet,
} from '@ledger/contracts';
import { specify } from '../testing/given-when-then';
import {
  US_FENTANYL_CN,
  US_RECIPROCAL_CN,
  fentanylOnChina,
  reciprocalOnChina,
} from '../../../contracts/test/catalogue';
import { tariffMeasureDecider } from './decider';

const given = specify(tariffMeasureDecider);

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

  describe('announcing', () => {
    /** The 100 % additional tariff on China announced on 10 Oct 2025 for 1 Nov 2025. */
    const threat: TariffAnnounced = {
      imposer: 'US',
      targets: ['CN'],
      program: 'US-CN-ADDITIONAL-100',
      products: { scope: 'all' },
      title: 'Additional 100 % tariff on goods of China',
      announcedAt: '2025-10-10T20:00:00.000Z',
      rate: 100,
      validFrom: '2025-11-01T04:01:00.000Z',
    };
    const THREAT = 'us-cn-additional-100';
    const announce = (data: Partial<TariffAnnounced>) =>
      ({ type: 'AnnounceTariff', streamId: THREAT, data: { ...threat, ...data } }) as const;
    const announced: PolicyEvent = { type: 'TariffAnnounced', data: threat };
    const withdrawal = { withdrawnAt: '2025-10-30T00:00:00.000Z', reason: 'Dropped after the Busan meeting' };
    const withdraw = (data: Partial<typeof withdrawal> = {}) =>
      ({ type: 'WithdrawTariff', streamId: THREAT, data: { ...withdrawal, ...data } }) as const;
    const withdrawn: PolicyEvent = { type: 'TariffWithdrawn', data: withdrawal };
    const implement = {
      type: 'ImposeTariff',
      streamId: THREAT,
      data: { ...threat, legalInstrument: 'Executive Order (illustrative)' },
    } as const;

    it('records an announcement with its intended rate and start, with or without a legal basis', () => {
      given([]).when(announce({})).then([announced]);
      given([])
        .when(announce({ legalInstrument: 'IEEPA' }))
        .then([{ type: 'TariffAnnounced', data: { ...threat, legalInstrument: 'IEEPA' } }]);
    });

    it('checks an announcement as it checks an imposition', () => {
      given([])
        .when(announce({ rate: 1000.5 }))
        .thenThrows('rate-out-of-range', 'rate');
      given([])
        .when(announce({ targets: ['US'] }))
        .thenThrows('imposer-targets-itself', 'targets');
      given([])
        .when(announce({ legalInstrument: ' ' }))
        .thenThrows('text-empty', 'legalInstrument');
      given([])
        .when(announce({ validTo: '2025-10-01T00:00:00.000Z' }))
        .thenThrows('validity-inverted', 'validTo');
    });

    it('refuses to announce on an existing stream', () => {
      given([announced]).when(announce({})).thenThrows('stream-exists');
    });

    it('implements an announced measure by imposing it on the same stream', () => {
      given([announced])
        .when(implement)
        .then([{ type: 'TariffImposed', data: { ...implement.data, heading: null } }]);
    });

    it('still refuses a second imposition of an imposed measure', () => {
      given([announced, { type: 'TariffImposed', data: implement.data }])
        .when(implement)
        .thenThrows('stream-exists');
      given([imposed]).when(impose({})).thenThrows('stream-exists');
    });

    it('takes no rate change, suspension, lift or validity change before it is imposed', () => {
      given([announced])
        .when({ type: 'ChangeTariffRate', streamId: THREAT, data: { rate: 50, validFrom: threat.validFrom } })
        .thenThrows('measure-not-imposed');
      given([announced])
        .when({ type: 'LiftTariff', streamId: THREAT, data: { validFrom: threat.validFrom } })
        .thenThrows('measure-not-imposed');
      given([announced])
        .when({
          type: 'SuspendTariffPoints',
          streamId: THREAT,
          data: { points: 10, validFrom: threat.validFrom },
        })
        .thenThrows('measure-not-imposed');
    });

    it('withdraws an announced measure, with a reason', () => {
      given([announced]).when(withdraw()).then([withdrawn]);
      given([announced])
        .when(withdraw({ reason: '  ' }))
        .thenThrows('text-empty', 'reason');
    });

    it('refuses to withdraw an imposed measure: it is lifted instead', () => {
      given([imposed])
        .when({ type: 'WithdrawTariff', streamId: US_RECIPROCAL_CN, data: withdrawal })
        .thenThrows('measure-imposed');
      given([announced, { type: 'TariffImposed', data: implement.data }])
        .when(withdraw())
        .thenThrows('measure-imposed');
    });

    it('takes nothing further once withdrawn, an imposition included', () => {
      given([announced, withdrawn]).when(withdraw()).thenThrows('measure-withdrawn');
      given([announced, withdrawn]).when(implement).thenThrows('measure-withdrawn');
      given([announced, withdrawn])
        .when({ type: 'PostponeTariff', streamId: THREAT, data: { validFrom: '2025-12-01T05:01:00.000Z' } })
        .thenThrows('measure-withdrawn');
    });
  });

  describe('postponing', () => {
    /** The 50 % tariff on the EU threatened for 1 June 2025, postponed on 25 May to 9 July. */
    const EU_50 = 'us-eu-additional-50';
    const threat: PolicyEvent = {
      type: 'TariffAnnounced',
      data: {
        imposer: 'US',
        targets: ['EU'],
        program: 'US-EU-ADDITIONAL-50',
        products: { scope: 'all' },
        title: 'Additional 50 % tariff on goods of the European Union',
        announcedAt: '2025-05-23T12:00:00.000Z',
        rate: 50,
        validFrom: '2025-06-01T04:00:00.000Z',
      },
    };
    const postpone = (streamId: string, validFrom: string) =>
      ({ type: 'PostponeTariff', streamId, data: { validFrom } }) as const;

    it('moves an announced start later', () => {
      given([threat])
        .when(postpone(EU_50, '2025-07-09T04:00:00.000Z'))
        .then([{ type: 'TariffPostponed', data: { validFrom: '2025-07-09T04:00:00.000Z' } }]);
    });

    it('moves an imposed start later, even once the old start has passed', () => {
      given([imposed])
        .when(postpone(US_RECIPROCAL_CN, '2025-04-10T04:01:00.000Z'))
        .then([{ type: 'TariffPostponed', data: { validFrom: '2025-04-10T04:01:00.000Z' } }]);
    });

    it('refuses a start that is not later than the current one, the last postponement included', () => {
      given([imposed])
        .when(postpone(US_RECIPROCAL_CN, reciprocalOnChina.validFrom))
        .thenThrows('postponement-not-later');
      given([imposed])
        .when(postpone(US_RECIPROCAL_CN, '2025-04-01T00:00:00.000Z'))
        .thenThrows('postponement-not-later');
      given([threat, { type: 'TariffPostponed', data: { validFrom: '2025-07-09T04:00:00.000Z' } }])
        .when(postpone(EU_50, '2025-07-01T04:00:00.000Z'))
        .thenThrows('postponement-not-later');
    });

    it('refuses a start at or after the measure ends', () => {
      const temporary: PolicyEvent = {
        type: 'TariffImposed',
        data: { ...reciprocalOnChina, validTo: '2025-05-01T00:00:00.000Z' },
      };
      given([temporary])
        .when(postpone(US_RECIPROCAL_CN, '2025-05-01T00:00:00.000Z'))
        .thenThrows('validity-inverted', 'validFrom');
    });

    it('refuses postponing a lifted measure', () => {
      given([imposed, lifted])
        .when(postpone(US_RECIPROCAL_CN, '2025-04-10T04:01:00.000Z'))
        .thenThrows('measure-lifted');
    });
  });

  describe('suspending points of the rate', () => {
    /** Executive Order 14298: 24 of the 34 points suspended for 90 days from 2025-05-14. */
    const eo14298 = {
      points: 24,
      provision: '24 of the 34 percentage points of the reciprocal rate',
      validFrom: '2025-05-14T04:01:00.000Z',
      validTo: '2025-08-12T04:01:00.000Z',
    };
    const suspendPoints = (data: Partial<typeof eo14298> & { points: number }) =>
      ({ type: 'SuspendTariffPoints', streamId: US_RECIPROCAL_CN, data: { ...eo14298, ...data } }) as const;

    it('records the 24-point suspension of Executive Order 14298', () => {
      given([imposed])
        .when(suspendPoints({ points: 24 }))
        .then([{ type: 'TariffPointsSuspended', data: eo14298 }]);
    });

    it('accepts the whole rate, and rounds float noise to hundredths', () => {
      given([imposed])
        .when(suspendPoints({ points: 34 }))
        .then([{ type: 'TariffPointsSuspended', data: { ...eo14298, points: 34 } }]);
      given([imposed])
        .when(suspendPoints({ points: 0.1 + 0.2 }))
        .then([{ type: 'TariffPointsSuspended', data: { ...eo14298, points: 0.3 } }]);
    });

    it('refuses no points, and more points than the rate in force', () => {
      given([imposed])
        .when(suspendPoints({ points: 0 }))
        .thenThrows('points-not-positive', 'points');
      given([imposed])
        .when(suspendPoints({ points: 34.01 }))
        .thenThrows('points-exceed-rate');
      given([
        imposed,
        { type: 'TariffRateChanged', data: { rate: 20, validFrom: '2025-05-01T00:00:00.000Z' } },
      ])
        .when(suspendPoints({ points: 24 }))
        .thenThrows('points-exceed-rate');
    });

    it('refuses points too precise, an empty provision and an inverted period', () => {
      given([imposed])
        .when(suspendPoints({ points: 2.345 }))
        .thenThrows('rate-too-precise', 'points');
      given([imposed])
        .when(suspendPoints({ points: 24, provision: ' ' }))
        .thenThrows('text-empty', 'provision');
      given([imposed])
        .when(suspendPoints({ points: 24, validTo: eo14298.validFrom }))
        .thenThrows('validity-inverted', 'validTo');
    });

    it('refuses suspending points of a lifted measure', () => {
      given([imposed, lifted])
        .when(suspendPoints({ points: 24 }))
        .thenThrows('measure-lifted');
    });
  });

  describe('amending the products', () => {
    const APRIL_5 = '2025-04-05T04:01:00.000Z';
    const ANNEX = 'Annex to the memorandum of 11 April 2025';
    const amend = (data: Omit<TariffProductsAmended, 'validFrom'>, validFrom = APRIL_5) =>
      ({ type: 'AmendTariffProducts', streamId: US_RECIPROCAL_CN, data: { validFrom, ...data } }) as const;
    const amended = (data: Omit<TariffProductsAmended, 'validFrom'>, validFrom = APRIL_5): PolicyEvent => ({
      type: 'TariffProductsAmended',
      data: { validFrom, ...data },
    });
    const steel: PolicyEvent = {
      type: 'TariffImposed',
      data: { ...reciprocalOnChina, products: { scope: 'codes', codes: ['72', '7308'] } },
    };
    const laptops = { code: '847130', list: ANNEX, description: 'Portable computers' };

    it('records an exclusion backdated to before the measure takes effect, naming its list', () => {
      given([imposed])
        .when(amend({ exclude: [laptops, { code: '85171300' }] }))
        .then([amended({ exclude: [laptops, { code: '85171300' }] })]);
    });

    it('re-includes an excluded code', () => {
      given([imposed, amended({ exclude: [laptops] })])
        .when(amend({ reinclude: ['847130'] }, '2025-06-01T04:01:00.000Z'))
        .then([amended({ reinclude: ['847130'] }, '2025-06-01T04:01:00.000Z')]);
    });

    it('adds, removes and excludes codes of a measure on listed codes', () => {
      const change = { add: ['7208100000'], remove: ['7308'], exclude: [{ code: '7209' }] };
      given([steel])
        .when(amend(change))
        .then([amended(change)]);
    });

    it('refuses an amendment that changes nothing', () => {
      given([imposed]).when(amend({})).thenThrows('amendment-empty', 'exclude');
      given([imposed])
        .when(amend({ add: [], exclude: [] }))
        .thenThrows('amendment-empty', 'exclude');
    });

    it.each([
      [{ exclude: [{ code: '84713' }] }, 'exclude.0.code'],
      [{ add: ['72', '9900'] }, 'add.1'],
      [{ remove: ['7a'] }, 'remove.0'],
      [{ reinclude: ['77'] }, 'reinclude.0'],
    ])('refuses %j: not a product code', (change, field) => {
      given([steel]).when(amend(change)).thenThrows('hs-code-malformed', field);
    });

    it('refuses a code named twice in one list', () => {
      given([steel])
        .when(amend({ add: ['7208', '7208'] }))
        .thenThrows('codes-duplicated', 'add');
    });

    it('refuses an empty list name or description', () => {
      given([imposed])
        .when(amend({ exclude: [{ code: '8471', list: ' ' }] }))
        .thenThrows('text-empty', 'exclude.0.list');
      given([imposed])
        .when(amend({ exclude: [{ code: '8471', description: '' }] }))
        .thenThrows('text-empty', 'exclude.0.description');
    });

    it('only excludes or re-includes on a measure covering all products', () => {
      given([imposed])
        .when(amend({ add: ['8471'] }))
        .thenThrows('products-all-scope');
      given([imposed])
        .when(amend({ remove: ['8471'] }))
        .thenThrows('products-all-scope');
    });

    it('refuses to remove a code the measure does not list, even one under a listed code', () => {
      given([steel])
        .when(amend({ remove: ['8471'] }))
        .thenThrows('product-not-covered');
      given([steel])
        .when(amend({ remove: ['7208'] }))
        .thenThrows('product-not-covered');
    });

    it('refuses to add a code already listed, but takes one removed in the same amendment', () => {
      given([steel])
        .when(amend({ add: ['72'] }))
        .thenThrows('product-already-covered');
      given([steel])
        .when(amend({ remove: ['72'], add: ['72'] }))
        .then([amended({ remove: ['72'], add: ['72'] })]);
    });

    it('refuses to leave a measure on listed codes without codes', () => {
      given([steel])
        .when(amend({ remove: ['72', '7308'] }))
        .thenThrows('amendment-empties-measure');
    });

    it('refuses to re-include what is not excluded, and to exclude twice', () => {
      given([imposed])
        .when(amend({ reinclude: ['8471'] }))
        .thenThrows('product-not-excluded');
      given([imposed, amended({ exclude: [laptops] })])
        .when(amend({ exclude: [{ code: '847130' }] }))
        .thenThrows('product-already-excluded');
    });

    it('refuses to exclude what a measure on listed codes does not reach', () => {
      given([steel])
        .when(amend({ exclude: [{ code: '8471' }] }))
        .thenThrows('product-not-covered');
      // Excluding a chapter reaches the heading listed under it.
      given([steel])
        .when(amend({ exclude: [{ code: '73' }] }))
        .then([amended({ exclude: [{ code: '73' }] })]);
    });

    it('refuses amending a lifted measure', () => {
      given([imposed, lifted])
        .when(amend({ exclude: [laptops] }))
        .thenThrows('measure-lifted');
    });

    it('checks against the coverage after every recorded amendment, whatever its validFrom', () => {
      const later = amended({ exclude: [laptops] }, '2025-09-01T04:01:00.000Z');
      given([imposed, later])
        .when(amend({ reinclude: ['847130'] }))
        .then([amended({ reinclude: ['847130'] })]);
    });
  });

  describe('setting the stacking rules', () => {
    const APRIL_9 = reciprocalOnChina.validFrom;
    const setRules = (data: Omit<TariffStackingRulesSet, 'validFrom'>, validFrom = APRIL_9) =>
      ({ type: 'SetTariffStackingRules', streamId: US_RECIPROCAL_CN, data: { validFrom, ...data } }) as const;

    it('records that the reciprocal layer does not stack on steel and aluminium duties', () => {
      const rules = { notStackedOn: ['US-232-STEEL', 'US-232-ALUMINIUM'] };
      given([imposed])
        .when(setRules(rules))
        .then([{ type: 'TariffStackingRulesSet', data: { validFrom: APRIL_9, ...rules } }]);
    });

    it('records a cap with the normal rate, rounding float noise to hundredths', () => {
      given([imposed])
        .when(setRules({ cap: { total: 0.1 + 0.2, including: ['US-MFN'] } }))
        .then([
          {
            type: 'TariffStackingRulesSet',
            data: { validFrom: APRIL_9, cap: { total: 0.3, including: ['US-MFN'] } },
          },
        ]);
    });

    it('records rules that name nothing: the layer stacks on every other from then on', () => {
      given([imposed])
        .when(setRules({ notStackedOn: [], displaces: [], cap: null }))
        .then([
          {
            type: 'TariffStackingRulesSet',
            data: { validFrom: APRIL_9, notStackedOn: [], displaces: [], cap: null },
          },
        ]);
    });

    it('refuses a program named twice, an empty program, a cap out of range and an inverted period', () => {
      given([imposed])
        .when(setRules({ notStackedOn: ['US-232-STEEL'], displaces: ['US-232-STEEL'] }))
        .thenThrows('stacking-programs-overlap', 'displaces.0');
      given([imposed])
        .when(setRules({ displaces: ['US-MFN'], cap: { total: 15, including: ['US-MFN'] } }))
        .thenThrows('stacking-programs-overlap', 'cap.including.0');
      given([imposed])
        .when(setRules({ notStackedOn: [' '] }))
        .thenThrows('text-empty', 'notStackedOn.0');
      given([imposed])
        .when(setRules({ cap: { total: 1000.01, including: ['US-MFN'] } }))
        .thenThrows('rate-out-of-range', 'cap.total');
      given([imposed])
        .when(setRules({ notStackedOn: ['US-232-STEEL'], validTo: APRIL_9 }))
        .thenThrows('validity-inverted', 'validTo');
    });

    it("refuses rules naming the measure's own program", () => {
      given([imposed])
        .when(setRules({ notStackedOn: [reciprocalOnChina.program] }))
        .thenThrows('stacking-own-program');
      given([imposed])
        .when(setRules({ cap: { total: 15, including: [reciprocalOnChina.program] } }))
        .thenThrows('stacking-own-program');
    });

    it('refuses rules for a measure only announced, or lifted', () => {
      given([{ type: 'TariffAnnounced', data: reciprocalOnChina }])
        .when(setRules({ notStackedOn: ['US-232-STEEL'] }))
        .thenThrows('measure-not-imposed');
      given([imposed, lifted])
        .when(setRules({ notStackedOn: ['US-232-STEEL'] }))
        .thenThrows('measure-lifted');
    });
  });
});
