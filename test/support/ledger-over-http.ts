import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { RecordedEnvelope } from '@ledger/contracts';
import { testProjectorGroup, type TestDatabase } from '@ledger/testing';
import { AdminApiModule } from '../../apps/admin-api/src/admin-api.module';
import { ProjectorModule } from '../../apps/projector/src/projector.module';
import { RelayModule } from '../../apps/relay/src/relay.module';
import { KEYS, prepareLedger, startInProcess, type Ledger } from './ledger-harness';

/**
 * The whole ledger in this process for a test file that enters real events through the API and
 * reads the views back: the admin API, the relay and the projector (each as its own database
 * role and Kafka principal) on a fresh database and topic. `start` in beforeAll, `stop` in
 * afterAll.
 */
export function ledgerOverHttp(name: string) {
  let ledger: Ledger | undefined;
  let apps: INestApplication[] = [];

  const server = () => {
    if (apps.length === 0) throw new Error('ledgerOverHttp: start it first');
    return apps[0].getHttpServer() as Parameters<typeof request>[0];
  };

  /** An admin's write, as the raw answer (for tests of refusals). */
  const post = (path: string, body: unknown) =>
    request(server())
      .post(path)
      .set({ Authorization: `Bearer ${KEYS.admin}` })
      .send(body as object);

  /** An admin's write that must be accepted (201): the event it recorded. */
  const write = async (path: string, body: unknown): Promise<RecordedEnvelope> => {
    const response = await post(path, body);
    expect({ path, status: response.status, body: response.body as unknown }).toMatchObject({
      path,
      status: 201,
    });
    return response.body as RecordedEnvelope;
  };

  /** A reader's read that waits (Consistency-Token) until the read models hold the write at `token`. */
  const read = async <T>(path: string, token: number): Promise<T> => {
    const response = await request(server())
      .get(path)
      .set({ Authorization: `Bearer ${KEYS.reader}`, 'Consistency-Token': String(token) });
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    return response.body as T;
  };

  return {
    /** The admin API's HTTP server, for requests the helpers do not make. */
    server,
    /** The ledger's database, as the superuser (for looking into the journal). */
    database: (): TestDatabase => {
      if (!ledger) throw new Error('ledgerOverHttp: start it first');
      return ledger.db;
    },
    post,
    write,
    read,

    async start(): Promise<void> {
      ledger = await prepareLedger();
      const env = { ...ledger.env, PROJECTOR_GROUP_ID: testProjectorGroup(name) };
      apps = [
        await startInProcess(AdminApiModule, env, 'admin-api'),
        await startInProcess(RelayModule, env, 'relay'),
        await startInProcess(ProjectorModule, env, 'projector'),
      ];
    },

    async stop(): Promise<void> {
      for (const app of [...apps].reverse()) await app.close();
      await ledger?.close();
    },
  };
}
