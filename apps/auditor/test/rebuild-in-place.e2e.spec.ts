import { createKafka } from '@ledger/messaging';
import { startProjection } from '@ledger/projection';
import { readModelChecksums } from '@ledger/read-models';
import { eventually, testKafka, testProjectorGroup } from '@ledger/testing';
import { ensureBuilt } from '../../../test/support/app-process';
import { AuditedLedger } from '../../../test/support/audited-ledger';

const TIMEOUT = 180_000;

describe('auditor rebuild --in-place (the command)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, TIMEOUT);

  it(
    'switches to a verified rebuild, refuses a second one until the old read models are dropped, and says what it did',
    async () => {
      const ledger = await AuditedLedger.create({ partitions: 3 });
      const groupId = testProjectorGroup('in-place-cli');
      await ledger.openTopic();
      await ledger.appendTariff('tariff-cli-alpha', 3);
      await ledger.appendTariff('tariff-cli-bravo', 2);
      await ledger.publish();
      const projection = await startProjection(
        createKafka(testKafka('projector', { clientId: 'ledger-test-projector' })),
        ledger.db.poolAs('ledger_projector'),
        { groupId, topic: ledger.topic, partitions: 3 },
      );
      try {
        await eventually(async () => {
          const { rows } = await ledger.db.pool.query<{ events: number }>(
            'SELECT count(*)::int AS events FROM read_models.events',
          );
          expect(rows[0].events).toBe(5);
        });
        const before = await readModelChecksums(ledger.db.pool);
        const env = { PROJECTOR_GROUP_ID: groupId };
        const rebuild = (args: string[]) =>
          ledger.runAuditor(['rebuild', '--in-place', '--database-url', ledger.db.url, ...args], env);

        const switched = await rebuild(['--verify-before-switch', '--json']);
        expect(switched.code).toBe(0);
        expect(JSON.parse(switched.stdout)).toMatchObject({
          records: 8,
          applied: 5,
          verified: true,
          switched: true,
          droppedOld: false,
          differences: [],
        });
        expect(await readModelChecksums(ledger.db.pool)).toEqual(before);

        const refused = await rebuild([]);
        expect(refused.code).toBe(3);
        expect(refused.stderr).toContain(
          'error: read_models_previous still holds the read models an earlier rebuild replaced; drop them first (auditor drop-old-read-models)',
        );

        const dropped = await ledger.runAuditor(['drop-old-read-models', '--database-url', ledger.db.url]);
        expect({ code: dropped.code, stdout: dropped.stdout }).toEqual({
          code: 0,
          stdout: 'dropped read_models_previous\n',
        });

        const checkedOnly = await rebuild(['--verify-before-switch', '--no-switch']);
        expect(checkedOnly.code).toBe(0);
        expect(checkedOnly.stdout).toBe(
          [
            'rebuilt in read_models_next from 8 records: 5 applied, 0 duplicates skipped, 0 dead-lettered',
            'verified: every table equals the live one',
            'not switched (--no-switch): the rebuild stays in read_models_next',
            '',
          ].join('\n'),
        );

        const wrongUse = await ledger.runAuditor(['rebuild', '--database-url', ledger.db.url, '--drop-old']);
        expect(wrongUse.code).toBe(3);
        expect(wrongUse.stderr).toContain(
          'error: --verify-before-switch, --no-switch and --drop-old go with --in-place',
        );
      } finally {
        await projection.stop();
        await ledger.close();
      }
    },
    TIMEOUT,
  );
});
