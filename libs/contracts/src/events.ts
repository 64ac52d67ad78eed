/**
 * The event catalogue (contract — extend, don't break). Each event type is a discriminated
 * union member keyed by `type`; `data` is what travels in the envelope's `data` field.
 * Instants are RFC 3339 strings in UTC with millisecond precision (`2025-04-09T04:01:00.000Z`).
 */

export type Instant = string;
/** ISO 3166-1 alpha-2, `EU`, or `*` (all partners / all destinations). */
export type Jurisdiction = string;
/** HS code, digits only: 2, 4 or 6 digits (national lines 8–10). */
export type HsCode = string;
/** A chapter 98/99 heading of a national tariff, dotted: `9903.01.24`. */
export type Heading = string;

/** Streams of policy: what the admin API writes and the views answer about. */
export const POLICY_STREAM_TYPES = [
  'tariff-measure',
  'export-control',
  'licence',
  'agreement',
  'party-listing',
] as const;
export type PolicyStreamType = (typeof POLICY_STREAM_TYPES)[number];

/**
 * Every stream type of the journal: the policy streams, and `ledger`, the ledger's own record
 * of itself (signed checkpoints, API key changes), which no policy write reaches.
 */
export const STREAM_TYPES = [...POLICY_STREAM_TYPES, 'ledger'] as const;
export type StreamType = (typeof STREAM_TYPES)[number];

export interface Citation {
  readonly url?: string;
  readonly reference?: string;
  readonly title?: string;
}

/** Who appended an event: an API key and its role, or `system` for the ledger's own events. */
export interface Actor {
  readonly keyId: string;
  readonly role: 'admin' | 'reader' | 'auditor' | 'system';
}

export type ProductScope =
  | { readonly scope: 'all'; readonly excludedCodes?: readonly HsCode[] }
  | { readonly scope: 'codes'; readonly codes: readonly HsCode[] };

/** An item under export control: named by element symbol, control code and/or HS code. */
export interface ControlledItem {
  readonly element?: string;
  readonly controlCode?: string;
  readonly hsCode?: HsCode;
  readonly description: string;
}

export type ExportControlKind = 'licence-required' | 'prohibited' | 'end-user-ban';

// ---- tariff-measure -------------------------------------------------------------------------

export interface TariffImposed {
  readonly imposer: Jurisdiction;
  readonly targets: readonly Jurisdiction[];
  readonly excludedTargets?: readonly Jurisdiction[];
  readonly program: string;
  readonly products: ProductScope;
  readonly title: string;
  readonly legalInstrument: string;
  readonly announcedAt: Instant;
  readonly rate: number;
  readonly validFrom: Instant;
  readonly validTo?: Instant | null;
  /**
   * v2: the chapter 98/99 heading of the imposer's tariff under which the rate is levied (US HTS
   * `9903.01.24`); null or absent when unknown. The admin API records it, null when not given.
   */
  readonly heading?: Heading | null;
}

export interface TariffRateChanged {
  readonly rate: number;
  readonly validFrom: Instant;
  readonly validTo?: Instant | null;
  /** v2: the heading the new rate is levied under; null when unknown. */
  readonly heading?: Heading | null;
  /** v2: the instrument that set the rate ("Executive Order 14259"); null when unknown. */
  readonly instrument?: string | null;
}

export interface TariffSuspended {
  readonly validFrom: Instant;
  readonly validTo?: Instant | null;
}

export interface TariffLifted {
  readonly validFrom: Instant;
}

export interface TariffValidityChanged {
  readonly validTo: Instant | null;
}

/**
 * A tariff announced (or threatened) for an intended start and rate, not imposed: it levies no
 * duty until a TariffImposed on the same stream implements it.
 */
export interface TariffAnnounced {
  readonly imposer: Jurisdiction;
  readonly targets: readonly Jurisdiction[];
  readonly excludedTargets?: readonly Jurisdiction[];
  readonly program: string;
  readonly products: ProductScope;
  readonly title: string;
  /** The legal basis invoked, when the announcement names one. */
  readonly legalInstrument?: string;
  readonly announcedAt: Instant;
  /** The intended rate and start. */
  readonly rate: number;
  readonly validFrom: Instant;
  readonly validTo?: Instant | null;
}

/** An announced, never-imposed tariff dropped from `withdrawnAt` on. */
export interface TariffWithdrawn {
  readonly withdrawnAt: Instant;
  readonly reason: string;
}

/** The measure's start moved later, to `validFrom`. */
export interface TariffPostponed {
  readonly validFrom: Instant;
}

/**
 * Part of the rate suspended on [validFrom, validTo): the legal rate stands, `points` of it do
 * not apply. `provision` names what is suspended.
 */
