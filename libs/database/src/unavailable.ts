/**
 * SQLSTATEs that say "the database cannot serve this now", not "this request is wrong":
 * shutdown or restart in progress (57P01, 57P02, 57P03), too many connections (53300), a lock
 * or statement that waited past its timeout (55P03, 57014), a session ended for idling in a
 * transaction (25P03), and the whole connection-exception class 08.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '55P03', '57014', '25P03']);

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

/**
 * True when an error from pg means Postgres is unreachable, restarting or too busy: the
 * request may succeed if retried later. Anything else (a bad statement, a constraint) is not.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let cause: unknown = error;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (UNAVAILABLE_STATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code)) return true;
    }
    if (cause instanceof AggregateError && cause.errors.some((inner) => isDatabaseUnavailable(inner))) {
      return true;
    }
    const { message } = cause;
    if (DRIVER_MESSAGES.some((pattern) => pattern.test(message))) return true;
    cause = cause.cause;
  }
  return false;
}
