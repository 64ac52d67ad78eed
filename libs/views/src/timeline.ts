import {
  type AnyEventEnvelope,
  type Citation,
  type EventEnvelope,
  type ExportLicencesReported,
  type Instant,
  type TariffPointsSuspended,
  type TariffStackingRulesSet,
  type TariffWithdrawn,
  unhandledEventType,
} from '@ledger/contracts';
import { at, instant } from './time';
import type { Life, MeasureStatus, PartialSuspension, ValidWindow } from './view-types';

type CreatingEvent =
  EventEnvelope<'TariffImposed'> | EventEnvelope<'TariffAnnounced'> | EventEnvelope<'ExportControlImposed'>;

interface RatePaint {
  readonly rate: number;
  readonly from: number;
  readonly to: number | null;
  readonly citation: Citation | null;
  readonly heading: string | null;
  readonly instrument: string | null;
}

interface Window {
  readonly from: number;
  readonly to: number | null;
}

/** Points suspended, as the event said, with the event's citation. */
export type RecordedPointSuspension = TariffPointsSuspended & { readonly citation: Citation | null };

/** One tariff measure or export control, as known at some K. */
export interface MeasureTimeline {
  readonly creation: CreatingEvent;
  /** The creation's start, or that of the latest postponement recorded after it. */
  readonly validFrom: number;
  /** The end set by the latest-recorded creation or validity change; null = open. */
  readonly validTo: number | null;
  /** The earliest lift, never before validFrom. */
  readonly liftedFrom: number | null;
  readonly suspensions: readonly Window[];
  /** In recorded order, each with its event's citation: a later one overrides earlier ones where it covers. */
  readonly partialSuspensions: readonly RecordedPointSuspension[];
  /** In recorded order: later rules replace earlier ones where they cover. */
  readonly stackingRules: readonly TariffStackingRulesSet[];
  /** The latest withdrawal recorded after the creation. */
  readonly withdrawal: TariffWithdrawn | null;
  /** In recorded order: a later paint overrides earlier ones where it covers. */
  readonly paints: readonly RatePaint[];
  /** Item amendments recorded after the creation, in recorded order. */
  readonly amendments: readonly EventEnvelope<'ExportControlItemsAmended'>[];
  /** Product amendments recorded after the creation, in recorded order. */
  readonly productAmendments: readonly EventEnvelope<'TariffProductsAmended'>[];
  readonly licenceReports: readonly ExportLicencesReported[];
}

export function instantOrNull(time: number | null): Instant | null {
  return time === null ? null : instant(time);
}

