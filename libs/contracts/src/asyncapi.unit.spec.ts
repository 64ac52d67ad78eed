import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { SEED_EVENTS } from '../test/seed-events';
import { asyncApiDocument } from './asyncapi';
import { EVENT_TYPES } from './events';
import { toKafkaRecord } from './kafka-record';
import { toGenesisRecord, withTopicInstance } from './topic-genesis';

const DOCUMENT = asyncApiDocument({ topic: 'policy.events', version: '1', brokers: ['127.0.0.1:9092'] });
const INSTANCE = '0193a4b2-7c1d-7e4f-8a2b-3c4d5e6f7a8b';

interface Message {
  readonly payload: object;
  readonly headers: object;
}
const messages = (DOCUMENT.components as { messages: Record<string, Message> }).messages;

/** Shape only: the contract's own checks (jurisdictions, HS codes, decimals) are validation.ts's. */
function shapeValidator(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, formats: { jurisdiction: true, 'hs-code': true } });
  addFormats(ajv, ['date-time', 'uri', 'uuid']);
  ajv.addKeyword({ keyword: 'maxDecimalPlaces', type: 'number' });
  return ajv;
}

describe('the AsyncAPI document of the topic', () => {
  it('is valid AsyncAPI 3.0 to the official parser: no errors, no warnings', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(DOCUMENT));
    // Left: one piece of information (severity 2), that 3.1 exists; tools read 3.0 more widely.
    const findings = diagnostics.filter(({ code }) => code !== 'asyncapi-latest-version');
    expect(
      findings.map(({ code, message, path }) => `${String(code)} ${path.join('.')}: ${message}`),
    ).toEqual([]);
    expect(diagnostics.map(({ code, severity }) => ({ code, severity }))).toEqual([
      { code: 'asyncapi-latest-version', severity: 2 },
    ]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.channels()
        .all()
        .map((channel) => channel.address()),
    ).toEqual(['policy.events']);
  });

  it('has one message per event type, and the genesis record', () => {
    expect(Object.keys(messages).sort()).toEqual([...EVENT_TYPES, 'ledger-topic-genesis'].sort());
  });

  it('describes every record the relay writes: value and headers of each seed event, and a genesis record', () => {
    const ajv = shapeValidator();
    for (const event of SEED_EVENTS) {
      const record = withTopicInstance(toKafkaRecord(event), INSTANCE);
      const { payload, headers } = messages[event.type];
      const value: unknown = JSON.parse(record.value);
      expect({ type: event.type, valid: ajv.validate(payload, value), errors: ajv.errors ?? null }).toEqual({
        type: event.type,
        valid: true,
        errors: null,
      });
      expect(ajv.validate(headers, record.headers)).toBe(true);
    }
    const genesis = toGenesisRecord({
      topicInstanceId: INSTANCE,
      clusterId: 'cluster',
      topic: 'policy.events',
      partition: 2,
      partitions: 6,
      journalId: '0193a4b2-7c1d-7e4f-8a2b-3c4d5e6f7a8c',
      createdAt: '2025-04-01T00:00:00.000Z',
    });
    const { payload, headers } = messages['ledger-topic-genesis'];
    expect(ajv.validate(payload, JSON.parse(genesis.value))).toBe(true);
    expect(ajv.validate(headers, genesis.headers)).toBe(true);
  });

  it('refuses what the relay never writes: an unknown attribute, data of another type, a missing hash', () => {
    const ajv = shapeValidator();
    const event = SEED_EVENTS.find((candidate) => candidate.type === 'TariffRateChanged');
    if (!event) throw new Error('the seed has a TariffRateChanged');
    const value = JSON.parse(toKafkaRecord(event).value) as Record<string, unknown>;
    const { payload } = messages.TariffRateChanged;
    expect(ajv.validate(payload, value)).toBe(true);
    expect(ajv.validate(payload, { ...value, surprise: 1 })).toBe(false);
    expect(ajv.validate(payload, { ...value, data: { rate: 'high' } })).toBe(false);
    const { hash: _hash, ...unhashed } = value;
    expect(ajv.validate(payload, unhashed)).toBe(false);
    expect(ajv.validate(messages.TariffImposed.payload, value)).toBe(false);
  });
});
