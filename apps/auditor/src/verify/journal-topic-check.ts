import { partitionOf } from '@ledger/messaging';
import type { Findings } from './findings';
import type { JournalView } from './journal-check';
import { versionKey, type EventMark } from './marks';
import type { TopicView } from './topic-check';

/** Journal events a partition does not hold yet, told as one finding per partition. */
interface Backlog {
  count: number;
  first: EventMark;
  last: EventMark;
}

/**
 * Every journal event on the topic once, with the same id, hash and position (stream order and
 * "once" are the topic check's chains and duplicates), and nothing on the topic the journal does
 * not know. A journal event the topic lacks is lost when the relay recorded a publication past
 * it, or when its partition already holds a later event (a hole); otherwise it is merely not
 * published yet.
 */
export function checkJournalAgainstTopic(
  journal: JournalView,
  topic: TopicView,
  publishedPosition: number,
  findings: Findings,
): void {
  // The relay records the position of an event it read from the journal: a journal that ends
  // before it lost its tail, whatever the topic holds.
  const head = journal.events.at(-1)?.position ?? 0;
  if (publishedPosition > head) {
    findings.integrity(
      'journal-topic',
      'journal-behind-publication',
      { position: publishedPosition },
      `the relay recorded this topic instance as published up to position ${publishedPosition}, but the journal ends at ${head}`,
    );
  }
  const journalEvents = new Map(
    journal.events.map((event) => [versionKey(event.streamId, event.streamVersion), event]),
  );
  const onTopic = new Set<string>();
  for (const record of topic.events) {
    const key = versionKey(record.streamId, record.streamVersion);
    const place = {
      streamId: record.streamId,
      streamVersion: record.streamVersion,
      position: record.position,
      partition: record.partition,
      offset: record.offset,
      eventId: record.id,
    };
    const known = journalEvents.get(key);
    if (known === undefined) {
      findings.integrity(
        'journal-topic',
        'unknown-to-journal',
        place,
        'the journal holds no such stream version',
      );
      continue;
    }
    onTopic.add(key);
    const differs = [
      known.id !== record.id && `id ${record.id} (journal: ${known.id})`,
      known.hash !== record.hash && `hash ${record.hash} (journal: ${known.hash})`,
      known.position !== record.position && `position ${record.position} (journal: ${known.position})`,
    ].filter((part): part is string => typeof part === 'string');
    if (differs.length > 0) {
      findings.integrity(
        'journal-topic',
        'differs-from-journal',
        place,
        `the topic has ${differs.join(', ')}`,
      );
    }
  }

  const backlogs = new Map<number, Backlog>();
  for (const event of journal.events) {
    if (onTopic.has(versionKey(event.streamId, event.streamVersion))) continue;
    const partition = partitionOf(event.streamId, topic.partitions);
    const later = topic.lastPositionOf.get(partition) ?? 0;
    const place = {
      streamId: event.streamId,
      streamVersion: event.streamVersion,
      position: event.position,
      partition,
      eventId: event.id,
    };
    if (event.position <= publishedPosition) {
      findings.integrity(
        'journal-topic',
        'missing-from-topic',
        place,
        `not on the topic, though the relay recorded this topic instance as published up to position ${publishedPosition}`,
      );
    } else if (event.position < later) {
      findings.integrity(
        'journal-topic',
        'missing-from-topic',
        place,
        `not on the topic, though its partition already holds position ${later}`,
      );
    } else {
      const backlog = backlogs.get(partition);
      if (backlog === undefined) backlogs.set(partition, { count: 1, first: event, last: event });
      else {
        backlog.count++;
        backlog.last = event;
      }
    }
  }
  for (const [partition, { count, first, last }] of [...backlogs].sort(([a], [b]) => a - b)) {
    findings.add(
      'lag',
      'journal-topic',
      'not-yet-published',
      { partition },
      `${count} journal events not published yet (positions ${first.position} to ${last.position}, first ${first.streamId} v${first.streamVersion})`,
    );
  }
}
