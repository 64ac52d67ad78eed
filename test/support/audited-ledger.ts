import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import {
  CHECKPOINT_STREAM_ID,
  computeEventHash,
  publicKeyText,
  signCheckpoint,
  toGenesisRecords,
  toKafkaRecord,
  withTopicInstance,
  type RecordedEnvelope,
  type PolicyEvent,
} from '@ledger/contracts';
import { inTransaction } from '@ledger/database';
import { Journal, type TopicInstance } from '@ledger/journal';
import { EventProducer, partitionOf, type OutgoingRecord } from '@ledger/messaging';
import { applyEvents } from '@ledger/read-models';
import type { TestDatabase } from '@ledger/testing';
import { reciprocalOnChina } from '../../libs/contracts/test/catalogue';
import { AppProcess, type CliResult } from './app-process';
import { prepareLedger, type Ledger } from './ledger-harness';

/** One finding of `auditor verify --json`, as scripts read it. */
export interface VerifyFinding {
  severity: 'integrity' | 'unchecked' | 'lag' | 'notice';
  check: string;
  code: string;
  streamId: string | null;
  streamVersion: number | null;
  position: number | null;
  partition: number | null;
  offset: string | null;
  eventId: string | null;
  detail: string;
}

export interface VerifyOutcome extends CliResult {
  /** The parsed --json report; undefined when the auditor printed none (it could not check). */
  readonly report:
    | {
        result: string;
        exitCode: number;
        journal: { events: number; streams: number; headPosition: number; checkpoints: number };
        findings: VerifyFinding[];
        [part: string]: unknown;
      }
    | undefined;
}

/** The reciprocal tariff on China (the catalogue's) as the journal holds it: the first event of a ledger. */
export const IMPOSED: PolicyEvent = { type: 'TariffImposed', data: { ...reciprocalOnChina, validTo: null } };

function rateChange(rate: number): PolicyEvent {
  return { type: 'TariffRateChanged', data: { rate, validFrom: '2025-04-10T04:01:00.000Z' } };
}

/**
 * A ledger built by hand for the auditor's tests: events appended through the journal, a topic
 * instance opened and fed as the relay does it (genesis records first, the instance header on
 * every event, explicit murmur2 partitions, the publication recorded), signed checkpoints, read
 * models projected straight from the journal — and superuser access to damage any of it.
 */
export class AuditedLedger {
  readonly journal: Journal;
  readonly instance: TopicInstance;
  /** The checkpoint key's public half, as CHECKPOINT_PUBLIC_KEY takes it. */
  readonly publicKey: string;
  private readonly signingKey: KeyObject;
  private publishedUpTo = 0;
  private projectedUpTo = 0;

  private constructor(
    private readonly ledger: Ledger,
    readonly partitions: number,
    clusterId: string,
  ) {
    this.journal = new Journal(ledger.db.pool);
    this.instance = { clusterId, topic: ledger.topic, topicInstance: randomUUID() };
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.signingKey = privateKey;
    this.publicKey = publicKeyText(publicKey);
  }

  static async create({ partitions = 3 }: { partitions?: number } = {}): Promise<AuditedLedger> {
    const ledger = await prepareLedger({ partitions });
    const admin = ledger.kafka.admin();
    await admin.connect();
    try {
      const { clusterId } = await admin.describeCluster();
      return new AuditedLedger(ledger, partitions, clusterId);
    } finally {
      await admin.disconnect();
    }
  }

  get db(): TestDatabase {
    return this.ledger.db;
  }

  get topic(): string {
    return this.ledger.topic;
  }

  /** What the apps need for this database and topic. */
  get env(): Record<string, string> {
    return this.ledger.env;
  }

  /** The checkpoint signing key, as the relay's CHECKPOINT_SIGNING_KEY takes it. */
  get signingKeyText(): string {
    return this.signingKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  }

  /** A tariff measure of `length` events (imposed, then rate changes), or more events on an existing one. */
  async appendTariff(streamId: string, length: number): Promise<RecordedEnvelope[]> {
    const current = (await this.journal.readStream(streamId))?.version ?? 0;
    const events = Array.from({ length }, (_, index) =>
      current + index === 0 ? IMPOSED : rateChange(35 + current + index),
    );
    const { events: appended } = await this.journal.append({
      streamId,
      streamType: 'tariff-measure',
      expectedVersion: current,
      events,
      actor: { keyId: 'test-admin', role: 'admin' },
      correlationId: randomUUID(),
      causationId: null,
      citation: { reference: 'Executive Order 14257' },
    });
    return appended;
  }

  /** Signs the journal's head as the relay does and appends the checkpoint; `key` another signer. */
  async appendCheckpoint(key: KeyObject = this.signingKey): Promise<RecordedEnvelope> {
    const statement = await this.journal.checkpointStatementAt(await this.journal.headPosition());
    const current = (await this.journal.readStream(CHECKPOINT_STREAM_ID))?.version ?? 0;
    const { events } = await this.journal.append({
      streamId: CHECKPOINT_STREAM_ID,
      streamType: 'ledger',
      expectedVersion: current,
      events: [{ type: 'LedgerCheckpointSigned', data: signCheckpoint(statement, key) }],
      actor: { keyId: 'relay', role: 'system' },
      correlationId: randomUUID(),
      causationId: null,
      citation: null,
    });
    return events[0];
  }

  /** Every journal event, in position order. */
  async events(): Promise<RecordedEnvelope[]> {
    return this.journal.readCommitted(0, 1_000_000);
  }

