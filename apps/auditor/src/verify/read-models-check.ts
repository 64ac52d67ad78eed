import type { PoolClient } from 'pg';
import { listDeadLetters } from '@ledger/projection';
import type { Findings } from './findings';
import type { JournalView } from './journal-check';

const APPLIED_VERSIONS = `SELECT stream_id, version FROM read_models.stream_versions`;

/**
 * Read-model events that are not the journal's event of the same stream version: unknown to
 * the journal, or with another id, hash or position. Joined in SQL so no row travels unless it
 * differs.
 */
const EVENTS_UNLIKE_THE_JOURNAL = `
  SELECT r.stream_id, r.stream_version, r.position::text AS position, r.event_id::text AS event_id,
         r.envelope->>'hash' AS hash,
         j.position::text AS journal_position, j.id::text AS journal_id, j.hash AS journal_hash
  FROM read_models.events AS r
  LEFT JOIN journal.events AS j ON j.stream_id = r.stream_id AND j.stream_version = r.stream_version
  WHERE j.id IS DISTINCT FROM r.event_id
     OR j.position IS DISTINCT FROM r.position
     OR j.hash IS DISTINCT FROM r.envelope->>'hash'
  ORDER BY r.position`;

interface UnlikeRow {
  readonly stream_id: string;
  readonly stream_version: number;
  readonly position: string;
  readonly event_id: string;
  readonly hash: string | null;
  readonly journal_position: string | null;
  readonly journal_id: string | null;
  readonly journal_hash: string | null;
}

export interface ReadModelsView {
  readonly streams: number;
  readonly unresolvedDeadLetters: number;
}

/**
 * Read models against the journal, inside the caller's snapshot (the same one the journal was
 * read in, so a projector working meanwhile cannot look like damage): applied stream versions
 * equal the journal's heads, or the streams behind are lag; a read model ahead of the journal,
 * a stream the journal lacks or an event unlike the journal's is an integrity failure.
 * Unresolved dead letters are listed: what they keep from the read models shows up above.
 */
export async function checkReadModels(
  client: PoolClient,
  journal: JournalView,
  findings: Findings,
): Promise<ReadModelsView> {
  const applied = new Map(
    (await client.query<{ stream_id: string; version: number }>(APPLIED_VERSIONS)).rows.map((row) => [
      row.stream_id,
      row.version,
    ]),
  );
  for (const [streamId, head] of journal.heads) {
    const version = applied.get(streamId) ?? 0;
    if (version < head) {
      findings.add(
        'lag',
        'read-models',
        'read-models-behind',
        { streamId, streamVersion: version },
        `the read models have applied v${version}, the journal is at v${head}`,
      );
    } else if (version > head) {
      findings.integrity(
        'read-models',
        'read-models-ahead',
        { streamId, streamVersion: version },
        `the read models have applied v${version}, the journal holds only v${head}`,
      );
    }
  }
  for (const [streamId, version] of applied) {
    if (!journal.heads.has(streamId)) {
      findings.integrity(
        'read-models',
        'read-models-unknown-stream',
        { streamId, streamVersion: version },
        `the read models have applied v${version} of a stream the journal does not hold`,
      );
    }
  }

  const { rows } = await client.query<UnlikeRow>(EVENTS_UNLIKE_THE_JOURNAL);
  for (const row of rows) {
    const place = {
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      position: Number(row.position),
      eventId: row.event_id,
    };
    const differs =
      row.journal_id === null
        ? ['the journal holds no such stream version']
        : [
            row.journal_id !== row.event_id && `id (journal: ${row.journal_id})`,
            row.journal_hash !== row.hash && `hash ${row.hash} (journal: ${row.journal_hash})`,
            row.journal_position !== row.position && `position (journal: ${row.journal_position})`,
          ].filter((part): part is string => typeof part === 'string');
    findings.integrity(
      'read-models',
      'read-model-event-differs',
      place,
      `read_models.events: ${differs.join(', ')}`,
    );
  }

  const letters = await listDeadLetters(client, { includeResolved: false });
  for (const letter of letters) {
    findings.add(
      'notice',
      'read-models',
      'dead-letter',
      {
        streamId: letter.streamId ?? undefined,
        streamVersion: letter.streamVersion ?? undefined,
        partition: letter.partition,
        offset: letter.offset,
      },
      `unresolved dead letter #${letter.id} (${letter.kind}) on ${letter.topic}: ${letter.reason}`,
    );
  }
  return { streams: applied.size, unresolvedDeadLetters: letters.length };
}
