/**
 * SQLSTATEs after which the same transaction may well succeed later: the server shutting down
 * or restarting (57P01, 57P02, 57P03), a session ended for idling in a transaction (25P03), too
 * many connections or too few resources (class 53), a serialisation failure or a deadlock
 * (40001, 40P01), a lock wait past lock_timeout (55P03), a system or I/O error (class 58), and
 * the connection-exception class 08. A statement cancelled by statement_timeout (57014) is not
 * among them: a batch too big for the timeout fails again, and applying it in smaller parts
 * (what follows the bounded retries of a deterministic error) is what gets it through.
 */
const TRANSIENT_STATES = new Set(['57P01', '57P02', '57P03', '25P03', '40001', '40P01', '55P03']);
const TRANSIENT_CLASSES = ['08', '53', '58'];

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
 * node-postgres reports a lost connection, a pool that could not connect in time and a client
 * that broke without a code: these messages are its whole interface for them.
 */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^timeout expired$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];

/**
 * Whether an error from projecting a batch says "not now" rather than "not this": the database
 * is unreachable, restarting or contended. Such a batch is retried for as long as it takes;
 * any other error is retried a few times and then isolated to the records that cause it.
 */
export function isTransientError(error: unknown): boolean {
  let cause = error;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    const { code, message } = cause as Error & { code?: unknown };
    if (typeof code === 'string') {
      if (TRANSIENT_STATES.has(code) || NETWORK_CODES.has(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_CLASSES.includes(code.slice(0, 2))) return true;
    }
    if (cause instanceof AggregateError && cause.errors.some(isTransientError)) return true;
    if (DRIVER_MESSAGES.some((pattern) => pattern.test(message))) return true;
    cause = cause.cause;
  }
  return false;
}
