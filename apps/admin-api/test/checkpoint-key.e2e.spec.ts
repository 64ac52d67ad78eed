import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import {
  CHECKPOINT_STREAM_ID,
  checkpointKeyId,
  parseCheckpointPublicKey,
  signCheckpoint,
} from '@ledger/contracts';
import { Journal } from '@ledger/journal';
import { KEYS, inProcessApps } from '../../../test/support/ledger-harness';
import { AdminApiModule } from '../src/admin-api.module';

describe("the ledger's checkpoints over HTTP", () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const apis = inProcessApps(AdminApiModule, 'admin-api', {
    ADMIN_API_KEY: KEYS.admin,
    READER_API_KEY: KEYS.reader,
    AUDITOR_API_KEY: KEYS.auditor,
  });
  const start = (env: Record<string, string>) => apis.start(env);

  afterAll(() => apis.stop());

  it('serves the configured public key to anyone, with the key id checkpoints carry', async () => {
    const app = await start({
      CHECKPOINT_PUBLIC_KEY: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    });
    const response = await request(app.getHttpServer())
      .get('/v1/ledger/checkpoint-key')
      .set('Authorization', `Bearer ${KEYS.reader}`)
      .expect(200);
    expect(response.body).toEqual({
      algorithm: 'ed25519',
      keyId: checkpointKeyId(publicKey),
      publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    });
    expect(parseCheckpointPublicKey(response.body.publicKey as string).equals(publicKey)).toBe(true);
    // Public by nature: the same answer without a key.
    const anonymous = await request(app.getHttpServer()).get('/v1/ledger/checkpoint-key').expect(200);
    expect(anonymous.body).toEqual(response.body);
  });

  it('answers 404 with a stable code when no key is configured', async () => {
    delete process.env.CHECKPOINT_PUBLIC_KEY;
    const app = await start({});
    const response = await request(app.getHttpServer())
      .get('/v1/ledger/checkpoint-key')
      .set('Authorization', `Bearer ${KEYS.auditor}`)
      .expect(404);
    expect(response.body).toMatchObject({ code: 'checkpoint-key-not-configured' });
  });

  it("takes no write into the ledger's own stream: neither a creation with its id nor a retraction", async () => {
    const journal = new Journal((await apis.database()).pool);
    const statement = {
      ...(await journal.checkpointStatementAt(0)),
      position: 1,
      eventCount: 1,
      streamCount: 1,
    };
    const [checkpoint] = (
      await journal.append({
        streamId: CHECKPOINT_STREAM_ID,
        streamType: 'ledger',
        expectedVersion: 0,
        events: [{ type: 'LedgerCheckpointSigned', data: signCheckpoint(statement, privateKey) }],
        actor: { keyId: 'relay', role: 'system' },
        correlationId: 'checkpoint',
        causationId: null,
        citation: null,
      })
    ).events;
    const app = await start({});
    const created = await request(app.getHttpServer())
      .post('/v1/agreements')
      .set('Authorization', `Bearer ${KEYS.admin}`)
      .send({
        id: CHECKPOINT_STREAM_ID,
        parties: ['US', 'CN'],
        title: 'Joint statement',
        concludedAt: '2025-05-12T08:00:00Z',
        summary: 'A pause',
        relatedMeasureIds: [],
        citation: { reference: 'Joint statement' },
      });
    expect(created.status).toBe(409);
    expect(created.body).toMatchObject({ code: 'stream-exists' });
    const retracted = await request(app.getHttpServer())
      .post(`/v1/streams/${CHECKPOINT_STREAM_ID}/retractions`)
      .set('Authorization', `Bearer ${KEYS.admin}`)
      .send({ retractedEventId: checkpoint.id, reason: 'Unwanted', citation: { reference: 'None' } });
    expect(retracted.status).toBe(409);
    expect(retracted.body).toMatchObject({ code: 'wrong-stream-type' });
    expect((await journal.readStream(CHECKPOINT_STREAM_ID))?.version).toBe(1);
  });
});
