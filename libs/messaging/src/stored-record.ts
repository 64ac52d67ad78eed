import type { KafkaMessage } from 'kafkajs';

/** A record as the ledger's readers see it: key and headers decoded to text, value as bytes. */
export interface StoredRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: string;
}

function headerText(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(headerText).join(',');
  return String(value);
}

export function toStoredRecord(partition: number, message: KafkaMessage): StoredRecord {
  return {
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([name, value]) => [name, headerText(value)]),
    ),
    timestamp: message.timestamp,
  };
}
