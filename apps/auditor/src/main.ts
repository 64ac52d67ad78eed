import type { KeyObject } from 'node:crypto';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, Option } from 'commander';
import { Pool } from 'pg';
import { ConfigError, loadConfig, type LedgerConfig } from '@ledger/config';
import { ContractViolation, parseCheckpointPublicKey } from '@ledger/contracts';
import { createKafka } from '@ledger/messaging';
import { listDeadLetters, redriveDeadLetters } from '@ledger/projection';
import { readModelChecksums } from '@ledger/read-models';
import { differences } from './diff';
import { rebuildReadModels, type RebuildReport } from './rebuild';
import {
  InPlaceRebuildRefused,
  NEXT_SCHEMA,
  PREVIOUS_SCHEMA,
  dropPreviousReadModels,
  rebuildInPlace,
  type InPlaceReport,
} from './rebuild-in-place';
import { EXIT_CODES, humanReport, jsonReport, verdictOf } from './verify/findings';
import { VERIFY_STEPS, verifyLedger } from './verify/verify-ledger';

const EPILOGUE = `
Exit codes: 0 all agree; 1 an integrity failure (verify), or the tables differ (diff);
2 only lag (verify: something is not published or projected yet); 3 could not check (bad
usage, bad configuration, a dependency unreachable, or checkpoints without a trusted key).

Settings come from the environment: DATABASE_URL (the journal and the live read models, read
only: the ledger_auditor role; the commands that write take --database-url or --into),
KAFKA_BROKERS, KAFKA_TOPIC, KAFKA_CLIENT_ID, KAFKA_SASL_*, CHECKPOINT_PUBLIC_KEY (the key
checkpoints are signed with: base64 SPKI DER or PEM; --public-key adds more, e.g. a previous
key). Progress goes to stderr when it is a terminal; --json prints one JSON document on stdout.`;

/** A wrong invocation: the message and the usage are printed and the exit code is 3. */
class UsageError extends Error {}

/** Exit code when the auditor could not check: bad usage, bad configuration, a dependency down. */
const COULD_NOT_CHECK = 3;

/** What a command leaves for the process to exit with. */
let exitCode = 0;

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

