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
  stackingRulesAt,
} from './timeline';
import { at, compareText, instant } from './time';
import type { TariffStackingRulesSet } from '@ledger/contracts';
import type {
  EffectiveTariffs,
  ExcludedTariffLayer,
  LayerExclusion,
  TariffLayer,
  TariffQuery,
} from './view-types';

interface Candidate {
  readonly layer: TariffLayer;
  readonly namesOrigin: boolean;
  readonly rules: TariffStackingRulesSet | undefined;
}

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
  const candidates: Candidate[] = [];
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
      rules: stackingRulesAt(timeline, time),
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
        cap: null,
      },
    });
  }
  const programsNamingOrigin = new Set(
    candidates.filter((candidate) => candidate.namesOrigin).map((candidate) => candidate.layer.program),
  );
  const layers = candidates
    .filter((candidate) => candidate.namesOrigin || !programsNamingOrigin.has(candidate.layer.program))
    .sort(
      (a, b) =>
        compareText(a.layer.program, b.layer.program) || compareText(a.layer.measureId, b.layer.measureId),
    );
  const { applied, excluded } = stacked(layers);
  const full = applied.filter((layer) => layer.coverage === 'full');
  return {
    product: productLine(query.product, query.imposer),
    layers: applied,
    total: sumOfRates(full.map((layer) => layer.appliedRate)),
    partialLayers: applied.length - full.length,
    excludedLayers: excluded,
  };
}

/**
 * Applies the stacking rules in force at T in one pass over the layers in force: a layer is
 * excluded when its rules do not stack it on the program of another full layer, or another full
 * layer's rules displace its program (whether or not that layer is itself excluded); a capped
 * layer levies at most its cap less the applied rates of the applied full layers of the included
 * programs (before their own caps).
 */
function stacked(layers: readonly Candidate[]): { applied: TariffLayer[]; excluded: ExcludedTariffLayer[] } {
  const excluders = layers.filter((other) => other.layer.coverage === 'full');
  const withExclusions = layers.map((candidate) => {
    const { layer, rules } = candidate;
    const exclusions: LayerExclusion[] = excluders
      .filter((other) => other.layer.measureId !== layer.measureId)
      .flatMap((other): LayerExclusion[] => [
        ...(other.rules?.displaces?.includes(layer.program)
          ? [
              {
                rule: 'displaced-by' as const,
                measureId: other.layer.measureId,
                program: other.layer.program,
              },
            ]
          : []),
        ...(rules?.notStackedOn?.includes(other.layer.program)
          ? [
              {
                rule: 'not-stacked-on' as const,
                measureId: other.layer.measureId,
                program: other.layer.program,
              },
            ]
          : []),
      ])
      .sort(
        (a, b) =>
          compareText(a.rule, b.rule) ||
          compareText(a.program, b.program) ||
          compareText(a.measureId, b.measureId),
      );
    return { candidate, exclusions };
  });
  const kept = withExclusions
    .filter((entry) => entry.exclusions.length === 0)
    .map((entry) => entry.candidate);
  const applied = kept.map(({ layer, rules }): TariffLayer => {
    const cap = rules?.cap;
    if (cap === undefined || cap === null) return layer;
    const base = sumOfRates(
      kept
        .filter(
          (other) =>
            other.layer.measureId !== layer.measureId &&
            other.layer.coverage === 'full' &&
            cap.including.includes(other.layer.program),
        )
        .map((other) => other.layer.appliedRate),
    );
    const room = Math.max(0, sumOfRates([cap.total, -base]));
    return {
      ...layer,
      appliedRate: Math.min(layer.appliedRate, room),
      cap: { total: cap.total, including: cap.including, base },
    };
  });
  const excluded = withExclusions
    .filter((entry) => entry.exclusions.length > 0)
    .map(({ candidate, exclusions }) => ({ ...candidate.layer, exclusions }));
  return { applied, excluded };
}
