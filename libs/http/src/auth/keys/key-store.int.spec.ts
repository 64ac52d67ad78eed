import { API_KEY_STREAM_ID, upcastEnvelope } from '@ledger/contracts';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { parseIssuedKey, secretMatches } from './key-format';
import { ApiKeyNotLive, InvalidKeyChange, KeyStore, UnknownApiKey, type KeyActor } from './key-store';

const ADMIN: KeyActor = { keyId: 'key-00000000a0a0', role: 'admin' };
const OPERATOR: KeyActor = { keyId: 'operator:alice', role: 'system' };

describe('API key store on real Postgres (the access functions)', () => {
  let db: TestDatabase;
  let store: KeyStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new KeyStore(db.pool);
  });

  afterAll(async () => {
    await db.drop();
  });

  const keyEvents = async () =>
    (await store.events()).map(({ type, actor, data }) => ({ type, actor, data }));
  const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000);

  it('creates a key, keeps only a salted hash of its secret, and records ApiKeyCreated in the journal', async () => {
    const before = (await store.events()).length;
    const { key, record } = await store.create(
      { role: 'reader', label: 'dashboards', expiresAt: null },
      ADMIN,
    );
    const presented = parseIssuedKey(key);
    expect(presented?.keyId).toBe(record.keyId);
    expect(record).toMatchObject({
      role: 'reader',
      label: 'dashboards',
      algorithm: 'hmac-sha256',
      createdBy: ADMIN.keyId,
    });
    expect(secretMatches(presented?.secret ?? '', record)).toBe(true);
    const { rows } = await db.pool.query('SELECT key_hash FROM access.api_keys WHERE key_id = $1', [
      record.keyId,
    ]);
    expect(rows[0].key_hash).not.toContain(presented?.secret);

    const events = await keyEvents();
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toEqual({
      type: 'ApiKeyCreated',
      actor: ADMIN,
      data: { keyId: record.keyId, role: 'reader', label: 'dashboards', expiresAt: null, actor: ADMIN.keyId },
    });
    expect(JSON.stringify(await store.events())).not.toContain(presented?.secret);
    expect(JSON.stringify(await store.events())).not.toContain(record.hash);
  });

  it('refuses revoking a key twice, and an unknown key, writing nothing either time', async () => {
    const { record } = await store.create({ role: 'admin', label: 'ci', expiresAt: null }, OPERATOR);
    const revoked = await store.revoke(record.keyId, OPERATOR);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    const events = await store.events();
    expect(events.at(-1)).toMatchObject({
      type: 'ApiKeyRevoked',
      data: { keyId: record.keyId, actor: 'operator:alice' },
    });

    await expect(store.revoke(record.keyId, OPERATOR)).rejects.toBeInstanceOf(ApiKeyNotLive);
    await expect(store.revoke('key-ffffffffffff', OPERATOR)).rejects.toBeInstanceOf(UnknownApiKey);
    await expect(store.setExpiry(record.keyId, hoursFromNow(1), OPERATOR)).rejects.toBeInstanceOf(
      ApiKeyNotLive,
    );
    await expect(
      store.rotate(record.keyId, { overlapSeconds: 60, expiresAt: null }, OPERATOR),
    ).rejects.toBeInstanceOf(ApiKeyNotLive);
    expect(await store.events()).toEqual(events);
    expect((await store.find(record.keyId))?.revokedAt).toEqual(revoked.revokedAt);
  });

  it('sets, clears and refuses expiries: never in the past, never on an expired key', async () => {
    const { record } = await store.create(
      { role: 'auditor', label: 'yearly audit', expiresAt: hoursFromNow(48) },
      ADMIN,
    );
    const later = hoursFromNow(72);
    expect((await store.setExpiry(record.keyId, later, ADMIN)).expiresAt).toEqual(later);
    expect((await store.events()).at(-1)).toMatchObject({
      type: 'ApiKeyExpirySet',
      data: { keyId: record.keyId, expiresAt: later.toISOString() },
    });
    expect((await store.setExpiry(record.keyId, null, ADMIN)).expiresAt).toBeNull();
    const events = await store.events();
    await expect(store.setExpiry(record.keyId, new Date(Date.now() - 1000), ADMIN)).rejects.toBeInstanceOf(
      InvalidKeyChange,
    );
    await expect(
      store.create({ role: 'reader', label: 'too late', expiresAt: new Date(Date.now() - 1000) }, ADMIN),
    ).rejects.toBeInstanceOf(InvalidKeyChange);

    const soon = new Date(Date.now() + 300);
    await store.setExpiry(record.keyId, soon, ADMIN);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(store.setExpiry(record.keyId, hoursFromNow(1), ADMIN)).rejects.toThrow(/has expired/);
    expect(await store.events()).toHaveLength(events.length + 1);
  });

  it('rotates: a new key of the same role, the old one valid for the overlap, rotated once only', async () => {
    const { record: old } = await store.create(
      { role: 'admin', label: 'deploy bot', expiresAt: null },
      ADMIN,
    );
    const started = Date.now();
    const rotated = await store.rotate(
      old.keyId,
      { overlapSeconds: 3600, expiresAt: hoursFromNow(24 * 90) },
      ADMIN,
    );
    expect(rotated.record).toMatchObject({ role: 'admin', label: 'deploy bot', rotatedFrom: old.keyId });
    expect(parseIssuedKey(rotated.key)?.keyId).toBe(rotated.record.keyId);
    expect(rotated.previous.replacedBy).toBe(rotated.record.keyId);
    const overlapEnds = rotated.previous.expiresAt?.getTime() ?? 0;
    expect(overlapEnds).toBeGreaterThanOrEqual(started + 3600_000 - 1000);
    expect(overlapEnds).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
    expect((await store.events()).at(-1)).toMatchObject({
      type: 'ApiKeyRotated',
      data: {
        keyId: rotated.record.keyId,
        rotatedFrom: old.keyId,
        rotatedFromExpiresAt: rotated.previous.expiresAt?.toISOString(),
      },
    });
    await expect(store.rotate(old.keyId, { overlapSeconds: 60, expiresAt: null }, ADMIN)).rejects.toThrow(
      /already rotated/,
    );
  });

  it('a rotation never lengthens the old key past an earlier expiry', async () => {
    const soon = hoursFromNow(1);
    const { record: old } = await store.create(
      { role: 'reader', label: 'short-lived', expiresAt: soon },
      ADMIN,
    );
    const rotated = await store.rotate(old.keyId, { overlapSeconds: 86_400, expiresAt: null }, ADMIN);
    expect(rotated.previous.expiresAt).toEqual(soon);
  });

  it('registers a bootstrap key once and then leaves it as it is, revoked included', async () => {
    const presented = { keyId: 'key-b0075742a900', secret: 'bootstrap-secret-of-at-least-32-chars' };
    const first = await store.registerBootstrap(presented, 'admin');
    expect(first.registered).toBe(true);
    expect(first.record).toMatchObject({ createdBy: 'bootstrap', label: 'bootstrap admin key' });
    await store.revoke(presented.keyId, OPERATOR);
    const events = await store.events();

    const again = await store.registerBootstrap(presented, 'reader');
    expect(again.registered).toBe(false);
    expect(again.record).toMatchObject({ role: 'admin', revokedAt: expect.any(Date) });
    expect(await store.events()).toEqual(events);
    expect(
      events
        .map(upcastEnvelope)
        .filter((event) => event.type === 'ApiKeyCreated' && event.data.keyId === presented.keyId),
    ).toEqual([expect.objectContaining({ actor: { keyId: 'bootstrap', role: 'system' } })]);
  });

  it('records uses at most once a minute per key', async () => {
    const { record } = await store.create({ role: 'reader', label: 'busy', expiresAt: null }, ADMIN);
    await store.touch(record.keyId);
    const first = (await store.find(record.keyId))?.lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    await store.touch(record.keyId);
    expect((await store.find(record.keyId))?.lastUsedAt).toEqual(first);
  });

  it('keeps every key change in one hash-chained ledger stream', async () => {
    const { rows } = await db.pool.query(
      'SELECT stream_type, version FROM journal.streams WHERE stream_id = $1',
      [API_KEY_STREAM_ID],
    );
    expect(rows).toEqual([{ stream_type: 'ledger', version: (await store.events()).length }]);
  });

  it('lets the database refuse a write to access.* other than through the functions, for a role granted only those', async () => {
    const role = `keys_reader_${process.pid}`;
    await db.pool.query(`CREATE ROLE ${role} NOLOGIN`);
    try {
      await db.pool.query(`GRANT USAGE ON SCHEMA access, journal TO ${role}`);
      await db.pool.query(`GRANT SELECT ON ALL TABLES IN SCHEMA access TO ${role}`);
      await db.pool.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA access TO ${role}`);
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SET LOCAL ROLE ${role}`);
        const { rows } = await client.query(
          `SELECT (access.create_api_key('key-0000000c0de1', 'reader', 'via function', $1, $2, NULL, 'test')).key_id`,
          ['0'.repeat(32), '1'.repeat(64)],
        );
        expect(rows).toEqual([{ key_id: 'key-0000000c0de1' }]);
        await expect(client.query(`UPDATE access.api_keys SET revoked_at = NULL`)).rejects.toThrow(
          /permission denied/,
        );
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    } finally {
      await db.pool.query(`REVOKE ALL ON ALL FUNCTIONS IN SCHEMA access FROM ${role}`);
      await db.pool.query(`REVOKE ALL ON ALL TABLES IN SCHEMA access FROM ${role}`);
      await db.pool.query(`REVOKE ALL ON SCHEMA access, journal FROM ${role}`);
      await db.pool.query(`DROP ROLE ${role}`);
    }
  });
});
