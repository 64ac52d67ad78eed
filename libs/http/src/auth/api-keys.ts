import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { PG_POOL } from '@ledger/database';

export type Role = 'admin' | 'reader' | 'auditor';

export interface Caller {
  readonly keyId: string;
  readonly role: Role;
}

export function digestKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The public id of a key: derived from its digest, so it is stable and reveals nothing. */
export function keyIdOf(key: string): string {
  return `key-${digestKey(key).slice(0, 12)}`;
}

const UPSERT_KEY = `
  INSERT INTO access.api_keys (key_id, key_hash, role, label)
  VALUES ($1, $2, $3, $4)
  ON CONFLICT (key_id) DO UPDATE SET role = EXCLUDED.role, revoked_at = NULL`;

const FIND_KEY = `
  SELECT key_id, role FROM access.api_keys WHERE key_hash = $1 AND revoked_at IS NULL`;

@Injectable()
export class ApiKeys implements OnApplicationBootstrap {
  private readonly cache = new Map<string, { caller: Caller | null; until: number }>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  /** Operators bootstrap keys through the environment (ADMIN_API_KEY, READER_API_KEY, AUDITOR_API_KEY). */
  async onApplicationBootstrap(): Promise<void> {
    const { admin, reader, auditor } = this.config.bootstrapKeys;
    const keys: Array<[string | undefined, Role]> = [
      [admin, 'admin'],
      [reader, 'reader'],
      [auditor, 'auditor'],
    ];
    for (const [key, role] of keys) {
      if (key) await this.register(key, role, `bootstrap ${role} key`);
    }
  }

  async register(key: string, role: Role, label: string): Promise<Caller> {
    const keyId = keyIdOf(key);
    await this.pool.query(UPSERT_KEY, [keyId, digestKey(key), role, label]);
    this.cache.delete(digestKey(key));
    return { keyId, role };
  }

  /** Looks a presented key up by digest; a short cache spares a query per request. */
  async identify(key: string): Promise<Caller | null> {
    const digest = digestKey(key);
    const cached = this.cache.get(digest);
    if (cached && cached.until > Date.now()) return cached.caller;
    const { rows } = await this.pool.query<{ key_id: string; role: Role }>(FIND_KEY, [digest]);
    const caller = rows[0] ? { keyId: rows[0].key_id, role: rows[0].role } : null;
    this.cache.set(digest, { caller, until: Date.now() + 5_000 });
    return caller;
  }
}
