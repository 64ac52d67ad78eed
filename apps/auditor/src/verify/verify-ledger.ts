import type { KeyObject } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from '@ledger/database';
import { Journal } from '@ledger/journal';
import type { Kafka } from '@ledger/messaging';
import { checkCheckpoints } from './checkpoint-check';
import { Findings, type VerifyReport } from './findings';
import { checkJournal } from './journal-check';
import { checkJournalAgainstTopic } from './journal-topic-check';
import { checkReadModels } from './read-models-check';
import { checkTopic } from './topic-check';

export interface VerifySettings {
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly topic: string;
  readonly trustedKeys: readonly KeyObject[];
  /** Called as each step begins, for progress output. */
  readonly onStep?: (step: VerifyStep) => void;
}

export const VERIFY_STEPS = ['publications', 'topic', 'journal', 'checkpoints', 'read models'] as const;
export type VerifyStep = (typeof VERIFY_STEPS)[number];

/**
 * The three-way verify: the journal, the topic, and the read models, each checked on its own
 * and against the journal, with every signed checkpoint tying them to what was signed.
 *
 * The ledger may be running meanwhile, so the reads are ordered such that progress never looks
 * like damage: first what the relay recorded as published (it records only what Kafka already
 * acknowledged, so it cannot claim more than the topic read next holds), then the topic, then
 * one snapshot of journal and read models (taken after the topic, so it holds every event the
 * topic does, and read models that cannot be ahead of their journal).
 */
export async function verifyLedger({
  pool,
  kafka,
  topic,
  trustedKeys,
  onStep,
}: VerifySettings): Promise<VerifyReport> {
  const findings = new Findings();
  onStep?.('publications');
  const journalStore = new Journal(pool);
  const journalId = await journalStore.journalId();
  const publications = await journalStore.publicationsOf(topic);
  onStep?.('topic');
  const topicView = await checkTopic(kafka, topic, journalId, findings);
  const publication = publications.find(
    (candidate) =>
      candidate.topicInstance === topicView.genesis?.topicInstanceId &&
      candidate.clusterId === topicView.genesis.clusterId,
  );
  const publishedPosition = publication?.position ?? 0;
  for (const earlier of publications.filter((candidate) => candidate !== publication)) {
    findings.add(
      'notice',
      'journal-topic',
      'earlier-topic-instance',
      {},
      `the relay published up to position ${earlier.position} to topic instance ${earlier.topicInstance} (cluster ${earlier.clusterId}), which this topic is not: none of that counts for this one`,
    );
  }

  return inTransaction(
    pool,
    async (client) => {
      onStep?.('journal');
      const journal = await checkJournal(client, findings);
      if (topicView.carriesThisJournal) {
        checkJournalAgainstTopic(journal, topicView, publishedPosition, findings);
      }
      onStep?.('checkpoints');
      const checkpoints = checkCheckpoints({ journalId, journal, topic: topicView, trustedKeys }, findings);
      onStep?.('read models');
      const readModels = await checkReadModels(client, journal, findings);
      return {
        journal: {
          id: journalId,
          events: journal.events.length,
          streams: journal.heads.size,
          headPosition: journal.events.at(-1)?.position ?? 0,
          checkpoints,
        },
        topic: {
          name: topic,
          instance: topicView.genesis?.topicInstanceId ?? null,
          clusterId: topicView.genesis?.clusterId ?? null,
          partitions: topicView.partitions,
          records: topicView.records,
          events: topicView.events.length,
          publishedPosition,
        },
        readModels,
        findings: findings.list(),
      };
    },
    'REPEATABLE READ',
  );
}
