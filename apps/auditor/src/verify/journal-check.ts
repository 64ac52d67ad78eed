import type { PoolClient } from 'pg';
import { verifyStreamChain, type AnyEventEnvelope } from '@ledger/contracts';
import type { Findings } from './findings';
import { checkpointOf, markOf, type CheckpointMark, type EventMark } from './marks';

/** What verify keeps of the journal after checking it. */
export interface JournalView {
  /** Every event, in position order. */
  readonly events: readonly EventMark[];
  /** Each stream's last version, as its events say (not as journal.streams says). */
  readonly heads: ReadonlyMap<string, number>;
  readonly checkpoints: readonly CheckpointMark[];
}

const STREAM_ROWS = `SELECT stream_id, version FROM journal.streams`;

/**
 * The journal stream by stream, a page at a time (keyset on the (stream_id, stream_version)
 * index), so only one stream's envelopes are held at once. recordedAt is formatted in SQL as the
 * journal formats it, so the recomputed hash covers the very text that was hashed.
 */
const EVENTS_IN_STREAM_ORDER = `
  SELECT position::text AS position, id::text AS id, stream_id, stream_type, stream_version, type,
         schema_version,
         to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
         actor, correlation_id, causation_id, citation, prev_hash, hash, data
  FROM journal.events
  WHERE (stream_id, stream_version) > ($1, $2)
  ORDER BY stream_id, stream_version
  LIMIT $3`;

const PAGE_SIZE = 2000;

interface EventRow {
  readonly position: string;
  readonly id: string;
  readonly stream_id: string;
  readonly stream_type: AnyEventEnvelope['streamType'];
  readonly stream_version: number;
  readonly type: AnyEventEnvelope['type'];
  readonly schema_version: number;
  readonly recorded_at: string;
  readonly actor: AnyEventEnvelope['actor'];
  readonly correlation_id: string;
  readonly causation_id: string | null;
  readonly citation: AnyEventEnvelope['citation'];
  readonly prev_hash: string | null;
  readonly hash: string;
  readonly data: AnyEventEnvelope['data'];
}

function toEnvelope(row: EventRow): AnyEventEnvelope {
  return {
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    position: Number(row.position),
    recordedAt: row.recorded_at,
    actor: row.actor,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    citation: row.citation,
    prevHash: row.prev_hash,
    hash: row.hash,
    data: row.data,
  } as AnyEventEnvelope;
}

/**
 * Checks the journal on its own, inside the caller's snapshot: every stream's hash chain
 * (gapless versions from 1, links, recomputed hashes), positions increasing with versions, and
 * journal.streams agreeing with the events. Signed checkpoints are checked by checkpoint-check.
 */
export async function checkJournal(client: PoolClient, findings: Findings): Promise<JournalView> {
  const streamRows = new Map(
    (await client.query<{ stream_id: string; version: number }>(STREAM_ROWS)).rows.map((row) => [
      row.stream_id,
      row.version,
    ]),
  );
  const events: EventMark[] = [];
  const heads = new Map<string, number>();
  const checkpoints: CheckpointMark[] = [];

  const checkStream = (stream: readonly AnyEventEnvelope[]): void => {
    const { streamId } = stream[0];
    const last = stream[stream.length - 1];
    const chain = verifyStreamChain(stream);
    if (!chain.ok) {
      const broken = stream.find((event) => event.streamVersion === chain.streamVersion);
      findings.integrity(
        'journal',
        'chain-broken',
        { streamId, streamVersion: chain.streamVersion, position: broken?.position, eventId: broken?.id },
        chain.reason,
      );
    }
    for (let index = 1; index < stream.length; index++) {
      const [before, event] = [stream[index - 1], stream[index]];
      if (event.position <= before.position) {
        findings.integrity(
          'journal',
          'position-order',
          { streamId, streamVersion: event.streamVersion, position: event.position, eventId: event.id },
          `position ${event.position} is not after v${before.streamVersion}'s position ${before.position}`,
        );
      }
    }
    const recorded = streamRows.get(streamId);
    if (recorded === undefined) {
      findings.integrity(
        'journal',
        'stream-row-missing',
        { streamId },
        `journal.streams has no row for a stream of ${stream.length} events`,
      );
    } else if (recorded !== last.streamVersion) {
      findings.integrity(
        'journal',
        'stream-row-version',
        { streamId },
        `journal.streams says version ${recorded}, the stream's last event is v${last.streamVersion}`,
      );
    }
    streamRows.delete(streamId);
    heads.set(streamId, last.streamVersion);
    for (const event of stream) {
      events.push(markOf(event));
      const checkpoint = checkpointOf(event);
      if (checkpoint) checkpoints.push(checkpoint);
    }
  };

  let stream: AnyEventEnvelope[] = [];
  let after: [string, number] = ['', 0];
  for (;;) {
    const { rows } = await client.query<EventRow>(EVENTS_IN_STREAM_ORDER, [...after, PAGE_SIZE]);
    for (const row of rows) {
      if (stream.length > 0 && stream[0].streamId !== row.stream_id) {
        checkStream(stream);
        stream = [];
      }
      stream.push(toEnvelope(row));
    }
    if (rows.length < PAGE_SIZE) break;
    const last = rows[rows.length - 1];
    after = [last.stream_id, last.stream_version];
  }
  if (stream.length > 0) checkStream(stream);

  for (const [streamId, version] of streamRows) {
    findings.integrity(
      'journal',
      'stream-row-without-events',
      { streamId },
      `journal.streams says version ${version}, but the journal holds no event of this stream`,
    );
  }
  events.sort((a, b) => a.position - b.position);
  return { events, heads, checkpoints };
}
