/**
 * What `verify` finds, and how it is told: one line per finding for people, a fixed JSON shape
 * for machines. Severity decides the exit code; `code` names the kind of finding and never
 * changes meaning, so scripts may branch on it.
 */
export type Severity = 'integrity' | 'unchecked' | 'lag' | 'notice';

/** The four comparisons of verify, plus the signed checkpoints that tie them together. */
export type Check = 'journal' | 'checkpoint' | 'topic' | 'journal-topic' | 'read-models';

const CHECK_ORDER: readonly Check[] = ['journal', 'checkpoint', 'topic', 'journal-topic', 'read-models'];

export type FindingCode =
  // journal
  | 'chain-broken'
  | 'position-order'
  | 'stream-row-missing'
  | 'stream-row-version'
  | 'stream-row-without-events'
  // checkpoints
  | 'signature-invalid'
  | 'signed-by-unknown-key'
  | 'signatures-unchecked'
  | 'other-journal'
  | 'journal-differs-from-checkpoint'
  | 'topic-differs-from-checkpoint'
  // topic
  | 'genesis-missing'
  | 'genesis-invalid'
  | 'genesis-disagrees'
  | 'misplaced-genesis'
  | 'invalid-record'
  | 'foreign-record'
  | 'wrong-partition'
  | 'duplicate'
  // journal ↔ topic
  | 'unknown-to-journal'
  | 'journal-behind-publication'
  | 'differs-from-journal'
  | 'missing-from-topic'
  | 'not-yet-published'
  | 'earlier-topic-instance'
  // read models
  | 'read-models-behind'
  | 'read-models-ahead'
  | 'read-models-unknown-stream'
  | 'read-model-event-differs'
  | 'dead-letter';

/** Where a finding is: whichever of these apply, the rest null (the JSON keeps every key). */
export interface Place {
  readonly streamId?: string;
  readonly streamVersion?: number;
  readonly position?: number;
  readonly partition?: number;
  readonly offset?: string;
  readonly eventId?: string;
}

export interface Finding {
  readonly severity: Severity;
  readonly check: Check;
  readonly code: FindingCode;
  readonly streamId: string | null;
  readonly streamVersion: number | null;
  readonly position: number | null;
  readonly partition: number | null;
  readonly offset: string | null;
  readonly eventId: string | null;
  /** What differs, in words. */
  readonly detail: string;
}

export class Findings {
  private readonly found: Finding[] = [];

  add(severity: Severity, check: Check, code: FindingCode, place: Place, detail: string): void {
    this.found.push({
      severity,
      check,
      code,
      streamId: place.streamId ?? null,
      streamVersion: place.streamVersion ?? null,
      position: place.position ?? null,
      partition: place.partition ?? null,
      offset: place.offset ?? null,
      eventId: place.eventId ?? null,
      detail,
    });
  }

  integrity(check: Check, code: FindingCode, place: Place, detail: string): void {
    this.add('integrity', check, code, place, detail);
  }

  /** Every finding, grouped by check in a fixed order, in the order found within a check. */
  list(): Finding[] {
    return CHECK_ORDER.flatMap((check) => this.found.filter((finding) => finding.check === check));
  }
}

export interface VerifyReport {
  readonly journal: {
    readonly id: string;
    readonly events: number;
    readonly streams: number;
    readonly headPosition: number;
    readonly checkpoints: number;
  };
  readonly topic: {
    readonly name: string;
    readonly instance: string | null;
    readonly clusterId: string | null;
    readonly partitions: number;
    readonly records: number;
    readonly events: number;
    /** The last journal position the relay recorded as published to this instance; 0 when none. */
    readonly publishedPosition: number;
  };
  readonly readModels: { readonly streams: number; readonly unresolvedDeadLetters: number };
  readonly findings: readonly Finding[];
}

export type Verdict = 'ok' | 'lag' | 'unchecked' | 'integrity-failure';

/**
 * A proven disagreement outranks everything; a part that could not be checked outranks lag,
 * since an unchecked ledger must not pass for one that is merely behind.
 */
export function verdictOf(findings: readonly Finding[]): Verdict {
  const has = (severity: Severity): boolean => findings.some((finding) => finding.severity === severity);
  if (has('integrity')) return 'integrity-failure';
  if (has('unchecked')) return 'unchecked';
  if (has('lag')) return 'lag';
  return 'ok';
}

export const EXIT_CODES: { readonly [V in Verdict]: number } = {
  ok: 0,
  'integrity-failure': 1,
  lag: 2,
  unchecked: 3,
};

function where(finding: Finding): string {
  const parts: string[] = [];
  if (finding.streamId !== null) {
    parts.push(
      `stream ${finding.streamId}${finding.streamVersion === null ? '' : ` v${finding.streamVersion}`}`,
    );
  }
  if (finding.position !== null) parts.push(`position ${finding.position}`);
  if (finding.partition !== null) {
    parts.push(`partition ${finding.partition}${finding.offset === null ? '' : `@${finding.offset}`}`);
  }
  if (finding.eventId !== null) parts.push(`event ${finding.eventId}`);
  return parts.length === 0 ? '' : ` ${parts.join(', ')}:`;
}

function countOf(findings: readonly Finding[], severity: Severity): number {
  return findings.filter((finding) => finding.severity === severity).length;
}

/** One line per finding, then one summary line. */
export function humanReport(report: VerifyReport): string[] {
  const { journal, topic, readModels, findings } = report;
  const lines = findings.map(
    (finding) => `${finding.severity} ${finding.check}/${finding.code}${where(finding)} ${finding.detail}`,
  );
  const verdict = verdictOf(findings);
  const instance = topic.instance === null ? 'no topic instance' : `instance ${topic.instance}`;
  lines.push(
    `verify ${verdict.toUpperCase()}: ${countOf(findings, 'integrity')} integrity, ` +
      `${countOf(findings, 'unchecked')} unchecked, ${countOf(findings, 'lag')} lag, ` +
      `${countOf(findings, 'notice')} notice; journal ${journal.events} events in ${journal.streams} streams ` +
      `(head ${journal.headPosition}, ${journal.checkpoints} checkpoints); topic ${topic.name} ${instance}: ` +
      `${topic.records} records, ${topic.events} events on ${topic.partitions} partitions, published to ` +
      `position ${topic.publishedPosition}; read models ${readModels.streams} streams, ` +
      `${readModels.unresolvedDeadLetters} unresolved dead letters`,
  );
  return lines;
}

/** The machine-readable report: every key always present, findings in the human order. */
export function jsonReport(report: VerifyReport): string {
  const verdict = verdictOf(report.findings);
  return JSON.stringify(
    {
      result: verdict,
      exitCode: EXIT_CODES[verdict],
      counts: {
        integrity: countOf(report.findings, 'integrity'),
        unchecked: countOf(report.findings, 'unchecked'),
        lag: countOf(report.findings, 'lag'),
        notice: countOf(report.findings, 'notice'),
      },
      journal: report.journal,
      topic: report.topic,
      readModels: report.readModels,
      findings: report.findings,
    },
    null,
    2,
  );
}
