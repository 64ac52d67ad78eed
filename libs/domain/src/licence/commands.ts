import type { LicenceApplied, LicenceApproved, LicenceDenied, LicenceRevoked } from '@ledger/contracts';
import type { CommandOf, StreamCommands } from '../command-of';

export type ApplyForLicence = CommandOf<'ApplyForLicence', LicenceApplied>;
export type ApproveLicence = CommandOf<'ApproveLicence', LicenceApproved>;
export type DenyLicence = CommandOf<'DenyLicence', LicenceDenied>;
export type RevokeLicence = CommandOf<'RevokeLicence', LicenceRevoked>;

export type LicenceCommand = ApplyForLicence | ApproveLicence | DenyLicence | RevokeLicence;

export const LICENCE_COMMANDS = {
  ApplyForLicence: 'creates',
  ApproveLicence: 'changes',
  DenyLicence: 'changes',
  RevokeLicence: 'changes',
} as const satisfies StreamCommands<LicenceCommand>;
