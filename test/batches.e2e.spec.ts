import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Journal } from '@ledger/journal';
import { eventually } from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort } from './support/app-process';
import { KEYS, prepareLedger, type Ledger } from './support/ledger-harness';
import {
  citation,
  imposeReciprocalOnChina,
  licenceApplication,
  rareEarthControl,
} from './support/policy-bodies';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: {
    events?: { streamId: string; streamVersion: number; position: number; eventId: string }[];
    code?: string;
    errors?: { field: string; message: string }[];
  };
}

const IMPORTER = path.resolve(__dirname, '../dist/apps/importer/src/main.js');

/** An item that imposes the reciprocal tariff on China as stream `id`. */
const impose = (id: string, expectedVersion?: number) => {
  const { id: _, ...body } = imposeReciprocalOnChina(id);
  return { command: 'ImposeTariff', streamId: id, expectedVersion, body };
};

const raise = (streamId: string, rate: number, expectedVersion?: number) => ({
  command: 'ChangeTariffRate',
  streamId,
  expectedVersion,
  body: { rate, validFrom: '2025-04-09T04:01:00Z', citation },
});

/**
 * POST /v1/batches through the built admin API: many commands across streams recorded in one
 * transaction, every item checked as its single write is, and nothing written when one is refused.
 */
