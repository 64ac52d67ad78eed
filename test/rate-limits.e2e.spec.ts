import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { AdminApiModule } from '../apps/admin-api/src/admin-api.module';
import { KEYS, prepareLedger, startInProcess, type Ledger } from './support/ledger-harness';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A GET from a chosen loopback address, so one test can be two clients. */
function get(port: number, path: string, key: string | null, from: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        localAddress: from,
        headers: key === null ? {} : { Authorization: `Bearer ${key}` },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
          }),
        );
      },
    );
    call.on('error', reject);
    call.end();
  });
}

const PER_KEY = 3;
const PER_ADDRESS = 5;
const A = '127.0.0.1';
const B = '127.0.0.2';

function expectRateLimited(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ status: 429, code: 'rate-limited', type: '/problems/rate-limited' });
  const retryAfter = Number(answer.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('rate limits per API key and per client address', () => {
  let ledger: Ledger;
  let api: INestApplication;
  let port: number;

  beforeAll(async () => {
    ledger = await prepareLedger({ partitions: 1 });
    api = await startInProcess(
      AdminApiModule,
      {
        ...ledger.env,
        RATE_LIMIT_PER_KEY: String(PER_KEY),
        RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
        RATE_LIMIT_WINDOW_MS: '60000',
      },
      'admin-api',
    );
    await api.listen(0, '0.0.0.0');
    port = ((api.getHttpServer() as Server).address() as AddressInfo).port;
  });

  afterAll(async () => {
    await api?.close();
    await ledger?.close();
  });

  it('refuses a key after its burst with a 429 problem and Retry-After, while another key goes on', async () => {
    for (let i = 0; i < PER_KEY; i++) {
      expect((await get(port, '/v1/events', KEYS.reader, A)).status).toBe(200);
    }
    expectRateLimited(await get(port, '/v1/events', KEYS.reader, A));
    expect((await get(port, '/v1/events', KEYS.admin, A)).status).toBe(200);
  });

  it('refuses an address after its burst, whatever the key, while another address goes on', async () => {
    // Five requests came from A so far: the next one is over its limit.
    expectRateLimited(await get(port, '/v1/events', KEYS.auditor, A));
    expectRateLimited(await get(port, '/v1/events', null, A));
    expect((await get(port, '/v1/events', KEYS.auditor, B)).status).toBe(200);
  });

  it('never limits health probes and metrics', async () => {
    expect((await get(port, '/health/live', null, A)).status).toBe(200);
    expect((await get(port, '/metrics', null, A)).status).toBe(200);
  });
});
