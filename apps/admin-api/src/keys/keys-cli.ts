import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Pool } from 'pg';
import { ConfigError, loadConfig } from '@ledger/config';
import { postgresClientConfig } from '@ledger/database';
import {
  ApiKeyNotLive,
  InvalidKeyChange,
  KEY_ID_PATTERN,
  KeyStore,
  UnknownApiKey,
  type KeyActor,
} from '@ledger/http';
import {
  CreateKeyDto,
  DEFAULT_OVERLAP_SECONDS,
  KeyExpiryDto,
  RotateKeyDto,
  issuedKeyView,
  keyView,
} from './key.dto';

const USAGE = `Usage: npm run keys -- <command> [options]

  create --role admin|reader|auditor --label TEXT [--expires-at INSTANT]
                                   a new key; printed this once
  list                             every key, without secrets
  rotate KEY_ID [--overlap-seconds N] [--expires-at INSTANT]
                                   a new key for the same role and label; the old one keeps
                                   working for the overlap (default ${DEFAULT_OVERLAP_SECONDS} s)
  expire KEY_ID --at INSTANT|never set or clear a live key's expiry
  revoke KEY_ID                    revoke a key for good

Works on DATABASE_URL through the same database functions as the admin API, and records every
change in the journal as the admin API does, with the actor operator:<your user name>.
Output is JSON. Exit codes: 0 done; 1 refused (unknown key, revoked or expired key);
2 bad usage or input; 3 could not run (configuration, database).`;

/** A wrong invocation or invalid input: nothing was changed. */
class UsageError extends Error {}

const OPTIONS = {
  role: { type: 'string' },
  label: { type: 'string' },
  'expires-at': { type: 'string' },
  'overlap-seconds': { type: 'string' },
  at: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The same rules as the admin API's request bodies. */
function validated<T extends object>(type: new () => T, plain: object): T {
  const body = plainToInstance(type, plain);
  const errors = validateSync(body, { whitelist: true, forbidNonWhitelisted: true });
  const messages = errors.flatMap((error) => Object.values(error.constraints ?? {}));
  if (messages.length > 0) throw new UsageError(messages.join('; '));
  return body;
}

function keyIdArgument(positionals: readonly string[]): string {
  const keyId = positionals[1];
  if (positionals.length !== 2 || keyId === undefined) throw new UsageError('name one key id');
  if (!KEY_ID_PATTERN.test(keyId)) throw new UsageError(`${keyId} is not a key id (key- and 12 hex digits)`);
  return keyId;
}

const dateOrNull = (instant: string | null | undefined): Date | null =>
  instant === undefined || instant === null ? null : new Date(instant);

async function run(argv: readonly string[]): Promise<number> {
  const { values: options, positionals } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const command = positionals[0];
  if (options.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return options.help ? 0 : 2;
  }
  const config = loadConfig();
  const actor: KeyActor = { keyId: `operator:${userInfo().username}`, role: 'system' };
  const pool = new Pool({ ...postgresClientConfig(config, 'ledger-keys'), max: 1 });
  const store = new KeyStore(pool);
  try {
    switch (command) {
      case 'create': {
        const body = validated(CreateKeyDto, {
          role: options.role,
          label: options.label,
          expiresAt: options['expires-at'],
        });
        print(
          issuedKeyView(
            await store.create(
              { role: body.role, label: body.label, expiresAt: dateOrNull(body.expiresAt) },
              actor,
            ),
          ),
        );
        return 0;
      }
      case 'list':
        print((await store.list()).map(keyView));
        return 0;
      case 'rotate': {
        const keyId = keyIdArgument(positionals);
        const overlap = options['overlap-seconds'];
        const body = validated(RotateKeyDto, {
          overlapSeconds: overlap === undefined ? undefined : Number(overlap),
          expiresAt: options['expires-at'],
        });
        const rotated = await store.rotate(
          keyId,
          {
            overlapSeconds: body.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS,
            expiresAt: dateOrNull(body.expiresAt),
          },
          actor,
        );
        print({ ...issuedKeyView(rotated), previous: keyView(rotated.previous) });
        return 0;
      }
      case 'expire': {
        const keyId = keyIdArgument(positionals);
        if (options.at === undefined) throw new UsageError('expire needs --at INSTANT or --at never');
        const body = validated(KeyExpiryDto, { expiresAt: options.at === 'never' ? null : options.at });
        print(keyView(await store.setExpiry(keyId, dateOrNull(body.expiresAt), actor)));
        return 0;
      }
      case 'revoke':
        print(keyView(await store.revoke(keyIdArgument(positionals), actor)));
        return 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } finally {
    await pool.end();
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UnknownApiKey || error instanceof ApiKeyNotLive) {
      process.stderr.write(`refused: ${error.message}\n`);
      process.exitCode = 1;
    } else if (
      error instanceof UsageError ||
      error instanceof InvalidKeyChange ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 3;
    } else {
      process.stderr.write(`keys could not run: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 3;
    }
  },
);
