import { Command as CqrsCommand } from '@nestjs/cqrs';
import type { Citation } from '@ledger/contracts';
import type { CommandOf, WriteContext, WriteOutcome } from './record-policy-event.command';

/** One command of a batch, with what a single write takes from its headers (If-Match). */
export interface BatchItem {
  readonly command: CommandOf;
  readonly citation: Citation;
  /** The stream version the item is based on; absent = no precondition. */
  readonly ifMatch?: number;
}

/** Several policy writes, across streams, recorded all together or not at all. */
export class RecordPolicyBatch extends CqrsCommand<WriteOutcome> {
  constructor(
    readonly items: readonly BatchItem[],
    readonly context: Omit<WriteContext, 'citation' | 'ifMatch'>,
  ) {
    super();
  }
}

/** An item of a batch was refused (`reason` as a single write would have been): nothing was written. */
export class BatchItemRefused extends Error {
  constructor(
    readonly index: number,
    readonly reason: Error,
  ) {
    super(`Item ${index}: ${reason.message}`);
    this.name = 'BatchItemRefused';
  }
}
