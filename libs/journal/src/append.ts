import type { ClientBase, QueryResult } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import {
  EVENT_STREAM_TYPES,
  SCHEMA_VERSIONS,
  computeEventHash,
  validateEnvelope,
  type Actor,
  type AnyEventEnvelope,
  type RecordedEnvelope,
  type Citation,
  type EventEnvelope,
  type JournalEvent,
  type StreamType,
} from '@ledger/contracts';
import { BatchAppendRefused, EventRejected, IdempotencyKeyReused, StreamVersionConflict } from './errors';
import { EVENT_COLUMNS, ISO_MILLISECONDS, toEnvelope, type EventRow } from './event-row';

export interface AppendRequest {
  readonly streamId: string;
  readonly streamType: StreamType;
  /** The stream's current version the caller decided on; 0 = the stream must not exist yet. */
  readonly expectedVersion: number;
  readonly events: readonly JournalEvent[];
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly citation: Citation | null;
  readonly idempotency?: IdempotencyClaim;
}

export interface IdempotencyClaim {
  /** The API key of the caller: keys of different callers never collide. */
  readonly keyId: string;
  readonly key: string;
  /** What makes two requests "the same request", e.g. a hash of method, path and body. */
  readonly fingerprint: string;
}

export interface AppendResult {
  /** true: an earlier request with the same idempotency key appended these; nothing new was. */
  readonly replayed: boolean;
  readonly events: RecordedEnvelope[];
}

export interface IdempotentAnswer {
  readonly fingerprint: string;
  readonly events: RecordedEnvelope[];
}

/** The relay LISTENs here; the payload is the last position of the committed append. */
export const JOURNAL_APPENDED_CHANNEL = 'journal_appended';

/**
 * Runs first in the append. A concurrent transaction that already inserted the same key makes
 * this INSERT wait until it commits (then nothing is inserted, and this request replays that
 * answer) or rolls back (then this request goes on). A retry racing its original therefore
 * gets the replay, not a stream version conflict.
 */
const CLAIM_IDEMPOTENCY_KEY = `
  INSERT INTO journal.idempotency_keys (key_id, key, fingerprint, stream_id, event_ids)
  VALUES ($1, $2, $3, $4, $5::uuid[])
  ON CONFLICT (key_id, key) DO NOTHING`;

const IDEMPOTENT_ANSWER = `
  SELECT fingerprint, event_ids::text[] AS event_ids
  FROM journal.idempotency_keys
  WHERE key_id = $1 AND key = $2`;

const EVENTS_BY_ID = `
  SELECT ${EVENT_COLUMNS} FROM journal.events WHERE id = ANY($1::uuid[]) ORDER BY position`;

/**
 * Creating a stream: a concurrent creator of the same stream makes this wait for its outcome;
 * if it committed, nothing is inserted and the append is a version conflict. No conflict
 * target: the stream's id is unique both alone and with its type, and either means "exists".
 */
const CREATE_STREAM = `
  INSERT INTO journal.streams (stream_id, stream_type, version, last_recorded_at)
  VALUES ($1, $2, $3, date_trunc('milliseconds', clock_timestamp()))
  ON CONFLICT DO NOTHING
  RETURNING to_char(last_recorded_at AT TIME ZONE 'UTC', ${ISO_MILLISECONDS}) AS last_recorded_at`;

const CURRENT_VERSION = `SELECT version FROM journal.streams WHERE stream_id = $1`;

/** The stream's row, for the version check (appends to the stream already take turns, see below). */
const LOCK_STREAM = `
  SELECT stream_type, version FROM journal.streams WHERE stream_id = $1 FOR UPDATE`;

/**
 * recordedAt is read from the clock only now, under the stream lock. The last new event gets
 * the clock (ms precision) unless that would not be later than the stream's previous events;
 * the events before it in the same append get one millisecond less each, so recordedAt is
 * strictly increasing per stream and never ahead of the clock by more than a backlog needs.
 */
const ADVANCE_STREAM = `
  UPDATE journal.streams
  SET version = version + $2,
      last_recorded_at = greatest(date_trunc('milliseconds', clock_timestamp()),
                                  last_recorded_at + $2 * interval '1 millisecond')
  WHERE stream_id = $1
  RETURNING to_char(last_recorded_at AT TIME ZONE 'UTC', ${ISO_MILLISECONDS}) AS last_recorded_at`;

