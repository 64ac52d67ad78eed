import { ELEMENT_SYMBOLS } from './elements';
import { HEADING_PATTERN, HS_CODE_PATTERN, STREAM_ID_PATTERN } from './identifiers';
import { EVENT_STREAM_TYPES, EVENT_TYPES, SCHEMA_VERSIONS, STREAM_TYPES, type EventType } from './events';

/**
 * JSON Schemas (draft-07) of the event contract, written once and tested against real events.
 * Portable keywords carry the rules; three checks need more than JSON Schema and are named
 * with ajv extensions that other validators ignore: `format: "jurisdiction"` (a code that
 * i18n-iso-countries knows), `maxDecimalPlaces` (floating point makes `multipleOf: 0.01`
 * reject 0.07) and `discriminator` (OpenAPI's, so errors come from the matching branch only).
 * A `description` on a leaf is the noun phrase validation messages use ("must be …").
 */
type Schema = Readonly<Record<string, unknown>>;

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** The API normalises every instant to this form before an event is made. */
const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d\\.\\d{3}Z$';
const JURISDICTION_PATTERN = '^([A-Z]{2}|\\*)$';
const UUID_V7_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
const SHA256_HEX_PATTERN = '^[0-9a-f]{64}$';

const INSTANT_DESCRIPTION = 'an RFC 3339 UTC instant with milliseconds (YYYY-MM-DDTHH:mm:ss.sssZ)';
const instant: Schema = {
  type: 'string',
  format: 'date-time',
  pattern: INSTANT_PATTERN,
  description: INSTANT_DESCRIPTION,
};
const instantOrOpen: Schema = {
  ...instant,
  type: ['string', 'null'],
  description: `${INSTANT_DESCRIPTION} or null`,
};
const boundedText = (maxLength: number): Schema => ({ type: 'string', minLength: 1, maxLength });
const prose = boundedText(10_000);
const label = boundedText(500);
const jurisdiction: Schema = {
  type: 'string',
  pattern: JURISDICTION_PATTERN,
  format: 'jurisdiction',
  description: 'an ISO 3166-1 alpha-2 code, EU or *',
};
const jurisdictions = (minItems: number): Schema => ({
  type: 'array',
  items: jurisdiction,
  minItems,
  uniqueItems: true,
});
const hsCode: Schema = {
  type: 'string',
  pattern: HS_CODE_PATTERN,
  format: 'hs-code',
  description: 'an HS code of 2, 4, 6, 8 or 10 digits',
};
const headingOrUnknown: Schema = {
  type: ['string', 'null'],
  pattern: HEADING_PATTERN,
  description: 'a chapter 98 or 99 heading with dots (e.g. 9903.01.24) or null',
};
const streamId: Schema = {
  type: 'string',
  pattern: STREAM_ID_PATTERN,
  description: 'a slug of 3–100 characters (a-z, 0-9, -) starting with a letter or digit',
};
const eventId: Schema = { type: 'string', pattern: UUID_V7_PATTERN, description: 'a lowercase UUID v7' };
const sha256: Schema = {
  type: 'string',
  pattern: SHA256_HEX_PATTERN,
  description: 'a lowercase hex SHA-256',
};
const rate: Schema = {
  type: 'number',
  minimum: 0,
  maximum: 1000,
  maxDecimalPlaces: 2,
  description: 'ad valorem percentage points from 0 to 1000 with at most 2 decimals',
};

const programs: Schema = { type: 'array', items: label, uniqueItems: true };

const controlledItem: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['description'],
  properties: {
    element: { type: 'string', enum: ELEMENT_SYMBOLS, description: 'a periodic-table symbol (e.g. Dy)' },
    controlCode: { type: 'string', minLength: 1, maxLength: 50 },
    hsCode,
    description: prose,
  },
  anyOf: [{ required: ['element'] }, { required: ['controlCode'] }, { required: ['hsCode'] }],
};
const controlledItems = (minItems: number): Schema => ({ type: 'array', items: controlledItem, minItems });

const productScope: Schema = {
  type: 'object',
  required: ['scope'],
  properties: { scope: { type: 'string', enum: ['all', 'codes'] } },
  discriminator: { propertyName: 'scope' },
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['scope'],
      properties: {
        scope: { const: 'all' },
        excludedCodes: { type: 'array', items: hsCode, uniqueItems: true },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['scope', 'codes'],
      properties: {
        scope: { const: 'codes' },
        codes: { type: 'array', items: hsCode, minItems: 1, uniqueItems: true },
      },
    },
  ],
};

