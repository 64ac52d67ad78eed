import Ajv from 'ajv';
import { SAMPLE_DATA, SEED_API_KEY_EVENTS, SEED_EVENTS, US_RECIPROCAL_ON_CN } from '../test/seed-events';
import { ELEMENT_SYMBOLS, RARE_EARTH_ELEMENTS } from './elements';
import { EVENT_TYPES, SCHEMA_VERSIONS, type EventType } from './events';
import { ENVELOPE_SCHEMA, EVENT_DATA_SCHEMAS } from './schemas';
import { validateEnvelope, validateEventData } from './validation';

const tariffImposed = SAMPLE_DATA.TariffImposed as Record<string, unknown>;
const exportControlImposed = SAMPLE_DATA.ExportControlImposed as Record<string, unknown>;

describe('JSON Schemas', () => {
  it('has a schema for every event type, each compiling on its own', () => {
    expect(Object.keys(EVENT_DATA_SCHEMAS).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      // Another ajv without our extensions must still compile the portable part.
      const portable = new Ajv({ strict: false, validateFormats: false, discriminator: true });
      expect(() => portable.compile(EVENT_DATA_SCHEMAS[type])).not.toThrow();
    }
    expect(() =>
      new Ajv({ strict: false, validateFormats: false, discriminator: true }).compile(ENVELOPE_SCHEMA),
    ).not.toThrow();
  });

  it('compiles every schema in strict mode with the ledger extensions', () => {
    for (const type of EVENT_TYPES) {
      expect(validateEventData(type, {}).length).toBeGreaterThan(0);
    }
    expect(validateEnvelope({}).length).toBeGreaterThan(0);
  });

  it('forbids additional properties on every object', () => {
    const objectsWithoutRule: string[] = [];
    const visit = (schema: unknown, path: string): void => {
      if (Array.isArray(schema)) {
        schema.forEach((item, index) => visit(item, `${path}/${index}`));
      } else if (typeof schema === 'object' && schema !== null) {
        const node = schema as Record<string, unknown>;
        const isObjectSchema =
          node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
        if (isObjectSchema && node.additionalProperties !== false && node.oneOf === undefined) {
          objectsWithoutRule.push(path);
        }
        Object.entries(node).forEach(([key, value]) => visit(value, `${path}/${key}`));
      }
    };
    visit(EVENT_DATA_SCHEMAS, '');
    visit(ENVELOPE_SCHEMA, '');
    // The envelope's `data` is closed by the payload schema in the branch its `type` picks.
    expect(objectsWithoutRule).toEqual(['/properties/data']);
  });

  it('ships the 118 element symbols, rare earths included', () => {
    expect(ELEMENT_SYMBOLS).toHaveLength(118);
    expect(new Set(ELEMENT_SYMBOLS).size).toBe(118);
    expect(RARE_EARTH_ELEMENTS).toHaveLength(17);
    expect(ELEMENT_SYMBOLS).toEqual(expect.arrayContaining([...RARE_EARTH_ELEMENTS]));
    expect(ELEMENT_SYMBOLS[0]).toBe('H');
    expect(ELEMENT_SYMBOLS[73]).toBe('W');
    expect(ELEMENT_SYMBOLS[117]).toBe('Og');
  });
});

