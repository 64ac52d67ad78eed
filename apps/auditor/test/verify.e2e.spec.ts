import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  CHECKPOINT_STREAM_ID,
  toKafkaRecord,
  type RecordedEnvelope,
  type LedgerCheckpointSigned,
} from '@ledger/contracts';
import { READ_MODEL_TABLES, readModelChecksums } from '@ledger/read-models';
import { testProjectorGroup, createTestDatabase, eventually } from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort } from '../../../test/support/app-process';
import {
  AuditedLedger,
  projectInto,
  type VerifyFinding,
  type VerifyOutcome,
} from '../../../test/support/audited-ledger';
import { tariffStream } from '../../../test/support/projector-harness';
import v1JournalRows from '../../../libs/contracts/test/fixtures/v1/journal-rows.json';

const TIMEOUT = 180_000;

/**
 * The same small ledger in every test: four tariff measures and two signed checkpoints, the
 * second covering the first; published to a fresh topic instance and projected unless a test
 * wants otherwise.
 */
async function buildLedger(
  ledger: AuditedLedger,
  { publish = true, project = true }: { publish?: boolean; project?: boolean } = {},
): Promise<RecordedEnvelope[]> {
  await ledger.appendTariff('tariff-alpha', 3);
  await ledger.appendTariff('tariff-bravo', 2);
  await ledger.appendTariff('tariff-charlie', 1);
  await ledger.appendCheckpoint();
  await ledger.appendTariff('tariff-alpha', 1);
  await ledger.appendTariff('tariff-delta', 2);
  await ledger.appendCheckpoint();
  if (publish) {
    await ledger.openTopic();
    await ledger.publish();
  }
  if (project) await ledger.project();
  return ledger.events();
}

async function withLedger(test: (ledger: AuditedLedger) => Promise<void>): Promise<void> {
  const ledger = await AuditedLedger.create({ partitions: 3 });
  try {
    await test(ledger);
  } finally {
    await ledger.close();
  }
}

function findingsOf(outcome: VerifyOutcome, severity?: VerifyFinding['severity']): VerifyFinding[] {
  if (outcome.report === undefined) {
    throw new Error(`verify printed no report (exit ${outcome.code}):\n${outcome.stdout}\n${outcome.stderr}`);
  }
  return outcome.report.findings.filter((finding) => severity === undefined || finding.severity === severity);
}

/** "check/code stream vN" of each finding: what a reader of the report learns first. */
function named(findings: readonly VerifyFinding[]): string[] {
  return findings.map(
    (finding) =>
      `${finding.check}/${finding.code}${finding.streamId === null ? '' : ` ${finding.streamId} v${finding.streamVersion}`}`,
  );
}

function eventOf(
  events: readonly RecordedEnvelope[],
  streamId: string,
  streamVersion: number,
): RecordedEnvelope {
  const event = events.find(
    (candidate) => candidate.streamId === streamId && candidate.streamVersion === streamVersion,
  );
  if (!event) throw new Error(`no event ${streamId} v${streamVersion}`);
  return event;
}

