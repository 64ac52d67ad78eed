import { databaseTrouble } from '@ledger/database';

/**
 * Whether an error from projecting a batch says "not now" rather than "not this": the database
 * is unreachable or contended. Such a batch is retried for as long as it takes; any other error
 * is retried a few times and then isolated to the records that cause it. A statement cancelled
 * by statement_timeout is not transient here: a batch too big for the timeout fails again, and
 * applying it in smaller parts (what follows the bounded retries) is what gets it through.
 */
export function isTransientError(error: unknown): boolean {
  const trouble = databaseTrouble(error);
  return trouble === 'unreachable' || trouble === 'contended';
}