const LAST_HASH = `
  SELECT hash FROM journal.events WHERE stream_id = $1 AND stream_version = $2`;

/**
 * Gap-safe positions without serialising appends. A sequence alone hands out numbers in the
 * order transactions ASK, not the order they COMMIT: if A takes 7 and B takes 8 and B commits
 * first, a reader that has seen 8 and checkpoints it never comes back for 7 — the bug that made
 * Marten, Eventuous and Axon subscriptions silently lose events. So an append takes its
 * positions and its transaction id together, under this lock, before it writes anything (the
 * first write is what gives a transaction its id): a transaction that took lower positions has
 * a lower id. Readers take an event only when its tx_id is below the oldest transaction still
 * in flight (see SETTLED in journal.ts): every position below such an event is then committed
 * or rolled back for good. The lock lives in a savepoint that is rolled back as soon as the
 * positions are taken (which releases the lock and keeps the transaction id and the sequence's
 * numbers), all in one round trip: appends to different streams wait for each other only while
 * the server runs these statements, never for a commit, and their commits share WAL flushes.
 * Rollbacks leave gaps; readers never wait for them. The key is 'journal' in ASCII.
 * Simple-protocol statements, so no parameters: `count` is a checked integer.
 */
function takePositions(count: number): string {
  return `
    SAVEPOINT journal_positions;
    SELECT pg_advisory_xact_lock(x'6a6f75726e616c'::bigint);
    SELECT pg_current_xact_id()::text AS tx_id, nextval('journal.event_position')::text AS position
    FROM generate_series(1, ${count});
    ROLLBACK TO SAVEPOINT journal_positions;
    RELEASE SAVEPOINT journal_positions`;
}

/**
 * Appends to one stream take turns from before their positions until commit, so a stream's
 * positions increase with its versions (the relay publishes in position order and subscribers
 * apply a stream's versions in order). An advisory lock, not the stream's row: a row lock is a
 * write and would give the transaction its id before its positions. Keyed by a hash of the
 * stream id in the class 'jrnl' (ASCII); two streams whose ids share a hash merely take turns.
 * Taken before the shared lock above and never while holding it, so no deadlock.
 */
const LOCK_STREAM_APPENDS = `
  SELECT pg_current_xact_id_if_assigned()::text AS tx_id,
         pg_advisory_xact_lock(x'6a726e6c'::int, hashtext($1)) AS locked`;

const INSERT_EVENTS = `
  INSERT INTO journal.events (
    position, id, stream_id, stream_type, stream_version, type, schema_version, recorded_at,
    actor, correlation_id, causation_id, citation, prev_hash, hash, data)
  SELECT e.position, e.id, $1, $2, e.stream_version, e.type, e.schema_version, e.recorded_at,
         $3::jsonb, $4, $5, $6::jsonb, e.prev_hash, e.hash, e.data
  FROM unnest($7::bigint[], $8::uuid[], $9::int[], $10::text[], $11::int[], $12::timestamptz[],
              $13::text[], $14::text[], $15::jsonb[])
       AS e(position, id, stream_version, type, schema_version, recorded_at, prev_hash, hash, data)`;

/** CREATE_STREAM for the new streams of a batch; those not returned exist already. */
const CREATE_STREAMS = `
  INSERT INTO journal.streams (stream_id, stream_type, version, last_recorded_at)
  SELECT id, type, version, date_trunc('milliseconds', clock_timestamp())
  FROM unnest($1::text[], $2::text[], $3::int[]) AS stream(id, type, version)
  ON CONFLICT DO NOTHING
  RETURNING stream_id, to_char(last_recorded_at AT TIME ZONE 'UTC', ${ISO_MILLISECONDS}) AS last_recorded_at`;

/** LOCK_STREAM for the existing streams of a batch, in a fixed order. */
const LOCK_STREAMS = `
  SELECT stream_id, stream_type, version FROM journal.streams
  WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`;

/** ADVANCE_STREAM for the existing streams of a batch, each by its number of new events. */
const ADVANCE_STREAMS = `
  UPDATE journal.streams AS stream
  SET version = stream.version + advance.count,
      last_recorded_at = greatest(date_trunc('milliseconds', clock_timestamp()),
                                  stream.last_recorded_at + advance.count * interval '1 millisecond')
  FROM unnest($1::text[], $2::int[]) AS advance(id, count)
  WHERE stream.stream_id = advance.id
  RETURNING stream.stream_id,
            to_char(stream.last_recorded_at AT TIME ZONE 'UTC', ${ISO_MILLISECONDS}) AS last_recorded_at`;

