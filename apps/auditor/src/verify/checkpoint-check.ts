import type { KeyObject } from 'node:crypto';
import {
  merkleRoot,
  verifyCheckpointSignature,
  type CheckpointStatement,
  type LedgerCheckpointSigned,
  type SignatureVerdict,
} from '@ledger/contracts';
import type { Findings } from './findings';
import type { JournalView } from './journal-check';
import type { CheckpointMark, EventMark } from './marks';
import type { TopicView } from './topic-check';

/** The part of a checkpoint statement that is recomputed from events. */
export type Statement = Pick<CheckpointStatement, 'eventCount' | 'streamCount' | 'merkleRoot'>;

/**
 * What a set of events states at each of the given positions, as the journal's
 * checkpointStatementAt computes it: the events at or below the position, and the Merkle root
 * over each stream's highest version among them. One pass over the events for all positions,
 * instead of a scan of the journal per checkpoint.
 */
export function statementsAt(
  eventsByPosition: readonly EventMark[],
  positions: Iterable<number>,
): Map<number, Statement> {
  const statements = new Map<number, Statement>();
  const heads = new Map<string, EventMark>();
  let next = 0;
  for (const position of [...new Set(positions)].sort((a, b) => a - b)) {
    for (; next < eventsByPosition.length && eventsByPosition[next].position <= position; next++) {
      const event = eventsByPosition[next];
      const head = heads.get(event.streamId);
      if (head === undefined || head.streamVersion < event.streamVersion) heads.set(event.streamId, event);
    }
    statements.set(position, {
      eventCount: next,
      streamCount: heads.size,
      merkleRoot: merkleRoot([...heads.values()]),
    });
  }
  return statements;
}

function differences(signed: Statement, found: Statement): string | undefined {
  const parts = [
    found.eventCount !== signed.eventCount && `${found.eventCount} events (signed: ${signed.eventCount})`,
    found.streamCount !== signed.streamCount &&
      `${found.streamCount} streams (signed: ${signed.streamCount})`,
    found.merkleRoot !== signed.merkleRoot &&
      `Merkle root ${found.merkleRoot} (signed: ${signed.merkleRoot})`,
  ].filter((part): part is string => typeof part === 'string');
  return parts.length === 0 ? undefined : parts.join(', ');
}

/** A checkpoint altered into a malformed one (its chain recomputed) is reported, never a crash. */
function signatureVerdict(
  signed: LedgerCheckpointSigned,
  trustedKeys: readonly KeyObject[],
): SignatureVerdict {
  try {
    return verifyCheckpointSignature(signed, trustedKeys);
  } catch {
    return 'invalid';
  }
}

/**
 * Checks every signed checkpoint, whether the journal or the topic holds it (a checkpoint only
 * the topic still has is evidence too): its signature by a trusted key, its journal id, and its
 * statement against the journal as it is now and against the topic's events. A rewritten event
 * (even with a recomputed chain), a deleted stream or a truncated history changes the statement
 * at every checkpoint after it.
 */
export function checkCheckpoints(
  {
    journalId,
    journal,
    topic,
    trustedKeys,
  }: {
    journalId: string;
    journal: JournalView;
    topic: TopicView;
    trustedKeys: readonly KeyObject[];
  },
  findings: Findings,
): number {
  const checkpoints = new Map<string, CheckpointMark>();
  for (const checkpoint of [...journal.checkpoints, ...(topic.carriesThisJournal ? topic.checkpoints : [])]) {
    if (!checkpoints.has(checkpoint.eventId)) checkpoints.set(checkpoint.eventId, checkpoint);
  }
  const positions = [...checkpoints.values()].map((checkpoint) => checkpoint.signed.position);
  const inJournal = statementsAt(journal.events, positions);
  const inTopic = statementsAt(
    [...topic.events].sort((a, b) => a.position - b.position),
    positions,
  );

  for (const checkpoint of checkpoints.values()) {
    const { signed } = checkpoint;
    const place = {
      streamId: checkpoint.streamId,
      streamVersion: checkpoint.streamVersion,
      position: checkpoint.position,
      eventId: checkpoint.eventId,
    };
    if (trustedKeys.length > 0) {
      switch (signatureVerdict(signed, trustedKeys)) {
        case 'valid':
          break;
        case 'invalid':
          findings.integrity(
            'checkpoint',
            'signature-invalid',
            place,
            `the signature by key ${signed.keyId} does not verify`,
          );
          break;
        case 'unknown-key':
          findings.integrity(
            'checkpoint',
            'signed-by-unknown-key',
            place,
            `signed by key ${signed.keyId}, which is not a trusted checkpoint key`,
          );
          break;
      }
    }
    if (signed.journalId !== journalId) {
      findings.integrity(
        'checkpoint',
        'other-journal',
        place,
        `signed for journal ${signed.journalId}, this is journal ${journalId}`,
      );
    }
    const journalDiffers = differences(signed, inJournal.get(signed.position)!);
    if (journalDiffers) {
      findings.integrity(
        'checkpoint',
        'journal-differs-from-checkpoint',
        place,
        `at position ${signed.position} the journal now holds ${journalDiffers}`,
      );
    }
    // Fewer events than signed: the topic is behind, or misses events reported one by one.
    const onTopic = inTopic.get(signed.position)!;
    const topicDiffers = onTopic.eventCount >= signed.eventCount ? differences(signed, onTopic) : undefined;
    if (topic.carriesThisJournal && topicDiffers) {
      findings.integrity(
        'checkpoint',
        'topic-differs-from-checkpoint',
        place,
        `at position ${signed.position} the topic holds ${topicDiffers}`,
      );
    }
  }
  if (trustedKeys.length === 0 && checkpoints.size > 0) {
    findings.add(
      'unchecked',
      'checkpoint',
      'signatures-unchecked',
      {},
      `${checkpoints.size} signed checkpoints, but no trusted public key was given (CHECKPOINT_PUBLIC_KEY or --public-key): their signatures are not checked`,
    );
  }
  return checkpoints.size;
}
