import { EVENT_STREAM_TYPES, type PolicyEvent, type PolicyStreamType } from '@ledger/contracts';
import type { Agreement } from './agreement/decider';
import type { RecordedEvent, StreamStateOf } from './decider';
import { DECIDERS, type AnyDecider } from './deciders';
import { streamEventGuard } from './event-guard';
import type { ExportControl } from './export-control/decider';
import type { Licence } from './licence/decider';
import type { PartyList } from './party-listing/decider';
import type { TariffMeasure } from './tariff-measure/decider';

export type { RecordedEvent } from './decider';

export type TariffMeasureState = StreamStateOf<'tariff-measure', TariffMeasure>;
export type ExportControlState = StreamStateOf<'export-control', ExportControl>;
export type LicenceState = StreamStateOf<'licence', Licence>;
export type AgreementState = StreamStateOf<'agreement', Agreement>;
export type PartyListingState = StreamStateOf<'party-listing', PartyList>;
export type StreamState =
  TariffMeasureState | ExportControlState | LicenceState | AgreementState | PartyListingState;

/**
 * A retraction can undo any earlier event, so the state is derived afresh from the events that
 * still stand. Streams hold a handful of events, so refolding costs nothing worth optimising.
 */
export function evolve(state: StreamState | undefined, event: RecordedEvent): StreamState {
  return deriveState([...(state?.events ?? []), event]);
}

export function foldStream(events: readonly RecordedEvent[]): StreamState | undefined {
  return events.reduce<StreamState | undefined>(evolve, undefined);
}

function deriveState(events: readonly RecordedEvent[]): StreamState {
  const retractions = DECIDERS.any;
  const retractedEventIds = events
    .flatMap((event) => (event.type === 'EventRetracted' ? [event] : []))
    .reduce(retractions.evolve, retractions.initialState);
  const standing = events.filter((event) => !retractedEventIds.includes(event.id));
  const streamType = streamTypeCreatedBy(events[0]);
  // The stream type's decider folds the events that stand; DECIDERS gives it by that same type.
  const decider = DECIDERS[streamType] as unknown as AnyDecider;
  const current = standing.filter(streamEventGuard(streamType)).reduce(decider.evolve, decider.initialState);
  return {
    streamType,
    version: events[events.length - 1].streamVersion,
    events,
    retractedEventIds,
    current,
  } as StreamState;
}

function streamTypeCreatedBy(first: PolicyEvent): PolicyStreamType {
  const streamTypes = EVENT_STREAM_TYPES[first.type];
  const [streamType] = streamTypes;
  if (streamTypes.length !== 1 || streamType === 'ledger') {
    throw new Error(`A policy stream must begin with the event that creates it, not ${first.type}`);
  }
  return streamType;
}