const object = (required: readonly string[], properties: Record<string, Schema>): Schema => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

const validityWindow = object(['validFrom'], { validFrom: instant, validTo: instantOrOpen });
const validityChange = object(['validTo'], { validTo: instantOrOpen });
const lift = object(['validFrom'], { validFrom: instant });

/** The payload of each event type, without `$schema` so the envelope schema can embed it. */
const API_KEY_ID: Schema = {
  type: 'string',
  pattern: '^key-[0-9a-f]{12}$',
  description: 'an API key id (key- and 12 lowercase hex digits)',
};
const API_KEY_CHANGE_FIELDS = ['keyId', 'role', 'label', 'expiresAt', 'actor'] as const;
const apiKeyChange = (extra: Record<string, Schema> = {}): Schema =>
  object([...API_KEY_CHANGE_FIELDS, ...Object.keys(extra)], {
    keyId: API_KEY_ID,
    role: { type: 'string', enum: ['admin', 'reader', 'auditor'] },
    label: label,
    expiresAt: instantOrOpen,
    actor: boundedText(200),
    ...extra,
  });

const TARIFF_IMPOSED_V1_REQUIRED = [
  'imposer',
  'targets',
  'program',
  'products',
  'title',
  'legalInstrument',
  'announcedAt',
  'rate',
  'validFrom',
] as const;
const TARIFF_IMPOSED_V1_PROPERTIES: Record<string, Schema> = {
  imposer: jurisdiction,
  targets: jurisdictions(1),
  excludedTargets: jurisdictions(0),
  program: label,
  products: productScope,
  title: label,
  legalInstrument: label,
  announcedAt: instant,
  rate,
  validFrom: instant,
  validTo: instantOrOpen,
};
const TARIFF_RATE_CHANGED_V1_PROPERTIES: Record<string, Schema> = {
  rate,
  validFrom: instant,
  validTo: instantOrOpen,
};

