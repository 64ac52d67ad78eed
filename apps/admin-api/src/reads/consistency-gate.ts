import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Pool } from 'pg';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { PG_POOL } from '@ledger/database';
import { Problem } from '@ledger/http';

const POLL_MS = 25;
const PROJECTED = 'SELECT 1 FROM read_models.events WHERE position = $1';

/**
 * Read-your-writes: a write answers with `Consistency-Token: <position>`; a read that sends it
 * back waits until the read models hold that event, up to CONSISTENCY_WAIT_MS (default 5 s), else
 * 503 with Retry-After.
 * Partitions are projected independently: the token vouches for its own write, so a client that
 * wrote to several streams sends the token of each stream it reads.
 */
@Injectable()
export class ConsistencyGate {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async waitFor(request: Request): Promise<void> {
    const token = request.headers['consistency-token'];
    if (token === undefined) return;
    if (typeof token !== 'string' || !/^\d{1,15}$/.test(token)) {
      throw new Problem(
        400,
        'consistency-token-malformed',
        'Consistency-Token must be the value a write returned',
      );
    }
    const deadline = Date.now() + this.config.consistencyWaitMs;
    for (;;) {
      const { rowCount } = await this.pool.query(PROJECTED, [Number(token)]);
      if (rowCount) return;
      if (Date.now() >= deadline) {
        throw new Problem(
          503,
          'read-models-behind',
          'The read models do not include that write yet; retry shortly',
          undefined,
          { 'Retry-After': '1' },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
