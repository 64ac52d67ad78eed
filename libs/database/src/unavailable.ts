/**
 * Why Postgres could not serve a statement, when the reason lies with the database and not
 * with the statement:
 * - `unreachable`: no connection, or it was lost — shutdown or restart in progress (57P01,
 *   57P02, 57P03), the connection-exception class 08, a system or I/O error (class 58), a
 *   session ended for idling in a transaction (25P03), a socket error, a pool that could not
 *   connect in time or was closed;
 * - `contended`: busy — too many connections or too few resources (class 53), a lock wait past
 *   lock_timeout (55P03), a serialisation failure or a deadlock (40001, 40P01);
 * - `timed-out`: a statement cancelled by statement_timeout (57014) — the database was too slow
 *   for it, or it is too big for the limit.
 * Anything else (a constraint, a bad statement, a bug) is undefined: retrying will not help.
 */
export type DatabaseTrouble = 'unreachable' | 'contended' | 'timed-out';

const STATES: ReadonlyMap<string, DatabaseTrouble> = new Map([
  ['57P01', 'unreachable'],
  ['57P02', 'unreachable'],
  ['57P03', 'unreachable'],
  ['25P03', 'unreachable'],
  ['55P03', 'contended'],
  ['40001', 'contended'],
  ['40P01', 'contended'],
  ['57014', 'timed-out'],
]);

const CLASSES: ReadonlyMap<string, DatabaseTrouble> = new Map([
  ['08', 'unreachable'],
  ['58', 'unreachable'],
  ['53', 'contended'],
]);

/** Socket errors from reaching the server at all. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * node-postgres reports a lost connection, a pool that could not connect in time and a pool
 * closed by a shutdown without a code: these messages are its whole interface for them.
 */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^timeout expired$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
];

/** The trouble an error from pg reports (its causes included); undefined when it is not the database's. */
export function databaseTrouble(error: unknown): DatabaseTrouble | undefined {
  let cause: unknown = error;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') {
      const known =
        STATES.get(code) ?? (/^[0-9A-Z]{5}$/.test(code) ? CLASSES.get(code.slice(0, 2)) : undefined);
      if (known) return known;
      if (NETWORK_CODES.has(code)) return 'unreachable';
    }
    if (cause instanceof AggregateError) {
      const inner = cause.errors.map(databaseTrouble).find((trouble) => trouble !== undefined);
      if (inner) return inner;
    }
    if (DRIVER_MESSAGES.some((pattern) => pattern.test((cause as Error).message))) return 'unreachable';
    cause = cause.cause;
  }
  return undefined;
}

/**
 * True when an error from pg means Postgres is unreachable, restarting, too busy or too slow:
 * the request may succeed if retried later. Anything else (a bad statement, a constraint) is not.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return databaseTrouble(error) !== undefined;
}
