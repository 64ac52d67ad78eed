import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './app-process';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/** The newest installed server's binaries (Debian layout), unless PG_BINDIR names others. */
function binDir(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((version) => existsSync(path.join(base, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`No PostgreSQL server binaries under ${base}; set PG_BINDIR`);
  return path.join(base, versions[0], 'bin');
}

/** initdb refuses to run as root, so the cluster belongs to the postgres OS user then. */
function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A throwaway PostgreSQL cluster for one test file: its own data directory in a temp folder, a
 * free port, trust auth, a migrated `ledger` database. Tests stop, start and restart it to
 * prove what the apps do through a database outage — never the shared server, which other
 * test files are using. Call `destroy()` in afterAll.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly runAsPostgres: boolean,
  ) {}

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** The server's own log: what it did around a stop or restart. */
  get logFile(): string {
    return path.join(this.dir, 'server.log');
  }

  /** The URL of a database on this cluster (default: the migrated `ledger`). */
  url(database = 'ledger'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(tmpdir(), 'ledger-pg-'));
    const ids = owner();
    if (ids) chownSync(dir, ids.uid, ids.gid);
    const cluster = new PrivatePostgres(await freePort(), dir, ids !== undefined);
    try {
      await cluster.pg('initdb', [
        '-D',
        cluster.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ]);
      // Settings live in the cluster's own file, so stop/start/restart keep them.
      appendFileSync(
        path.join(cluster.dataDir, 'postgresql.conf'),
        [
          `port = ${cluster.port}`,
          `listen_addresses = '127.0.0.1'`,
          `unix_socket_directories = '${dir}'`,
          'max_connections = 60',
          'shared_buffers = 16MB',
          // Durability against an operating-system crash is not what these tests are about.
          'fsync = off',
          '',
        ].join('\n'),
      );
      await cluster.start();
      await run(process.execPath, [path.join(ROOT, 'scripts/db.js'), 'migrate'], {
        env: { ...process.env, MIGRATION_DATABASE_URL: cluster.url() },
      });
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    await this.pg('pg_ctl', ['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60']);
  }

  /** Fast shutdown (connections are terminated, as an operator's restart does); waits until down. */
  async stop(): Promise<void> {
    await this.pg('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', '60']);
  }

  /** Fast shutdown, then start; resolves when the server accepts connections again. */
  async restart(): Promise<void> {
    await this.pg('pg_ctl', [
      'restart',
      '-D',
      this.dataDir,
      '-l',
      this.logFile,
      '-m',
      'fast',
      '-w',
      '-t',
      '60',
    ]);
  }

  /** Stops the server however it is and deletes the cluster. */
  async destroy(): Promise<void> {
    if (existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
      await this.pg('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'immediate', '-w']).catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async pg(program: string, args: readonly string[]): Promise<void> {
    const binary = path.join(binDir(), program);
    const [command, argv] = this.runAsPostgres
      ? ['runuser', ['-u', 'postgres', '--', binary, ...args]]
      : [binary, [...args]];
    await run(command, argv, { cwd: this.dir });
  }
}
