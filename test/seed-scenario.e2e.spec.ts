import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { RARE_EARTH_ELEMENTS } from '@ledger/contracts';
import { createTestDatabase, eventually, uniqueName, type TestDatabase } from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort, runAuditor } from './support/app-process';
import { KEYS, prepareLedger, type Ledger } from './support/ledger-harness';
import { startProjector, type RunningProjector } from './support/projector-harness';

const run = promisify(execFile);

interface EffectiveTariffs {
  total: number;
  layers: Array<{ program: string; rate: number; measureId: string }>;
}

describe('the seed scenario, end to end: public API → journal → relay → Kafka → projector → views', () => {
  let ledger: Ledger;
  let api: AppProcess;
  let relay: AppProcess;
  let projector: RunningProjector;
  let baseUrl: string;
  let seedOutput: string;

  const seed = async () =>
    (
      await run(process.execPath, [path.join(__dirname, '../scripts/seed.js'), baseUrl], {
        env: { ...process.env, ADMIN_API_KEY: KEYS.admin, READER_API_KEY: KEYS.reader },
      })
    ).stdout;

  const get = async <T>(url: string): Promise<T> => {
    const response = await fetch(`${baseUrl}${url}`, { headers: { Authorization: `Bearer ${KEYS.reader}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    await ensureBuilt();
    ledger = await prepareLedger({ partitions: 3 });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = AppProcess.start('admin-api', ledger.env, port);
    relay = AppProcess.start('relay', ledger.env);
    projector = await startProjector({
      databaseUrl: ledger.db.url,
      topic: ledger.topic,
      partitions: 3,
      groupId: uniqueName('seed-projector-'),
    });
    await eventually(async () => expect((await fetch(`${baseUrl}/health`)).status).toBe(200));
    seedOutput = await seed();
  });

  afterAll(async () => {
    await projector?.stop();
    await relay?.kill('SIGTERM');
    await api?.kill('SIGTERM');
    await ledger?.close();
  });

  it('loads every seed event through the write API and prints the example answers', () => {
    expect(seedOutput).toMatch(/18 seed events: 18 appended, 0 already in the ledger/);
    expect(seedOutput).toMatch(/→ 145% = /);
    expect(seedOutput).toMatch(/→ 30% = /);
  });

  it('US additional duty on CN permanent magnets (850511): 145 on 2025-04-20, 30 (10 + 20) on 2025-05-20', async () => {
    const april = await get<EffectiveTariffs>(
      '/v1/tariffs/effective?imposer=US&origin=CN&product=850511&asOf=2025-04-20',
    );
    expect(april.total).toBe(145);
    expect(april.layers.map((layer) => [layer.program, layer.rate])).toEqual([
      ['US-IEEPA-FENTANYL', 20],
      ['US-IEEPA-RECIPROCAL', 125],
    ]);
    const may = await get<EffectiveTariffs>(
      '/v1/tariffs/effective?imposer=US&origin=CN&product=850511&asOf=2025-05-20',
    );
    expect(may.total).toBe(30);
    expect(may.layers.map((layer) => layer.rate).sort((a, b) => a - b)).toEqual([10, 20]);
  });

  it("China's additional duty on US goods on 2025-05-20 is 10", async () => {
    const may = await get<EffectiveTariffs>(
      '/v1/tariffs/effective?imposer=CN&origin=US&product=850511&asOf=2025-05-20',
    );
    expect(may.total).toBe(10);
  });

  it('the rare earths China requires a licence for on 2025-04-10 are exactly Sm, Gd, Tb, Dy, Lu, Sc, Y', async () => {
    const licensed = new Set<string>();
    for (const element of RARE_EARTH_ELEMENTS) {
      const { controls } = await get<{ controls: Array<{ kind: string }> }>(
        `/v1/export-controls/active?imposer=CN&item=${element}&asOf=2025-04-10`,
      );
      if (controls.some((control) => control.kind === 'licence-required')) licensed.add(element);
    }
    expect([...licensed].sort()).toEqual(['Dy', 'Gd', 'Lu', 'Sc', 'Sm', 'Tb', 'Y']);
  });

  it('before the controls existed in the ledger (knownAt before the seed), nothing is controlled', async () => {
    const { controls } = await get<{ controls: unknown[] }>(
      '/v1/export-controls/active?imposer=CN&item=Dy&asOf=2025-04-10&knownAt=2020-01-01',
    );
    expect(controls).toEqual([]);
  });

  it('answers a measure with its status and version at a valid time, and its history', async () => {
    const response = await fetch(`${baseUrl}/v1/measures/us-ieepa-reciprocal-cn?asOf=2025-04-20`, {
      headers: { Authorization: `Bearer ${KEYS.reader}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"5"');
    expect(await response.json()).toMatchObject({
      id: 'us-ieepa-reciprocal-cn',
      status: 'in-force',
      version: 5,
    });
    const scheduled = await get<{ status: string }>('/v1/measures/us-ieepa-reciprocal-cn?asOf=2025-04-01');
    expect(scheduled.status).toBe('scheduled');
    const { events } = await get<{ events: Array<{ streamVersion: number; type: string }> }>(
      '/v1/measures/us-ieepa-reciprocal-cn/history',
    );
    expect(events.map((event) => event.type)).toEqual([
      'TariffImposed',
      'TariffRateChanged',
      'TariffRateChanged',
      'TariffRateChanged',
      'TariffRateChanged',
    ]);
    const missing = await fetch(`${baseUrl}/v1/measures/no-such-measure`, {
      headers: { Authorization: `Bearer ${KEYS.reader}` },
    });
    expect(missing.status).toBe(404);
  });

  it('pages through the journal feed by position, with no gap and no repeat', async () => {
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = await get<{ events: Array<{ position: number }>; next: number }>(
        `/v1/events?after=${after}&limit=5`,
      );
      if (page.events.length === 0) break;
      seen.push(...page.events.map((event) => event.position));
      after = page.next;
    }
    expect(seen).toHaveLength(18);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(18);
  });

  it('streams events as Server-Sent Events from Last-Event-ID, with the position as SSE id', async () => {
    const { events } = await get<{ events: Array<{ position: number }> }>('/v1/events?after=0&limit=100');
    const resumeAfter = events[14].position;
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/v1/events/stream`, {
      headers: { Authorization: `Bearer ${KEYS.reader}`, 'Last-Event-ID': String(resumeAfter) },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    while ((text.match(/^id: /gm) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    controller.abort();
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    expect(ids).toEqual(events.slice(15, 18).map((event) => event.position));
    expect(text).toMatch(/^event: policy-event$/m);
  });

  it('makes a read with a Consistency-Token see the write it names, and refuses a malformed token', async () => {
    const write = await fetch(`${baseUrl}/v1/tariff-measures`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEYS.admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: 'us-section-232-autos',
        imposer: 'US',
        targets: ['*'],
        program: 'US-SECTION-232-AUTOS',
        products: { scope: 'codes', codes: ['8703'] },
        title: 'Section 232 duty on passenger vehicles',
        legalInstrument: 'Proclamation 10908',
        announcedAt: '2025-03-26T20:00:00Z',
        rate: 25,
        validFrom: '2025-04-03T04:01:00Z',
        citation: { reference: 'Proclamation 10908' },
      }),
    });
    expect(write.status).toBe(201);
    const read = await fetch(`${baseUrl}/v1/measures/us-section-232-autos`, {
      headers: {
        Authorization: `Bearer ${KEYS.reader}`,
        'Consistency-Token': write.headers.get('consistency-token')!,
      },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: 'us-section-232-autos', version: 1 });

    const response = await fetch(`${baseUrl}/v1/tariffs/effective?imposer=US&origin=CN&product=850511`, {
      headers: { Authorization: `Bearer ${KEYS.reader}`, 'Consistency-Token': 'latest' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'consistency-token-malformed' });
  });

  it('a second seed run appends nothing', async () => {
    expect(await seed()).toMatch(/18 seed events: 0 appended, 18 already in the ledger/);
  });

  it('auditors find every hash chain intact and a rebuild from the topic equal to the live views', async () => {
    const verify = await runAuditor(['verify'], { databaseUrl: ledger.db.url, topic: ledger.topic });
    expect(verify.code).toBe(0);
    let rebuilt: TestDatabase | undefined;
    try {
      rebuilt = await createTestDatabase();
      const rebuild = await runAuditor(['rebuild', '--database-url', rebuilt.url], {
        databaseUrl: ledger.db.url,
        topic: ledger.topic,
      });
      expect(rebuild.code).toBe(0);
      const diff = await runAuditor(['diff', '--against', rebuilt.url], {
        databaseUrl: ledger.db.url,
        topic: ledger.topic,
      });
      expect({ code: diff.code, stdout: diff.stdout }).toMatchObject({ code: 0 });
    } finally {
      await rebuilt?.drop();
    }
  });
});
