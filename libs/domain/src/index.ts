export { decide } from './decide';
export { evolve, foldStream } from './state';
export type {
  AgreementState,
  ExportControlState,
  LicenceState,
  PartyListingState,
  RecordedEvent,
  StreamState,
  TariffMeasureState,
} from './state';
export { COMMAND_STREAM_TYPE, CREATION_COMMANDS, isCreationCommand, referencedStreamIds } from './commands';
export type { Command, CommandType, CreationCommand, DecisionContext } from './commands';
export type * from './tariff-measure/commands';
export type * from './export-control/commands';
export type * from './licence/commands';
export type * from './agreement/commands';
export type * from './party-listing/commands';
export type * from './retraction/commands';
export type { Decider } from './decider';
export { DOMAIN_ERROR_KINDS, DomainError } from './domain-error';
export type { DomainErrorCode, DomainErrorKind } from './domain-error';
export type { TariffMeasure, TariffMeasureStage } from './tariff-measure/decider';
export type { ExportControl } from './export-control/decider';
export type { Licence, LicenceStatus } from './licence/decider';
export type { Agreement } from './agreement/decider';
export type { PartyList, PartyStanding } from './party-listing/decider';
