import type { Kafka } from '@ledger/messaging';
import {
  createTestDatabase,
  eventually,
  roleUrl,
  testProjectorGroup,
  testTopic,
  type TestDatabase,
} from '@ledger/testing';
import { ensureBuilt, runAuditor } from '../../../test/support/app-process';
import { createEventTopic } from '../../../test/support/ledger-harness';
import {
  appliedVersionsIn,
  listedDeadLetters,
  produce,
  startProjector,
  tariffStream,
  untilAssigned,
  type RunningProjector,
} from '../../../test/support/projector-harness';

const TIMEOUT = 240_000;

describe('projector: poison records', () => {
  const topic = testTopic('poison');
  let db: TestDatabase;
  let kafka: Kafka;
  let projector: RunningProjector;

  beforeAll(async () => {
    await ensureBuilt();
    db = await createTestDatabase();
    // One partition: the poison records sit in the same log as the events after them.
    kafka = await createEventTopic(topic, 1);
    projector = await startProjector({
      databaseUrl: db.url,
      topic,
      partitions: 1,
      groupId: testProjectorGroup('projector'),
    });
    await untilAssigned(projector);
  }, TIMEOUT);

  afterAll(async () => {
    await projector?.stop();
    await db?.drop();
  }, TIMEOUT);

  const versions = (...streamIds: string[]) => appliedVersionsIn(db.pool, ...streamIds);

  const listed = (...args: string[]) => listedDeadLetters(db.url, topic, ...args);
  // Re-driving writes the read models: the auditor connects as the projector's role for it.
  const redriveLetters = (...args: string[]) =>
    runAuditor(['dead-letters', 'redrive', ...args, '--database-url', roleUrl(db.url, 'ledger_projector')], {
      databaseUrl: db.url,
      topic,
    });

  it(
    'quarantines a malformed record and parks a version-gapped one, and projects the events after them',
    async () => {
      const steel = tariffStream('us-steel-poison', 3);
      const copper = tariffStream('cl-copper-poison', 2);
      const rare = tariffStream('cn-rare-earths-poison', 3);

      await produce(kafka, topic, [
        steel[0],
        {
          key: 'us-steel-poison',
          value: '{"specversion":"1.0", truncated',
          headers: { ce_type: 'TariffRateChanged' },
        },
        rare[0],
        rare[2],
        {
          key: 'cl-copper-poison',
          value: JSON.stringify({ specversion: '1.0', type: 'TariffImposed' }),
          headers: {},
        },
        steel[1],
        copper[0],
        copper[1],
        steel[2],
      ]);

      await eventually(
        async () =>
          expect(await versions('us-steel-poison', 'cl-copper-poison', 'cn-rare-earths-poison')).toEqual({
            'us-steel-poison': 3,
            'cl-copper-poison': 2,
            'cn-rare-earths-poison': 1,
          }),
        { timeoutMs: 90_000, intervalMs: 200 },
      );
      const letters = await listed();
      expect(letters.map(({ kind, streamId, streamVersion }) => ({ kind, streamId, streamVersion }))).toEqual(
        [
          { kind: 'unparseable', streamId: null, streamVersion: null },
          { kind: 'parked', streamId: 'cn-rare-earths-poison', streamVersion: 3 },
          { kind: 'schema-violation', streamId: null, streamVersion: null },
        ],
      );
      expect(Buffer.from(letters[0].value!, 'base64').toString()).toBe('{"specversion":"1.0", truncated');
      expect(await projector.metric('projector_dead_letters_total')).toBe(3);

      // The missing version arrives: the parked event follows it in the same transaction.
      await produce(kafka, topic, [rare[1]]);

      await eventually(
        async () => expect(await versions('cn-rare-earths-poison')).toEqual({ 'cn-rare-earths-poison': 3 }),
        { timeoutMs: 90_000, intervalMs: 200 },
      );
      expect((await listed()).map(({ kind }) => kind)).toEqual(['unparseable', 'schema-violation']);
      expect((await listed('--all')).find(({ kind }) => kind === 'parked')).toMatchObject({
        resolution: 'applied',
      });
    },
    TIMEOUT,
  );

  it(
    'keeps records that are still invalid when they are re-driven',
    async () => {
      const before = await listed();

      const redrive = await redriveLetters('--all');

      expect(redrive.code).toBe(0);
      expect(redrive.stdout).toContain('resolved: 0');
      expect(redrive.stdout.match(/still invalid/g)).toHaveLength(before.length);
      expect(await listed()).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    'refuses a redrive without a selection',
    async () => {
      const result = await runAuditor(['dead-letters', 'redrive'], { databaseUrl: db.url, topic });

      expect(result.code).toBe(3);
      expect(result.stderr).toContain('--id N (repeatable) or --all');
    },
    TIMEOUT,
  );

  it(
    'refuses a redrive without a database URL to write with: the auditor itself only reads',
    async () => {
      const result = await runAuditor(['dead-letters', 'redrive', '--all'], { databaseUrl: db.url, topic });

      expect(result.code).toBe(3);
      expect(result.stderr).toContain('redrive needs --database-url <url>');
    },
    TIMEOUT,
  );
});
