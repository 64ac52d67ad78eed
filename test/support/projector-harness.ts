import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  computeEventHash,
  toKafkaRecord,
  type AnyEventEnvelope,
  type EventEnvelope,
} from '@ledger/contracts';
import { EventProducer, createKafka, ensureEventTopic, type OutgoingRecord } from '@ledger/messaging';
import { eventually, testBrokers } from '@ledger/testing';

const ROOT = path.resolve(__dirname, '../..');
const PROJECTOR_MAIN = path.join(ROOT, 'dist/apps/projector/src/main.js');
const AUDITOR_MAIN = path.join(ROOT, 'dist/apps/auditor/src/main.js');

type Kafka = ReturnType<typeof createKafka>;

// ---- events -----------------------------------------------------------------------------------

let nextPosition = 1;

/**
 * A tariff measure's stream as the journal would publish it: TariffImposed, then rate changes,
 * hash-chained, with positions unique within the test file.
 */
export function tariffStream(streamId: string, length: number): AnyEventEnvelope[] {
  const events: AnyEventEnvelope[] = [];
  const start = Date.parse('2025-04-02T20:00:00.000Z');
  for (let version = 1; version <= length; version++) {
    const common = {
      id: uuidv7(),
      schemaVersion: 1,
      streamId,
      streamType: 'tariff-measure' as const,
      streamVersion: version,
      position: nextPosition++,
      recordedAt: new Date(start + version * 1000).toISOString(),
      actor: { keyId: 'test-admin', role: 'admin' as const },
      correlationId: uuidv7(),
      causationId: null,
      citation: { reference: 'Executive Order 14257' },
      prevHash: events[version - 2]?.hash ?? null,
    };
    const unhashed: Omit<EventEnvelope, 'hash'> =
      version === 1
        ? {
            ...common,
            type: 'TariffImposed',
            data: {
              imposer: 'US',
              targets: ['CN'],
              program: 'US-IEEPA-RECIPROCAL',
              products: { scope: 'all' },
              title: `Reciprocal tariff ${streamId}`,
              legalInstrument: 'EO 14257',
              announcedAt: '2025-04-02T20:00:00.000Z',
              rate: 10,
              validFrom: '2025-04-05T04:01:00.000Z',
              validTo: null,
            },
          }
        : {
            ...common,
            type: 'TariffRateChanged',
            data: {
              rate: 10 + version,
              validFrom: `2025-05-${String((version % 28) + 1).padStart(2, '0')}T00:00:00.000Z`,
            },
          };
    events.push({ ...unhashed, hash: computeEventHash(unhashed) } as AnyEventEnvelope);
  }
  return events;
}

// ---- Kafka ------------------------------------------------------------------------------------

export async function createEventTopic(topic: string, partitions: number): Promise<Kafka> {
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'projector-test' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureEventTopic(admin, { topic, partitions });
  } finally {
    await admin.disconnect();
  }
  return kafka;
}

/** Produces events (as the relay would) or raw records straight to the topic, in the given order. */
export async function produce(
  kafka: Kafka,
  topic: string,
  records: readonly (AnyEventEnvelope | OutgoingRecord)[],
): Promise<void> {
  const producer = new EventProducer(kafka, topic);
  await producer.connect();
  try {
    await producer.send(records.map((record) => ('hash' in record ? toKafkaRecord(record) : record)));
  } finally {
    await producer.disconnect();
  }
}

// ---- processes --------------------------------------------------------------------------------

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

function builtAt(): number {
  return Math.min(
    ...[PROJECTOR_MAIN, AUDITOR_MAIN].map((file) => {
      try {
        return statSync(file).mtimeMs;
      } catch {
        return 0;
      }
    }),
  );
}

function isStale(): boolean {
  const sources = Math.max(newestSource(path.join(ROOT, 'apps')), newestSource(path.join(ROOT, 'libs')));
  return builtAt() < sources;
}

const BUILD_LOCK = path.join(ROOT, 'dist', '.build-lock');
const ABANDONED_LOCK_MS = 10 * 60_000;

/**
 * The crash and handover tests run the compiled apps; build them when a source is newer. Test
 * files run in parallel workers, so one builds under a lock directory while the others wait:
 * a half-written dist (before tsc-alias) would fail their children at start-up.
 */
export async function ensureBuilt(): Promise<void> {
  mkdirSync(path.dirname(BUILD_LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      // A lock left by a killed test run would otherwise block every later run.
      const since = statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > ABANDONED_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (isStale()) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ProjectorSettings {
  readonly databaseUrl: string;
  readonly topic: string;
  readonly partitions: number;
  readonly groupId: string;
  readonly extra?: Readonly<Record<string, string>>;
}

export interface RunningProjector {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  metric(name: string): Promise<number>;
  /** SIGTERM, as an orchestrator stops it; resolves when the process has exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export async function startProjector(settings: ProjectorSettings): Promise<RunningProjector> {
  const port = await freePort();
  const child = spawn(process.execPath, [PROJECTOR_MAIN], {
    cwd: ROOT,
    env: {
      DATABASE_URL: settings.databaseUrl,
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_TOPIC: settings.topic,
      KAFKA_TOPIC_PARTITIONS: String(settings.partitions),
      PORT: String(port),
      PROJECTOR_GROUP_ID: settings.groupId,
      LOG_LEVEL: 'warn',
      LEDGER_TEST_RUN_ID: process.env.LEDGER_TEST_RUN_ID ?? '',
      ...settings.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const metric = async (name: string): Promise<number> => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    const text = await response.text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(name) && !line.startsWith('#'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  };
  return {
    child,
    exited,
    metric,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    output: () => output,
  };
}

/** Waits until the projector has joined its group and holds at least one partition. */
export async function untilAssigned(projector: RunningProjector): Promise<void> {
  await eventually(
    async () => {
      if (projector.child.exitCode !== null || projector.child.signalCode !== null) {
        throw new Error(`projector exited early:\n${projector.output()}`);
      }
      if ((await projector.metric('projector_assigned_partitions')) === 0) {
        throw new Error('the projector holds no partition yet');
      }
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runAuditor(
  args: readonly string[],
  settings: { databaseUrl: string; topic: string },
): Promise<CliResult> {
  const child = spawn(process.execPath, [AUDITOR_MAIN, ...args], {
    cwd: ROOT,
    env: {
      DATABASE_URL: settings.databaseUrl,
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_TOPIC: settings.topic,
      LEDGER_TEST_RUN_ID: process.env.LEDGER_TEST_RUN_ID ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
