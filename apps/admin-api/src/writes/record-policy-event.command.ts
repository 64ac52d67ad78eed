import { Command as CqrsCommand } from '@nestjs/cqrs';
import type { AnyEventEnvelope, Citation } from '@ledger/contracts';
import type { Command } from '@ledger/domain';
import type { Caller } from '@ledger/http';

export interface WriteOutcome {
  /** true when an Idempotency-Key retry got the first answer again; nothing was appended. */
  readonly replayed: boolean;
  readonly events: readonly AnyEventEnvelope[];
}

export interface WriteContext {
  readonly caller: Caller;
  readonly correlationId: string;
  readonly citation: Citation;
  /** The stream version the client based its write on (If-Match); absent = no precondition. */
  readonly ifMatch?: number;
  readonly idempotency?: { readonly key: string; readonly fingerprint: string };
}

/** Any policy write: decided by the domain against the stream's history, appended to the journal. */
export class RecordPolicyEvent extends CqrsCommand<WriteOutcome> {
  constructor(
    readonly command: Command,
    readonly context: WriteContext,
  ) {
    super();
  }
}

/** The stream changed between the client's read and its write (If-Match). */
export class StaleStreamVersion extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`Stream ${streamId} is at version ${actual}, the request expected ${expected}`);
    this.name = 'StaleStreamVersion';
  }
}
