import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import fc from 'fast-check';
import {
  EQUIVALENCE_CASES,
  STACKING_CASES,
  batches,
  changesProbe,
  expectEvaluatorAnswers,
  expectSameChanges,
  history,
} from './random-histories';
import { emptyReadModels, project } from './sql-views';

/**
 * Random histories of a few measures, applied in random batches, probed at random (asOf,
 * knownAt): the read models must answer exactly what the in-memory evaluator answers. What the
 * cases cover is reported and held to minimum shares in random-histories.unit.spec.ts.
 */

describe.each([
  {
    them: 'random histories, batchings and (asOf, knownAt) probes',
    cases: EQUIVALENCE_CASES,
    numRuns: 300,
  },
  {
    // Plain random histories seldom put two programs' full layers in force at once.
    them: 'random histories of tariffs whose layers meet, with stacking rules',
    cases: STACKING_CASES,
    numRuns: 200,
  },
])('the Postgres read models agree with the in-memory evaluator', ({ them, cases, numRuns }) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it(`on ${them}`, async () => {
    await fc.assert(
      fc.asyncProperty(cases.histories, cases.cuts, cases.probes, async (actions, cuts, probes) => {
        const events = history(actions);
        await emptyReadModels(db.pool);
        for (const batch of batches(events, cuts)) await project(db.pool, batch);
        await expectEvaluatorAnswers(db.pool, events, probes);
      }),
      { numRuns },
    );
  }, 900_000);
});

describe('the Postgres read models find the same tariff changes as the in-memory evaluator', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('on random histories and ranges of valid and recorded time', async () => {
    await fc.assert(
      fc.asyncProperty(
        EQUIVALENCE_CASES.histories,
        fc.array(changesProbe, { minLength: 1, maxLength: 3 }),
        async (actions, probes) => {
          const events = history(actions);
          await emptyReadModels(db.pool);
          await project(db.pool, events);
          await expectSameChanges(db.pool, events, probes);
        },
      ),
      { numRuns: 100 },
    );
  }, 900_000);
});
