import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Pool } from 'pg';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { PG_POOL } from '@ledger/database';
import {
  derivedKeyId,
  parseIssuedKey,
  presentedBootstrapKey,
  secretMatches,
  type PresentedKey,
} from './keys/key-format';
import { KeyStore, isLive, type ApiKeyRecord } from './keys/key-store';

export type Role = 'admin' | 'reader' | 'auditor';

export interface Caller {
  readonly keyId: string;
  readonly role: Role;
}

/**
 * How long a key read from the database is trusted: a revocation or expiry change made by
 * another process (another API instance, the operator CLI) takes effect within this time.
 */
export const KEY_CACHE_TTL_MS = 5_000;
/** Bounded by the number of real keys, as unknown ids are never cached; this only caps it. */
const KEY_CACHE_MAX = 10_000;
/** last_used_at is kept to the minute: a busy key writes no more often than that. */
const TOUCH_EVERY_MS = 60_000;

/** A bootstrap key from the environment that the database holds differently: start-up stops. */
export class BootstrapKeyConflict extends Error {
  override readonly name = 'BootstrapKeyConflict';
}

interface CachedKey {
  readonly record: ApiKeyRecord;
  /** Whether this process recorded a use of the key since it read the record. */
  touched: boolean;
}

const BOOTSTRAP_VARIABLES: Record<Role, string> = {
  admin: 'ADMIN_API_KEY',
  reader: 'READER_API_KEY',
  auditor: 'AUDITOR_API_KEY',
};

@Injectable()
export class ApiKeys implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeys.name);
  private readonly cache = new LRUCache<string, CachedKey>({ max: KEY_CACHE_MAX, ttl: KEY_CACHE_TTL_MS });
  readonly store: KeyStore;
  /** Ids of the free-form bootstrap keys: the only keys of no issued shape worth a lookup. */
  private readonly freeFormIds: ReadonlySet<string>;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {
    this.store = new KeyStore(pool);
    this.freeFormIds = new Set(
      Object.values(config.bootstrapKeys)
        .filter((key): key is string => key !== undefined && parseIssuedKey(key) === null)
        .map(derivedKeyId),
    );
  }

  /**
   * Registers the bootstrap keys (ADMIN_API_KEY, READER_API_KEY, AUDITOR_API_KEY) that no key
   * has the id of yet. One already there is never changed: a revoked key stays revoked across
   * restarts, and a key the database holds for another role or secret stops the start.
   */
  async onApplicationBootstrap(): Promise<void> {
    for (const [role, key] of Object.entries(this.config.bootstrapKeys) as Array<
      [Role, string | undefined]
    >) {
      if (key) await this.registerBootstrap(presentedBootstrapKey(key), role);
    }
  }

  private async registerBootstrap(presented: PresentedKey, role: Role): Promise<void> {
    const variable = BOOTSTRAP_VARIABLES[role];
    const { registered, record } = await this.store.registerBootstrap(presented, role);
    if (record.role !== role) {
      throw new BootstrapKeyConflict(
        `${variable} is key ${record.keyId}, which the database holds as a ${record.role} key; set another key`,
      );
    }
    if (!secretMatches(presented.secret, record)) {
      throw new BootstrapKeyConflict(
        `${variable} names key ${record.keyId}, which the database holds with another secret; set another key`,
      );
    }
    if (registered) this.logger.log({ keyId: record.keyId, role }, 'registered a bootstrap key');
    else if (!isLive(record)) {
      this.logger.warn({ keyId: record.keyId, role }, `${variable} is revoked or expired and stays so`);
    }
  }

  /**
   * The caller a presented key stands for, or null. A key of neither the issued shape nor a
   * bootstrap key's is refused without a query; a known key is cached for a few seconds, an
   * unknown id never, so random keys cannot fill the cache.
   */
  async identify(key: string): Promise<Caller | null> {
    const presented = parseIssuedKey(key) ?? this.freeFormBootstrap(key);
    if (!presented) return null;
    let cached = this.cache.get(presented.keyId);
    if (!cached) {
      const record = await this.store.find(presented.keyId);
      if (!record) return null;
      cached = { record, touched: false };
      this.cache.set(presented.keyId, cached);
    }
    const { record } = cached;
    if (!isLive(record) || !secretMatches(presented.secret, record)) return null;
    this.touch(cached);
    return { keyId: record.keyId, role: record.role };
  }

  /** Drops a key this process changed, so the change holds from the next request on. */
  forget(keyId: string): void {
    this.cache.delete(keyId);
  }

  private freeFormBootstrap(key: string): PresentedKey | null {
    const keyId = derivedKeyId(key);
    return this.freeFormIds.has(keyId) ? { keyId, secret: key } : null;
  }

  /** Records the use in the background: a failure to record must not fail the request. */
  private touch(cached: CachedKey): void {
    const last = cached.record.lastUsedAt?.getTime() ?? 0;
    if (cached.touched || Date.now() - last < TOUCH_EVERY_MS) return;
    cached.touched = true;
    this.store.touch(cached.record.keyId).catch((error: unknown) => {
      this.logger.warn({ keyId: cached.record.keyId, err: error }, 'could not record the use of a key');
    });
  }
}
