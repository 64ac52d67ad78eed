/**
 * Why a subscriber refused a record and stopped. A subscriber never skips a record it cannot
 * account for: it stops on it, says which one and why, and counts it in
 * `subscriber_refusals_total{reason}`. Restarting reads the same record again.
 */
export type RefusalReason =
  /** The record's prevHash does not chain to the stream's last hash, or versions jump or fork. */
  | 'chain-broken'
  /** Not a valid event of the contract (or a schema version this code does not know). */
  | 'unreadable'
  /** The record belongs to no topic instance the partition holds. */
  | 'foreign';

export class SubscriberRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly partition: number,
    readonly offset: string,
    message: string,
  ) {
    super(`${message} (partition ${partition}, offset ${offset})`);
  }
}

/** A record whose event does not extend its stream's hash chain as this subscriber has seen it. */
export class ChainBroken extends SubscriberRefusal {
  override readonly name = 'ChainBroken';
  constructor(
    readonly streamId: string,
    readonly streamVersion: number,
    partition: number,
    offset: string,
    detail: string,
  ) {
    super('chain-broken', partition, offset, `stream ${streamId} v${streamVersion}: ${detail}`);
  }
}

/** A record that is no valid event of the contract: unparseable, invalid, a hash that does not recompute. */
export class UnreadableRecord extends SubscriberRefusal {
  override readonly name = 'UnreadableRecord';
  constructor(partition: number, offset: string, detail: string) {
    super('unreadable', partition, offset, detail);
  }
}

/** A record of another topic instance than its partition's, or a partition that does not open with a genesis record. */
export class ForeignRecord extends SubscriberRefusal {
  override readonly name = 'ForeignRecord';
  constructor(partition: number, offset: string, detail: string) {
    super('foreign', partition, offset, detail);
  }
}
