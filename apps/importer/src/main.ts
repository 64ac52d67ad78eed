import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { MAX_BATCH_SIZE, batchesOf, onLine, readCommands, type ImportBatch } from './import-file';

const EPILOGUE = `
Each line of FILE is one command, the shape of an item of POST /v1/batches:
  {"command":"ChangeTariffRate","streamId":"...","expectedVersion":1,"body":{...}}
Settings come from the environment: LEDGER_API_URL (default http://127.0.0.1:3000) and
LEDGER_API_KEY (an admin key). Every batch is sent with an Idempotency-Key derived from its
index and its commands: running the same file again, with the same --batch-size, records only
what is missing. Fix a refused line in place; adding or removing lines, or another batch size,
gives later batches new keys, so a command without "expectedVersion" could be recorded twice
(give every command its expectedVersion to have such a repeat refused instead).
Exit codes: 0 every command recorded; 1 a command or line refused (nothing of its batch was
recorded; the batches before it were); 2 could not import (usage, configuration, the API).`;

interface Refusal {
  readonly line: number | undefined;
  readonly field: string;
  readonly message: string;
}

interface Summary {
  readonly file: string;
  readonly commands: number;
  readonly batches: number;
  /** Batches recorded by this run. */
  readonly recorded: number;
  /** Batches an earlier run had recorded (answered again, nothing appended). */
  readonly replayed: number;
  readonly events: number;
  readonly lastPosition: number | null;
  readonly refused: null | {
    readonly batch: number;
    readonly status: number;
    readonly code: string;
    readonly detail: string;
    readonly problems: readonly Refusal[];
  };
}

class ImportFailure extends Error {}

interface Problem {
  readonly code?: string;
  readonly detail?: string;
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
}

function batchSize(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
    throw new InvalidArgumentError(`a whole number from 1 to ${MAX_BATCH_SIZE}`);
  }
  return size;
}

async function post(batch: ImportBatch, url: string, key: string): Promise<Response> {
  try {
    return await fetch(new URL('/v1/batches', url), {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${key}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': batch.idempotencyKey,
      },
      body: JSON.stringify({ items: batch.lines.map(({ item }) => item) }),
    });
  } catch (error) {
    throw new ImportFailure(`cannot reach ${url}: ${(error as Error).message}`);
  }
}

function describe(refusal: Refusal): string {
  const where = refusal.line === undefined ? 'batch' : `line ${refusal.line}`;
  return `${where}${refusal.field ? ` (${refusal.field})` : ''}: ${refusal.message}`;
}

async function importFile(file: string, options: { json?: boolean; batchSize: number }): Promise<number> {
  const url = process.env.LEDGER_API_URL ?? 'http://127.0.0.1:3000';
  const key = process.env.LEDGER_API_KEY;
  if (!key) throw new ImportFailure('set LEDGER_API_KEY to an admin API key');
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new ImportFailure(`cannot read ${file}: ${error.message}`);
  });
  const { commands, unreadable } = readCommands(text);
  if (unreadable.length > 0) {
    for (const { line, message } of unreadable) process.stderr.write(`line ${line}: ${message}\n`);
    throw new ImportFailure(`${unreadable.length} line(s) of ${file} are not JSON objects; nothing was sent`);
  }
  const batches = batchesOf(commands, options.batchSize);
  const bar =
    options.json || !process.stderr.isTTY
      ? undefined
      : new SingleBar({
          format: 'import [{bar}] {value}/{total} commands | {eta_formatted} left',
          stream: process.stderr,
          hideCursor: true,
        });
  bar?.start(commands.length, 0);
  let recorded = 0;
  let replayed = 0;
  let events = 0;
  let lastPosition: number | null = null;
  let refused: Summary['refused'] = null;
  try {
    for (const batch of batches) {
      const response = await post(batch, url, key);
      const answer = (await response.json().catch(() => ({}))) as Problem & {
        events?: { position: number }[];
      };
      if (response.status === 201 && answer.events) {
        if (response.headers.get('idempotent-replayed') === 'true') replayed++;
        else recorded++;
        events += answer.events.length;
        lastPosition = answer.events.at(-1)?.position ?? lastPosition;
        bar?.increment(batch.lines.length);
        continue;
      }
      if (response.status >= 500 || response.status === 401 || response.status === 403) {
        throw new ImportFailure(
          `the API refused batch ${batch.index} (${response.status}): ${answer.detail ?? ''}`,
        );
      }
      refused = {
        batch: batch.index,
        status: response.status,
        code: answer.code ?? 'unknown',
        detail: answer.detail ?? '',
        problems: (answer.errors ?? []).map(({ field, message }) => ({ ...onLine(batch, field), message })),
      };
      break;
    }
  } finally {
    bar?.stop();
  }
  const summary: Summary = {
    file,
    commands: commands.length,
    batches: batches.length,
    recorded,
    replayed,
    events,
    lastPosition,
    refused,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    process.stdout.write(
      `${file}: ${commands.length} commands in ${batches.length} batches; ${recorded} recorded now, ` +
        `${replayed} recorded before; ${events} events${lastPosition === null ? '' : `, last position ${lastPosition}`}\n`,
    );
  }
  if (refused) {
    process.stderr.write(
      `batch ${refused.batch} refused (${refused.status} ${refused.code}): ${refused.detail}\n`,
    );
    for (const problem of refused.problems) process.stderr.write(`  ${describe(problem)}\n`);
    return 1;
  }
  return 0;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('import')
    .description('Record the commands of an NDJSON file through POST /v1/batches')
    .argument('<file>', 'NDJSON file, one batch item a line')
    .option('--json', 'print a JSON summary on stdout')
    .option('--batch-size <n>', `commands per batch (at most ${MAX_BATCH_SIZE})`, batchSize, MAX_BATCH_SIZE)
    .addHelpText('after', EPILOGUE)
    .exitOverride()
    .action(async (file: string, options: { json?: boolean; batchSize: number }) => {
      process.exitCode = await importFile(file, options);
    });
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof ImportFailure) {
      process.stderr.write(`import: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

void main();
