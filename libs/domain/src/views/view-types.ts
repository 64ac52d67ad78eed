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
  ProductScope,
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

export type MeasureStatus = 'scheduled' | 'in-force' | 'suspended' | 'lifted' | 'expired';
/** A licence's standing at T; `expired` is an approval past its validTo (no event says so). */
export const LICENCE_VIEW_STATUSES = ['pending', 'approved', 'denied', 'revoked', 'expired'] as const;
export type LicenceStatus = (typeof LICENCE_VIEW_STATUSES)[number];

export interface TariffQuery extends Bitemporal {
  readonly imposer: Jurisdiction;
  readonly origin: Jurisdiction;
  readonly product: HsCode;
}

/** One duty layer in force; validFrom/validTo bound the rate paint in force, clipped to the measure's life. */
export interface TariffLayer {
  readonly measureId: string;
  readonly program: string;
  readonly rate: number;
  readonly validFrom: Instant;
  readonly validTo: Instant | null;
  readonly legalInstrument: string;
  readonly title: string;
  /** Where the rate in force comes from: the citation of the event that painted it. */
  readonly citation: Citation | null;
}

export interface EffectiveTariffs {
  /** Ordered by program, then measure id. */
  readonly layers: readonly TariffLayer[];
  readonly total: number;
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
  readonly legalInstrument: string;
  readonly announcedAt: Instant;
  readonly life: Life;
  /** Suspension windows in recorded order. */
  readonly suspensions: readonly ValidWindow[];
  /** The rate painted at T while T is inside the life, else null. */
  readonly rate: number | null;
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
  | MeasureViewOf<'agreement', 'concluded', AgreementConcluded>;

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

/** A layer whose rate differs across a change; null = not a layer on that side. */
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
