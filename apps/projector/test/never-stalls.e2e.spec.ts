import { computeEventHash, type AnyEventEnvelope } from '@ledger/contracts';
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
import {
  appliedVersionsIn,
  createEventTopic,
  listedDeadLetters,
  produce,
  startProjector,
  tariffStream,
  untilAssigned,
  type ListedLetter,
  type RunningProjector,
} from '../../../test/support/projector-harness';

const TIMEOUT = 300_000;
const WAIT = { timeoutMs: 120_000, intervalMs: 250 };
const FAULTY = 'us-steel-faulty';

/** The same event with a NUL character in its citation, hashed so that only the NUL is wrong. */
function withNul(event: AnyEventEnvelope): AnyEventEnvelope {
  const { hash: _hash, ...unhashed } = { ...event, citation: { reference: 'Executive Order\u0000 14257' } };
  return { ...unhashed, hash: computeEventHash(unhashed) };
}

describe('projector: a partition never stalls on a record it cannot store or apply', () => {
  const topic = testTopic('never-stalls');
  const faulty = tariffStream(FAULTY, 4);
  let db: TestDatabase;
  let kafka: Kafka;
  let projector: RunningProjector;

  beforeAll(async () => {
    await ensureBuilt();
    db = await createTestDatabase();
    // One partition: every bad record sits in the same log as the events after it.
    kafka = await createEventTopic(topic, 1);
    projector = await startProjector({
      databaseUrl: db.url,
      topic,
      partitions: 1,
      groupId: testProjectorGroup('projector'),
      extra: {
        PROJECTOR_FAULT: 'apply-throws',
        PROJECTOR_FAULT_STREAM: FAULTY,
        PROJECTOR_FAULT_TIMES: '5',
        PROJECTOR_APPLY_ATTEMPTS: '3',
        PROJECTOR_MAX_RECORD_BYTES: '65536',
      },
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

  const metric = (name: string) => projector.metric(name);

  it(
    'dead-letters NUL, invalid UTF-8, oversized and refused records with their bytes, and projects what follows',
    async () => {
      const steel = tariffStream('us-steel-healthy', 2);
      const copper = tariffStream('cl-copper-healthy', 2);
      const [nulSource] = tariffStream('us-steel-nul', 1);
      const nul = withNul(nulSource);
      const invalidUtf8 = Buffer.concat([
        Buffer.from('{"specversion":"1.0","id":"'),
        Buffer.from([0xe2, 0x82]),
        Buffer.from('"}'),
      ]);
      const oversized = Buffer.from(JSON.stringify({ specversion: '1.0', padding: 'x'.repeat(100_000) }));

      await produce(kafka, topic, [
        steel[0],
        nul,
        { key: 'us-steel-utf8', value: invalidUtf8, headers: {} },
        { key: 'us-steel-big', value: oversized, headers: {} },
        faulty[0],
        faulty[1],
        copper[0],
      ]);
      await produce(kafka, topic, [faulty[2], copper[1], steel[1]]);

      await eventually(
        async () =>
          expect(await versions('us-steel-healthy', 'cl-copper-healthy', FAULTY, 'us-steel-nul')).toEqual({
            'us-steel-healthy': 2,
            'cl-copper-healthy': 2,
          }),
        WAIT,
      );
      await eventually(async () => expect((await listed()).length).toBe(6), WAIT);
      const letters = await listed();
      expect(letters.map(({ kind, streamId, streamVersion }) => ({ kind, streamId, streamVersion }))).toEqual(
        [
          { kind: 'schema-violation', streamId: null, streamVersion: null },
          { kind: 'unparseable', streamId: null, streamVersion: null },
          { kind: 'oversized', streamId: null, streamVersion: null },
          { kind: 'apply-failed', streamId: FAULTY, streamVersion: 1 },
          { kind: 'parked', streamId: FAULTY, streamVersion: 2 },
          { kind: 'parked', streamId: FAULTY, streamVersion: 3 },
        ],
      );
      const bytes = (letter: ListedLetter) => Buffer.from(letter.value!, 'base64');
      expect(bytes(letters[0]).toString()).toContain('Executive Order\\u0000 14257');
      expect(bytes(letters[1])).toEqual(invalidUtf8);
      expect(bytes(letters[2])).toEqual(oversized);
      expect(letters[3].reason).toMatch(/^applying it failed: fault hook: applying us-steel-faulty fails/);
      expect(new Set(letters.map((letter) => letter.topicInstance)).size).toBe(1);

      await eventually(async () => {
        expect(await metric('projector_dead_letters_unresolved{kind="apply-failed"}')).toBe(1);
        expect(await metric('projector_dead_letters_unresolved{kind="parked"}')).toBe(2);
        expect(await metric('projector_dead_letters_unresolved{kind="schema-violation"}')).toBe(1);
        expect(await metric('projector_dead_letters_unresolved{kind="unparseable"}')).toBe(1);
        expect(await metric('projector_dead_letters_unresolved{kind="oversized"}')).toBe(1);
        expect(await metric('projector_parked_streams')).toBe(1);
      }, WAIT);
      // Three attempts at the batch, then it went through with the refused event set aside.
      expect(await metric('projector_batch_failures_total{error="deterministic"}')).toBe(3);
      expect(await metric('projector_partition_stuck')).toBe(0);
    },
    TIMEOUT,
  );

  it(
    're-drives the refused event once its cause is gone, with the versions parked behind it, and the stream goes on',
    async () => {
      const before = await listed();
      const refused = before.find((letter) => letter.kind === 'apply-failed')!;

      const redrive = await redriveLetters('--all');

      expect(redrive.code).toBe(0);
      expect(redrive.stdout).toContain('resolved: 3');
      expect(redrive.stdout.match(/still invalid/g)).toHaveLength(3);
      expect(await versions(FAULTY)).toEqual({ [FAULTY]: 3 });
      expect((await listed()).map(({ kind }) => kind)).toEqual([
        'schema-violation',
        'unparseable',
        'oversized',
      ]);
      expect((await listed('--all')).find((letter) => letter.id === refused.id)).toMatchObject({
        resolution: 'applied',
      });
      await eventually(async () => expect(await metric('projector_parked_streams')).toBe(0), WAIT);

      await produce(kafka, topic, [faulty[3]]);

      await eventually(async () => expect(await versions(FAULTY)).toEqual({ [FAULTY]: 4 }), WAIT);
    },
    TIMEOUT,
  );
});
