import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Client, type Pool } from 'pg';
import { Gauge } from 'prom-client';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { PG_POOL } from '@ledger/database';
import { Doorbell, JOURNAL_APPENDED_CHANNEL, Journal } from '@ledger/journal';
import { KAFKA, type Kafka } from '@ledger/messaging';
import { OutboxPublisher } from './outbox-publisher';

/** One relay publishes at a time: whoever holds this session-level advisory lock. */
const LEADER_LOCK_KEY = 7_301_000_001;

const leader = new Gauge({ name: 'relay_is_leader', help: '1 while this relay holds the publishing lock' });

/**
 * Leader election and the publish loop. The lock lives on a dedicated connection: if this
 * process dies, Postgres ends the session, frees the lock, and a standby takes over within one
 * poll interval. If the connection is lost while leading, the process exits rather than risk
 * two publishers.
 */
@Injectable()
export class RelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RelayService.name);
  private lockConnection?: Client;
  private publisher?: OutboxPublisher;
  private stopping = false;
  private readonly doorbell = new Doorbell();
  private loop?: Promise<void>;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run().catch((error: unknown) => {
      this.logger.error({ err: error }, 'relay stopped on an error; exiting so a supervisor restarts it');
      process.exit(1);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    leader.set(0);
    this.doorbell.ring();
    await this.loop;
    await this.publisher?.stop();
    await this.lockConnection?.end();
  }

  private async run(): Promise<void> {
    const connection = new Client({
      connectionString: this.config.databaseUrl,
      application_name: 'ledger-relay',
      // A half-open connection must not keep the lock (and leadership) for hours.
      keepAlive: true,
    });
    this.lockConnection = connection;
    await connection.connect();
    connection.on('error', (error) => {
      if (this.stopping) return;
      this.logger.error({ err: error }, 'lost the leader connection; exiting');
      process.exit(1);
    });
    while (!this.stopping && !(await this.tryLead(connection)))
      await this.doorbell.wait(this.config.relay.pollMs);
    if (this.stopping) return;

    leader.set(1);
    this.logger.log('leading: publishing the journal to Kafka');
    connection.on('notification', () => this.doorbell.ring());
    await connection.query(`LISTEN ${JOURNAL_APPENDED_CHANNEL}`);
    while (!this.stopping) {
      // Still holding the lock? A dead lock connection errors here, and the process exits.
      await connection.query('SELECT 1');
      try {
        this.publisher ??= await this.startPublisher();
        await this.publisher.publishPending();
      } catch (error) {
        // A failed send may have reached some partitions: drop the producer and reconcile
        // with the partition tails again before publishing anything more.
        this.logger.error({ err: error }, 'publishing failed; reconnecting and reconciling');
        await this.publisher?.stop().catch(() => undefined);
        this.publisher = undefined;
      }
      await this.doorbell.wait(this.config.relay.pollMs);
    }
  }

  private async startPublisher(): Promise<OutboxPublisher> {
    const publisher = new OutboxPublisher(this.kafka, new Journal(this.pool), {
      topic: this.config.kafka.topic,
      partitions: this.config.kafka.partitions,
      batchSize: this.config.relay.batchSize,
      fault: this.config.relay.fault,
    });
    await publisher.start();
    return publisher;
  }

  private async tryLead(connection: Client): Promise<boolean> {
    const { rows } = await connection.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [LEADER_LOCK_KEY],
    );
    return rows[0].locked;
  }
}