  /** The record the relay sends for an event: its partition, the instance header. */
  recordOf(event: RecordedEnvelope, topicInstance = this.instance.topicInstance): OutgoingRecord {
    return {
      ...withTopicInstance(toKafkaRecord(event), topicInstance),
      partition: partitionOf(event.streamId, this.partitions),
    };
  }

  /** Opens the topic instance as the relay does: the publication recorded, a genesis record on every partition. */
  async openTopic({ journalId }: { journalId?: string } = {}): Promise<void> {
    await this.journal.startPublication(this.instance, this.partitions);
    const genesis = {
      topicInstanceId: this.instance.topicInstance,
      clusterId: this.instance.clusterId,
      topic: this.topic,
      partitions: this.partitions,
      journalId: journalId ?? (await this.journal.journalId()),
      createdAt: new Date().toISOString(),
    };
    await this.produce(toGenesisRecords(genesis));
  }

  /**
   * Publishes the journal's events after the last published one up to `upTo` (default: all) in
   * position order, leaving out those `skip` names, and records the publication at `recordAs`
   * (default: the last position covered).
   */
  async publish({
    upTo = Number.MAX_SAFE_INTEGER,
    skip = () => false,
    recordAs,
  }: {
    upTo?: number;
    skip?: (event: RecordedEnvelope) => boolean;
    recordAs?: number;
  } = {}): Promise<void> {
    const events = (await this.events()).filter(
      (event) => event.position > this.publishedUpTo && event.position <= upTo,
    );
    await this.produce(events.filter((event) => !skip(event)).map((event) => this.recordOf(event)));
    this.publishedUpTo = events.at(-1)?.position ?? this.publishedUpTo;
    await this.journal.savePublication(this.instance, recordAs ?? this.publishedUpTo);
  }

  /** Records straight to the topic, in order (in batches the broker accepts). */
  async produce(records: readonly OutgoingRecord[]): Promise<void> {
    const producer = new EventProducer(this.ledger.kafka, this.topic);
    await producer.connect();
    try {
      for (let start = 0; start < records.length; start += 500) {
        await producer.send(records.slice(start, start + 500));
      }
    } finally {
      await producer.disconnect();
    }
  }

  /** Projects the journal's events up to `upTo` (default: all) into the read models. */
  async project({ upTo = Number.MAX_SAFE_INTEGER }: { upTo?: number } = {}): Promise<void> {
    const events = (await this.events()).filter(
      (event) => event.position > this.projectedUpTo && event.position <= upTo,
    );
    await projectInto(this.db, events);
    this.projectedUpTo = events.at(-1)?.position ?? this.projectedUpTo;
  }

  /** Runs SQL as the superuser with the journal's append-only trigger off, as an attacker could. */
  async asSuperuser(statements: readonly { sql: string; params?: unknown[] }[]): Promise<void> {
    await inTransaction(this.db.pool, async (client) => {
      await client.query('ALTER TABLE journal.events DISABLE TRIGGER events_append_only');
      for (const { sql, params } of statements) await client.query(sql, params);
      await client.query('ALTER TABLE journal.events ENABLE TRIGGER events_append_only');
    });
  }

  /**
   * Rewrites one event's data and recomputes the hash chain of its stream from there, so every
   * chain still verifies: only a signed checkpoint can tell.
   */
  async rewriteWithRecomputedChain(
    streamId: string,
    streamVersion: number,
    rewrite: (data: object) => object,
  ): Promise<void> {
    const stream = await this.journal.readStream(streamId);
    if (!stream) throw new Error(`no stream ${streamId}`);
    let prevHash = stream.events[streamVersion - 2]?.hash ?? null;
    const statements = stream.events.slice(streamVersion - 1).map((event, index) => {
      const data = index === 0 ? rewrite(event.data) : event.data;
      const hash = computeEventHash({ ...event, data, prevHash });
      const statement = {
        sql: 'UPDATE journal.events SET data = $2::jsonb, prev_hash = $3, hash = $4 WHERE id = $1',
        params: [event.id, JSON.stringify(data), prevHash, hash],
      };
      prevHash = hash;
      return statement;
    });
    await this.asSuperuser(statements);
  }

  /** `auditor verify --json` with this ledger's public key (unless `args` or `env` say otherwise). */
  async verify({
    args = ['--public-key', this.publicKey],
    env = {},
  }: { args?: readonly string[]; env?: Record<string, string> } = {}): Promise<VerifyOutcome> {
    const result = await this.runAuditor(['verify', '--json', ...args], env);
    const json = result.stdout.trim();
    return { ...result, report: json.startsWith('{') ? JSON.parse(json) : undefined };
  }

  /** Any auditor command against this ledger's database and topic. */
  async runAuditor(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
    const auditor = AppProcess.start(
      'auditor',
      { DATABASE_URL: this.db.url, KAFKA_TOPIC: this.topic, LOG_LEVEL: 'warn', ...env },
      0,
      args,
    );
    const { code } = await auditor.exited;
    return { code, stdout: auditor.output('stdout'), stderr: auditor.output('stderr') };
  }

  close(): Promise<void> {
    return this.ledger.close();
  }
}

/** Applies events to a database's read models as the projector would, in one transaction. */
export async function projectInto(db: TestDatabase, events: readonly RecordedEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  await inTransaction(db.pool, (client) => applyEvents(client, events));
}
