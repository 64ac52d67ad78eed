import { ContractViolation } from './contract-violation';
import { computeEventHash } from './event-hash';
import type { Citation } from './events';
import { isKnownSchemaVersion, UnknownSchemaVersion, type RecordedEnvelope } from './upcast';
import { validateEnvelope } from './validation';

/** What the relay produces to `policy.events`: key = streamId, value = a CloudEvent. */
export interface KafkaRecord {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/** A record as consumers receive it (headers already decoded to strings). */
export interface ReceivedKafkaRecord {
  readonly key: string | null;
  readonly value: Buffer | string | null;
  readonly headers: Readonly<Record<string, string>>;
}

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

type Scalar = string | number;

/**
 * The envelope as a CloudEvents 1.0 attribute set (docs/architecture.md §3 "On Kafka"), in the
 * order the document is written. Absent optional fields are left out, never sent as null.
 */
function cloudEventAttributes(envelope: RecordedEnvelope): Record<string, Scalar> {
  const attributes: Record<string, Scalar | undefined> = {
    specversion: '1.0',
    id: envelope.id,
    type: envelope.type,
    source: `/streams/${envelope.streamType}/${envelope.streamId}`,
    subject: envelope.streamId,
    time: envelope.recordedAt,
    datacontenttype: 'application/json',
    streamid: envelope.streamId,
    streamtype: envelope.streamType,
    streamversion: envelope.streamVersion,
    position: envelope.position,
    schemaversion: envelope.schemaVersion,
    prevhash: envelope.prevHash ?? undefined,
    hash: envelope.hash,
    actorkeyid: envelope.actor.keyId,
    actorrole: envelope.actor.role,
    correlationid: envelope.correlationId,
    causationid: envelope.causationId ?? undefined,
    citationurl: envelope.citation?.url,
    citationref: envelope.citation?.reference,
    citationtitle: envelope.citation?.title,
  };
  return Object.fromEntries(
    Object.entries(attributes).filter((entry): entry is [string, Scalar] => entry[1] !== undefined),
  );
}

/** The attributes every event's CloudEvent carries (the AsyncAPI document requires the same). */
export const REQUIRED_ATTRIBUTES = [
  'specversion',
  'id',
  'type',
  'source',
  'subject',
  'time',
  'streamid',
  'streamtype',
  'streamversion',
  'position',
  'schemaversion',
  'hash',
  'actorkeyid',
  'actorrole',
  'correlationid',
  'data',
] as const;

const OPTIONAL_ATTRIBUTES = [
  'datacontenttype',
  'prevhash',
  'causationid',
  'citationurl',
  'citationref',
  'citationtitle',
];

/** Every attribute the mapping writes: a `ce_` header of one of these must agree with the value. */
const MAPPED_ATTRIBUTES: ReadonlySet<string> = new Set([
  ...REQUIRED_ATTRIBUTES.filter((name) => name !== 'data'),
  ...OPTIONAL_ATTRIBUTES,
]);

/**
 * Structured-mode CloudEvent (value) plus the same attributes as `ce_*` headers, so consumers
 * can route on headers without parsing the value.
 */
export function toKafkaRecord(envelope: RecordedEnvelope): KafkaRecord {
  const attributes = cloudEventAttributes(envelope);
  const headers: Record<string, string> = { 'content-type': CLOUDEVENTS_CONTENT_TYPE };
  for (const [name, value] of Object.entries(attributes)) {
    headers[`ce_${name}`] = String(value);
  }
  return { key: envelope.streamId, value: JSON.stringify({ ...attributes, data: envelope.data }), headers };
}

/**
 * Rebuilds the envelope from a record exactly as it was hashed, and refuses a record that
 * breaks the contract: no or unparseable value, a missing attribute, a type or schema version
 * this reader does not know (UnknownSchemaVersion), a schema error against its own version, a
 * key or `ce_*` header that disagrees with the value, or a hash that does not recompute. The
 * data stays as recorded: `upcastEnvelope` brings it to the current version.
 */
export function fromKafkaRecord(record: ReceivedKafkaRecord): RecordedEnvelope {
  const attributes = parseCloudEvent(record.value);
  const missing = REQUIRED_ATTRIBUTES.filter((name) => attributes[name] === undefined);
  if (missing.length > 0) {
    throw new ContractViolation(`CloudEvent lacks ${missing.join(', ')}`);
  }
  if (attributes.specversion !== '1.0') {
    throw new ContractViolation(`specversion ${String(attributes.specversion)} is not 1.0`);
  }

  if (!isKnownSchemaVersion(attributes.type, attributes.schemaversion)) {
    throw new UnknownSchemaVersion(String(attributes.type), attributes.schemaversion);
  }

  const envelope = {
    id: attributes.id,
    type: attributes.type,
    schemaVersion: attributes.schemaversion,
    streamId: attributes.streamid,
    streamType: attributes.streamtype,
    streamVersion: attributes.streamversion,
    position: attributes.position,
    recordedAt: attributes.time,
    actor: { keyId: attributes.actorkeyid, role: attributes.actorrole },
    correlationId: attributes.correlationid,
    causationId: attributes.causationid ?? null,
    citation: citationOf(attributes),
    prevHash: attributes.prevhash ?? null,
    hash: attributes.hash,
    data: attributes.data,
  };
  const problems = validateEnvelope(envelope);
  if (problems.length > 0) {
    throw new ContractViolation(`invalid event ${String(attributes.id)}: ${problems.join('; ')}`);
  }
  const event = envelope as RecordedEnvelope;

  if (record.key !== event.streamId) {
    throw new ContractViolation(`record key ${String(record.key)} is not the streamId ${event.streamId}`);
  }
  const expected = cloudEventAttributes(event);
  for (const name of ['source', 'subject', 'datacontenttype'] as const) {
    if (attributes[name] !== undefined && attributes[name] !== expected[name]) {
      throw new ContractViolation(
        `${name} ${JSON.stringify(attributes[name])} should be ${String(expected[name])}`,
      );
    }
  }
  for (const [header, value] of Object.entries(record.headers)) {
    const name = header.slice('ce_'.length);
    if (header.startsWith('ce_') && MAPPED_ATTRIBUTES.has(name) && value !== headerValue(expected[name])) {
      throw new ContractViolation(`header ${header} ${value} disagrees with the CloudEvent's ${name}`);
    }
  }
  const hash = computeEventHash(event);
  if (hash !== event.hash) {
    throw new ContractViolation(`event ${event.id} hash does not recompute (expected ${hash})`);
  }
  return event;
}

function parseCloudEvent(value: Buffer | string | null): Record<string, unknown> {
  if (value === null) {
    throw new ContractViolation('record has no value');
  }
  const text = typeof value === 'string' ? value : value.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ContractViolation(`value is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ContractViolation('value is not a CloudEvent JSON object');
  }
  // Postgres text and jsonb cannot hold U+0000, so a subscriber storing the event would fail on
  // it at every retry. JSON text carries it only as the escape \u0000 (a raw NUL is not JSON),
  // which lets the common case skip the walk.
  if (text.includes('\\u0000') && holdsNul(parsed)) {
    throw new ContractViolation('value holds a NUL character (\\u0000)');
  }
  return parsed as Record<string, unknown>;
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([name, inner]) => name.includes('\0') || holdsNul(inner));
  }
  return false;
}

/** A citation always has a url or a reference, so without either there was none. */
function citationOf(attributes: Record<string, unknown>): Citation | null {
  const { citationurl: url, citationref: reference, citationtitle: title } = attributes;
  if (url === undefined && reference === undefined && title === undefined) {
    return null;
  }
  return {
    ...(url !== undefined && { url }),
    ...(reference !== undefined && { reference }),
    ...(title !== undefined && { title }),
  } as Citation;
}

function headerValue(value: Scalar | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}
