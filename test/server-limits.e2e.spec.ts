import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { AdminApiModule } from '../apps/admin-api/src/admin-api.module';
import { listen } from '@ledger/http';
import { inProcessApps } from './support/ledger-harness';

/** Opens a TCP connection; resolves with whether the server kept it open for `holdMs`. */
function connection(port: number, holdMs: number): Promise<{ socket: Socket; kept: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => (closed = true));
    socket.once('connect', () => setTimeout(() => resolve({ socket, kept: !closed }), holdMs));
  });
}

describe('Node server limits and bind addresses from the configuration', () => {
  const apis = inProcessApps(AdminApiModule, 'admin-api', { PORT: '0' });
  const start = (env: Record<string, string>) => apis.start(env);

  afterAll(() => apis.stop());

  it('applies the timeouts to the HTTP server', async () => {
    const app = await start({
      HTTP_HEADERS_TIMEOUT_MS: '7000',
      HTTP_REQUEST_TIMEOUT_MS: '9000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '3000',
    });
    expect(app.getHttpServer()).toMatchObject({
      headersTimeout: 7000,
      requestTimeout: 9000,
      keepAliveTimeout: 3000,
    });
  });

  it('drops connections over HTTP_MAX_CONNECTIONS', async () => {
    const app = await start({ HTTP_MAX_CONNECTIONS: '2' });
    await listen(app, 'operations');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const held = [await connection(port, 100), await connection(port, 100)];
    expect(held.map((each) => each.kept)).toEqual([true, true]);
    const third = await connection(port, 300);
    expect(third.kept).toBe(false);
    for (const { socket } of [...held, third]) socket.destroy();
  });

  it('serves operational ports on OPS_HOST, 127.0.0.1 unless set, and the API on HTTP_HOST', async () => {
    const address = (app: INestApplication) =>
      ((app.getHttpServer() as Server).address() as AddressInfo).address;
    const operations = await start({});
    await listen(operations, 'operations');
    expect(address(operations)).toBe('127.0.0.1');
    const elsewhere = await start({ OPS_HOST: '127.0.0.3' });
    await listen(elsewhere, 'operations');
    expect(address(elsewhere)).toBe('127.0.0.3');
    const api = await start({ HTTP_HOST: '127.0.0.4' });
    await listen(api, 'api');
    expect(address(api)).toBe('127.0.0.4');
  });
});
