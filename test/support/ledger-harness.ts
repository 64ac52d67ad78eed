import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { INestApplication, Type } from '@nestjs/common';
import { createHttpApp } from '@ledger/http';
import { createKafka, ensureEventTopic, type Kafka } from '@ledger/messaging';
import { createTestDatabase, eventually, testBrokers, uniqueName, type TestDatabase } from '@ledger/testing';

const ROOT = path.resolve(__dirname, '../..');

export const KEYS = {
  admin: 'test-admin-key-000000000001',
  reader: 'test-reader-key-00000000001',
  auditor: 'test-auditor-key-0000000001',
} as const;

export interface Ledger {
  readonly db: TestDatabase;
  readonly kafka: Kafka;
  readonly topic: string;
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** A fresh database and topic for one test file, and the environment the apps need for them. */
export async function prepareLedger({ partitions = 3 }: { partitions?: number } = {}): Promise<Ledger> {
  const db = await createTestDatabase();
  const topic = uniqueName('policy-events-');
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'ledger-test' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureEventTopic(admin, { topic, partitions });
  } finally {
    await admin.disconnect();
  }
  const env = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testBrokers().join(','),
    KAFKA_TOPIC: topic,
    KAFKA_TOPIC_PARTITIONS: String(partitions),
    ADMIN_API_KEY: KEYS.admin,
    READER_API_KEY: KEYS.reader,
    AUDITOR_API_KEY: KEYS.auditor,
    LOG_LEVEL: 'warn',
    RELAY_POLL_MS: '100',
  };
  return { db, kafka, topic, env, close: () => db.drop() };
}

/** Runs an app in this process (for HTTP tests through supertest). */
export async function startInProcess(
  module: Type<unknown>,
  env: Record<string, string>,
): Promise<INestApplication> {
  Object.assign(process.env, env, { LOG_LEVEL: 'silent' });
  const app = await createHttpApp(module, { title: 'test', description: 'test' });
  await app.init();
  return app;
}

/** A compiled app as a real child process, so tests can SIGKILL it. `npm test` builds first. */
export class AppProcess {
  private exited = false;
  private exitSignal: NodeJS.Signals | null = null;
  private exitCode: number | null = null;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly output: string[],
  ) {
    child.once('exit', (code, signal) => {
      this.exited = true;
      this.exitCode = code;
      this.exitSignal = signal;
    });
  }

  static start(app: 'admin-api' | 'relay' | 'projector', env: Record<string, string>, port = 0): AppProcess {
    const output: string[] = [];
    const child = spawn(process.execPath, [path.join(ROOT, `dist/apps/${app}/src/main.js`)], {
      env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    return new AppProcess(app, child, output);
  }

  /** How the process ended: its signal or exit code; undefined while it runs. */
  exitedWith(): NodeJS.Signals | number | undefined {
    if (!this.exited) return undefined;
    return this.exitSignal ?? this.exitCode ?? undefined;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Waits until the process logged a line matching `pattern` (e.g. that it leads). */
  async waitForLog(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    await eventually(
      () => {
        if (this.exited) throw new Error(`${this.name} exited:\n${this.output.join('')}`);
        if (!pattern.test(this.output.join(''))) throw new Error(`${this.name} has not logged ${pattern}`);
      },
      { timeoutMs },
    );
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.exited) return;
    const exit = once(this.child, 'exit');
    this.child.kill(signal);
    await exit;
  }
}