/** LAST_HASH of each existing stream of a batch. */
const LAST_HASHES = `
  SELECT event.stream_id, event.hash
  FROM journal.events AS event
  JOIN unnest($1::text[], $2::int[]) AS head(id, version)
    ON event.stream_id = head.id AND event.stream_version = head.version`;

/** INSERT_EVENTS for the events of a whole batch: every column per event. */
const INSERT_BATCH_EVENTS = `
  INSERT INTO journal.events (
    position, id, stream_id, stream_type, stream_version, type, schema_version, recorded_at,
    actor, correlation_id, causation_id, citation, prev_hash, hash, data)
  SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::text[],
                       $7::int[], $8::timestamptz[], $9::jsonb[], $10::text[], $11::text[],
                       $12::jsonb[], $13::text[], $14::text[], $15::jsonb[])`;

const NOTIFY_APPENDED = `SELECT pg_notify('${JOURNAL_APPENDED_CHANNEL}', $1)`;

type Queryable = Pick<ClientBase, 'query'>;

/** Positions taken for an append to a stream, in increasing order, and the transaction that holds them. */
export interface PositionReservation {
  readonly streamId: string;
  readonly txId: string;
  readonly positions: readonly number[];
}

/**
 * Takes the stream's turn and `count` positions for an append to it in this transaction. It
 * must come before the transaction writes anything (Postgres gives a transaction its id at its
 * first write, and the id must be taken with the positions); appendInTransaction does it
 * itself, so only a caller that writes other rows before its append needs it, first thing in
 * the transaction. Positions left unused, like those of a rolled-back append, are gaps.
 */
export async function reservePositions(
  client: Queryable,
  streamId: string,
  count: number,
): Promise<PositionReservation> {
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`cannot reserve ${count} positions`);
  const assigned = await client.query<{ tx_id: string | null }>(LOCK_STREAM_APPENDS, [streamId]);
  if (assigned.rows[0].tx_id !== null) {
    throw new Error(
      'journal positions must be reserved before the transaction writes anything: ' +
        'call reservePositions first and pass its reservation to appendInTransaction',
    );
  }
  // Several statements answer with one result each; the third holds the positions. The
  // transaction gets its id there, under the lock; the events' tx_id column defaults to it.
  const results = (await client.query(takePositions(count))) as unknown as QueryResult<{
    tx_id: string;
    position: string;
  }>[];
  const taken = results[2];
  return {
    streamId,
    txId: taken.rows[0].tx_id,
    positions: taken.rows.map((row) => Number(row.position)).sort((a, b) => a - b),
  };
}

/**
 * The turns of several streams at once (see LOCK_STREAM_APPENDS), in the order of their lock
 * keys, so two batches sharing streams never each hold a turn the other waits for.
 */
const LOCK_STREAMS_APPENDS = `
  SELECT pg_current_xact_id_if_assigned()::text AS tx_id,
         (SELECT count(pg_advisory_xact_lock(x'6a726e6c'::int, turn.key))
          FROM (SELECT DISTINCT hashtext(id) AS key FROM unnest($1::text[]) AS id ORDER BY key) AS turn
         ) AS locked`;

/**
 * reservePositions for the appends of a batch in one transaction: every stream's turn, then
 * all the positions in one take under the shared lock, with the transaction id, as one append
 * takes them. Each append gets the next run of positions, in the order given.
 */
export async function reserveBatchPositions(
  client: Queryable,
  appends: readonly { readonly streamId: string; readonly count: number }[],
): Promise<PositionReservation[]> {
  for (const { count } of appends) {
    if (!Number.isSafeInteger(count) || count < 1) throw new Error(`cannot reserve ${count} positions`);
  }
  const total = appends.reduce((sum, { count }) => sum + count, 0);
  if (total === 0) throw new Error('cannot reserve positions for no appends');
  const streamIds = [...new Set(appends.map(({ streamId }) => streamId))];
  const assigned = await client.query<{ tx_id: string | null }>(LOCK_STREAMS_APPENDS, [streamIds]);
  if (assigned.rows[0].tx_id !== null) {
    throw new Error('journal positions must be reserved before the transaction writes anything');
  }
  const results = (await client.query(takePositions(total))) as unknown as QueryResult<{
    tx_id: string;
    position: string;
  }>[];
  const taken = results[2];
  const positions = taken.rows.map((row) => Number(row.position)).sort((a, b) => a - b);
  let next = 0;
  return appends.map(({ streamId, count }) => {
    const slice = positions.slice(next, next + count);
    next += count;
    return { streamId, txId: taken.rows[0].tx_id, positions: slice };
  });
}

