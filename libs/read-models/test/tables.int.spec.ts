import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { READ_MODEL_TABLES, readModelChecksums, resetReadModels } from '../src';
import { Ledger, day } from './envelopes';
import { project } from './sql-views';

/**
 * The read-model tables whose rows are not each derived from one event, so a retraction marks
 * none of them, with how it reaches them instead. Every other table carries the `event_id` of
 * the event each row comes from, and a retraction stamps `retracted_at` on those rows.
 */
const NOT_MARKED_BY_RETRACTIONS: Readonly<Record<string, string>> = {
  'read_models.retractions': 'they are the retractions',
  'read_models.stream_versions': "the projection's progress, which a retraction moves on like any event",
  'read_models.licences': 'each licence is folded again from the events of it that still stand',
};

/** A history that puts rows in every read-model table, then retracts events whose rows are spread over all of them. */
function historyFillingEveryTable(): { ledger: Ledger; retractedEventIds: string[] } {
  const ledger = new Ledger();
  ledger.record('aa-duty', 'TariffImposed', {
    imposer: 'AA',
    targets: ['*'],
    program: 'AA-DUTY',
    products: { scope: 'all' },
    title: 'Additional duty',
    legalInstrument: 'AA order',
    announcedAt: day('2025-01-01'),
    rate: 5,
    validFrom: day('2025-01-01'),
  });
  const rateChange = ledger.record('aa-duty', 'TariffRateChanged', { rate: 8, validFrom: day('2025-02-01') });
  ledger.record('aa-duty', 'TariffProductsAmended', {
    validFrom: day('2025-02-01'),
    exclude: [{ code: '2709' }],
  });
  const exclusion = ledger.record('aa-duty', 'TariffProductsAmended', {
    validFrom: day('2025-03-01'),
    exclude: [{ code: '8471', list: 'Annex' }],
  });
  const control = {
    imposer: 'CN',
    destinations: ['*'],
    kind: 'licence-required' as const,
    items: [{ element: 'Dy', description: 'dysprosium oxide' }],
    legalInstrument: 'MOFCOM announcement',
    announcedAt: day('2025-04-04'),
    validFrom: day('2025-04-04'),
  };
  ledger.record('cn-kept', 'ExportControlImposed', control);
  const imposition = ledger.record('cn-retracted', 'ExportControlImposed', control);
  const application = {
    exportControlId: 'cn-kept',
    exporter: 'Ganzhou Magnetics',
    destination: 'US',
    items: [{ element: 'Dy', description: 'dysprosium oxide' }],
    appliedAt: day('2025-04-20'),
  };
  ledger.record('licence-kept', 'LicenceApplied', application);
  const withdrawn = ledger.record('licence-retracted', 'LicenceApplied', application);
  ledger.record('list-kept', 'PartyListCreated', { imposer: 'US', name: 'Entity List' });
  const listCreation = ledger.record('list-retracted', 'PartyListCreated', { imposer: 'CN', name: 'List' });
  const listing = ledger.record('list-kept', 'PartyListed', {
    partyId: 'example-party',
    name: 'Example Party',
    aliases: [],
    country: 'CN',
    addresses: [],
    reason: 'Synthetic',
    licenceRequirement: 'For all items subject to the EAR',
    licenceReviewPolicy: 'Presumption of denial',
    validFrom: day('2025-03-01'),
  });
  ledger.record('list-kept', 'PartyDelisted', { partyId: 'example-party', validFrom: day('2025-06-01') });
  const retracted = [rateChange, exclusion, imposition, withdrawn, listCreation, listing];
  for (const event of retracted) ledger.retract(event);
  return { ledger, retractedEventIds: retracted.map((event) => event.id) };
}

describe('the read-model tables', () => {
  let db: TestDatabase;
  let schemaTables: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const { rows } = await db.pool.query<{ name: string }>(
      "SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname = 'read_models' ORDER BY 1",
    );
    schemaTables = rows.map((row) => row.name);
  });

  afterAll(async () => {
    await db.drop();
  });

  beforeEach(async () => {
    await resetReadModels(db.pool);
  });

  it('are every table of the read_models schema, each checksummed, and a reset empties them all', async () => {
    expect([...READ_MODEL_TABLES].sort()).toEqual(schemaTables);

    await project(db.pool, historyFillingEveryTable().ledger.events);
    const filled = await readModelChecksums(db.pool);
    expect(filled.map((checksum) => checksum.table).sort()).toEqual(schemaTables);
    expect(filled.filter((checksum) => checksum.rows === 0)).toEqual([]);

    await resetReadModels(db.pool);
    expect((await readModelChecksums(db.pool)).filter((checksum) => checksum.rows > 0)).toEqual([]);
  });

  it('are each reached by a retraction', async () => {
    const { ledger, retractedEventIds } = historyFillingEveryTable();
    await project(db.pool, ledger.events);

    const { rows: columns } = await db.pool.query<{ name: string; column_name: string }>(
      `SELECT table_schema || '.' || table_name AS name, column_name
       FROM information_schema.columns
       WHERE table_schema = 'read_models' AND column_name IN ('event_id', 'retracted_at')`,
    );
    const has = (table: string, column: string) =>
      columns.some((row) => row.name === table && row.column_name === column);
    for (const table of schemaTables) {
      if (!has(table, 'event_id')) {
        expect({ table, reachedBy: NOT_MARKED_BY_RETRACTIONS[table] }).toEqual({
          table,
          reachedBy: expect.any(String),
        });
        continue;
      }
      expect({ table, retractedAt: has(table, 'retracted_at') }).toEqual({ table, retractedAt: true });
      const { rows } = await db.pool.query<{ marked: number; unmarked: number; standing_marked: number }>(
        `SELECT count(*) FILTER (WHERE event_id = ANY($1::uuid[]) AND retracted_at IS NOT NULL)::int AS marked,
                count(*) FILTER (WHERE event_id = ANY($1::uuid[]) AND retracted_at IS NULL)::int AS unmarked,
                count(*) FILTER (WHERE NOT event_id = ANY($1::uuid[]) AND retracted_at IS NOT NULL)::int
                  AS standing_marked
         FROM ${table}`,
        [retractedEventIds],
      );
      expect({ table, ...rows[0] }).toEqual({
        table,
        marked: expect.any(Number),
        unmarked: 0,
        standing_marked: 0,
      });
      expect({ table, marked: rows[0].marked > 0 }).toEqual({ table, marked: true });
    }

    const { rows: licences } = await db.pool.query<{ licence_id: string }>(
      'SELECT licence_id FROM read_models.licences ORDER BY 1',
    );
    expect(licences.map((row) => row.licence_id)).toEqual(['licence-kept']);
  });
});
