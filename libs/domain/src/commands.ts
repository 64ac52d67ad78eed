import type {
  AgreementConcluded,
  EventRetracted,
  ExportControlImposed,
  ExportControlItemsAmended,
  ExportControlLifted,
  ExportControlSuspended,
  ExportControlValidityChanged,
  ExportLicencesReported,
  LicenceApplied,
  LicenceApproved,
  LicenceDenied,
  LicenceRevoked,
  StreamType,
  TariffAnnounced,
  TariffImposed,
  TariffLifted,
  TariffPointsSuspended,
  TariffPostponed,
  TariffProductsAmended,
  TariffRateChanged,
  TariffSuspended,
  TariffValidityChanged,
  TariffWithdrawn,
} from '@ledger/contracts';

/** One write to one stream; `data` is the payload of the event it asks for. */
interface CommandOf<T extends string, D> {
  readonly type: T;
  readonly streamId: string;
  readonly data: D;
}

export type ImposeTariff = CommandOf<'ImposeTariff', TariffImposed>;
export type ChangeTariffRate = CommandOf<'ChangeTariffRate', TariffRateChanged>;
export type SuspendTariff = CommandOf<'SuspendTariff', TariffSuspended>;
export type LiftTariff = CommandOf<'LiftTariff', TariffLifted>;
export type ChangeTariffValidity = CommandOf<'ChangeTariffValidity', TariffValidityChanged>;
export type AnnounceTariff = CommandOf<'AnnounceTariff', TariffAnnounced>;
export type WithdrawTariff = CommandOf<'WithdrawTariff', TariffWithdrawn>;
export type PostponeTariff = CommandOf<'PostponeTariff', TariffPostponed>;
export type SuspendTariffPoints = CommandOf<'SuspendTariffPoints', TariffPointsSuspended>;
export type AmendTariffProducts = CommandOf<'AmendTariffProducts', TariffProductsAmended>;

export type ImposeExportControl = CommandOf<'ImposeExportControl', ExportControlImposed>;
export type AmendExportControlItems = CommandOf<'AmendExportControlItems', ExportControlItemsAmended>;
export type SuspendExportControl = CommandOf<'SuspendExportControl', ExportControlSuspended>;
export type LiftExportControl = CommandOf<'LiftExportControl', ExportControlLifted>;
export type ChangeExportControlValidity = CommandOf<
  'ChangeExportControlValidity',
  ExportControlValidityChanged
>;
export type ReportExportLicences = CommandOf<'ReportExportLicences', ExportLicencesReported>;

export type ApplyForLicence = CommandOf<'ApplyForLicence', LicenceApplied>;
export type ApproveLicence = CommandOf<'ApproveLicence', LicenceApproved>;
export type DenyLicence = CommandOf<'DenyLicence', LicenceDenied>;
export type RevokeLicence = CommandOf<'RevokeLicence', LicenceRevoked>;

export type ConcludeAgreement = CommandOf<'ConcludeAgreement', AgreementConcluded>;

export type RetractEvent = CommandOf<'RetractEvent', EventRetracted>;

export type TariffMeasureCommand =
  | ImposeTariff
  | ChangeTariffRate
  | SuspendTariff
  | LiftTariff
  | ChangeTariffValidity
  | AnnounceTariff
  | WithdrawTariff
  | PostponeTariff
  | SuspendTariffPoints
  | AmendTariffProducts;

export type ExportControlCommand =
  | ImposeExportControl
  | AmendExportControlItems
  | SuspendExportControl
  | LiftExportControl
  | ChangeExportControlValidity
  | ReportExportLicences;

export type LicenceCommand = ApplyForLicence | ApproveLicence | DenyLicence | RevokeLicence;

export type Command =
  TariffMeasureCommand | ExportControlCommand | LicenceCommand | ConcludeAgreement | RetractEvent;

export type CommandType = Command['type'];

/** The stream type each command writes to; a retraction corrects any stream. */
export const COMMAND_STREAM_TYPE: Readonly<Record<CommandType, StreamType | 'any'>> = {
  ImposeTariff: 'tariff-measure',
  ChangeTariffRate: 'tariff-measure',
  SuspendTariff: 'tariff-measure',
  LiftTariff: 'tariff-measure',
  ChangeTariffValidity: 'tariff-measure',
  AnnounceTariff: 'tariff-measure',
  WithdrawTariff: 'tariff-measure',
  PostponeTariff: 'tariff-measure',
  SuspendTariffPoints: 'tariff-measure',
  AmendTariffProducts: 'tariff-measure',
  ImposeExportControl: 'export-control',
  AmendExportControlItems: 'export-control',
  SuspendExportControl: 'export-control',
  LiftExportControl: 'export-control',
  ChangeExportControlValidity: 'export-control',
  ReportExportLicences: 'export-control',
  ApplyForLicence: 'licence',
  ApproveLicence: 'licence',
  DenyLicence: 'licence',
  RevokeLicence: 'licence',
  ConcludeAgreement: 'agreement',
  RetractEvent: 'any',
};

/** The commands that start a stream; every other command needs the stream to exist. */
export const CREATION_COMMANDS = [
  'ImposeTariff',
  'AnnounceTariff',
  'ImposeExportControl',
  'ApplyForLicence',
  'ConcludeAgreement',
] as const satisfies readonly CommandType[];

export type CreationCommand = Extract<Command, { type: (typeof CREATION_COMMANDS)[number] }>;

export function isCreationCommand(command: Command): command is CreationCommand {
  return (CREATION_COMMANDS as readonly CommandType[]).includes(command.type);
}

/** What a decision may know beyond its own stream: the type of each stream the command names. */
export interface DecisionContext {
  /** undefined when no such stream exists (or its creation was retracted). */
  streamTypeOf(streamId: string): StreamType | undefined;
}

/** Other streams a command names; the handler loads their types into the DecisionContext. */
export function referencedStreamIds(command: Command): string[] {
  if (command.type === 'ApplyForLicence') return [command.data.exportControlId];
  if (command.type === 'ConcludeAgreement') return [...command.data.relatedMeasureIds];
  return [];
}
