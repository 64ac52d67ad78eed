import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { loadConfig } from '@ledger/config';
import { randomUUID } from 'node:crypto';
import {
  fromKafkaRecord,
  toGenesisRecords,
  toKafkaRecord,
  withTopicInstance,
  type AnyEventEnvelope,
} from '@ledger/contracts';
import { EventProducer, createKafka, ensureEventTopic, type Kafka } from '@ledger/messaging';
import { measureAppendThroughput } from './append-throughput';
import { measureBatchImport } from './batch-import';
import { createMigratedDatabase, databaseUrlFor, dropDatabase } from './databases';
import {
  measureConsumeOnly,
  measureCopy,
  measureNaiveBaseline,
  measureProjector,
  type TopicUnderTest,
} from './measurements';
import { generatePolicyLedger } from './policy-ledger';
import { seededRandom } from './random';
import { formatAppendReport, formatBatchImportReport, formatReport } from './report';
import { measureRelayLatency } from './relay-latency';
import { measureTariffLatency, tariffQueries } from './tariff-latency';

/**
 * `npm run bench -- [--events N] [--baseline-events M] [--queries Q] [--seed S] [--appends A]
 * [--appends-only]`: puts N events on a fresh topic and measures, in one run, the projector's
 * rebuild against a naive baseline and against what Kafka and Postgres can do at best, then the
 * tariff query's latency, the relay's latency and the journal's append throughput with 1, 4 and
 * 32 concurrent writers against Postgres's own commit rate (A events per run), and a batch import
 * of B events through POST /v1/batches against COPY of the same rows. `--appends-only` measures
 * the appends and the batch import alone.
 */

const USAGE =
  'usage: npm run bench -- [--events N] [--baseline-events M] [--queries Q] [--seed S] [--appends A] [--batch-events B] [--appends-only]';
const PARTITIONS = 6;
/** Records per producer request: a few hundred KB per partition, under the broker's 1 MB batch limit. */
const PRODUCE_BATCH = 1_000;
/** As the apps' pool (libs/database). */
const POOL_SIZE = 20;
/** Events whose records are parsed and verified before anything is produced, to fail fast. */
const CONTRACT_SAMPLE = 3_000;
/** Single writes timed from commit to arrival on the topic. */
const RELAY_SAMPLES = 100;

const COUNT_EVENTS = 'SELECT count(*)::int AS count FROM read_models.events';
const COUNT_DEAD_LETTERS = 'SELECT count(*)::int AS count FROM projector.dead_letters';

interface Options {
  readonly events: number;
  readonly baselineEvents: number;
  readonly queries: number;
  readonly seed: number;
  readonly appends: number;
  readonly batchEvents: number;
  readonly appendsOnly: boolean;
}

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer\n${USAGE}`);
  return value;
}

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      events: { type: 'string' },
      'baseline-events': { type: 'string' },
      queries: { type: 'string' },
      seed: { type: 'string' },
      appends: { type: 'string' },
      'batch-events': { type: 'string' },
      'appends-only': { type: 'boolean' },
    },
    strict: true,
  });
  const events = positiveInteger('events', values.events, 200_000);
  return {
    events,
    baselineEvents: Math.min(events, positiveInteger('baseline-events', values['baseline-events'], 20_000)),
    queries: positiveInteger('queries', values.queries, 500),
    seed: positiveInteger('seed', values.seed, 20250402),
    appends: positiveInteger('appends', values.appends, 1_200),
    batchEvents: positiveInteger('batch-events', values['batch-events'], 20_000),
    appendsOnly: values['appends-only'] ?? false,
  };
}

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

/** What the run created, undone in reverse order at the end, after a failure and on Ctrl-C. */
class Cleanup {
  private readonly steps: { what: string; undo: () => Promise<unknown> }[] = [];

  add(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }

  async run(): Promise<void> {
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      try {
        await step.undo();
      } catch (error) {
        log(`could not ${step.what}: ${String(error)}`);
      }
    }
  }
}

async function timed<T>(what: string, work: () => Promise<T> | T): Promise<T> {
  const startedAt = performance.now();
  const result = await work();
  log(`${what} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  return result;
}

function checkContracts(events: readonly AnyEventEnvelope[]): void {
  const every = Math.max(1, Math.floor(events.length / CONTRACT_SAMPLE));
  for (let index = 0; index < events.length; index += every) {
    fromKafkaRecord(toKafkaRecord(events[index]));
  }
}

/**
 * Writes the topic as the relay would: a genesis record opening every partition, then every
 * event stamped with the topic instance. Returns how many records that is.
 */
async function produce(kafka: Kafka, topic: string, events: readonly AnyEventEnvelope[]): Promise<number> {
  const topicInstanceId = randomUUID();
  const createdAt = new Date().toISOString();
  const genesis = toGenesisRecords({
    topicInstanceId,
    clusterId: 'benchmark',
    topic,
    partitions: PARTITIONS,
    journalId: randomUUID(),
    createdAt,
  });
  const producer = new EventProducer(kafka, topic);
  await producer.connect();
  try {
    await producer.send(genesis);
    for (let from = 0; from < events.length; from += PRODUCE_BATCH) {
      await producer.send(
        events
          .slice(from, from + PRODUCE_BATCH)
          .map((event) => withTopicInstance(toKafkaRecord(event), topicInstanceId)),
      );
    }
  } finally {
    await producer.disconnect();
  }
  return genesis.length + events.length;
}

async function count(pool: Pool, sql: string): Promise<number> {
  const { rows } = await pool.query<{ count: number }>(sql);
  return rows[0].count;
}

