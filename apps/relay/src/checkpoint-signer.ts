import type { KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  CHECKPOINT_STREAM_ID,
  checkpointKeyId,
  signCheckpoint,
  upcastEnvelope,
  type RecordedEnvelope,
} from '@ledger/contracts';
import { StreamVersionConflict, type Journal } from '@ledger/journal';
import type { RelayMetrics } from './relay.metrics';

/**
 * Appends a signed LedgerCheckpointSigned to the ledger's own stream every interval, when policy
 * events arrived since the last one: the journal's settled head position, the number of events and
 * streams up to it and a Merkle root over every stream's head, signed with Ed25519. Anyone with
 * database access can rewrite an event and recompute its hash chain; nobody without this key can
 * sign a checkpoint that agrees with the rewrite, so the auditor finds it at the next checkpoint.
 * The checkpoint is an event like any other: the relay publishes it and subscribers see it.
 */
export class CheckpointSigner {
  private readonly logger = new Logger(CheckpointSigner.name);
  private readonly keyId: string;
  private lastAttempt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly journal: Journal,
    private readonly key: KeyObject,
    private readonly intervalMs: number,
    private readonly metrics: RelayMetrics,
  ) {
    this.keyId = checkpointKeyId(key);
  }

  /** Signs when the interval has passed and there is something new to sign; the appended event, or null. */
  async signIfDue(now = Date.now()): Promise<RecordedEnvelope | null> {
    if (now - this.lastAttempt < this.intervalMs) return null;
    this.lastAttempt = now;
    this.metrics.checkpointChecks.inc();
    const recorded = await this.journal.lastEventOf(CHECKPOINT_STREAM_ID);
    const last = recorded && upcastEnvelope(recorded);
    const covered = last?.type === 'LedgerCheckpointSigned' ? last.data.position : 0;
    // Only policy events count as new: otherwise every checkpoint would call for the next one.
    if ((await this.journal.lastPolicyPosition()) <= covered) return null;
    // Settled: no append still open can add an event at or below it, so the statement holds.
    const head = await this.journal.settledHeadPosition();
    const statement = await this.journal.checkpointStatementAt(head);
    try {
      const { events } = await this.journal.append({
        streamId: CHECKPOINT_STREAM_ID,
        streamType: 'ledger',
        expectedVersion: last?.streamVersion ?? 0,
        events: [{ type: 'LedgerCheckpointSigned', data: signCheckpoint(statement, this.key) }],
        actor: { keyId: `checkpoint-key:${this.keyId}`, role: 'system' },
        correlationId: `checkpoint-${head}`,
        causationId: null,
        citation: null,
      });
      this.metrics.checkpointsSigned.inc();
      this.logger.log(
        { position: head, streams: statement.streamCount, keyId: this.keyId },
        'signed a checkpoint',
      );
      return events[0];
    } catch (error) {
      // Another relay of this journal (publishing to another cluster) signed first: its checkpoint will do.
      if (error instanceof StreamVersionConflict) return null;
      throw error;
    }
  }
}
