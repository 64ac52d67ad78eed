import { ContractViolation } from './contract-violation';
import type { AnyEventEnvelope, EventEnvelope } from './envelope';
import { EVENT_TYPES, SCHEMA_VERSIONS, type EventDataByType, type EventType } from './events';

/**
 * An event as it was recorded: `data` has the shape of the envelope's own `schemaVersion`, which
 * may be older than the type's current one. Hashes and signatures are checked on this form only;
 * `upcastEnvelope` gives the current shape to readers that interpret the data.
 */
export type RecordedEnvelope = Omit<EventEnvelope, 'data'> & { readonly data: object };

/** Takes a payload of version v to version v + 1: pure, total on every valid payload of v. */
type Upcaster = (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/**
 * Per event type at version 2 or later, the chain v1 → v2 → …: entry `v - 1` takes version v to
 * v + 1, so a type at version n has n - 1 of them (a unit test holds each chain to
 * `SCHEMA_VERSIONS`, so a version bumped without its upcaster fails it). Types still at version 1
 * have no entry.
 */
export const UPCASTERS: { readonly [K in EventType]?: readonly Upcaster[] } = {
  // v1 → v2: the heading (and a rate change's instrument) were not recorded, so unknown.
  TariffImposed: [(data) => ({ ...data, heading: null })],
  TariffRateChanged: [(data) => ({ ...data, heading: null, instrument: null })],
};

/** A record of a type or schema version this reader does not know: written by a newer writer. */
export class UnknownSchemaVersion extends ContractViolation {
  constructor(
    readonly type: string,
    readonly schemaVersion: unknown,
  ) {
    super(
      `unknown schema version: ${type} v${String(schemaVersion)} (this reader knows ${
        (EVENT_TYPES as readonly string[]).includes(type)
          ? `v1 to v${SCHEMA_VERSIONS[type as EventType]}`
          : 'no such type'
      })`,
    );
    this.name = 'UnknownSchemaVersion';
  }
}

/** Whether a record of `type` at `version` can be read (and upcast) by this code. */
export function isKnownSchemaVersion(type: unknown, version: unknown): boolean {
  return (
    typeof type === 'string' &&
    (EVENT_TYPES as readonly string[]).includes(type) &&
    Number.isInteger(version) &&
    (version as number) >= 1 &&
    (version as number) <= SCHEMA_VERSIONS[type as EventType]
  );
}

/**
 * The payload of a record of `type` at `version` in the type's current shape: the one place
 * older data is brought up to date. The data is expected valid against its own version's schema
 * (the readers check it first); a version this code does not know is refused.
 */
export function upcast<K extends EventType>(type: K, version: number, data: object): EventDataByType[K] {
  if (!isKnownSchemaVersion(type, version)) {
    throw new UnknownSchemaVersion(type, version);
  }
  const chain = (UPCASTERS[type] ?? []).slice(version - 1);
  return chain.reduce<Record<string, unknown>>(
    (current, step) => step(current),
    data as Record<string, unknown>,
  ) as unknown as EventDataByType[K];
}

/**
 * The recorded event with its data upcast and `schemaVersion` the current one. `hash` and
 * `prevHash` stay the recorded ones (the event's identity), so they do not recompute over the
 * result: verify chains on the recorded envelopes.
 */
export function upcastEnvelope(recorded: RecordedEnvelope): AnyEventEnvelope {
  if (recorded.schemaVersion === SCHEMA_VERSIONS[recorded.type]) {
    return recorded as AnyEventEnvelope;
  }
  return {
    ...recorded,
    schemaVersion: SCHEMA_VERSIONS[recorded.type],
    data: upcast(recorded.type, recorded.schemaVersion, recorded.data),
  } as AnyEventEnvelope;
}
