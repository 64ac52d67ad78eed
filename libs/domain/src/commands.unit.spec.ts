import { COMMAND_STREAM_TYPE, CREATION_COMMANDS, isCreationCommand, referencedStreamIds } from './commands';
import {
  CN_RARE_EARTHS,
  DY_LICENCE,
  GENEVA_STATEMENT,
  dysprosiumLicence,
  genevaStatement,
} from '../../contracts/test/catalogue';

describe('commands', () => {
  it('names the streams a licence application and an agreement refer to', () => {
    expect(
      referencedStreamIds({ type: 'ApplyForLicence', streamId: DY_LICENCE, data: dysprosiumLicence }),
    ).toEqual([CN_RARE_EARTHS]);
    expect(
      referencedStreamIds({ type: 'ConcludeAgreement', streamId: GENEVA_STATEMENT, data: genevaStatement }),
    ).toEqual(genevaStatement.relatedMeasureIds);
    expect(
      referencedStreamIds({
        type: 'LiftTariff',
        streamId: 'us-ieepa-reciprocal-cn',
        data: { validFrom: '2025-11-10T05:01:00.000Z' },
      }),
    ).toEqual([]);
  });

  it('creates one stream of each type, a tariff measure by an imposition or an announcement', () => {
    expect(CREATION_COMMANDS.map((type) => COMMAND_STREAM_TYPE[type]).sort()).toEqual([
      'agreement',
      'export-control',
      'licence',
      'party-listing',
      'tariff-measure',
      'tariff-measure',
    ]);
    expect(CREATION_COMMANDS.filter((type) => COMMAND_STREAM_TYPE[type] === 'tariff-measure')).toEqual([
      'ImposeTariff',
      'AnnounceTariff',
    ]);
    expect(
      isCreationCommand({ type: 'ApplyForLicence', streamId: DY_LICENCE, data: dysprosiumLicence }),
    ).toBe(true);
    expect(
      isCreationCommand({
        type: 'RetractEvent',
        streamId: DY_LICENCE,
        data: { retractedEventId: 'x', reason: 'y' },
      }),
    ).toBe(false);
  });
});
