import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPT = path.join(__dirname, '../scripts/log-file.js');

/** Runs scripts/log-file.js on `input`; resolves with its exit code and what it wrote to stderr. */
function logFile(file: string, input: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, file], { env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });
}

describe('scripts/log-file.js (the log file of each app under npm start)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ledger-log-file-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the newest output in FILE and at most LOG_FILE_KEEP earlier files, each near LOG_FILE_SIZE', async () => {
    const lines = Array.from({ length: 20_000 }, (_, index) => `{"line":${index},"pad":"${'x'.repeat(80)}"}`);
    const input = `${lines.join('\n')}\n`;
    const { code } = await logFile(path.join(dir, 'app.log'), input, {
      LOG_FILE_SIZE: '64K',
      LOG_FILE_KEEP: '2',
    });
    expect(code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['app.log', 'app.log.1', 'app.log.2']);
    let kept = 0;
    for (const name of ['app.log', 'app.log.1', 'app.log.2']) {
      const { size } = await stat(path.join(dir, name));
      // The file turns over at the first write past the size; a write is at most one pipe chunk.
      expect(size).toBeLessThanOrEqual(64 * 1024 + 64 * 1024);
      kept += size;
    }
    expect(kept).toBeLessThan(Buffer.byteLength(input) / 4);
    expect(await readFile(path.join(dir, 'app.log'), 'utf8')).toContain(lines[lines.length - 1]);
  });

  it.each([['0'], ['many']])('refuses LOG_FILE_KEEP=%s, writing nothing', async (keep) => {
    const { code, stderr } = await logFile(path.join(dir, 'app.log'), 'a line\n', { LOG_FILE_KEEP: keep });
    expect(code).toBe(2);
    expect(stderr).toContain('LOG_FILE_KEEP must be a positive integer');
    expect(await readdir(dir)).toEqual([]);
  });
});
