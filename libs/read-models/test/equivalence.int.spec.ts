import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import fc from 'fast-check';
import { resetReadModels } from '../src';
import { action, batches, expectEvaluatorAnswers, history, probe } from './random-histories';
import { project } from './sql-views';

/**
 * Random histories of a few measures, applied in random batches, probed at random (asOf,
 * knownAt): the read models must answer exactly what the in-memory evaluator answers.
 */

describe('the Postgres read models agree with the in-memory evaluator', () => {
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
        fc.array(action, { minLength: 1, maxLength: 24 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(probe, { minLength: 1, maxLength: 6 }),
        async (actions, cuts, probes) => {
          const events = history(actions);
          await resetReadModels(db.pool);
          for (const batch of batches(events, cuts)) await project(db.pool, batch);
          await expectEvaluatorAnswers(db.pool, events, probes);
        },
      ),
      { numRuns: 60 },
    );
  });
});