/** The earlier of two ends, where null means "never". */
export function earlierEnd(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function inside(window: Window, time: number): boolean {
  return window.from <= time && (window.to === null || time < window.to);
}

function isCreating(event: AnyEventEnvelope): event is CreatingEvent {
  return (
    event.type === 'TariffImposed' ||
    event.type === 'TariffAnnounced' ||
    event.type === 'ExportControlImposed'
  );
}

/** Folds one measure's known events (in recorded order) into its timelines; undefined if not created. */
export function timelineOf(stream: readonly AnyEventEnvelope[]): MeasureTimeline | undefined {
  const creation = stream.filter(isCreating).at(-1);
  if (creation === undefined) return undefined;
  let validTo: number | null = null;
  let liftedFrom: number | null = null;
  let postponedFrom: number | null = null;
  let withdrawal: TariffWithdrawn | null = null;
  const suspensions: Window[] = [];
  const partialSuspensions: RecordedPointSuspension[] = [];
  const stackingRules: TariffStackingRulesSet[] = [];
  const paints: RatePaint[] = [];
  const amendments: EventEnvelope<'ExportControlItemsAmended'>[] = [];
  const productAmendments: EventEnvelope<'TariffProductsAmended'>[] = [];
  const licenceReports: ExportLicencesReported[] = [];
  for (const event of stream) {
    switch (event.type) {
      case 'TariffImposed':
        // The creation's rate holds for as long as the measure lives, however its end moves.
        paints.push({
          rate: event.data.rate,
          from: at(event.data.validFrom),
          to: null,
          citation: event.citation,
          heading: event.data.heading ?? null,
          instrument: event.data.legalInstrument,
        });
        validTo = event.data.validTo ? at(event.data.validTo) : null;
        break;
      // An announcement paints no rate: it levies no duty.
      case 'TariffAnnounced':
      case 'ExportControlImposed':
        validTo = event.data.validTo ? at(event.data.validTo) : null;
        break;
      // A postponement or withdrawal recorded before the latest creation is superseded by it.
      case 'TariffPostponed':
        if (event.streamVersion > creation.streamVersion) postponedFrom = at(event.data.validFrom);
        break;
      case 'TariffWithdrawn':
        if (event.streamVersion > creation.streamVersion) withdrawal = event.data;
        break;
      case 'TariffPointsSuspended':
        partialSuspensions.push({ ...event.data, citation: event.citation });
        break;
      case 'TariffStackingRulesSet':
        stackingRules.push(event.data);
        break;
      case 'TariffRateChanged':
        paints.push({
          rate: event.data.rate,
          from: at(event.data.validFrom),
          to: event.data.validTo ? at(event.data.validTo) : null,
          citation: event.citation,
          heading: event.data.heading ?? null,
          instrument: event.data.instrument ?? null,
        });
        break;
      case 'TariffSuspended':
      case 'ExportControlSuspended':
        suspensions.push({
          from: at(event.data.validFrom),
          to: event.data.validTo ? at(event.data.validTo) : null,
        });
        break;
      case 'TariffLifted':
      case 'ExportControlLifted':
        liftedFrom = earlierEnd(liftedFrom, at(event.data.validFrom));
        break;
      case 'TariffValidityChanged':
      case 'ExportControlValidityChanged':
        validTo = event.data.validTo === null ? null : at(event.data.validTo);
        break;
      case 'ExportControlItemsAmended':
        if (event.streamVersion > creation.streamVersion) amendments.push(event);
        break;
      case 'TariffProductsAmended':
        if (event.streamVersion > creation.streamVersion) productAmendments.push(event);
        break;
      case 'ExportLicencesReported':
        licenceReports.push(event.data);
        break;
      case 'LicenceApplied':
      case 'LicenceApproved':
      case 'LicenceDenied':
      case 'LicenceRevoked':
      case 'AgreementConcluded':
      case 'PartyListCreated':
      case 'PartyListed':
      case 'PartyDelisted':
      case 'EventRetracted':
      case 'LedgerCheckpointSigned':
      case 'ApiKeyCreated':
      case 'ApiKeyRotated':
      case 'ApiKeyExpirySet':
      case 'ApiKeyRevoked':
        break;
      default:
        unhandledEventType(event);
    }
  }
  const validFrom = postponedFrom ?? at(creation.data.validFrom);
  return {
    creation,
    validFrom,
    validTo,
    // A lift from before the start ends the life at the start: in force for no instant.
    liftedFrom: liftedFrom === null ? null : Math.max(liftedFrom, validFrom),
    suspensions,
    partialSuspensions,
    stackingRules,
    withdrawal,
    paints,
    amendments,
    productAmendments,
    licenceReports,
  };
}

export function lifeEnd(timeline: MeasureTimeline): number | null {
  return earlierEnd(timeline.validTo, timeline.liftedFrom);
}

function withinLife(timeline: MeasureTimeline, time: number): boolean {
  return inside({ from: timeline.validFrom, to: lifeEnd(timeline) }, time);
}

export function statusAt(timeline: MeasureTimeline, time: number): MeasureStatus {
  const { liftedFrom, validTo, validFrom, withdrawal } = timeline;
  if (timeline.creation.type === 'TariffAnnounced') {
    return withdrawal !== null && at(withdrawal.withdrawnAt) <= time ? 'withdrawn' : 'announced';
  }
  // A lift at or after the natural end cuts nothing: the measure expires there instead.
  if (liftedFrom !== null && liftedFrom <= time && (validTo === null || liftedFrom < validTo))
    return 'lifted';
  if (validTo !== null && time >= validTo) return 'expired';
  if (time < validFrom) return 'scheduled';
  if (timeline.suspensions.some((window) => inside(window, time))) return 'suspended';
  return 'in-force';
}

/** The latest-recorded paint covering T, while T is inside the life. */
export function paintAt(timeline: MeasureTimeline, time: number): RatePaint | undefined {
  if (!withinLife(timeline, time)) return undefined;
  return timeline.paints.filter((paint) => inside(paint, time)).at(-1);
}

export function lifeOf(timeline: MeasureTimeline): Life {
  return {
    validFrom: instant(timeline.validFrom),
    validTo: instantOrNull(timeline.validTo),
    liftedFrom: instantOrNull(timeline.liftedFrom),
  };
}

export function partialSuspensionOf(suspension: RecordedPointSuspension): PartialSuspension {
  return {
    points: suspension.points,
    provision: suspension.provision ?? null,
    validFrom: instant(at(suspension.validFrom)),
    validTo: suspension.validTo ? instant(at(suspension.validTo)) : null,
    citation: suspension.citation,
  };
}

/** The latest-recorded partial suspension covering T. */
export function partialSuspensionAt(timeline: MeasureTimeline, time: number): PartialSuspension | null {
  const suspension = timeline.partialSuspensions
    .filter((candidate) =>
      inside({ from: at(candidate.validFrom), to: candidate.validTo ? at(candidate.validTo) : null }, time),
    )
    .at(-1);
  return suspension === undefined ? null : partialSuspensionOf(suspension);
}

/** The latest-recorded stacking rules covering T, if any. */
export function stackingRulesAt(timeline: MeasureTimeline, time: number): TariffStackingRulesSet | undefined {
  return timeline.stackingRules
    .filter((rules) =>
      inside({ from: at(rules.validFrom), to: rules.validTo ? at(rules.validTo) : null }, time),
    )
    .at(-1);
}

/** The rate less the points suspended, never below 0 (a rate cut under the points levies nothing). */
export function appliedRate(rate: number, suspension: PartialSuspension | null): number {
  if (suspension === null) return rate;
  return Math.max(0, Math.round((rate - suspension.points) * 100) / 100);
}

export function windowsOf(timeline: MeasureTimeline): ValidWindow[] {
  return timeline.suspensions.map((window) => ({
    validFrom: instant(window.from),
    validTo: instantOrNull(window.to),
  }));
}
