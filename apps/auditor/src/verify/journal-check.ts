import type { PoolClient } from 'pg';
import { verifyStreamChain, type RecordedEnvelope } from '@ledger/contracts';
import { readEventsInStreamOrder, type StreamCursor } from '@ledger/journal';
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

const PAGE_SIZE = 2000;

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

  const checkStream = (stream: readonly RecordedEnvelope[]): void => {
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

  // Stream by stream, a page at a time, so only one stream's envelopes are held at once.
  let stream: RecordedEnvelope[] = [];
  for (let after: StreamCursor | null = null; ;) {
    const page = await readEventsInStreamOrder(client, after, PAGE_SIZE);
    for (const event of page) {
      if (stream.length > 0 && stream[0].streamId !== event.streamId) {
        checkStream(stream);
        stream = [];
      }
      stream.push(event);
    }
    if (page.length < PAGE_SIZE) break;
    after = page[page.length - 1];
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
