import { createHash } from 'node:crypto';

/** The most commands POST /v1/batches takes at once. */
export const MAX_BATCH_SIZE = 1000;

/** One command of the file, as a batch item, with the line it came from. */
export interface ImportLine {
  readonly line: number;
  readonly item: unknown;
}

/** A line that is not a JSON object: nothing is sent while the file has one. */
export interface UnreadableLine {
  readonly line: number;
  readonly message: string;
}

export interface ImportBatch {
  readonly index: number;
  /** Derived from the batch's index and its commands: the same on a re-run. */
  readonly idempotencyKey: string;
  readonly lines: readonly ImportLine[];
}

/** The commands of an NDJSON file, one JSON object a line; blank lines are skipped. */
export function readCommands(text: string): { commands: ImportLine[]; unreadable: UnreadableLine[] } {
  const commands: ImportLine[] = [];
  const unreadable: UnreadableLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    try {
      const item: unknown = JSON.parse(raw);
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        unreadable.push({ line, message: 'a line must be one JSON object (a batch item)' });
      } else {
        commands.push({ line, item });
      }
    } catch (error) {
      unreadable.push({ line, message: (error as Error).message });
    }
  });
  return { commands, unreadable };
}

/**
 * The file's commands in batches of `size`. A batch's Idempotency-Key is its index and the hash
 * of its commands: running the import again after a crash replays the batches already recorded
 * (nothing is appended twice) and records the rest; after a refused line is fixed, only the
 * batch that held it changes key, so the batches before it are still answered from the first run.
 * That holds for the same lines in the same order and the same `size` only: a line added or
 * removed, or another size, gives later batches new keys, and their commands would be decided
 * again — recorded twice where they carry no `expectedVersion` (with one, a repeat is a 412).
 */
export function batchesOf(commands: readonly ImportLine[], size: number): ImportBatch[] {
  const batches: ImportBatch[] = [];
  for (let start = 0; start < commands.length; start += size) {
    const index = batches.length;
    const lines = commands.slice(start, start + size);
    const content = createHash('sha256')
      .update(JSON.stringify(lines.map(({ item }) => item)))
      .digest('hex')
      .slice(0, 40);
    batches.push({ index, idempotencyKey: `import-${index}-${content}`, lines });
  }
  return batches;
}

/** A field error of the API's answer, `items.<i>.…`, said of the file's line instead. */
export function onLine(batch: ImportBatch, field: string): { line: number | undefined; field: string } {
  const match = /^items\.(\d+)(?:\.(.*))?$/.exec(field);
  if (!match) return { line: undefined, field };
  return { line: batch.lines[Number(match[1])]?.line, field: match[2] ?? '' };
}
