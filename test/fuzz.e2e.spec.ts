import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { KEYS, prepareLedger, type Ledger } from './support/ledger-harness';
import { AppProcess, ensureBuilt, freePort } from './support/app-process';
import { imposeReciprocalOnChina, rareEarthControl } from './support/policy-bodies';

/*
 * Property: whatever arrives at the admin API — generated from its own OpenAPI document, then
 * mutated — the answer is never a 5xx (but the documented 503 of a read-your-writes wait), a refused request appends nothing, and the process
 * stays up with flat memory.
 */

const REQUESTS = 5_000;
const WARM_UP = 500;
/** Generous: garbage collection is lazy, but a leak per request would pass this many times over. */
const RSS_GROWTH_BOUND = 150 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 30_000;
/** Requests in flight at once: enough to overlap waits, few enough for a loaded 2-core machine. */
const CONCURRENCY = 4;
const BATCH = 100;
/** A run is reproducible: FUZZ_SEED repeats one, otherwise each run tries new inputs. */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

interface Schema {
  readonly $ref?: string;
  readonly type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly example?: unknown;
  readonly items?: Schema;
  readonly properties?: Record<string, Schema>;
  readonly required?: readonly string[];
  readonly nullable?: boolean;
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
}

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly schema?: Schema;
}

interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content: Record<string, { readonly schema: Schema }> };
}

interface OpenApi {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly schemas?: Record<string, Schema> };
}

interface Route {
  readonly method: string;
  readonly path: string;
  readonly operation: Operation;
}

interface FuzzRequest {
  readonly route: Route;
  readonly method: string;
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body?: string;
}

// ---- values: from the schema, with mutations mixed in at every leaf ---------------------------

const INSTANTS = [
  '2025-04-09T04:01:00Z',
  '2025-04-09T04:01:00.123456789+08:00',
  '1900-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:00:00-23:59',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '2025-02-29T00:00:00Z',
  '2025-04-20',
  '2025-04-09T24:00:00Z',
  '2025-04-09T04:01:00+24:00',
];

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/** What an attacker or a broken client puts where any value belongs. */
const mutant: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', 'a\u0000b', '\u0000', '\uD800', '😀'.repeat(50), "' OR 1=1 --", '{"$gt":""}'),
  fc.constantFrom(...INSTANTS),
  fc.integer({ min: 10, max: 1_000 }).map(nested),
  fc.constantFrom(1_000, 100_000, 300_000).map((length) => 'x'.repeat(length)),
  fc.constantFrom(
    -1,
    0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    0.1 + 0.2,
    null,
    true,
    [],
    {},
    JSON.parse('{"__proto__":{"admin":true}}') as unknown,
  ),
);

/** Bodies no serializer would write: nesting deeper than any stack, broken and duplicated JSON. */
const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1_000, max: 100_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 1_000, max: 50_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.constantFrom('{"id":"a","id":"b"}', '{', 'null', '"text"', '1', '\u0000', '{"a":"\\u0000"}', ''),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

function resolve(schema: Schema, document: OpenApi): Schema {
  if (!schema.$ref) return schema;
  return document.components?.schemas?.[schema.$ref.split('/').at(-1) ?? ''] ?? {};
}

