import { ContractViolation, fromKafkaRecord, type AnyEventEnvelope } from '@ledger/contracts';

export interface RawRecord {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

export type QuarantineKind = 'unparseable' | 'schema-violation';

export type ParsedRecord =
  | { readonly ok: true; readonly event: AnyEventEnvelope }
  | { readonly ok: false; readonly kind: QuarantineKind; readonly reason: string };

function isJson(value: Buffer | null): boolean {
  if (value === null) return false;
  try {
    JSON.parse(value.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a Kafka record as an event, or says why it cannot be one (fromKafkaRecord also checks
 * that the key is the streamId, which keeps a stream on one partition). Only contract
 * violations are answered: anything else is a bug in our code and must stop the batch rather
 * than be quarantined.
 */
export function parseRecord(record: RawRecord): ParsedRecord {
  try {
    return { ok: true, event: fromKafkaRecord(record) };
  } catch (error) {
    if (!(error instanceof ContractViolation)) throw error;
    return {
      ok: false,
      kind: isJson(record.value) ? 'schema-violation' : 'unparseable',
      reason: error.reason,
    };
  }
}