export interface TariffPointsSuspended {
  readonly points: number;
  readonly provision?: string;
  readonly validFrom: Instant;
  readonly validTo?: Instant | null;
}

/** A cap on the total of a layer and the layers of `including` (the normal, MFN, rate): "15 % all-in". */
export interface StackingCap {
  /** The most the capped layer and the included layers levy together, in percent. */
  readonly total: number;
  /** The programs whose layers count towards the cap (`MFN`). */
  readonly including: readonly string[];
}

/**
 * How the measure's layer stacks with layers of other programs on the same product, on
 * [validFrom, validTo); replaces, where it covers, the rules recorded before it. `notStackedOn`:
 * the layer is excluded where a layer of one of these programs applies (IEEPA reciprocal duties
 * do not apply to goods under Section 232). `displaces`: layers of these programs are excluded
 * where this one applies. `cap`: the layer levies at most the cap less the included layers.
 */
export interface TariffStackingRulesSet {
  readonly validFrom: Instant;
  readonly validTo?: Instant | null;
  readonly notStackedOn?: readonly string[];
  readonly displaces?: readonly string[];
  readonly cap?: StackingCap | null;
}

/** A code taken out of a measure's coverage, optionally with the list it comes from ("Annex II"). */
export interface ProductExclusion {
  readonly code: HsCode;
  readonly list?: string;
  readonly description?: string;
}

/**
 * A change of the products a measure covers, from `validFrom` on (which may lie before the
 * recording: backdated). Applied after the coverage it follows: `remove` and `add` change the
 * listed codes of a `scope: 'codes'` measure, `reinclude` and `exclude` its exclusions (either
 * scope); an exclusion outweighs a listed code.
 */
export interface TariffProductsAmended {
  readonly validFrom: Instant;
  readonly add?: readonly HsCode[];
  readonly remove?: readonly HsCode[];
  readonly exclude?: readonly ProductExclusion[];
  readonly reinclude?: readonly HsCode[];
}

// ---- export-control -------------------------------------------------------------------------

export interface ExportControlImposed {
  readonly imposer: Jurisdiction;
  readonly destinations: readonly Jurisdiction[];
  readonly excludedDestinations?: readonly Jurisdiction[];
  readonly kind: ExportControlKind;
  readonly items: readonly ControlledItem[];
  readonly legalInstrument: string;
  readonly announcedAt: Instant;
  readonly validFrom: Instant;
  readonly validTo?: Instant | null;
}

export interface ExportControlItemsAmended {
  readonly add: readonly ControlledItem[];
  readonly remove: readonly ControlledItem[];
  readonly validFrom: Instant;
}

export interface ExportControlSuspended {
  readonly validFrom: Instant;
  readonly validTo?: Instant | null;
}

export interface ExportControlLifted {
  readonly validFrom: Instant;
}

export interface ExportControlValidityChanged {
  readonly validTo: Instant | null;
}

export interface ExportLicencesReported {
  /** null = the government did not disclose the number (never 0 for "unknown"). */
  readonly count: number | null;
  readonly period: { readonly from: Instant; readonly to: Instant };
  readonly reportedAt: Instant;
}

// ---- licence --------------------------------------------------------------------------------

export interface LicenceApplied {
  readonly exportControlId: string;
  readonly exporter: string;
  readonly consignee?: string;
  readonly destination: Jurisdiction;
  readonly items: readonly ControlledItem[];
  readonly quantity?: { readonly amount: number; readonly unit: string };
  readonly appliedAt: Instant;
}

export interface LicenceApproved {
  readonly decidedAt: Instant;
  readonly validFrom: Instant;
  readonly validTo?: Instant | null;
  readonly conditions?: string;
}

export interface LicenceDenied {
  readonly decidedAt: Instant;
  readonly reason: string;
}

export interface LicenceRevoked {
  readonly validFrom: Instant;
  readonly reason: string;
}

// ---- agreement ------------------------------------------------------------------------------

export interface AgreementConcluded {
  readonly parties: readonly Jurisdiction[];
  readonly title: string;
  readonly concludedAt: Instant;
  readonly summary: string;
  readonly relatedMeasureIds: readonly string[];
}

// ---- party-listing -------------------------------------------------------------------------

/**
 * A list of parties a jurisdiction restricts trade with (the US Entity List, China's Unreliable
 * Entity List…): one stream per list, whose events add and remove parties in valid time.
 */
export interface PartyListCreated {
  readonly imposer: Jurisdiction;
  readonly name: string;
}

/**
 * A party put on the list from `validFrom` on, with what the US Consolidated Screening List says
 * of it: names, addresses, why it is listed, what licence its exports need and how applications
 * are reviewed. The notice that listed it (a Federal Register reference…) is the envelope's
 * citation, which every write carries.
 */
