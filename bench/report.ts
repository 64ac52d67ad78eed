import os from 'node:os';
import { WRITER_COUNTS, type AppendMode, type AppendThroughput } from './append-throughput';
import type { BatchImportThroughput } from './batch-import';
import type { Measurement } from './measurements';
import type { RelayLatency } from './relay-latency';
import type { LatencySummary } from './tariff-latency';

export interface BenchResults {
  readonly total: number;
  readonly streams: number;
  readonly partitions: number;
  readonly projector: Measurement;
  readonly baseline: Measurement;
  readonly consumeOnly: Measurement;
  readonly copy: Measurement;
  readonly latency: LatencySummary;
  readonly relay: RelayLatency;
}

/** The issue's targets: at least 10× the naive baseline, at least half the slower limit. */
const TARGET_OVER_BASELINE = 10;
const TARGET_OVER_LIMIT = 0.5;

const rate = (measurement: Measurement): number => measurement.events / measurement.seconds;
const verdict = (value: number, target: number): string => (value >= target ? 'PASS' : 'BELOW');
const number = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function row(label: string, measurement: Measurement, note = ''): string {
  return [
    label.padEnd(66),
    number(measurement.events).padStart(9),
    number(measurement.seconds, 2).padStart(9),
    number(rate(measurement)).padStart(10),
    number(measurement.cpuSeconds, 2).padStart(12),
    note ? `  ${note}` : '',
  ].join('');
}

/** The table the benchmark prints: throughput rows, the two ratios against target, query latency. */
export function formatReport(results: BenchResults): string {
  const { projector, baseline, consumeOnly, copy, latency } = results;
  const slowerLimit =
    rate(consumeOnly) <= rate(copy) ? { name: 'c1', ...consumeOnly } : { name: 'c2', ...copy };
  const overBaseline = rate(projector) / rate(baseline);
  const overLimit = rate(projector) / rate(slowerLimit);
  const baselineNote =
    baseline.events < results.total ? `(ran on the first ${number(baseline.events)} of the events)` : '';
  return [
    `${number(results.total)} events in ${number(results.streams)} streams on ${results.partitions} partitions`,
    '',
    `${'run'.padEnd(66)}${'events'.padStart(9)}${'seconds'.padStart(9)}${'events/s'.padStart(10)}${'node CPU s'.padStart(12)}`,
    row('(a)  projector rebuild from offset 0 (startProjection)', projector),
    row('(b)  naive: eachMessage, one PG transaction per event', baseline, baselineNote),
    row('(c1) limit: Kafka consume only (same consumer, no-op handler)', consumeOnly),
    row('(c2) limit: Postgres COPY into read_models.events', copy),
    '',
    `a/b       = ${number(overBaseline, 2).padStart(6)}   target >= ${TARGET_OVER_BASELINE}    ${verdict(overBaseline, TARGET_OVER_BASELINE)}`,
    `a/min(c)  = ${number(overLimit, 2).padStart(6)}   target >= ${TARGET_OVER_LIMIT}   ${verdict(overLimit, TARGET_OVER_LIMIT)}   (min(c) = ${slowerLimit.name}, ${number(rate(slowerLimit))} events/s)`,
    '',
    `tariffsEffective, ${latency.queries} random queries, read models holding ${number(results.total)} events:`,
    `  p50 ${number(latency.p50Ms, 2)} ms   p99 ${number(latency.p99Ms, 2)} ms   mean ${number(latency.meanMs, 2)} ms   (${number(latency.answered * 100)}% of answers hold a duty layer)`,
    '',
    `relay, commit → record consumed from the topic, ${results.relay.samples} single writes on an idle system:`,
    `  p50 ${number(results.relay.p50Ms, 1)} ms   p99 ${number(results.relay.p99Ms, 1)} ms   max ${number(results.relay.maxMs, 1)} ms`,
    '',
    'Consumer runs are timed from the first record delivered to the last one done (group join left out).',
    `node CPU s: CPU time of this Node process during the run (user + system, all threads); ${os.availableParallelism()} CPUs here.`,
  ].join('\n');
}

const APPEND_MODES: Record<AppendMode, string> = {
  commit: 'Postgres commits: one row per transaction',
  journal: 'journal appends: one event per append',
  serialised: 'journal appends holding a global lock until commit',
};

/** Events per second by writer count: the journal next to what Postgres commits at most. */
export function formatAppendReport(results: readonly AppendThroughput[]): string {
  const header = `${'one event per transaction, each writer on its own stream'.padEnd(58)}${WRITER_COUNTS.map((writers) => `${writers} writer${writers === 1 ? '' : 's'}`.padStart(12)).join('')}`;
  const rows = (Object.keys(APPEND_MODES) as AppendMode[]).map((mode) =>
    [
      APPEND_MODES[mode].padEnd(58),
      ...WRITER_COUNTS.map((writers) => {
        const found = results.find((result) => result.mode === mode && result.writers === writers);
        return (found ? number(found.events / found.seconds) : '-').padStart(12);
      }),
    ].join(''),
  );
  return [`append throughput, events/s (${os.availableParallelism()} CPUs here):`, header, ...rows].join(
    '\n',
  );
}

/** The batch route next to COPY of the rows it wrote, both in events/s. */
export function formatBatchImportReport({ batches, copy }: BatchImportThroughput): string {
  const batchRate = batches.events / batches.seconds;
  const copyRate = copy.events / copy.seconds;
  return [
    `batch import, events/s (${batches.events} events, ${os.availableParallelism()} CPUs here):`,
    `${'batch import (POST /v1/batches, 1000 commands a request)'.padEnd(58)}${number(batchRate).padStart(12)}`,
    `${'PG COPY of the same rows (journal.streams, journal.events)'.padEnd(58)}${number(copyRate).padStart(12)}`,
    `${'batch import / COPY'.padEnd(58)}${`${(batchRate / copyRate).toFixed(2)}x`.padStart(12)}`,
  ].join('\n');
}
