import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Pool } from 'pg';
import { PG_POOL } from './tokens';

@Injectable()
export class PostgresHealthIndicator {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'postgres'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      const { rows } = await this.pool.query<{ migrations: string }>(
        'SELECT count(*)::text AS migrations FROM pgmigrations',
      );
      return indicator.up({ migrations: Number(rows[0].migrations) });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
