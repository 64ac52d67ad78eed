/**
 * The views of docs/architecture.md §5 as a plain fold over events: the executable specification
 * the Postgres read models are checked against. Deliberately simple — every view re-reads
 * every event — so that it is obviously right rather than fast. One module per view; the
 * timelines of measures (timeline.ts), what they cover (coverage.ts, export-control-items.ts)
 * and what was known when (known-events.ts) are shared by them.
 */
export { eventsKnownAt } from './known-events';
export { productLine } from './coverage';
export { evaluateTariffs } from './tariffs-effective';
export { evaluateTariffList } from './tariff-list';
export { evaluateExportControls } from './export-controls-active';
export { evaluateLicences, foldLicence, foldLicenceState } from './licences';
export { evaluateMeasure, foldAgreement } from './measure-state';
export { evaluatePartyListings } from './party-listings';
export {
  TARIFF_CHANGE_LIMITS,
  TariffChangesTooLarge,
  evaluateTariffChanges,
  tariffChangeProbes,
  tariffChanges,
} from './tariff-changes';
export type { TariffChangeInputs } from './tariff-changes';
export { LICENCE_VIEW_STATUSES } from './view-types';
export type {
  ActiveExportControl,
  Bitemporal,
  EffectiveTariffs,
  ExcludedProductLine,
  ExcludedTariffLayer,
  ExportControlQuery,
  ExportControlViewState,
  LayerCap,
  LayerChange,
  LayerCoverage,
  LayerExclusion,
  LicenceFilter,
  LicenceStatus as LicenceViewStatus,
  LicenceSummary,
  LicenceViewState,
  ListedPartyView,
  PartyListingQuery,
  PartyMatch,
  PartyScreenQuery,
  PartyListRef,
  PartyListViewState,
  Life,
  ListedTariff,
  ListedTariffStatus,
  MeasureStatus,
  MeasureView,
  PartialSuspension,
  ProductCoverage,
  ProductLine,
  RecordedTimeChange,
  TariffChanges,
  TariffChangesQuery,
  TariffLayer,
  TariffListQuery,
  TariffMeasureViewState,
  TariffQuery,
  ValidTimeChange,
  ValidWindow,
} from './view-types';