describe('batch writes and the import CLI', () => {
  let ledger: Ledger;
  let api: AppProcess;
  let baseUrl: string;
  let journal: Journal;
  let workDir: string;

  const post = async (body: unknown, headers: Record<string, string> = {}, key: string = KEYS.admin) => {
    const response = await fetch(`${baseUrl}/v1/batches`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: (await response.json()) as Answer['body'],
    } satisfies Answer;
  };

  const eventsOf = async (prefix: string) =>
    (await journal.readCommitted(0, 100_000)).filter((event) => event.streamId.startsWith(prefix));

  const runImport = async (file: string, ...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)('node', [IMPORTER, file, ...args], {
        env: { PATH: process.env.PATH, LEDGER_API_URL: baseUrl, LEDGER_API_KEY: KEYS.admin },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    await ensureBuilt();
    ledger = await prepareLedger();
    baseUrl = `http://127.0.0.1:${await freePort()}`;
    journal = new Journal(ledger.db.pool);
    workDir = mkdtempSync(path.join(tmpdir(), 'ledger-import-'));
    api = AppProcess.start('admin-api', ledger.env, Number(new URL(baseUrl).port));
    await eventually(async () => {
      if (api.exitedWith() !== undefined) throw new Error(`admin-api exited:\n${api.output()}`);
      expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    });
  });

  afterAll(async () => {
    await api?.stop();
    await ledger?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('records commands across streams in item order, chaining versions on one stream and references to a stream the batch creates', async () => {
    const { id: _, ...control } = rareEarthControl('across-control');
    const { id: __, ...licence } = licenceApplication('across-licence', 'across-control');
    const items = [
      impose('across-a', 0),
      impose('across-b'),
      raise('across-a', 84, 1),
      raise('across-a', 125),
      { command: 'ImposeExportControl', streamId: 'across-control', body: control },
      { command: 'ApplyForLicence', streamId: 'across-licence', body: licence },
    ];
    const answer = await post({ items });

    expect(answer.status).toBe(201);
    const events = answer.body.events!;
    expect(events.map(({ streamId, streamVersion }) => [streamId, streamVersion])).toEqual([
      ['across-a', 1],
      ['across-b', 1],
      ['across-a', 2],
      ['across-a', 3],
      ['across-control', 1],
      ['across-licence', 1],
    ]);
    const positions = events.map((event) => event.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(answer.headers['consistency-token']).toBe(String(positions.at(-1)));
    const recorded = await eventsOf('across-');
    expect(recorded.map((event) => event.id)).toEqual(events.map((event) => event.eventId));
    expect(recorded.filter((event) => event.streamId === 'across-a').map((event) => event.type)).toEqual([
      'TariffImposed',
      'TariffRateChanged',
      'TariffRateChanged',
    ]);
  });

  it('refuses a batch with an invalid item, naming every bad field under its item, and records nothing', async () => {
    const answer = await post({
      items: [impose('invalid-a'), raise('invalid-a', 5000), impose('invalid-b')],
    });

    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation-failed');
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'items.1.body.rate', message: expect.stringContaining('1000') }),
    ]);
    expect(await eventsOf('invalid-')).toEqual([]);
  });

  it('refuses a batch whose item breaks a business rule, naming the item, and records none of the items before it', async () => {
    const answer = await post({ items: [impose('rule-a'), impose('rule-b'), raise('rule-missing', 84)] });

    expect(answer.status).toBe(404);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'items.2' })]);
    expect(await eventsOf('rule-')).toEqual([]);
  });

  it("refuses a stale item's expectedVersion with 412 and the stream's ETag, recording nothing", async () => {
    expect((await post({ items: [impose('stale-a')] })).status).toBe(201);

    const answer = await post({ items: [impose('stale-b'), raise('stale-a', 84, 3)] });

    expect(answer.status).toBe(412);
    expect(answer.headers.etag).toBe('"1"');
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'items.1' })]);
    expect((await eventsOf('stale-')).map((event) => event.streamId)).toEqual(['stale-a']);
  });

  it('answers a retry with the same Idempotency-Key and body with the first answer, and refuses the key with another body (422)', async () => {
    const body = { items: [impose('replay-a'), raise('replay-a', 84)] };
    const first = await post(body, { 'Idempotency-Key': 'replay-batch-1' });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const again = await post(body, { 'Idempotency-Key': 'replay-batch-1' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);

    const other = await post({ items: [raise('replay-a', 125)] }, { 'Idempotency-Key': 'replay-batch-1' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency-key-reused');
    expect(await eventsOf('replay-')).toHaveLength(2);
  });

  it('refuses a key without the write role (403), and more than 1000 items (400) or a body over the limit (413)', async () => {
    expect((await post({ items: [impose('refused-a')] }, {}, KEYS.reader)).status).toBe(403);

    const tooMany = await post({ items: Array.from({ length: 1001 }, (_, n) => impose(`refused-${n}`)) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'items' })]);

    const huge = await post(
      JSON.stringify({ items: [impose('refused-huge')], padding: 'x'.repeat(9 * 1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    expect(await eventsOf('refused-')).toEqual([]);
  });

  it('imports an NDJSON file in batches, appends nothing twice when run again, and names the line of a refused command', async () => {
    const lines = [
      impose('import-a'),
      raise('import-a', 84, 1),
      impose('import-b'),
      raise('import-b', 20),
      raise('import-a', 125, 2),
    ];
    const file = path.join(workDir, 'commands.ndjson');
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n\n`);

    const first = await runImport(file, '--json', '--batch-size', '2');
    expect(first).toMatchObject({ code: 0 });
    expect(JSON.parse(first.stdout)).toMatchObject({
      commands: 5,
      batches: 3,
      recorded: 3,
      replayed: 0,
      events: 5,
      refused: null,
    });
    const imported = await eventsOf('import-');
    expect(imported).toHaveLength(5);

    const again = await runImport(file, '--json', '--batch-size', '2');
    expect(again).toMatchObject({ code: 0 });
    expect(JSON.parse(again.stdout)).toMatchObject({ recorded: 0, replayed: 3, events: 5 });
    expect((await eventsOf('import-')).map((event) => event.id)).toEqual(imported.map((event) => event.id));

    const bad = path.join(workDir, 'bad.ndjson');
    writeFileSync(
      bad,
      [impose('import-c'), raise('import-c', -1)].map((line) => JSON.stringify(line)).join('\n'),
    );
    const refused = await runImport(bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 2 (body.rate)');
    expect((await eventsOf('import-c')).length).toBe(0);
  });
});
