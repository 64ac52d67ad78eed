import { EVENT_STREAM_TYPES, type PolicyEvent, type PolicyStreamType } from '@ledger/contracts';
import { evolveAgreement, isAgreementEvent, type Agreement } from './agreement.decider';
import { evolveExportControl, isExportControlEvent, type ExportControl } from './export-control.decider';
import { evolveLicence, isLicenceEvent, type Licence } from './licence.decider';
import { evolveTariffMeasure, isTariffMeasureEvent, type TariffMeasure } from './tariff-measure.decider';

/** An event as the journal gives it back; a full envelope satisfies it. */
export type RecordedEvent = {
  readonly id: string;
  readonly streamVersion: number;
  readonly recordedAt: string;
} & PolicyEvent;

interface StreamStateOf<T extends PolicyStreamType, Current> {
  readonly streamType: T;
  /** streamVersion of the last recorded event: what a write's If-Match is compared with. */
  readonly version: number;
  /** Every recorded event in order, retractions included. */
  readonly events: readonly RecordedEvent[];
  readonly retractedEventIds: readonly string[];
  /**
   * What the events that still stand say; null when the creating event was retracted: the
   * stream is then void and takes no further command.
   */
  readonly current: Current | null;
}

export type TariffMeasureState = StreamStateOf<'tariff-measure', TariffMeasure>;
export type ExportControlState = StreamStateOf<'export-control', ExportControl>;
export type LicenceState = StreamStateOf<'licence', Licence>;
export type AgreementState = StreamStateOf<'agreement', Agreement>;
export type StreamState = TariffMeasureState | ExportControlState | LicenceState | AgreementState;

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
  const retractedEventIds = events.flatMap((event) =>
    event.type === 'EventRetracted' ? [event.data.retractedEventId] : [],
  );
  const standing = events.filter((event) => !retractedEventIds.includes(event.id));
  const history = { version: events[events.length - 1].streamVersion, events, retractedEventIds };
  const streamType = streamTypeCreatedBy(events[0]);
  switch (streamType) {
    case 'tariff-measure':
      return {
        streamType,
        ...history,
        current: standing
          .filter(isTariffMeasureEvent)
          .reduce<TariffMeasure | null>(evolveTariffMeasure, null),
      };
    case 'export-control':
      return {
        streamType,
        ...history,
        current: standing
          .filter(isExportControlEvent)
          .reduce<ExportControl | null>(evolveExportControl, null),
      };
    case 'licence':
      return {
        streamType,
        ...history,
        current: standing.filter(isLicenceEvent).reduce<Licence | null>(evolveLicence, null),
      };
    case 'agreement':
      return {
        streamType,
        ...history,
        current: standing.filter(isAgreementEvent).reduce<Agreement | null>(evolveAgreement, null),
      };
  }
}

function streamTypeCreatedBy(first: PolicyEvent): PolicyStreamType {
  const streamTypes = EVENT_STREAM_TYPES[first.type];
  const [streamType] = streamTypes;
  if (streamTypes.length !== 1 || streamType === 'ledger') {
    throw new Error(`A policy stream must begin with the event that creates it, not ${first.type}`);
  }
  return streamType;
}
