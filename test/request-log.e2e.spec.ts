import { eventually } from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort } from './support/app-process';
import { KEYS, prepareLedger, type Ledger } from './support/ledger-harness';
import { imposeReciprocalOnChina } from './support/policy-bodies';

interface RequestLine {
  readonly name: string;
  readonly msg: string;
  readonly method: string;
  readonly route?: string;
  readonly path?: string;
  readonly status: number;
  readonly ms: number;
  readonly keyId?: string;
  readonly correlationId: string;
  readonly [other: string]: unknown;
}

/** The admin API's request log at `info`, read from the stdout of a real process. */
describe('request log', () => {
  let ledger: Ledger;
  let api: AppProcess;
  let base: string;

  const requestLines = (): RequestLine[] =>
    api
      .output('stdout')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as RequestLine)
      .filter((line) => line.msg === 'request' || line.msg === 'request failed');

  const lineOf = async (correlationId: string): Promise<{ line: RequestLine; bytes: number }> => {
    let found: RequestLine | undefined;
    await eventually(() => {
      found = requestLines().find((line) => line.correlationId === correlationId);
      expect(found).toBeDefined();
    });
    const raw = api
      .output('stdout')
      .split('\n')
      .find((line) => line.includes(`"correlationId":"${correlationId}"`) && line.includes('"msg":"request'));
    return { line: found as RequestLine, bytes: Buffer.byteLength(raw ?? '') };
  };

  const send = (path: string, init: RequestInit & { correlationId: string }) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        'X-Correlation-Id': init.correlationId,
        'User-Agent': 'a-user-agent-that-must-not-be-logged',
        ...(init.headers as Record<string, string>),
      },
    });

  beforeAll(async () => {
    await ensureBuilt();
    ledger = await prepareLedger();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = AppProcess.start('admin-api', { ...ledger.env, LOG_LEVEL: 'info' }, port);
    await eventually(async () => {
      if (api.exitedWith() !== undefined) throw new Error(`admin-api exited:\n${api.output()}`);
      expect((await fetch(`${base}/health`)).status).toBe(200);
    });
  });

  afterAll(async () => {
    await api?.stop();
    await ledger?.close();
  });

  it('logs a write as one compact line: method, route, status, duration, key id, correlation id', async () => {
    const response = await send('/v1/tariff-measures', {
      correlationId: 'log-write-1',
      method: 'POST',
      headers: { Authorization: `Bearer ${KEYS.admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(imposeReciprocalOnChina('log-test-measure')),
    });
    expect(response.status).toBe(201);
    const { line, bytes } = await lineOf('log-write-1');
    expect(line).toEqual({
      level: 30,
      time: expect.any(Number),
      pid: expect.any(Number),
      name: 'admin-api',
      correlationId: 'log-write-1',
      method: 'POST',
      route: '/v1/tariff-measures',
      status: 201,
      ms: expect.any(Number),
      keyId: expect.stringMatching(/^[A-Za-z0-9-]+$/),
      msg: 'request',
    });
    expect(bytes).toBeLessThan(300);
  });

  it('names the matched route, not the URL: ids and query strings stay out', async () => {
    const response = await send('/v1/measures/log-test-measure?asOf=2025-05-01T00:00:00Z', {
      correlationId: 'log-read-1',
      headers: { Authorization: `Bearer ${KEYS.reader}` },
    });
    expect(response.status).toBeLessThan(500);
    const { line } = await lineOf('log-read-1');
    expect(line).toMatchObject({ method: 'GET', route: '/v1/measures/:id', status: response.status });
    expect(JSON.stringify(line)).not.toContain('log-test-measure');
    expect(JSON.stringify(line)).not.toContain('asOf');
  });

  it('never logs headers: not the key, not the user agent, not on a refused request', async () => {
    const response = await send('/v1/tariffs/effective?imposer=US&origin=CN&product=850511', {
      correlationId: 'log-refused-1',
      headers: { Authorization: 'Bearer tpl_not-a-key_000000000000000000000000000000000000' },
    });
    expect(response.status).toBe(401);
    const { line } = await lineOf('log-refused-1');
    expect(line).toMatchObject({ route: '/v1/tariffs/effective', status: 401 });
    expect(line.keyId).toBeUndefined();
    const everything = api.output();
    expect(everything).not.toContain('a-user-agent-that-must-not-be-logged');
    expect(everything).not.toContain(KEYS.admin);
    expect(everything).not.toContain(KEYS.reader);
    expect(everything).not.toContain('tpl_not-a-key');
  });

  it('logs a path that matched no route cut short, without its query', async () => {
    const long = `/v1/${'x'.repeat(500)}`;
    const response = await send(`${long}?secret=query`, {
      correlationId: 'log-unrouted-1',
      headers: { Authorization: `Bearer ${KEYS.reader}` },
    });
    expect(response.status).toBe(404);
    const { line } = await lineOf('log-unrouted-1');
    expect(line.route).toBeUndefined();
    expect(line.path).toBe(long.slice(0, 120));
    expect(JSON.stringify(line)).not.toContain('secret');
  });

  it('does not log probes', async () => {
    await send('/health/ready', { correlationId: 'log-probe-1' });
    await send('/v1/tariffs/effective?imposer=US&origin=CN&product=850511', {
      correlationId: 'log-after-probe-1',
      headers: { Authorization: `Bearer ${KEYS.reader}` },
    });
    await lineOf('log-after-probe-1');
    expect(requestLines().filter((line) => line.correlationId === 'log-probe-1')).toEqual([]);
  });
});
