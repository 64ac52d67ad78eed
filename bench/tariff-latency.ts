import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { tariffsEffective } from '@ledger/read-models';
import { HS_CODES } from './policy-ledger';
import type { Random } from './random';

type TariffQuery = Parameters<typeof tariffsEffective>[1];

export interface LatencySummary {
  readonly queries: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** Share of the queries whose answer holds at least one duty layer. */
  readonly answered: number;
}

const VALID_FROM = Date.parse('2019-01-01T00:00:00.000Z');
const VALID_TO = Date.parse('2027-01-01T00:00:00.000Z');
const WARM_UP_QUERIES = 20;

/** An HS code of six digits or more, as a trader would ask about a product line. */
const productLine = (code: string): string => code.padEnd(6, '10');

function between(random: Random, from: number, to: number): string {
  return new Date(from + random.next() * (to - from)).toISOString();
}

/**
 * Questions a trader would ask, drawn from the ledger's own tariff measures: an imposer that
 * levies duties, an origin it targets (or any partner when it targets all), a product it covers
 * (or any product when it covers all), any valid date, and mostly "known now", sometimes an
 * earlier state of knowledge.
 */
export function tariffQueries(
  events: readonly AnyEventEnvelope[],
  count: number,
  random: Random,
): TariffQuery[] {
  const measures = events.flatMap((event) => (event.type === 'TariffImposed' ? [event] : []));
  if (measures.length === 0) return [];
  const firstKnown = Date.parse(events[0].recordedAt);
  const lastKnown = Date.parse(events[events.length - 1].recordedAt) + 1000;
  const partners = [...new Set(measures.flatMap((measure) => measure.data.targets))].filter(
    (target) => target !== '*',
  );
  return Array.from({ length: count }, () => {
    const { imposer, targets, products } = random.pick(measures).data;
    const origins = targets.includes('*') ? partners.filter((partner) => partner !== imposer) : targets;
    const codes = products.scope === 'codes' ? products.codes : HS_CODES;
    return {
      imposer,
      origin: random.pick(origins),
      product: productLine(random.pick(codes)),
      asOf: between(random, VALID_FROM, VALID_TO),
      knownAt: random.chance(0.7)
        ? new Date(lastKnown).toISOString()
        : between(random, firstKnown, lastKnown),
    };
  });
}

function percentile(sorted: readonly number[], quantile: number): number {
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)];
}

/** Runs the queries one after another (after a short warm-up) and summarises their latency. */
export async function measureTariffLatency(
  pool: Pool,
  queries: readonly TariffQuery[],
): Promise<LatencySummary> {
  for (const query of queries.slice(0, WARM_UP_QUERIES)) await tariffsEffective(pool, query);
  const durations: number[] = [];
  let answered = 0;
  for (const query of queries) {
    const startedAt = performance.now();
    const answer = await tariffsEffective(pool, query);
    durations.push(performance.now() - startedAt);
    if (answer.layers.length > 0) answered += 1;
  }
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    queries: queries.length,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: durations.reduce((sum, ms) => sum + ms, 0) / Math.max(1, durations.length),
    answered: answered / Math.max(1, queries.length),
  };
}
