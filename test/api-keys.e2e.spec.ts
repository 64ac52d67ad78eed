import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { API_KEY_STREAM_ID, upcastEnvelope, type RecordedEnvelope } from '@ledger/contracts';
import { Journal } from '@ledger/journal';
import { eventually } from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort, runAuditor } from './support/app-process';
import { KEYS, prepareLedger, type Ledger } from './support/ledger-harness';
import { readTopicContent } from './support/relay-harness';

const run = promisify(execFile);
const KEYS_SCRIPT = path.join(__dirname, '../scripts/keys.js');
/** How long another process may go on accepting a key revoked elsewhere (the cache TTL) plus slack. */
const TTL_WITH_SLACK_MS = 5_000 + 3_000;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * The key lifecycle against a real admin API process, with the relay and the projector running:
 * keys made, rotated, expired and revoked over HTTP and the operator CLI; each change in the
 * journal and on the topic; bootstrap keys that stay revoked across restarts; the auditor's own
 * endpoints; weak bootstrap keys refused at start.
 */
describe('API key lifecycle', () => {
  let ledger: Ledger;
  let journal: Journal;
  let port: number;
  let api: AppProcess;
  const others: AppProcess[] = [];

  const startApi = async (env: Record<string, string> = {}) => {
    api = AppProcess.start('admin-api', { ...ledger.env, ...env }, port);
    await eventually(async () => {
      if (api.exitedWith() !== undefined) throw new Error(`admin-api exited:\n${api.output()}`);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    });
  };

  const call = async (method: string, url: string, key: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`http://127.0.0.1:${port}${url}`, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  const keyEvents = async (): Promise<RecordedEnvelope[]> =>
    (await journal.readStream(API_KEY_STREAM_ID))?.events ?? [];

  const cli = (...args: string[]) =>
    run(process.execPath, [KEYS_SCRIPT, ...args], {
      env: { ...process.env, DATABASE_URL: ledger.db.url },
    }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  beforeAll(async () => {
    await ensureBuilt();
    ledger = await prepareLedger();
    journal = new Journal(ledger.db.pool);
    port = await freePort();
    await startApi();
    others.push(AppProcess.start('relay', ledger.env), AppProcess.start('projector', ledger.env));
  });

  afterAll(async () => {
    await Promise.all([api, ...others].map((app) => app.stop()));
    await ledger.close();
  });

  it('registers the bootstrap keys once, each recorded as ApiKeyCreated by bootstrap', async () => {
    const events = await keyEvents();
    expect(events.map((event) => [event.type, event.data])).toEqual(
      (['admin', 'reader', 'auditor'] as const).map((role) => [
        'ApiKeyCreated',
        {
          keyId: expect.stringMatching(/^key-/),
          role,
          label: `bootstrap ${role} key`,
          expiresAt: null,
          actor: 'bootstrap',
        },
      ]),
    );
    expect(events[2].data).toMatchObject({ keyId: KEYS.auditor.slice(4, 20) });
  });

  it('creates, lists, rotates with an overlap, sets the expiry of and revokes a key over HTTP', async () => {
    const created = await call('POST', '/v1/keys', KEYS.admin, { role: 'admin', label: 'release pipeline' });
    expect(created.status).toBe(201);
    const first = created.body as { keyId: string; key: string };
    expect(first.key).toMatch(new RegExp(`^tpl_${first.keyId}_[A-Za-z0-9_-]{43}$`));
    expect((await call('GET', '/v1/keys', first.key)).status).toBe(200);

    const listed = await call('GET', '/v1/keys', KEYS.admin);
    expect(listed.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          keyId: first.keyId,
          role: 'admin',
          status: 'active',
          createdBy: expect.stringMatching(/^key-/),
        }),
      ]),
    );
    expect(JSON.stringify(listed.body)).not.toContain(first.key.slice(21));
    expect(JSON.stringify(listed.body)).not.toMatch(/hash|salt/);

    const rotated = await call('POST', `/v1/keys/${first.keyId}/rotate`, first.key, { overlapSeconds: 3 });
    expect(rotated.status).toBe(201);
    const second = rotated.body as {
      keyId: string;
      key: string;
      rotatedFrom: string;
      previous: { expiresAt: string };
    };
    expect(second.rotatedFrom).toBe(first.keyId);
    expect((await call('GET', '/v1/keys', first.key)).status).toBe(200);
    expect((await call('GET', '/v1/keys', second.key)).status).toBe(200);
    await new Promise((resolve) =>
      setTimeout(resolve, Date.parse(second.previous.expiresAt) - Date.now() + 200),
    );
    expect((await call('GET', '/v1/keys', first.key)).status).toBe(401);
    expect((await call('GET', '/v1/keys', second.key)).status).toBe(200);
    expect((await call('POST', `/v1/keys/${first.keyId}/rotate`, second.key, {})).status).toBe(409);

    const expiry = new Date(Date.now() + 86_400_000).toISOString();
    const set = await call('PUT', `/v1/keys/${second.keyId}/expiry`, KEYS.admin, { expiresAt: expiry });
    expect(set).toMatchObject({ status: 200, body: { keyId: second.keyId, expiresAt: expiry } });

    const revoked = await call('POST', `/v1/keys/${second.keyId}/revoke`, KEYS.admin);
    expect(revoked).toMatchObject({ status: 200, body: { status: 'revoked' } });
    expect((await call('GET', '/v1/keys', second.key)).status).toBe(401);
    expect(await call('POST', `/v1/keys/${second.keyId}/revoke`, KEYS.admin)).toMatchObject({
      status: 409,
      body: { code: 'key-not-live' },
    });

    const types = (await keyEvents())
      .slice(3)
      .map((event) => [event.type, (event.data as { keyId?: string }).keyId, event.actor.role]);
    expect(types).toEqual([
      ['ApiKeyCreated', first.keyId, 'admin'],
      ['ApiKeyRotated', second.keyId, 'admin'],
      ['ApiKeyExpirySet', second.keyId, 'admin'],
      ['ApiKeyRevoked', second.keyId, 'admin'],
    ]);
  });

  it('answers bad requests with 4xx problems and writes nothing', async () => {
    const before = await keyEvents();
    const invalid = await call('POST', '/v1/keys', KEYS.admin, {
      role: 'root',
      label: '',
      expiresAt: '2000-01-01T00:00:00Z',
      extra: 1,
    });
    expect(invalid.status).toBe(400);
    expect((invalid.body.errors as { field: string }[]).map((error) => error.field).sort()).toEqual(
      expect.arrayContaining(['expiresAt', 'label', 'role']),
    );
    expect((await call('POST', '/v1/keys/key-ffffffffffff/revoke', KEYS.admin)).status).toBe(404);
    expect((await call('POST', '/v1/keys/not-a-key/revoke', KEYS.admin)).status).toBe(404);
    expect(
      (await call('PUT', '/v1/keys/key-ffffffffffff/expiry', KEYS.admin, { expiresAt: null })).status,
    ).toBe(404);
    expect(
      (await call('POST', '/v1/keys/key-ffffffffffff/rotate', KEYS.admin, { overlapSeconds: -1 })).status,
    ).toBe(400);
    expect((await call('POST', '/v1/keys', KEYS.reader, { role: 'admin', label: 'escalation' })).status).toBe(
      403,
    );
    expect((await call('POST', '/v1/keys', 'tpl_key-0123456789ab_' + 'a'.repeat(43), {})).status).toBe(401);
    expect(await keyEvents()).toEqual(before);
  });

  it('refuses a key the operator CLI revoked, within the cache TTL, and records the operator', async () => {
    const { body } = await call('POST', '/v1/keys', KEYS.admin, { role: 'reader', label: 'cli revocation' });
    const { keyId, key } = body as { keyId: string; key: string };
    expect((await call('GET', '/v1/audit/keys', key)).status).toBe(403);

    const revoked = await cli('revoke', keyId);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ keyId, status: 'revoked' });
    const revokedAt = Date.now();
    await eventually(async () => expect((await call('GET', '/v1/audit/keys', key)).status).toBe(401), {
      timeoutMs: TTL_WITH_SLACK_MS,
      intervalMs: 250,
    });
    expect(Date.now() - revokedAt).toBeLessThan(TTL_WITH_SLACK_MS);
    expect((await keyEvents()).at(-1)).toMatchObject({
      type: 'ApiKeyRevoked',
      actor: { keyId: expect.stringMatching(/^operator:/), role: 'system' },
      data: { keyId, actor: expect.stringMatching(/^operator:/) },
    });
    expect(await cli('revoke', keyId)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('is revoked'),
    });
    expect(await cli('create', '--role', 'root', '--label', 'x')).toMatchObject({ code: 2 });
  });

  it('gives the auditor its own endpoints, and admin and reader keys a 403 there', async () => {
    await ledger.db.pool.query(
      `INSERT INTO projector.dead_letters (kind, reason, topic, partition, "offset", raw_value, raw_headers)
       VALUES ('unparseable', 'not JSON', $1, 0, 7, '\\x00ff', '{}')`,
      [ledger.topic],
    );
    try {
      await expectAuditorOnly();
    } finally {
      await ledger.db.pool.query(`DELETE FROM projector.dead_letters`);
    }
  });

  const expectAuditorOnly = async () => {
    for (const url of [
      '/v1/audit/keys',
      '/v1/audit/dead-letters',
      `/v1/audit/streams/${API_KEY_STREAM_ID}/verify`,
    ]) {
      expect([url, (await call('GET', url, KEYS.admin)).status]).toEqual([url, 403]);
      expect([url, (await call('GET', url, KEYS.reader)).status]).toEqual([url, 403]);
    }

    const audited = await call('GET', '/v1/audit/keys', KEYS.auditor);
    expect(audited.status).toBe(200);
    const { keys, events } = audited.body as { keys: { status: string }[]; events: RecordedEnvelope[] };
    expect(keys.map((key) => key.status)).toEqual(expect.arrayContaining(['active', 'expired', 'revoked']));
    expect(events).toEqual(await keyEvents());

    const letters = await call('GET', '/v1/audit/dead-letters?limit=1', KEYS.auditor);
    expect(letters).toMatchObject({
      status: 200,
      body: {
        items: [{ kind: 'unparseable', offset: '7', value: Buffer.from([0, 255]).toString('base64') }],
      },
    });
    const next = (letters.body as { next: string }).next;
    expect(await call('GET', `/v1/audit/dead-letters?limit=1&after=${next}`, KEYS.auditor)).toMatchObject({
      status: 200,
      body: { items: [], next: null },
    });
    expect((await call('GET', '/v1/audit/dead-letters?limit=0', KEYS.auditor)).status).toBe(400);

    expect(await call('GET', `/v1/audit/streams/${API_KEY_STREAM_ID}/verify`, KEYS.auditor)).toMatchObject({
      status: 200,
      body: { ok: true, streamType: 'ledger', events: (await keyEvents()).length },
    });
    expect((await call('GET', '/v1/audit/streams/no-such-stream/verify', KEYS.auditor)).status).toBe(404);
  };

  it('publishes the key events like every event, and auditor verify passes with them', async () => {
    const inJournal = (await keyEvents()).map((event) => event.id);
    await eventually(async () => {
      const onTopic = (await readTopicContent(ledger.kafka, ledger.topic)).events.map((event) => event.id);
      expect(onTopic).toEqual(expect.arrayContaining(inJournal));
    });
    await eventually(async () => {
      const verified = await runAuditor(['verify'], { databaseUrl: ledger.db.url, topic: ledger.topic });
      expect({ code: verified.code, stdout: verified.stdout }).toEqual({
        code: 0,
        stdout: expect.stringMatching(/^verify OK/),
      });
    });
  });

  it('keeps a revoked bootstrap key revoked when the admin API starts again', async () => {
    const [, reader] = (await keyEvents()).map(upcastEnvelope);
    const readerId = reader.type === 'ApiKeyCreated' ? reader.data.keyId : '';
    expect((await call('POST', `/v1/keys/${readerId}/revoke`, KEYS.admin)).status).toBe(200);
    expect((await call('GET', '/v1/events?limit=1', KEYS.reader)).status).toBe(401);
    await api.stop();
    await startApi();
    expect((await call('GET', '/v1/events?limit=1', KEYS.reader)).status).toBe(401);
    expect(api.output()).toMatch(/READER_API_KEY is revoked or expired and stays so/);
  });

  it.each([
    ['ADMIN_API_KEY', 'changeme'.repeat(5), 'ADMIN_API_KEY must not be a default or example value'],
    ['READER_API_KEY', 'short-reader-key', 'READER_API_KEY must be at least 32 characters'],
    ['AUDITOR_API_KEY', KEYS.admin, "AUDITOR_API_KEY must not be the same key as another role's"],
  ])('refuses to start with a weak %s: exit 1 naming it', async (name, value, message) => {
    const weak = AppProcess.start('admin-api', { ...ledger.env, [name]: value });
    expect(await weak.exited).toEqual({ code: 1, signal: null });
    expect(weak.output()).toContain(message);
  });
});
