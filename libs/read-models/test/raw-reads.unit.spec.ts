import { SCHEMA_VERSIONS, upcast, type EventType } from '@ledger/contracts';
import { FIELDS_READ_AS_RECORDED } from '../src/measure-timeline.sql';

/**
 * The read-model SQL reads a few payload fields from the events as recorded (FIELDS_READ_AS_RECORDED),
 * while the evaluator reads every event upcast. They agree only while no upcaster changes those
 * fields: this holds every upcaster of those types to leaving them as recorded.
 */
describe('payload fields the read-model SQL reads as recorded', () => {
  const reads = Object.entries(FIELDS_READ_AS_RECORDED) as [EventType, readonly string[]][];

  it.each(reads)('%s: every older version upcasts with %p unchanged', (type, fields) => {
    const recorded = Object.fromEntries(fields.map((field) => [field, `as recorded: ${field}`]));
    for (let version = 1; version < SCHEMA_VERSIONS[type]; version++) {
      const current = new Map(Object.entries(upcast(type, version, recorded)));
      expect({
        version,
        fields: Object.fromEntries(fields.map((field) => [field, current.get(field)])),
      }).toEqual({
        version,
        fields: recorded,
      });
    }
  });

  it('names the types the SQL reads raw, some of which have upcasters to hold', () => {
    expect(reads.some(([type]) => SCHEMA_VERSIONS[type] > 1)).toBe(true);
  });
});
