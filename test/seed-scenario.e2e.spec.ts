import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { RARE_EARTH_ELEMENTS, type RecordedEnvelope, upcastEnvelope } from '@ledger/contracts';
import { evaluateExportControls, evaluateMeasure, evaluateTariffs } from '@ledger/views';
import { KeyStore } from '@ledger/http';
import { Journal } from '@ledger/journal';
import { testProjectorGroup, createTestDatabase, eventually, type TestDatabase } from '@ledger/testing';
import { boundaries } from '../libs/read-models/test/random-histories';
import { AppProcess, ensureBuilt, freePort, runAuditor } from './support/app-process';
import { KEYS, prepareLedger, type Ledger } from './support/ledger-harness';
import { startProjector, type RunningProjector } from './support/projector-harness';

const run = promisify(execFile);

/** One request the seed script sent and the answer it got. */
interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly idempotencyKey: string | undefined;
  readonly ifMatch: string | undefined;
  readonly body: string;
  readonly status: number;
  readonly replayed: string | null;
  readonly answer: string;
}

/** Headers that belong to one connection, not to the request or answer passed on. */
const HOP_BY_HOP = ['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'];

/**
 * A proxy between the seed script and the admin API that records every exchange, so the test
 * sees what the script sent and what it was answered instead of trusting the script's summary.
 */
async function recordingProxy(
  target: string,
): Promise<{ url: string; exchanges: Exchange[]; server: Server }> {
  const exchanges: Exchange[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(request.headers).flatMap(([name, value]) =>
          typeof value === 'string' && !HOP_BY_HOP.includes(name) ? [[name, value]] : [],
        ),
      );
      fetch(`${target}${request.url}`, { method: request.method, headers, body: body || undefined })
        .then(async (answer) => {
          const text = await answer.text();
          exchanges.push({
            method: request.method ?? '',
            path: request.url ?? '',
            idempotencyKey: headers['idempotency-key'],
            ifMatch: headers['if-match'],
            body,
            status: answer.status,
            replayed: answer.headers.get('idempotent-replayed'),
            answer: text,
          });
          const passed = [...answer.headers].filter(([name]) => !HOP_BY_HOP.includes(name));
          response.writeHead(answer.status, Object.fromEntries(passed)).end(text);
        })
        .catch((error: unknown) => response.writeHead(502).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exchanges, server };
}

/** (imposer, origin, product) and (imposer, item, destination) asked of the seed's measures. */
const TARIFF_QUESTIONS = [
  ['US', 'CN', '850511'],
  ['US', 'HK', '847130'],
  ['US', 'VN', '271111'],
  ['CN', 'US', '850511'],
] as const;
const CONTROL_QUESTIONS = [
  ['CN', 'Dy', 'US'],
  ['CN', 'W', 'DE'],
  ['CN', '850511', 'US'],
  ['CN', 'Ho', 'US'],
  ['CN', '1C902.b', 'US'],
] as const;
/** The seed's policy events, one per step of seed/scenario.json. */
const SEED_EVENTS = 28;
const PARALLEL_READS = 8;

const writesOf = (exchanges: readonly Exchange[]) =>
  exchanges.filter((exchange) => exchange.method === 'POST');

/** An effective-tariffs answer with what each layer covers of the queried code. */
interface CoveredTariffs {
  total: number;
  partialLayers: number;
  layers: Array<{ program: string; coverage: string; excludedLines: Array<{ code: string }> }>;
}

interface EffectiveTariffs {
  total: number;
  layers: Array<{
    program: string;
    rate: number;
    appliedRate: number;
    suspension: {
      points: number;
      validFrom: string;
      validTo: string | null;
      citation: { url?: string } | null;
    } | null;
    measureId: string;
    citation: { url?: string } | null;
  }>;
}