type UnplacedEnvelope = Omit<AnyEventEnvelope, 'position'>;

/**
 * Appends inside the caller's transaction (READ COMMITTED, the default: the waits above rely
 * on seeing what the transaction waited for). The caller commits; until then nothing is
 * visible, and readers of the journal stop before this append's positions (and every later
 * one), so keep the rest of the transaction short. Appends to other streams neither wait for
 * it nor are waited for. One append per transaction (appendBatchInTransaction for several): the
 * positions belong to its transaction id. The append is the transaction's first write unless the caller reserved its positions
 * (reservePositions). Throws StreamVersionConflict or IdempotencyKeyReused; the caller must
 * then roll back.
 */
export async function appendInTransaction(
  client: Queryable,
  request: AppendRequest,
  reservation?: PositionReservation,
): Promise<AppendResult> {
  assertAppendable(request);
  // A retry of an append that committed is answered before taking positions, so as not to
  // leave a gap for nothing; a retry racing its original is caught by the claim below.
  if (request.idempotency && !reservation) {
    const replay = await replayOf(client, request.idempotency);
    if (replay) return replay;
  }
  const taken = reservation ?? (await reservePositions(client, request.streamId, request.events.length));
  assertReservedFor(request, taken);
  const ids = request.events.map(() => uuidv7());

  if (request.idempotency) {
    const replay = await claimIdempotencyKey(client, request.idempotency, request.streamId, ids);
    if (replay) return replay;
  }
  const events = await appendReserved(client, request, taken.positions, ids);
  await client.query(NOTIFY_APPENDED, [String(events[events.length - 1].position)]);
  return { replayed: false, events };
}

/**
 * Appends to several streams, or several times to one (each request's expectedVersion the
 * version the one before leaves), all or nothing in the caller's transaction, which must not
 * have written anything yet. The positions of every request are taken at once, with the
 * transaction id (reserveBatchPositions), in request order: the events come out in request
 * order, and a stream's positions still increase with its versions. The idempotency claim
 * covers the whole batch. Throws BatchAppendRefused (naming the request) or IdempotencyKeyReused;
 * the caller must then roll back.
 */
export async function appendBatchInTransaction(
  client: Queryable,
  requests: readonly AppendRequest[],
  idempotency?: IdempotencyClaim,
): Promise<AppendResult> {
  if (requests.length === 0) throw new Error('a batch append has no requests');
  for (const request of requests) {
    assertAppendable(request);
    if (request.idempotency) throw new Error('a batch append is idempotent as a whole, not by request');
  }
  if (idempotency) {
    const replay = await replayOf(client, idempotency);
    if (replay) return replay;
  }
  const reservations = await reserveBatchPositions(
    client,
    requests.map((request) => ({ streamId: request.streamId, count: request.events.length })),
  );
  const ids = requests.map((request) => request.events.map(() => uuidv7()));
  if (idempotency) {
    // The key names the batch's first stream: the column is the stream of a single append,
    // and the answer is found by the event ids, which cover every stream.
    const replay = await claimIdempotencyKey(client, idempotency, requests[0].streamId, ids.flat());
    if (replay) return replay;
  }
  requests.forEach((request, index) => assertReservedFor(request, reservations[index]));
  const streams = await advanceStreams(client, requests);

  const events: AnyEventEnvelope[] = [];
  // The JSON columns as text, one entry per event: each request's actor and citation are
  // serialised once for all its events, and the data as hashChain serialised it.
  const actors: string[] = [];
  const citations: (string | null)[] = [];
  const data: string[] = [];
  for (const [index, request] of requests.entries()) {
    const stream = streams.get(request.streamId)!;
    // The stream's new events, over all its requests, are stamped as one append's would be.
    const remaining = stream.count - stream.appended - request.events.length;
    const lastRecordedAt = new Date(stream.lastMillis - remaining).toISOString();
    const chained = hashChain(request, ids[index], lastRecordedAt, stream.prevHash);
    const appended = chained.map(({ envelope }, offset) =>
      placeAt(envelope, reservations[index].positions[offset]),
    );
    const violations = appended.flatMap((event) => validateEnvelope(event));
    if (violations.length > 0) throw new BatchAppendRefused(index, new EventRejected(violations));
    stream.appended += request.events.length;
    stream.prevHash = appended[appended.length - 1].hash;
    events.push(...appended);
    const { actor, citation } = appended[0];
    const actorJson = JSON.stringify(actor);
    const citationJson = citation === null ? null : JSON.stringify(citation);
    for (const { storedData } of chained) {
      actors.push(actorJson);
      citations.push(citationJson);
      data.push(storedData);
    }
  }
  await client.query(INSERT_BATCH_EVENTS, [
    events.map((event) => event.position),
    events.map((event) => event.id),
    events.map((event) => event.streamId),
    events.map((event) => event.streamType),
    events.map((event) => event.streamVersion),
    events.map((event) => event.type),
    events.map((event) => event.schemaVersion),
    events.map((event) => event.recordedAt),
    actors,
    events.map((event) => event.correlationId),
    events.map((event) => event.causationId),
    citations,
    events.map((event) => event.prevHash),
    events.map((event) => event.hash),
    data,
  ]);
  await client.query(NOTIFY_APPENDED, [String(events[events.length - 1].position)]);
  return { replayed: false, events };
}

