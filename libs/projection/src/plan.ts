import type { RecordedEnvelope } from '@ledger/contracts';

/**
 * What becomes of one valid event offered to the read models:
 * - `apply`: it is the next version of its stream;
 * - `duplicate`: its version is already applied (or offered twice), so applying it again would
 *   count it twice — this is what makes Kafka's redelivery harmless;
 * - `park`: a version before it is missing; it waits until the gap closes.
 */
export type Decision = 'apply' | 'duplicate' | 'park';

export interface Candidate<S> {
  readonly event: RecordedEnvelope;
  readonly source: S;
}

export interface Decided<S> {
  readonly candidate: Candidate<S>;
  readonly decision: Decision;
}

export interface ProjectionPlan<S> {
  /** Gapless per stream and in version order, as `applyEvents` requires. */
  readonly apply: readonly RecordedEnvelope[];
  readonly decided: readonly Decided<S>[];
}

/**
 * Decides, stream by stream, which candidates extend the applied versions without a gap.
 * Candidates of one stream are walked in version order; for equal versions the one offered
 * first wins, so callers list events already waiting (parked) before newly consumed ones.
 */
export function planProjection<S>(
  candidates: readonly Candidate<S>[],
  applied: ReadonlyMap<string, number>,
): ProjectionPlan<S> {
  const byStream = new Map<string, Candidate<S>[]>();
  for (const candidate of candidates) {
    const stream = byStream.get(candidate.event.streamId);
    if (stream) stream.push(candidate);
    else byStream.set(candidate.event.streamId, [candidate]);
  }

  const apply: RecordedEnvelope[] = [];
  const decided: Decided<S>[] = [];
  for (const [streamId, streamCandidates] of byStream) {
    let next = (applied.get(streamId) ?? 0) + 1;
    let lastSeen: number | undefined;
    const inVersionOrder = [...streamCandidates].sort(
      (a, b) => a.event.streamVersion - b.event.streamVersion,
    );
    for (const candidate of inVersionOrder) {
      const version = candidate.event.streamVersion;
      let decision: Decision;
      if (version < next || version === lastSeen) {
        decision = 'duplicate';
      } else if (version === next) {
        decision = 'apply';
        apply.push(candidate.event);
        next += 1;
      } else {
        decision = 'park';
      }
      lastSeen = version;
      decided.push({ candidate, decision });
    }
  }
  return { apply, decided };
}
