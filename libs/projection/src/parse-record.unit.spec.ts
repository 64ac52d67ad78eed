import {
  computeEventHash,
  toKafkaRecord,
  type AnyEventEnvelope,
  type EventEnvelope,
} from '@ledger/contracts';
import { parseRecord, type RawRecord } from './parse-record';

const REPLACEMENT = Buffer.from('\uFFFD', 'utf8');

/** A valid event whose citation holds U+FFFD, hashed as such. */
function withReplacementCharacter(): AnyEventEnvelope {
  const unhashed: Omit<EventEnvelope<'TariffImposed'>, 'hash'> = {
    id: '0190f5d0-0000-7000-8000-000000000001',
    type: 'TariffImposed',
    schemaVersion: 1,
    streamId: 'us-steel-parse',
    streamType: 'tariff-measure',
    streamVersion: 1,
    position: 1,
    recordedAt: '2025-04-02T20:00:01.000Z',
    actor: { keyId: 'test-admin', role: 'admin' },
    correlationId: '0190f5d0-0000-7000-8000-000000000002',
    causationId: null,
    citation: { reference: 'EO 14257 \uFFFD annex' },
    prevHash: null,
    data: {
      imposer: 'US',
      targets: ['CN'],
      program: 'US-IEEPA-RECIPROCAL',
      products: { scope: 'all' },
      title: 'Reciprocal tariff',
      legalInstrument: 'EO 14257',
      announcedAt: '2025-04-02T20:00:00.000Z',
      rate: 10,
      validFrom: '2025-04-05T04:01:00.000Z',
      validTo: null,
    },
  };
  return { ...unhashed, hash: computeEventHash(unhashed) };
}

function raw(value: Buffer, key = 'us-steel-parse'): RawRecord {
  return { key, value, headers: {} };
}

describe('parseRecord', () => {
  it('reads a record of the contract as its event', () => {
    const event = withReplacementCharacter();
    const record = toKafkaRecord(event);

    expect(parseRecord(raw(Buffer.from(record.value)))).toEqual({ ok: true, event });
  });

  it('refuses bytes that are not UTF-8, where a lossy decoding would have read a valid event', () => {
    const valid = Buffer.from(toKafkaRecord(withReplacementCharacter()).value);
    const at = valid.indexOf(REPLACEMENT);
    const invalid = Buffer.concat([
      valid.subarray(0, at),
      Buffer.from([0xff]),
      valid.subarray(at + REPLACEMENT.length),
    ]);
    expect(invalid.toString('utf8')).toBe(valid.toString('utf8'));

    expect(parseRecord(raw(invalid))).toEqual({
      ok: false,
      kind: 'unparseable',
      reason: 'value is not valid UTF-8',
    });
  });

  it('refuses a value over the limit without reading it', () => {
    const value = Buffer.from(toKafkaRecord(withReplacementCharacter()).value);

    expect(parseRecord(raw(value), { maxValueBytes: value.length })).toMatchObject({ ok: true });
    expect(parseRecord(raw(value), { maxValueBytes: value.length - 1 })).toEqual({
      ok: false,
      kind: 'oversized',
      reason: `value of ${value.length} bytes is over the limit of ${value.length - 1}`,
    });
  });

  it('tells JSON that breaks the contract from what is no JSON at all', () => {
    expect(parseRecord(raw(Buffer.from('{"specversion":"1.0","note":"a\\u0000b"}')))).toEqual({
      ok: false,
      kind: 'schema-violation',
      reason: 'value holds a NUL character (\\u0000)',
    });
    expect(parseRecord(raw(Buffer.from('\uFEFF{}')))).toMatchObject({ ok: false, kind: 'unparseable' });
    expect(parseRecord({ key: 'k', value: null, headers: {} })).toEqual({
      ok: false,
      kind: 'unparseable',
      reason: 'record has no value',
    });
  });
});