/** A stream of a batch: where its new events start and how they are stamped and chained. */
interface BatchStream {
  readonly streamType: StreamType;
  /** The version the stream's first request expects. */
  readonly base: number;
  /** The index of the stream's first request. */
  readonly first: number;
  /** New events in all the stream's requests. */
  count: number;
  /** Of them, those already chained. */
  appended: number;
  lastMillis: number;
  prevHash: string | null;
}

/**
 * advanceStream for every stream of a batch at once, in a few statements whatever the number
 * of streams: creates the new ones, checks and advances the others, and reads the hash each
 * chain continues from. A stream's later requests must expect the version its earlier ones
 * leave. Throws BatchAppendRefused for the first request (in batch order) whose version is
 * not the stream's.
 */
async function advanceStreams(
  client: Queryable,
  requests: readonly AppendRequest[],
): Promise<Map<string, BatchStream>> {
  const streams = new Map<string, BatchStream>();
  const conflicts: { index: number; conflict: StreamVersionConflict }[] = [];
  for (const [index, request] of requests.entries()) {
    const stream = streams.get(request.streamId);
    if (!stream) {
      streams.set(request.streamId, {
        streamType: request.streamType,
        base: request.expectedVersion,
        first: index,
        count: request.events.length,
        appended: 0,
        lastMillis: 0,
        prevHash: null,
      });
      continue;
    }
    if (stream.streamType !== request.streamType) {
      throw new Error(
        `stream ${request.streamId} is a ${stream.streamType} stream, not ${request.streamType}`,
      );
    }
    const version = stream.base + stream.count;
    if (request.expectedVersion !== version) {
      conflicts.push({
        index,
        conflict: new StreamVersionConflict(request.streamId, request.expectedVersion, version),
      });
    }
    stream.count += request.events.length;
  }
  const created = [...streams].filter(([, stream]) => stream.base === 0);
  const existing = [...streams].filter(([, stream]) => stream.base > 0);

  if (created.length > 0) {
    const { rows } = await client.query<{ stream_id: string; last_recorded_at: string }>(CREATE_STREAMS, [
      created.map(([id]) => id),
      created.map(([, stream]) => stream.streamType),
      created.map(([, stream]) => stream.count),
    ]);
    const made = new Map(rows.map((row) => [row.stream_id, Date.parse(row.last_recorded_at)]));
    for (const [id, stream] of created) {
      const lastMillis = made.get(id);
      if (lastMillis === undefined) {
        const current = await client.query<{ version: number }>(CURRENT_VERSION, [id]);
        conflicts.push({
          index: stream.first,
          conflict: new StreamVersionConflict(id, 0, current.rows[0]?.version ?? 0),
        });
      } else {
        stream.lastMillis = lastMillis;
      }
    }
  }

  if (existing.length > 0) {
    const ids = existing.map(([id]) => id);
    const locked = await client.query<{ stream_id: string; stream_type: StreamType; version: number }>(
      LOCK_STREAMS,
      [ids],
    );
    const found = new Map(locked.rows.map((row) => [row.stream_id, row]));
    for (const [id, stream] of existing) {
      const row = found.get(id);
      if (!row || row.version !== stream.base) {
        conflicts.push({
          index: stream.first,
          conflict: new StreamVersionConflict(id, stream.base, row?.version ?? 0),
        });
      } else if (row.stream_type !== stream.streamType) {
        throw new Error(`stream ${id} is a ${row.stream_type} stream, not ${stream.streamType}`);
      }
    }
  }

  const firstConflict = conflicts.sort((a, b) => a.index - b.index).at(0);
  if (firstConflict) throw new BatchAppendRefused(firstConflict.index, firstConflict.conflict);

  if (existing.length > 0) {
    const advanced = await client.query<{ stream_id: string; last_recorded_at: string }>(ADVANCE_STREAMS, [
      existing.map(([id]) => id),
      existing.map(([, stream]) => stream.count),
    ]);
    for (const row of advanced.rows)
      streams.get(row.stream_id)!.lastMillis = Date.parse(row.last_recorded_at);
    const heads = await client.query<{ stream_id: string; hash: string }>(LAST_HASHES, [
      existing.map(([id]) => id),
      existing.map(([, stream]) => stream.base),
    ]);
    for (const row of heads.rows) streams.get(row.stream_id)!.prevHash = row.hash;
  }
  return streams;
}

