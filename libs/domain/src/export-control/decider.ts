import {
  type ControlledItem,
  type ExportControlImposed,
  type ExportControlItemsAmended,
  type ExportControlKind,
  type ExportLicencesReported,
  type Instant,
  type Jurisdiction,
  unhandledEventType,
} from '@ledger/contracts';
import type { Decider } from '../decider';
import { DomainError } from '../domain-error';
import type { StreamEvent } from '../event-guard';
import {
  checkItems,
  checkNotBeforeStart,
  checkReach,
  checkValidity,
  isBefore,
  removalMatches,
  requireText,
  sameItem,
} from '../rules';
import { currentOf, requireNoStream } from '../stream';
import type { ExportControlCommand } from './commands';

/** An export control as its standing events describe it, in recorded order. */
export interface ExportControl {
  readonly imposer: Jurisdiction;
  readonly destinations: readonly Jurisdiction[];
  readonly kind: ExportControlKind;
  /** The items after every recorded amendment, whatever its validFrom. */
  readonly items: readonly ControlledItem[];
  readonly validFrom: Instant;
  readonly validTo: Instant | null;
  /** Set once the control is lifted: from then on it takes no further changes. */
  readonly liftedFrom: Instant | null;
}

type ExportControlEvent = StreamEvent<'export-control'>;

export const exportControlDecider: Decider<ExportControlCommand, ExportControlEvent, ExportControl | null> = {
  decide(command, stream) {
    if (command.type === 'ImposeExportControl') {
      requireNoStream(stream, command.streamId);
      return [imposeExportControl(command.data)];
    }
    return [
      changeExportControl(command, currentOf<ExportControl>(stream, 'export-control', command.streamId)),
    ];
  },
  evolve: evolveExportControl,
  initialState: null,
};

function evolveExportControl(control: ExportControl | null, event: ExportControlEvent): ExportControl | null {
  if (event.type === 'ExportControlImposed') {
    const { imposer, destinations, kind, items, validFrom, validTo } = event.data;
    return { imposer, destinations, kind, items, validFrom, validTo: validTo ?? null, liftedFrom: null };
  }
  // Changes whose imposition was retracted describe nothing.
  if (control === null) return null;
  switch (event.type) {
    case 'ExportControlItemsAmended':
      return { ...control, items: amendedItems(control.items, event.data) };
    case 'ExportControlSuspended':
    case 'ExportLicencesReported':
      return control;
    case 'ExportControlLifted':
      return { ...control, liftedFrom: event.data.validFrom };
    case 'ExportControlValidityChanged':
      return { ...control, validTo: event.data.validTo };
    default:
      return unhandledEventType(event);
  }
}

function imposeExportControl(data: ExportControlImposed): ExportControlEvent {
  requireText(data.legalInstrument, 'legalInstrument');
  checkReach(data.imposer, data.destinations, data.excludedDestinations, {
    reached: 'destinations',
    excluded: 'excludedDestinations',
  });
  checkItems(data.items, 'items');
  checkValidity(data.validFrom, data.validTo);
  return { type: 'ExportControlImposed', data };
}

function changeExportControl(
  command: Exclude<ExportControlCommand, { type: 'ImposeExportControl' }>,
  control: ExportControl,
): ExportControlEvent {
  // Licence figures describe the past, so they may be reported for a lifted control too.
  if (command.type === 'ReportExportLicences') return reportLicences(command.data);
  if (control.liftedFrom !== null) {
    throw new DomainError(
      'measure-lifted',
      `The control was lifted from ${control.liftedFrom}; a lifted control takes no further changes`,
    );
  }
  switch (command.type) {
    case 'AmendExportControlItems':
      checkNotBeforeStart(command.data.validFrom, control.validFrom);
      checkAmendment(command.data, control.items);
      return { type: 'ExportControlItemsAmended', data: command.data };
    // A suspension or a lift may take effect before the control does: a suspension then covers it
    // from its start, a lift means it never applies.
    case 'SuspendExportControl':
      checkValidity(command.data.validFrom, command.data.validTo);
      return { type: 'ExportControlSuspended', data: command.data };
    case 'LiftExportControl':
      return { type: 'ExportControlLifted', data: command.data };
    case 'ChangeExportControlValidity':
      checkValidity(control.validFrom, command.data.validTo);
      return { type: 'ExportControlValidityChanged', data: command.data };
  }
}

function checkAmendment(amendment: ExportControlItemsAmended, items: readonly ControlledItem[]): void {
  const { add, remove } = amendment;
  if (add.length === 0 && remove.length === 0) {
    throw new DomainError('amendment-empty', 'An amendment must add or remove at least one item', 'add');
  }
  checkItems(add, 'add', { allowEmpty: true });
  checkItems(remove, 'remove', { allowEmpty: true });
  remove.forEach((removal, index) => {
    if (!items.some((item) => removalMatches(removal, item))) {
      throw new DomainError(
        'item-not-controlled',
        `remove.${index} (${removal.description}) is not under this control`,
      );
    }
  });
  const kept = withoutRemoved(items, remove);
  add.forEach((addition, index) => {
    if (kept.some((item) => sameItem(item, addition))) {
      throw new DomainError(
        'item-already-controlled',
        `add.${index} (${addition.description}) is already controlled`,
      );
    }
  });
  if (kept.length + add.length === 0) {
    throw new DomainError(
      'amendment-empties-control',
      'The amendment would leave the control without items; lift the control instead',
    );
  }
}

/** Removals first, so one amendment can replace an item with a corrected one. */
function amendedItems(
  items: readonly ControlledItem[],
  amendment: ExportControlItemsAmended,
): ControlledItem[] {
  return [...withoutRemoved(items, amendment.remove), ...amendment.add];
}

function withoutRemoved(
  items: readonly ControlledItem[],
  remove: readonly ControlledItem[],
): ControlledItem[] {
  return items.filter((item) => !remove.some((removal) => removalMatches(removal, item)));
}

function reportLicences(data: ExportLicencesReported): ExportControlEvent {
  // null is how an undisclosed number is recorded; it must never be turned into 0.
  if (data.count !== null && !(Number.isInteger(data.count) && data.count >= 0)) {
    throw new DomainError('count-invalid', `count must be a whole number ≥ 0 or null (undisclosed)`, 'count');
  }
  checkValidity(data.period.from, data.period.to, 'period.to');
  if (isBefore(data.reportedAt, data.period.from)) {
    throw new DomainError(
      'reported-before-period',
      `reportedAt (${data.reportedAt}) is before the period it reports on starts (${data.period.from})`,
      'reportedAt',
    );
  }
  return { type: 'ExportLicencesReported', data };
}
