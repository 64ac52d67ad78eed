import type { AnyEventEnvelope, EventEnvelope } from '@ledger/contracts';
import { eventsKnownAt, streamsOf } from './known-events';
import { at, compareText, instant } from './time';
import type { ListedPartyView, PartyListingQuery, PartyListRef } from './view-types';

type PartyChange = EventEnvelope<'PartyListed'> | EventEnvelope<'PartyDelisted'>;

function isPartyChange(event: AnyEventEnvelope): event is PartyChange {
  return event.type === 'PartyListed' || event.type === 'PartyDelisted';
}

/**
 * The parties a list's known events (in version order) put on it at T. A party is listed at T
 * when its latest change taking effect by T (the later version on a tie) is a listing; a list
 * whose creation is not known holds nobody.
 */
export function partiesListedAt(
  id: string,
  stream: readonly AnyEventEnvelope[],
  time: number,
): ListedPartyView[] {
  const creation = stream
    .filter((event): event is EventEnvelope<'PartyListCreated'> => event.type === 'PartyListCreated')
    .at(-1);
  if (creation === undefined) return [];
  const list: PartyListRef = { id, imposer: creation.data.imposer, name: creation.data.name };
  const latest = new Map<string, PartyChange>();
  for (const change of stream.filter(isPartyChange)) {
    const validFrom = at(change.data.validFrom);
    if (validFrom > time) continue;
    const previous = latest.get(change.data.partyId);
    if (previous === undefined || at(previous.data.validFrom) <= validFrom)
      latest.set(change.data.partyId, change);
  }
  const parties: ListedPartyView[] = [];
  for (const change of latest.values()) {
    if (change.type !== 'PartyListed') continue;
    const { validFrom, ...party } = change.data;
    parties.push({ list, ...party, citation: change.citation, listedFrom: instant(at(validFrom)) });
  }
  return parties.sort((a, b) => compareText(a.partyId, b.partyId));
}

/** The parties on one list, or on every list, at asOf as known at knownAt: by list, then party. */
export function evaluatePartyListings(
  events: readonly AnyEventEnvelope[],
  { listId, asOf, knownAt }: PartyListingQuery,
): ListedPartyView[] {
  const time = at(asOf);
  const streams = [...streamsOf(eventsKnownAt(events, knownAt))]
    .filter(
      ([id, stream]) => stream[0].streamType === 'party-listing' && (listId === undefined || id === listId),
    )
    .sort(([a], [b]) => compareText(a, b));
  return streams.flatMap(([id, stream]) => partiesListedAt(id, stream, time));
}
