import { Journal } from '@ledger/journal';
import { testProjectorGroup, eventually } from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort, runAuditor } from './support/app-process';
import { createEventTopic, deleteEventTopic, prepareLedger, type Ledger } from './support/ledger-harness';
import { appendBurst, expectTopicMirrorsJournal, publishedPosition } from './support/relay-harness';

interface VerifyReport {
  readonly exitCode: number;
  readonly journal: { readonly events: number };
  readonly topic: { readonly events: number; readonly instance: string | null };
  readonly findings: readonly { readonly severity: string; readonly code: string }[];
}

/** A verdict; `report` is absent when verify could not check at all (exit 3: no topic to read). */
interface Verdict {
  readonly exitCode: number | null;
  readonly report?: VerifyReport;
  readonly stderr: string;
}

describe('the topic deleted and created again while the whole ledger runs', () => {
  let ledger: Ledger;
  let journal: Journal;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    ledger = await prepareLedger({ partitions: 3 });
    journal = new Journal(ledger.db.pool);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.kill('SIGKILL')));
    await ledger.close();
  });

  const verify = async (): Promise<Verdict> => {
    const { stdout, stderr, code } = await runAuditor(['verify', '--json'], {
      databaseUrl: ledger.db.url,
      topic: ledger.topic,
    });
    if (code === 3) return { exitCode: code, stderr };
    const report = JSON.parse(stdout) as VerifyReport;
    expect(report.exitCode).toBe(code);
    return { exitCode: code, report, stderr };
  };

  const passing = async (): Promise<VerifyReport> => {
    const verdict = await verify();
    expect(verdict).toMatchObject({ exitCode: 0 });
    return verdict.report as VerifyReport;
  };

  it('is republished and re-projected once, and verify never passes while the new topic is incomplete', async () => {
    const env = { ...ledger.env, PROJECTOR_GROUP_ID: testProjectorGroup('projector') };
    apps.push(
      AppProcess.start('relay', env, await freePort()),
      AppProcess.start('projector', env, await freePort()),
    );
    await appendBurst(journal, 6, 3, 'recreated');
    const untilPublished = async () => {
      const head = await journal.headPosition();
      await eventually(async () => expect(await publishedPosition(journal, ledger.topic)).toBe(head), {
        timeoutMs: 120_000,
      });
    };
    await untilPublished();
    const before = await eventually(passing);

    await deleteEventTopic(ledger.kafka, ledger.topic);
    // While the topic is gone, and while the new one fills: every verdict says so aloud.
    const samples: Verdict[] = [await verify()];
    await appendBurst(journal, 6, 1, 'recreated');
    await createEventTopic(ledger.topic, 3);
    samples.push(await verify());
    await appendBurst(journal, 6, 1, 'recreated');
    for (let round = 0; round < 3; round++) samples.push(await verify());
    await untilPublished();

    const after = await eventually(
      async () => {
        const verdict = await verify();
        samples.push(verdict);
        expect(verdict).toMatchObject({ exitCode: 0 });
        return verdict.report as VerifyReport;
      },
      { timeoutMs: 120_000 },
    );
    await expectTopicMirrorsJournal(ledger.kafka, ledger.topic, journal);
    expect(after.topic.instance).not.toBe(before.topic.instance);
    expect(after.findings.map((finding) => finding.code)).toContain('earlier-topic-instance');

    // No verdict was an integrity failure. With the topic gone verify could not check (3); while
    // the new one filled, any verdict said which events were not there yet (2); and every pass
    // saw the topic hold as many events as the journal. How many of each the samples caught
    // depends on how fast the relay is; that none passed over a gap does not.
    expect(samples.filter((sample) => sample.exitCode === 1)).toEqual([]);
    expect(samples[0]).toMatchObject({ exitCode: 3, stderr: expect.stringMatching(/does not exist|topic/i) });
    for (const { exitCode, report } of samples) {
      if (exitCode === 2) expect(report?.findings.some((finding) => finding.severity === 'lag')).toBe(true);
      if (exitCode === 0) expect(report?.topic.events).toBe(report?.journal.events);
    }
    const { rows } = await ledger.db.pool.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM read_models.events',
    );
    expect(rows[0].count).toBe((await journal.readCommitted(0, 10_000)).length);
    expect(apps.map((app) => app.exitedWith())).toEqual([undefined, undefined]);
  });
});