function proper(schema: Schema, document: OpenApi, depth: number): fc.Arbitrary<unknown> {
  const own = resolve(schema, document);
  const alternatives = own.oneOf ?? own.anyOf ?? own.allOf;
  if (alternatives) return fc.oneof(...alternatives.map((each) => valueOf(each, document, depth + 1)));
  if (own.enum) return fc.constantFrom(...own.enum);
  const example = own.example === undefined ? [] : [fc.constant(own.example)];
  switch (own.type) {
    case 'string':
      if (own.format === 'date-time') return fc.oneof(fc.constantFrom(...INSTANTS), fc.date().map(String));
      return fc.oneof(
        ...example,
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{2,20}$/),
        fc.string({ maxLength: 30 }),
      );
    case 'number':
      return fc.oneof(...example, fc.double({ noNaN: true }), fc.integer({ min: 0, max: 1000 }));
    case 'integer':
      return fc.oneof(...example, fc.integer());
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 4
        ? fc.constant([])
        : fc.array(valueOf(own.items ?? {}, document, depth + 1), { maxLength: 3 });
    case 'object':
    case undefined: {
      if (depth > 4 || !own.properties) return fc.oneof(...example, fc.jsonValue({ maxDepth: 2 }));
      const required = new Set(own.required ?? []);
      return fc.record(
        Object.fromEntries(
          Object.entries(own.properties).map(([name, property]) => [
            name,
            valueOf(property, document, depth + 1),
          ]),
        ),
        { requiredKeys: Object.keys(own.properties).filter((name) => required.has(name)) },
      );
    }
  }
}

/** Mostly what the schema says, sometimes a mutant: most bodies are wrong somewhere, some are fine. */
function valueOf(schema: Schema, document: OpenApi, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 30, arbitrary: proper(schema, document, depth) },
    { weight: 1, arbitrary: mutant },
  );
}

// ---- requests ---------------------------------------------------------------------------------

const KNOWN_IDS = ['fuzz-measure', 'fuzz-control', 'no-such-stream'];
const HEADER_NAMES = [
  'If-Match',
  'Idempotency-Key',
  'Last-Event-ID',
  'Consistency-Token',
  'X-Correlation-Id',
  'Accept',
  'Accept-Encoding',
  'Content-Encoding',
  'X-Forwarded-For',
  'Range',
];
/** Header values Node can send: visible ASCII and spaces, no line breaks. */
const headerValue = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{0,80}$/),
  fc.constantFrom('"1"', '"999999999999"', '*', 'gzip', 'bytes=0-1', '-1', '1e400', 'x'.repeat(4_000)),
);

const authorization = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(KEYS.admin, KEYS.reader, KEYS.auditor).map((key) => `Bearer ${key}`),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,64}$/).map((token) => `Bearer ${token}`) },
  { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Basic YWRtaW46YWRtaW4=', `bearer ${KEYS.admin}`, '') },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'application/merge-patch+json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      undefined,
    ),
  },
);

/**
 * A value as URL text: cut to 2 000 characters (Node refuses a request line over its 16 KiB
 * header limit with 431 and drops the connection, before the app is reached), and lone
 * surrogates, which have no UTF-8 form to percent-encode, replaced.
 */
function inUrl(value: unknown): string {
  return (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))
    .slice(0, 2_000)
    .replace(/[\uD800-\uDFFF]/g, '?');
}

function requestOf(route: Route, document: OpenApi): fc.Arbitrary<FuzzRequest> {
  const parameters = route.operation.parameters ?? [];
  const ofKind = (kind: Parameter['in']) => parameters.filter((parameter) => parameter.in === kind);
  const pathValues = fc.tuple(
    ...ofKind('path').map(() =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...KNOWN_IDS) },
        {
          weight: 1,
          arbitrary: mutant.map(inUrl),
        },
      ),
    ),
  );
  const query = fc.record(
    Object.fromEntries(
      ofKind('query').map((parameter) => [parameter.name, valueOf(parameter.schema ?? {}, document)]),
    ),
    { requiredKeys: [] },
  );
  const schema = Object.values(route.operation.requestBody?.content ?? {})[0]?.schema;
  const body = schema
    ? fc.oneof(
        { weight: 30, arbitrary: valueOf(schema, document).map((value) => JSON.stringify(value) ?? '') },
        { weight: 1, arbitrary: rawBody },
      )
    : fc.constant(undefined);
  const extraHeaders = fc.array(fc.tuple(fc.constantFrom(...HEADER_NAMES), headerValue), { maxLength: 4 });
  const method = fc.oneof(
    { weight: 20, arbitrary: fc.constant(route.method) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
  );
  return fc
    .record({
      pathValues,
      query,
      body,
      extraHeaders,
      method,
      authorization,
      contentType,
      twice: fc.boolean(),
    })
    .map(({ pathValues, query, body, extraHeaders, method, authorization, contentType, twice }) => {
      let index = 0;
      const path = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(pathValues[index++] ?? ''));
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined) search.append(name, inUrl(value));
      }
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of extraHeaders) {
        // Duplicated headers are sent as separate header lines.
        const previous = headers[name];
        headers[name] = previous === undefined ? value : [String(previous), value];
      }
      if (authorization !== undefined)
        headers.Authorization = twice ? [authorization, authorization] : authorization;
      if (body !== undefined && contentType !== undefined) headers['Content-Type'] = contentType;
      const queryText = search.toString();
      return {
        route,
        method,
        path: queryText === '' ? path : `${path}?${queryText}`,
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      };
    });
}

interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  /** The problem's code, read for 5xx answers only. */
  readonly code?: string;
}

function problemCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { code?: unknown };
    return typeof parsed.code === 'string' ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * No projector runs here, so a read that sends a Consistency-Token the read models have not
 * reached is answered, as documented, 503 read-models-behind after CONSISTENCY_WAIT_MS: the one
 * 5xx that is not a finding.
 */
function isFinding(answer: Answer): boolean {
  if (answer.status === 0) return true;
  return answer.status >= 500 && !(answer.status === 503 && answer.code === 'read-models-behind');
}

/**
 * A connection per request: a refusal sent before the body was read closes its connection, and
 * a kept-alive client could race that close; a hang-up on a fresh connection is a finding.
 */
const agent = new Agent({ keepAlive: false });

/** Sends one request; an event stream's answer is taken from its status and then dropped. */
function send(port: number, fuzz: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: fuzz.method,
        path: fuzz.path,
        headers: fuzz.headers,
        agent,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        const answer = {
          status: response.statusCode ?? 0,
          replayed: response.headers['idempotent-replayed'] === 'true',
        };
        if (String(response.headers['content-type']).startsWith('text/event-stream')) {
          response.destroy();
          resolve(answer);
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          if (answer.status >= 500) chunks.push(chunk);
        });
        response.on('end', () => {
          const problem = chunks.length > 0 ? problemCode(Buffer.concat(chunks).toString('utf8')) : undefined;
          resolve({ ...answer, code: problem });
        });
        response.on('error', reject);
      },
    );
    call.on('timeout', () => call.destroy(new Error(`no answer to ${fuzz.method} ${fuzz.path} in time`)));
    call.on('error', reject);
    call.end(fuzz.body);
  });
}

// ---- the run ----------------------------------------------------------------------------------