async function openDatabase(cleanup: Cleanup, serverUrl: string, name: string): Promise<Pool> {
  cleanup.add(`drop database ${name}`, () => dropDatabase(serverUrl, name));
  const url = await createMigratedDatabase(serverUrl, name);
  const pool = new Pool({ connectionString: url, max: POOL_SIZE, application_name: 'ledger-bench' });
  cleanup.add(`close the pool of ${name}`, () => pool.end());
  return pool;
}

/**
 * The journal's append throughput with concurrent writers, then the batch import against COPY,
 * each in databases of their own.
 */
async function appendThroughput(options: Options, cleanup: Cleanup, runId: string): Promise<string> {
  const { databaseUrl } = loadConfig();
  const name = `ledger_bench_${runId}_appends`;
  await openDatabase(cleanup, databaseUrl, name);
  log(`append throughput: ${options.appends} events per run ...`);
  const appends = formatAppendReport(
    await measureAppendThroughput(databaseUrlFor(databaseUrl, name), options.appends, runId, log),
  );

  const batchesName = `ledger_bench_${runId}_batches`;
  const batchesDb = await openDatabase(cleanup, databaseUrl, batchesName);
  const copyDb = await openDatabase(cleanup, databaseUrl, `ledger_bench_${runId}_batches_copy`);
  log(`batch import: ${options.batchEvents} events through POST /v1/batches, then COPY of the same rows ...`);
  const batchImport = await measureBatchImport(
    { url: databaseUrlFor(databaseUrl, batchesName), pool: batchesDb },
    copyDb,
    options.batchEvents,
    runId,
  );
  return `${appends}\n\n${formatBatchImportReport(batchImport)}`;
}

async function bench(options: Options, cleanup: Cleanup): Promise<string> {
  const config = loadConfig();
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  if (options.appendsOnly) return appendThroughput(options, cleanup, runId);
  const random = seededRandom(options.seed);

  const ledger = await timed(`generated ${options.events} hash-chained events`, () =>
    generatePolicyLedger(options.events, random),
  );
  await timed('checked a sample against the contract', () => checkContracts(ledger.events));

  const kafka = createKafka({ ...config.kafka, clientId: 'ledger-bench' });
  const admin = kafka.admin();
  await admin.connect();
  cleanup.add('disconnect the Kafka admin', () => admin.disconnect());
  const topic = `bench.events.${runId}`;
  await ensureEventTopic(admin, { topic, partitions: PARTITIONS });
  cleanup.add(`delete topic ${topic}`, () => admin.deleteTopics({ topics: [topic] }));
  const records = await timed(
    `produced ${options.events} events (and a genesis record per partition) to ${topic} (${config.kafka.brokers.join(',')})`,
    () => produce(kafka, topic, ledger.events),
  );
  const source: TopicUnderTest = { kafka, topic, partitions: PARTITIONS };

  const database = (role: string) =>
    openDatabase(cleanup, config.databaseUrl, `ledger_bench_${runId}_${role}`);
  const projectorDb = await database('projector');
  const baselineDb = await database('baseline');
  const copyDb = await database('copy');

  log('(a) projector rebuild from offset 0 ...');
  const projector = await measureProjector(source, projectorDb, `bench-projector-${runId}`, records);
  const [projected, deadLetters] = [
    await count(projectorDb, COUNT_EVENTS),
    await count(projectorDb, COUNT_DEAD_LETTERS),
  ];
  if (projected !== options.events || deadLetters > 0) {
    throw new Error(`(a) projected ${projected} of ${options.events} events, ${deadLetters} dead letters`);
  }

  log(`(b) naive baseline on ${options.baselineEvents} events ...`);
  const baseline = await measureNaiveBaseline(
    source,
    baselineDb,
    `bench-baseline-${runId}`,
    options.baselineEvents,
  );
  const baselineApplied = await count(baselineDb, COUNT_EVENTS);
  if (baselineApplied !== options.baselineEvents) {
    throw new Error(`(b) applied ${baselineApplied} of ${options.baselineEvents} events`);
  }

  log('(c1) Kafka consume only ...');
  const consumeOnly = await measureConsumeOnly(source, `bench-consume-${runId}`, records);
  log('(c2) Postgres COPY ...');
  const copy = await measureCopy(copyDb, ledger.events);
  const copied = await count(copyDb, COUNT_EVENTS);
  if (copied !== options.events) throw new Error(`(c2) copied ${copied} of ${options.events} rows`);

  log(`tariffsEffective latency over ${options.queries} queries ...`);
  const latency = await measureTariffLatency(
    projectorDb,
    tariffQueries(ledger.events, options.queries, random),
  );

  log('relay latency: commit → record on the topic, one event at a time ...');
  const relayTopic = `bench.relay.${runId}`;
  await ensureEventTopic(admin, { topic: relayTopic, partitions: PARTITIONS });
  cleanup.add(`delete topic ${relayTopic}`, () => admin.deleteTopics({ topics: [relayTopic] }));
  const relayDbName = `ledger_bench_${runId}_relay`;
  const relayDb = await database('relay');
  const relay = await measureRelayLatency(
    kafka,
    relayDb,
    {
      databaseUrl: databaseUrlFor(config.databaseUrl, relayDbName),
      topic: relayTopic,
      partitions: PARTITIONS,
      groupId: `bench-relay-${runId}`,
    },
    RELAY_SAMPLES,
  );

  const appends = await appendThroughput(options, cleanup, runId);

  const report = formatReport({
    total: options.events,
    streams: ledger.streams,
    partitions: PARTITIONS,
    projector,
    baseline,
    consumeOnly,
    copy,
    latency,
    relay,
  });
  return `${report}\n\n${appends}`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cleanup = new Cleanup();
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    process.stdout.write(`${await bench(options, cleanup)}\n`);
  } finally {
    await cleanup.run();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
