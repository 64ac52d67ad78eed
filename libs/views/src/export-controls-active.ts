import { type AnyEventEnvelope } from '@ledger/contracts';
import { reaches } from './coverage';
import { itemsAt, itemMatches } from './export-control-items';
import { eventsKnownAt, streamsOf } from './known-events';
import { instantOrNull, timelineOf, lifeEnd, statusAt } from './timeline';
import { at, compareText, instant } from './time';
import type { ActiveExportControl, ExportControlQuery } from './view-types';

/** The export controls in force at T as known at K, filtered by imposer, item and destination; by control id. */
export function evaluateExportControls(
  events: readonly AnyEventEnvelope[],
  query: ExportControlQuery,
): ActiveExportControl[] {
  const time = at(query.asOf);
  const active: ActiveExportControl[] = [];
  for (const [controlId, stream] of streamsOf(eventsKnownAt(events, query.knownAt))) {
    const timeline = timelineOf(stream);
    if (timeline?.creation.type !== 'ExportControlImposed') continue;
    const control = timeline.creation.data;
    if (query.imposer !== undefined && control.imposer !== query.imposer) continue;
    if (
      query.destination !== undefined &&
      !reaches(control.destinations, control.excludedDestinations, query.destination)
    ) {
      continue;
    }
    if (statusAt(timeline, time) !== 'in-force') continue;
    const items = itemsAt(timeline, time);
    const { item } = query;
    if (item !== undefined && !items.some((listed) => itemMatches(listed, item))) continue;
    active.push({
      controlId,
      imposer: control.imposer,
      kind: control.kind,
      destinations: control.destinations,
      excludedDestinations: control.excludedDestinations ?? [],
      items,
      legalInstrument: control.legalInstrument,
      validFrom: instant(timeline.validFrom),
      validTo: instantOrNull(lifeEnd(timeline)),
      citation: timeline.creation.citation,
    });
  }
  return active.sort((a, b) => compareText(a.controlId, b.controlId));
}
