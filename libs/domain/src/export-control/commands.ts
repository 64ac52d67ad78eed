import type {
  ExportControlImposed,
  ExportControlItemsAmended,
  ExportControlLifted,
  ExportControlSuspended,
  ExportControlValidityChanged,
  ExportLicencesReported,
} from '@ledger/contracts';
import type { CommandOf, StreamCommands } from '../command-of';

export type ImposeExportControl = CommandOf<'ImposeExportControl', ExportControlImposed>;
export type AmendExportControlItems = CommandOf<'AmendExportControlItems', ExportControlItemsAmended>;
export type SuspendExportControl = CommandOf<'SuspendExportControl', ExportControlSuspended>;
export type LiftExportControl = CommandOf<'LiftExportControl', ExportControlLifted>;
export type ChangeExportControlValidity = CommandOf<
  'ChangeExportControlValidity',
  ExportControlValidityChanged
>;
export type ReportExportLicences = CommandOf<'ReportExportLicences', ExportLicencesReported>;

export type ExportControlCommand =
  | ImposeExportControl
  | AmendExportControlItems
  | SuspendExportControl
  | LiftExportControl
  | ChangeExportControlValidity
  | ReportExportLicences;

export const EXPORT_CONTROL_COMMANDS = {
  ImposeExportControl: 'creates',
  AmendExportControlItems: 'changes',
  SuspendExportControl: 'changes',
  LiftExportControl: 'changes',
  ChangeExportControlValidity: 'changes',
  ReportExportLicences: 'changes',
} as const satisfies StreamCommands<ExportControlCommand>;
