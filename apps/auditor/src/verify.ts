import {
  fromKafkaRecord,
  verifyStreamChain,
  ContractViolation,
  type AnyEventEnvelope,
} from '@ledger/contracts';
import type { StoredRecord } from '@ledger/messaging';

export interface VerifyReport {
  readonly records: number;
  readonly streams: number;
  readonly verifiedEvents: number;
  readonly invalidRecords: readonly {
    readonly partition: number;
    readonly offset: string;
    readonly reason: string;
  }[];
  readonly duplicates: readonly {
    readonly streamId: string;
    readonly streamVersion: number;
    readonly offsets: readonly string[];
  }[];
  readonly brokenChains: readonly {
    readonly streamId: string;
    readonly streamVersion: number;
    readonly reason: string;
  }[];
}

export function verifyPassed(report: VerifyReport): boolean {
  return (
    report.invalidRecords.length === 0 && report.duplicates.length === 0 && report.brokenChains.length === 0
  );
}

/**
 * Checks the whole log as auditors rely on it: every record is a valid event, no stream
 * version was published twice, and each stream, read in log order, is a gapless hash chain
 * from version 1 (so per-stream order held from the journal to Kafka).
 */
export function verifyLog(records: readonly StoredRecord[]): VerifyReport {
  const invalidRecords: { partition: number; offset: string; reason: string }[] = [];
  const streams = new Map<string, AnyEventEnvelope[]>();
  const offsetsOf = new Map<string, string[]>();
  for (const record of records) {
    let event: AnyEventEnvelope;
    try {
      event = fromKafkaRecord(record);
    } catch (error) {
      if (!(error instanceof ContractViolation)) throw error;
      invalidRecords.push({ partition: record.partition, offset: record.offset, reason: error.reason });
      continue;
    }
    const versionKey = `${event.streamId}\u0000${event.streamVersion}`;
    const seenAt = offsetsOf.get(versionKey);
    if (seenAt) {
      seenAt.push(`${record.partition}:${record.offset}`);
      continue;
    }
    offsetsOf.set(versionKey, [`${record.partition}:${record.offset}`]);
    const stream = streams.get(event.streamId);
    if (stream) stream.push(event);
    else streams.set(event.streamId, [event]);
  }

  const duplicates = [...offsetsOf]
    .filter(([, offsets]) => offsets.length > 1)
    .map(([key, offsets]) => {
      const [streamId, version] = key.split('\u0000');
      return { streamId, streamVersion: Number(version), offsets };
    });
  const brokenChains: { streamId: string; streamVersion: number; reason: string }[] = [];
  let verifiedEvents = 0;
  for (const events of streams.values()) {
    const verdict = verifyStreamChain(events);
    if (verdict.ok) verifiedEvents += verdict.checked;
    else
      brokenChains.push({
        streamId: verdict.streamId,
        streamVersion: verdict.streamVersion,
        reason: verdict.reason,
      });
  }
  return {
    records: records.length,
    streams: streams.size,
    verifiedEvents,
    invalidRecords,
    duplicates,
    brokenChains,
  };
}
