import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import {
  API_KEY_STREAM_ID,
  type Actor,
  type RecordedEnvelope,
  type ApiKeyChange,
  type ApiKeyRole,
  type JournalEvent,
} from '@ledger/contracts';
import { inTransaction } from '@ledger/database';
import { Journal, StreamVersionConflict, appendInTransaction, reservePositions } from '@ledger/journal';
import {
  generateApiKey,
  hashSecret,
  type HashAlgorithm,
  type PresentedKey,
  type StoredSecret,
} from './key-format';

/** A key as access.api_keys holds it. */
export interface ApiKeyRecord extends StoredSecret {
  readonly keyId: string;
  readonly role: ApiKeyRole;
  readonly label: string;
  readonly createdAt: Date;
  readonly createdBy: string;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly rotatedFrom: string | null;
  readonly replacedBy: string | null;
}

/** Live: neither revoked nor past its expiry. */
export function isLive(record: ApiKeyRecord, now = Date.now()): boolean {
  return record.revokedAt === null && (record.expiresAt === null || record.expiresAt.getTime() > now);
}

export function statusOf(record: ApiKeyRecord, now = Date.now()): 'active' | 'expired' | 'revoked' {
  if (record.revokedAt !== null) return 'revoked';
  return isLive(record, now) ? 'active' : 'expired';
}

/**
 * Who changes a key: an admin key (by its id), or the system for bootstrap registration and
 * the operator CLI (`bootstrap`, `operator:<user>`). The journal event's actor is this.
 */
export type KeyActor = Actor;

/** No key has this id. */
export class UnknownApiKey extends Error {
  override readonly name = 'UnknownApiKey';
  constructor(readonly keyId: string) {
    super(`API key ${keyId} does not exist`);
  }
}

/** The key is revoked or expired (or already rotated), so it cannot be changed this way. */
export class ApiKeyNotLive extends Error {
  override readonly name = 'ApiKeyNotLive';
}

/** The change asks for something the key cannot take, e.g. an expiry in the past. */
export class InvalidKeyChange extends Error {
  override readonly name = 'InvalidKeyChange';
}

const COLUMNS = `key_id, role, label, algorithm, salt, key_hash, created_at, created_by, expires_at,
  revoked_at, last_used_at, rotated_from, replaced_by`;

const FIND = `SELECT ${COLUMNS} FROM access.api_keys WHERE key_id = $1`;
const LIST = `SELECT ${COLUMNS} FROM access.api_keys ORDER BY created_at, key_id`;

// Every write below is one of the SECURITY DEFINER functions of schema access: the apps' roles
// may read access.* and execute those, nothing else.
const CREATE = `SELECT (access.create_api_key($1, $2, $3, $4, $5, $6, $7)).key_id`;
const REGISTER_BOOTSTRAP = `SELECT access.register_bootstrap_key($1, $2, $3, $4, $5) AS registered`;
const ROTATE = `SELECT (access.rotate_api_key($1, $2, $3, $4, make_interval(secs => $5), $6, $7)).key_id`;
const SET_EXPIRY = `SELECT (access.set_api_key_expiry($1, $2)).key_id`;
const REVOKE = `SELECT (access.revoke_api_key($1)).key_id`;
const TOUCH = `SELECT access.touch_api_key($1)`;

/** Key changes queue on the stream row of their journal stream, so its version is known. */
const LOCK_KEY_STREAM = `SELECT version FROM journal.streams WHERE stream_id = $1 FOR UPDATE`;

interface KeyRow {
  key_id: string;
  role: ApiKeyRole;
  label: string;
  algorithm: HashAlgorithm;
  salt: string | null;
  key_hash: string;
  created_at: Date;
  created_by: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  rotated_from: string | null;
  replaced_by: string | null;
}

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    keyId: row.key_id,
    role: row.role,
    label: row.label,
    algorithm: row.algorithm,
    salt: row.salt,
    hash: row.key_hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    rotatedFrom: row.rotated_from,
    replacedBy: row.replaced_by,
  };
}

/** The SQLSTATEs the access functions raise, as the errors above. */
function keyChangeError(error: unknown, keyId: string): unknown {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'P0002') return new UnknownApiKey(keyId);
  if (code === '55000') return new ApiKeyNotLive(message);
  if (code === '22023') return new InvalidKeyChange(message);
  return error;
}

/** An issued key, shown once, and its record. */
export interface IssuedKey {
  readonly key: string;
  readonly record: ApiKeyRecord;
}

export interface NewKey {
  readonly role: ApiKeyRole;
  readonly label: string;
  readonly expiresAt: Date | null;
}

/**
 * The API keys in access.api_keys. Every change runs in one transaction with the journal event
 * that records it (stream `ledger-api-keys`), so no key changes unrecorded and no event records
 * a change that did not happen. The relay publishes those events like every other.
 */
export class KeyStore {
  constructor(private readonly pool: Pool) {}

  async find(keyId: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.pool.query<KeyRow>(FIND, [keyId]);
    return rows.length === 0 ? null : toRecord(rows[0]);
  }

  async list(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<KeyRow>(LIST);
    return rows.map(toRecord);
  }

  create(request: NewKey, actor: KeyActor): Promise<IssuedKey> {
    const { key, keyId, secret } = generateApiKey();
    const stored = hashSecret(secret);
    return this.change(keyId, actor, async (client) => {
      await client.query(CREATE, [
        keyId,
        request.role,
        request.label,
        stored.salt,
        stored.hash,
        request.expiresAt,
        actor.keyId,
      ]);
      const record = await findOn(client, keyId);
      return { result: { key, record }, event: { type: 'ApiKeyCreated', data: changeOf(record, actor) } };
    });
  }

