import type { PolicyEvent } from '@ledger/contracts';
import type { Command } from '../commands';
import { everyStreamType, specify } from '../testing/given-when-then';
import {
  CN_RARE_EARTHS,
  DY_LICENCE,
  US_RECIPROCAL_CN,
  dysprosiumLicence,
  rareEarthControl,
  reciprocalOnChina,
} from '../../../contracts/test/catalogue';

/** Retractions reach every stream type, so these specs decide as `decide` does. */
const given = specify(everyStreamType);

const retract = (streamId: string, retractedEventId: string, reason = 'Entered from a draft of the notice') =>
  ({ type: 'RetractEvent', streamId, data: { retractedEventId, reason } }) as const;
const retraction = (retractedEventId: string): PolicyEvent => ({
  type: 'EventRetracted',
  data: { retractedEventId, reason: 'Entered from a draft of the notice' },
});

const applied: PolicyEvent = { type: 'LicenceApplied', data: dysprosiumLicence };
const denied: PolicyEvent = {
  type: 'LicenceDenied',
  data: { decidedAt: '2025-06-05T02:00:00.000Z', reason: 'Incomplete file' },
};
const approval = { decidedAt: '2025-06-06T02:00:00.000Z', validFrom: '2025-06-06T02:00:00.000Z' };
const tariffImposed: PolicyEvent = { type: 'TariffImposed', data: reciprocalOnChina };
const tariffLifted: PolicyEvent = { type: 'TariffLifted', data: { validFrom: '2025-11-10T05:01:00.000Z' } };

describe('retraction', () => {
  it('retracts an event of the stream', () => {
    given([applied, denied])
      .when(retract(DY_LICENCE, 'event-2'))
      .then([retraction('event-2')]);
  });

  it('refuses an event the stream does not hold', () => {
    given([applied, denied]).when(retract(DY_LICENCE, 'event-9')).thenThrows('retracted-event-unknown');
  });

  it('refuses an event retracted already', () => {
    given([applied, denied, retraction('event-2')])
      .when(retract(DY_LICENCE, 'event-2'))
      .thenThrows('event-already-retracted');
  });

  it('refuses retracting a retraction', () => {
    given([applied, denied, retraction('event-2')])
      .when(retract(DY_LICENCE, 'event-3'))
      .thenThrows('retraction-not-retractable');
  });

  it('refuses a retraction without reason', () => {
    given([applied, denied])
      .when(retract(DY_LICENCE, 'event-2', ' '))
      .thenThrows('text-empty', 'reason');
  });

  describe('decisions see only the events that stand', () => {
    it('a retracted denial leaves the licence pending, so it can be approved', () => {
      given([applied, denied, retraction('event-2')])
        .when({ type: 'ApproveLicence', streamId: DY_LICENCE, data: approval })
        .then([{ type: 'LicenceApproved', data: approval }]);
    });

    it('a retracted lift leaves the measure open to changes', () => {
      given([tariffImposed, tariffLifted, retraction('event-2')])
        .when({
          type: 'ChangeTariffRate',
          streamId: US_RECIPROCAL_CN,
          data: { rate: 125, validFrom: '2025-04-10T04:01:00.000Z' },
        })
        .then([
          {
            type: 'TariffRateChanged',
            data: { rate: 125, validFrom: '2025-04-10T04:01:00.000Z', heading: null, instrument: null },
          },
        ]);
    });

    it('a retracted amendment no longer counts: its item can be added again', () => {
      const magnets = { hsCode: '850511', description: 'Permanent magnets' };
      const amended: PolicyEvent = {
        type: 'ExportControlItemsAmended',
        data: { add: [magnets], remove: [], validFrom: '2025-10-09T16:00:00.000Z' },
      };
      given([{ type: 'ExportControlImposed', data: rareEarthControl }, amended, retraction('event-2')])
        .when({ type: 'AmendExportControlItems', streamId: CN_RARE_EARTHS, data: amended.data })
        .then([amended]);
    });
  });

  describe('retracting the creating event leaves the stream void', () => {
    const voidLicence = [applied, denied, retraction('event-1')];

    it.each<Command>([
      { type: 'ApproveLicence', streamId: DY_LICENCE, data: approval },
      {
        type: 'RevokeLicence',
        streamId: DY_LICENCE,
        data: { validFrom: '2025-07-01T00:00:00.000Z', reason: 'x' },
      },
      retract(DY_LICENCE, 'event-2'),
    ])('refuses $type', (command) => {
      given(voidLicence).when(command).thenThrows('stream-retracted');
    });

    it('keeps its id taken', () => {
      given(voidLicence)
        .when({ type: 'ApplyForLicence', streamId: DY_LICENCE, data: dysprosiumLicence })
        .thenThrows('stream-exists');
    });
  });
});