function assertReservedFor(request: AppendRequest, { streamId, positions }: PositionReservation): void {
  if (streamId !== request.streamId || positions.length !== request.events.length) {
    throw new Error(
      `${positions.length} positions reserved in ${streamId} for ${request.events.length} events in ${request.streamId}`,
    );
  }
}

/** Claims the key for these events; the first answer instead when another request holds it. */
async function claimIdempotencyKey(
  client: Queryable,
  claim: IdempotencyClaim,
  streamId: string,
  ids: readonly string[],
): Promise<AppendResult | null> {
  const { keyId, key, fingerprint } = claim;
  const claimed = await client.query(CLAIM_IDEMPOTENCY_KEY, [keyId, key, fingerprint, streamId, ids]);
  if (claimed.rowCount !== 0) return null;
  const replay = await replayOf(client, claim);
  if (!replay) throw new IdempotencyKeyReused(key);
  return replay;
}

/** Version check, hash chain, contract check and insert of one append whose positions are taken. */
async function appendReserved(
  client: Queryable,
  request: AppendRequest,
  positions: readonly number[],
  ids: readonly string[],
): Promise<AnyEventEnvelope[]> {
  const { lastRecordedAt, prevHash } = await advanceStream(client, request);
  const chained = hashChain(request, ids, lastRecordedAt, prevHash);

  const events = chained.map(({ envelope }, index) => placeAt(envelope, positions[index]));
  // Nothing enters the journal that the published contract would refuse: subscribers validate
  // every record with the same schemas, so a commit here must never become a poison record there.
  const violations = events.flatMap((event) => validateEnvelope(event));
  if (violations.length > 0) throw new EventRejected(violations);

  await client.query(INSERT_EVENTS, [
    request.streamId,
    request.streamType,
    JSON.stringify(events[0].actor),
    request.correlationId,
    request.causationId,
    events[0].citation === null ? null : JSON.stringify(events[0].citation),
    events.map((event) => event.position),
    events.map((event) => event.id),
    events.map((event) => event.streamVersion),
    events.map((event) => event.type),
    events.map((event) => event.schemaVersion),
    events.map((event) => event.recordedAt),
    events.map((event) => event.prevHash),
    events.map((event) => event.hash),
    chained.map(({ storedData }) => storedData),
  ]);
  return events;
}

/** The first answer to this key, null if there is none; IdempotencyKeyReused if it answered another request. */
async function replayOf(client: Queryable, claim: IdempotencyClaim): Promise<AppendResult | null> {
  const answer = await findIdempotentAnswer(client, claim.keyId, claim.key);
  if (!answer) return null;
  if (answer.fingerprint !== claim.fingerprint) throw new IdempotencyKeyReused(claim.key);
  return { replayed: true, events: answer.events };
}

export async function findIdempotentAnswer(
  client: Queryable,
  keyId: string,
  key: string,
): Promise<IdempotentAnswer | null> {
  const found = await client.query<{ fingerprint: string; event_ids: string[] }>(IDEMPOTENT_ANSWER, [
    keyId,
    key,
  ]);
  if (found.rows.length === 0) return null;
  const { fingerprint, event_ids } = found.rows[0];
  const events = await client.query<EventRow>(EVENTS_BY_ID, [event_ids]);
  return { fingerprint, events: events.rows.map(toEnvelope) };
}

