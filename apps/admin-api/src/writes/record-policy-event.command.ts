import { Command as CqrsCommand } from '@nestjs/cqrs';
import type { RecordedEnvelope, Citation } from '@ledger/contracts';
import type { Command, CommandType } from '@ledger/domain';
import type { Caller } from '@ledger/http';

export interface WriteOutcome {
  /** true when an Idempotency-Key retry got the first answer again; nothing was appended. */
  readonly replayed: boolean;
  readonly events: readonly RecordedEnvelope[];
}

export interface WriteContext {
  readonly caller: Caller;
  readonly correlationId: string;
  readonly citation: Citation;
  /** The stream version the client based its write on (If-Match); absent = no precondition. */
  readonly ifMatch?: number;
  readonly idempotency?: { readonly key: string; readonly fingerprint: string };
}

/** The payload of each command's event, by command type. */
export type CommandData = { [C in Command as C['type']]: C['data'] };

/**
 * A command of one of the types `T`. Built from a type and its payload, it is checked field by
 * field; with every command type it is the domain's `Command`.
 */
export type CommandOf<T extends CommandType = CommandType> = {
  [K in T]: { readonly type: K; readonly streamId: string; readonly data: CommandData[K] };
}[T];

/** Any policy write: decided by the domain against the stream's history, appended to the journal. */
export class RecordPolicyEvent<T extends CommandType = CommandType> extends CqrsCommand<WriteOutcome> {
  constructor(
    readonly command: CommandOf<T>,
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