export interface PartyListed {
  /** The party's id within the list: a slug, stable across delisting and relisting. */
  readonly partyId: string;
  readonly name: string;
  readonly aliases: readonly string[];
  /** Where the party is established: ISO 3166-1 alpha-2 (never `*`). */
  readonly country: Jurisdiction;
  readonly addresses: readonly string[];
  readonly reason: string;
  readonly licenceRequirement: string;
  readonly licenceReviewPolicy: string;
  readonly validFrom: Instant;
}

/** A listed party taken off the list from `validFrom` on, by the notice the envelope cites. */
export interface PartyDelisted {
  readonly partyId: string;
  readonly validFrom: Instant;
}

// ---- any stream -----------------------------------------------------------------------------

export interface EventRetracted {
  readonly retractedEventId: string;
  readonly reason: string;
}

// ---- ledger -----------------------------------------------------------------------------------

/**
 * A signed statement of what the journal held at `position`: the number of events and streams
 * up to there and a Merkle root over every stream's head (see ledger-checkpoint.ts). Signed with
 * Ed25519 by the relay's checkpoint key, so an auditor holding the public key can detect a
 * rewritten, deleted or truncated history at the next checkpoint.
 */
export interface LedgerCheckpointSigned {
  readonly journalId: string;
  readonly position: number;
  readonly eventCount: number;
  readonly streamCount: number;
  readonly merkleRoot: string;
  readonly algorithm: 'ed25519';
  readonly keyId: string;
  readonly signature: string;
}

/** The ledger's stream of API key changes: one event per change, in the change's transaction. */
export const API_KEY_STREAM_ID = 'ledger-api-keys';

export type ApiKeyRole = 'admin' | 'reader' | 'auditor';

/**
 * What every API key event says of the key after the change. `actor` is who changed it: an
 * admin key's id, `bootstrap` for a key registered from the environment, or `operator:<user>`
 * for the operator CLI. Never a secret, nor its hash.
 */
export interface ApiKeyChange {
  readonly keyId: string;
  readonly role: ApiKeyRole;
  readonly label: string;
  /** null: the key does not expire. */
  readonly expiresAt: Instant | null;
  readonly actor: string;
}

export type ApiKeyCreated = ApiKeyChange;

/** A new key (`keyId`) replaced `rotatedFrom`, which stays valid until `rotatedFromExpiresAt`. */
export interface ApiKeyRotated extends ApiKeyChange {
  readonly rotatedFrom: string;
  readonly rotatedFromExpiresAt: Instant;
}

export type ApiKeyExpirySet = ApiKeyChange;
export type ApiKeyRevoked = ApiKeyChange;

/** Every event type with its payload; the single source for the unions below. */
export interface EventDataByType {
  TariffImposed: TariffImposed;
  TariffRateChanged: TariffRateChanged;
  TariffSuspended: TariffSuspended;
  TariffLifted: TariffLifted;
  TariffValidityChanged: TariffValidityChanged;
  TariffAnnounced: TariffAnnounced;
  TariffWithdrawn: TariffWithdrawn;
  TariffPostponed: TariffPostponed;
  TariffPointsSuspended: TariffPointsSuspended;
  TariffProductsAmended: TariffProductsAmended;
  TariffStackingRulesSet: TariffStackingRulesSet;
  ExportControlImposed: ExportControlImposed;
  ExportControlItemsAmended: ExportControlItemsAmended;
  ExportControlSuspended: ExportControlSuspended;
  ExportControlLifted: ExportControlLifted;
  ExportControlValidityChanged: ExportControlValidityChanged;
  ExportLicencesReported: ExportLicencesReported;
  LicenceApplied: LicenceApplied;
  LicenceApproved: LicenceApproved;
  LicenceDenied: LicenceDenied;
  LicenceRevoked: LicenceRevoked;
  AgreementConcluded: AgreementConcluded;
  PartyListCreated: PartyListCreated;
  PartyListed: PartyListed;
  PartyDelisted: PartyDelisted;
  EventRetracted: EventRetracted;
  LedgerCheckpointSigned: LedgerCheckpointSigned;
  ApiKeyCreated: ApiKeyCreated;
  ApiKeyRotated: ApiKeyRotated;
  ApiKeyExpirySet: ApiKeyExpirySet;
  ApiKeyRevoked: ApiKeyRevoked;
}

export type EventType = keyof EventDataByType;

/** The ledger's own event types, appended by the ledger itself (never through the admin API). */
export type LedgerEventType = StreamEventType<'ledger'>;
/** The event types of policy streams: what the deciders produce. */
export type PolicyEventType = Exclude<EventType, LedgerEventType>;

