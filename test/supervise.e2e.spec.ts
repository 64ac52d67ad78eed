import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '@ledger/testing';

const ROOT = path.resolve(__dirname, '..');

/** Each run records its pid; the first run crashes with status 3, every later run stays up. */
const APP = `
  const fs = require('node:fs');
  const file = process.env.RUNS_FILE;
  const earlier = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\\n').filter(Boolean).length : 0;
  fs.appendFileSync(file, process.pid + '\\n');
  if (earlier === 0) process.exit(3);
  setInterval(() => undefined, 1000);
`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('scripts/supervise.sh: what npm start runs each app under', () => {
  let dir: string;
  let supervisor: ChildProcess;
  let output = '';
  const runs = () =>
    existsSync(path.join(dir, 'runs'))
      ? readFileSync(path.join(dir, 'runs'), 'utf8').split('\n').filter(Boolean).map(Number)
      : [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledger-supervise-'));
    supervisor = spawn(
      'bash',
      [path.join(ROOT, 'scripts/supervise.sh'), 'demo', process.execPath, '-e', APP],
      {
        env: { ...process.env, RUNS_FILE: path.join(dir, 'runs') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    supervisor.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    supervisor.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });

  afterAll(() => {
    if (supervisor.exitCode === null) supervisor.kill('SIGKILL');
    for (const pid of runs()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarts an app that exits or is killed, logging each restart, and stops it for good on SIGTERM', async () => {
    await eventually(() => expect(runs()).toHaveLength(2));
    expect(output).toMatch(/demo: exited with status 3; restarting in 1s/);

    const [, second] = runs();
    await eventually(() => expect(isAlive(second)).toBe(true));
    process.kill(second, 'SIGKILL');
    await eventually(() => expect(runs()).toHaveLength(3));
    expect(output).toMatch(/demo: exited with status 137; restarting in 2s/);

    const third = runs()[2];
    await eventually(() => expect(output).toContain(`running (pid ${third})`));
    const exited = new Promise<number | null>((resolve) => supervisor.once('exit', (code) => resolve(code)));
    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(isAlive(third)).toBe(false);
    expect(output).toMatch(/demo: stopped/);
    expect(runs()).toHaveLength(3);
  });
});
