import type {
  AgreementConcluded,
  Citation,
  ControlledItem,
  ExportControlKind,
  ExportLicencesReported,
  HsCode,
  Instant,
  Jurisdiction,
  LicenceApproved,
  LicenceDenied,
  LicenceRevoked,
  PartyListed,
  ProductScope,
  TariffWithdrawn,
} from '@ledger/contracts';

/**
 * The shapes of the read side (docs/architecture.md §5, §6): what a view "as of T, known at K"
 * answers. The in-memory evaluator and the Postgres read models both produce exactly these.
 */

/** Valid instant T and transaction instant K, both UTC ISO instants with milliseconds. */
export interface Bitemporal {
  readonly asOf: Instant;
  readonly knownAt: Instant;
}

/** `announced` and `withdrawn` are tariffs announced and never imposed: they levy no duty. */
export type MeasureStatus =
  'announced' | 'withdrawn' | 'scheduled' | 'in-force' | 'suspended' | 'lifted' | 'expired';
/** A licence's standing at T; `expired` is an approval past its validTo (no event says so). */
export const LICENCE_VIEW_STATUSES = ['pending', 'approved', 'denied', 'revoked', 'expired'] as const;
export type LicenceStatus = (typeof LICENCE_VIEW_STATUSES)[number];

export interface TariffQuery extends Bitemporal {
  readonly imposer: Jurisdiction;
  readonly origin: Jurisdiction;
  readonly product: HsCode;
}

/** Points of a rate suspended on [validFrom, validTo) (TariffPointsSuspended). */
export interface PartialSuspension {
  readonly points: number;
  /** The suspended provision, when named. */
  readonly provision: string | null;
  readonly validFrom: Instant;
  readonly validTo: Instant | null;
  /** The citation of the event that suspended them (the instrument, or the extension of an earlier pause). */
  readonly citation: Citation | null;
}

/** A product code with the nomenclature it belongs to (`HS`, or the imposer's national lines). */
export interface ProductLine {
  readonly code: HsCode;
  readonly nomenclature: string;
}

/** A code taken out of a measure's coverage, with the list it comes from and its description. */
export interface ExcludedProductLine extends ProductLine {
  readonly list: string | null;
  readonly description: string | null;
}

/** What a tariff measure covers at T, after every product amendment in force by then. */
export interface ProductCoverage {
  readonly scope: ProductScope['scope'];
  /** The listed codes (none for `scope: 'all'`), by code. */
  readonly codes: readonly ProductLine[];
  /** The codes excluded from the coverage, by code: an exclusion outweighs a listed code. */
  readonly excludedCodes: readonly ExcludedProductLine[];
}

/**
 * `full`: the layer covers the queried code as a whole. `partial`: it covers only some lines
 * under it — only `lines` (finer codes it lists), or the whole code but `excludedLines` (finer
 * codes it excludes) — so its rate applies to part of the queried goods only.
 */
export type LayerCoverage = 'full' | 'partial';

/**
 * The cap a layer is held to (TariffStackingRulesSet): with the applied full layers of
 * `including` (levying `base` together) it levies at most `total`, so its applied rate is at most
 * `total - base`, never below 0.
 */
export interface LayerCap {
  readonly total: number;
  readonly including: readonly string[];
  readonly base: number;
}

/** One duty layer in force; validFrom/validTo bound the rate paint in force, clipped to the measure's life. */
export interface TariffLayer {
  readonly measureId: string;
  readonly program: string;
  /** The legal rate. */
  readonly rate: number;
  /** What applies: the rate less the points suspended at T, never below 0, held to the cap if any. */
  readonly appliedRate: number;
  /** The latest-recorded partial suspension covering T, if any. */
  readonly suspension: PartialSuspension | null;
  readonly validFrom: Instant;
  readonly validTo: Instant | null;
  readonly legalInstrument: string;
  readonly title: string;
  /** Where the rate in force comes from: the citation of the event that painted it. */
  readonly citation: Citation | null;
  /** The chapter 98/99 heading the rate in force is levied under (`9903.01.24`); null when unknown. */
  readonly heading: string | null;
  /** The instrument that set the rate in force (an imposition's own legalInstrument); null when unknown. */
  readonly instrument: string | null;
  readonly coverage: LayerCoverage;
  /** Partial layers: the finer codes under the queried one the layer covers (empty when it covers it whole). */
  readonly lines: readonly ProductLine[];
  /** Partial layers: the finer codes under the queried one the layer excludes. */
  readonly excludedLines: readonly ExcludedProductLine[];
  /** The cap the layer's stacking rules hold it to at T; null when they set none (or it is excluded). */
  readonly cap: LayerCap | null;
}

/**
 * Why a layer does not apply: its own rules say it is `not-stacked-on` the program of the layer
 * `measureId`, or that layer's rules say it is `displaced-by` it. Only full layers exclude.
 */