  /**
   * Registers a bootstrap key when no key has its id, recording it; a key already there is left
   * exactly as it is (revoked stays revoked). The caller checks the returned record.
   */
  async registerBootstrap(
    presented: PresentedKey,
    role: ApiKeyRole,
  ): Promise<{ registered: boolean; record: ApiKeyRecord }> {
    const existing = await this.find(presented.keyId);
    if (existing) return { registered: false, record: existing };
    const stored = hashSecret(presented.secret);
    const actor: KeyActor = { keyId: 'bootstrap', role: 'system' };
    return this.change(presented.keyId, actor, async (client) => {
      const { rows } = await client.query<{ registered: boolean }>(REGISTER_BOOTSTRAP, [
        presented.keyId,
        role,
        `bootstrap ${role} key`,
        stored.salt,
        stored.hash,
      ]);
      const record = await findOn(client, presented.keyId);
      const registered = rows[0].registered;
      // Another process registered it first, and recorded the event.
      const event: JournalEvent | undefined = registered
        ? { type: 'ApiKeyCreated', data: changeOf(record, actor) }
        : undefined;
      return { result: { registered, record }, event };
    });
  }

  /** A new key for the same role and label; the old one stays valid for `overlapSeconds`. */
  rotate(
    keyId: string,
    options: { readonly overlapSeconds: number; readonly expiresAt: Date | null },
    actor: KeyActor,
  ): Promise<IssuedKey & { readonly previous: ApiKeyRecord }> {
    const { key, keyId: newKeyId, secret } = generateApiKey();
    const stored = hashSecret(secret);
    return this.change(keyId, actor, async (client) => {
      await client.query(ROTATE, [
        keyId,
        newKeyId,
        stored.salt,
        stored.hash,
        options.overlapSeconds,
        options.expiresAt,
        actor.keyId,
      ]);
      const record = await findOn(client, newKeyId);
      const previous = await findOn(client, keyId);
      return {
        result: { key, record, previous },
        event: {
          type: 'ApiKeyRotated',
          data: {
            ...changeOf(record, actor),
            rotatedFrom: keyId,
            rotatedFromExpiresAt: (previous.expiresAt ?? new Date()).toISOString(),
          },
        },
      };
    });
  }

  /** Sets the expiry of a live key; null: it never expires. */
  setExpiry(keyId: string, expiresAt: Date | null, actor: KeyActor): Promise<ApiKeyRecord> {
    return this.change(keyId, actor, async (client) => {
      await client.query(SET_EXPIRY, [keyId, expiresAt]);
      const record = await findOn(client, keyId);
      return { result: record, event: { type: 'ApiKeyExpirySet', data: changeOf(record, actor) } };
    });
  }

  revoke(keyId: string, actor: KeyActor): Promise<ApiKeyRecord> {
    return this.change(keyId, actor, async (client) => {
      await client.query(REVOKE, [keyId]);
      const record = await findOn(client, keyId);
      return { result: record, event: { type: 'ApiKeyRevoked', data: changeOf(record, actor) } };
    });
  }

  /** Records that the key was used (the function writes at most once a minute per key). */
  async touch(keyId: string): Promise<void> {
    await this.pool.query(TOUCH, [keyId]);
  }

  /** The key events in the journal, oldest first. */
  async events(): Promise<RecordedEnvelope[]> {
    return (await new Journal(this.pool).readStream(API_KEY_STREAM_ID))?.events ?? [];
  }

  /**
   * Runs one key change and appends its event in the same transaction. The first change ever
   * creates the stream; two such at once conflict, and the loser tries again.
   */
  private async change<T>(
    keyId: string,
    actor: KeyActor,
    work: (client: PoolClient) => Promise<{ result: T; event?: JournalEvent }>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await inTransaction(this.pool, async (client) => {
          // Before the first write: the position must be taken with the transaction's id. A
          // change that appends no event leaves it as a gap.
          const reservation = await reservePositions(client, API_KEY_STREAM_ID, 1);
          const locked = await client.query<{ version: number }>(LOCK_KEY_STREAM, [API_KEY_STREAM_ID]);
          const { result, event } = await work(client);
          if (event) {
            await appendInTransaction(
              client,
              {
                streamId: API_KEY_STREAM_ID,
                streamType: 'ledger',
                expectedVersion: locked.rows[0]?.version ?? 0,
                events: [event],
                actor,
                correlationId: `api-key-${randomUUID()}`,
                causationId: null,
                citation: null,
              },
              reservation,
            );
          }
          return result;
        });
      } catch (error) {
        if (error instanceof StreamVersionConflict && attempt < 3) continue;
        throw keyChangeError(error, keyId);
      }
    }
  }
}

async function findOn(client: PoolClient, keyId: string): Promise<ApiKeyRecord> {
  const { rows } = await client.query<KeyRow>(FIND, [keyId]);
  return toRecord(rows[0]);
}

function changeOf(record: ApiKeyRecord, actor: KeyActor): ApiKeyChange {
  return {
    keyId: record.keyId,
    role: record.role,
    label: record.label,
    expiresAt: record.expiresAt?.toISOString() ?? null,
    actor: actor.keyId,
  };
}
