import type { RecordedEnvelope, TariffImposed } from '@ledger/contracts';
import { inTransaction } from '@ledger/database';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import {
  READ_MODEL_TABLES,
  appliedVersions,
  applyEvents,
  eventFeed,
  licences,
  measureHistory,
  measureState,
  resetReadModels,
  tariffsEffective,
} from '../src';
import { Ledger, day } from './envelopes';
import { project } from './sql-views';

const duty = (imposer: string, rate: number): TariffImposed => ({
  imposer,
  targets: ['*'],
  program: `${imposer}-DUTY`,
  products: { scope: 'all' },
  title: 'Additional duty',
  legalInstrument: `${imposer} order`,
  announcedAt: day('2025-01-01'),
  rate,
  validFrom: day('2025-01-01'),
});

describe('projecting events into the read models', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  beforeEach(async () => {
    await resetReadModels(db.pool);
  });

  /** Row counts of every read-model table: what "nothing changed" compares. */
  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of READ_MODEL_TABLES) {
      const { rows } = await db.pool.query<{ count: string }>(`SELECT count(*) FROM ${table}`);
      counts[table] = Number(rows[0].count);
    }
    return counts;
  }

  it('records each stream’s applied version in the batch’s transaction, applying events by version', async () => {
    const ledger = new Ledger();
    ledger.record('aa-duty', 'TariffImposed', duty('AA', 5));
    ledger.record('aa-duty', 'TariffRateChanged', { rate: 6, validFrom: day('2025-02-01') });
    ledger.record('bb-duty', 'TariffImposed', duty('BB', 7));

    await expect(
      inTransaction(db.pool, async (client) => {
        await applyEvents(client, ledger.events);
        throw new Error('the consumer crashed before committing');
      }),
    ).rejects.toThrow('crashed');
    expect(await appliedVersions(db.pool, ['aa-duty', 'bb-duty'])).toEqual(new Map());

    // Within a batch, a stream's events may come in any order; they are applied by version.
    await project(db.pool, [...ledger.events].reverse());
    expect(await appliedVersions(db.pool, ['aa-duty', 'bb-duty', 'never-seen'])).toEqual(
      new Map([
        ['aa-duty', 2],
        ['bb-duty', 1],
      ]),
    );
  });

  it('refuses, changing nothing, a batch whose events are not the next of their stream', async () => {
    const ledger = new Ledger();
    const first = ledger.record('cc-duty', 'TariffImposed', duty('CC', 5));
    const second = ledger.record('cc-duty', 'TariffRateChanged', { rate: 6, validFrom: day('2025-02-01') });
    const third = ledger.record('cc-duty', 'TariffSuspended', { validFrom: day('2025-03-01') });
    await project(db.pool, [first]);
    const before = await rowCounts();

    await expect(project(db.pool, [third])).rejects.toThrow('not the next of their stream');
    await expect(project(db.pool, [first, second])).rejects.toThrow('not the next of their stream');
    await expect(project(db.pool, [second, second])).rejects.toThrow('does not follow');
    expect(await rowCounts()).toEqual(before);
    expect(await appliedVersions(db.pool, ['cc-duty'])).toEqual(new Map([['cc-duty', 1]]));
  });

  it('applies a batch of thousands of events in a fixed number of statements', async () => {
    const ledger = new Ledger();
    for (let measure = 0; measure < 300; measure++) {
      const id = `bulk-duty-${measure}`;
      ledger.record(id, 'TariffImposed', duty('DD', measure % 50));
      for (let change = 1; change < 10; change++) {
        ledger.record(id, 'TariffRateChanged', { rate: change, validFrom: day(`2025-0${change}-01`) });
      }
    }
    expect(ledger.events.length).toBe(3000);
    let statements = 0;
    await inTransaction(db.pool, async (client) => {
      const counting = new Proxy(client, {
        get(target, property, receiver): unknown {
          if (property === 'query') statements++;
          const value: unknown = Reflect.get(target, property, receiver);
          return value;
        },
      });
      await applyEvents(counting, ledger.events);
    });
    expect(statements).toBeLessThanOrEqual(10);
    const versions = await appliedVersions(db.pool, ['bulk-duty-0', 'bulk-duty-299']);
    expect(versions).toEqual(
      new Map([
        ['bulk-duty-0', 10],
        ['bulk-duty-299', 10],
      ]),
    );
    const answer = await tariffsEffective(db.pool, {
      imposer: 'DD',
      origin: 'CN',
      product: '850511',
      asOf: day('2025-05-15'),
      knownAt: day('2030-01-01'),
    });
    expect(answer.layers).toHaveLength(300);
    expect(answer.total).toBe(1500);
  });

  it('makes a retraction applied in a later batch effective from its recordedAt, and not before', async () => {
    const ledger = new Ledger();
    const imposed = ledger.record('ee-duty', 'TariffImposed', duty('EE', 5), { at: day('2025-01-01') });
    await project(db.pool, ledger.events);
    const retraction = ledger.retract(imposed, { at: day('2025-03-01') });
    await project(db.pool, [retraction]);

    const at = (knownAt: string) => measureState(db.pool, 'ee-duty', { asOf: day('2025-02-01'), knownAt });
    expect(await at(day('2025-02-28'))).toMatchObject({ status: 'in-force', version: 1 });
    expect(await at(day('2025-03-01'))).toBeNull();
  });

  it('honours a retraction recorded in another stream even when it is projected first', async () => {
    const ledger = new Ledger();
    const imposed = ledger.record('ff-duty', 'TariffImposed', duty('FF', 5), { at: day('2025-01-01') });
    const retraction = ledger.record(
      'ff-corrections',
      'EventRetracted',
      { retractedEventId: imposed.id, reason: 'entered in the wrong stream' },
      { at: day('2025-03-01') },
    );
    await project(db.pool, [retraction]);
    await project(db.pool, [imposed]);

    const at = (knownAt: string) => measureState(db.pool, 'ff-duty', { asOf: day('2025-02-01'), knownAt });
    expect(await at(day('2025-02-28'))).toMatchObject({ status: 'in-force' });
    expect(await at(day('2025-03-01'))).toBeNull();
  });

  it('keeps every envelope for the stream history and the global feed', async () => {
    const ledger = new Ledger();
    const imposed = ledger.record('gg-duty', 'TariffImposed', duty('GG', 5));
    ledger.record('hh-duty', 'TariffImposed', duty('HH', 5));
    ledger.record('gg-duty', 'TariffRateChanged', { rate: 8, validFrom: day('2025-02-01'), validTo: null });
    ledger.retract(imposed);
    await project(db.pool, ledger.events.slice(0, 2));
    await project(db.pool, ledger.events.slice(2));

    const history = await measureHistory(db.pool, 'gg-duty');
    expect(history).toEqual(ledger.events.filter((event) => event.streamId === 'gg-duty'));
    expect(history.map((event) => event.type)).toEqual([
      'TariffImposed',
      'TariffRateChanged',
      'EventRetracted',
    ]);
    expect(await measureHistory(db.pool, 'no-such-stream')).toEqual([]);

    const pages: RecordedEnvelope[][] = [];
    let after = 0;
    for (;;) {
      const page = await eventFeed(db.pool, { after, limit: 3 });
      pages.push([...page.events]);
      if (page.next === null) break;
      after = page.next;
    }
    expect(pages.map((page) => page.length)).toEqual([3, 1]);
    expect(pages.flat()).toEqual(ledger.events);
    expect(await eventFeed(db.pool, { after: 4, limit: 3 })).toEqual({ events: [], next: null });
  });

  it('lists licences by filter, a page at a time, with their status now', async () => {
    const ledger = new Ledger();
    const application = {
      exportControlId: 'cn-mofcom-2025-18',
      exporter: 'Ganzhou Magnetics',
      destination: 'US',
      items: [{ element: 'Dy', description: 'dysprosium oxide' }],
      quantity: { amount: 500, unit: 'kg' },
      appliedAt: day('2025-04-20'),
    };
    for (const n of [1, 2, 3, 4, 5]) {
      ledger.record(`licence-${n}`, 'LicenceApplied', { ...application, destination: n === 5 ? 'DE' : 'US' });
    }
    ledger.record('licence-2', 'LicenceApproved', {
      decidedAt: day('2025-06-01'),
      validFrom: day('2025-06-01'),
    });
    const denial = ledger.record('licence-3', 'LicenceDenied', {
      decidedAt: day('2025-06-02'),
      reason: 'end use',
    });
    ledger.record('licence-4', 'LicenceApplied', { ...application, exportControlId: 'cn-mofcom-2025-10' });
    await project(db.pool, ledger.events);

    const firstPage = await licences(db.pool, { destination: 'US', limit: 2 });
    expect(firstPage.licences.map((licence) => licence.id)).toEqual(['licence-1', 'licence-2']);
    const secondPage = await licences(db.pool, {
      destination: 'US',
      limit: 2,
      after: firstPage.next ?? undefined,
    });
    expect(secondPage.licences.map((licence) => licence.id)).toEqual(['licence-3', 'licence-4']);
    expect(secondPage.next).toBeNull();
    expect((await licences(db.pool, { status: 'approved', limit: 10 })).licences).toMatchObject([
      {
        id: 'licence-2',
        status: 'approved',
        approval: { validFrom: day('2025-06-01') },
        quantity: { amount: 500 },
      },
    ]);
    expect(
      (await licences(db.pool, { exportControlId: 'cn-mofcom-2025-10', limit: 10 })).licences,
    ).toMatchObject([{ id: 'licence-4', status: 'pending', version: 2 }]);

    const retraction = ledger.retract(denial);
    await project(db.pool, [retraction]);
    expect((await licences(db.pool, { status: 'denied', limit: 10 })).licences).toEqual([]);
    expect(
      (await licences(db.pool, { status: 'pending', limit: 10 })).licences.map((licence) => licence.id),
    ).toEqual(['licence-1', 'licence-3', 'licence-4', 'licence-5']);
    const justBefore = new Date(Date.parse(retraction.recordedAt) - 1).toISOString();
    // Status in the summer, after the denial's decidedAt, as known just before and at the retraction.
    const summer = day('2025-07-01');
    expect(await measureState(db.pool, 'licence-3', { asOf: summer, knownAt: justBefore })).toMatchObject({
      status: 'denied',
      version: 2,
    });
    expect(
      await measureState(db.pool, 'licence-3', {
        asOf: summer,
        knownAt: retraction.recordedAt,
      }),
    ).toMatchObject({ streamType: 'licence', status: 'pending', version: 3, state: { denial: null } });
  });
});
