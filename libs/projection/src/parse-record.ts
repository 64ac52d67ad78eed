import { ContractViolation, fromKafkaRecord, type RecordedEnvelope } from '@ledger/contracts';

export interface RawRecord {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

export type QuarantineKind = 'unparseable' | 'schema-violation' | 'oversized';

export type ParsedRecord =
  | { readonly ok: true; readonly event: RecordedEnvelope }
  | { readonly ok: false; readonly kind: QuarantineKind; readonly reason: string };

export interface RecordLimits {
  /** Values longer than this are not parsed: they become 'oversized' dead letters. */
  readonly maxValueBytes?: number;
}

// Fatal: a lossy decoding would turn invalid bytes into U+FFFD and could let a record pass
// whose stored text is not what was written. The byte order mark is kept, so it fails JSON.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isJson(value: string | null): boolean {
  if (value === null) return false;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a Kafka record as an event, or says why it cannot be one: too long, not UTF-8, not
 * JSON, or breaking the contract (fromKafkaRecord also checks that the key is the streamId,
 * which keeps a stream on one partition, and refuses NUL characters, which Postgres cannot
 * store). Only those are answered: anything else is a bug in our code and must stop the batch
 * rather than be quarantined.
 */
export function parseRecord(record: RawRecord, limits: RecordLimits = {}): ParsedRecord {
  let value: string | null = null;
  if (record.value !== null) {
    const { maxValueBytes } = limits;
    if (maxValueBytes !== undefined && record.value.length > maxValueBytes) {
      return {
        ok: false,
        kind: 'oversized',
        reason: `value of ${record.value.length} bytes is over the limit of ${maxValueBytes}`,
      };
    }
    try {
      value = UTF8.decode(record.value);
    } catch {
      return { ok: false, kind: 'unparseable', reason: 'value is not valid UTF-8' };
    }
  }
  try {
    return { ok: true, event: fromKafkaRecord({ ...record, value }) };
  } catch (error) {
    if (!(error instanceof ContractViolation)) throw error;
    return { ok: false, kind: isJson(value) ? 'schema-violation' : 'unparseable', reason: error.reason };
  }
}
