import type { LicenceApplied, LicenceApproved, PolicyEvent } from '@ledger/contracts';
import { specify } from '../testing/given-when-then';
import {
  CN_RARE_EARTHS,
  DY_LICENCE,
  US_RECIPROCAL_CN,
  dysprosiumLicence,
} from '../../../contracts/test/catalogue';
import { licenceDecider } from './decider';

const given = specify(licenceDecider);

const controlExists = { [CN_RARE_EARTHS]: 'export-control' } as const;
const applied: PolicyEvent = { type: 'LicenceApplied', data: dysprosiumLicence };
const apply = (data: Partial<LicenceApplied>) =>
  ({ type: 'ApplyForLicence', streamId: DY_LICENCE, data: { ...dysprosiumLicence, ...data } }) as const;

const approval: LicenceApproved = {
  decidedAt: '2025-06-05T02:00:00.000Z',
  validFrom: '2025-06-05T02:00:00.000Z',
  validTo: '2025-12-05T16:00:00.000Z',
  conditions: 'End use: permanent magnets for automotive motors; no re-export',
};
const approved: PolicyEvent = { type: 'LicenceApproved', data: approval };
const denial = { decidedAt: '2025-06-05T02:00:00.000Z', reason: 'End user not verified' };
const denied: PolicyEvent = { type: 'LicenceDenied', data: denial };
const revocation = { validFrom: '2025-09-01T16:00:00.000Z', reason: 'Re-export to a third country' };
const revoked: PolicyEvent = { type: 'LicenceRevoked', data: revocation };

const approve = (data: Partial<LicenceApproved> = {}) =>
  ({ type: 'ApproveLicence', streamId: DY_LICENCE, data: { ...approval, ...data } }) as const;
const deny = (data: Partial<typeof denial> = {}) =>
  ({ type: 'DenyLicence', streamId: DY_LICENCE, data: { ...denial, ...data } }) as const;
const revoke = (data: Partial<typeof revocation> = {}) =>
  ({ type: 'RevokeLicence', streamId: DY_LICENCE, data: { ...revocation, ...data } }) as const;

describe('licence', () => {
  describe('applying', () => {
    it('records an application for dysprosium oxide to the US under the rare-earth control', () => {
      given([], controlExists).when(apply({})).then([applied]);
    });

    it('refuses an application under a control that does not exist', () => {
      given([]).when(apply({})).thenThrows('referenced-stream-missing', 'exportControlId');
    });

    it('refuses an application under something that is not an export control', () => {
      given([], { [US_RECIPROCAL_CN]: 'tariff-measure' })
        .when(apply({ exportControlId: US_RECIPROCAL_CN }))
        .thenThrows('referenced-stream-wrong-type', 'exportControlId');
    });

    it('refuses an application without items', () => {
      given([], controlExists)
        .when(apply({ items: [] }))
        .thenThrows('items-empty', 'items');
    });

    it('refuses an item named by nothing but its description', () => {
      given([], controlExists)
        .when(apply({ items: [{ description: 'Oxide' }] }))
        .thenThrows('item-unidentified', 'items.0');
    });

    it('refuses * as destination: a licence names one', () => {
      given([], controlExists)
        .when(apply({ destination: '*' }))
        .thenThrows('wildcard-misplaced', 'destination');
    });

    it('refuses an unnamed exporter', () => {
      given([], controlExists)
        .when(apply({ exporter: ' ' }))
        .thenThrows('text-empty', 'exporter');
    });

    it.each([0, -5, Number.NaN])('refuses the quantity %p', (amount) => {
      given([], controlExists)
        .when(apply({ quantity: { amount, unit: 'kg' } }))
        .thenThrows('quantity-invalid', 'quantity.amount');
    });

    it('refuses a quantity without unit', () => {
      given([], controlExists)
        .when(apply({ quantity: { amount: 500, unit: '' } }))
        .thenThrows('text-empty', 'quantity.unit');
    });
  });

  describe('approving', () => {
    it('approves a pending licence', () => {
      given([applied]).when(approve()).then([approved]);
    });

    it('approves without an end (open validity)', () => {
      given([applied])
        .when(approve({ validTo: null }))
        .then([{ type: 'LicenceApproved', data: { ...approval, validTo: null } }]);
    });

    it.each([
      ['approved', [applied, approved]],
      ['denied', [applied, denied]],
      ['revoked', [applied, approved, revoked]],
    ] as const)('refuses approving a %s licence', (_status, history) => {
      given(history).when(approve()).thenThrows('licence-not-pending');
    });

    it('refuses a validity whose end is not after its start', () => {
      given([applied])
        .when(approve({ validTo: approval.validFrom }))
        .thenThrows('validity-inverted', 'validTo');
    });

    it('refuses a decision before the application', () => {
      given([applied])
        .when(approve({ decidedAt: '2025-04-20T00:00:00.000Z' }))
        .thenThrows('decided-before-applied', 'decidedAt');
    });
  });

  describe('denying', () => {
    it('denies a pending licence', () => {
      given([applied]).when(deny()).then([denied]);
    });

    it.each([
      ['approved', [applied, approved]],
      ['denied', [applied, denied]],
    ] as const)('refuses denying a %s licence', (_status, history) => {
      given(history).when(deny()).thenThrows('licence-not-pending');
    });

    it('refuses a denial without reason or before the application', () => {
      given([applied])
        .when(deny({ reason: '' }))
        .thenThrows('text-empty', 'reason');
      given([applied])
        .when(deny({ decidedAt: '2025-04-01T00:00:00.000Z' }))
        .thenThrows('decided-before-applied', 'decidedAt');
    });
  });

  describe('revoking', () => {
    it('revokes an approved licence', () => {
      given([applied, approved]).when(revoke()).then([revoked]);
    });

    it.each([
      ['pending', [applied]],
      ['denied', [applied, denied]],
      ['revoked', [applied, approved, revoked]],
    ] as const)('refuses revoking a %s licence', (_status, history) => {
      given(history).when(revoke()).thenThrows('licence-not-approved');
    });

    it('refuses a revocation without reason', () => {
      given([applied, approved])
        .when(revoke({ reason: '' }))
        .thenThrows('text-empty', 'reason');
    });
  });
});