/** An event before the journal wraps it in an envelope: type + payload. */
export type JournalEvent = {
  [K in EventType]: { readonly type: K; readonly data: EventDataByType[K] };
}[EventType];

/** A domain event as the deciders produce it. */
export type PolicyEvent = Extract<JournalEvent, { type: PolicyEventType }>;

export type PolicyEventOf<K extends PolicyEventType> = Extract<PolicyEvent, { type: K }>;

/**
 * Which stream types may hold each event type: the one map the per-stream lists of event types
 * are derived from, so an event type left out of it does not compile.
 */
const EVENT_STREAMS = {
  TariffImposed: ['tariff-measure'],
  TariffRateChanged: ['tariff-measure'],
  TariffSuspended: ['tariff-measure'],
  TariffLifted: ['tariff-measure'],
  TariffValidityChanged: ['tariff-measure'],
  TariffAnnounced: ['tariff-measure'],
  TariffWithdrawn: ['tariff-measure'],
  TariffPostponed: ['tariff-measure'],
  TariffPointsSuspended: ['tariff-measure'],
  TariffProductsAmended: ['tariff-measure'],
  TariffStackingRulesSet: ['tariff-measure'],
  ExportControlImposed: ['export-control'],
  ExportControlItemsAmended: ['export-control'],
  ExportControlSuspended: ['export-control'],
  ExportControlLifted: ['export-control'],
  ExportControlValidityChanged: ['export-control'],
  ExportLicencesReported: ['export-control'],
  LicenceApplied: ['licence'],
  LicenceApproved: ['licence'],
  LicenceDenied: ['licence'],
  LicenceRevoked: ['licence'],
  AgreementConcluded: ['agreement'],
  PartyListCreated: ['party-listing'],
  PartyListed: ['party-listing'],
  PartyDelisted: ['party-listing'],
  EventRetracted: POLICY_STREAM_TYPES,
  LedgerCheckpointSigned: ['ledger'],
  ApiKeyCreated: ['ledger'],
  ApiKeyRotated: ['ledger'],
  ApiKeyExpirySet: ['ledger'],
  ApiKeyRevoked: ['ledger'],
} as const satisfies { readonly [K in EventType]: readonly StreamType[] };

export const EVENT_STREAM_TYPES: { readonly [K in EventType]: readonly StreamType[] } = EVENT_STREAMS;

/**
 * The event types that only streams of type `S` hold: all but `EventRetracted`, which any policy
 * stream may hold.
 */
export type StreamEventType<S extends StreamType> = {
  [K in EventType]: (typeof EVENT_STREAMS)[K] extends readonly [S] ? K : never;
}[EventType];

export const EVENT_TYPES = Object.keys(EVENT_STREAM_TYPES) as readonly EventType[];

/** The event types that only streams of `streamType` hold, in catalogue order. */
export function streamEventTypes<S extends StreamType>(streamType: S): readonly StreamEventType<S>[] {
  return EVENT_TYPES.filter((type): type is StreamEventType<S> => {
    const holders = EVENT_STREAM_TYPES[type];
    return holders.length === 1 && holders[0] === streamType;
  });
}

/**
 * Closes a switch over event types: once every type has its case the event is `never` here, so
 * a type added without a case does not compile.
 */
export function unhandledEventType(event: never): never {
  throw new Error(`No case for event type ${(event as { readonly type: string }).type}`);
}

/** Current schema version of each event type's payload; bump with an upcaster, never silently. */
export const SCHEMA_VERSIONS: { readonly [K in EventType]: number } = {
  TariffImposed: 2,
  TariffRateChanged: 2,
  TariffSuspended: 1,
  TariffLifted: 1,
  TariffValidityChanged: 1,
  TariffAnnounced: 1,
  TariffWithdrawn: 1,
  TariffPostponed: 1,
  TariffPointsSuspended: 1,
  TariffProductsAmended: 1,
  TariffStackingRulesSet: 1,
  ExportControlImposed: 1,
  ExportControlItemsAmended: 1,
  ExportControlSuspended: 1,
  ExportControlLifted: 1,
  ExportControlValidityChanged: 1,
  ExportLicencesReported: 1,
  LicenceApplied: 1,
  LicenceApproved: 1,
  LicenceDenied: 1,
  LicenceRevoked: 1,
  AgreementConcluded: 1,
  PartyListCreated: 1,
  PartyListed: 1,
  PartyDelisted: 1,
  EventRetracted: 1,
  LedgerCheckpointSigned: 1,
  ApiKeyCreated: 1,
  ApiKeyRotated: 1,
  ApiKeyExpirySet: 1,
  ApiKeyRevoked: 1,
};