const DATA_BODIES: { readonly [K in EventType]: Schema } = {
  // v2: the heading of the rate (TariffImposed's instrument is its legalInstrument). Optional, so
  // events written without it stay valid; absent reads as null (unknown), as an upcast v1 does.
  TariffImposed: object(TARIFF_IMPOSED_V1_REQUIRED, {
    ...TARIFF_IMPOSED_V1_PROPERTIES,
    heading: headingOrUnknown,
  }),
  // v2: the heading and the instrument of the new rate.
  TariffRateChanged: object(['rate', 'validFrom'], {
    ...TARIFF_RATE_CHANGED_V1_PROPERTIES,
    heading: headingOrUnknown,
    instrument: { ...label, type: ['string', 'null'] },
  }),
  TariffSuspended: validityWindow,
  TariffLifted: lift,
  TariffValidityChanged: validityChange,
  // What an imposition says of a measure, the legal instrument optional.
  TariffAnnounced: object(
    TARIFF_IMPOSED_V1_REQUIRED.filter((field) => field !== 'legalInstrument'),
    TARIFF_IMPOSED_V1_PROPERTIES,
  ),
  TariffWithdrawn: object(['withdrawnAt', 'reason'], { withdrawnAt: instant, reason: prose }),
  TariffPostponed: lift,
  TariffPointsSuspended: object(['points', 'validFrom'], {
    points: {
      ...rate,
      exclusiveMinimum: 0,
      description: 'percentage points above 0, up to 1000, with at most 2 decimals',
    },
    provision: label,
    validFrom: instant,
    validTo: instantOrOpen,
  }),
  TariffStackingRulesSet: object(['validFrom'], {
    validFrom: instant,
    validTo: instantOrOpen,
    notStackedOn: programs,
    displaces: programs,
    cap: {
      oneOf: [
        { type: 'null' },
        object(['total', 'including'], { total: rate, including: { ...programs, minItems: 1 } }),
      ],
    },
  }),
  TariffProductsAmended: object(['validFrom'], {
    validFrom: instant,
    add: { type: 'array', items: hsCode, uniqueItems: true },
    remove: { type: 'array', items: hsCode, uniqueItems: true },
    exclude: {
      type: 'array',
      items: object(['code'], { code: hsCode, list: label, description: prose }),
    },
    reinclude: { type: 'array', items: hsCode, uniqueItems: true },
  }),
  ExportControlImposed: object(
    ['imposer', 'destinations', 'kind', 'items', 'legalInstrument', 'announcedAt', 'validFrom'],
    {
      imposer: jurisdiction,
      destinations: jurisdictions(1),
      excludedDestinations: jurisdictions(0),
      kind: { type: 'string', enum: ['licence-required', 'prohibited', 'end-user-ban'] },
      items: controlledItems(1),
      legalInstrument: label,
      announcedAt: instant,
      validFrom: instant,
      validTo: instantOrOpen,
    },
  ),
  ExportControlItemsAmended: object(['add', 'remove', 'validFrom'], {
    add: controlledItems(0),
    remove: controlledItems(0),
    validFrom: instant,
  }),
  ExportControlSuspended: validityWindow,
  ExportControlLifted: lift,
  ExportControlValidityChanged: validityChange,
  ExportLicencesReported: object(['count', 'period', 'reportedAt'], {
    count: { type: ['integer', 'null'], minimum: 0 },
    period: object(['from', 'to'], { from: instant, to: instant }),
    reportedAt: instant,
  }),
  LicenceApplied: object(['exportControlId', 'exporter', 'destination', 'items', 'appliedAt'], {
    exportControlId: streamId,
    exporter: label,
    consignee: label,
    destination: jurisdiction,
    items: controlledItems(1),
    quantity: object(['amount', 'unit'], {
      amount: { type: 'number', exclusiveMinimum: 0 },
      unit: { type: 'string', minLength: 1, maxLength: 50 },
    }),
    appliedAt: instant,
  }),
  LicenceApproved: object(['decidedAt', 'validFrom'], {
    decidedAt: instant,
    validFrom: instant,
    validTo: instantOrOpen,
    conditions: prose,
  }),
  LicenceDenied: object(['decidedAt', 'reason'], { decidedAt: instant, reason: prose }),
  LicenceRevoked: object(['validFrom', 'reason'], { validFrom: instant, reason: prose }),
  AgreementConcluded: object(['parties', 'title', 'concludedAt', 'summary', 'relatedMeasureIds'], {
    parties: jurisdictions(2),
    title: label,
    concludedAt: instant,
    summary: prose,
    relatedMeasureIds: { type: 'array', items: streamId, uniqueItems: true },
  }),
  PartyListCreated: object(['imposer', 'name'], { imposer: jurisdiction, name: label }),
  PartyListed: object(
    [
      'partyId',
      'name',
      'aliases',
      'country',
      'addresses',
      'reason',
      'licenceRequirement',
      'licenceReviewPolicy',
      'validFrom',
    ],
    {
      partyId: streamId,
      name: label,
      aliases: { type: 'array', items: label, uniqueItems: true, maxItems: 100 },
      country: jurisdiction,
      addresses: { type: 'array', items: label, maxItems: 100 },
      reason: prose,
      licenceRequirement: label,
      licenceReviewPolicy: label,
      validFrom: instant,
    },
  ),
  PartyDelisted: object(['partyId', 'validFrom'], { partyId: streamId, validFrom: instant }),
  EventRetracted: object(['retractedEventId', 'reason'], { retractedEventId: eventId, reason: prose }),
  LedgerCheckpointSigned: object(
    ['journalId', 'position', 'eventCount', 'streamCount', 'merkleRoot', 'algorithm', 'keyId', 'signature'],
    {
      journalId: { type: 'string', format: 'uuid', description: 'the journal id (a UUID)' },
      position: { type: 'integer', minimum: 1 },
      eventCount: { type: 'integer', minimum: 1 },
      streamCount: { type: 'integer', minimum: 1 },
      merkleRoot: sha256,
      algorithm: { const: 'ed25519' },
      keyId: { type: 'string', pattern: '^[0-9a-f]{16}$', description: '16 lowercase hex digits' },
      signature: {
        type: 'string',
        pattern: '^[A-Za-z0-9_-]{86}$',
        description: 'an Ed25519 signature in base64url (86 characters)',
      },
    },
  ),
  ApiKeyCreated: apiKeyChange(),
  ApiKeyRotated: apiKeyChange({ rotatedFrom: API_KEY_ID, rotatedFromExpiresAt: instant }),
  ApiKeyExpirySet: apiKeyChange(),
  ApiKeyRevoked: apiKeyChange(),
};

/**
 * The payload of every schema version of each event type, oldest first: entry `v - 1` is
 * version `v`, and the last is `DATA_BODIES` (the current one). Past versions are frozen: records
 * of them stay on the topic and in the journal forever, and each is checked against the schema of
 * its own version (libs/contracts/test/fixtures holds the archived ones a test compares with).
 */
