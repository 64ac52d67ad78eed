import type { AnyEventEnvelope } from '@ledger/contracts';
import { Journal } from '@ledger/journal';
import { eventually } from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort } from './support/app-process';
import { KEYS, prepareLedger, type Ledger } from './support/ledger-harness';
import { citation, imposeReciprocalOnChina, raiseTo84 } from './support/policy-bodies';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

/** What a client relies on in a write's answer: the event and the headers that name it. */
const firstAnswerOf = ({ status, headers, body }: Answer) => ({
  status,
  body,
  etag: headers.etag,
  location: headers.location,
  consistencyToken: headers['consistency-token'],
});

/**
 * Idempotency keys are kept in the journal's database, not in the process: a client retrying
 * after the admin API crashed and came back gets the first answer again, and nothing is appended.
 */
describe('idempotency across an admin API restart', () => {
  let ledger: Ledger;
  let api: AppProcess;
  let baseUrl: string;
  let journal: Journal;

  const start = async () => {
    api = AppProcess.start('admin-api', ledger.env, Number(new URL(baseUrl).port));
    await eventually(async () => {
      if (api.exitedWith() !== undefined) throw new Error(`admin-api exited:\n${api.output()}`);
      expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    });
  };

  const post = async (path: string, body: unknown, headers: Record<string, string>): Promise<Answer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEYS.admin}`, 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  const policyEvents = async () =>
    (await journal.readCommitted(0, 10_000)).filter((event) => event.streamType !== 'ledger');

  beforeAll(async () => {
    await ensureBuilt();
    ledger = await prepareLedger();
    baseUrl = `http://127.0.0.1:${await freePort()}`;
    journal = new Journal(ledger.db.pool);
    await start();
  });

  afterAll(async () => {
    await api?.stop();
    await ledger?.close();
  });

  it('answers a retry after the restart with the first answer (Idempotent-Replayed), appends nothing, and refuses the key with another body (422)', async () => {
    const create = imposeReciprocalOnChina('restart-measure');
    const created = await post('/v1/tariff-measures', create, { 'Idempotency-Key': 'restart-create-1' });
    expect(created.status).toBe(201);
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    const raised = await post('/v1/tariff-measures/restart-measure/rate-changes', raiseTo84, {
      'Idempotency-Key': 'restart-raise-1',
      'If-Match': '"1"',
    });
    expect(raised.status).toBe(201);

    expect(await api.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    await start();
    // The stream moves on, so a retry of the raise could only succeed as a replay.
    const later = await post(
      '/v1/tariff-measures/restart-measure/suspensions',
      { validFrom: '2025-05-14T04:01:00Z', citation },
      { 'If-Match': '"2"' },
    );
    expect(later.status).toBe(201);
    const before = await policyEvents();

    const createdAgain = await post('/v1/tariff-measures', create, { 'Idempotency-Key': 'restart-create-1' });
    const raisedAgain = await post('/v1/tariff-measures/restart-measure/rate-changes', raiseTo84, {
      'Idempotency-Key': 'restart-raise-1',
      'If-Match': '"1"',
    });
    expect([createdAgain, raisedAgain].map(firstAnswerOf)).toEqual([created, raised].map(firstAnswerOf));
    expect([createdAgain, raisedAgain].map((answer) => answer.headers['idempotent-replayed'])).toEqual([
      'true',
      'true',
    ]);

    const reused = await post(
      '/v1/tariff-measures',
      { ...create, rate: 35 },
      { 'Idempotency-Key': 'restart-create-1' },
    );
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'idempotency-key-reused' });

    expect(await policyEvents()).toEqual(before);
    expect(before.map((event) => [event.streamVersion, event.id])).toEqual([
      [1, (created.body as unknown as AnyEventEnvelope).id],
      [2, (raised.body as unknown as AnyEventEnvelope).id],
      [3, (later.body as unknown as AnyEventEnvelope).id],
    ]);
  });
});
