import type { PolicyEvent, PolicyStreamType } from '@ledger/contracts';
import { concludeAgreement } from './agreement.decider';
import type { Command, DecisionContext } from './commands';
import { DomainError } from './domain-error';
import { changeExportControl, imposeExportControl } from './export-control.decider';
import { applyForLicence, decideOnLicence } from './licence.decider';
import { retractEvent } from './retraction.decider';
import type { StreamState } from './state';
import {
  announceTariff,
  changeTariffMeasure,
  imposeTariff,
  type TariffMeasure,
} from './tariff-measure.decider';

/**
 * The one entry point: the events a command produces given its stream's state (undefined when
 * the stream does not exist yet), or a DomainError. Pure: time and other streams come in.
 */
export function decide(
  command: Command,
  state: StreamState | undefined,
  context: DecisionContext,
): PolicyEvent[] {
  const { streamId } = command;
  switch (command.type) {
    case 'ImposeTariff':
      return [imposeTariff(command.data, announcedOf(state, streamId))];
    case 'AnnounceTariff':
      requireNoStream(state, streamId);
      return [announceTariff(command.data)];
    case 'ChangeTariffRate':
    case 'SuspendTariff':
    case 'LiftTariff':
    case 'ChangeTariffValidity':
    case 'WithdrawTariff':
    case 'PostponeTariff':
    case 'SuspendTariffPoints':
    case 'AmendTariffProducts':
      return [changeTariffMeasure(command, currentOf(state, 'tariff-measure', streamId))];
    case 'ImposeExportControl':
      requireNoStream(state, streamId);
      return [imposeExportControl(command.data)];
    case 'AmendExportControlItems':
    case 'SuspendExportControl':
    case 'LiftExportControl':
    case 'ChangeExportControlValidity':
    case 'ReportExportLicences':
      return [changeExportControl(command, currentOf(state, 'export-control', streamId))];
    case 'ApplyForLicence':
      requireNoStream(state, streamId);
      return [applyForLicence(command.data, context)];
    case 'ApproveLicence':
    case 'DenyLicence':
    case 'RevokeLicence':
      return [decideOnLicence(command, currentOf(state, 'licence', streamId))];
    case 'ConcludeAgreement':
      requireNoStream(state, streamId);
      return [concludeAgreement(command.data, context)];
    case 'RetractEvent':
      return [retractEvent(command.data, standingStream(state, streamId))];
  }
}

function requireNoStream(state: StreamState | undefined, streamId: string): void {
  // A void stream keeps its id: re-entering a retracted creation takes a new id.
  if (state !== undefined) {
    throw new DomainError('stream-exists', `Stream ${streamId} already exists (a ${state.streamType})`);
  }
}

/**
 * The measure an imposition implements: none for a new stream; an announced (or withdrawn, which
 * the decider refuses) measure; any other existing stream is a conflict.
 */
function announcedOf(state: StreamState | undefined, streamId: string): TariffMeasure | undefined {
  if (state?.streamType === 'tariff-measure' && state.current !== null && state.current.stage !== 'imposed') {
    return state.current;
  }
  requireNoStream(state, streamId);
  return undefined;
}

function standingStream(state: StreamState | undefined, streamId: string): StreamState {
  if (state === undefined) throw new DomainError('stream-not-found', `There is no stream ${streamId}`);
  if (state.current === null) {
    throw new DomainError(
      'stream-retracted',
      `Stream ${streamId} is void: the event that created it was retracted`,
    );
  }
  return state;
}

type CurrentOf<T extends PolicyStreamType> = NonNullable<Extract<StreamState, { streamType: T }>['current']>;

function currentOf<T extends PolicyStreamType>(
  state: StreamState | undefined,
  streamType: T,
  streamId: string,
): CurrentOf<T> {
  if (state === undefined) throw new DomainError('stream-not-found', `There is no stream ${streamId}`);
  if (state.streamType !== streamType) {
    throw new DomainError(
      'wrong-stream-type',
      `Stream ${streamId} is a ${state.streamType}, not a ${streamType}`,
    );
  }
  // TypeScript cannot tie `current` to a generic streamType; the check above does.
  return standingStream(state, streamId).current as CurrentOf<T>;
}
