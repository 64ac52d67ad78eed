import { EXIT_CODES, Findings, humanReport, jsonReport, verdictOf, type VerifyReport } from './findings';

function reportOf(findings: Findings): VerifyReport {
  return {
    journal: { id: 'journal', events: 3, streams: 1, headPosition: 3, checkpoints: 0 },
    topic: {
      name: 'policy.events',
      instance: null,
      clusterId: null,
      partitions: 3,
      records: 0,
      events: 0,
      publishedPosition: 0,
    },
    readModels: { streams: 1, unresolvedDeadLetters: 0 },
    findings: findings.list(),
  };
}

describe('verify findings', () => {
  it('exit with the gravest verdict: integrity 1, then unchecked 3, then lag 2, else 0', () => {
    const findings = new Findings();
    const exitCode = (): number => EXIT_CODES[verdictOf(findings.list())];
    expect(exitCode()).toBe(0);
    findings.add('notice', 'read-models', 'dead-letter', {}, 'a dead letter');
    expect(exitCode()).toBe(0);
    findings.add('lag', 'journal-topic', 'not-yet-published', { partition: 1 }, '1 event');
    expect(exitCode()).toBe(2);
    findings.add('unchecked', 'checkpoint', 'signatures-unchecked', {}, 'no key');
    expect(exitCode()).toBe(3);
    findings.integrity('topic', 'duplicate', { streamId: 'tariff-a', streamVersion: 2 }, 'twice');
    expect(exitCode()).toBe(1);
  });

  it('tell each finding on one line, grouped by check, then a summary line', () => {
    const findings = new Findings();
    findings.add(
      'lag',
      'read-models',
      'read-models-behind',
      { streamId: 'tariff-a', streamVersion: 1 },
      'behind',
    );
    findings.integrity(
      'journal',
      'chain-broken',
      { streamId: 'tariff-a', streamVersion: 2, position: 7, eventId: 'e-2' },
      'hash does not recompute',
    );
    findings.integrity('topic', 'duplicate', { partition: 2, offset: '9' }, 'twice');
    expect(humanReport(reportOf(findings))).toEqual([
      'integrity journal/chain-broken stream tariff-a v2, position 7, event e-2: hash does not recompute',
      'integrity topic/duplicate partition 2@9: twice',
      'lag read-models/read-models-behind stream tariff-a v1: behind',
      expect.stringMatching(/^verify INTEGRITY-FAILURE: 2 integrity, 0 unchecked, 1 lag, 0 notice; /),
    ]);
  });

  it('keep every key of a finding in the JSON report, null where it does not apply', () => {
    const findings = new Findings();
    findings.integrity('topic', 'duplicate', { partition: 2, offset: '9' }, 'twice');
    expect(JSON.parse(jsonReport(reportOf(findings)))).toMatchObject({
      result: 'integrity-failure',
      exitCode: 1,
      counts: { integrity: 1, unchecked: 0, lag: 0, notice: 0 },
      findings: [
        {
          severity: 'integrity',
          check: 'topic',
          code: 'duplicate',
          streamId: null,
          streamVersion: null,
          position: null,
          partition: 2,
          offset: '9',
          eventId: null,
          detail: 'twice',
        },
      ],
    });
  });
});
