import type { AgreementConcluded } from '@ledger/contracts';
import { specify } from '../testing/given-when-then';
import {
  CN_RARE_EARTHS,
  DY_LICENCE,
  GENEVA_STATEMENT,
  US_FENTANYL_CN,
  US_RECIPROCAL_CN,
  genevaStatement,
} from '../../../contracts/test/catalogue';
import { agreementDecider } from './decider';

const given = specify(agreementDecider);

const measuresExist = { [US_RECIPROCAL_CN]: 'tariff-measure', [US_FENTANYL_CN]: 'tariff-measure' } as const;
const conclude = (data: Partial<AgreementConcluded>) =>
  ({ type: 'ConcludeAgreement', streamId: GENEVA_STATEMENT, data: { ...genevaStatement, ...data } }) as const;

describe('agreement', () => {
  it('records the Geneva joint statement with the measures it changes', () => {
    given([], measuresExist)
      .when(conclude({}))
      .then([{ type: 'AgreementConcluded', data: genevaStatement }]);
  });

  it('may relate to export controls and to no measure at all', () => {
    given([], { [CN_RARE_EARTHS]: 'export-control' })
      .when(conclude({ relatedMeasureIds: [CN_RARE_EARTHS] }))
      .then([
        { type: 'AgreementConcluded', data: { ...genevaStatement, relatedMeasureIds: [CN_RARE_EARTHS] } },
      ]);
    given([])
      .when(conclude({ relatedMeasureIds: [] }))
      .then([{ type: 'AgreementConcluded', data: { ...genevaStatement, relatedMeasureIds: [] } }]);
  });

  it('refuses a related measure that does not exist', () => {
    given([], { [US_RECIPROCAL_CN]: 'tariff-measure' })
      .when(conclude({}))
      .thenThrows('referenced-stream-missing', 'relatedMeasureIds.1');
  });

  it('refuses a related stream that is not a measure', () => {
    given([], { ...measuresExist, [DY_LICENCE]: 'licence' })
      .when(conclude({ relatedMeasureIds: [US_RECIPROCAL_CN, DY_LICENCE] }))
      .thenThrows('referenced-stream-wrong-type', 'relatedMeasureIds.1');
  });

  it('refuses a related measure named twice', () => {
    given([], measuresExist)
      .when(conclude({ relatedMeasureIds: [US_RECIPROCAL_CN, US_RECIPROCAL_CN] }))
      .thenThrows('references-duplicated', 'relatedMeasureIds.1');
  });

  it('refuses fewer than two parties', () => {
    given([], measuresExist)
      .when(conclude({ parties: ['US'] }))
      .thenThrows('parties-too-few', 'parties');
  });

  it('refuses a party named twice, or * as a party', () => {
    given([], measuresExist)
      .when(conclude({ parties: ['US', 'US'] }))
      .thenThrows('jurisdictions-duplicated', 'parties');
    given([], measuresExist)
      .when(conclude({ parties: ['US', '*'] }))
      .thenThrows('wildcard-misplaced', 'parties');
  });

  it('refuses an empty title or summary', () => {
    given([], measuresExist)
      .when(conclude({ title: '' }))
      .thenThrows('text-empty', 'title');
    given([], measuresExist)
      .when(conclude({ summary: '' }))
      .thenThrows('text-empty', 'summary');
  });
});
