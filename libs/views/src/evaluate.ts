import {
  type AgreementConcluded,
  type AnyEventEnvelope,
  type Citation,
  type ControlledItem,
  type EventEnvelope,
  type ExportLicencesReported,
  type Instant,
  type Jurisdiction,
  type LicenceApplied,
  type LicenceApproved,
  type LicenceDenied,
  type LicenceRevoked,
  type ProductScope,
  type TariffPointsSuspended,
  type TariffWithdrawn,
  nomenclatureOf,
  unhandledEventType,
} from '@ledger/contracts';
import type {
  ActiveExportControl,
  Bitemporal,
  EffectiveTariffs,
  ExcludedProductLine,
  ExportControlQuery,
  LicenceFilter,
  LicenceViewState,
  LicenceStatus,
  LicenceSummary,
  Life,
  ListedTariff,
  MeasureStatus,
  MeasureView,
  PartialSuspension,
  ProductCoverage,
  ProductLine,
  TariffLayer,
  TariffListQuery,
  TariffQuery,
  ValidWindow,
} from './view-types';
import { at, compareText, instant } from './time';

export { LICENCE_VIEW_STATUSES } from './view-types';
export type {
  ActiveExportControl,
  Bitemporal,
  EffectiveTariffs,
  ExcludedProductLine,
  ExportControlQuery,
  ExportControlViewState,
  LayerCoverage,
  LicenceFilter,
  LicenceStatus as LicenceViewStatus,
  LicenceSummary,
  LicenceViewState,
  Life,
  MeasureStatus,
  MeasureView,
  PartialSuspension,
  ProductCoverage,
  ProductLine,
  TariffLayer,
  TariffMeasureViewState,
  TariffQuery,
  ValidWindow,
} from './view-types';

/**
 * The views of docs/architecture.md §5 as a plain fold over events: the executable specification
 * the Postgres read models are checked against. Deliberately simple — every view re-reads
 * every event — so that it is obviously right rather than fast.
 */

const ALL = '*';

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

