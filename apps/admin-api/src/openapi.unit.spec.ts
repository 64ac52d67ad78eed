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

interface Operation {
  operationId?: string;
  description?: string;
  tags?: string[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** Every operation of the document, as `GET /v1/tariffs` → operation. */
function operations(document: { paths: Record<string, Record<string, Operation>> }): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
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

  it('types every answer: a schema for each success, a problem+json ProblemDto for each refusal', async () => {
    const document = JSON.parse(await readFile(join(ROOT, DOCUMENT), 'utf8')) as Parameters<
      typeof operations
    >[0];
    const found = operations(document);
    expect(found.length).toBeGreaterThan(40);
    for (const [name, operation] of found) {
      expect({ name, tagged: (operation.tags ?? []).length > 0 }).toEqual({ name, tagged: true });
      for (const [status, response] of Object.entries(operation.responses)) {
        const media = Object.entries(response.content ?? {});
        const typed = media.length > 0 && media.every(([, content]) => content.schema !== undefined);
        expect({ name, status, typed }).toEqual({ name, status, typed: true });
        // The health probes' 503 is the readiness answer itself, not a problem.
        if (Number(status) >= 400 && !name.startsWith('GET /health')) {
          expect({ name, status, media: Object.fromEntries(media) }).toEqual({
            name,
            status,
            media: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
          });
        }
      }
    }
  });

  it('passes spectral:oas with no error, warning, information nor hint', async () => {
    const lint = await outcome('npx', ['spectral', 'lint', DOCUMENT, '--fail-severity=hint']);
    expect(lint).toEqual({ status: 0, output: expect.stringContaining('No results') as unknown });
  });
});
