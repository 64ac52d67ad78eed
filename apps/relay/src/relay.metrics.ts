import { Injectable } from '@nestjs/common';
import { counter, gauge } from '@ledger/http';

/** The relay's Prometheus metrics, on the process-wide registry that /metrics serves. */
@Injectable()
export class RelayMetrics {
  readonly published = counter('relay_events_published_total', 'Events published to Kafka.');
  readonly alreadyOnTopic = counter(
    'relay_events_already_on_topic_total',
    'Events found on the topic at takeover and not published again.',
  );
  readonly lag = gauge(
    'relay_lag_events',
    'Journal head position minus the last position published (leader only).',
  );
  readonly settling = gauge(
    'relay_waiting_for_older_transactions',
    '1 while committed events wait for an older transaction to end before they can be published (leader only).',
  );
  readonly heldBack = gauge(
    'relay_held_back_seconds',
    'How long committed events have waited for an older open transaction with nothing published meanwhile; 0 when none wait (leader only).',
  );
  readonly isLeader = gauge('relay_is_leader', '1 while this relay holds the publishing lock.');
  readonly refusing = gauge(
    'relay_refusing',
    '1 while the relay refuses to publish because the topic and the journal disagree, by reason.',
    ['reason'],
  );
  readonly failures = counter('relay_failures_total', 'Publishing cycles that failed, by kind.', ['kind']);
  readonly instancesCreated = counter(
    'relay_topic_instances_created_total',
    'Topic instances this relay opened with genesis records (a new, wiped or re-created topic).',
  );
  readonly checkpointsSigned = counter(
    'relay_checkpoints_signed_total',
    'Signed checkpoints appended to the journal.',
  );
  readonly checkpointChecks = counter(
    'relay_checkpoint_checks_total',
    'Times the checkpoint interval passed and the relay looked for something new to sign.',
  );
}