export interface LayerExclusion {
  readonly rule: 'not-stacked-on' | 'displaced-by';
  readonly measureId: string;
  readonly program: string;
}

/** A layer in force that the stacking rules leave out of the total, with every reason, by rule, program and measure id. */
export interface ExcludedTariffLayer extends TariffLayer {
  readonly exclusions: readonly LayerExclusion[];
}

export interface EffectiveTariffs {
  /** The queried code and its nomenclature. */
  readonly product: ProductLine;
  /** The layers that apply, ordered by program, then measure id. */
  readonly layers: readonly TariffLayer[];
  /** The sum of the full layers' applied rates: what applies to every good under the queried code. */
  readonly total: number;
  /** How many layers are partial and left out of `total`: when > 0 the duty depends on the finer line. */
  readonly partialLayers: number;
  /** Layers in force the stacking rules exclude (in none of the above), ordered as `layers`. */
  readonly excludedLayers: readonly ExcludedTariffLayer[];
}

export interface ExportControlQuery extends Bitemporal {
  readonly imposer?: Jurisdiction;
  /** Element symbol, control code (both case-insensitive) or HS code (a listed code covers longer ones). */
  readonly item?: string;
  readonly destination?: Jurisdiction;
}

export interface ActiveExportControl {
  readonly controlId: string;
  readonly imposer: Jurisdiction;
  readonly kind: ExportControlKind;
  readonly destinations: readonly Jurisdiction[];
  readonly excludedDestinations: readonly Jurisdiction[];
  /** The items under control at T, in the order they were first listed. */
  readonly items: readonly ControlledItem[];
  readonly legalInstrument: string;
  /** The control's life: validTo is where it ends (expiry or lift), null when open-ended. */
  readonly validFrom: Instant;
  readonly validTo: Instant | null;
  /** Citation of the event that imposed the control. */
  readonly citation: Citation | null;
}

export interface Life {
  readonly validFrom: Instant;
  /** The end the measure was given (its creation or the latest validity change), null = open. */
  readonly validTo: Instant | null;
  /**
   * The earliest lift, if any: the life is cut from here on. A lift from before validFrom reads as
   * validFrom: the measure is in force for no instant.
   */
  readonly liftedFrom: Instant | null;
}

export interface ValidWindow {
  readonly validFrom: Instant;
  readonly validTo: Instant | null;
}

export interface TariffMeasureViewState {
  readonly imposer: Jurisdiction;
  readonly targets: readonly Jurisdiction[];
  readonly excludedTargets: readonly Jurisdiction[];
  readonly program: string;
  readonly products: ProductScope;
  readonly title: string;
  /** null for an announcement that names no legal basis. */
  readonly legalInstrument: string | null;
  readonly announcedAt: Instant;
  /** For an announced or withdrawn measure, validFrom is the intended start. */
  readonly life: Life;
  /** Suspension windows in recorded order. */
  readonly suspensions: readonly ValidWindow[];
  /** Partial suspensions in recorded order. */
  readonly partialSuspensions: readonly PartialSuspension[];
  /** The rate painted at T while T is inside the life of an imposed measure, else null. */
  readonly rate: number | null;
  /** The announced rate while the measure is announced or withdrawn (never imposed), else null. */
  readonly intendedRate: number | null;
  /** The withdrawal of an announced measure, once known, whatever T. */
  readonly withdrawal: TariffWithdrawn | null;
  /** The products covered at T: `products` as amended by every product amendment in force by T. */
  readonly coverage: ProductCoverage;
}

export interface ExportControlViewState {
  readonly imposer: Jurisdiction;
  readonly destinations: readonly Jurisdiction[];
  readonly excludedDestinations: readonly Jurisdiction[];
  readonly kind: ExportControlKind;
  readonly legalInstrument: string;
  readonly announcedAt: Instant;
  readonly life: Life;
  readonly suspensions: readonly ValidWindow[];
  /** The items under control at T. */
  readonly items: readonly ControlledItem[];
  /** Licence counts the imposer reported, in recorded order (count null = undisclosed). */
  readonly licenceReports: readonly ExportLicencesReported[];
}

export interface LicenceViewState {
  readonly exportControlId: string;
  readonly exporter: string;
  readonly consignee: string | null;
  readonly destination: Jurisdiction;
  readonly items: readonly ControlledItem[];
  readonly quantity: { readonly amount: number; readonly unit: string } | null;
  readonly appliedAt: Instant;
  readonly approval: LicenceApproved | null;
  readonly denial: LicenceDenied | null;
  readonly revocation: LicenceRevoked | null;
}

/** A licence as listed: its status at the listing's instant (now), by the rule of `foldLicence`. */
export interface LicenceSummary extends LicenceViewState {
  readonly id: string;
  readonly status: LicenceStatus;
  readonly version: number;
}

export interface LicenceFilter {
  readonly status?: LicenceStatus;
  readonly exportControlId?: string;
  readonly destination?: Jurisdiction;
}

