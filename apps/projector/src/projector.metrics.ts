import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@ledger/database';
import { counter, gauge, histogram } from '@ledger/http';
import { DEAD_LETTER_KINDS, deadLetterSummary, type BatchOutcome } from '@ledger/projection';

/** Seconds a batch may take: from a handful of events to a rebuild's thousands. */
const BATCH_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The projector's Prometheus metrics, on the process-wide registry that /metrics serves. */
@Injectable()
export class ProjectorMetrics {
  private readonly logger = new Logger(ProjectorMetrics.name);

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
  readonly resumeGap = counter(
    'projector_resume_gap_offsets_total',
    "Offsets between Kafka's committed offset and the one stored with the read models when a " +
      'partition was assigned (a crash between the two commits), skipped by resuming from the stored one.',
  );
  readonly deadLetters = counter(
    'projector_dead_letters_total',
    'Records put in the dead-letter table, by kind.',
    ['kind'],
  );
  readonly unparked = counter(
    'projector_unparked_total',
    'Parked events applied (or found applied) once the gap before them closed.',
  );
  readonly rewinds = counter(
    'projector_rewinds_total',
    'Batches read again from an earlier offset: the read models were behind, or a topic instance was checked at its start.',
  );
  readonly batchFailures = counter(
    'projector_batch_failures_total',
    'Failed attempts at projecting a batch, by error (transient or deterministic); each is retried.',
    ['error'],
  );
  readonly stuckPartitions = gauge(
    'projector_partition_stuck',
    '1 while a partition is stuck: its batch has kept failing for PROJECTOR_STUCK_AFTER_MS.',
    ['partition'],
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
    BATCH_SECONDS,
  );

  constructor(@Inject(PG_POOL) pool: Pool) {
    const logger = this.logger;
    // Read from the table at each scrape; an unreachable database leaves the last values.
    gauge(
      'projector_dead_letters_unresolved',
      'Dead letters not yet resolved, by kind (from the dead-letter table).',
      ['kind'],
      async function collect() {
        try {
          const { unresolved } = await deadLetterSummary(pool);
          for (const kind of DEAD_LETTER_KINDS) this.set({ kind }, unresolved[kind]);
        } catch (error) {
          logger.warn(`could not count the dead letters: ${String(error)}`);
        }
      },
    );
    gauge(
      'projector_parked_streams',
      'Streams with events parked behind a gap (an apply-failed or missing version).',
      [],
      async function collect() {
        try {
          this.set((await deadLetterSummary(pool)).parkedStreams);
        } catch (error) {
          logger.warn(`could not count the parked streams: ${String(error)}`);
        }
      },
    );
  }

  recordBatch(partition: number, records: number, lag: number, outcome: BatchOutcome): void {
    this.recordsConsumed.inc(records);
    this.eventsApplied.inc(outcome.applied);
    this.duplicatesSkipped.inc(outcome.duplicates);
    this.redeliveredSkipped.inc(outcome.redelivered);
    this.unparked.inc(outcome.unparked);
    for (const [kind, count] of Object.entries(outcome.deadLettered)) {
      if (count > 0) this.deadLetters.inc({ kind }, count);
    }
    this.lag.set({ partition: String(partition) }, lag);
  }
}
