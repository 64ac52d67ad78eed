import type { PolicyEvent } from '@ledger/contracts';
import type { Command } from './commands';
import { everyStreamType, specify } from './testing/given-when-then';
import {
  CN_RARE_EARTHS,
  DY_LICENCE,
  GENEVA_STATEMENT,
  US_RECIPROCAL_CN,
  dysprosiumLicence,
  genevaStatement,
  rareEarthControl,
  reciprocalOnChina,
} from '../../contracts/test/catalogue';

const given = specify(everyStreamType);

const instant = '2025-06-01T00:00:00.000Z';
const tariffImposed: PolicyEvent = { type: 'TariffImposed', data: reciprocalOnChina };

describe('decide: the stream a command addresses', () => {
  it.each<[Command, PolicyEvent]>([
    [{ type: 'ImposeTariff', streamId: US_RECIPROCAL_CN, data: reciprocalOnChina }, tariffImposed],
    [
      { type: 'ImposeExportControl', streamId: CN_RARE_EARTHS, data: rareEarthControl },
      { type: 'ExportControlImposed', data: rareEarthControl },
    ],
    [
      { type: 'ApplyForLicence', streamId: DY_LICENCE, data: dysprosiumLicence },
      { type: 'LicenceApplied', data: dysprosiumLicence },
    ],
    [
      {
        type: 'ConcludeAgreement',
        streamId: GENEVA_STATEMENT,
        data: { ...genevaStatement, relatedMeasureIds: [] },
      },
      { type: 'AgreementConcluded', data: { ...genevaStatement, relatedMeasureIds: [] } },
    ],
  ])('$type refuses an id that is taken', (command, creation) => {
    given([creation], { [CN_RARE_EARTHS]: 'export-control' })
      .when(command)
      .thenThrows('stream-exists');
  });

  it.each<Command>([
    { type: 'ChangeTariffRate', streamId: US_RECIPROCAL_CN, data: { rate: 84, validFrom: instant } },
    { type: 'SuspendTariff', streamId: US_RECIPROCAL_CN, data: { validFrom: instant } },
    { type: 'LiftTariff', streamId: US_RECIPROCAL_CN, data: { validFrom: instant } },
    { type: 'ChangeTariffValidity', streamId: US_RECIPROCAL_CN, data: { validTo: null } },
    {
      type: 'AmendExportControlItems',
      streamId: CN_RARE_EARTHS,
      data: { add: [], remove: [], validFrom: instant },
    },
    { type: 'SuspendExportControl', streamId: CN_RARE_EARTHS, data: { validFrom: instant } },
    { type: 'LiftExportControl', streamId: CN_RARE_EARTHS, data: { validFrom: instant } },
    { type: 'ChangeExportControlValidity', streamId: CN_RARE_EARTHS, data: { validTo: null } },
    {
      type: 'ReportExportLicences',
      streamId: CN_RARE_EARTHS,
      data: { count: null, period: { from: instant, to: instant }, reportedAt: instant },
    },
    { type: 'ApproveLicence', streamId: DY_LICENCE, data: { decidedAt: instant, validFrom: instant } },
    { type: 'DenyLicence', streamId: DY_LICENCE, data: { decidedAt: instant, reason: 'x' } },
    { type: 'RevokeLicence', streamId: DY_LICENCE, data: { validFrom: instant, reason: 'x' } },
    { type: 'RetractEvent', streamId: DY_LICENCE, data: { retractedEventId: 'event-1', reason: 'x' } },
  ])('$type needs an existing stream', (command) => {
    given([]).when(command).thenThrows('stream-not-found');
  });

  it.each<Command>([
    { type: 'ApproveLicence', streamId: US_RECIPROCAL_CN, data: { decidedAt: instant, validFrom: instant } },
    { type: 'LiftExportControl', streamId: US_RECIPROCAL_CN, data: { validFrom: instant } },
  ])('$type refuses a stream of another type', (command) => {
    given([tariffImposed]).when(command).thenThrows('wrong-stream-type');
  });

  it('retracts on a stream of any type', () => {
    const retraction = { retractedEventId: 'event-1', reason: 'Wrong executive order cited' };
    given([tariffImposed])
      .when({ type: 'RetractEvent', streamId: US_RECIPROCAL_CN, data: retraction })
      .then([{ type: 'EventRetracted', data: retraction }]);
  });
});
