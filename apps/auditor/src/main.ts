import type { KeyObject } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { ConfigError, loadConfig, type LedgerConfig } from '@ledger/config';
import { ContractViolation, parseCheckpointPublicKey } from '@ledger/contracts';
import { createKafka } from '@ledger/messaging';
import { listDeadLetters, redriveDeadLetters } from '@ledger/projection';
import { readModelChecksums } from '@ledger/read-models';
import { differences } from './diff';
import { rebuildReadModels } from './rebuild';
import { EXIT_CODES, humanReport, jsonReport, verdictOf } from './verify/findings';
import { verifyLedger } from './verify/verify-ledger';

const USAGE = `Usage: auditor <command> [options]

  verify [--json] [--public-key <key> ...]
                                          check the journal, the topic and the read models,
                                          each on its own and against the journal, and every
                                          signed checkpoint
  checksum [--json]                       a digest per read-model table
  diff --against <database-url>           compare the read models with another database's
  rebuild --database-url <url> [--reset]  project the whole topic into that (migrated) database
  dead-letters list [--all] [--json]      unresolved dead letters (--all: with resolved ones)
  dead-letters redrive (--id N ... | --all) --database-url <url>
                                          offer dead letters to the read models again,
                                          connected as a role that may write them

Exit codes: 0 all agree; 1 an integrity failure (verify), or the tables differ (diff);
2 only lag (verify: something is not published or projected yet); 3 could not check (bad
usage, bad configuration, a dependency unreachable, or checkpoints without a trusted key).

Settings come from the environment: DATABASE_URL (the journal and the live read models, read
only: the ledger_auditor role; the commands that write take --database-url),
KAFKA_BROKERS, KAFKA_TOPIC, KAFKA_CLIENT_ID, CHECKPOINT_PUBLIC_KEY (the key checkpoints are
signed with: base64 SPKI DER or PEM; --public-key adds more, e.g. a previous key).`;

/** A wrong invocation: the usage is printed and the exit code is 3. */
class UsageError extends Error {}

/** Exit code when the auditor could not check: bad usage, bad configuration, a dependency down. */
const COULD_NOT_CHECK = 3;

const OPTIONS = {
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  id: { type: 'string', multiple: true },
  against: { type: 'string' },
  'database-url': { type: 'string' },
  reset: { type: 'boolean' },
  'public-key': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function withPool<T>(url: string, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = new Pool({ connectionString: url, max: 4, application_name: 'ledger-auditor' });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

async function deadLetters(
  config: LedgerConfig,
  action: string | undefined,
  options: Options,
): Promise<number> {
  switch (action) {
    case 'list':
      return withPool(config.databaseUrl, async (pool) => {
        const letters = await listDeadLetters(pool, { includeResolved: options.all ?? false });
        if (options.json) {
          print(
            JSON.stringify(
              letters.map(({ record, ...letter }) => ({
                ...letter,
                key: record.key,
                value: record.value?.toString('base64') ?? null,
                headers: record.headers,
              })),
              null,
              2,
            ),
          );
          return 0;
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
        return 0;
      });
    case 'redrive': {
      const ids = options.id ?? [];
      if ((options.all ?? false) === ids.length > 0)
        throw new UsageError('redrive takes either --id N (repeatable) or --all');
      if (ids.some((id) => !/^\d+$/.test(id))) throw new UsageError('--id takes a dead-letter number');
      // The auditor's own role reads only; re-driving writes the live read models.
      const target = options['database-url'];
      if (!target) {
        throw new UsageError(
          'redrive needs --database-url <url>: the live database, as a role that may write the read models (ledger_projector)',
        );
      }
      return withPool(target, async (pool) => {
        const report = await redriveDeadLetters(pool, options.all ? 'all' : ids);
        print(`resolved: ${report.resolved}`);
        for (const letter of report.stillWaiting) {
          print(`still parked: #${letter.id} ${letter.streamId}@${letter.streamVersion}`);
        }
        for (const { letter, reason } of report.stillInvalid) {
          print(`still invalid: #${letter.id} ${letter.kind}: ${reason}`);
        }
        return 0;
      });
    }
    case undefined:
    default:
      throw new UsageError('dead-letters needs list or redrive');
  }
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

async function run(argv: readonly string[]): Promise<number> {
  const { values: options, positionals } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const [command, action] = positionals;
  if (options.help || command === undefined) {
    print(USAGE);
    return command === undefined && !options.help ? COULD_NOT_CHECK : 0;
  }
  const config = loadConfig();

  switch (command) {
    case 'dead-letters':
      return deadLetters(config, action, options);
    case 'checksum':
      return withPool(config.databaseUrl, async (pool) => {
        const checksums = await readModelChecksums(pool);
        if (options.json) print(JSON.stringify(checksums, null, 2));
        else for (const entry of checksums) print(`${entry.checksum}  ${entry.rows}  ${entry.table}`);
        return 0;
      });
    case 'diff': {
      const against = options.against;
      if (!against) throw new UsageError('diff needs --against <database-url>');
      const live = await withPool(config.databaseUrl, readModelChecksums);
      const other = await withPool(against, readModelChecksums);
      const found = differences(live, other);
      for (const { table, live: a, other: b } of found) {
        print(
          `differs: ${table} (live ${a?.rows ?? '-'} rows ${a?.checksum ?? '-'}, other ${b?.rows ?? '-'} rows ${b?.checksum ?? '-'})`,
        );
      }
      print(found.length === 0 ? `identical: ${live.length} table(s)` : `${found.length} table(s) differ`);
      return found.length === 0 ? 0 : 1;
    }
    case 'rebuild': {
      const target = options['database-url'];
      if (!target) throw new UsageError('rebuild needs --database-url <url> (a migrated database)');
      const kafka = createKafka(config.kafka);
      const report = await withPool(target, (pool) =>
        rebuildReadModels(kafka, config.kafka.topic, pool, {
          reset: options.reset ?? false,
          onProgress: (done, total) => process.stderr.write(`\rprojected ${done}/${total} records`),
        }),
      );
      process.stderr.write('\n');
      print(
        `rebuilt from ${report.records} records: ${report.applied} applied, ${report.duplicates} duplicates skipped, ${report.deadLettered} dead-lettered`,
      );
      return 0;
    }
    case 'verify': {
      const trustedKeys = trustedCheckpointKeys(config, options['public-key'] ?? []);
      const report = await withPool(config.databaseUrl, (pool) =>
        verifyLedger({ pool, kafka: createKafka(config.kafka), topic: config.kafka.topic, trustedKeys }),
      );
      if (options.json) print(jsonReport(report));
      else for (const line of humanReport(report)) print(line);
      return EXIT_CODES[verdictOf(report.findings)];
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    } else if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`auditor could not check: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.exitCode = COULD_NOT_CHECK;
  },
);
