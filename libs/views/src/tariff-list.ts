import { type AnyEventEnvelope } from '@ledger/contracts';
import { reaches } from './coverage';
import { eventsKnownAt, streamsOf } from './known-events';
import { instantOrNull, timelineOf, lifeEnd, statusAt, paintAt } from './timeline';
import { at, compareText, instant } from './time';
import type { ListedTariff, TariffListQuery } from './view-types';

/**
 * Every tariff of the imposer reaching the origin (named, or through `*` and not excluded) that
 * is scheduled, in force or suspended at T as known at K, by program then measure id. No
 * product is asked, so measures of one program that replace each other on some product are
 * all listed; `namesOrigin` says which replace the others.
 */
export function evaluateTariffList(
  events: readonly AnyEventEnvelope[],
  query: TariffListQuery,
): ListedTariff[] {
  const time = at(query.asOf);
  const listed: ListedTariff[] = [];
  for (const [measureId, stream] of streamsOf(eventsKnownAt(events, query.knownAt))) {
    const timeline = timelineOf(stream);
    if (timeline?.creation.type !== 'TariffImposed') continue;
    const measure = timeline.creation.data;
    if (measure.imposer !== query.imposer) continue;
    if (query.program !== undefined && measure.program !== query.program) continue;
    if (!reaches(measure.targets, measure.excludedTargets, query.origin)) continue;
    const status = statusAt(timeline, time);
    if (status !== 'scheduled' && status !== 'in-force' && status !== 'suspended') continue;
    const paint = status === 'scheduled' ? undefined : paintAt(timeline, time);
    listed.push({
      measureId,
      program: measure.program,
      status,
      rate: paint?.rate ?? null,
      products: measure.products,
      targets: measure.targets,
      excludedTargets: measure.excludedTargets ?? [],
      namesOrigin: measure.targets.includes(query.origin),
      title: measure.title,
      legalInstrument: measure.legalInstrument,
      validFrom: instant(timeline.validFrom),
      validTo: instantOrNull(lifeEnd(timeline)),
      citation: paint === undefined ? timeline.creation.citation : paint.citation,
    });
  }
  return listed.sort((a, b) => compareText(a.program, b.program) || compareText(a.measureId, b.measureId));
}
