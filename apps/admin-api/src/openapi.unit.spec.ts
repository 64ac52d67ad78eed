import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { adminApiDocument } from './openapi';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const DOCUMENT = 'apps/admin-api/openapi/openapi.json';
const TYPES = 'apps/admin-api/openapi/schema.d.ts';
const REGENERATE = 'regenerate both with `bash scripts/openapi.sh` and commit them';

/** A command run from the repository root, with its exit status and output (it may fail). */
async function outcome(command: string, args: string[]): Promise<{ status: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: ROOT });
    return { status: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { status: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the admin API OpenAPI document and its typed client', () => {
  it(`is the committed ${DOCUMENT}: the controllers and the document cannot part (${REGENERATE})`, async () => {
    const built = JSON.parse(JSON.stringify(await adminApiDocument())) as unknown;
    const committed = JSON.parse(await readFile(join(ROOT, DOCUMENT), 'utf8')) as unknown;
    expect(built).toEqual(committed);
  });

  it(`has the committed client types: ${TYPES} is what openapi-typescript makes of it (${REGENERATE})`, async () => {
    const check = await outcome('npx', ['openapi-typescript', DOCUMENT, '--output', TYPES, '--check']);
    expect(check).toMatchObject({ status: 0 });
  });

  it('passes spectral:oas with no error, warning, information nor hint', async () => {
    const lint = await outcome('npx', ['spectral', 'lint', DOCUMENT, '--fail-severity=hint']);
    expect(lint).toEqual({ status: 0, output: expect.stringContaining('No results') as unknown });
  });
});
