import { Counter, Gauge, Histogram, register } from 'prom-client';

/*
 * Metrics live on prom-client's process-wide registry, which /metrics serves. A metric is made
 * once per process: an app module built twice in one process (tests) gets the same metric back
 * instead of a "metric already registered" error.
 */

export function counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

/** `collect`, when given, sets the gauge's value each time /metrics is read. */
export function gauge(
  name: string,
  help: string,
  labelNames: readonly string[] = [],
  collect?: (this: Gauge) => Promise<void>,
): Gauge {
  return (
    (register.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help, labelNames, collect })
  );
}

export function histogram(name: string, help: string, buckets: readonly number[]): Histogram {
  return (
    (register.getSingleMetric(name) as Histogram | undefined) ??
    new Histogram({ name, help, buckets: [...buckets] })
  );
}
