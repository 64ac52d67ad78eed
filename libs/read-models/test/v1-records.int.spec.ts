import {
  SCHEMA_VERSIONS,
  computeEventHash,
  fromKafkaRecord,
  upcastEnvelope,
  validateEventData,
  verifyStreamChain,
  type KafkaRecord,
  type RecordedEnvelope,
} from '@ledger/contracts';
import { evaluateTariffs } from '@ledger/views';
import { toEnvelope, type EventRow } from '@ledger/journal';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import v1JournalRows from '../../contracts/test/fixtures/v1/journal-rows.json';
import v1KafkaRecords from '../../contracts/test/fixtures/v1/kafka-records.json';
import { eventFeed } from '../src';
import { project, sqlViews } from './sql-views';

/**
 * Records of a 2025 US tariff history written before any payload had a version 2 (Executive
 * Orders 14195, 14228, 14257, 14259, 14266 and 14298), archived as the topic and the journal
 * hold them: every later reader must still parse, verify, upcast and project them.
 */
describe('archived v1 records', () => {
  const fromTopic = (v1KafkaRecords as unknown as KafkaRecord[]).map(fromKafkaRecord);
  const fromJournal = (v1JournalRows as unknown as EventRow[]).map(toEnvelope);
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await project(db.pool, fromTopic);
  });

  afterAll(async () => {
    await db.drop();
  });

  const streams = (events: readonly RecordedEnvelope[]): RecordedEnvelope[][] =>
    [...new Set(events.map((event) => event.streamId))].map((id) =>
      events.filter((event) => event.streamId === id),
    );

  it('parse from the topic and the journal alike, at version 1, with every hash chain verifying', () => {
    expect(fromTopic).toHaveLength(7);
    expect(fromJournal).toEqual(fromTopic);
    expect(fromTopic.every((event) => event.schemaVersion === 1)).toBe(true);
    for (const stream of [...streams(fromTopic), ...streams(fromJournal)]) {
      expect(verifyStreamChain(stream)).toEqual({ ok: true, checked: stream.length });
    }
  });

  it('upcast to valid payloads of the current versions, leaving the recorded events and their hashes as they were', () => {
    const recorded = structuredClone(fromTopic);
    for (const event of fromTopic.map(upcastEnvelope)) {
      expect(event.schemaVersion).toBe(SCHEMA_VERSIONS[event.type]);
      expect(validateEventData(event.type, event.data)).toEqual([]);
    }
    expect(fromTopic).toEqual(recorded);
    for (const event of fromTopic) expect(computeEventHash(event)).toBe(event.hash);
  });

  it('are served by the event feed as recorded, each with its version and a hash that recomputes', async () => {
    const page = await eventFeed(db.pool, { after: 0, limit: 100 });
    expect(page.events).toEqual(fromTopic);
  });

  it.each([
    ['2025-02-10T00:00:00.000Z', 10],
    ['2025-03-10T00:00:00.000Z', 20],
    ['2025-04-06T00:00:00.000Z', 30],
    ['2025-04-09T12:00:00.000Z', 104],
    ['2025-04-20T00:00:00.000Z', 145],
    ['2025-05-20T00:00:00.000Z', 30],
  ])('project into the US duties on Chinese goods as of %s: %d %%', async (asOf, total) => {
    const query = {
      imposer: 'US',
      origin: 'CN',
      product: '850511',
      asOf,
      knownAt: '2025-06-01T00:00:00.000Z',
    };
    const evaluated = evaluateTariffs(fromTopic.map(upcastEnvelope), query);
    expect(evaluated.total).toBe(total);
    expect(await sqlViews(db.pool).tariffs(query)).toEqual(evaluated);
  });

  it("show no heading for their rates, and an imposition's own legal instrument as the instrument of its rate", async () => {
    const query = {
      imposer: 'US',
      origin: 'VN',
      product: '850511',
      asOf: '2025-04-06T00:00:00.000Z',
      knownAt: '2025-06-01T00:00:00.000Z',
    };
    const { layers } = await sqlViews(db.pool).tariffs(query);
    expect(layers).toMatchObject([
      { measureId: 'us-ieepa-reciprocal-baseline', heading: null, instrument: 'Executive Order 14257' },
    ]);
    const { layers: onChina } = await sqlViews(db.pool).tariffs({ ...query, origin: 'CN' });
    expect(onChina).toMatchObject([
      { measureId: 'us-ieepa-fentanyl-cn', rate: 20, heading: null, instrument: null },
      { measureId: 'us-ieepa-reciprocal-baseline', heading: null, instrument: 'Executive Order 14257' },
    ]);
  });
});
