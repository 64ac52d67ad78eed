import { loadConfig } from '@ledger/config';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { ApiKeys, BootstrapKeyConflict, KEY_CACHE_TTL_MS } from './api-keys';
import { generateApiKey } from './keys/key-format';
import type { KeyActor } from './keys/key-store';

const OPERATOR: KeyActor = { keyId: 'operator:test', role: 'system' };
const FREE_FORM_ADMIN = 'free-form-admin-key-0000000000000001';
const ISSUED_READER = generateApiKey().key;

describe('API key authentication on real Postgres (cache, bootstrap keys)', () => {
  let db: TestDatabase;
  let keys: ApiKeys;
  let queries: jest.SpyInstance;

  const start = async (env: Record<string, string> = {}): Promise<ApiKeys> => {
    const started = new ApiKeys(
      db.pool,
      loadConfig({ ADMIN_API_KEY: FREE_FORM_ADMIN, READER_API_KEY: ISSUED_READER, ...env }),
    );
    await started.onApplicationBootstrap();
    return started;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    keys = await start();
  });

  afterAll(async () => {
    await db.drop();
  });

  beforeEach(() => {
    queries = jest.spyOn(db.pool, 'query');
  });

  afterEach(() => {
    queries.mockRestore();
  });

  it('identifies bootstrap keys of both kinds, from the database once, then from the cache', async () => {
    const admin = await keys.identify(FREE_FORM_ADMIN);
    expect(admin).toEqual({ keyId: expect.stringMatching(/^key-[0-9a-f]{12}$/), role: 'admin' });
    expect(await keys.identify(ISSUED_READER)).toEqual({ keyId: ISSUED_READER.slice(4, 20), role: 'reader' });
    expect(await keys.identify(FREE_FORM_ADMIN)).toEqual(admin);
    expect(await keys.identify(ISSUED_READER)).toMatchObject({ role: 'reader' });
    // One lookup per key; what else ran is the background record of use.
    const lookups = queries.mock.calls.filter(([sql]) => String(sql).includes('FROM access.api_keys'));
    expect(lookups.map((call) => call[1] as unknown)).toEqual([[admin?.keyId], [ISSUED_READER.slice(4, 20)]]);
  });

  it('refuses malformed keys and other free-form strings without a query', async () => {
    for (const key of [
      '',
      'short',
      'x'.repeat(200),
      `tpl_key-0123456789ab_${'a'.repeat(42)}`,
      `${FREE_FORM_ADMIN}x`,
    ]) {
      expect(await keys.identify(key)).toBeNull();
    }
    expect(queries).not.toHaveBeenCalled();
  });

  it('never caches an unknown id: each attempt asks the database, and a wrong secret of a known id is refused', async () => {
    const unknown = generateApiKey().key;
    expect(await keys.identify(unknown)).toBeNull();
    expect(await keys.identify(unknown)).toBeNull();
    expect(queries).toHaveBeenCalledTimes(2);
    const wrongSecret = `${ISSUED_READER.slice(0, 21)}${'A'.repeat(43)}`;
    expect(await keys.identify(wrongSecret)).toBeNull();
  });

  it('refuses a key revoked through this process at once, and through another within the cache TTL', async () => {
    const mine = await keys.store.create({ role: 'reader', label: 'mine', expiresAt: null }, OPERATOR);
    const theirs = await keys.store.create({ role: 'reader', label: 'theirs', expiresAt: null }, OPERATOR);
    expect(await keys.identify(mine.key)).toMatchObject({ keyId: mine.record.keyId });
    expect(await keys.identify(theirs.key)).toMatchObject({ keyId: theirs.record.keyId });

    await keys.store.revoke(mine.record.keyId, OPERATOR);
    keys.forget(mine.record.keyId);
    expect(await keys.identify(mine.key)).toBeNull();

    const elsewhere = await start();
    await elsewhere.store.revoke(theirs.record.keyId, OPERATOR);
    const revokedAt = Date.now();
    while ((await keys.identify(theirs.key)) !== null) {
      expect(Date.now() - revokedAt).toBeLessThan(KEY_CACHE_TTL_MS + 1000);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  it('refuses an expired key', async () => {
    const { key, record } = await keys.store.create(
      { role: 'auditor', label: 'brief', expiresAt: new Date(Date.now() + 500) },
      OPERATOR,
    );
    expect(await keys.identify(key)).toMatchObject({ keyId: record.keyId });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await keys.identify(key)).toBeNull();
  });

  it('records when a key was last used', async () => {
    const { key, record } = await keys.store.create(
      { role: 'reader', label: 'used', expiresAt: null },
      OPERATOR,
    );
    expect(record.lastUsedAt).toBeNull();
    await keys.identify(key);
    for (let attempt = 0; (await keys.store.find(record.keyId))?.lastUsedAt === null; attempt += 1) {
      expect(attempt).toBeLessThan(50);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it('keeps a revoked bootstrap key revoked when the app starts again, and refuses one held for another role', async () => {
    const admin = await keys.identify(FREE_FORM_ADMIN);
    await keys.store.revoke(admin?.keyId ?? '', OPERATOR);
    const restarted = await start();
    expect(await restarted.identify(FREE_FORM_ADMIN)).toBeNull();
    expect((await restarted.store.find(admin?.keyId ?? ''))?.revokedAt).toBeInstanceOf(Date);

    await expect(
      start({ ADMIN_API_KEY: ISSUED_READER, READER_API_KEY: generateApiKey().key }),
    ).rejects.toThrow(BootstrapKeyConflict);
    await expect(
      start({ ADMIN_API_KEY: ISSUED_READER, READER_API_KEY: generateApiKey().key }),
    ).rejects.toThrow(/ADMIN_API_KEY is key key-[0-9a-f]{12}, which the database holds as a reader key/);
    const sameIdOtherSecret = `${ISSUED_READER.slice(0, 21)}${'B'.repeat(43)}`;
    await expect(start({ READER_API_KEY: sameIdOtherSecret })).rejects.toThrow(
      /READER_API_KEY names key key-[0-9a-f]{12}, which the database holds with another secret/,
    );
  });
});
