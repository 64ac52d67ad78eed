import type {
  ControlledItem,
  ExportControlImposed,
  ExportLicencesReported,
  PolicyEvent,
} from '@ledger/contracts';
import { specify } from '../testing/given-when-then';
import { CN_RARE_EARTHS, rareEarthControl, sevenRareEarths } from '../../../contracts/test/catalogue';
import { exportControlDecider } from './decider';

const given = specify(exportControlDecider);

const imposed: PolicyEvent = { type: 'ExportControlImposed', data: rareEarthControl };
const impose = (data: Partial<ExportControlImposed>) =>
  ({
    type: 'ImposeExportControl',
    streamId: CN_RARE_EARTHS,
    data: { ...rareEarthControl, ...data },
  }) as const;
const lifted: PolicyEvent = { type: 'ExportControlLifted', data: { validFrom: '2025-12-01T16:00:00.000Z' } };

const magnets: ControlledItem = {
  hsCode: '850511',
  description: 'Permanent magnets containing the controlled rare earths',
};
const samarium: ControlledItem = { element: 'Sm', controlCode: '1C902.a', description: 'Samarium items' };
const amend = (add: readonly ControlledItem[], remove: readonly ControlledItem[] = []) =>
  ({
    type: 'AmendExportControlItems',
    streamId: CN_RARE_EARTHS,
    data: { add, remove, validFrom: '2025-10-09T16:00:00.000Z' },
  }) as const;

