import type { AnyEventEnvelope } from '@ledger/contracts';
import { planProjection, type Candidate } from './plan';

function event(streamId: string, streamVersion: number): AnyEventEnvelope {
  return { streamId, streamVersion } as AnyEventEnvelope;
}

function offered(source: string, streamId: string, streamVersion: number): Candidate<string> {
  return { event: event(streamId, streamVersion), source };
}

function decisions(plan: ReturnType<typeof planProjection<string>>): Record<string, string> {
  return Object.fromEntries(plan.decided.map(({ candidate, decision }) => [candidate.source, decision]));
}

describe('planProjection', () => {
  it('applies the next versions of a stream in version order', () => {
    const plan = planProjection(
      [offered('b', 'us-steel', 3), offered('a', 'us-steel', 2)],
      new Map([['us-steel', 1]]),
    );
    expect(plan.apply.map((e) => e.streamVersion)).toEqual([2, 3]);
    expect(decisions(plan)).toEqual({ a: 'apply', b: 'apply' });
  });

  it('skips versions already applied, so a redelivered batch changes nothing', () => {
    const plan = planProjection(
      [offered('a', 'us-steel', 1), offered('b', 'us-steel', 2)],
      new Map([['us-steel', 2]]),
    );
    expect(plan.apply).toEqual([]);
    expect(decisions(plan)).toEqual({ a: 'duplicate', b: 'duplicate' });
  });

  it('applies a version offered twice in one batch once', () => {
    const plan = planProjection([offered('a', 'us-steel', 1), offered('b', 'us-steel', 1)], new Map());
    expect(plan.apply).toHaveLength(1);
    expect(decisions(plan)).toEqual({ a: 'apply', b: 'duplicate' });
  });

  it('parks events after a gap and keeps other streams going', () => {
    const plan = planProjection(
      [offered('gap', 'cn-rare-earths', 3), offered('ok', 'eu-steel', 1)],
      new Map([['cn-rare-earths', 1]]),
    );
    expect(decisions(plan)).toEqual({ gap: 'park', ok: 'apply' });
    expect(plan.apply.map((e) => e.streamId)).toEqual(['eu-steel']);
  });

  it('un-parks the waiting events that the missing version makes contiguous', () => {
    const plan = planProjection(
      [
        offered('parked-3', 'cn-rare-earths', 3),
        offered('parked-5', 'cn-rare-earths', 5),
        offered('fill-2', 'cn-rare-earths', 2),
      ],
      new Map([['cn-rare-earths', 1]]),
    );
    expect(plan.apply.map((e) => e.streamVersion)).toEqual([2, 3]);
    expect(decisions(plan)).toEqual({ 'fill-2': 'apply', 'parked-3': 'apply', 'parked-5': 'park' });
  });

  it('treats a republished copy of a parked event as a duplicate of the waiting one', () => {
    const plan = planProjection(
      [offered('parked', 'cn-rare-earths', 4), offered('again', 'cn-rare-earths', 4)],
      new Map([['cn-rare-earths', 1]]),
    );
    expect(decisions(plan)).toEqual({ parked: 'park', again: 'duplicate' });
  });
});
