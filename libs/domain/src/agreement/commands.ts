import type { AgreementConcluded } from '@ledger/contracts';
import type { CommandOf, StreamCommands } from '../command-of';

export type ConcludeAgreement = CommandOf<'ConcludeAgreement', AgreementConcluded>;

export type AgreementCommand = ConcludeAgreement;

export const AGREEMENT_COMMANDS = {
  ConcludeAgreement: 'creates',
} as const satisfies StreamCommands<AgreementCommand>;
