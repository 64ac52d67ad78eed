import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { specification } from './specification';
import { project, sqlViews } from './sql-views';

describe('the Postgres read models answer the views of docs/architecture.md §5', () => {
  const { events, scenarios } = specification();
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await project(db.pool, events);
  });

  afterAll(async () => {
    await db.drop();
  });

  it.each(scenarios.map((scenario) => [scenario.name, scenario]))('%s', async (_name, scenario) => {
    await scenario.verify(sqlViews(db.pool));
  });
});
