import { CloudEvent, HTTP, Kafka, type KafkaMessage } from 'cloudevents';
import { DYSPROSIUM_LICENCE, GENEVA_STATEMENT, SEED_EVENTS, US_RECIPROCAL_ON_CN } from '../test/seed-events';
import { ContractViolation } from './contract-violation';
import type { AnyEventEnvelope } from './envelope';
import { computeEventHash } from './event-hash';
import { fromKafkaRecord, toKafkaRecord } from './kafka-record';

const reciprocalCut = US_RECIPROCAL_ON_CN[1];

describe('toKafkaRecord', () => {
  it('maps the envelope to a structured CloudEvent keyed by stream (docs/architecture.md §3)', () => {
    const record = toKafkaRecord(reciprocalCut);
    expect(record.key).toBe('us-ieepa-reciprocal-cn');
    expect(JSON.parse(record.value)).toEqual({
      specversion: '1.0',
      id: reciprocalCut.id,
      type: 'TariffRateChanged',
      source: '/streams/tariff-measure/us-ieepa-reciprocal-cn',
      subject: 'us-ieepa-reciprocal-cn',
      time: '2025-05-12T12:30:00.000Z',
      datacontenttype: 'application/json',
      streamid: 'us-ieepa-reciprocal-cn',
      streamtype: 'tariff-measure',
      streamversion: 2,
      position: reciprocalCut.position,
      schemaversion: 2,
      prevhash: US_RECIPROCAL_ON_CN[0].hash,
      hash: reciprocalCut.hash,
      actorkeyid: 'key-admin-1',
      actorrole: 'admin',
      correlationid: reciprocalCut.correlationId,
      citationurl: reciprocalCut.citation!.url,
      citationref: 'Joint statement, Geneva, 12 May 2025',
      citationtitle: 'Joint Statement on U.S.-China Economic and Trade Meeting in Geneva',
      data: {
        rate: 10,
        validFrom: '2025-05-14T04:01:00.000Z',
        validTo: '2025-08-12T04:01:00.000Z',
        heading: null,
        instrument: 'Executive Order 14298',
      },
    });
    expect(record.headers).toMatchObject({
      'content-type': 'application/cloudevents+json',
      ce_specversion: '1.0',
      ce_id: reciprocalCut.id,
      ce_type: 'TariffRateChanged',
      ce_source: '/streams/tariff-measure/us-ieepa-reciprocal-cn',
      ce_subject: 'us-ieepa-reciprocal-cn',
      ce_time: '2025-05-12T12:30:00.000Z',
      ce_streamversion: '2',
      ce_position: String(reciprocalCut.position),
      ce_schemaversion: '2',
      ce_hash: reciprocalCut.hash,
    });
  });

  it('leaves out prevhash for version 1 and causation or citation when there is none', () => {
    const application = DYSPROSIUM_LICENCE[0];
    const value = JSON.parse(toKafkaRecord(application).value) as Record<string, unknown>;
    const headers = toKafkaRecord(application).headers;
    for (const name of ['prevhash', 'causationid', 'citationurl', 'citationref', 'citationtitle']) {
      expect(value).not.toHaveProperty(name);
      expect(headers).not.toHaveProperty(`ce_${name}`);
    }
    expect(JSON.parse(toKafkaRecord(DYSPROSIUM_LICENCE[1]).value)).toMatchObject({
      causationid: DYSPROSIUM_LICENCE[1].causationId,
    });
  });
});