/** One tariff measure or export control, as known at some K. */
interface MeasureTimeline {
  readonly creation: CreatingEvent;
  /** The creation's start, or that of the latest postponement recorded after it. */
  readonly validFrom: number;
  /** The end set by the latest-recorded creation or validity change; null = open. */
  readonly validTo: number | null;
  /** The earliest lift, never before validFrom. */
  readonly liftedFrom: number | null;
  readonly suspensions: readonly Window[];
  /** In recorded order: a later one overrides earlier ones where it covers. */
  readonly partialSuspensions: readonly TariffPointsSuspended[];
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

function instantOrNull(time: number | null): Instant | null {
  return time === null ? null : instant(time);
}

/** The earlier of two ends, where null means "never". */
function earlierEnd(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function inside(window: Window, time: number): boolean {
  return window.from <= time && (window.to === null || time < window.to);
}

function byVersion(a: AnyEventEnvelope, b: AnyEventEnvelope): number {
  return a.streamVersion - b.streamVersion;
}

/** Code-unit order, the same as Postgres `COLLATE "C"` for the ASCII ids and programs we hold. */
/** Rates have at most two decimals; the sum is reported in hundredths so 0.1 + 0.2 is 0.3. */
function sumOfRates(rates: readonly number[]): number {
  return Math.round(rates.reduce((sum, rate) => sum + rate, 0) * 100) / 100;
}

/**
 * The events a reader knew at K: recorded by K and not retracted by a retraction recorded by K.
 * A retraction is effective from its own recordedAt, so earlier views still show what was believed.
 */
export function eventsKnownAt(events: readonly AnyEventEnvelope[], knownAt: Instant): AnyEventEnvelope[] {
  return knownBy(events, at(knownAt));
}

function knownBy(events: readonly AnyEventEnvelope[], horizon: number): AnyEventEnvelope[] {
  const recorded = events.filter((event) => at(event.recordedAt) <= horizon);
  const retracted = new Set(
    recorded.flatMap((event) => (event.type === 'EventRetracted' ? [event.data.retractedEventId] : [])),
  );
  return recorded.filter((event) => !retracted.has(event.id));
}

function streamsOf(events: readonly AnyEventEnvelope[]): Map<string, AnyEventEnvelope[]> {
  const streams = new Map<string, AnyEventEnvelope[]>();
  for (const event of events) {
    const stream = streams.get(event.streamId) ?? [];
    stream.push(event);
    streams.set(event.streamId, stream);
  }
  for (const stream of streams.values()) stream.sort(byVersion);
  return streams;
}

function isCreating(event: AnyEventEnvelope): event is CreatingEvent {
  return (
    event.type === 'TariffImposed' ||
    event.type === 'TariffAnnounced' ||
    event.type === 'ExportControlImposed'
  );
}

/** Folds one measure's known events (in recorded order) into its timelines; undefined if not created. */
function timelineOf(stream: readonly AnyEventEnvelope[]): MeasureTimeline | undefined {
  const creation = stream.filter(isCreating).at(-1);
  if (creation === undefined) return undefined;
  let validTo: number | null = null;
  let liftedFrom: number | null = null;
  let postponedFrom: number | null = null;
  let withdrawal: TariffWithdrawn | null = null;
  const suspensions: Window[] = [];
  const partialSuspensions: TariffPointsSuspended[] = [];
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
        partialSuspensions.push(event.data);
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
    withdrawal,
    paints,
    amendments,
    productAmendments,
    licenceReports,
  };
}

function lifeEnd(timeline: MeasureTimeline): number | null {
  return earlierEnd(timeline.validTo, timeline.liftedFrom);
}

function withinLife(timeline: MeasureTimeline, time: number): boolean {
  return inside({ from: timeline.validFrom, to: lifeEnd(timeline) }, time);
}

function statusAt(timeline: MeasureTimeline, time: number): MeasureStatus {
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
function paintAt(timeline: MeasureTimeline, time: number): RatePaint | undefined {
  if (!withinLife(timeline, time)) return undefined;
  return timeline.paints.filter((paint) => inside(paint, time)).at(-1);
}

function normalisedItem(item: ControlledItem): ControlledItem {
  return {
    ...(item.element === undefined ? {} : { element: item.element }),
    ...(item.controlCode === undefined ? {} : { controlCode: item.controlCode }),
    ...(item.hsCode === undefined ? {} : { hsCode: item.hsCode }),
    description: item.description,
  };
}

/** The same item: identical element, control code and HS code (the description is prose). */
function sameItem(a: ControlledItem, b: ControlledItem): boolean {
  return a.element === b.element && a.controlCode === b.controlCode && a.hsCode === b.hsCode;
}

/** A removal reaches an item when every identifier the removal names matches it. */
function removalReaches(removal: ControlledItem, item: ControlledItem): boolean {
  return (
    (removal.element === undefined || removal.element === item.element) &&
    (removal.controlCode === undefined || removal.controlCode === item.controlCode) &&
    (removal.hsCode === undefined || removal.hsCode === item.hsCode)
  );
}

/** The creation's items, then each amendment in force at T in recorded order: removals, then additions. */
function itemsAt(timeline: MeasureTimeline, time: number): ControlledItem[] {
  if (timeline.creation.type !== 'ExportControlImposed') return [];
  let items: ControlledItem[] = [];
  const add = (added: readonly ControlledItem[]): void => {
    for (const item of added) {
      if (!items.some((listed) => sameItem(listed, item))) items.push(normalisedItem(item));
    }
  };
  add(timeline.creation.data.items);
  for (const amendment of timeline.amendments) {
    if (at(amendment.data.validFrom) > time) continue;
    items = items.filter((item) => !amendment.data.remove.some((removal) => removalReaches(removal, item)));
    add(amendment.data.add);
  }
  return items;
}

/** Whether a measure reaches a partner: named, or through `*`, and not excluded. */
function reaches(
  reached: readonly Jurisdiction[],
  excluded: readonly Jurisdiction[] | undefined,
  partner: Jurisdiction,
): boolean {
  return (reached.includes(partner) || reached.includes(ALL)) && !(excluded ?? []).includes(partner);
}

/** A code covers itself and every longer code starting with it; a longer code covers only part of a shorter one. */
function codeCovers(code: string, product: string): boolean {
  return product.startsWith(code);
}

function itemMatches(item: ControlledItem, query: string): boolean {
  const wanted = query.toLowerCase();
  return (
    item.element?.toLowerCase() === wanted ||
    item.controlCode?.toLowerCase() === wanted ||
    (item.hsCode !== undefined && codeCovers(item.hsCode, query))
  );
}

interface Exclusion {
  readonly list: string | null;
  readonly description: string | null;
}

/** A tariff's listed codes and exclusions at T: the creation's, then each product amendment in force by T, in recorded order. */
interface CodesAt {
  readonly scope: ProductScope['scope'];
  readonly lines: ReadonlySet<string>;
  readonly exclusions: ReadonlyMap<string, Exclusion>;
}

function codesAt(products: ProductScope, timeline: MeasureTimeline, time: number): CodesAt {
  const lines = new Set(products.scope === 'codes' ? products.codes : []);
  const exclusions = new Map<string, Exclusion>(
    (products.scope === 'all' ? (products.excludedCodes ?? []) : []).map((code) => [
      code,
      { list: null, description: null },
    ]),
  );
  for (const { data } of timeline.productAmendments) {
    if (at(data.validFrom) > time) continue;
    for (const code of data.remove ?? []) lines.delete(code);
    for (const code of data.add ?? []) lines.add(code);
    for (const code of data.reinclude ?? []) exclusions.delete(code);
    for (const { code, list, description } of data.exclude ?? []) {
      exclusions.set(code, { list: list ?? null, description: description ?? null });
    }
  }
  return { scope: products.scope, lines, exclusions };
}

/** A product code with the nomenclature it belongs to under `imposer`. */
export function productLine(code: string, imposer: Jurisdiction): ProductLine {
  return { code, nomenclature: nomenclatureOf(code, imposer) };
}

function excludedLines(
  codes: readonly string[],
  exclusions: ReadonlyMap<string, Exclusion>,
  imposer: Jurisdiction,
): ExcludedProductLine[] {
  return [...codes]
    .sort(compareText)
    .map((code) => ({ ...productLine(code, imposer), ...(exclusions.get(code) as Exclusion) }));
}

function coverageOf(codes: CodesAt, imposer: Jurisdiction): ProductCoverage {
  return {
    scope: codes.scope,
    codes:
      codes.scope === 'all'
        ? []
        : [...codes.lines].sort(compareText).map((code) => productLine(code, imposer)),
    excludedCodes: excludedLines([...codes.exclusions.keys()], codes.exclusions, imposer),
  };
}

/** Strictly under `product`: a longer code starting with it. */
function finerThan(code: string, product: string): boolean {
  return code.length > product.length && code.startsWith(product);
}

/**
 * How a tariff covers `product`, or undefined when it does not cover it at all. Excluded when an
 * exclusion covers the product; else covered whole when the scope is `all` or a listed code
 * covers it, or in part through the finer listed codes no exclusion covers. Finer exclusions
 * inside what the measure covers make a whole coverage partial too.
 */
function layerCoverage(
  codes: CodesAt,
  product: string,
  imposer: Jurisdiction,
): Pick<TariffLayer, 'coverage' | 'lines' | 'excludedLines'> | undefined {
  const exclusions = [...codes.exclusions.keys()];
  if (exclusions.some((code) => codeCovers(code, product))) return undefined;
  const lines = codes.scope === 'all' ? [] : [...codes.lines];
  const whole = codes.scope === 'all' || lines.some((code) => codeCovers(code, product));
  const finerLines = whole
    ? []
    : lines.filter((line) => finerThan(line, product) && !exclusions.some((code) => codeCovers(code, line)));
  if (!whole && finerLines.length === 0) return undefined;
  const finerExclusions = exclusions.filter(
    (code) =>
      finerThan(code, product) && (codes.scope === 'all' || lines.some((line) => codeCovers(line, code))),
  );
  return {
    coverage: whole && finerExclusions.length === 0 ? 'full' : 'partial',
    lines: finerLines.sort(compareText).map((code) => productLine(code, imposer)),
    excludedLines: excludedLines(finerExclusions, codes.exclusions, imposer),
  };
}

function lifeOf(timeline: MeasureTimeline): Life {
  return {
    validFrom: instant(timeline.validFrom),
    validTo: instantOrNull(timeline.validTo),
    liftedFrom: instantOrNull(timeline.liftedFrom),
  };
}

function partialSuspensionOf(suspension: TariffPointsSuspended): PartialSuspension {
  return {
    points: suspension.points,
    provision: suspension.provision ?? null,
    validFrom: instant(at(suspension.validFrom)),
    validTo: suspension.validTo ? instant(at(suspension.validTo)) : null,
  };
}

/** The latest-recorded partial suspension covering T. */
function partialSuspensionAt(timeline: MeasureTimeline, time: number): PartialSuspension | null {
  const suspension = timeline.partialSuspensions
    .filter((candidate) =>
      inside({ from: at(candidate.validFrom), to: candidate.validTo ? at(candidate.validTo) : null }, time),
    )
    .at(-1);
  return suspension === undefined ? null : partialSuspensionOf(suspension);
}

/** The rate less the points suspended, never below 0 (a rate cut under the points levies nothing). */
function appliedRate(rate: number, suspension: PartialSuspension | null): number {
  if (suspension === null) return rate;
  return Math.max(0, Math.round((rate - suspension.points) * 100) / 100);
}

function windowsOf(timeline: MeasureTimeline): ValidWindow[] {
  return timeline.suspensions.map((window) => ({
    validFrom: instant(window.from),
    validTo: instantOrNull(window.to),
  }));
}

/**
 * The duty layers in force on `product` from `origin` at T as known at K, and their sum.
 * Layers of different programs add up; within a program, measures naming the origin replace
 * those that reach it only through `*`.
 */
export function evaluateTariffs(events: readonly AnyEventEnvelope[], query: TariffQuery): EffectiveTariffs {
  const time = at(query.asOf);
  const candidates: { layer: TariffLayer; namesOrigin: boolean }[] = [];
  for (const [measureId, stream] of streamsOf(eventsKnownAt(events, query.knownAt))) {
    const timeline = timelineOf(stream);
    if (timeline?.creation.type !== 'TariffImposed') continue;
    const measure = timeline.creation.data;
    if (measure.imposer !== query.imposer) continue;
    if (!reaches(measure.targets, measure.excludedTargets, query.origin)) continue;
    if (statusAt(timeline, time) !== 'in-force') continue;
    const paint = paintAt(timeline, time);
    if (paint === undefined) continue;
    const coverage = layerCoverage(codesAt(measure.products, timeline, time), query.product, measure.imposer);
    if (coverage === undefined) continue;
    const suspension = partialSuspensionAt(timeline, time);
    candidates.push({
      namesOrigin: measure.targets.includes(query.origin),
      layer: {
        measureId,
        program: measure.program,
        rate: paint.rate,
        appliedRate: appliedRate(paint.rate, suspension),
        suspension,
        validFrom: instant(Math.max(paint.from, timeline.validFrom)),
        validTo: instantOrNull(earlierEnd(paint.to, lifeEnd(timeline))),
        legalInstrument: measure.legalInstrument,
        title: measure.title,
        citation: paint.citation,
        heading: paint.heading,
        instrument: paint.instrument,
        ...coverage,
      },
    });
  }
  const programsNamingOrigin = new Set(
    candidates.filter((candidate) => candidate.namesOrigin).map((candidate) => candidate.layer.program),
  );
  const layers = candidates
    .filter((candidate) => candidate.namesOrigin || !programsNamingOrigin.has(candidate.layer.program))
    .map((candidate) => candidate.layer)
    .sort((a, b) => compareText(a.program, b.program) || compareText(a.measureId, b.measureId));
  const full = layers.filter((layer) => layer.coverage === 'full');
  return {
    product: productLine(query.product, query.imposer),
    layers,
    total: sumOfRates(full.map((layer) => layer.appliedRate)),
    partialLayers: layers.length - full.length,
  };
}

/** The export controls in force at T as known at K, filtered by imposer, item and destination; by control id. */
export function evaluateExportControls(
  events: readonly AnyEventEnvelope[],
  query: ExportControlQuery,
): ActiveExportControl[] {
  const time = at(query.asOf);
  const active: ActiveExportControl[] = [];
  for (const [controlId, stream] of streamsOf(eventsKnownAt(events, query.knownAt))) {
    const timeline = timelineOf(stream);
    if (timeline?.creation.type !== 'ExportControlImposed') continue;
    const control = timeline.creation.data;
    if (query.imposer !== undefined && control.imposer !== query.imposer) continue;
    if (
      query.destination !== undefined &&
      !reaches(control.destinations, control.excludedDestinations, query.destination)
    ) {
      continue;
    }
    if (statusAt(timeline, time) !== 'in-force') continue;
    const items = itemsAt(timeline, time);
    const { item } = query;
    if (item !== undefined && !items.some((listed) => itemMatches(listed, item))) continue;
    active.push({
      controlId,
      imposer: control.imposer,
      kind: control.kind,
      destinations: control.destinations,
      excludedDestinations: control.excludedDestinations ?? [],
      items,
      legalInstrument: control.legalInstrument,
      validFrom: instant(timeline.validFrom),
      validTo: instantOrNull(lifeEnd(timeline)),
      citation: timeline.creation.citation,
    });
  }
  return active.sort((a, b) => compareText(a.controlId, b.controlId));
}

type LicenceDecision =
  EventEnvelope<'LicenceApproved'> | EventEnvelope<'LicenceDenied'> | EventEnvelope<'LicenceRevoked'>;

function isLicenceDecision(event: AnyEventEnvelope): event is LicenceDecision {
  return (
    event.type === 'LicenceApproved' || event.type === 'LicenceDenied' || event.type === 'LicenceRevoked'
  );
}

/** Where a decision starts to count in valid time: an approval or denial when taken, a revocation from its validFrom. */
function takesEffectAt(decision: LicenceDecision): number {
  switch (decision.type) {
    case 'LicenceApproved':
    case 'LicenceDenied':
      return at(decision.data.decidedAt);
    case 'LicenceRevoked':
      return at(decision.data.validFrom);
  }
}

/**
 * A licence's status at T: the latest-recorded known decision that has taken effect by T, or
 * `pending` when none has; an approval whose validTo is at or before T reads `expired`.
 */
function licenceStatusAt(decisions: readonly LicenceDecision[], time: number): LicenceStatus {
  const decision = decisions.filter((candidate) => takesEffectAt(candidate) <= time).at(-1);
  if (decision === undefined) return 'pending';
  switch (decision.type) {
    case 'LicenceApproved': {
      const { validTo } = decision.data;
      return validTo != null && at(validTo) <= time ? 'expired' : 'approved';
    }
    case 'LicenceDenied':
      return 'denied';
    case 'LicenceRevoked':
      return 'revoked';
  }
}

/**
 * A licence from its known events: its state, and its decisions in recorded order. The state
 * holds the latest known decision of each kind whether or not it has taken effect at some T,
 * as a measure's state holds its whole known timeline.
 */
function licenceOf(
  known: readonly AnyEventEnvelope[],
): { decisions: LicenceDecision[]; state: LicenceViewState } | null {
  let application: LicenceApplied | null = null;
  let approval: LicenceApproved | null = null;
  let denial: LicenceDenied | null = null;
  let revocation: LicenceRevoked | null = null;
  const decisions: LicenceDecision[] = [];
  // Only licence events matter here; a retraction has already removed what it retracts.
  for (const event of [...known].sort(byVersion)) {
    if (event.type === 'LicenceApplied') application = event.data;
    if (!isLicenceDecision(event)) continue;
    decisions.push(event);
    if (event.type === 'LicenceApproved') approval = event.data;
    else if (event.type === 'LicenceDenied') denial = event.data;
    else revocation = event.data;
  }
  if (application === null) return null;
  return {
    decisions,
    state: {
      exportControlId: application.exportControlId,
      exporter: application.exporter,
      consignee: application.consignee ?? null,
      destination: application.destination,
      items: application.items,
      quantity: application.quantity ?? null,
      appliedAt: application.appliedAt,
      approval,
      denial,
      revocation,
    },
  };
}

/** A licence's state from its known events, without a status: what does not depend on T. */
export function foldLicenceState(known: readonly AnyEventEnvelope[]): LicenceViewState | null {
  return licenceOf(known)?.state ?? null;
}

/** A licence from its known events, with its status at T; null when no application is known. */
export function foldLicence(
  known: readonly AnyEventEnvelope[],
  asOf: Instant,
): { status: LicenceStatus; state: LicenceViewState } | null {
  const licence = licenceOf(known);
  return licence && { status: licenceStatusAt(licence.decisions, at(asOf)), state: licence.state };
}

/** An agreement is what its latest known conclusion says. */
export function foldAgreement(known: readonly AnyEventEnvelope[]): AgreementConcluded | null {
  const concluded = [...known]
    .sort(byVersion)
    .filter((event): event is EventEnvelope<'AgreementConcluded'> => event.type === 'AgreementConcluded')
    .at(-1);
  return concluded?.data ?? null;
}

/**
 * Every licence as currently known (no retracted event counts) with its status at `asOf`
 * (the listing passes now), filtered; by licence id.
 */
export function evaluateLicences(
  events: readonly AnyEventEnvelope[],
  filter: LicenceFilter,
  asOf: Instant,
): LicenceSummary[] {
  const recordedVersions = new Map<string, number>();
  for (const event of events) {
    recordedVersions.set(
      event.streamId,
      Math.max(recordedVersions.get(event.streamId) ?? 0, event.streamVersion),
    );
  }
  const licences: LicenceSummary[] = [];
  for (const [id, stream] of streamsOf(knownBy(events, Number.POSITIVE_INFINITY))) {
    if (stream[0].streamType !== 'licence') continue;
    const licence = foldLicence(stream, asOf);
    if (licence === null) continue;
    if (filter.status !== undefined && licence.status !== filter.status) continue;
    if (filter.exportControlId !== undefined && licence.state.exportControlId !== filter.exportControlId)
      continue;
    if (filter.destination !== undefined && licence.state.destination !== filter.destination) continue;
    licences.push({ id, status: licence.status, version: recordedVersions.get(id) ?? 0, ...licence.state });
  }
  return licences.sort((a, b) => compareText(a.id, b.id));
}

/** Any stream's state and status at T as known at K; null when nothing (or no creation) is known of it. */
export function evaluateMeasure(
  events: readonly AnyEventEnvelope[],
  id: string,
  { asOf, knownAt }: Bitemporal,
): MeasureView | null {
  const horizon = at(knownAt);
  const recorded = events.filter((event) => event.streamId === id && at(event.recordedAt) <= horizon);
  if (recorded.length === 0) return null;
  const version = Math.max(...recorded.map((event) => event.streamVersion));
  const stream = knownBy(events, horizon)
    .filter((event) => event.streamId === id)
    .sort(byVersion);
  const time = at(asOf);
  const streamType = recorded[0].streamType;
  switch (streamType) {
    case 'tariff-measure': {
      const timeline = timelineOf(stream);
      if (timeline === undefined || timeline.creation.type === 'ExportControlImposed') return null;
      const { creation } = timeline;
      const measure = creation.data;
      const announced = creation.type === 'TariffAnnounced';
      return {
        id,
        streamType,
        status: statusAt(timeline, time),
        version,
        state: {
          imposer: measure.imposer,
          targets: measure.targets,
          excludedTargets: measure.excludedTargets ?? [],
          program: measure.program,
          products: measure.products,
          title: measure.title,
          legalInstrument: measure.legalInstrument ?? null,
          announcedAt: instant(at(measure.announcedAt)),
          life: lifeOf(timeline),
          suspensions: windowsOf(timeline),
          partialSuspensions: timeline.partialSuspensions.map(partialSuspensionOf),
          rate: announced ? null : (paintAt(timeline, time)?.rate ?? null),
          intendedRate: announced ? measure.rate : null,
          withdrawal: timeline.withdrawal && {
            withdrawnAt: instant(at(timeline.withdrawal.withdrawnAt)),
            reason: timeline.withdrawal.reason,
          },
          coverage: coverageOf(codesAt(measure.products, timeline, time), measure.imposer),
        },
      };
    }
    case 'export-control': {
      const timeline = timelineOf(stream);
      if (timeline?.creation.type !== 'ExportControlImposed') return null;
      const control = timeline.creation.data;
      return {
        id,
        streamType,
        status: statusAt(timeline, time),
        version,
        state: {
          imposer: control.imposer,
          destinations: control.destinations,
          excludedDestinations: control.excludedDestinations ?? [],
          kind: control.kind,
          legalInstrument: control.legalInstrument,
          announcedAt: instant(at(control.announcedAt)),
          life: lifeOf(timeline),
          suspensions: windowsOf(timeline),
          items: itemsAt(timeline, time),
          licenceReports: timeline.licenceReports,
        },
      };
    }
    case 'licence': {
      const licence = foldLicence(stream, asOf);
      return licence && { id, streamType, status: licence.status, version, state: licence.state };
    }
    case 'agreement': {
      const agreement = foldAgreement(stream);
      return agreement && { id, streamType, status: 'concluded', version, state: agreement };
    }
    case 'ledger':
      // The ledger's own stream is no measure; its events are read through the event feed.
      return null;
  }
}

/**
 * Every tariff of the imposer reaching the origin (named, or through `*` and not excluded) that
 * is scheduled, in force or suspended at T as known at K, by program then measure id. No
 * product is asked, so measures of one program that replace each other on some product are
 * all listed; `namesOrigin` says which replace the others.
 */
export function evaluateTariffList(
  events: readonly AnyEventEnvelope[],
  query: TariffListQuery,
): ListedTariff[] {
  const time = at(query.asOf);
  const listed: ListedTariff[] = [];
  for (const [measureId, stream] of streamsOf(eventsKnownAt(events, query.knownAt))) {
    const timeline = timelineOf(stream);
    if (timeline?.creation.type !== 'TariffImposed') continue;
    const measure = timeline.creation.data;
    if (measure.imposer !== query.imposer) continue;
    if (query.program !== undefined && measure.program !== query.program) continue;
    if (!reaches(measure.targets, measure.excludedTargets, query.origin)) continue;
    const status = statusAt(timeline, time);
    if (status !== 'scheduled' && status !== 'in-force' && status !== 'suspended') continue;
    const paint = status === 'scheduled' ? undefined : paintAt(timeline, time);
    listed.push({
      measureId,
      program: measure.program,
      status,
      rate: paint?.rate ?? null,
      products: measure.products,
      targets: measure.targets,
      excludedTargets: measure.excludedTargets ?? [],
      namesOrigin: measure.targets.includes(query.origin),
      title: measure.title,
      legalInstrument: measure.legalInstrument,
      validFrom: instant(timeline.validFrom),
      validTo: instantOrNull(lifeEnd(timeline)),
      citation: paint === undefined ? timeline.creation.citation : paint.citation,
    });
  }
  return listed.sort((a, b) => compareText(a.program, b.program) || compareText(a.measureId, b.measureId));
}
