import { type Instant, type Jurisdiction, type LicenceApplied, unhandledEventType } from '@ledger/contracts';
import type { DecisionContext } from '../commands';
import type { Decider } from '../decider';
import { DomainError } from '../domain-error';
import type { StreamEvent } from '../event-guard';
import { checkItems, checkReference, checkValidity, isBefore, requireText } from '../rules';
import { currentOf, requireNoStream } from '../stream';
import type { LicenceCommand } from './commands';

export type LicenceStatus = 'pending' | 'approved' | 'denied' | 'revoked';

/** An export licence as its standing events describe it. */
export interface Licence {
  readonly exportControlId: string;
  readonly exporter: string;
  readonly destination: Jurisdiction;
  readonly appliedAt: Instant;
  readonly status: LicenceStatus;
  /** The approved validity; null until approved. */
  readonly validFrom: Instant | null;
  readonly validTo: Instant | null;
}

type LicenceEvent = StreamEvent<'licence'>;

export const licenceDecider: Decider<LicenceCommand, LicenceEvent, Licence | null> = {
  decide(command, stream, context) {
    if (command.type === 'ApplyForLicence') {
      requireNoStream(stream, command.streamId);
      return [applyForLicence(command.data, context)];
    }
    return [decideOnLicence(command, currentOf<Licence>(stream, 'licence', command.streamId))];
  },
  evolve: evolveLicence,
  initialState: null,
};

function evolveLicence(licence: Licence | null, event: LicenceEvent): Licence | null {
  if (event.type === 'LicenceApplied') {
    const { exportControlId, exporter, destination, appliedAt } = event.data;
    return {
      exportControlId,
      exporter,
      destination,
      appliedAt,
      status: 'pending',
      validFrom: null,
      validTo: null,
    };
  }
  // Decisions on an application that was retracted describe nothing.
  if (licence === null) return null;
  switch (event.type) {
    case 'LicenceApproved':
      return {
        ...licence,
        status: 'approved',
        validFrom: event.data.validFrom,
        validTo: event.data.validTo ?? null,
      };
    case 'LicenceDenied':
      return { ...licence, status: 'denied' };
    case 'LicenceRevoked':
      return { ...licence, status: 'revoked' };
    default:
      return unhandledEventType(event);
  }
}

function applyForLicence(data: LicenceApplied, context: DecisionContext): LicenceEvent {
  checkReference(data.exportControlId, ['export-control'], context, 'exportControlId');
  requireText(data.exporter, 'exporter');
  if (data.consignee !== undefined) requireText(data.consignee, 'consignee');
  if (data.destination === '*') {
    throw new DomainError(
      'wildcard-misplaced',
      'A licence is for one named destination, not *',
      'destination',
    );
  }
  checkItems(data.items, 'items');
  if (data.quantity !== undefined) {
    const { amount, unit } = data.quantity;
    if (!(Number.isFinite(amount) && amount > 0)) {
      throw new DomainError(
        'quantity-invalid',
        `quantity.amount must be more than 0, got ${amount}`,
        'quantity.amount',
      );
    }
    requireText(unit, 'quantity.unit');
  }
  return { type: 'LicenceApplied', data };
}

function decideOnLicence(
  command: Exclude<LicenceCommand, { type: 'ApplyForLicence' }>,
  licence: Licence,
): LicenceEvent {
  switch (command.type) {
    case 'ApproveLicence':
      requirePending(licence);
      checkDecidedAt(command.data.decidedAt, licence);
      checkValidity(command.data.validFrom, command.data.validTo);
      return { type: 'LicenceApproved', data: command.data };
    case 'DenyLicence':
      requirePending(licence);
      checkDecidedAt(command.data.decidedAt, licence);
      requireText(command.data.reason, 'reason');
      return { type: 'LicenceDenied', data: command.data };
    case 'RevokeLicence':
      if (licence.status !== 'approved') {
        throw new DomainError(
          'licence-not-approved',
          `Only an approved licence can be revoked; this one is ${licence.status}`,
        );
      }
      requireText(command.data.reason, 'reason');
      return { type: 'LicenceRevoked', data: command.data };
  }
}

function requirePending(licence: Licence): void {
  if (licence.status !== 'pending') {
    throw new DomainError('licence-not-pending', `The licence was already decided: it is ${licence.status}`);
  }
}

function checkDecidedAt(decidedAt: Instant, licence: Licence): void {
  if (isBefore(decidedAt, licence.appliedAt)) {
    throw new DomainError(
      'decided-before-applied',
      `decidedAt (${decidedAt}) is before the application (${licence.appliedAt})`,
      'decidedAt',
    );
  }
}
