import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createKafka, type Kafka } from '@ledger/messaging';
import { freePort } from './app-process';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

/**
 * A Kafka broker of the test's own (scripts/kafka.sh on free ports, data in a temp folder), for
 * tests that stop it, wipe it or start it again — never the run's shared broker.
 */
export class PrivateBroker {
  private constructor(
    readonly port: number,
    private readonly home: string,
  ) {}

  static async start(): Promise<PrivateBroker> {
    const home = mkdtempSync(path.join(tmpdir(), 'ledger-broker-'));
    for (let attempt = 1; ; attempt++) {
      const broker = new PrivateBroker(await freePort(), home);
      try {
        await broker.run('start', '--fresh');
        return broker;
      } catch (error) {
        // The controller listens on port + 1, which may be taken: try other ports.
        if (attempt >= 5) throw error;
      }
    }
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  kafka(clientId = 'ledger-test-private'): Kafka {
    return createKafka({ brokers: [this.brokers], clientId });
  }

  /** SIGTERM, as an operator stops it; its data stays. */
  stop(): Promise<void> {
    return this.run('stop');
  }

  /** Starts it again on the same port: with its data, or wiped (a new cluster: new cluster id, no topics). */
  restart({ wipe }: { wipe: boolean }): Promise<void> {
    return wipe ? this.run('start', '--fresh') : this.run('start');
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
  }

  private async run(...args: string[]): Promise<void> {
    await run('bash', [path.join(ROOT, 'scripts/kafka.sh'), ...args], {
      env: { ...process.env, KAFKA_PORT: String(this.port), KAFKA_HOME: this.home },
    });
  }
}
