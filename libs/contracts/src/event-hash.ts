import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { EventEnvelope } from './envelope';
import type { RecordedEnvelope } from './upcast';

type HashedField = Exclude<keyof EventEnvelope, 'hash' | 'position'>;

/**
 * The fields the hash covers, named one by one (the mapped type makes the compiler insist on
 * every envelope field) so that extra properties a reader carries along, or a full envelope
 * passed where one without `hash`/`position` is expected, never change the hash.
 */
const HASHED: { readonly [F in HashedField]: true } = {
  id: true,
  type: true,
  schemaVersion: true,
  streamId: true,
  streamType: true,
  streamVersion: true,
  recordedAt: true,
  actor: true,
  correlationId: true,
  causationId: true,
  citation: true,
  prevHash: true,
  data: true,
};
const HASHED_FIELDS = Object.keys(HASHED) as readonly HashedField[];

/**
 * Lowercase hex SHA-256 of the RFC 8785 form of the envelope without `hash` and `position`,
 * over the data as recorded (never an upcast form of it).
 */
export function computeEventHash(envelope: Omit<RecordedEnvelope, 'hash' | 'position'>): string {
  const hashed: Record<string, unknown> = {};
  for (const field of HASHED_FIELDS) {
    hashed[field] = envelope[field];
  }
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

export type ChainVerification =
  | { readonly ok: true; readonly checked: number }
  | {
      readonly ok: false;
      readonly streamId: string;
      readonly streamVersion: number;
      readonly reason: string;
    };

/**
 * Checks the events of ONE stream as recorded, given in streamVersion order: gapless versions from 1, one
 * stream identity, each prevHash linking to the previous hash, each hash recomputing, and
 * recordedAt strictly increasing. Stops at the first break and says where.
 */
export function verifyStreamChain(events: readonly RecordedEnvelope[]): ChainVerification {
  let previous: RecordedEnvelope | undefined;
  for (const [index, event] of events.entries()) {
    const reason = chainBreak(event, index + 1, previous, events[0]);
    if (reason !== undefined) {
      return { ok: false, streamId: event.streamId, streamVersion: event.streamVersion, reason };
    }
    previous = event;
  }
  return { ok: true, checked: events.length };
}

function chainBreak(
  event: RecordedEnvelope,
  expectedVersion: number,
  previous: RecordedEnvelope | undefined,
  first: RecordedEnvelope | undefined,
): string | undefined {
  if (first !== undefined && (event.streamId !== first.streamId || event.streamType !== first.streamType)) {
    return `belongs to ${event.streamType}/${event.streamId}, not ${first.streamType}/${first.streamId}`;
  }
  if (event.streamVersion !== expectedVersion) {
    return `expected streamVersion ${expectedVersion}, found ${event.streamVersion}`;
  }
  const expectedPrevHash = previous?.hash ?? null;
  if (event.prevHash !== expectedPrevHash) {
    return `prevHash ${String(event.prevHash)} does not match the previous hash ${String(expectedPrevHash)}`;
  }
  const recomputed = computeEventHash(event);
  if (event.hash !== recomputed) {
    return `hash ${event.hash} does not recompute (expected ${recomputed})`;
  }
  const recordedAt = Date.parse(event.recordedAt);
  if (Number.isNaN(recordedAt)) {
    return `recordedAt ${event.recordedAt} is not an instant`;
  }
  if (previous !== undefined && !(recordedAt > Date.parse(previous.recordedAt))) {
    return `recordedAt ${event.recordedAt} is not after the previous event's ${previous.recordedAt}`;
  }
  return undefined;
}