describe('validateEventData', () => {
  it('has a realistic sample of every event type', () => {
    expect(Object.keys(SAMPLE_DATA).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(EVENT_TYPES.map((type) => [type]))('accepts the seed %s', (type: EventType) => {
    expect(validateEventData(type, SAMPLE_DATA[type])).toEqual([]);
  });

  it.each([
    ['2846', true],
    ['85', true],
    ['850511', true],
    ['85051110', true],
    ['8505111000', true],
    ['8505.11', false],
    ['850', false],
    ['85051', false],
    ['85051110001', false],
    ['85051100000', false],
  ])('HS code %s valid: %s', (code, valid) => {
    const data = { ...tariffImposed, products: { scope: 'codes', codes: [code] } };
    expect(validateEventData('TariffImposed', data)).toEqual(
      valid ? [] : ['products.codes[0]: must be an HS code of 2, 4, 6, 8 or 10 digits'],
    );
  });

  it.each([
    [0, true],
    [10, true],
    [0.07, true],
    [84.25, true],
    [1000, true],
    [145.5, true],
    [0.1 + 0.2, false],
    [12.345, false],
    [-1, false],
    [1000.01, false],
  ])('rate %p valid: %s', (rate, valid) => {
    expect(
      validateEventData('TariffRateChanged', {
        rate,
        validFrom: '2025-05-14T04:01:00.000Z',
        heading: null,
        instrument: null,
      }).length === 0,
    ).toBe(valid);
  });

  it.each([
    ['US', true],
    ['HK', true],
    ['MO', true],
    ['EU', true],
    ['*', true],
    ['XX', false],
    ['UK', false],
    ['us', false],
    ['USA', false],
  ])('jurisdiction %s valid: %s', (code, valid) => {
    expect(validateEventData('TariffImposed', { ...tariffImposed, imposer: code })).toEqual(
      valid ? [] : ['imposer: must be an ISO 3166-1 alpha-2 code, EU or *'],
    );
  });

  it.each([
    ['2025-04-04T00:00:00.000Z', true],
    ['2025-02-28T23:59:59.999Z', true],
    ['2024-02-29T12:00:00.000Z', true],
    ['2025-02-29T12:00:00.000Z', false],
    ['2025-04-04T00:00:00Z', false],
    ['2025-04-04T08:00:00.000+08:00', false],
    ['2025-04-04', false],
    ['2025-04-04T24:00:00.000Z', false],
    ['2025-12-31T23:59:60.000Z', false],
  ])('instant %s valid: %s', (instant, valid) => {
    expect(validateEventData('TariffLifted', { validFrom: instant })).toEqual(
      valid
        ? []
        : ['validFrom: must be an RFC 3339 UTC instant with milliseconds (YYYY-MM-DDTHH:mm:ss.sssZ)'],
    );
  });

  it('accepts an open-ended validity as null or absent, not as another value', () => {
    expect(
      validateEventData('TariffSuspended', { validFrom: '2025-05-14T04:01:00.000Z', validTo: null }),
    ).toEqual([]);
    expect(validateEventData('TariffSuspended', { validFrom: '2025-05-14T04:01:00.000Z' })).toEqual([]);
    expect(validateEventData('TariffValidityChanged', {})).toEqual(['validTo: is required']);
    expect(validateEventData('TariffValidityChanged', { validTo: 5 })).toEqual([
      'validTo: must be string or null',
    ]);
  });

  it('requires a controlled item to name an element, control code or HS code', () => {
    const items = [
      { element: 'Dy', description: 'ok' },
      { description: 'Magnets' },
      { element: 'Xx', description: 'x' },
    ];
    expect(validateEventData('ExportControlImposed', { ...exportControlImposed, items })).toEqual([
      'items[1]: must have at least one of element, controlCode, hsCode',
      'items[2].element: must be a periodic-table symbol (e.g. Dy)',
    ]);
  });

  it('records an undisclosed licence count as null and refuses fractions or negatives', () => {
    const report = SAMPLE_DATA.ExportLicencesReported as Record<string, unknown>;
    expect(validateEventData('ExportLicencesReported', { ...report, count: null })).toEqual([]);
    expect(validateEventData('ExportLicencesReported', { ...report, count: 0 })).toEqual([]);
    expect(validateEventData('ExportLicencesReported', { ...report, count: 2.5 })).toEqual([
      'count: must be integer or null',
    ]);
    expect(validateEventData('ExportLicencesReported', { ...report, count: -1 })).toEqual([
      'count: must be >= 0',
    ]);
  });

  it('tells the product scopes apart and refuses fields of the other scope', () => {
    const check = (products: unknown): string[] =>
      validateEventData('TariffImposed', { ...tariffImposed, products });
    expect(check({ scope: 'all' })).toEqual([]);
    expect(check({ scope: 'all', codes: ['85'] })).toEqual(['products.codes: is not allowed']);
    expect(check({ scope: 'codes' })).toEqual(['products.codes: is required']);
    expect(check({ scope: 'codes', codes: [] })).toEqual([
      'products.codes: must NOT have fewer than 1 items',
    ]);
    expect(check({ scope: 'some' })).toEqual(['products.scope: must be one of all, codes']);
  });

  it('names every problem with its field path', () => {
    const data = { ...without(tariffImposed, 'title'), targets: ['CN', 'cn'], rate: '10', comment: 'x' };
    expect(validateEventData('TariffImposed', data).sort()).toEqual([
      'comment: is not allowed',
      'rate: must be number',
      'targets[1]: must be an ISO 3166-1 alpha-2 code, EU or *',
      'title: is required',
    ]);
  });

  it('refuses stream ids that are not slugs', () => {
    const applied = SAMPLE_DATA.LicenceApplied as Record<string, unknown>;
    for (const exportControlId of ['CN-Rare', 'ab', '-abc', 'a b c', 'x'.repeat(101)]) {
      expect(validateEventData('LicenceApplied', { ...applied, exportControlId })).toHaveLength(1);
    }
    expect(validateEventData('LicenceApplied', { ...applied, exportControlId: 'abc' })).toEqual([]);
  });

  it('keeps API key events to the key facts: an id of the issued form, a role, no secret', () => {
    const created = SAMPLE_DATA.ApiKeyCreated as Record<string, unknown>;
    expect(validateEventData('ApiKeyCreated', { ...created, secret: 'tpl_key-0a1b2c3d4e5f_x' })).toEqual([
      'secret: is not allowed',
    ]);
    expect(validateEventData('ApiKeyCreated', { ...created, keyId: 'admin' })).toHaveLength(1);
    expect(validateEventData('ApiKeyRevoked', { ...created, role: 'system' })).toHaveLength(1);
    expect(validateEventData('ApiKeyExpirySet', { ...created, expiresAt: '2030-01-01' })).toHaveLength(1);
    expect(validateEventData('ApiKeyRotated', created)).toEqual([
      'rotatedFrom: is required',
      'rotatedFromExpiresAt: is required',
    ]);
  });

  it('refuses a payload that is not an object', () => {
    expect(validateEventData('TariffLifted', null)).toEqual(['(root): must be object']);
  });
});

describe('validateEnvelope', () => {
  const event = US_RECIPROCAL_ON_CN[1];

  it('accepts every seed event', () => {
    for (const seed of SEED_EVENTS) {
      expect(validateEnvelope(seed)).toEqual([]);
    }
  });

  it.each([
    ['9903.01.24', true],
    ['9903.01.25', true],
    ['9903.01.63', true],
    ['9802.00.80', true],
    ['9903.88.15.10', true],
    [null, true],
    ['99030124', false],
    ['9903', false],
    ['8505.11', false],
    ['9903.1.24', false],
  ])('heading %p valid: %s', (heading, valid) => {
    const change = { rate: 20, validFrom: '2025-03-04T05:01:00.000Z', heading, instrument: null };
    expect(validateEventData('TariffRateChanged', change).length === 0).toBe(valid);
  });

  it('checks a record against the schema of its own version: v1 has no heading, v2 may have one', () => {
    const v1 = { rate: 20, validFrom: '2025-03-04T05:01:00.000Z' };
    expect(validateEventData('TariffRateChanged', v1, 1)).toEqual([]);
    expect(validateEventData('TariffRateChanged', v1, 2)).toEqual([]);
    expect(validateEventData('TariffRateChanged', { ...v1, heading: null, instrument: null }, 1)).toEqual([
      'heading: is not allowed',
      'instrument: is not allowed',
    ]);
    expect(validateEnvelope({ ...event, schemaVersion: 1 })).toEqual([
      'data.heading: is not allowed',
      'data.instrument: is not allowed',
    ]);
  });

  it('validates the payload against the schema of the event type', () => {
    expect(validateEnvelope({ ...event, data: { ...event.data, rate: 1001 } })).toEqual([
      'data.rate: must be <= 1000',
    ]);
    expect(validateEnvelope({ ...event, type: 'TariffLifted', schemaVersion: 1 })).toEqual([
      'data.rate: is not allowed',
      'data.validTo: is not allowed',
      'data.heading: is not allowed',
      'data.instrument: is not allowed',
    ]);
  });

  it('holds the schema version to one of the type this reader knows', () => {
    expect(validateEnvelope({ ...event, schemaVersion: 9 })).toEqual([
      `schemaVersion: must be a schema version of ${event.type} this reader knows (${Array.from(
        { length: SCHEMA_VERSIONS[event.type] },
        (_, index) => index + 1,
      ).join(', ')})`,
    ]);
  });

  it('allows each type only in its stream types', () => {
    expect(validateEnvelope({ ...event, streamType: 'licence' })).toEqual([
      'streamType: must be one of tariff-measure',
    ]);
    const retraction = US_RECIPROCAL_ON_CN[3];
    expect(validateEnvelope({ ...retraction, streamType: 'licence' })).toEqual([]);
    const keyEvent = SEED_API_KEY_EVENTS[0];
    expect(validateEnvelope({ ...keyEvent, streamType: 'tariff-measure' })).toEqual([
      'streamType: must be one of ledger',
    ]);
  });

  it('refuses an unknown event type', () => {
    expect(validateEnvelope({ ...event, type: 'TariffRaised' })).toEqual([
      expect.stringMatching(/^type: must be one of TariffImposed, /) as string,
    ]);
  });

  it('links prevHash to the version: null only for version 1', () => {
    expect(validateEnvelope({ ...event, prevHash: null })).toEqual(['prevHash: must be string']);
    expect(validateEnvelope({ ...event, streamVersion: 1 })).toEqual(['prevHash: must be null']);
  });

  it('requires a citation to have a url or a reference, and no other fields', () => {
    expect(validateEnvelope({ ...event, citation: null })).toEqual([]);
    expect(validateEnvelope({ ...event, citation: { title: 'Geneva' } })).toEqual([
      'citation: must have at least one of url, reference',
    ]);
    expect(validateEnvelope({ ...event, citation: { url: 'not a url', note: 'x' } })).toEqual([
      'citation.note: is not allowed',
      'citation.url: must match format "uri"',
    ]);
  });

  it('names missing and malformed envelope fields', () => {
    expect(validateEnvelope({ ...without(event, 'hash'), id: 'not-a-uuid', position: 0 }).sort()).toEqual([
      'hash: is required',
      'id: must be a lowercase UUID v7',
      'position: must be >= 1',
    ]);
    expect(validateEnvelope('event')).toEqual(['(root): must be object']);
  });
});

function without(value: object, ...keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}
