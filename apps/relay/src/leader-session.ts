import { Client } from 'pg';
import type { LedgerConfig } from '@ledger/config';
import { postgresClientConfig } from '@ledger/database';

/** The session that held the publishing lock ended: another relay may lead now. */
export class LeadershipLost extends Error {
  constructor(cause: string) {
    super(`lost the leader session: ${cause}`);
    this.name = 'LeadershipLost';
  }
}

/**
 * A dedicated Postgres session that holds the relay's session-level advisory lock. The lock is
 * as good as the session: when this process dies its connection closes and the lock is free.
 * A process that is alive but frozen (SIGSTOP, a stalled VM) keeps its TCP connection open, so
 * the session also carries a lease: `idle_session_timeout` makes Postgres end it after
 * `leaseMs` without a query, and a heartbeat queries three times per lease while the process runs.
 * Whatever a frozen leader still sends after it wakes is refused by Kafka (the new leader's
 * transactional producer fenced it); the lease only decides how soon a standby takes over.
 */
export class LeaderSession {
  private lost: string | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly client: Client,
    leaseMs: number,
  ) {
    this.heartbeat = setInterval(
      () => {
        this.client.query('SELECT 1').catch((error: unknown) => this.markLost(error));
      },
      Math.max(100, Math.floor(leaseMs / 3)),
    );
    this.heartbeat.unref();
  }

  static async open(config: LedgerConfig): Promise<LeaderSession> {
    const leaseMs = config.relay.leaseMs;
    // The server also drops a vanished client within about 4 leases (keep-alive probes).
    const client = new Client(
      postgresClientConfig(config, 'ledger-relay-leader', { keepAliveIdleMs: Math.max(1_000, leaseMs) }),
    );
    let early: unknown;
    client.on('error', (error) => {
      early = error;
    });
    await client.connect();
    await client.query(`SET idle_session_timeout = ${Math.floor(leaseMs)}`);
    const session = new LeaderSession(client, leaseMs);
    client.removeAllListeners('error');
    client.on('error', (error) => session.markLost(error));
    client.on('end', () => session.markLost(new Error('the connection ended')));
    if (early !== undefined) session.markLost(early);
    return session;
  }

  /** Takes the lock of `name` unless another session holds it. */
  async tryLock(name: string): Promise<boolean> {
    this.assertAlive();
    const { rows } = await this.client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
      [name],
    );
    return rows[0].locked;
  }

  /** Calls `onNotification` whenever `channel` is notified on this session. */
  async listen(channel: string, onNotification: () => void): Promise<void> {
    this.client.on('notification', onNotification);
    await this.client.query(`LISTEN ${channel}`);
  }

  /** Throws LeadershipLost once the session has ended or failed. */
  assertAlive(): void {
    if (this.lost !== undefined) throw new LeadershipLost(this.lost);
  }

  /** Ends the session; Postgres releases its lock. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.lost ??= 'closed';
    await this.client.end().catch(() => undefined);
  }

  private markLost(error: unknown): void {
    this.lost ??= error instanceof Error ? error.message : String(error);
  }
}
