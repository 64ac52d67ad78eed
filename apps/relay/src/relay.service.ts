import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { PG_POOL } from '@ledger/database';
import { Doorbell, JOURNAL_APPENDED_CHANNEL, Journal } from '@ledger/journal';
import { KAFKA, ProducerFenced, type Kafka } from '@ledger/messaging';
import { CheckpointSigner } from './checkpoint-signer';
import { LeaderSession, LeadershipLost } from './leader-session';
import { OutboxPublisher, RefusedToPublish, TopicInstanceChanged } from './outbox-publisher';
import { RelayMetrics } from './relay.metrics';

/** What this relay is doing, as readiness reports it. */
export type RelayState =
  | { readonly role: 'starting' }
  | { readonly role: 'standby'; readonly clusterId: string }
  | {
      readonly role: 'leader';
      readonly clusterId: string;
      readonly topicInstance?: string;
      readonly published?: number;
      readonly head?: number;
      /** Since when an older open transaction has held publishing back (see OutboxPublisher.heldBack). */
      readonly heldBackSince?: Date;
    }
  | { readonly role: 'refusing'; readonly reason: string; readonly detail: string }
  | { readonly role: 'failing'; readonly reason: string; readonly detail: string };

/** The longest a failing relay waits before it tries again. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Leadership and the publish loop. One relay publishes to a topic of a cluster at a time: whoever
 * holds that target's advisory lock (keyed by cluster id and topic, so relays of one journal
 * feeding different clusters do not block each other). Every failure — Postgres or Kafka gone,
 * the lock session lost, fenced by a newer leader, a topic that changed under it — ends the
 * current term: the relay lets the lock go, waits with backoff and competes again. It never
 * exits on its own; readiness says what is wrong.
 */
@Injectable()
export class RelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RelayService.name);
  private readonly doorbell = new Doorbell();
  private readonly journal: Journal;
  private readonly signer: CheckpointSigner | undefined;
  private stopping = false;
  private loop?: Promise<void>;
  private current: RelayState = { role: 'starting' };

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PG_POOL) pool: Pool,
    private readonly metrics: RelayMetrics,
  ) {
    this.journal = new Journal(pool);
    const { signingKey, intervalMs } = config.checkpoints;
    this.signer = signingKey && new CheckpointSigner(this.journal, signingKey, intervalMs, metrics);
  }

  get state(): RelayState {
    return this.current;
  }

  onApplicationBootstrap(): void {
    if (!this.signer) {
      this.logger.warn('CHECKPOINT_SIGNING_KEY is not set: this relay signs no checkpoints');
    }
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.doorbell.ring();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = this.config.relay.pollMs;
    while (!this.stopping) {
      let wait: number;
      try {
        await this.serveOneTerm();
        backoff = this.config.relay.pollMs;
        wait = backoff;
      } catch (error) {
        wait = this.recover(error, backoff);
        backoff = Math.min(MAX_BACKOFF_MS, Math.max(backoff * 2, this.config.relay.pollMs));
      }
      this.metrics.isLeader.set(0);
      if (!this.stopping && wait > 0) await this.doorbell.wait(wait);
    }
  }

  /** Competes for the lock and, once leading, publishes until stopped or until something fails. */
  private async serveOneTerm(): Promise<void> {
    const { topic, partitions } = this.config.kafka;
    const clusterId = await this.clusterId();
    const session = await LeaderSession.open(this.config);
    try {
      this.setState({ role: 'standby', clusterId });
      const lock = `ledger-relay:${clusterId}/${topic}`;
      let leading = await session.tryLock(lock);
      if (!leading) this.logger.log({ clusterId, topic }, 'standing by: another relay leads');
      while (!leading) {
        if (this.stopping) return;
        await this.doorbell.wait(this.config.relay.pollMs);
        leading = await session.tryLock(lock);
      }
      this.metrics.isLeader.set(1);
      this.setState({ role: 'leader', clusterId });
      this.logger.log({ clusterId, topic }, 'leading: publishing the journal to Kafka');
      const publisher = new OutboxPublisher(
        this.kafka,
        this.journal,
        {
          clusterId,
          topic,
          partitions,
          batchSize: this.config.relay.batchSize,
          transactionalId: `ledger-relay:${topic}`,
          killAfterBatches: this.config.relay.fault?.afterBatches,
        },
        this.metrics,
        () => session.assertAlive(),
      );
      try {
        await publisher.start();
        await session.listen(JOURNAL_APPENDED_CHANNEL, () => this.doorbell.ring());
        while (!this.stopping) {
          session.assertAlive();
          await publisher.publishPending();
          await this.report(clusterId, publisher);
          // A new checkpoint is an event to publish: go round again at once.
          if (this.signer && (await this.signer.signIfDue())) continue;
          await this.doorbell.waitAfterRead(publisher.settling, this.config.relay.pollMs);
        }
      } finally {
        await publisher.stop().catch(() => undefined);
      }
    } finally {
      await session.close();
    }
  }

  private async report(clusterId: string, publisher: OutboxPublisher): Promise<void> {
    const progress = publisher.progress;
    const head = await this.journal.headPosition();
    this.metrics.lag.set(Math.max(0, head - (progress?.published ?? 0)));
    this.metrics.settling.set(publisher.settling ? 1 : 0);
    const heldBack = publisher.heldBack;
    this.metrics.heldBack.set(heldBack ? (Date.now() - heldBack.getTime()) / 1000 : 0);
    this.metrics.refusing.reset();
    this.setState({
      role: 'leader',
      clusterId,
      topicInstance: progress?.instance.topicInstance,
      published: progress?.published,
      head,
      heldBackSince: heldBack,
    });
  }

  /** Logs what ended the term and sets the state readiness reports; returns how long to wait. */
  private recover(error: unknown, backoff: number): number {
    if (this.stopping) return 0;
    const detail = error instanceof Error ? error.message : String(error);
    if (error instanceof TopicInstanceChanged) {
      this.metrics.failures.inc({ kind: 'topic-changed' });
      this.logger.warn(detail);
      return 0;
    }
    if (error instanceof ProducerFenced || error instanceof LeadershipLost) {
      const kind = error instanceof ProducerFenced ? 'fenced' : 'leadership-lost';
      this.metrics.failures.inc({ kind });
      this.logger.warn(`${detail}; stepping down`);
      this.setState({ role: 'failing', reason: kind, detail });
      return this.config.relay.pollMs;
    }
    if (error instanceof RefusedToPublish) {
      this.metrics.failures.inc({ kind: 'refused' });
      this.metrics.refusing.reset();
      this.metrics.refusing.set({ reason: error.reason }, 1);
      this.logger.error(detail);
      this.setState({ role: 'refusing', reason: error.reason, detail });
      return backoff;
    }
    const reason = isKafkaError(error)
      ? 'kafka-unavailable'
      : isPostgresError(error)
        ? 'postgres-unavailable'
        : 'publishing-failed';
    this.metrics.failures.inc({ kind: reason });
    this.logger.error({ err: error }, `publishing stopped (${reason}); trying again`);
    this.setState({ role: 'failing', reason, detail });
    return backoff;
  }

  private setState(state: RelayState): void {
    this.current = state;
  }

  private async clusterId(): Promise<string> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return (await admin.describeCluster()).clusterId;
    } finally {
      await admin.disconnect();
    }
  }
}

function isKafkaError(error: unknown): boolean {
  return error instanceof Error && error.name.startsWith('KafkaJS');
}

/** pg errors carry a SQLSTATE code, or are socket errors on the way to the server. */
function isPostgresError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return true;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code))
    return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}
