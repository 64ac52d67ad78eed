import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Pool } from 'pg';
import { PG_POOL } from '@ledger/database';
import { Problem } from '@ledger/http';

const WAIT_MS = 5_000;
const POLL_MS = 25;
/**
 * Caught up = every event committed at or before the token is in the read models. Checking the
 * token's own event would not do: partitions are projected independently, so a later write can
 * land before an earlier one of another stream.
 */
const CAUGHT_UP = `
  SELECT NOT EXISTS (
    SELECT 1 FROM journal.events j
    WHERE j.position <= $1
      AND NOT EXISTS (SELECT 1 FROM read_models.events r WHERE r.position = j.position)
  ) AS caught_up`;

/**
 * Read-your-writes: a write answers with `Consistency-Token: <position>`; a read that sends it
 * back waits until the read models hold that event and every event committed before it, up to
 * 5 s, else 503 with Retry-After.
 */
@Injectable()
export class ConsistencyGate {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

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
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const { rows } = await this.pool.query<{ caught_up: boolean }>(CAUGHT_UP, [Number(token)]);
      if (rows[0].caught_up) return;
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
