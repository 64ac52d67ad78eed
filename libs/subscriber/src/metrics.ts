import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  return (
    (registry.getSingleMetric(name) as Counter | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  );
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  return (
    (registry.getSingleMetric(name) as Gauge | undefined) ??
    new Gauge({ name, help, labelNames, registers: [registry] })
  );
}

/** A subscriber's metrics, labelled by its name; several subscribers may share a registry. */
export class SubscriberMetrics {
  readonly records: Counter;
  readonly refusals: Counter;
  readonly handlerFailures: Counter;
  readonly lag: Gauge;
  readonly stopped: Gauge;

  constructor(registry: Registry = defaultRegistry) {
    this.records = counter(
      registry,
      'subscriber_records_total',
      'Records a subscriber committed, by outcome: handled, unhandled (no handler for the type), duplicate, genesis',
      ['subscriber', 'outcome'],
    );
    this.refusals = counter(
      registry,
      'subscriber_refusals_total',
      'Records a subscriber refused and stopped on: chain-broken, unreadable, foreign',
      ['subscriber', 'reason'],
    );
    this.handlerFailures = counter(
      registry,
      'subscriber_handler_failures_total',
      'Batches whose transaction failed (a handler or the database threw); each is retried',
      ['subscriber'],
    );
    this.lag = gauge(
      registry,
      'subscriber_lag_records',
      'Offsets between the end of a partition and what the subscriber has committed (after its last batch)',
      ['subscriber', 'partition'],
    );
    this.stopped = gauge(
      registry,
      'subscriber_stopped_on_refusal',
      '1 while a subscriber is stopped on a refused record',
      ['subscriber'],
    );
  }
}
