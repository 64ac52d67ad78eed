import type { Pool } from 'pg';
import { inTransaction } from '@ledger/database';
import type { RecordedEnvelope } from '@ledger/contracts';
import { parseDeadLetter, unresolvedDeadLetters, type DeadLetter } from './dead-letters';
import { settle } from './settle';

export interface RedriveReport {
  /** Dead letters now applied, or found already applied. */
  readonly resolved: number;
  /** Valid events that still wait for a gap in their stream to close. */
  readonly stillWaiting: readonly DeadLetter[];
  /**
   * Records that still cannot be applied, with today's reason: they break the contract, the
   * read models still refuse them, or they are foreign to the topic instance they were read from.
   */
  readonly stillInvalid: readonly { readonly letter: DeadLetter; readonly reason: string }[];
}

/**
 * Offers unresolved dead letters to the read models again, in one transaction: a record that
 * parses now (contracts fixed, upcaster added) or that the read models refused before (the
 * cause since removed) and extends its stream without a gap is applied, together with any
 * parked events that it makes contiguous; one that still has a gap is parked. Each stream is
 * applied under its own savepoint, so one that still fails leaves the others applied. Foreign
 * records are never applied: they came from another topic instance, whatever they hold. Rows
 * are kept, marked resolved.
 */
export function redriveDeadLetters(pool: Pool, ids: readonly string[] | 'all'): Promise<RedriveReport> {
  return inTransaction(pool, async (client) => {
    const redriven: { letter: DeadLetter; event: RecordedEnvelope }[] = [];
    const stillInvalid: { letter: DeadLetter; reason: string }[] = [];
    for (const letter of await unresolvedDeadLetters(client, ids)) {
      if (letter.kind === 'foreign') {
        stillInvalid.push({ letter, reason: `foreign: ${letter.reason}` });
        continue;
      }
      const parsed = parseDeadLetter(letter);
      if (parsed.ok) redriven.push({ letter, event: parsed.event });
      else stillInvalid.push({ letter, reason: parsed.reason });
    }
    const settlement = await settle(client, [], redriven, { isolate: true });
    return {
      resolved: settlement.resolved,
      stillWaiting: settlement.stillWaiting,
      stillInvalid: [
        ...stillInvalid,
        ...settlement.stillRefused.map(({ letter, reason }) => ({
          letter,
          reason: `applying it failed: ${reason}`,
        })),
      ],
    };
  });
}
