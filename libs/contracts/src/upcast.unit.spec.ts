import archivedV1Schemas from '../test/fixtures/v1/data-schemas.json';
import v1Records from '../test/fixtures/v1/kafka-records.json';
import { EVENT_TYPES, SCHEMA_VERSIONS } from './events';
import { fromKafkaRecord, type KafkaRecord } from './kafka-record';
import { EVENT_DATA_SCHEMA_VERSIONS } from './schemas';
import { UPCASTERS, UnknownSchemaVersion, upcast } from './upcast';
import { validateEnvelope } from './validation';

const records = v1Records as unknown as KafkaRecord[];

/** The first archived record with its schema version set to `version`, in the value and the header. */
function atVersion(version: number): KafkaRecord {
  const record = records[0];
  const value = { ...(JSON.parse(record.value) as Record<string, unknown>), schemaversion: version };
  return {
    ...record,
    value: JSON.stringify(value),
    headers: { ...record.headers, ce_schemaversion: String(version) },
  };
}

describe('schema versions', () => {
  it('keep a schema for every version of every type, and an upcaster between each two', () => {
    for (const type of EVENT_TYPES) {
      expect(EVENT_DATA_SCHEMA_VERSIONS[type]).toHaveLength(SCHEMA_VERSIONS[type]);
      expect(UPCASTERS[type] ?? []).toHaveLength(SCHEMA_VERSIONS[type] - 1);
    }
  });

  it('keep version 1 of every payload schema exactly as archived before any type had a version 2', () => {
    // Types added since were never at an archived version 1.
    for (const type of Object.keys(archivedV1Schemas) as (keyof typeof archivedV1Schemas)[]) {
      expect(EVENT_DATA_SCHEMA_VERSIONS[type][0]).toEqual(archivedV1Schemas[type]);
    }
  });

  it('refuse a record of a version this reader does not know, by name, before anything else', () => {
    for (const version of [0, SCHEMA_VERSIONS.TariffImposed + 1, 99]) {
      expect(() => fromKafkaRecord(atVersion(version))).toThrow(UnknownSchemaVersion);
      expect(() => fromKafkaRecord(atVersion(version))).toThrow(
        `unknown schema version: TariffImposed v${version} (this reader knows v1 to v${SCHEMA_VERSIONS.TariffImposed})`,
      );
    }
    const envelope = { ...fromKafkaRecord(records[0]), schemaVersion: 99 };
    expect(validateEnvelope(envelope)).toContain(
      `schemaVersion: must be a schema version of TariffImposed this reader knows (${EVENT_DATA_SCHEMA_VERSIONS.TariffImposed.map((_, index) => index + 1).join(', ')})`,
    );
    expect(() => upcast('TariffImposed', 99, {})).toThrow(UnknownSchemaVersion);
  });

  it('leave data of the current version as it is', () => {
    const data = { retractedEventId: '01950000-0000-7000-8000-000000000001', reason: 'entered in error' };
    expect(upcast('EventRetracted', SCHEMA_VERSIONS.EventRetracted, data)).toBe(data);
  });
});