describe('fuzzing the admin API from its OpenAPI document', () => {
  let ledger: Ledger;
  let api: AppProcess;
  let port: number;

  beforeAll(async () => {
    await ensureBuilt();
    ledger = await prepareLedger({ partitions: 1 });
    port = await freePort();
    api = AppProcess.start(
      'admin-api',
      {
        ...ledger.env,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_KEY: '10000000',
        RATE_LIMIT_PER_ADDRESS: '10000000',
        // No projector runs here: a read with a Consistency-Token waits this long, then 503s.
        // It must stay well inside the client's REQUEST_TIMEOUT_MS, or a wait reads as a hang.
        CONSISTENCY_WAIT_MS: '2000',
      },
      port,
    );
    for (let i = 0; i < 600; i++) {
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) break;
      await new Promise((done) => setTimeout(done, 100));
    }
  });

  afterAll(async () => {
    agent.destroy();
    await api?.stop();
    await ledger?.close();
  });

  it(`answers ${REQUESTS} generated requests across every route with no 5xx, appends nothing on a refusal, and stays up with flat memory`, async () => {
    const base = `http://127.0.0.1:${port}`;
    const document = (await (await fetch(`${base}/docs-json`)).json()) as OpenApi;
    const routes: Route[] = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operation,
      })),
    );
    routes.push(
      { method: 'GET', path: '/metrics', operation: {} },
      { method: 'GET', path: '/docs-json', operation: {} },
    );
    expect(routes.length).toBeGreaterThan(20);

    const admin = { Authorization: `Bearer ${KEYS.admin}`, 'Content-Type': 'application/json' };
    for (const [path, body] of [
      ['/v1/tariff-measures', imposeReciprocalOnChina('fuzz-measure')],
      ['/v1/export-controls', rareEarthControl('fuzz-control')],
    ] as const) {
      expect(
        (await fetch(`${base}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) }))
          .status,
      ).toBe(201);
    }
    const eventCount = async () =>
      Number(
        (await ledger.db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM journal.events')).rows[0]
          .n,
      );
    const before = await eventCount();

    const perRoute = new Map<string, number>();
    const perClass = new Map<string, number>();
    let appended = 0;
    let sent = 0;
    let rssAfterWarmUp = 0;
    // Each route's arbitrary is built once; every route is equally likely.
    const generated = fc.oneof(...routes.map((route) => requestOf(route, document)));
    const failures: string[] = [];
    const worker = async (index: number) => {
      // Each worker walks its own seeded sequence: a failure names the seed that reproduces it.
      const seed = SEED + index;
      for (let batch = 0; sent < REQUESTS; batch++) {
        for (const fuzz of fc.sample(generated, { numRuns: BATCH, seed: seed * 1_000 + batch })) {
          if (sent >= REQUESTS) return;
          sent += 1;
          if (sent === WARM_UP) rssAfterWarmUp = await api.metric('process_resident_memory_bytes');
          const answer: Answer & { error?: unknown } = await send(port, fuzz).catch((error: unknown) => ({
            status: 0,
            replayed: false,
            error,
          }));
          const name = `${fuzz.route.method} ${fuzz.route.path}`;
          perRoute.set(name, (perRoute.get(name) ?? 0) + 1);
          const statusClass =
            answer.status === 0
              ? 'no answer'
              : answer.code === 'read-models-behind'
                ? '503 read-models-behind'
                : `${Math.floor(answer.status / 100)}xx`;
          perClass.set(statusClass, (perClass.get(statusClass) ?? 0) + 1);
          if (answer.status === 201 && fuzz.method === 'POST' && !answer.replayed) appended += 1;
          if (isFinding(answer)) {
            const why = answer.error instanceof Error ? answer.error.message : '';
            failures.push(
              `${answer.status} ${why} (seed ${seed * 1_000 + batch}) ${fuzz.method} ${fuzz.path.slice(0, 300)} ${JSON.stringify(fuzz.headers).slice(0, 300)} ${String(fuzz.body).slice(0, 300)}`,
            );
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => worker(index)));

    const rssAtEnd = await api.metric('process_resident_memory_bytes');
    console.log(
      [
        `fuzz (FUZZ_SEED=${SEED}): ${sent} requests, ${appended} appended`,
        `by status class: ${JSON.stringify(Object.fromEntries([...perClass].sort()))}`,
        `RSS after warm-up ${(rssAfterWarmUp / 2 ** 20).toFixed(0)} MiB, at the end ${(rssAtEnd / 2 ** 20).toFixed(0)} MiB`,
        'by route:',
        ...[...perRoute].sort().map(([route, count]) => `  ${String(count).padStart(5)}  ${route}`),
      ].join('\n'),
    );
    expect(failures).toEqual([]);
    expect(sent).toBe(REQUESTS);
    expect(new Set(perRoute.keys())).toEqual(new Set(routes.map((route) => `${route.method} ${route.path}`)));
    expect(await eventCount()).toBe(before + appended);
    expect(api.exitedWith()).toBeUndefined();
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect(rssAtEnd - rssAfterWarmUp).toBeLessThan(RSS_GROWTH_BOUND);
  });
});
