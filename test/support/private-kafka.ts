import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createKafka, ensureEventTopic, type Kafka } from '@ledger/messaging';
import { TEST_KAFKA_ACL_ENV, testKafka } from '@ledger/testing';
import { freePort } from './app-process';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/**
 * A broker of its own for one test file (scripts/kafka.sh on free ports, state in a temp
 * folder), so a test can take Kafka away and bring it back — never the run's shared broker,
 * which other test files are using. Its principals have the run broker's credentials (taken from
 * the environment by scripts/kafka.sh) and the same ACLs. Call `destroy()` in afterAll.
 */
export class PrivateKafka {
  private constructor(
    private readonly home: string,
    private readonly port: number,
    private readonly controllerPort: number,
  ) {}

  /** The `KAFKA_BROKERS` value for apps and clients. */
  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async create(): Promise<PrivateKafka> {
    const broker = new PrivateKafka(
      mkdtempSync(path.join(tmpdir(), 'ledger-kafka-')),
      await freePort(),
      await freePort(),
    );
    try {
      await broker.script('start');
      return broker;
    } catch (error) {
      await broker.destroy();
      throw error;
    }
  }

  /** A client of this broker, as the admin principal. */
  kafka(): Kafka {
    return createKafka(testKafka('admin', { brokers: [this.brokers] }));
  }

  /** Creates the event topic as `npm start` does (explicit partitions). */
  async createTopic(topic: string, partitions: number): Promise<void> {
    const admin = this.kafka().admin();
    await admin.connect();
    try {
      await ensureEventTopic(admin, { topic, partitions });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Starts the broker again on the same port; resolves when it is ready. With `wipe`, its data is
   * gone first: a new cluster (new cluster id, no topics) where the old one was.
   */
  async start({ wipe = false }: { wipe?: boolean } = {}): Promise<void> {
    await this.script('start', ...(wipe ? ['--fresh'] : []));
  }

  /** Stops the broker (SIGTERM, then waits for the process to exit). */
  async stop(): Promise<void> {
    await this.script('stop');
  }

  async destroy(): Promise<void> {
    await this.script('stop').catch(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
  }

  private async script(command: 'start' | 'stop', ...options: string[]): Promise<void> {
    await run('bash', [path.join(ROOT, 'scripts/kafka.sh'), command, ...options], {
      env: {
        ...process.env,
        ...TEST_KAFKA_ACL_ENV,
        KAFKA_HOME: this.home,
        KAFKA_PORT: String(this.port),
        KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      },
    });
  }
}
