import { type AnyEventEnvelope } from '@ledger/contracts';
import { reaches, codesAt, productLine, layerCoverage } from './coverage';
import { eventsKnownAt, streamsOf } from './known-events';
import {
  instantOrNull,
  earlierEnd,
  timelineOf,
  lifeEnd,
  statusAt,
  paintAt,
  partialSuspensionAt,
  appliedRate,
} from './timeline';
import { at, compareText, instant } from './time';
import type { EffectiveTariffs, TariffLayer, TariffQuery } from './view-types';

/** Rates have at most two decimals; the sum is reported in hundredths so 0.1 + 0.2 is 0.3. */
function sumOfRates(rates: readonly number[]): number {
  return Math.round(rates.reduce((sum, rate) => sum + rate, 0) * 100) / 100;
}

/**
 * The duty layers in force on `product` from `origin` at T as known at K, and their sum.
 * Layers of different programs add up; within a program, measures naming the origin replace
 * those that reach it only through `*`.
 */
export function evaluateTariffs(events: readonly AnyEventEnvelope[], query: TariffQuery): EffectiveTariffs {
  const time = at(query.asOf);
  const candidates: { layer: TariffLayer; namesOrigin: boolean }[] = [];
  for (const [measureId, stream] of streamsOf(eventsKnownAt(events, query.knownAt))) {
    const timeline = timelineOf(stream);
    if (timeline?.creation.type !== 'TariffImposed') continue;
    const measure = timeline.creation.data;
    if (measure.imposer !== query.imposer) continue;
    if (!reaches(measure.targets, measure.excludedTargets, query.origin)) continue;
    if (statusAt(timeline, time) !== 'in-force') continue;
    const paint = paintAt(timeline, time);
    if (paint === undefined) continue;
    const coverage = layerCoverage(codesAt(measure.products, timeline, time), query.product, measure.imposer);
    if (coverage === undefined) continue;
    const suspension = partialSuspensionAt(timeline, time);
    candidates.push({
      namesOrigin: measure.targets.includes(query.origin),
      layer: {
        measureId,
        program: measure.program,
        rate: paint.rate,
        appliedRate: appliedRate(paint.rate, suspension),
        suspension,
        validFrom: instant(Math.max(paint.from, timeline.validFrom)),
        validTo: instantOrNull(earlierEnd(paint.to, lifeEnd(timeline))),
        legalInstrument: measure.legalInstrument,
        title: measure.title,
        citation: paint.citation,
        heading: paint.heading,
        instrument: paint.instrument,
        ...coverage,
      },
    });
  }
  const programsNamingOrigin = new Set(
    candidates.filter((candidate) => candidate.namesOrigin).map((candidate) => candidate.layer.program),
  );
  const layers = candidates
    .filter((candidate) => candidate.namesOrigin || !programsNamingOrigin.has(candidate.layer.program))
    .map((candidate) => candidate.layer)
    .sort((a, b) => compareText(a.program, b.program) || compareText(a.measureId, b.measureId));
  const full = layers.filter((layer) => layer.coverage === 'full');
  return {
    product: productLine(query.product, query.imposer),
    layers,
    total: sumOfRates(full.map((layer) => layer.appliedRate)),
    partialLayers: layers.length - full.length,
  };
}
