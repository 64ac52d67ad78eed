import {
  partySearchKey,
  type Instant,
  type Jurisdiction,
  type PartyListed,
  unhandledEventType,
} from '@ledger/contracts';
import type { Decider } from '../decider';
import { DomainError } from '../domain-error';
import type { StreamEvent } from '../event-guard';
import { isBefore, requireText } from '../rules';
import { currentOf, requireNoStream } from '../stream';
import type { PartyListingCommand } from './commands';

/** Where a party stands on the list after its latest standing event, and since when (valid time). */
export interface PartyStanding {
  readonly listed: boolean;
  readonly since: Instant;
}

/** A list of restricted parties: who is on it now, and who was and has been taken off. */
export interface PartyList {
  readonly imposer: Jurisdiction;
  readonly name: string;
  readonly parties: Readonly<Record<string, PartyStanding>>;
}

type PartyListingEvent = StreamEvent<'party-listing'>;

export const partyListingDecider: Decider<PartyListingCommand, PartyListingEvent, PartyList | null> = {
  decide(command, stream) {
    if (command.type === 'CreatePartyList') {
      requireNoStream(stream, command.streamId);
      requireText(command.data.name, 'name');
      if (command.data.imposer === '*') {
        throw new DomainError('wildcard-misplaced', 'A list is kept by one jurisdiction, not *', 'imposer');
      }
      return [{ type: 'PartyListCreated', data: command.data }];
    }
    return [changePartyList(command, currentOf<PartyList>(stream, 'party-listing', command.streamId))];
  },
  evolve: evolvePartyList,
  initialState: null,
};

function evolvePartyList(list: PartyList | null, event: PartyListingEvent): PartyList | null {
  if (event.type === 'PartyListCreated') return { ...event.data, parties: {} };
  // Parties of a list whose creation was retracted belong to no list.
  if (list === null) return null;
  switch (event.type) {
    case 'PartyListed':
    case 'PartyDelisted': {
      const standing = { listed: event.type === 'PartyListed', since: event.data.validFrom };
      return { ...list, parties: { ...list.parties, [event.data.partyId]: standing } };
    }
    default:
      return unhandledEventType(event);
  }
}

function changePartyList(
  command: Exclude<PartyListingCommand, { type: 'CreatePartyList' }>,
  list: PartyList,
): PartyListingEvent {
  const { partyId, validFrom } = command.data;
  const standing = Object.hasOwn(list.parties, partyId) ? list.parties[partyId] : undefined;
  switch (command.type) {
    case 'ListParty':
      if (standing?.listed === true) {
        throw new DomainError(
          'party-already-listed',
          `Party ${partyId} is already on ${list.name} (since ${standing.since})`,
        );
      }
      if (standing !== undefined && isBefore(validFrom, standing.since)) {
        throw new DomainError(
          'listing-before-delisting',
          `validFrom (${validFrom}) is before the party's delisting (${standing.since})`,
        );
      }
      checkParty(command.data);
      return { type: 'PartyListed', data: command.data };
    case 'DelistParty':
      if (standing?.listed !== true) {
        throw new DomainError('party-not-listed', `Party ${partyId} is not on ${list.name}`);
      }
      if (!isBefore(standing.since, validFrom)) {
        throw new DomainError(
          'delisting-not-after-listing',
          `validFrom (${validFrom}) must be after the party's listing (${standing.since})`,
        );
      }
      return { type: 'PartyDelisted', data: command.data };
  }
}

/**
 * A name screening can find: one left with nothing to compare once folded to its search key (only
 * legal forms or punctuation, such as "Co., Ltd.") would be listed and never match a screening —
 * a silent miss in a compliance check.
 */
function requireScreenable(name: string, field: string): void {
  requireText(name, field);
  if (partySearchKey(name) === '') {
    throw new DomainError(
      'name-unscreenable',
      `${field} '${name}' holds nothing a screening could match (only legal forms or punctuation)`,
      field,
    );
  }
}

function checkParty(party: PartyListed): void {
  requireScreenable(party.name, 'name');
  party.aliases.forEach((alias, index) => {
    requireScreenable(alias, `aliases.${index}`);
    if (party.aliases.indexOf(alias) !== index) {
      throw new DomainError('aliases-duplicated', `aliases.${index} repeats '${alias}'`, `aliases.${index}`);
    }
  });
  if (party.country === '*' || party.country === 'EU') {
    throw new DomainError('wildcard-misplaced', 'A party is established in one country', 'country');
  }
  party.addresses.forEach((address, index) => requireText(address, `addresses.${index}`));
  requireText(party.reason, 'reason');
  requireText(party.licenceRequirement, 'licenceRequirement');
  requireText(party.licenceReviewPolicy, 'licenceReviewPolicy');
}
