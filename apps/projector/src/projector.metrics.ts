import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import type { BatchOutcome } from '@ledger/projection';

function counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
  const existing = register.getSingleMetric(name);
  return (existing as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

function gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
  const existing = register.getSingleMetric(name);
  return (existing as Gauge | undefined) ?? new Gauge({ name, help, labelNames });
}

function histogram(name: string, help: string): Histogram {
  const existing = register.getSingleMetric(name);
  return (
    (existing as Histogram | undefined) ??
    new Histogram({ name, help, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] })
  );
}

/** The projector's Prometheus metrics, on the process-wide registry that /metrics serves. */
@Injectable()
export class ProjectorMetrics {
  readonly eventsApplied = counter('projector_events_applied_total', 'Events applied to the read models.');
  readonly recordsConsumed = counter(
    'projector_records_consumed_total',
    'Kafka records handled, whatever became of them (throughput).',
  );
  readonly duplicatesSkipped = counter(
    'projector_duplicates_skipped_total',
    'Events skipped because their stream version was already applied.',
  );
  readonly redeliveredSkipped = counter(
    'projector_redelivered_records_skipped_total',
    'Records skipped because the offset stored with the read models already covers them.',
  );
  readonly deadLetters = counter(
    'projector_dead_letters_total',
    'Records put in the dead-letter table, by kind (unparseable, schema-violation, parked).',
    ['kind'],
  );
  readonly unparked = counter(
    'projector_unparked_total',
    'Parked events applied (or found applied) once the gap before them closed.',
  );
  readonly lag = gauge(
    'projector_consumer_lag',
    'Records in the partition not yet projected: high watermark minus next offset.',
    ['partition'],
  );
  readonly assignedPartitions = gauge(
    'projector_assigned_partitions',
    'Partitions of the event topic assigned to this group member.',
  );
  readonly batchDuration = histogram(
    'projector_batch_duration_seconds',
    'Time to project one partition batch, transaction included.',
  );

  recordBatch(
    partition: number,
    records: number,
    highWatermark: string,
    lastOffset: string,
    outcome: BatchOutcome,
  ): void {
    this.recordsConsumed.inc(records);
    this.eventsApplied.inc(outcome.applied);
    this.duplicatesSkipped.inc(outcome.duplicates);
    this.redeliveredSkipped.inc(outcome.redelivered);
    this.unparked.inc(outcome.unparked);
    for (const [kind, count] of Object.entries(outcome.deadLettered)) {
      if (count > 0) this.deadLetters.inc({ kind }, count);
    }
    const lag = BigInt(highWatermark) - (BigInt(lastOffset) + 1n);
    this.lag.set({ partition: String(partition) }, Number(lag > 0n ? lag : 0n));
  }
}
