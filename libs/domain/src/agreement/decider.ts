import type { AgreementConcluded, Instant, Jurisdiction } from '@ledger/contracts';
import type { DecisionContext } from '../commands';
import type { Decider } from '../decider';
import { DomainError } from '../domain-error';
import type { StreamEvent } from '../event-guard';
import { checkDistinctJurisdictions, checkReference, requireText } from '../rules';
import { requireNoStream } from '../stream';
import type { AgreementCommand } from './commands';

/** A joint statement or framework; it is concluded once and only ever corrected by retraction. */
export interface Agreement {
  readonly parties: readonly Jurisdiction[];
  readonly title: string;
  readonly concludedAt: Instant;
  readonly relatedMeasureIds: readonly string[];
}

type AgreementEvent = StreamEvent<'agreement'>;

export const agreementDecider: Decider<AgreementCommand, AgreementEvent, Agreement | null> = {
  decide(command, stream, context) {
    requireNoStream(stream, command.streamId);
    return [concludeAgreement(command.data, context)];
  },
  evolve: evolveAgreement,
  initialState: null,
};

/** One event type, the one that creates the stream: a second type needs a switch here. */
function evolveAgreement(_agreement: Agreement | null, event: AgreementEvent): Agreement {
  const { parties, title, concludedAt, relatedMeasureIds } = event.data;
  return { parties, title, concludedAt, relatedMeasureIds };
}

function concludeAgreement(data: AgreementConcluded, context: DecisionContext): AgreementEvent {
  requireText(data.title, 'title');
  requireText(data.summary, 'summary');
  if (data.parties.includes('*')) {
    throw new DomainError(
      'wildcard-misplaced',
      'parties are named jurisdictions; * is not a party',
      'parties',
    );
  }
  checkDistinctJurisdictions(data.parties, 'parties');
  if (data.parties.length < 2) {
    throw new DomainError('parties-too-few', 'An agreement needs at least two distinct parties', 'parties');
  }
  data.relatedMeasureIds.forEach((measureId, index) => {
    const field = `relatedMeasureIds.${index}`;
    if (data.relatedMeasureIds.indexOf(measureId) !== index) {
      throw new DomainError('references-duplicated', `${field} repeats '${measureId}'`, field);
    }
    checkReference(measureId, ['tariff-measure', 'export-control'], context, field);
  });
  return { type: 'AgreementConcluded', data };
}
