import type { AnyEventEnvelope } from '@ledger/contracts';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { evaluateMeasure, evaluatePartyListings } from '@ledger/views';
import fc from 'fast-check';
import { measureState, partyListings } from '../src';
import { Ledger } from './envelopes';
import { batches } from './random-histories';
import { emptyReadModels, project } from './sql-views';

/**
 * Random histories of two party lists, applied in random batches and probed at random (asOf,
 * knownAt): the read models must list exactly the parties the in-memory evaluator lists. Like
 * the other random histories they ignore the decider's rules (a party listed twice, delisted
 * while not listed, a list created twice, retractions of anything, retractions included), so
 * both must agree on odd inputs too.
 */

const BASE = Date.parse('2025-01-01T00:00:00.000Z');
const DAY = 86_400_000;
const dayAt = (n: number): string => new Date(BASE + n * DAY).toISOString();

const LISTS = ['list-one', 'list-two'] as const;
const PARTIES = ['party-a', 'party-b', 'party-c'] as const;

const action = fc.record({
  list: fc.constantFrom(...LISTS),
  kind: fc.constantFrom('create', 'list', 'list', 'list', 'delist', 'delist', 'retract'),
  party: fc.constantFrom(...PARTIES),
  validFrom: fc.integer({ min: 0, max: 20 }),
  name: fc.constantFrom('Alpha Trading', 'Beta Optics', 'Gamma Systems'),
  aliases: fc.subarray(['Alfa', 'Beta Optik']),
  retracted: fc.nat(),
});
type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

/** One event per day; the first event of a list creates it, so every stream begins with its creation. */
function historyOf(actions: readonly Action[]): AnyEventEnvelope[] {
  const ledger = new Ledger();
  actions.forEach((step, index) => {
    const at = dayAt(index);
    const own = ledger.events.filter((event) => event.streamId === step.list);
    if (own.length === 0 || step.kind === 'create') {
      ledger.record(step.list, 'PartyListCreated', { imposer: 'US', name: `${step.list} ${index}` }, { at });
      return;
    }
    switch (step.kind) {
      case 'list':
        ledger.record(
          step.list,
          'PartyListed',
          {
            partyId: step.party,
            name: step.name,
            aliases: step.aliases,
            country: 'CN',
            addresses: [`${index} Example Road`],
            reason: 'Synthetic',
            licenceRequirement: 'For all items subject to the EAR',
            licenceReviewPolicy: 'Presumption of denial',
            validFrom: dayAt(step.validFrom),
          },
          { at },
        );
        return;
      case 'delist':
        ledger.record(
          step.list,
          'PartyDelisted',
          { partyId: step.party, validFrom: dayAt(step.validFrom) },
          { at },
        );
        return;
      case 'retract':
        ledger.retract(own[step.retracted % own.length], { at });
        return;
    }
  });
  return ledger.events;
}

const probe = fc.record({
  asOf: fc.integer({ min: -1, max: 22 }).map(dayAt),
  knownAt: fc.integer({ min: -1, max: 25 }).map(dayAt),
  listId: fc.constantFrom<string | undefined>(undefined, ...LISTS, 'no-such-list'),
});

describe('the Postgres party listings agree with the in-memory evaluator', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('on random histories, batchings and (asOf, knownAt) probes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(probe, { minLength: 1, maxLength: 4 }),
        async (actions, cuts, probes) => {
          const events = historyOf(actions);
          await emptyReadModels(db.pool);
          for (const batch of batches(events, cuts)) await project(db.pool, batch);
          for (const query of probes) {
            expect(await partyListings(db.pool, query)).toEqual(evaluatePartyListings(events, query));
            const id = query.listId ?? LISTS[0];
            expect(await measureState(db.pool, id, query)).toEqual(evaluateMeasure(events, id, query));
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 600_000);

  it('lists a party from its listing to its delisting, and as known at each recorded time', async () => {
    const ledger = new Ledger();
    ledger.record('list-one', 'PartyListCreated', { imposer: 'US', name: 'Entity List' }, { at: dayAt(0) });
    ledger.record(
      'list-one',
      'PartyListed',
      {
        partyId: 'party-a',
        name: 'Alpha Trading',
        aliases: [],
        country: 'CN',
        addresses: [],
        reason: 'Synthetic',
        licenceRequirement: 'For all items subject to the EAR',
        licenceReviewPolicy: 'Presumption of denial',
        validFrom: dayAt(5),
      },
      { at: dayAt(1) },
    );
    ledger.record(
      'list-one',
      'PartyDelisted',
      { partyId: 'party-a', validFrom: dayAt(10) },
      { at: dayAt(2) },
    );
    await emptyReadModels(db.pool);
    await project(db.pool, ledger.events);
    const listed = async (asOf: number, knownAt: number) =>
      (await partyListings(db.pool, { asOf: dayAt(asOf), knownAt: dayAt(knownAt) })).map(
        (party) => party.partyId,
      );
    expect(await listed(4, 3)).toEqual([]);
    expect(await listed(5, 3)).toEqual(['party-a']);
    expect(await listed(10, 3)).toEqual([]);
    // Known before the delisting was recorded, the party is still listed on day 10.
    expect(await listed(10, 1)).toEqual(['party-a']);
    expect(await listed(5, 0)).toEqual([]);
  });
});
