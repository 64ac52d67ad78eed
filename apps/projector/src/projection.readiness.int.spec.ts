import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { ProjectionReadiness } from './projection.readiness';
import { ProjectorStatus } from './projector.status';
import { NotReady } from '@ledger/http';

const ADD_LETTER = `
  INSERT INTO projector.dead_letters (kind, reason, topic, partition, "offset", stream_id, stream_version)
  VALUES ($1, 'test', 'policy.events', 0, $2, $3, $4)`;

describe('projection readiness on real Postgres', () => {
  let db: TestDatabase;
  let status: ProjectorStatus;
  let readiness: ProjectionReadiness;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  beforeEach(async () => {
    await db.pool.query('TRUNCATE projector.dead_letters');
    status = new ProjectorStatus();
    readiness = new ProjectionReadiness(db.pool, status);
  });

  async function notReady(): Promise<NotReady> {
    const error: unknown = await readiness.check().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    if (!(error instanceof NotReady)) throw new Error(`expected NotReady, got ${String(error)}`);
    return error;
  }

  it('is ready with the partitions held and their lag', async () => {
    status.assign([2, 0]);
    status.recordLag(0, 5);
    status.recordLag(2, 0);

    expect(await readiness.check()).toEqual({ partitions: [0, 2], lag: { 0: 5, 2: 0 } });
  });

  it('is not ready while a partition is stuck, and names it without the error', async () => {
    status.assign([0, 1]);
    status.markStuck(1, new Date('2025-04-09T04:01:00.000Z'));

    const error = await notReady();

    expect(error.reason).toBe('stuck');
    expect(error.details).toEqual({ partitions: [{ partition: 1, since: '2025-04-09T04:01:00.000Z' }] });

    status.clearStuck(1);
    await expect(readiness.check()).resolves.toMatchObject({ partitions: [0, 1] });
  });

  it('is not ready while events wait behind a gap or were refused by the read models', async () => {
    await db.pool.query(ADD_LETTER, ['parked', 7, 'us-steel', 3]);

    expect(await notReady()).toMatchObject({
      reason: 'parked',
      details: { parkedStreams: 1, applyFailed: 0 },
    });

    await db.pool.query(ADD_LETTER, ['apply-failed', 6, 'us-steel', 2]);

    expect(await notReady()).toMatchObject({
      reason: 'parked',
      details: { parkedStreams: 1, applyFailed: 1 },
    });
  });

  it('stays ready with dead letters that are no events of the topic instance', async () => {
    for (const [offset, kind] of ['unparseable', 'schema-violation', 'oversized', 'foreign'].entries()) {
      await db.pool.query(ADD_LETTER, [kind, offset, null, null]);
    }

    await expect(readiness.check()).resolves.toEqual({ partitions: [], lag: {} });
  });
});
