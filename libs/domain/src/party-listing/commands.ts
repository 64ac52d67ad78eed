import type { PartyDelisted, PartyListCreated, PartyListed } from '@ledger/contracts';
import type { CommandOf, StreamCommands } from '../command-of';

export type CreatePartyList = CommandOf<'CreatePartyList', PartyListCreated>;
export type ListParty = CommandOf<'ListParty', PartyListed>;
export type DelistParty = CommandOf<'DelistParty', PartyDelisted>;

export type PartyListingCommand = CreatePartyList | ListParty | DelistParty;

export const PARTY_LISTING_COMMANDS = {
  CreatePartyList: 'creates',
  ListParty: 'changes',
  DelistParty: 'changes',
} as const satisfies StreamCommands<PartyListingCommand>;