const PAST_DATA_BODIES: { readonly [K in EventType]?: readonly Schema[] } = {
  TariffImposed: [object(TARIFF_IMPOSED_V1_REQUIRED, TARIFF_IMPOSED_V1_PROPERTIES)],
  TariffRateChanged: [object(['rate', 'validFrom'], TARIFF_RATE_CHANGED_V1_PROPERTIES)],
};

const DATA_BODY_VERSIONS = Object.fromEntries(
  EVENT_TYPES.map((type): [EventType, readonly Schema[]] => [
    type,
    [...(PAST_DATA_BODIES[type] ?? []), DATA_BODIES[type]],
  ]),
) as { readonly [K in EventType]: readonly Schema[] };

const dataSchema = (type: EventType, version: number): Schema => ({
  $schema: DRAFT_07,
  title: `${type} v${version}`,
  ...DATA_BODY_VERSIONS[type][version - 1],
});

/** The schema versions a record of `type` may carry: 1 up to the current one. */
export function knownSchemaVersions(type: EventType): readonly number[] {
  return DATA_BODY_VERSIONS[type].map((_, index) => index + 1);
}

/** One schema per event type's payload (`data`), at the type's current schema version. */
export const EVENT_DATA_SCHEMAS = Object.fromEntries(
  EVENT_TYPES.map((type): [EventType, Schema] => [type, dataSchema(type, SCHEMA_VERSIONS[type])]),
) as { readonly [K in EventType]: Schema };

/** Every schema version of each event type's payload, oldest first (index `v - 1` is version v). */
export const EVENT_DATA_SCHEMA_VERSIONS = Object.fromEntries(
  EVENT_TYPES.map((type): [EventType, readonly Schema[]] => [
    type,
    knownSchemaVersions(type).map((version) => dataSchema(type, version)),
  ]),
) as { readonly [K in EventType]: readonly Schema[] };

const ENVELOPE_FIELDS = [
  'id',
  'type',
  'schemaVersion',
  'streamId',
  'streamType',
  'streamVersion',
  'position',
  'recordedAt',
  'actor',
  'correlationId',
  'causationId',
  'citation',
  'prevHash',
  'hash',
  'data',
] as const;

/**
 * The whole envelope, `data` included: the `type` picks the branch that lists the schema
 * versions a reader knows, the allowed stream types and, per version, the payload schema.
 */
export const ENVELOPE_SCHEMA: Schema = {
  $schema: DRAFT_07,
  title: 'EventEnvelope',
  type: 'object',
  additionalProperties: false,
  required: ENVELOPE_FIELDS,
  properties: {
    id: eventId,
    type: { type: 'string', enum: EVENT_TYPES },
    schemaVersion: { type: 'integer', minimum: 1 },
    streamId,
    streamType: { type: 'string', enum: STREAM_TYPES },
    streamVersion: { type: 'integer', minimum: 1 },
    position: { type: 'integer', minimum: 1 },
    recordedAt: instant,
    actor: object(['keyId', 'role'], {
      keyId: boundedText(200),
      role: { type: 'string', enum: ['admin', 'reader', 'auditor', 'system'] },
    }),
    correlationId: boundedText(200),
    causationId: { ...boundedText(200), type: ['string', 'null'] },
    citation: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { url: { type: 'string', format: 'uri', maxLength: 2000 }, reference: label, title: label },
      anyOf: [{ required: ['url'] }, { required: ['reference'] }],
    },
    prevHash: { ...sha256, type: ['string', 'null'], description: 'a lowercase hex SHA-256 or null' },
    hash: sha256,
    data: { type: 'object' },
  },
  if: { properties: { streamVersion: { const: 1 } } },
  then: { properties: { prevHash: { type: 'null', description: 'null for streamVersion 1' } } },
  else: { properties: { prevHash: { type: 'string' } } },
  discriminator: { propertyName: 'type' },
  oneOf: EVENT_TYPES.map((type) => ({
    properties: {
      type: { const: type },
      schemaVersion: {
        enum: knownSchemaVersions(type),
        description: `a schema version of ${type} this reader knows (${knownSchemaVersions(type).join(', ')})`,
      },
      streamType: { enum: EVENT_STREAM_TYPES[type] },
    },
    allOf: DATA_BODY_VERSIONS[type].map((body, index) => ({
      if: { properties: { schemaVersion: { const: index + 1 } } },
      then: { properties: { data: body } },
    })),
  })),
};