interface MeasureViewOf<S extends string, Status extends string, State> {
  readonly id: string;
  readonly streamType: S;
  readonly status: Status;
  /** The stream's highest version recorded at knownAt (retracted events and retractions count). */
  readonly version: number;
  readonly state: State;
}

export type MeasureView =
  | MeasureViewOf<'tariff-measure', MeasureStatus, TariffMeasureViewState>
  | MeasureViewOf<'export-control', MeasureStatus, ExportControlViewState>
  | MeasureViewOf<'licence', LicenceStatus, LicenceViewState>
  | MeasureViewOf<'agreement', 'concluded', AgreementConcluded>
  | MeasureViewOf<'party-listing', 'kept', PartyListViewState>;

/** The parties on one list (`listId`), or on every list, at T as known at K. */
export interface PartyListingQuery extends Bitemporal {
  readonly listId?: string;
}

/** A list of restricted parties, as its creation names it. */
export interface PartyListRef {
  readonly id: string;
  readonly imposer: Jurisdiction;
  readonly name: string;
}

/** A party on a list at T: what its standing listing says, and since when it is listed. */
export interface ListedPartyView extends Omit<PartyListed, 'validFrom'> {
  readonly list: PartyListRef;
  /** The citation of the listing's event: the notice that listed the party. */
  readonly citation: Citation | null;
  readonly listedFrom: Instant;
}

/**
 * A screening of a name against the parties listed at T as known at K (in SQL only: the
 * evaluator has no trigrams). `country` narrows it to parties of one country; `threshold` is the
 * lowest score returned, `limit` the most candidates.
 */
export interface PartyScreenQuery extends Bitemporal {
  readonly name: string;
  readonly country?: Jurisdiction;
  readonly threshold: number;
  readonly limit: number;
}

/** A listed party whose name or an alias resembles the screened name: `score` in [0, 1], 1 the same. */
export interface PartyMatch extends ListedPartyView {
  readonly score: number;
  /** The party's name or alias that scored best. */
  readonly matchedName: string;
}

/** A party list's state at T: its name and the parties on it, by party id. */
export interface PartyListViewState {
  readonly imposer: Jurisdiction;
  readonly name: string;
  readonly parties: readonly ListedPartyView[];
}

/** Every tariff of an imposer reaching an origin, at T as known at K; `program` narrows it to one program. */
export interface TariffListQuery extends Bitemporal {
  readonly imposer: Jurisdiction;
  readonly origin: Jurisdiction;
  readonly program?: string;
}

/** The statuses a listed tariff can have: measures lifted or expired at T are not listed. */
export type ListedTariffStatus = Extract<MeasureStatus, 'scheduled' | 'in-force' | 'suspended'>;

export interface ListedTariff {
  readonly measureId: string;
  readonly program: string;
  readonly status: ListedTariffStatus;
  /** The rate painted at T while in force or suspended; null while scheduled. */
  readonly rate: number | null;
  readonly products: ProductScope;
  readonly targets: readonly Jurisdiction[];
  readonly excludedTargets: readonly Jurisdiction[];
  /**
   * Whether the measure names the origin rather than reaching it through `*`: within a program,
   * a measure naming the origin replaces the others on the products both cover.
   */
  readonly namesOrigin: boolean;
  readonly title: string;
  readonly legalInstrument: string;
  /** The measure's life: validTo is where it ends (expiry or lift), null when open-ended. */
  readonly validFrom: Instant;
  readonly validTo: Instant | null;
  /** The citation of the event that painted the rate, or of the imposition while scheduled. */
  readonly citation: Citation | null;
}

/** What changed in the duty on a product between `from` and `to`, on both time axes. */
export interface TariffChangesQuery {
  readonly imposer: Jurisdiction;
  readonly origin: Jurisdiction;
  readonly product: HsCode;
  readonly from: Instant;
  readonly to: Instant;
  /** What the valid-time changes are read as known at. */
  readonly knownAt: Instant;
}

/** A layer whose duty differs across a change (its applied rate, or full or partial coverage): before and after are its applied rates; null = not a layer on that side. */
export interface LayerChange {
  readonly measureId: string;
  readonly program: string;
  readonly before: number | null;
  readonly after: number | null;
}

/** An instant in [from, to) at which the effective answer changes. */
export interface ValidTimeChange {
  readonly at: Instant;
  readonly totalBefore: number;
  readonly totalAfter: number;
  readonly layers: readonly LayerChange[];
}

/** An event recorded in [from, to) that changed an answer, from the valid instant `at` on. */
export interface RecordedTimeChange {
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly recordedAt: Instant;
  /** The earliest valid instant whose answer the event changed. */
  readonly at: Instant;
  readonly totalBefore: number;
  readonly totalAfter: number;
  readonly layers: readonly LayerChange[];
}

export interface TariffChanges {
  readonly validTime: readonly ValidTimeChange[];
  readonly recordedTime: readonly RecordedTimeChange[];
}
