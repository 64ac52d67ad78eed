import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { TargetPolicy, TargetRefused, deliveryAgent } from './target-policy';

describe('deliveries connect only where the target policy allows', () => {
  let server: Server;
  let port: number;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(204).end();
    });
    // Both loopback addresses, whichever `localhost` resolves to here.
    await new Promise<void>((resolve) => server.listen(0, '::', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function post(policy: TargetPolicy): Promise<number | Error> {
    const agent = deliveryAgent(policy);
    try {
      const response = await fetch(`http://localhost:${port}/hook`, { method: 'POST', dispatcher: agent });
      return response.status;
    } catch (error) {
      return (error as Error).cause as Error;
    } finally {
      await agent.close();
    }
  }

  it('refuses a name that resolves inside the network, before any byte is sent', async () => {
    const before = requests;
    const outcome = await post(TargetPolicy.parse(undefined));
    expect(outcome).toBeInstanceOf(TargetRefused);
    expect(String(outcome)).toMatch(/localhost resolves to .* not a public address/);
    expect(requests).toBe(before);
  });

  it('connects when the operator opened the network the name resolves to', async () => {
    const before = requests;
    expect(await post(TargetPolicy.parse('127.0.0.0/8,::1/128'))).toBe(204);
    expect(requests).toBe(before + 1);
  });
});
