import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL, isDatabaseUnavailable } from '@ledger/database';
import { NotReady, type ReadinessCheck } from './readiness';

const MIGRATIONS = 'SELECT count(*)::int AS migrations FROM pgmigrations';

/** undefined_table, invalid_catalog_name: the database or its migrations table is not there yet. */
const NOT_MIGRATED = new Set(['42P01', '3D000']);

/**
 * Postgres answers and is migrated. It lives here rather than in libs/database because this
 * library already depends on that one (the API keys live in Postgres).
 */
@Injectable()
export class PostgresReadiness implements ReadinessCheck {
  readonly name = 'postgres';

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async check(): Promise<Record<string, unknown>> {
    let migrations: number;
    try {
      const { rows } = await this.pool.query<{ migrations: number }>(MIGRATIONS);
      migrations = rows[0].migrations;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && NOT_MIGRATED.has(code)) throw new NotReady('not-migrated', {}, error);
      if (isDatabaseUnavailable(error)) throw new NotReady('unreachable', {}, error);
      throw error;
    }
    if (migrations === 0) throw new NotReady('not-migrated');
    return { migrations };
  }
}
