export { applyEvents, appliedVersions } from './apply-events';
export {
  READ_MODEL_TABLES,
  readModelChecksums,
  resetReadModels,
  type Queryable,
  type TableChecksum,
} from './tables';
export { tariffsEffective } from './tariffs-effective.query';
export { exportControlsActive } from './export-controls-active.query';
export { licences, type LicencePage, type LicencePageQuery } from './licences.query';
export { measureState } from './measure-state.query';
export { eventFeed, measureHistory, streamList, type EventPage, type ListedStream } from './event-feed.query';
export { tariffList } from './tariff-list.query';
export { tariffChangesBetween } from './tariff-changes.query';
export { isScreenable, partyListings, screenParties } from './party-listings.query';
