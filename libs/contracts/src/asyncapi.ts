import {
  EVENT_STREAM_TYPES,
  EVENT_TYPES,
  SCHEMA_VERSIONS,
  STREAM_TYPES,
  type EventType,
  type StreamType,
} from './events';
import { CLOUDEVENTS_CONTENT_TYPE, REQUIRED_ATTRIBUTES } from './kafka-record';
import { ENVELOPE_SCHEMA, EVENT_DATA_SCHEMAS } from './schemas';
import { GENESIS_TYPE, TOPIC_INSTANCE_HEADER } from './topic-genesis';

type Schema = Readonly<Record<string, unknown>>;

/**
 * The AsyncAPI 3.0 document of the event topic, made from the same schemas the relay, the
 * projector and `fromKafkaRecord` validate with, so it cannot drift from what is on the topic:
 * one message per event type (its CloudEvent value, `ce_*` headers and key), plus the genesis
 * record that opens every partition.
 */
export interface AsyncApiOptions {
  /** The topic's name (`KAFKA_TOPIC`). */
  readonly topic: string;
  /** The document's version: the API's. */
  readonly version: string;
  /** Bootstrap brokers to list as servers, e.g. `127.0.0.1:9092`; none: no servers section. */
  readonly brokers?: readonly string[];
}

const KAFKA_BINDING_VERSION = '0.5.0';
const envelope = ENVELOPE_SCHEMA.properties as Readonly<Record<string, Schema>>;
const actor = (envelope.actor.properties ?? {}) as Readonly<Record<string, Schema>>;
const citation = (envelope.citation.properties ?? {}) as Readonly<Record<string, Schema>>;

/** The streams an event type may be in, as the `source` attribute names them. */
function sourcePattern(streamTypes: readonly StreamType[]): string {
  return `^/streams/(${streamTypes.join('|')})/[a-z0-9][a-z0-9-]*$`;
}

/**
 * A data schema as AsyncAPI embeds it: no `$schema`, and `discriminator` as AsyncAPI spells it
 * (the property's name) rather than OpenAPI's `{ propertyName }`, which the contracts use.
 */
function embedded(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(embedded);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema as Record<string, unknown>)
      .filter(([key]) => key !== '$schema')
      .map(([key, value]): [string, unknown] =>
        key === 'discriminator'
          ? [key, (value as { propertyName: string }).propertyName]
          : [key, embedded(value)],
      ),
  );
}

/** The CloudEvent of one event type, attribute for attribute as `toKafkaRecord` writes it. */
function cloudEventSchema(type: EventType): Schema {
  const streamTypes = EVENT_STREAM_TYPES[type];
  const attributes: Record<string, Schema> = {
    specversion: { const: '1.0' },
    id: envelope.id,
    type: { const: type },
    source: {
      type: 'string',
      pattern: sourcePattern(streamTypes),
      description: '/streams/{streamtype}/{streamid}',
    },
    subject: { ...envelope.streamId, description: 'the stream id' },
    time: { ...envelope.recordedAt, description: 'when the ledger recorded the event (transaction time)' },
    datacontenttype: { const: 'application/json' },
    streamid: envelope.streamId,
    streamtype: { type: 'string', enum: streamTypes },
    streamversion: envelope.streamVersion,
    position: envelope.position,
    schemaversion: { const: SCHEMA_VERSIONS[type], description: 'the version of the data schema' },
    prevhash: {
      ...envelope.hash,
      description: 'the hash of the previous event of the stream; absent at version 1',
    },
    hash: {
      ...envelope.hash,
      description:
        'SHA-256 (lowercase hex) of the RFC 8785 serialisation of the envelope without hash and position',
    },
    actorkeyid: actor.keyId,
    actorrole: actor.role,
    correlationid: envelope.correlationId,
    causationid: { type: 'string', minLength: 1, maxLength: 200 },
    citationurl: citation.url,
    citationref: citation.reference,
    citationtitle: citation.title,
    data: embedded(EVENT_DATA_SCHEMAS[type]) as Schema,
  };
  return {
    type: 'object',
    additionalProperties: false,
    required: REQUIRED_ATTRIBUTES,
    properties: attributes,
  };
}

/** The `ce_*` headers repeat the value's attributes as strings, for routing without parsing. */
function cloudEventHeaders(type: EventType): Schema {
  const value = cloudEventSchema(type);
  const names = Object.keys(value.properties as Record<string, Schema>).filter((name) => name !== 'data');
  const required = (value.required as readonly string[]).filter((name) => name !== 'data');
  return {
    type: 'object',
    required: ['content-type', TOPIC_INSTANCE_HEADER, ...required.map((name) => `ce_${name}`)],
    properties: {
      'content-type': { const: CLOUDEVENTS_CONTENT_TYPE },
      [TOPIC_INSTANCE_HEADER]: {
        type: 'string',
        format: 'uuid',
        description: 'the topic instance the record belongs to (the id in its partition’s genesis record)',
      },
      ...Object.fromEntries(
        names.map((name) => [
          `ce_${name}`,
          { type: 'string', description: `the CloudEvent attribute ${name}, as a string` },
        ]),
      ),
    },
  };
}