async function withPool<T>(url: string, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = new Pool({ connectionString: url, max: 4, application_name: 'ledger-auditor' });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/** A progress bar on stderr, only for a person watching a terminal and not for --json. */
function progressBar(json: boolean | undefined, format: string): SingleBar | undefined {
  if (json || !process.stderr.isTTY) return undefined;
  return new SingleBar({ format, stream: process.stderr, hideCursor: true, etaBuffer: 50 });
}

/** The keys whose checkpoint signatures verify trusts: the configured one and any given on the command line. */
function trustedCheckpointKeys(config: LedgerConfig, given: readonly string[]): KeyObject[] {
  const configured = config.checkpoints.publicKey;
  return [
    ...(configured === undefined ? [] : [configured]),
    ...given.map((text) => {
      try {
        return parseCheckpointPublicKey(text);
      } catch (error) {
        if (error instanceof ContractViolation) throw new UsageError(`--public-key: ${error.reason}`);
        throw error;
      }
    }),
  ];
}

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const LAST_POSITION_BY = `
  SELECT coalesce(max(position), 0)::text AS position FROM journal.events WHERE recorded_at <= $1`;

/**
 * `--until`: a journal position, or an instant, which stands for the last position recorded at
 * or before it (positions follow the order of appends; the instant is the journal's recordedAt).
 */
async function untilPosition(config: LedgerConfig, until: string): Promise<number> {
  if (/^\d{1,15}$/.test(until)) return Number(until);
  if (!INSTANT.test(until) || Number.isNaN(Date.parse(until))) {
    throw new UsageError(`--until takes a journal position or an ISO 8601 instant, not ${until}`);
  }
  return withPool(config.databaseUrl, async (pool) => {
    const { rows } = await pool.query<{ position: string }>(LAST_POSITION_BY, [new Date(until)]);
    return Number(rows[0].position);
  });
}

async function rebuildInto(
  config: LedgerConfig,
  target: string,
  options: { reset?: boolean; json?: boolean; untilPosition?: number },
): Promise<RebuildReport> {
  const kafka = createKafka(config.kafka);
  const bar = progressBar(options.json, 'projected |{bar}| {value}/{total} records  {eta_formatted} left');
  try {
    return await withPool(target, (pool) =>
      rebuildReadModels(kafka, config.kafka.topic, pool, {
        reset: options.reset ?? false,
        untilPosition: options.untilPosition,
        onProgress: (done, total) => {
          if (bar && !bar.isActive) bar.start(total, 0);
          bar?.update(done);
        },
      }),
    );
  } finally {
    bar?.stop();
  }
}

interface RebuildCommandOptions {
  readonly databaseUrl: string;
  readonly reset?: boolean;
  readonly inPlace?: boolean;
  readonly verifyBeforeSwitch?: boolean;
  /** Commander's --no-switch: true unless given. */
  readonly switch: boolean;
  readonly dropOld?: boolean;
  readonly json?: boolean;
}

async function rebuildInPlaceCommand(options: RebuildCommandOptions): Promise<void> {
  if (options.reset)
    throw new UsageError('--in-place always builds into empty side schemas; --reset does not apply');
  if (options.dropOld && !options.switch)
    throw new UsageError('--drop-old needs the switch; leave out --no-switch');
  const config = loadConfig();
  const bar = progressBar(options.json, 'projected |{bar}| {value}/{total} records  {eta_formatted} left');
  let report: InPlaceReport;
  try {
    report = await rebuildInPlace(createKafka(config.kafka), config.kafka.topic, options.databaseUrl, {
      liveGroupId: config.projector.groupId,
      verify: options.verifyBeforeSwitch ?? false,
      switch: options.switch,
      dropOld: options.dropOld ?? false,
      maxRecordBytes: config.projector.maxRecordBytes,
      onProgress: (done, total) => {
        if (bar && !bar.isActive) bar.start(total, 0);
        bar?.update(done);
      },
    });
  } catch (error) {
    if (error instanceof InPlaceRebuildRefused) throw new UsageError(error.message);
    throw error;
  } finally {
    bar?.stop();
  }
  // A difference found before the switch is a finding, as with diff: exit 1, nothing switched.
  exitCode = report.differences.length === 0 ? 0 : 1;
  if (options.json) {
    printJson(report);
    return;
  }
  print(
    `rebuilt in ${NEXT_SCHEMA} from ${report.records} records: ${report.applied} applied, ${report.duplicates} duplicates skipped, ${report.deadLettered} dead-lettered`,
  );
  for (const { table, live: a, other: b } of report.differences) {
    print(
      `differs: ${table} (live ${a?.rows ?? '-'} rows ${a?.checksum ?? '-'}, rebuilt ${b?.rows ?? '-'} rows ${b?.checksum ?? '-'})`,
    );
  }
  if (report.verified && report.differences.length === 0) print('verified: every table equals the live one');
  if (report.differences.length > 0)
    print(`not switched: ${report.differences.length} table(s) differ; the rebuild stays in ${NEXT_SCHEMA}`);
  else if (report.switched) {
    print(
      `switched: the rebuilt read models are live (projector paused ${report.projectionPausedMs} ms); the old ones are ${report.droppedOld ? 'dropped' : `in ${PREVIOUS_SCHEMA}`}`,
    );
  } else print(`not switched (--no-switch): the rebuild stays in ${NEXT_SCHEMA}`);
}

function program(): Command {
  const cli = new Command('auditor')
    .description('Checks the trade-policy ledger: journal, topic, read models and signed checkpoints.')
    .usage('<command> [options]')
    .addHelpText('after', EPILOGUE)
    .showHelpAfterError()
    .exitOverride();

  cli
    .command('verify')
    .description(
      'check the journal, the topic and the read models, each on its own and against the journal, and every signed checkpoint',
    )
    .option('--json', 'one JSON report on stdout')
    .option('--public-key <key...>', 'trust checkpoints signed with this key too (base64 SPKI DER or PEM)')
    .action(async (options: { json?: boolean; publicKey?: string[] }) => {
      const config = loadConfig();
      const trustedKeys = trustedCheckpointKeys(config, options.publicKey ?? []);
      const bar = progressBar(options.json, 'verify |{bar}| {step}');
      bar?.start(VERIFY_STEPS.length, 0, { step: '' });
      const report = await withPool(config.databaseUrl, (pool) =>
        verifyLedger({
          pool,
          kafka: createKafka(config.kafka),
          topic: config.kafka.topic,
          trustedKeys,
          onStep: (step) => bar?.update(VERIFY_STEPS.indexOf(step), { step }),
        }),
      ).finally(() => bar?.stop());
      if (options.json) print(jsonReport(report));
      else for (const line of humanReport(report)) print(line);
      exitCode = EXIT_CODES[verdictOf(report.findings)];
    });

  cli
    .command('checksum')
    .description('a digest per read-model table')
    .option('--json', 'JSON on stdout')
    .action(async (options: { json?: boolean }) => {
      const checksums = await withPool(loadConfig().databaseUrl, readModelChecksums);
      if (options.json) printJson(checksums);
      else for (const entry of checksums) print(`${entry.checksum}  ${entry.rows}  ${entry.table}`);
    });

  cli
    .command('diff')
    .description("compare the read models with another database's (e.g. a rebuild or a replay)")
    .requiredOption('--against <database-url>', 'the other database')
    .option('--json', 'JSON on stdout')
    .action(async (options: { against: string; json?: boolean }) => {
      const config = loadConfig();
      const live = await withPool(config.databaseUrl, readModelChecksums);
      const other = await withPool(options.against, readModelChecksums);
      const found = differences(live, other);
      exitCode = found.length === 0 ? 0 : 1;
      if (options.json) {
        printJson({ identical: found.length === 0, tables: live.length, differences: found });
        return;
      }
      for (const { table, live: a, other: b } of found) {
        print(
          `differs: ${table} (live ${a?.rows ?? '-'} rows ${a?.checksum ?? '-'}, other ${b?.rows ?? '-'} rows ${b?.checksum ?? '-'})`,
        );
      }
      print(found.length === 0 ? `identical: ${live.length} table(s)` : `${found.length} table(s) differ`);
    });

  cli
    .command('rebuild')
    .description(
      'project the whole topic with the projector’s own code: into another (migrated) database, or --in-place beside the live read models and then in their stead',
    )
    .requiredOption(
      '--database-url <url>',
      'the database to project into; with --in-place the live one, as the superuser the migrations connect as',
    )
    .option('--reset', 'empty its read models first')
    .option(
      '--in-place',
      'build into the side schema read_models_next of the live database while the live read models serve, then switch atomically',
    )
    .option(
      '--verify-before-switch',
      'with --in-place: switch only if every table’s checksum equals the live one’s',
    )
    .option(
      '--no-switch',
      'with --in-place: build (and verify) only; leave the new read models in read_models_next',
    )
    .option('--drop-old', 'with --in-place: drop the replaced read models right after the switch')
    .option('--json', 'JSON on stdout')
    .action(async (options: RebuildCommandOptions) => {
      if (options.inPlace) {
        await rebuildInPlaceCommand(options);
        return;
      }
      if (options.verifyBeforeSwitch || !options.switch || options.dropOld) {
        throw new UsageError('--verify-before-switch, --no-switch and --drop-old go with --in-place');
      }
      const report = await rebuildInto(loadConfig(), options.databaseUrl, options);
      if (options.json) printJson(report);
      else {
        print(
          `rebuilt from ${report.records} records: ${report.applied} applied, ${report.duplicates} duplicates skipped, ${report.deadLettered} dead-lettered`,
        );
      }
    });

  cli
    .command('replay')
    .description(
      'project the topic up to a position or an instant into another database: the read models as they stood then',
    )
    .requiredOption(
      '--until <position|instant>',
      'the last journal position, or an instant (the last position recorded by then)',
    )
    .requiredOption('--into <database-url>', 'the (migrated) database to project into')
    .option('--reset', 'empty its read models first')
    .option('--json', 'JSON on stdout')
    .action(async (options: { until: string; into: string; reset?: boolean; json?: boolean }) => {
      const config = loadConfig();
      const position = await untilPosition(config, options.until);
      const report = await rebuildInto(config, options.into, { ...options, untilPosition: position });
      if (options.json) printJson({ untilPosition: position, ...report });
      else {
        print(
          `replayed up to position ${position} from ${report.records} records: ${report.applied} applied, ${report.beyond} later events left out, ${report.deadLettered} dead-lettered`,
        );
      }
    });

  cli
    .command('drop-old-read-models')
    .description('drop the read models a rebuild --in-place replaced (schema read_models_previous)')
    .requiredOption('--database-url <url>', 'the live database, as the superuser the migrations connect as')
    .action(async (options: { databaseUrl: string }) => {
      const dropped = await withPool(options.databaseUrl, dropPreviousReadModels);
      print(dropped ? `dropped ${PREVIOUS_SCHEMA}` : `no ${PREVIOUS_SCHEMA} to drop`);
    });

  const deadLetters = cli.command('dead-letters').description('records the projector set aside');
  deadLetters
    .command('list')
    .description('unresolved dead letters')
    .option('--all', 'with the resolved ones')
    .option('--json', 'JSON on stdout, with the raw records in base64')
    .action(async (options: { all?: boolean; json?: boolean }) => {
      const letters = await withPool(loadConfig().databaseUrl, (pool) =>
        listDeadLetters(pool, { includeResolved: options.all ?? false }),
      );
      if (options.json) {
        printJson(
          letters.map(({ record, ...letter }) => ({
            ...letter,
            key: record.key,
            value: record.value?.toString('base64') ?? null,
            headers: record.headers,
          })),
        );
        return;
      }
      for (const letter of letters) {
        const stream = letter.streamId ? ` ${letter.streamId}@${letter.streamVersion}` : '';
        const resolved = letter.resolvedAt
          ? ` [${letter.resolution} ${letter.resolvedAt.toISOString()}]`
          : '';
        print(
          `#${letter.id} ${letter.kind} ${letter.topic}/${letter.partition}@${letter.offset}${stream}${resolved}: ${letter.reason}`,
        );
      }
      print(`${letters.length} dead letter(s)`);
    });
  deadLetters
    .command('redrive')
    .description('offer dead letters to the read models again, connected as a role that may write them')
    .option('--id <n...>', 'the dead letters to offer (their numbers)')
    .option('--all', 'every unresolved dead letter')
    .addOption(new Option('--database-url <url>', 'the live database, as ledger_projector'))
    .option('--json', 'JSON on stdout')
    .action(async (options: { id?: string[]; all?: boolean; databaseUrl?: string; json?: boolean }) => {
      const ids = options.id ?? [];
      if ((options.all ?? false) === ids.length > 0)
        throw new UsageError('redrive takes either --id N (repeatable) or --all');
      if (ids.some((id) => !/^\d+$/.test(id))) throw new UsageError('--id takes a dead-letter number');
      // The auditor's own role reads only; re-driving writes the live read models.
      const target = options.databaseUrl;
      if (!target) {
        throw new UsageError(
          'redrive needs --database-url <url>: the live database, as a role that may write the read models (ledger_projector)',
        );
      }
      const report = await withPool(target, (pool) => redriveDeadLetters(pool, options.all ? 'all' : ids));
      if (options.json) {
        printJson({
          resolved: report.resolved,
          stillWaiting: report.stillWaiting.map(({ id, streamId, streamVersion }) => ({
            id,
            streamId,
            streamVersion,
          })),
          stillInvalid: report.stillInvalid.map(({ letter, reason }) => ({
            id: letter.id,
            kind: letter.kind,
            reason,
          })),
        });
        return;
      }
      print(`resolved: ${report.resolved}`);
      for (const letter of report.stillWaiting)
        print(`still parked: #${letter.id} ${letter.streamId}@${letter.streamVersion}`);
      for (const { letter, reason } of report.stillInvalid)
        print(`still invalid: #${letter.id} ${letter.kind}: ${reason}`);
    });

  return cli;
}

async function run(argv: readonly string[]): Promise<number> {
  const cli = program();
  if (argv.length === 0) {
    cli.outputHelp({ error: true });
    return COULD_NOT_CHECK;
  }
  try {
    await cli.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help asked for is an answer; any other complaint of the parser is a usage error.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? 0
        : COULD_NOT_CHECK;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n`);
      cli.outputHelp({ error: true });
      return COULD_NOT_CHECK;
    }
    throw error;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`auditor could not check: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = COULD_NOT_CHECK;
  },
);
