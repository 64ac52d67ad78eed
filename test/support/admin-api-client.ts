import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from '../../apps/admin-api/openapi/schema';

/** The media types the client reads: JSON answers, and problems (a typed `error`). */
type Answers = 'application/json' | 'application/problem+json';

/** The admin API as its OpenAPI document types it: paths, parameters, bodies, answers and problems. */
export type AdminApiClient = Client<paths, Answers>;

/** A schema of the admin API's document, by name: `Schema<'EffectiveTariffsDto'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** The query parameters of an operation, by its operationId: `QueryOf<'readsTariffChanges'>`. */
export type QueryOf<Id extends keyof operations> = NonNullable<operations[Id]['parameters']['query']>;

/**
 * A typed client (openapi-fetch) of an admin API served by `server`, calling with `key`: a field
 * renamed on the server and not in a test's use of it fails to compile, once the document is
 * regenerated. The server is put on an ephemeral port of 127.0.0.1 when it is not listening yet.
 */
export async function adminApiClient(server: Server, key: string): Promise<AdminApiClient> {
  if (!server.listening) {
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen(0, '127.0.0.1', () => listening());
    });
  }
  const { port } = server.address() as AddressInfo;
  return createClient<paths, Answers>({
    baseUrl: `http://127.0.0.1:${port}`,
    headers: { Authorization: `Bearer ${key}` },
  });
}
