import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  eventually,
  roleUrl,
  testBrokers,
  testKafkaEnv,
  type DatabaseRole,
  type KafkaPrincipal,
} from '@ledger/testing';

export { freePort } from '@ledger/testing';

const ROOT = path.resolve(__dirname, '../..');

export type App = 'admin-api' | 'relay' | 'projector' | 'auditor';

const APPS: readonly App[] = ['admin-api', 'relay', 'projector', 'auditor'];

/** The database role each app connects as, as it does in production (README, "Database roles"). */
const APP_ROLES: Readonly<Record<App, DatabaseRole>> = {
  'admin-api': 'ledger_writer',
  relay: 'ledger_relay',
  projector: 'ledger_projector',
  auditor: 'ledger_auditor',
};

/** `env` with its DATABASE_URL, if any, connecting as `app`'s role: tests prepare as the superuser. */
export function asAppRole(app: App, env: Record<string, string>): Record<string, string> {
  return env.DATABASE_URL === undefined
    ? env
    : { ...env, DATABASE_URL: roleUrl(env.DATABASE_URL, APP_ROLES[app]) };
}

/** Each app connects to Kafka as its own principal; the admin API does not use Kafka. */
export const PRINCIPALS: Record<App, KafkaPrincipal | undefined> = {
  'admin-api': undefined,
  relay: 'relay',
  projector: 'projector',
  auditor: 'auditor',
};

function mainOf(app: App): string {
  return path.join(ROOT, `dist/apps/${app}/src/main.js`);
}

// ---- build ------------------------------------------------------------------------------------

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
  return Math.min(...APPS.map((app) => statSync(mainOf(app), { throwIfNoEntry: false })?.mtimeMs ?? 0));
}

function isStale(): boolean {
  const sources = Math.max(newestSource(path.join(ROOT, 'apps')), newestSource(path.join(ROOT, 'libs')));
  return builtAt() < sources;
}

const BUILD_LOCK = path.join(ROOT, 'dist', '.build-lock');
const ABANDONED_LOCK_MS = 10 * 60_000;

/**
 * Tests that start apps as processes run the compiled apps; this builds them when a source is
 * newer. Test files run in parallel workers, so one builds under a lock directory while the
 * others wait: a half-written dist (before tsc-alias) would fail their children at start-up.
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

// ---- processes --------------------------------------------------------------------------------

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A compiled app as a real child process, so tests can SIGKILL it; call `ensureBuilt()` first
 * (`npm test` builds too). Its environment is only what the test gives plus the brokers and the
 * test run's id, by which scripts/test.sh ends processes a failed run leaves behind; the
 * DATABASE_URL given connects as the app's own role.
 */
export class AppProcess {
  /** Settles when the process has exited, however it ended. */
  readonly exited: Promise<Exit>;
  private ended: Exit | undefined;
  private readonly streams = { stdout: '', stderr: '', both: '' };

  private constructor(
    readonly name: App,
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.on('data', (chunk: Buffer) => {
        this.streams[stream] += chunk.toString();
        this.streams.both += chunk.toString();
      });
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.ended = { code, signal };
        resolve(this.ended);
      }),
    );
  }

  /** Starts `app` on `port` (0: any) with `env` over the defaults; `args` go to a CLI such as the auditor. */
  static start(app: App, env: Record<string, string>, port = 0, args: readonly string[] = []): AppProcess {
    const child = spawn(process.execPath, [mainOf(app), ...args], {
      cwd: ROOT,
      env: {
        LEDGER_TEST_RUN_ID: process.env.LEDGER_TEST_RUN_ID ?? '',
        KAFKA_BROKERS: testBrokers().join(','),
        ...(PRINCIPALS[app] && testKafkaEnv(PRINCIPALS[app])),
        LOG_LEVEL: 'info',
        ...asAppRole(app, env),
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(app, child, port);
  }

  /** How the process ended: its signal or exit code; undefined while it runs. */
  exitedWith(): NodeJS.Signals | number | undefined {
    if (this.ended === undefined) return undefined;
    return this.ended.signal ?? this.ended.code ?? undefined;
  }

  /** What the process wrote so far, to stdout, stderr or both interleaved. */
  output(stream: 'stdout' | 'stderr' | 'both' = 'both'): string {
    return this.streams[stream];
  }

  /** Waits until the process logged a line matching `pattern` (e.g. that it leads). */
  async waitForLog(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    await eventually(
      () => {
        if (this.ended) throw new Error(`${this.name} exited:\n${this.output()}`);
        if (!pattern.test(this.output())) throw new Error(`${this.name} has not logged ${pattern}`);
      },
      { timeoutMs },
    );
  }

  /** The sum of a Prometheus metric's samples (all label sets) on the app's /metrics. */
  async metric(name: string): Promise<number> {
    if (this.port === 0) throw new Error(`${this.name} was started without a known port`);
    const response = await fetch(`http://127.0.0.1:${this.port}/metrics`);
    const text = await response.text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(name) && !line.startsWith('#'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  /** Sends `signal` unless the process has ended; resolves when it has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.ended === undefined) this.child.kill(signal);
    return this.exited;
  }

  /** Sends `signal` without waiting for anything (SIGSTOP freezes the process, SIGCONT wakes it). */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    if (this.ended === undefined) this.child.kill(signal);
  }

  /** SIGTERM, as an orchestrator stops it; resolves when the process has exited. */
  stop(): Promise<Exit> {
    return this.kill('SIGTERM');
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one auditor command against a database's read models and a topic, to its exit. */
export async function runAuditor(
  args: readonly string[],
  settings: { databaseUrl: string; topic: string; brokers?: string },
): Promise<CliResult> {
  const auditor = AppProcess.start(
    'auditor',
    {
      DATABASE_URL: settings.databaseUrl,
      KAFKA_TOPIC: settings.topic,
      ...(settings.brokers && { KAFKA_BROKERS: settings.brokers }),
    },
    0,
    args,
  );
  const { code } = await auditor.exited;
  return { code, stdout: auditor.output('stdout'), stderr: auditor.output('stderr') };
}