describe('export control', () => {
  describe('imposing', () => {
    it("records China's licence requirement on seven rare earths for all destinations", () => {
      given([]).when(impose({})).then([imposed]);
    });

    it('refuses a control without items', () => {
      given([])
        .when(impose({ items: [] }))
        .thenThrows('items-empty', 'items');
    });

    it('refuses an item named by neither element, control code nor HS code', () => {
      given([])
        .when(impose({ items: [...sevenRareEarths, { description: 'Rare-earth magnets' }] }))
        .thenThrows('item-unidentified', 'items.7');
    });

    it('refuses an item without a description', () => {
      given([])
        .when(impose({ items: [{ element: 'Dy', description: '' }] }))
        .thenThrows('text-empty', 'items.0.description');
    });

    it('refuses an item with a malformed HS code', () => {
      given([])
        .when(impose({ items: [{ hsCode: '2805.30', description: 'Rare-earth metals' }] }))
        .thenThrows('hs-code-malformed', 'items.0.hsCode');
    });

    it('refuses the same item listed twice', () => {
      given([])
        .when(impose({ items: [...sevenRareEarths, rareEarthControl.items[3]] }))
        .thenThrows('items-duplicated', 'items.7');
    });

    it('refuses the imposer among its own destinations', () => {
      given([])
        .when(impose({ destinations: ['US', 'CN'] }))
        .thenThrows('imposer-targets-itself', 'destinations');
    });

    it('refuses * mixed with named destinations, and no destination at all', () => {
      given([])
        .when(impose({ destinations: ['*', 'US'] }))
        .thenThrows('wildcard-misplaced', 'destinations');
      given([])
        .when(impose({ destinations: [] }))
        .thenThrows('jurisdictions-empty', 'destinations');
    });

    it('accepts excluded destinations only next to *', () => {
      given([])
        .when(impose({ excludedDestinations: ['HK'] }))
        .then([
          { type: 'ExportControlImposed', data: { ...rareEarthControl, excludedDestinations: ['HK'] } },
        ]);
      given([])
        .when(impose({ destinations: ['US'], excludedDestinations: ['HK'] }))
        .thenThrows('exclusions-without-wildcard', 'excludedDestinations');
    });

    it('refuses an end not after the start', () => {
      given([])
        .when(impose({ validTo: '2025-04-01T00:00:00.000Z' }))
        .thenThrows('validity-inverted', 'validTo');
    });

    it('refuses an empty legal instrument', () => {
      given([])
        .when(impose({ legalInstrument: '' }))
        .thenThrows('text-empty', 'legalInstrument');
    });
  });

  describe('amending the items', () => {
    it('adds magnets', () => {
      given([imposed])
        .when(amend([magnets]))
        .then([
          {
            type: 'ExportControlItemsAmended',
            data: { add: [magnets], remove: [], validFrom: '2025-10-09T16:00:00.000Z' },
          },
        ]);
    });

    it('removes samarium by its control code', () => {
      given([imposed])
        .when(amend([], [samarium]))
        .then([
          {
            type: 'ExportControlItemsAmended',
            data: { add: [], remove: [samarium], validFrom: '2025-10-09T16:00:00.000Z' },
          },
        ]);
    });

    it('replaces an item in one amendment by removing and re-adding it', () => {
      const corrected = {
        ...sevenRareEarths[0],
        description: 'Samarium: metal, alloys, oxides, compounds and targets',
      };
      given([imposed])
        .when(amend([corrected], [samarium]))
        .then([
          {
            type: 'ExportControlItemsAmended',
            data: { add: [corrected], remove: [samarium], validFrom: '2025-10-09T16:00:00.000Z' },
          },
        ]);
    });

    it('refuses an amendment that adds and removes nothing', () => {
      given([imposed]).when(amend([], [])).thenThrows('amendment-empty', 'add');
    });

    it('refuses removing an item that is not controlled', () => {
      given([imposed])
        .when(amend([], [{ element: 'W', description: 'Tungsten items' }]))
        .thenThrows('item-not-controlled');
    });

    it('refuses adding an item that is already controlled', () => {
      given([imposed])
        .when(amend([sevenRareEarths[3]]))
        .thenThrows('item-already-controlled');
    });

    it('remembers earlier amendments', () => {
      const magnetsAdded: PolicyEvent = {
        type: 'ExportControlItemsAmended',
        data: { add: [magnets], remove: [], validFrom: '2025-10-09T16:00:00.000Z' },
      };
      given([imposed, magnetsAdded])
        .when(amend([magnets]))
        .thenThrows('item-already-controlled');
      given([imposed, magnetsAdded])
        .when(amend([], [magnets]))
        .then([
          {
            type: 'ExportControlItemsAmended',
            data: { add: [], remove: [magnets], validFrom: '2025-10-09T16:00:00.000Z' },
          },
        ]);
    });

    it('refuses removing every item: that is a lift', () => {
      given([imposed])
        .when(amend([], [...sevenRareEarths]))
        .thenThrows('amendment-empties-control');
    });

    it('refuses an amendment from before the control takes effect', () => {
      given([imposed])
        .when({
          type: 'AmendExportControlItems',
          streamId: CN_RARE_EARTHS,
          data: { add: [magnets], remove: [], validFrom: '2025-04-01T00:00:00.000Z' },
        })
        .thenThrows('before-measure-start', 'validFrom');
    });

    it('refuses amending a lifted control', () => {
      given([imposed, lifted])
        .when(amend([magnets]))
        .thenThrows('measure-lifted');
    });
  });

  describe('suspending, lifting and changing the validity', () => {
    const suspension = { validFrom: '2025-11-09T16:00:00.000Z', validTo: '2026-11-10T16:00:00.000Z' };

    it('records a one-year suspension', () => {
      given([imposed])
        .when({ type: 'SuspendExportControl', streamId: CN_RARE_EARTHS, data: suspension })
        .then([{ type: 'ExportControlSuspended', data: suspension }]);
    });

    it('refuses a suspension whose end is not after its start', () => {
      given([imposed])
        .when({
          type: 'SuspendExportControl',
          streamId: CN_RARE_EARTHS,
          data: { ...suspension, validTo: suspension.validFrom },
        })
        .thenThrows('validity-inverted', 'validTo');
    });

    it('records a suspension from before the control takes effect, up to or across its start', () => {
      const early = { validFrom: '2025-04-01T00:00:00.000Z', validTo: '2025-04-10T00:00:00.000Z' };
      given([imposed])
        .when({ type: 'SuspendExportControl', streamId: CN_RARE_EARTHS, data: early })
        .then([{ type: 'ExportControlSuspended', data: early }]);
      given([imposed])
        .when({
          type: 'SuspendExportControl',
          streamId: CN_RARE_EARTHS,
          data: { validFrom: '2025-04-01T00:00:00.000Z' },
        })
        .then([{ type: 'ExportControlSuspended', data: { validFrom: '2025-04-01T00:00:00.000Z' } }]);
    });

    it('refuses an inverted suspension from before the control takes effect', () => {
      given([imposed])
        .when({
          type: 'SuspendExportControl',
          streamId: CN_RARE_EARTHS,
          data: { validFrom: '2025-04-02T00:00:00.000Z', validTo: '2025-04-01T00:00:00.000Z' },
        })
        .thenThrows('validity-inverted', 'validTo');
    });

    it('records a lift from before the control takes effect (it never applies), then takes no change', () => {
      const liftedEarly = {
        type: 'ExportControlLifted',
        data: { validFrom: '2025-04-01T00:00:00.000Z' },
      } as const;
      given([imposed])
        .when({ type: 'LiftExportControl', streamId: CN_RARE_EARTHS, data: liftedEarly.data })
        .then([liftedEarly]);
      given([imposed, liftedEarly])
        .when({ type: 'SuspendExportControl', streamId: CN_RARE_EARTHS, data: suspension })
        .thenThrows('measure-lifted');
    });

    it('lifts once', () => {
      given([imposed])
        .when({
          type: 'LiftExportControl',
          streamId: CN_RARE_EARTHS,
          data: { validFrom: '2025-12-01T16:00:00.000Z' },
        })
        .then([lifted]);
      given([imposed, lifted])
        .when({
          type: 'LiftExportControl',
          streamId: CN_RARE_EARTHS,
          data: { validFrom: '2026-01-01T16:00:00.000Z' },
        })
        .thenThrows('measure-lifted');
    });

    it('refuses suspending a lifted control', () => {
      given([imposed, lifted])
        .when({ type: 'SuspendExportControl', streamId: CN_RARE_EARTHS, data: suspension })
        .thenThrows('measure-lifted');
    });

    it('gives the control an end after its start, and refuses one before', () => {
      given([imposed])
        .when({
          type: 'ChangeExportControlValidity',
          streamId: CN_RARE_EARTHS,
          data: { validTo: '2026-11-10T16:00:00.000Z' },
        })
        .then([{ type: 'ExportControlValidityChanged', data: { validTo: '2026-11-10T16:00:00.000Z' } }]);
      given([imposed])
        .when({
          type: 'ChangeExportControlValidity',
          streamId: CN_RARE_EARTHS,
          data: { validTo: '2025-04-03T16:00:00.000Z' },
        })
        .thenThrows('validity-inverted', 'validTo');
    });

    it('refuses changing the validity of a lifted control', () => {
      given([imposed, lifted])
        .when({ type: 'ChangeExportControlValidity', streamId: CN_RARE_EARTHS, data: { validTo: null } })
        .thenThrows('measure-lifted');
    });
  });

  describe('reporting licences', () => {
    const undisclosed: ExportLicencesReported = {
      count: null,
      period: { from: '2025-04-03T16:00:00.000Z', to: '2025-06-06T16:00:00.000Z' },
      reportedAt: '2025-06-07T08:00:00.000Z',
    };
    const report = (data: Partial<ExportLicencesReported>) =>
      ({
        type: 'ReportExportLicences',
        streamId: CN_RARE_EARTHS,
        data: { ...undisclosed, ...data },
      }) as const;

    it('records an undisclosed number as null, not 0', () => {
      given([imposed])
        .when(report({}))
        .then([{ type: 'ExportLicencesReported', data: { ...undisclosed, count: null } }]);
    });

    it('records a disclosed number, including none', () => {
      given([imposed])
        .when(report({ count: 0 }))
        .then([{ type: 'ExportLicencesReported', data: { ...undisclosed, count: 0 } }]);
    });

    it.each([-1, 2.5])('refuses the count %p', (count) => {
      given([imposed]).when(report({ count })).thenThrows('count-invalid', 'count');
    });

    it('refuses a period that ends before it starts', () => {
      given([imposed])
        .when(report({ period: { from: '2025-06-06T16:00:00.000Z', to: '2025-04-03T16:00:00.000Z' } }))
        .thenThrows('validity-inverted', 'period.to');
    });

    it('refuses a report made before its period starts', () => {
      given([imposed])
        .when(report({ reportedAt: '2025-04-01T00:00:00.000Z' }))
        .thenThrows('reported-before-period', 'reportedAt');
    });

    it('still records figures for a lifted control', () => {
      given([imposed, lifted])
        .when(report({ count: 1200 }))
        .then([{ type: 'ExportLicencesReported', data: { ...undisclosed, count: 1200 } }]);
    });
  });
});
