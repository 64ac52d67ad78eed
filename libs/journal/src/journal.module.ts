import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@ledger/database';
import { Journal } from './journal';

/** Provides the Journal on the application's pool (PG_POOL from the global DatabaseModule). */
@Module({
  providers: [{ provide: Journal, inject: [PG_POOL], useFactory: (pool: Pool) => new Journal(pool) }],
  exports: [Journal],
})
export class JournalModule {}
