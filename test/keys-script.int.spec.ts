import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@ledger/config';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, '../scripts/keys.js');
const ISSUED = /^tpl_key-[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** scripts/keys.js: the local secrets `npm start` uses, and printing a new key. */
describe('scripts/keys.js', () => {
  let dir: string;
  const env = { PATH: process.env.PATH ?? '' };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledger-keys-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes bootstrap keys of the issued shape that the start-up check takes, once, in a file only its owner reads', async () => {
    const file = path.join(dir, 'keys.env');
    await run(process.execPath, [SCRIPT, 'env', file], { env });
    const made = parse(readFileSync(file, 'utf8'));
    for (const name of ['ADMIN_API_KEY', 'READER_API_KEY', 'AUDITOR_API_KEY'])
      expect(made[name]).toMatch(ISSUED);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => loadConfig(made)).not.toThrow();

    await run(process.execPath, [SCRIPT, 'env', file], { env });
    expect(parse(readFileSync(file, 'utf8'))).toEqual(made);
  });

  it('replaces a kept key too short for the start-up check, and keeps the rest', async () => {
    const file = path.join(dir, 'keys.env');
    const reader = 'a-reader-key-chosen-by-an-operator-0001';
    writeFileSync(file, `ADMIN_API_KEY=admin-abcdefghijklmnopqrstuvwx\nREADER_API_KEY=${reader}\n`);
    await run(process.execPath, [SCRIPT, 'env', file], { env });
    const made = parse(readFileSync(file, 'utf8'));
    expect(made.ADMIN_API_KEY).toMatch(ISSUED);
    expect(made.READER_API_KEY).toBe(reader);
    expect(made.CHECKPOINT_PUBLIC_KEY).toBeDefined();
  });

  it('prints a new key, and refuses a wrong invocation', async () => {
    const { stdout } = await run(process.execPath, [SCRIPT, 'generate'], { env });
    expect(stdout.trim()).toMatch(ISSUED);
    await expect(run(process.execPath, [SCRIPT, 'nonsense'], { env })).rejects.toMatchObject({ code: 2 });
  });
});
