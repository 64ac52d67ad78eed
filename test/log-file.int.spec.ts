import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPT = path.join(__dirname, '../scripts/log-file.js');

/**
 * Runs scripts/log-file.js on `input`; resolves with its exit code, what it wrote to stderr, and
 * the error (e.g. EPIPE) writing its input met, if any.
 */
function logFile(file: string, input: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string; inputError: string | null }>((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, file], { env: { ...process.env, ...env } });
    let stderr = '';
    let inputError: string | null = null;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', (error: NodeJS.ErrnoException) => (inputError = error.code ?? error.message));
    child.once('close', (code) => resolve({ code, stderr, inputError }));
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
    // Oldest to newest, the kept files are the end of the input, unbroken (a file turns over
    // between pipe chunks, not lines). FILE itself may have just turned over and be empty.
    const oldestToNewest = ['app.log.2', 'app.log.1', 'app.log'];
    const contents = await Promise.all(oldestToNewest.map((name) => readFile(path.join(dir, name), 'utf8')));
    const tail = contents.join('');
    expect(tail.length).toBeGreaterThan(0);
    expect(input.endsWith(tail)).toBe(true);
  });

  it('keeps reading when its file cannot be written, so the app writing to it never meets a closed pipe', async () => {
    const blocker = path.join(dir, 'not-a-directory');
    await writeFile(blocker, '');
    const input = `${Array.from({ length: 20_000 }, (_, index) => `{"line":${index}}`).join('\n')}\n`;
    const { code, stderr, inputError } = await logFile(path.join(blocker, 'app.log'), input, {});
    expect(inputError).toBeNull();
    expect(code).toBe(0);
    expect(stderr).toContain("dropping this app's log until it restarts");
  });

  it.each([['0'], ['many']])('refuses LOG_FILE_KEEP=%s, writing nothing', async (keep) => {
    const { code, stderr } = await logFile(path.join(dir, 'app.log'), 'a line\n', { LOG_FILE_KEEP: keep });
    expect(code).toBe(2);
    expect(stderr).toContain('LOG_FILE_KEEP must be a positive integer');
    expect(await readdir(dir)).toEqual([]);
  });
});