describe('the seed scenario, end to end: public API → journal → relay → Kafka → projector → views', () => {
  let ledger: Ledger;
  let api: AppProcess;
  let relay: AppProcess;
  let projector: RunningProjector;
  let baseUrl: string;
  let journal: Journal;
  let seedOutput: string;
  let firstRun: Exchange[];

  /** Runs scripts/seed.js through a recording proxy: its output and every exchange it had. */
  const seed = async ({ adminKey }: { adminKey?: string } = {}): Promise<{
    stdout: string;
    exchanges: Exchange[];
  }> => {
    const proxy = await recordingProxy(baseUrl);
    try {
      const { stdout } = await run(
        process.execPath,
        [path.join(__dirname, '../scripts/seed.js'), proxy.url],
        {
          env: { ...process.env, ADMIN_API_KEY: adminKey ?? KEYS.admin, READER_API_KEY: KEYS.reader },
        },
      );
      return { stdout, exchanges: proxy.exchanges };
    } finally {
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  };

  /** Every event in the journal, in position order. */
  const journalEvents = async (): Promise<RecordedEnvelope[]> => {
    const events: RecordedEnvelope[] = [];
    for (;;) {
      const page = await journal.readCommitted(events.at(-1)?.position ?? 0, 1000);
      if (page.length === 0) return events;
      events.push(...page);
    }
  };

  /** The journal's policy events: the ledger's own stream (signed checkpoints) grows by itself. */
  const policyEvents = async () => (await journalEvents()).filter((event) => event.streamType !== 'ledger');

  /** A read's JSON body, or null when the API answers 404. */
  const answer = async (url: string): Promise<unknown> => {
    const response = await fetch(`${baseUrl}${url}`, { headers: { Authorization: `Bearer ${KEYS.reader}` } });
    if (response.status === 404) return null;
    expect({ url, status: response.status }).toEqual({ url, status: 200 });
    return response.json();
  };

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
    // The evaluator comparison below asks thousands of questions a minute with one reader key.
    api = AppProcess.start(
      'admin-api',
      { ...ledger.env, RATE_LIMIT_PER_KEY: '100000', RATE_LIMIT_PER_ADDRESS: '100000' },
      port,
    );
    relay = AppProcess.start('relay', ledger.env);
    projector = await startProjector({
      databaseUrl: ledger.db.url,
      topic: ledger.topic,
      partitions: 3,
      groupId: testProjectorGroup('seed-projector'),
    });
    await eventually(async () => expect((await fetch(`${baseUrl}/health`)).status).toBe(200));
    journal = new Journal(ledger.db.pool);
    ({ stdout: seedOutput, exchanges: firstRun } = await seed());
  });

  afterAll(async () => {
    await projector?.stop();
    await relay?.kill('SIGTERM');
    await api?.kill('SIGTERM');
    await ledger?.close();
  });

  it('loads every seed event through the write API and prints the example answers', () => {
    expect(writesOf(firstRun).map(({ status, replayed }) => ({ status, replayed }))).toEqual(
      Array.from({ length: SEED_EVENTS }, () => ({ status: 201, replayed: null })),
    );
    expect(seedOutput).toMatch(new RegExp(`${SEED_EVENTS} seed events: ${SEED_EVENTS} appended, 0 replayed`));
    expect(seedOutput).toMatch(/→ 145% = /);
    expect(seedOutput).toMatch(
      /→ 30% = 20 \(US-IEEPA-FENTANYL, [^)]*\) \+ 10 \[34 with 24 points suspended\] \(US-IEEPA-RECIPROCAL/,
    );
  });

  it('runs each app as its own database role, never as the superuser', async () => {
    const { rows } = await ledger.db.pool.query<{ role: string }>(
      `SELECT DISTINCT usename AS role FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND usename <> current_user
       ORDER BY 1`,
    );
    expect(rows.map((row) => row.role)).toEqual(['ledger_projector', 'ledger_relay', 'ledger_writer']);
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
    // Executive Order 14298 set the reciprocal rate to 34 % and suspended 24 of its points for 90 days.
    expect(
      may.layers.map((layer) => [layer.program, layer.rate, layer.appliedRate, layer.suspension]),
    ).toEqual([
      ['US-IEEPA-FENTANYL', 20, 20, null],
      [
        'US-IEEPA-RECIPROCAL',
        34,
        10,
        {
          points: 24,
          provision: null,
          validFrom: '2025-05-14T04:01:00.000Z',
          validTo: '2025-08-12T04:01:00.000Z',
          citation: {
            url: 'https://www.federalregister.gov/d/2025-09297',
            reference: 'Executive Order 14298 (FR Doc. 2025-09297): 24 points suspended for 90 days',
          },
        },
      ],
    ]);
  });

  it('Chinese laptops (8471.30) owe 20 on 2025-04-20: the memorandum of 11 April took computers out of the reciprocal tariffs from 5 April', async () => {
    const laptops = await get<EffectiveTariffs & { partialLayers: number }>(
      '/v1/tariffs/effective?imposer=US&origin=CN&product=847130&asOf=2025-04-20',
    );
    expect({ total: laptops.total, partialLayers: laptops.partialLayers }).toEqual({
      total: 20,
      partialLayers: 0,
    });
    expect(laptops.layers.map((layer) => [layer.program, layer.rate])).toEqual([['US-IEEPA-FENTANYL', 20]]);
    const smartphones = await get<CoveredTariffs>(
      '/v1/tariffs/effective?imposer=US&origin=CN&product=851713&asOf=2025-04-20',
    );
    expect({ total: smartphones.total, partialLayers: smartphones.partialLayers }).toEqual({
      total: 20,
      partialLayers: 1,
    });
    expect(
      smartphones.layers.map((layer) => [
        layer.program,
        layer.coverage,
        layer.excludedLines.map((line) => line.code),
      ]),
    ).toEqual([
      ['US-IEEPA-FENTANYL', 'full', []],
      ['US-IEEPA-RECIPROCAL', 'partial', ['85171300']],
    ]);
  });

  it("China's additional duty on US goods on 2025-05-20 is 10", async () => {
    const may = await get<EffectiveTariffs>(
      '/v1/tariffs/effective?imposer=CN&origin=US&product=850511&asOf=2025-05-20',
    );
    expect(may.total).toBe(10);
  });

  /** The additional duty one side levies on the other's permanent magnets (HS 850511) at an instant. */
  const magnetDuty = async (imposer: string, origin: string, asOf: string): Promise<EffectiveTariffs> =>
    get<EffectiveTariffs>(
      `/v1/tariffs/effective?imposer=${imposer}&origin=${origin}&product=850511&asOf=${asOf}`,
    );

  it('answers the additional duties both ways across 2025, changing at the instants the instruments name', async () => {
    const totals: Record<string, [number, number]> = {};
    for (const asOf of [
      '2025-04-10T00:00:00Z',
      '2025-04-10T12:00:00Z',
      '2025-04-11T15:59:59Z',
      '2025-04-11T16:00:00Z',
      '2025-05-20',
      '2025-09-01',
      '2025-11-15',
    ]) {
      const [intoUs, intoChina] = await Promise.all([
        magnetDuty('US', 'CN', asOf),
        magnetDuty('CN', 'US', asOf),
      ]);
      totals[asOf] = [intoUs.total, intoChina.total];
    }
    expect(totals).toEqual({
      // The US 125 % and China's 84 % both apply from 04:01Z (12:01 a.m. EDT, 12:01 Beijing).
      '2025-04-10T00:00:00Z': [104, 0],
      '2025-04-10T12:00:00Z': [145, 84],
      // China's 125 % applies from 00:00 Beijing time on 12 April.
      '2025-04-11T15:59:59Z': [145, 84],
      '2025-04-11T16:00:00Z': [145, 125],
      '2025-05-20': [30, 10],
      // The 24 suspended points stay suspended after 12 August (Executive Order 14334, China's extension).
      '2025-09-01': [30, 10],
      // Fentanyl duty 10 % from 12:01 a.m. EST on 10 November (Executive Order 14357).
      '2025-11-15': [20, 10],
    });
  });

  it('answers each layer with the instrument that set its rate, linked to its official page, and the suspension in force', async () => {
    const layers = async (asOf: string) =>
      (await magnetDuty('US', 'CN', asOf)).layers.map((layer) => [
        layer.program,
        layer.rate,
        layer.appliedRate,
        layer.citation?.url,
        layer.suspension?.validTo ?? null,
        layer.suspension?.citation?.url ?? null,
      ]);
    expect(await layers('2025-09-01')).toEqual([
      ['US-IEEPA-FENTANYL', 20, 20, 'https://www.federalregister.gov/d/2025-03775', null, null],
      // The 34 % of Executive Order 14298; its 24 points suspended until 10 November by Executive Order 14334.
      [
        'US-IEEPA-RECIPROCAL',
        34,
        10,
        'https://www.federalregister.gov/d/2025-09297',
        '2025-11-10T05:01:00.000Z',
        'https://www.federalregister.gov/d/2025-15554',
      ],
    ]);
    expect(await layers('2025-11-15')).toEqual([
      ['US-IEEPA-FENTANYL', 10, 10, 'https://www.federalregister.gov/d/2025-19825', null, null],
      // Suspended for a further year by Executive Order 14358.
      [
        'US-IEEPA-RECIPROCAL',
        34,
        10,
        'https://www.federalregister.gov/d/2025-09297',
        '2026-11-10T05:01:00.000Z',
        'https://www.federalregister.gov/d/2025-19826',
      ],
    ]);
  });

  it("cites only official pages: every URL in the seed is on an issuing body's site", () => {
    const official = ['www.federalregister.gov', 'www.whitehouse.gov', 'www.mofcom.gov.cn', 'gss.mof.gov.cn'];
    const urls = writesOf(firstRun).flatMap(({ body }) => {
      const { citation } = JSON.parse(body) as { citation?: { url?: string } };
      return citation?.url === undefined ? [] : [citation.url];
    });
    expect(urls.filter((url) => !official.includes(new URL(url).host))).toEqual([]);
    expect(urls).toHaveLength(20);
  });

  it("China's October 2025 rare-earth controls are suspended before they start; the April ones stay", async () => {
    const controlled = async (item: string, asOf: string, knownAt?: string) =>
      (
        await get<{ controls: Array<{ controlId: string }> }>(
          `/v1/export-controls/active?imposer=CN&item=${item}&destination=US&asOf=${asOf}` +
            (knownAt === undefined ? '' : `&knownAt=${knownAt}`),
        )
      ).controls.map((control) => control.controlId);
    expect(await controlled('Ho', '2025-11-15')).toEqual([]);
    expect(await controlled('Dy', '2025-11-15')).toEqual(['cn-rare-earths-2025-04']);
    const suspension = (await policyEvents()).find((event) => event.type === 'ExportControlSuspended');
    const justBefore = new Date(Date.parse(suspension!.recordedAt) - 1).toISOString();
    expect(await controlled('Ho', '2025-11-15', justBefore)).toEqual(['cn-rare-earths-2025-10']);
    const control = await get<{ status: string }>('/v1/measures/cn-rare-earths-2025-10?asOf=2025-11-15');
    expect(control.status).toBe('suspended');
  });

  it('lists samarium under the three control codes of Announcement No. 18: 1C902.a, .b and .c', async () => {
    const { controls } = await get<{
      controls: Array<{ controlId: string; items: Array<{ element?: string; controlCode?: string }> }>;
    }>('/v1/export-controls/active?imposer=CN&item=1C902.b&asOf=2025-04-10');
    expect(controls.map((control) => control.controlId)).toEqual(['cn-rare-earths-2025-04']);
    expect(controls[0].items.filter((item) => item.element === 'Sm').map((item) => item.controlCode)).toEqual(
      ['1C902.a', '1C902.b', '1C902.c'],
    );
  });

  it('keeps when instruments were published apart from when they apply', async () => {
    const tungsten = await get<{ state: { announcedAt: string; life: { validFrom: string } } }>(
      '/v1/measures/cn-critical-minerals-2025-02',
    );
    expect([tungsten.state.announcedAt, tungsten.state.life.validFrom]).toEqual([
      '2025-02-04T05:19:00.000Z',
      '2025-02-03T16:00:00.000Z',
    ]);
    const london = await get<{ state: { concludedAt: string } }>('/v1/measures/london-framework-2025-06');
    expect(london.state.concludedAt).toBe('2025-06-10T20:00:00.000Z');
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
    expect(response.headers.get('etag')).toBe('"8"');
    expect(await response.json()).toMatchObject({
      id: 'us-ieepa-reciprocal-cn',
      status: 'in-force',
      version: 8,
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
      'TariffProductsAmended',
      'TariffRateChanged',
      // 24 of the 34 points suspended three times over (Executive Orders 14298, 14334, 14358).
      ...Array.from({ length: 3 }, () => 'TariffPointsSuspended'),
    ]);
    const missing = await fetch(`${baseUrl}/v1/measures/no-such-measure`, {
      headers: { Authorization: `Bearer ${KEYS.reader}` },
    });
    expect(missing.status).toBe(404);
  });

  it('pages through the journal feed by position, with no gap and no repeat', async () => {
    // The feed hands out an event once every older transaction on the server has ended: it may
    // trail what the journal holds for a moment, never skip.
    await eventually(async () => {
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
      // The seed's events and the admin API's own (its bootstrap keys), each once, in order.
      expect(seen).toEqual((await journalEvents()).map((event) => event.position));
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    });
    expect((await policyEvents()).length).toBe(SEED_EVENTS);
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
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(ids).toEqual(events.slice(15, 15 + ids.length).map((event) => event.position));
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

  it('a second seed run sends the same writes, gets every first answer back replayed, and appends nothing', async () => {
    const before = await policyEvents();
    const second = await seed();
    const request = ({ method, path: url, idempotencyKey, ifMatch, body }: Exchange) => ({
      method,
      url,
      idempotencyKey,
      ifMatch,
      body,
    });
    expect(writesOf(second.exchanges).map(request)).toEqual(writesOf(firstRun).map(request));
    expect(
      writesOf(second.exchanges).map(({ status, replayed, answer }) => ({
        status,
        replayed,
        event: JSON.parse(answer) as unknown,
      })),
    ).toEqual(
      writesOf(firstRun).map(({ answer }) => ({
        status: 201,
        replayed: 'true',
        event: JSON.parse(answer) as unknown,
      })),
    );
    const after = await policyEvents();
    expect(after.at(-1)?.position).toBe(before.at(-1)?.position);
    expect(after.map((event) => event.id)).toEqual(before.map((event) => event.id));
    expect(second.stdout).toMatch(
      new RegExp(`${SEED_EVENTS} seed events: 0 appended, ${SEED_EVENTS} replayed`),
    );
  });

  it('names every seed step that neither appends nor replays, fails, and appends nothing (another admin key)', async () => {
    // Idempotency keys are scoped to the API key: under a second admin key nothing replays, and
    // every step meets the streams the first key created.
    const { key: otherAdmin } = await new KeyStore(ledger.db.pool).create(
      { role: 'admin', label: 'second admin', expiresAt: null },
      { keyId: 'operator:test', role: 'system' },
    );
    const before = await policyEvents();
    const failed = await seed({ adminKey: otherAdmin }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(new RegExp(`${SEED_EVENTS} seed steps neither appended nor replayed`));
    expect(failed?.stderr).toMatch(/step 1 \(POST \/v1\/tariff-measures\) answered 409 stream-exists/);
    expect(failed?.stderr).toMatch(
      /step 2 \(POST \/v1\/tariff-measures\/us-ieepa-fentanyl-cn\/rate-changes\) answered 412 stale-version/,
    );
    expect(await policyEvents()).toEqual(before);
  });

  it('the read models hold exactly the journal events, by id, and answer what the in-memory evaluator answers over them', async () => {
    const committed = await journalEvents();
    const projected = await eventually(async () => {
      const { rows } = await ledger.db.pool.query<{ envelope: RecordedEnvelope }>(
        'SELECT envelope FROM read_models.events ORDER BY position',
      );
      const ids = new Set(rows.map(({ envelope }) => envelope.id));
      expect(committed.filter((event) => !ids.has(event.id)).map((event) => event.position)).toEqual([]);
      return rows.map(({ envelope }) => envelope);
    });
    const journalById = new Map((await journalEvents()).map((event) => [event.id, event]));
    for (const event of projected) expect(event).toEqual(journalById.get(event.id));

    const events = [...journalById.values()].map(upcastEnvelope);
    const policy = events.filter((event) => event.streamType !== 'ledger');
    const recorded = policy.map((event) => Date.parse(event.recordedAt));
    const knownAts = [
      Math.min(...recorded) - 1,
      recorded[Math.floor(recorded.length / 2)],
      Math.max(...recorded),
    ];
    // Rules differ exactly at the instants the events name: ask at each and just before it.
    const asOfs = boundaries(events).flatMap((instant) => [Date.parse(instant) - 1, Date.parse(instant)]);
    const checks: Array<() => Promise<void>> = [];
    for (const [asOf, knownAt] of asOfs.flatMap((t) => knownAts.map((k) => [t, k]))) {
      const at = { asOf: new Date(asOf).toISOString(), knownAt: new Date(knownAt).toISOString() };
      for (const [imposer, origin, product] of TARIFF_QUESTIONS) {
        const query = { imposer, origin, product, ...at };
        checks.push(async () =>
          expect(await answer(`/v1/tariffs/effective?${new URLSearchParams(query).toString()}`)).toEqual(
            evaluateTariffs(events, query),
          ),
        );
      }
      for (const [imposer, item, destination] of CONTROL_QUESTIONS) {
        const query = { imposer, item, destination, ...at };
        checks.push(async () =>
          expect(await answer(`/v1/export-controls/active?${new URLSearchParams(query).toString()}`)).toEqual(
            {
              controls: evaluateExportControls(events, query),
            },
          ),
        );
      }
      for (const id of new Set([...policy.map((event) => event.streamId), 'no-such-measure'])) {
        checks.push(async () =>
          expect(await answer(`/v1/measures/${id}?${new URLSearchParams(at).toString()}`)).toEqual(
            evaluateMeasure(events, id, at),
          ),
        );
      }
    }
    for (let next = 0; next < checks.length; next += PARALLEL_READS) {
      await Promise.all(checks.slice(next, next + PARALLEL_READS).map((check) => check()));
    }
    expect(checks.length).toBeGreaterThan(500);
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
