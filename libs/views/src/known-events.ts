import { type AnyEventEnvelope, type Instant } from '@ledger/contracts';
import { at } from './time';

export function byVersion(a: AnyEventEnvelope, b: AnyEventEnvelope): number {
  return a.streamVersion - b.streamVersion;
}

/**
 * The events a reader knew at K: recorded by K and not retracted by a retraction recorded by K.
 * A retraction is effective from its own recordedAt, so earlier views still show what was believed.
 */
export function eventsKnownAt(events: readonly AnyEventEnvelope[], knownAt: Instant): AnyEventEnvelope[] {
  return knownBy(events, at(knownAt));
}

export function knownBy(events: readonly AnyEventEnvelope[], horizon: number): AnyEventEnvelope[] {
  const recorded = events.filter((event) => at(event.recordedAt) <= horizon);
  const retracted = new Set(
    recorded.flatMap((event) => (event.type === 'EventRetracted' ? [event.data.retractedEventId] : [])),
  );
  return recorded.filter((event) => !retracted.has(event.id));
}

export function streamsOf(events: readonly AnyEventEnvelope[]): Map<string, AnyEventEnvelope[]> {
  const streams = new Map<string, AnyEventEnvelope[]>();
  for (const event of events) {
    const stream = streams.get(event.streamId) ?? [];
    stream.push(event);
    streams.set(event.streamId, stream);
  }
  for (const stream of streams.values()) stream.sort(byVersion);
  return streams;
}
