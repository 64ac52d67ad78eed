import type { ClientConfig } from 'pg';
import type { LedgerConfig } from '@ledger/config';

/** Probes after the idle time: the server gives up on a silent client after this many. */
const KEEPALIVE_PROBES = 3;

/**
 * The connection settings every ledger connection uses, pooled or dedicated (the relay's lock
 * connection, listeners). The limits travel as startup options so the server enforces them
 * from the first statement, including a zero ("no limit") that overrides a server default.
 * Keep-alive runs on both ends: the client notices a vanished server, and the server ends the
 * session of a vanished client — releasing its locks — after idle + probes × interval.
 * `overrides` serve a connection with other needs, e.g. an auditor's long reads
 * (`{ statementTimeoutMs: 0 }`) or a connection that waits on a lock on purpose.
 */
export function postgresClientConfig(
  config: LedgerConfig,
  applicationName: string,
  overrides: Partial<LedgerConfig['database']> = {},
): ClientConfig {
  const database = { ...config.database, ...overrides };
  const keepAliveSeconds = Math.max(1, Math.round(database.keepAliveIdleMs / 1000));
  return {
    connectionString: config.databaseUrl,
    application_name: applicationName,
    connectionTimeoutMillis: database.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: database.keepAliveIdleMs,
    options: [
      `statement_timeout=${database.statementTimeoutMs}`,
      `lock_timeout=${database.lockTimeoutMs}`,
      `idle_in_transaction_session_timeout=${database.idleInTransactionTimeoutMs}`,
      `tcp_keepalives_idle=${keepAliveSeconds}`,
      `tcp_keepalives_interval=${keepAliveSeconds}`,
      `tcp_keepalives_count=${KEEPALIVE_PROBES}`,
    ]
      .map((setting) => `-c ${setting}`)
      .join(' '),
  };
}
