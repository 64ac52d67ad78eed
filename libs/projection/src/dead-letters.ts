import type { PoolClient } from 'pg';
import { parseRecord, type ParsedRecord, type QuarantineKind, type RawRecord } from './parse-record';

/**
 * Why a record was not applied: it is no event (see QuarantineKind), it does not belong to its
 * partition's topic instance ('foreign'), the read models refused it ('apply-failed'), or it
 * waits for a gap in its stream to close ('parked').
 */
export type DeadLetterKind = QuarantineKind | 'foreign' | 'apply-failed' | 'parked';
export type Resolution = 'applied' | 'duplicate';

export interface NewDeadLetter {
  readonly kind: DeadLetterKind;
  readonly reason: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The topic instance of the partition it was read from; its offset means nothing without it. */
  readonly topicInstance: string;
  readonly record: RawRecord;
  readonly streamId: string | null;
  readonly streamVersion: number | null;
}

/** A stored dead letter, its raw record read back and parsed again (contracts may have changed). */
export interface DeadLetter {
  readonly id: string;
  readonly kind: DeadLetterKind;
  readonly reason: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Null for letters recorded before offsets were kept per topic instance. */
  readonly topicInstance: string | null;
  readonly streamId: string | null;
  readonly streamVersion: number | null;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
  readonly resolution: Resolution | null;
  readonly record: RawRecord;
}

interface DeadLetterRow {
  id: string;
  kind: DeadLetterKind;
  reason: string;
  topic: string;
  partition: number;
  offset: string;
  topic_instance: string | null;
  raw_key: Buffer | null;
  raw_value: Buffer | null;
  raw_headers: Record<string, string>;
  stream_id: string | null;
  stream_version: number | null;
  created_at: Date;
  resolved_at: Date | null;
  resolution: Resolution | null;
}

// Ordered by dead_letters.id, not by the text form of id these columns give back.
const DEAD_LETTER_COLUMNS = `id::text, kind, reason, topic, partition, "offset"::text AS offset,
  topic_instance::text, raw_key, raw_value, raw_headers, stream_id, stream_version, created_at,
  resolved_at, resolution`;

const INSERT_DEAD_LETTERS = `
  INSERT INTO projector.dead_letters
    (kind, reason, topic, partition, "offset", topic_instance, raw_key, raw_value, raw_headers,
     stream_id, stream_version)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::uuid[],
                       $7::bytea[], $8::bytea[], $9::jsonb[], $10::text[], $11::int[])`;

const SELECT_PARKED_OF_STREAMS = `
  SELECT ${DEAD_LETTER_COLUMNS} FROM projector.dead_letters
  WHERE parked AND stream_id = ANY($1::text[])
  ORDER BY stream_id, stream_version
  FOR UPDATE`;

const SELECT_UNRESOLVED = `
  SELECT ${DEAD_LETTER_COLUMNS} FROM projector.dead_letters
  WHERE resolved_at IS NULL AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))
  ORDER BY dead_letters.id`;

const SELECT_DEAD_LETTERS = `
  SELECT ${DEAD_LETTER_COLUMNS} FROM projector.dead_letters
  WHERE $1::boolean OR resolved_at IS NULL
  ORDER BY dead_letters.id`;

/** Keyset on the primary key: a page of dead letters after an id, however many there are. */
const PAGE_DEAD_LETTERS = `
  SELECT ${DEAD_LETTER_COLUMNS} FROM projector.dead_letters
  WHERE ($1::boolean OR resolved_at IS NULL) AND id > $2::bigint
  ORDER BY dead_letters.id
  LIMIT $3`;

const RESOLVE_DEAD_LETTERS = `
  UPDATE projector.dead_letters AS letter
  SET resolved_at = now(), resolution = settled.resolution
  FROM unnest($1::bigint[], $2::text[]) AS settled(id, resolution)
  WHERE letter.id = settled.id AND letter.resolved_at IS NULL`;

// A quarantined record that parses now but still has a gap before it becomes an ordinary
// parked event; its first reason stays readable in front of the new one.
const REPARK_DEAD_LETTERS = `
  UPDATE projector.dead_letters AS letter
  SET kind = 'parked', stream_id = waiting.stream_id, stream_version = waiting.stream_version,
      reason = waiting.reason || ' (was ' || letter.kind || ': ' || letter.reason || ')'
  FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[])
    AS waiting(id, stream_id, stream_version, reason)
  WHERE letter.id = waiting.id`;

// A waiting event the read models refused when its turn came: from now on it waits for a redrive,
// not for a gap, so later batches of its stream stop offering it again.
const REFUSE_DEAD_LETTERS = `
  UPDATE projector.dead_letters AS letter
  SET kind = 'apply-failed',
      reason = refused.reason || ' (was ' || letter.kind || ': ' || letter.reason || ')'
  FROM unnest($1::bigint[], $2::text[]) AS refused(id, reason)
  WHERE letter.id = refused.id`;

const SELECT_UNRESOLVED_BY_KIND = `
  SELECT kind, count(*)::int AS letters FROM projector.dead_letters
  WHERE resolved_at IS NULL
  GROUP BY kind`;

const SELECT_PARKED_STREAMS = `
  SELECT count(DISTINCT stream_id)::int AS streams FROM projector.dead_letters WHERE parked`;

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    kind: row.kind,
    reason: row.reason,
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    topicInstance: row.topic_instance,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
    record: {
      key: row.raw_key === null ? null : row.raw_key.toString('utf8'),
      value: row.raw_value,
      headers: row.raw_headers,
    },
  };
}