describe('fromKafkaRecord', () => {
  it.each(SEED_EVENTS.map((event) => [`${event.type} ${event.streamId} v${event.streamVersion}`, event]))(
    'rebuilds %s exactly, so its hash recomputes',
    (_name, event) => {
      const record = toKafkaRecord(event);
      const rebuilt = fromKafkaRecord({ ...record, value: Buffer.from(record.value, 'utf8') });
      expect(rebuilt).toStrictEqual(event);
      expect(computeEventHash(rebuilt)).toBe(event.hash);
    },
  );

  it('refuses a record without value or with a value that is not JSON', () => {
    const record = toKafkaRecord(reciprocalCut);
    expect(() => fromKafkaRecord({ ...record, value: null })).toThrow(ContractViolation);
    expect(() => fromKafkaRecord({ ...record, value: '{"specversion":' })).toThrow(/value is not JSON/);
    expect(() => fromKafkaRecord({ ...record, value: '[1]' })).toThrow(ContractViolation);
  });

  it('names missing attributes', () => {
    const record = withDocument(reciprocalCut, (document) => without(document, 'hash', 'time'));
    expect(violationOf(record)).toBe('CloudEvent lacks time, hash');
  });

  it('refuses a record whose key is not its stream', () => {
    const record = toKafkaRecord(reciprocalCut);
    expect(violationOf({ ...record, key: 'cn-tariff-commission-us-2025' })).toMatch(/^record key/);
    expect(violationOf({ ...record, key: null })).toMatch(/^record key/);
  });

  it('refuses a payload that breaks its schema', () => {
    const record = withDocument(reciprocalCut, (document) => ({ ...document, data: { rate: 2000 } }));
    expect(violationOf(record)).toContain('data.rate: must be <= 1000');
    expect(violationOf(record)).toContain('data.validFrom: is required');
  });

  it('refuses a version 2 event without prevhash and a version 1 event with one', () => {
    expect(violationOf(withDocument(reciprocalCut, (document) => without(document, 'prevhash')))).toContain(
      'prevHash: must be string',
    );
    const first = GENEVA_STATEMENT[0];
    expect(
      violationOf(withDocument(first, (document) => ({ ...document, prevhash: 'a'.repeat(64) }))),
    ).toContain('prevHash: must be null');
  });

  it('refuses a citation title without url or reference', () => {
    const record = withDocument(reciprocalCut, (document) => without(document, 'citationurl', 'citationref'));
    expect(violationOf(record)).toContain('citation: must have at least one of url, reference');
  });

  it('refuses tampered data whose hash no longer recomputes', () => {
    const record = withDocument(reciprocalCut, (document) => ({
      ...document,
      data: { ...(document.data as object), rate: 30 },
    }));
    expect(violationOf(record)).toMatch(/hash does not recompute/);
  });

  it('refuses an event holding a NUL character, even with a hash that recomputes', () => {
    const { hash: _hash, ...unhashed } = reciprocalCut;
    const withNul = { ...unhashed, citation: { reference: 'Joint statement\u0000, Geneva' } };
    const event = { ...withNul, hash: computeEventHash(withNul) } as AnyEventEnvelope;
    const record = toKafkaRecord(event);
    expect(record.value).toContain('\\u0000');

    expect(violationOf(record)).toBe('value holds a NUL character (\\u0000)');
    expect(violationOf({ ...record, value: Buffer.from(record.value, 'utf8') })).toBe(
      'value holds a NUL character (\\u0000)',
    );
  });

  it('accepts the text \\u0000 written as an escaped backslash, which holds no NUL', () => {
    const { hash: _hash, ...unhashed } = reciprocalCut;
    const withText = { ...unhashed, citation: { reference: 'see \\u0000 in the annex' } };
    const event = { ...withText, hash: computeEventHash(withText) } as AnyEventEnvelope;

    expect(fromKafkaRecord(toKafkaRecord(event))).toEqual(event);
  });

  it('refuses a source or ce_ header that disagrees with the event', () => {
    const record = toKafkaRecord(reciprocalCut);
    expect(violationOf({ ...record, headers: { ...record.headers, ce_streamversion: '3' } })).toMatch(
      /^header ce_streamversion/,
    );
    expect(violationOf({ ...record, headers: { ...record.headers, ce_causationid: 'x' } })).toMatch(
      /^header ce_causationid/,
    );
    expect(
      violationOf(withDocument(reciprocalCut, (document) => ({ ...document, source: '/streams/licence/x' }))),
    ).toMatch(/^source/);
    expect(fromKafkaRecord({ ...record, headers: { ...record.headers, ce_traceparent: '00-abc' } })).toEqual(
      reciprocalCut,
    );
  });
});

describe('the cloudevents SDK', () => {
  it.each(SEED_EVENTS.map((event) => [`${event.type} ${event.streamId} v${event.streamVersion}`, event]))(
    'parses the record of %s with its extensions',
    (_name, event) => {
      const record = toKafkaRecord(event);
      const extensions = {
        streamid: event.streamId,
        streamtype: event.streamType,
        streamversion: event.streamVersion,
        position: event.position,
        schemaversion: event.schemaVersion,
        hash: event.hash,
        actorkeyid: event.actor.keyId,
        actorrole: event.actor.role,
        correlationid: event.correlationId,
      };

      const strict = new CloudEvent(JSON.parse(record.value) as Record<string, unknown>);
      expect(strict).toMatchObject({ id: event.id, type: event.type, time: event.recordedAt, ...extensions });
      expect(strict.data).toEqual(event.data);

      const message: KafkaMessage<string> = { ...record, body: record.value };
      const overKafka = Kafka.toEvent(message);
      expect(overKafka).toMatchObject({
        subject: event.streamId,
        source: `/streams/${event.streamType}/${event.streamId}`,
      });
      expect(overKafka).toMatchObject(extensions);
      expect((overKafka as CloudEvent<unknown>).validate()).toBe(true);

      const overHttp = HTTP.toEvent({
        headers: { 'content-type': record.headers['content-type'] },
        body: record.value,
      });
      expect(overHttp).toMatchObject({ ...extensions, data: event.data });
      expect((overHttp as CloudEvent<unknown>).prevhash).toBe(event.prevHash ?? undefined);
    },
  );
});

function violationOf(record: Parameters<typeof fromKafkaRecord>[0]): string {
  try {
    fromKafkaRecord(record);
  } catch (error) {
    if (error instanceof ContractViolation) {
      return error.reason;
    }
    throw error;
  }
  throw new Error('expected a ContractViolation');
}

/** A record whose CloudEvent document was changed after the relay wrote it; headers dropped. */
function withDocument(
  event: AnyEventEnvelope,
  change: (document: Record<string, unknown>) => Record<string, unknown>,
): Parameters<typeof fromKafkaRecord>[0] {
  const record = toKafkaRecord(event);
  return {
    key: record.key,
    value: JSON.stringify(change(JSON.parse(record.value) as Record<string, unknown>)),
    headers: {},
  };
}

function without(value: object, ...keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}
