import type { Instant } from '@ledger/contracts';

/** Views compare instants as epoch milliseconds and answer them as UTC ISO instants. */
export function at(instant: Instant): number {
  return Date.parse(instant);
}

export function instant(time: number): Instant {
  return new Date(time).toISOString();
}

/** Code-point order, as the read models sort with COLLATE "C". */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