describe('auditor verify', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, TIMEOUT);

  it(
    'passes a ledger holding archived v1 records next to current ones: chains and checkpoints checked as recorded, read models as upcast',
    () =>
      withLedger(async (ledger) => {
        for (const row of v1JournalRows) {
          // The journal's own record of each stream, as an append keeps it.
          await ledger.db.pool.query(
            `INSERT INTO journal.streams (stream_id, stream_type, version, last_recorded_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (stream_id) DO UPDATE SET version = $3, last_recorded_at = $4`,
            [row.stream_id, row.stream_type, row.stream_version, row.recorded_at],
          );
          await ledger.db.pool.query(
            `INSERT INTO journal.events (
               position, id, stream_id, stream_type, stream_version, type, schema_version, recorded_at,
               actor, correlation_id, causation_id, citation, prev_hash, hash, data)
             VALUES (nextval('journal.event_position'), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
            [
              row.id,
              row.stream_id,
              row.stream_type,
              row.stream_version,
              row.type,
              row.schema_version,
              row.recorded_at,
              row.actor,
              row.correlation_id,
              row.causation_id,
              row.citation,
              row.prev_hash,
              row.hash,
              row.data,
            ],
          );
        }
        await ledger.appendTariff('us-ieepa-fentanyl-cn', 1);
        await ledger.appendCheckpoint();
        await ledger.openTopic();
        await ledger.publish();
        await ledger.project();
        const events = await ledger.events();
        expect(events.map((event) => event.schemaVersion)).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 1]);

        const verified = await ledger.verify();
        expect({ code: verified.code, findings: findingsOf(verified) }).toEqual({ code: 0, findings: [] });
        expect(verified.report).toMatchObject({
          journal: { events: events.length, checkpoints: 1 },
          topic: { events: events.length },
        });
      }),
    TIMEOUT,
  );

  it(
    'passes a consistent ledger with signed checkpoints, with the key given either way',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger);

        const verified = await ledger.verify();
        expect({ code: verified.code, findings: findingsOf(verified) }).toEqual({ code: 0, findings: [] });
        expect(verified.report).toMatchObject({
          result: 'ok',
          exitCode: 0,
          journal: {
            events: events.length,
            streams: 5,
            headPosition: events.at(-1)!.position,
            checkpoints: 2,
          },
          topic: {
            instance: ledger.instance.topicInstance,
            partitions: 3,
            records: events.length + 3,
            events: events.length,
            publishedPosition: events.at(-1)!.position,
          },
          readModels: { streams: 5, unresolvedDeadLetters: 0 },
        });

        const human = await ledger.runAuditor(['verify'], { CHECKPOINT_PUBLIC_KEY: ledger.publicKey });
        expect(human.code).toBe(0);
        expect(human.stdout.trim().split('\n')).toEqual([
          expect.stringMatching(
            /^verify OK: 0 integrity, 0 unchecked, 0 lag, 0 notice; journal 11 events in 5 streams/,
          ),
        ]);
      }),
    TIMEOUT,
  );

  it(
    'passes what the running relay and projector wrote, with checkpoints the relay signed',
    () =>
      withLedger(async (ledger) => {
        await ledger.appendTariff('tariff-alpha', 2);
        await ledger.appendTariff('tariff-bravo', 1);
        const env = {
          ...ledger.env,
          LOG_LEVEL: 'warn',
          CHECKPOINT_SIGNING_KEY: ledger.signingKeyText,
          CHECKPOINT_INTERVAL_MS: '200',
          PROJECTOR_GROUP_ID: testProjectorGroup('auditor-verify'),
        };
        const apps = [
          AppProcess.start('relay', env, await freePort()),
          AppProcess.start('projector', env, await freePort()),
        ];
        try {
          await ledger.appendTariff('tariff-alpha', 1);
          await eventually(
            async () => {
              const verified = await ledger.verify();
              expect({ code: verified.code, findings: findingsOf(verified) }).toEqual({
                code: 0,
                findings: [],
              });
              expect(verified.report?.journal.checkpoints).toBeGreaterThan(0);
            },
            { timeoutMs: 120_000, intervalMs: 500 },
          );
        } finally {
          await Promise.all(apps.map((app) => app.kill()));
        }
      }),
    TIMEOUT,
  );

  it(
    'cannot vouch for checkpoints without a trusted key (exit 3), and fails one signed by an unknown key',
    () =>
      withLedger(async (ledger) => {
        await buildLedger(ledger);
        const withoutKey = await ledger.verify({ args: [] });
        expect(withoutKey.code).toBe(3);
        expect(named(findingsOf(withoutKey))).toEqual(['checkpoint/signatures-unchecked']);

        const stranger = generateKeyPairSync('ed25519').privateKey;
        const forged = await ledger.appendCheckpoint(stranger);
        await ledger.publish();
        await ledger.project();
        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        expect(findingsOf(verified)).toEqual([
          expect.objectContaining({
            code: 'signed-by-unknown-key',
            streamId: forged.streamId,
            streamVersion: forged.streamVersion,
            position: forged.position,
          }),
        ]);
      }),
    TIMEOUT,
  );

  it(
    'names a checkpoint whose signed statement was altered (its chain recomputed)',
    () =>
      withLedger(async (ledger) => {
        await buildLedger(ledger, { publish: false, project: false });
        await ledger.rewriteWithRecomputedChain(CHECKPOINT_STREAM_ID, 1, (data) => ({
          ...data,
          eventCount: (data as LedgerCheckpointSigned).eventCount - 1,
        }));

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        // The second checkpoint covers the first one's event, whose hash has changed.
        expect(named(findingsOf(verified, 'integrity'))).toEqual([
          'checkpoint/signature-invalid ledger-checkpoints v1',
          'checkpoint/journal-differs-from-checkpoint ledger-checkpoints v1',
          'checkpoint/journal-differs-from-checkpoint ledger-checkpoints v2',
        ]);
      }),
    TIMEOUT,
  );

  it(
    'names a journal row changed behind the trigger (its chain no longer verifies)',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger);
        const target = eventOf(events, 'tariff-bravo', 2);
        await ledger.asSuperuser([
          {
            sql: `UPDATE journal.events SET data = jsonb_set(data, '{rate}', '99') WHERE id = $1`,
            params: [target.id],
          },
        ]);

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        expect(findingsOf(verified, 'integrity')).toEqual([
          expect.objectContaining({
            check: 'journal',
            code: 'chain-broken',
            streamId: 'tariff-bravo',
            streamVersion: 2,
            position: target.position,
            detail: expect.stringContaining('does not recompute'),
          }),
        ]);
      }),
    TIMEOUT,
  );

  it(
    'catches a rewritten event with a recomputed chain at the next signed checkpoint',
    () =>
      withLedger(async (ledger) => {
        // Nothing published or projected: the journal and its checkpoints are the only witnesses.
        const events = await buildLedger(ledger, { publish: false, project: false });
        await ledger.rewriteWithRecomputedChain('tariff-alpha', 2, (data) => ({ ...data, rate: 5 }));

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        const checkpoints = events.filter((event) => event.type === 'LedgerCheckpointSigned');
        expect(findingsOf(verified, 'integrity')).toEqual(
          checkpoints.map((checkpoint): unknown =>
            expect.objectContaining({
              check: 'checkpoint',
              code: 'journal-differs-from-checkpoint',
              streamId: checkpoint.streamId,
              streamVersion: checkpoint.streamVersion,
              position: checkpoint.position,
              detail: expect.stringMatching(/Merkle root [0-9a-f]{64} \(signed: [0-9a-f]{64}\)/),
            }),
          ),
        );
        expect(findingsOf(verified, 'lag').length).toBeGreaterThan(0);
      }),
    TIMEOUT,
  );

  it(
    'names a truncated journal: the last events and the checkpoint that covered them deleted',
    () =>
      withLedger(async (ledger) => {
        await buildLedger(ledger);
        await ledger.asSuperuser([
          { sql: `DELETE FROM journal.events WHERE stream_id = 'tariff-delta'` },
          { sql: `DELETE FROM journal.streams WHERE stream_id = 'tariff-delta'` },
          { sql: `DELETE FROM journal.events WHERE stream_id = 'ledger-checkpoints' AND stream_version = 2` },
          { sql: `UPDATE journal.streams SET version = 1 WHERE stream_id = 'ledger-checkpoints'` },
        ]);

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        // The journal alone still looks whole (its surviving checkpoint covers what is left);
        // what the relay recorded, the topic and the read models do not.
        expect(named(findingsOf(verified, 'integrity'))).toEqual(
          expect.arrayContaining([
            'journal-topic/journal-behind-publication',
            'journal-topic/unknown-to-journal tariff-delta v1',
            'journal-topic/unknown-to-journal tariff-delta v2',
            'journal-topic/unknown-to-journal ledger-checkpoints v2',
          ]),
        );
        expect(findingsOf(verified, 'integrity').filter((finding) => finding.check === 'journal')).toEqual(
          [],
        );
      }),
    TIMEOUT,
  );

  it(
    'names a deleted stream: the checkpoints, the topic and the read models still know it',
    () =>
      withLedger(async (ledger) => {
        await buildLedger(ledger);
        await ledger.asSuperuser([
          { sql: `DELETE FROM journal.events WHERE stream_id = 'tariff-charlie'` },
          { sql: `DELETE FROM journal.streams WHERE stream_id = 'tariff-charlie'` },
        ]);

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        const integrity = named(findingsOf(verified, 'integrity'));
        expect(integrity).toEqual([
          'checkpoint/journal-differs-from-checkpoint ledger-checkpoints v1',
          'checkpoint/journal-differs-from-checkpoint ledger-checkpoints v2',
          'journal-topic/unknown-to-journal tariff-charlie v1',
          'read-models/read-models-unknown-stream tariff-charlie v1',
          'read-models/read-model-event-differs tariff-charlie v1',
        ]);
        // The first checkpoint covered alpha, bravo and charlie.
        expect(findingsOf(verified, 'integrity')[0].detail).toMatch(/ 2 streams \(signed: 3\)/);
      }),
    TIMEOUT,
  );

  it(
    'names a duplicate record on the topic',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger);
        await ledger.produce([ledger.recordOf(eventOf(events, 'tariff-bravo', 1))]);

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        expect(findingsOf(verified, 'integrity')).toEqual([
          expect.objectContaining({
            check: 'topic',
            code: 'duplicate',
            streamId: 'tariff-bravo',
            streamVersion: 1,
            offset: expect.any(String),
            detail: expect.stringMatching(/already at \d+@\d+/),
          }),
        ]);
      }),
    TIMEOUT,
  );

  it(
    'names a broken chain on the topic (a stream published out of order)',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger, { publish: false });
        const second = eventOf(events, 'tariff-alpha', 2);
        await ledger.openTopic();
        await ledger.publish({ skip: (event) => event.id === second.id });
        await ledger.produce([ledger.recordOf(second)]);

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        expect(named(findingsOf(verified, 'integrity'))).toEqual([
          'topic/position-order tariff-alpha v2',
          'topic/chain-broken tariff-alpha v3',
        ]);
      }),
    TIMEOUT,
  );

  it(
    'names journal events missing from the topic below the recorded publication or below a later event',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger, { publish: false });
        const belowPublication = eventOf(events, 'tariff-alpha', 1);
        const beforeLater = eventOf(events, 'tariff-delta', 1);
        await ledger.openTopic();
        await ledger.publish({
          skip: (event) => event.id === belowPublication.id || event.id === beforeLater.id,
          recordAs: beforeLater.position - 1,
        });

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        const missing = findingsOf(verified, 'integrity').filter(
          (finding) => finding.code === 'missing-from-topic',
        );
        expect(missing).toEqual([
          expect.objectContaining({
            streamId: 'tariff-alpha',
            streamVersion: 1,
            position: belowPublication.position,
            detail: expect.stringContaining(`published up to position ${beforeLater.position - 1}`),
          }),
          expect.objectContaining({
            streamId: 'tariff-delta',
            streamVersion: 1,
            position: beforeLater.position,
            detail: expect.stringContaining('its partition already holds position'),
          }),
        ]);
      }),
    TIMEOUT,
  );

  it(
    'names foreign records: an event the journal does not know, and a record without the instance header',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger);
        // Position is not hashed: the stranger takes one past the journal's head, so it is out of
        // nobody's order and only its being unknown to the journal gives it away.
        const [invented] = tariffStream('tariff-stranger', 1);
        const stranger = { ...invented, position: events.at(-1)!.position + 100 };
        const copy = eventOf(events, 'tariff-charlie', 1);
        await ledger.produce([
          ledger.recordOf(stranger),
          { ...toKafkaRecord(copy), partition: ledger.recordOf(copy).partition },
        ]);

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        expect(findingsOf(verified, 'integrity')).toEqual([
          expect.objectContaining({
            check: 'topic',
            code: 'foreign-record',
            streamId: 'tariff-charlie',
            streamVersion: 1,
            detail: 'carries no ledger-topic-instance header',
          }),
          expect.objectContaining({
            check: 'journal-topic',
            code: 'unknown-to-journal',
            streamId: 'tariff-stranger',
            streamVersion: 1,
            eventId: stranger.id,
          }),
        ]);
      }),
    TIMEOUT,
  );

  it(
    'names partitions that do not open with a genesis record, and a stream on the wrong partition',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger, { publish: false });
        const last = events.at(-1)!;
        await ledger.publish({ skip: (event) => event.id === last.id });
        const right = ledger.recordOf(last).partition!;
        await ledger.produce([{ ...ledger.recordOf(last), partition: (right + 1) % 3 }]);

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        const integrity = findingsOf(verified, 'integrity');
        expect(
          integrity.filter((finding) => finding.code === 'genesis-missing').map((f) => f.partition),
        ).toEqual([0, 1, 2]);
        expect(named(integrity.filter((finding) => finding.code !== 'genesis-missing'))).toEqual([
          `topic/wrong-partition ${last.streamId} v${last.streamVersion}`,
          `topic/chain-broken ${last.streamId} v${last.streamVersion}`,
        ]);
      }),
    TIMEOUT,
  );

  it(
    "refuses a topic that carries another journal's events",
    () =>
      withLedger(async (ledger) => {
        await buildLedger(ledger, { publish: false });
        const otherJournal = randomUUID();
        await ledger.openTopic({ journalId: otherJournal });
        await ledger.publish();

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        expect(findingsOf(verified, 'integrity')).toEqual([
          expect.objectContaining({
            check: 'topic',
            code: 'other-journal',
            detail: expect.stringContaining(`journal ${otherJournal}`),
          }),
        ]);
      }),
    TIMEOUT,
  );

  it(
    'names every event a publication claims but the topic instance does not hold (the 18/31 case)',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger, { publish: false, project: false });
        const head = events.at(-1)!.position;
        const held = events.slice(0, 4);
        await ledger.openTopic();
        await ledger.publish({ upTo: held.at(-1)!.position, recordAs: head });

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        const missing = findingsOf(verified, 'integrity').filter(
          (finding) => finding.code === 'missing-from-topic',
        );
        expect(missing.map((finding) => [finding.streamId, finding.streamVersion, finding.position])).toEqual(
          events.slice(4).map((event) => [event.streamId, event.streamVersion, event.position]),
        );
      }),
    TIMEOUT,
  );

  it(
    'reports an empty topic as lag and notes the earlier instance the relay published to',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger, { publish: false });
        const earlier = { ...ledger.instance, topicInstance: randomUUID() };
        await ledger.journal.startPublication(earlier, 3);
        await ledger.journal.savePublication(earlier, events.at(-1)!.position);

        const verified = await ledger.verify();
        expect(verified.code).toBe(2);
        expect(findingsOf(verified, 'notice')).toEqual([
          expect.objectContaining({
            code: 'earlier-topic-instance',
            detail: expect.stringContaining(
              `position ${events.at(-1)!.position} to topic instance ${earlier.topicInstance}`,
            ),
          }),
        ]);
        expect(new Set(findingsOf(verified, 'lag').map((finding) => finding.code))).toEqual(
          new Set(['not-yet-published']),
        );
      }),
    TIMEOUT,
  );

  it(
    'reports lag (exit 2) when events beyond the publication are not on the topic and read models are behind',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger, { publish: false, project: false });
        const cut = eventOf(events, 'tariff-charlie', 1).position;
        await ledger.openTopic();
        await ledger.publish({ upTo: cut });
        await ledger.project({ upTo: cut });

        const verified = await ledger.verify();
        expect(findingsOf(verified).filter((finding) => finding.severity !== 'lag')).toEqual([]);
        expect(verified.code).toBe(2);
        const unpublished = findingsOf(verified, 'lag').filter(
          (finding) => finding.code === 'not-yet-published',
        );
        const counted = unpublished.map((finding) =>
          Number(/^(\d+) journal events/.exec(finding.detail)?.[1]),
        );
        expect(counted.reduce((sum, count) => sum + count, 0)).toBe(
          events.filter((e) => e.position > cut).length,
        );
        const behind = findingsOf(verified, 'lag').filter((finding) => finding.code === 'read-models-behind');
        expect(behind.map((finding) => finding.streamId).sort()).toEqual([
          'ledger-checkpoints',
          'tariff-alpha',
          'tariff-delta',
        ]);
      }),
    TIMEOUT,
  );

  it(
    'names read models unlike or ahead of the journal, and lists unresolved dead letters',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger);
        const target = eventOf(events, 'tariff-delta', 2);
        await ledger.db.pool.query(
          `UPDATE read_models.events SET envelope = jsonb_set(envelope, '{hash}', to_jsonb(repeat('0', 64)))
           WHERE event_id = $1`,
          [target.id],
        );
        await ledger.db.pool.query(
          `UPDATE read_models.stream_versions SET version = version + 1 WHERE stream_id = 'tariff-bravo'`,
        );
        await ledger.db.pool.query(
          `INSERT INTO projector.dead_letters (kind, reason, topic, partition, "offset", raw_value)
           VALUES ('unparseable', 'value is not JSON', $1, 0, 99, '\\x00'::bytea)`,
          [ledger.topic],
        );

        const verified = await ledger.verify();
        expect(verified.code).toBe(1);
        expect(named(findingsOf(verified, 'integrity'))).toEqual([
          'read-models/read-models-ahead tariff-bravo v3',
          'read-models/read-model-event-differs tariff-delta v2',
        ]);
        expect(findingsOf(verified, 'notice')).toEqual([
          expect.objectContaining({ code: 'dead-letter', partition: 0, offset: '99' }),
        ]);
      }),
    TIMEOUT,
  );
});

describe('auditor exit codes', () => {
  let ledger: AuditedLedger;

  beforeAll(async () => {
    await ensureBuilt();
    ledger = await AuditedLedger.create({ partitions: 3 });
  }, TIMEOUT);

  afterAll(async () => {
    await ledger?.close();
  });

  it.each([
    [
      'an invalid CHECKPOINT_PUBLIC_KEY',
      ['verify'],
      { CHECKPOINT_PUBLIC_KEY: 'not-a-key' },
      /CHECKPOINT_PUBLIC_KEY/,
    ],
    ['an invalid KAFKA_TOPIC', ['checksum'], { KAFKA_TOPIC: 'no spaces allowed' }, /KAFKA_TOPIC/],
    [
      'an unreachable database',
      ['verify'],
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/no_such_ledger_db' },
      /could not check/,
    ],
    ['an unknown command', ['attest'], {}, /unknown command 'attest'/],
    ['no command', [], {}, /Usage: auditor/],
    ['an unknown option', ['verify', '--fast'], {}, /--fast/],
    [
      'an invalid --public-key',
      ['verify', '--public-key', 'AAAA'],
      {},
      /--public-key: not an Ed25519 public key/,
    ],
    ['diff without --against', ['diff'], {}, /required option '--against <database-url>'/],
  ])(
    'exits 3 on %s',
    async (_case, args, env, message) => {
      const result = await ledger.runAuditor(args, env);
      expect({ code: result.code, output: result.stdout + result.stderr }).toEqual({
        code: 3,
        output: expect.stringMatching(message),
      });
    },
    TIMEOUT,
  );
});

describe('auditor diff', () => {
  it(
    'exits 0 when the read models equal another database, 1 naming the table when a row differs',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger, { publish: false });
        const other = await createTestDatabase();
        try {
          await projectInto(other, events);
          const identical = await ledger.runAuditor(['diff', '--against', other.url]);
          expect({ code: identical.code, stdout: identical.stdout }).toEqual({
            code: 0,
            stdout: `identical: ${READ_MODEL_TABLES.length} table(s)\n`,
          });

          await other.pool.query(
            `UPDATE read_models.measures SET title = 'Tampered' WHERE measure_id = 'tariff-bravo'`,
          );
          const differing = await ledger.runAuditor(['diff', '--against', other.url]);
          expect({ code: differing.code, stdout: differing.stdout }).toEqual({
            code: 1,
            stdout: expect.stringMatching(/^differs: read_models\.measures \(.*\)\n1 table\(s\) differ\n$/),
          });
        } finally {
          await other.drop();
        }
      }),
    TIMEOUT,
  );
});

describe('auditor replay', () => {
  it(
    'projects the topic up to a position, or to the last position recorded by an instant: the read models as they stood then',
    () =>
      withLedger(async (ledger) => {
        const events = await buildLedger(ledger);
        const firstCheckpoint = events.find((event) => event.streamId === CHECKPOINT_STREAM_ID);
        if (!firstCheckpoint) throw new Error('the ledger has a checkpoint');
        const until = firstCheckpoint.position;
        const then = events.filter((event) => event.position <= until);
        const expected = await createTestDatabase();
        const byPosition = await createTestDatabase();
        const byInstant = await createTestDatabase();
        try {
          await projectInto(expected, then);

          const replayed = await ledger.runAuditor([
            'replay',
            '--until',
            String(until),
            '--into',
            byPosition.url,
            '--json',
          ]);
          expect({ code: replayed.code, report: JSON.parse(replayed.stdout) as unknown }).toEqual({
            code: 0,
            report: expect.objectContaining({
              untilPosition: until,
              applied: then.length,
              beyond: events.length - then.length,
              deadLettered: 0,
            }),
          });
          expect(await readModelChecksums(byPosition.pool)).toEqual(await readModelChecksums(expected.pool));
          expect(await readModelChecksums(byPosition.pool)).not.toEqual(
            await readModelChecksums(ledger.db.pool),
          );

          const atInstant = await ledger.runAuditor([
            'replay',
            '--until',
            firstCheckpoint.recordedAt,
            '--into',
            byInstant.url,
          ]);
          expect({ code: atInstant.code, stdout: atInstant.stdout }).toEqual({
            code: 0,
            stdout: `replayed up to position ${until} from ${events.length + 3} records: ${then.length} applied, ${events.length - then.length} later events left out, 0 dead-lettered\n`,
          });
          expect(await readModelChecksums(byInstant.pool)).toEqual(await readModelChecksums(expected.pool));

          const refused = await ledger.runAuditor([
            'replay',
            '--until',
            'last week',
            '--into',
            byInstant.url,
          ]);
          expect({ code: refused.code, stderr: refused.stderr }).toEqual({
            code: 3,
            stderr: expect.stringContaining(
              '--until takes a journal position or an ISO 8601 instant, not last week',
            ),
          });
        } finally {
          await Promise.all([expected.drop(), byPosition.drop(), byInstant.drop()]);
        }
      }),
    TIMEOUT,
  );
});
