/** The stream moved on since the caller read it (or exists when it should not): nothing was written. */
export class StreamVersionConflict extends Error {
  override readonly name = 'StreamVersionConflict';

  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${expected}`);
  }
}

/** The same idempotency key came back with a different request: nothing was written. */
export class IdempotencyKeyReused extends Error {
  override readonly name = 'IdempotencyKeyReused';

  constructor(readonly key: string) {
    super(`idempotency key ${key} was already used for a different request`);
  }
}

/** The events break the published contract (libs/contracts schemas): nothing was written. */
export class EventRejected extends Error {
  override readonly name = 'EventRejected';

  constructor(readonly violations: readonly string[]) {
    super(`events rejected by the contract: ${violations.join('; ')}`);
  }
}

/** One request of a batch append failed (`reason`): nothing of the batch was written. */
export class BatchAppendRefused extends Error {
  override readonly name = 'BatchAppendRefused';

  constructor(
    readonly index: number,
    readonly reason: StreamVersionConflict | EventRejected,
  ) {
    super(`request ${index} of the batch: ${reason.message}`);
  }
}
