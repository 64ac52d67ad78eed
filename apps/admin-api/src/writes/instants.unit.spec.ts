import { EVENT_DATA_SCHEMAS, EVENT_TYPES } from '@ledger/contracts';
import { INSTANT_FIELDS, instantFieldsOf, toEventData } from './instants';

/** Every `format: date-time` field of a schema, found by JSON.stringify's walk (the key it was reached by). */
function dateTimeFieldsWalked(schema: unknown): string[] {
  const found: string[] = [];
  JSON.stringify(schema, (key, value: unknown) => {
    if (value !== null && typeof value === 'object' && 'format' in value && value.format === 'date-time') {
      found.push(key);
    }
    return value;
  });
  return found;
}

describe('the instant fields', () => {
  it.each(EVENT_TYPES.map((type) => [type]))('cover every date-time field of the %s schema', (type) => {
    for (const field of dateTimeFieldsWalked(EVENT_DATA_SCHEMAS[type])) {
      expect(INSTANT_FIELDS).toContain(field);
    }
  });

  it('are the date-time fields of the event schemas, nested ones included', () => {
    expect([...INSTANT_FIELDS].sort()).toEqual([
      'announcedAt',
      'appliedAt',
      'concludedAt',
      'decidedAt',
      'expiresAt',
      'from',
      'reportedAt',
      'rotatedFromExpiresAt',
      'to',
      'validFrom',
      'validTo',
      'withdrawnAt',
    ]);
  });

  it('would take in a date-time field a new schema declares, however deep', () => {
    const instant = { type: 'string', format: 'date-time' };
    const schema = {
      type: 'object',
      properties: {
        note: { type: 'string' },
        notedAt: instant,
        steps: { type: 'array', items: { type: 'object', properties: { dueAt: instant } } },
        window: {
          oneOf: [{ type: 'object', properties: { closesAt: { ...instant, type: ['string', 'null'] } } }],
        },
      },
    };
    expect(instantFieldsOf(schema).sort()).toEqual(['closesAt', 'dueAt', 'notedAt']);
    expect(instantFieldsOf(schema).sort()).toEqual(dateTimeFieldsWalked(schema).sort());
  });

  it('are normalised to UTC with milliseconds, nested ones included', () => {
    const body = {
      count: 3,
      period: { from: '2025-01-01T02:00:00+02:00', to: '2025-06-30T23:59:59Z' },
      reportedAt: '2025-07-01T09:30:00.5-04:00',
      note: undefined,
    };
    expect(toEventData(body)).toEqual({
      count: 3,
      period: { from: '2025-01-01T00:00:00.000Z', to: '2025-06-30T23:59:59.000Z' },
      reportedAt: '2025-07-01T13:30:00.500Z',
    });
  });
});