function assertAppendable(request: AppendRequest): void {
  if (request.events.length === 0) {
    throw new Error(`append to ${request.streamId} has no events`);
  }
  if (!Number.isInteger(request.expectedVersion) || request.expectedVersion < 0) {
    throw new Error(`expected version ${request.expectedVersion} is not a version`);
  }
  for (const event of request.events) {
    if (!EVENT_STREAM_TYPES[event.type].includes(request.streamType)) {
      throw new Error(`${event.type} does not belong in a ${request.streamType} stream`);
    }
  }
}

async function advanceStream(
  client: Queryable,
  request: AppendRequest,
): Promise<{ lastRecordedAt: string; prevHash: string | null }> {
  const { streamId, streamType, expectedVersion, events } = request;

  if (expectedVersion === 0) {
    const created = await client.query<{ last_recorded_at: string }>(CREATE_STREAM, [
      streamId,
      streamType,
      events.length,
    ]);
    if (created.rows.length === 0) {
      const current = await client.query<{ version: number }>(CURRENT_VERSION, [streamId]);
      throw new StreamVersionConflict(streamId, 0, current.rows[0]?.version ?? 0);
    }
    return { lastRecordedAt: created.rows[0].last_recorded_at, prevHash: null };
  }

  const locked = await client.query<{ stream_type: StreamType; version: number }>(LOCK_STREAM, [streamId]);
  const stream = locked.rows.at(0);
  if (!stream || stream.version !== expectedVersion) {
    throw new StreamVersionConflict(streamId, expectedVersion, stream?.version ?? 0);
  }
  if (stream.stream_type !== streamType) {
    throw new Error(`stream ${streamId} is a ${stream.stream_type} stream, not ${streamType}`);
  }
  const advanced = await client.query<{ last_recorded_at: string }>(ADVANCE_STREAM, [
    streamId,
    events.length,
  ]);
  const last = await client.query<{ hash: string }>(LAST_HASH, [streamId, expectedVersion]);
  return { lastRecordedAt: advanced.rows[0].last_recorded_at, prevHash: last.rows[0].hash };
}

/** An envelope of an append, and its data as the JSON text to store. */
interface Chained {
  readonly envelope: UnplacedEnvelope;
  /** The text the data was read back from (see asStored), so it is serialised only once. */
  readonly storedData: string;
}

/** The envelopes of one append, each hashed and chained to the one before. */
function hashChain(
  request: AppendRequest,
  ids: readonly string[],
  lastRecordedAt: string,
  prevHash: string | null,
): Chained[] {
  const lastMillis = Date.parse(lastRecordedAt);
  const count = request.events.length;
  const actor: Actor = { keyId: request.actor.keyId, role: request.actor.role };
  const citation = asStored(request.citation ?? null);
  let previous = prevHash;
  return request.events.map((event, index) => {
    const storedData = JSON.stringify(event.data);
    const unhashed: Omit<EventEnvelope, 'hash' | 'position'> = {
      id: ids[index],
      type: event.type,
      schemaVersion: SCHEMA_VERSIONS[event.type],
      streamId: request.streamId,
      streamType: request.streamType,
      streamVersion: request.expectedVersion + index + 1,
      recordedAt: new Date(lastMillis - (count - 1 - index)).toISOString(),
      actor,
      correlationId: request.correlationId,
      causationId: request.causationId,
      citation,
      prevHash: previous,
      data: JSON.parse(storedData) as JournalEvent['data'],
    };
    const hash = computeEventHash(unhashed);
    previous = hash;
    return { envelope: { ...unhashed, hash }, storedData };
  });
}

/**
 * The value as jsonb gives it back (undefined members dropped, as JSON drops them), so the hash
 * computed now is the hash anyone recomputes from what they read. The data of an event takes the
 * same round trip in hashChain, keeping the text for the insert.
 */
function asStored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Puts position where the contract lists it, so envelopes serialise the same everywhere. */
function placeAt(envelope: UnplacedEnvelope, position: number): AnyEventEnvelope {
  const { id, type, schemaVersion, streamId, streamType, streamVersion, ...rest } = envelope;
  return {
    id,
    type,
    schemaVersion,
    streamId,
    streamType,
    streamVersion,
    position,
    ...rest,
  } as AnyEventEnvelope;
}