export function parseDeadLetter(letter: DeadLetter): ParsedRecord {
  return parseRecord(letter.record);
}

/**
 * Postgres text and jsonb refuse U+0000, and a dead letter must be storable whatever the record
 * held: its reason and headers keep a visible U+FFFD instead. The raw key and value are bytea,
 * kept byte for byte.
 */
function storableText(text: string): string {
  return text.replaceAll('\0', '\uFFFD');
}

function storableHeaders(headers: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [storableText(name), storableText(value)]),
    ),
  );
}

export async function insertDeadLetters(
  client: PoolClient,
  letters: readonly NewDeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  await client.query(INSERT_DEAD_LETTERS, [
    letters.map((letter) => letter.kind),
    letters.map((letter) => storableText(letter.reason)),
    letters.map((letter) => letter.topic),
    letters.map((letter) => letter.partition),
    letters.map((letter) => letter.offset),
    letters.map((letter) => letter.topicInstance),
    letters.map((letter) => (letter.record.key === null ? null : Buffer.from(letter.record.key, 'utf8'))),
    letters.map((letter) => letter.record.value),
    letters.map((letter) => storableHeaders(letter.record.headers)),
    letters.map((letter) => letter.streamId),
    letters.map((letter) => letter.streamVersion),
  ]);
}

/** Events waiting for a gap in these streams to close; locked until the transaction ends. */
export async function parkedOfStreams(
  client: PoolClient,
  streamIds: readonly string[],
): Promise<DeadLetter[]> {
  if (streamIds.length === 0) return [];
  const { rows } = await client.query<DeadLetterRow>(SELECT_PARKED_OF_STREAMS, [streamIds]);
  return rows.map(toDeadLetter);
}

/**
 * Unresolved dead letters (all, or those with the given ids). Not locked: whoever applies one
 * takes its stream's lock first, and the version check makes a second attempt a duplicate.
 */
export async function unresolvedDeadLetters(
  client: PoolClient,
  ids: readonly string[] | 'all',
): Promise<DeadLetter[]> {
  const { rows } = await client.query<DeadLetterRow>(SELECT_UNRESOLVED, [ids === 'all' ? null : ids]);
  return rows.map(toDeadLetter);
}

export async function listDeadLetters(
  client: Pick<PoolClient, 'query'>,
  { includeResolved }: { includeResolved: boolean },
): Promise<DeadLetter[]> {
  const { rows } = await client.query<DeadLetterRow>(SELECT_DEAD_LETTERS, [includeResolved]);
  return rows.map(toDeadLetter);
}

/** Up to `limit` dead letters with an id above `afterId` (0: from the first), in id order. */
export async function pageDeadLetters(
  client: Pick<PoolClient, 'query'>,
  { includeResolved, afterId, limit }: { includeResolved: boolean; afterId: string; limit: number },
): Promise<DeadLetter[]> {
  const { rows } = await client.query<DeadLetterRow>(PAGE_DEAD_LETTERS, [includeResolved, afterId, limit]);
  return rows.map(toDeadLetter);
}

export async function resolveDeadLetters(
  client: PoolClient,
  settled: readonly { readonly id: string; readonly resolution: Resolution }[],
): Promise<void> {
  if (settled.length === 0) return;
  await client.query(RESOLVE_DEAD_LETTERS, [
    settled.map((letter) => letter.id),
    settled.map((letter) => letter.resolution),
  ]);
}

export async function reparkDeadLetters(
  client: PoolClient,
  waiting: readonly {
    readonly id: string;
    readonly streamId: string;
    readonly streamVersion: number;
    readonly reason: string;
  }[],
): Promise<void> {
  if (waiting.length === 0) return;
  await client.query(REPARK_DEAD_LETTERS, [
    waiting.map((letter) => letter.id),
    waiting.map((letter) => letter.streamId),
    waiting.map((letter) => letter.streamVersion),
    waiting.map((letter) => letter.reason),
  ]);
}

export async function refuseDeadLetters(
  client: PoolClient,
  refused: readonly { readonly id: string; readonly reason: string }[],
): Promise<void> {
  if (refused.length === 0) return;
  await client.query(REFUSE_DEAD_LETTERS, [
    refused.map((letter) => letter.id),
    refused.map((letter) => storableText(letter.reason)),
  ]);
}

export const DEAD_LETTER_KINDS: readonly DeadLetterKind[] = [
  'unparseable',
  'schema-violation',
  'oversized',
  'foreign',
  'apply-failed',
  'parked',
];

/** What the dead-letter table holds unresolved: letters per kind, and streams waiting behind a gap. */
export interface DeadLetterSummary {
  readonly unresolved: Readonly<Record<DeadLetterKind, number>>;
  readonly parkedStreams: number;
}

export async function deadLetterSummary(db: Pick<PoolClient, 'query'>): Promise<DeadLetterSummary> {
  const { rows } = await db.query<{ kind: DeadLetterKind; letters: number }>(SELECT_UNRESOLVED_BY_KIND);
  const { rows: parked } = await db.query<{ streams: number }>(SELECT_PARKED_STREAMS);
  const unresolved = Object.fromEntries(DEAD_LETTER_KINDS.map((kind) => [kind, 0])) as Record<
    DeadLetterKind,
    number
  >;
  for (const row of rows) unresolved[row.kind] = row.letters;
  return { unresolved, parkedStreams: parked[0].streams };
}