function eventMessage(type: EventType): Schema {
  return {
    name: type,
    title: type,
    summary: `${type} (data schema v${SCHEMA_VERSIONS[type]}) on a ${EVENT_STREAM_TYPES[type].join(' or ')} stream`,
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    headers: cloudEventHeaders(type),
    payload: cloudEventSchema(type),
    correlationId: { location: '$message.payload#/correlationid' },
    bindings: {
      kafka: {
        key: {
          ...envelope.streamId,
          description: 'the stream id: all events of a stream are on one partition',
        },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

const GENESIS_MESSAGE: Schema = {
  name: GENESIS_TYPE,
  title: 'Topic genesis',
  summary: 'The first record of every partition of a topic instance: a control record, not an event',
  contentType: CLOUDEVENTS_CONTENT_TYPE,
  headers: {
    type: 'object',
    required: ['content-type', TOPIC_INSTANCE_HEADER, 'ce_type'],
    properties: {
      'content-type': { const: CLOUDEVENTS_CONTENT_TYPE },
      [TOPIC_INSTANCE_HEADER]: { type: 'string', format: 'uuid' },
      ce_type: { const: GENESIS_TYPE },
    },
  },
  payload: {
    type: 'object',
    required: ['specversion', 'id', 'type', 'source', 'subject', 'time', 'data'],
    properties: {
      specversion: { const: '1.0' },
      id: { type: 'string', description: '{topicInstanceId}/{partition}' },
      type: { const: GENESIS_TYPE },
      source: { type: 'string', pattern: '^/ledger/topics/' },
      subject: { type: 'string', pattern: '^\\d+$', description: 'the partition' },
      time: envelope.recordedAt,
      datacontenttype: { const: 'application/json' },
      data: {
        type: 'object',
        additionalProperties: false,
        required: [
          'topicInstanceId',
          'clusterId',
          'topic',
          'partition',
          'partitions',
          'journalId',
          'createdAt',
        ],
        properties: {
          topicInstanceId: { type: 'string', format: 'uuid' },
          clusterId: { type: 'string' },
          topic: { type: 'string' },
          partition: { type: 'integer', minimum: 0 },
          partitions: { type: 'integer', minimum: 1 },
          journalId: { type: 'string', format: 'uuid' },
          createdAt: envelope.recordedAt,
        },
      },
    },
  },
  bindings: {
    kafka: {
      key: { type: 'string', pattern: `^${GENESIS_TYPE.replace(/\./g, '\\.')}/\\d+$` },
      bindingVersion: KAFKA_BINDING_VERSION,
    },
  },
};

const DESCRIPTION = `Every event of the trade-policy ledger, in the order of its stream, as CloudEvents 1.0
structured JSON. Read with isolation read_committed (the relay writes in Kafka transactions).
Each partition opens with a genesis record naming the topic instance; every event carries the
instance in the \`${TOPIC_INSTANCE_HEADER}\` header. Deduplicate by (streamid, streamversion).
Verify each event's hash and its stream's hash chain before trusting it.`;

export function asyncApiDocument({ topic, version, brokers = [] }: AsyncApiOptions): Schema {
  const messageNames = [...EVENT_TYPES, GENESIS_TYPE];
  const messageKey = (name: string) => name.replace(/\./g, '-');
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Trade-policy ledger: event topic',
      version,
      description: DESCRIPTION,
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    ...(brokers.length > 0 && {
      servers: Object.fromEntries(
        brokers.map((host, index) => [
          `broker${index + 1}`,
          {
            host,
            protocol: 'kafka',
            description: 'A bootstrap broker (SASL/SCRAM-SHA-512 unless configured otherwise)',
            security: [{ $ref: '#/components/securitySchemes/scram' }],
          },
        ]),
      ),
    }),
    channels: {
      policyEvents: {
        address: topic,
        title: 'Policy events',
        description: `Stream types: ${STREAM_TYPES.join(', ')}. Key: the stream id.`,
        messages: Object.fromEntries(
          messageNames.map((name) => [
            messageKey(name),
            { $ref: `#/components/messages/${messageKey(name)}` },
          ]),
        ),
        bindings: {
          kafka: {
            topic,
            topicConfiguration: { 'cleanup.policy': ['delete'], 'retention.ms': -1 },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
      },
    },
    operations: {
      receivePolicyEvents: {
        action: 'receive',
        title: 'Subscribe to policy events',
        summary: 'What a subscriber (consumer group) receives',
        channel: { $ref: '#/channels/policyEvents' },
        messages: messageNames.map((name) => ({
          $ref: `#/channels/policyEvents/messages/${messageKey(name)}`,
        })),
      },
    },
    components: {
      messages: Object.fromEntries<Schema>([
        ...EVENT_TYPES.map((type): [string, Schema] => [type, eventMessage(type)]),
        [messageKey(GENESIS_TYPE), GENESIS_MESSAGE],
      ]),
      securitySchemes: {
        scram: {
          type: 'scramSha512',
          description: 'SASL/SCRAM-SHA-512 with the principal the operator gave the subscriber',
        },
      },
    },
  };
}
