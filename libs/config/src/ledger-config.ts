import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
  ArrayNotEmpty,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import type { KeyObject } from 'node:crypto';
import { parseCheckpointPrivateKey, parseCheckpointPublicKey } from '@ledger/contracts';

/** A checkpoint key the contracts can read: the same parser the apps will use. */
function IsCheckpointKey(kind: 'private' | 'public', options: ValidationOptions): PropertyDecorator {
  const parse = kind === 'private' ? parseCheckpointPrivateKey : parseCheckpointPublicKey;
  return ValidateBy(
    {
      name: `isCheckpoint${kind}Key`,
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            parse(value);
            return true;
          } catch {
            return false;
          }
        },
      },
    },
    options,
  );
}

const BOOTSTRAP_KEY_NAMES = ['ADMIN_API_KEY', 'READER_API_KEY', 'AUDITOR_API_KEY'] as const;

/** Defaults from examples and compose files, which anyone can read: never a real key. */
const KNOWN_DEFAULT_KEY = /^(change-?me|password|passw0rd|secret|default|example|letmein)/i;

/**
 * Why a bootstrap key is too weak to guard the API, or undefined. The length is the only
 * entropy check that cannot be fooled by a long non-random string, so the obvious such strings
 * are named too; `npm run keys -- generate` makes keys that pass.
 */
export function bootstrapKeyWeakness(key: string): string | undefined {
  if (key.length < 32) return 'must be at least 32 characters';
  if (!/^[\x21-\x7e]+$/.test(key)) return 'must be printable ASCII without spaces';
  if (/^(.)\1*$/.test(key)) return 'must not be one character repeated';
  if (KNOWN_DEFAULT_KEY.test(key)) return 'must not be a default or example value';
  return undefined;
}

/** A bootstrap API key strong enough to guard the API; the message names the variable. */
function IsStrongApiKey(): PropertyDecorator {
  return ValidateBy({
    name: 'isStrongApiKey',
    validator: {
      validate: (value: unknown, args) => {
        if (typeof value !== 'string' || bootstrapKeyWeakness(value)) return false;
        const env = args?.object as Record<string, unknown>;
        // One key for two roles would give whoever holds it the stronger role's power.
        return BOOTSTRAP_KEY_NAMES.every((name) => name === args?.property || env[name] !== value);
      },
      defaultMessage: (args) => {
        const weakness = typeof args?.value === 'string' ? bootstrapKeyWeakness(args.value) : undefined;
        return weakness
          ? `${args?.property} ${weakness}`
          : `${args?.property} must not be the same key as another role's`;
      },
    },
  });
}

const splitList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0)
    : value;

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * Raw environment as the apps read it; every field is validated once at start-up. Decorators run
 * bottom-up and stop at the first failure, so the type check sits closest to each field.
 */
class LedgerEnvironment {
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/ledger';

  /**
   * Server-side limits of every connection (0 = none, as in Postgres). Appends to one stream
   * queue for its turn under load, so the lock timeout leaves room for normal contention;
   * the statement timeout leaves room for the projector's largest batches.
   */
  @Transform(toInt)
  @Max(3_600_000)
  @Min(0)
  @IsInt({ message: 'DB_STATEMENT_TIMEOUT_MS must be an integer' })
  DB_STATEMENT_TIMEOUT_MS = 30_000;

  @Transform(toInt)
  @Max(3_600_000)
  @Min(0)
  @IsInt({ message: 'DB_LOCK_TIMEOUT_MS must be an integer' })
  DB_LOCK_TIMEOUT_MS = 10_000;

  @Transform(toInt)
  @Max(3_600_000)
  @Min(0)
  @IsInt({ message: 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS must be an integer' })
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 15_000;

  @Transform(toInt)
  @Max(600_000)
  @Min(100)
  @IsInt({ message: 'DB_CONNECT_TIMEOUT_MS must be an integer' })
  DB_CONNECT_TIMEOUT_MS = 5_000;

  /** Idle time before TCP keep-alive probes start, on both ends of every connection. */
  @Transform(toInt)
  @Max(3_600_000)
  @Min(1_000)
  @IsInt({ message: 'DB_TCP_KEEPALIVE_IDLE_MS must be an integer' })
  DB_TCP_KEEPALIVE_IDLE_MS = 10_000;

  @Transform(splitList)
  @ArrayNotEmpty({ message: 'KAFKA_BROKERS must list at least one host:port' })
  @Matches(/^[^\s:,]+:\d{1,5}$/, {
    each: true,
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS: string[] = ['127.0.0.1:9092'];

  @IsString()
  @Matches(/^[a-zA-Z0-9._-]{1,249}$/, { message: 'KAFKA_TOPIC must be a valid Kafka topic name' })
  KAFKA_TOPIC = 'policy.events';

  @Transform(toInt)
  @Max(1000)
  @Min(1)
  @IsInt({ message: 'KAFKA_TOPIC_PARTITIONS must be an integer' })
  KAFKA_TOPIC_PARTITIONS = 6;

  @IsString()
  @Matches(/^[a-zA-Z0-9._-]{1,100}$/, { message: 'KAFKA_CLIENT_ID must be a short identifier' })
  KAFKA_CLIENT_ID = 'trade-policy-ledger';

  /**
   * How clients authenticate to the brokers. SCRAM-SHA-512 by default: the local broker and the
   * compose one accept nothing else. `none` is for a cluster without authentication.
   */
  @IsIn(['scram-sha-512', 'none'], { message: 'KAFKA_SASL_MECHANISM must be scram-sha-512 or none' })
  KAFKA_SASL_MECHANISM: 'scram-sha-512' | 'none' = 'scram-sha-512';

  /**
   * The app's own principal. Given together or not at all: only an app that talks to Kafka
   * needs them, and it refuses to start without them (libs/messaging) unless the mechanism is none.
   */
  @ValidateIf((env: LedgerEnvironment) => env.KAFKA_SASL_PASSWORD !== undefined)
  @Matches(/^[a-zA-Z0-9._@-]{1,200}$/, {
    message: 'KAFKA_SASL_USERNAME must be given with KAFKA_SASL_PASSWORD, as a short identifier',
  })
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((env: LedgerEnvironment) => env.KAFKA_SASL_USERNAME !== undefined)
  @MinLength(1, { message: 'KAFKA_SASL_PASSWORD must be given with KAFKA_SASL_USERNAME' })
  @IsString({ message: 'KAFKA_SASL_PASSWORD must be given with KAFKA_SASL_USERNAME' })
  KAFKA_SASL_PASSWORD?: string;

  /** TLS to the brokers (SASL_SSL), verified against the system's CAs. */
  @IsIn(['true', 'false'], { message: 'KAFKA_SSL must be true or false' })
  KAFKA_SSL: 'true' | 'false' = 'false';

  @Transform(toInt)
  @Max(65535)
  @Min(0)
  @IsInt({ message: 'PORT must be an integer' })
  PORT = 3000;

  /** Where the admin API listens; its clients reach it over the network. */
  @Matches(/^[0-9a-fA-F.:]{2,45}$|^[a-zA-Z0-9.-]{1,253}$/, {
    message: 'HTTP_HOST must be an IP address or a host name',
  })
  HTTP_HOST = '0.0.0.0';

  /** Where the relay and the projector serve health and metrics: only this machine by default. */
  @Matches(/^[0-9a-fA-F.:]{2,45}$|^[a-zA-Z0-9.-]{1,253}$/, {
    message: 'OPS_HOST must be an IP address or a host name',
  })
  OPS_HOST = '127.0.0.1';

  /** Largest request body parsed; a longer one is refused with 413 before it is read to the end. */
  @Transform(toInt)
  @Max(16 * 1024 * 1024)
  @Min(1024)
  @IsInt({ message: 'HTTP_BODY_LIMIT must be an integer (bytes)' })
  HTTP_BODY_LIMIT = 256 * 1024;

  /** Largest body of a batch route (POST /v1/batches: up to 1000 commands), refused with 413 the same way. */
  @Transform(toInt)
  @Max(64 * 1024 * 1024)
  @Min(1024)
  @IsInt({ message: 'HTTP_BATCH_BODY_LIMIT must be an integer (bytes)' })
  HTTP_BATCH_BODY_LIMIT = 8 * 1024 * 1024;

  /** Time a client has to send its request headers; slow-header clients (Slowloris) are cut off. */
  @Transform(toInt)
  @Max(600_000)
  @Min(1_000)
  @IsInt({ message: 'HTTP_HEADERS_TIMEOUT_MS must be an integer' })
  HTTP_HEADERS_TIMEOUT_MS = 20_000;

  /** Time a client has to send its whole request (not the response: a Server-Sent Events stream runs on). */
  @Transform(toInt)
  @Max(3_600_000)
  @Min(1_000)
  @IsInt({ message: 'HTTP_REQUEST_TIMEOUT_MS must be an integer' })
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** How long an idle keep-alive connection stays open between requests. */
  @Transform(toInt)
  @Max(600_000)
  @Min(1_000)
  @IsInt({ message: 'HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer' })
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;

  /** Open connections the server accepts at once; more are refused at the socket. */
  @Transform(toInt)
  @Max(1_000_000)
  @Min(1)
  @IsInt({ message: 'HTTP_MAX_CONNECTIONS must be an integer' })
  HTTP_MAX_CONNECTIONS = 1_000;

  /** Requests one API key (or one client address) may make per RATE_LIMIT_WINDOW_MS before 429. */
  @Transform(toInt)
  @Max(10_000_000)
  @Min(1)
  @IsInt({ message: 'RATE_LIMIT_PER_KEY must be an integer' })
  RATE_LIMIT_PER_KEY = 1_200;

  @Transform(toInt)
  @Max(10_000_000)
  @Min(1)
  @IsInt({ message: 'RATE_LIMIT_PER_ADDRESS must be an integer' })
  RATE_LIMIT_PER_ADDRESS = 2_400;

  @Transform(toInt)
  @Max(3_600_000)
  @Min(100)
  @IsInt({ message: 'RATE_LIMIT_WINDOW_MS must be an integer' })
  RATE_LIMIT_WINDOW_MS = 60_000;

  /** Server-Sent Events streams open at once, per API key and in all. */
  @Transform(toInt)
  @Max(10_000)
  @Min(1)
  @IsInt({ message: 'SSE_MAX_PER_KEY must be an integer' })
  SSE_MAX_PER_KEY = 5;

  @Transform(toInt)
  @Max(100_000)
  @Min(1)
  @IsInt({ message: 'SSE_MAX_CONNECTIONS must be an integer' })
  SSE_MAX_CONNECTIONS = 200;

  /** How often an open stream's key is checked again; a revoked or expired key ends the stream. */
  @Transform(toInt)
  @Max(3_600_000)
  @Min(100)
  @IsInt({ message: 'SSE_REAUTH_MS must be an integer' })
  SSE_REAUTH_MS = 30_000;

  /** Read-your-writes: how long a read with a Consistency-Token waits for the read models before 503. */
  @Transform(toInt)
  @Max(300_000)
  @Min(0)
  @IsInt({ message: 'CONSISTENCY_WAIT_MS must be an integer' })
  CONSISTENCY_WAIT_MS = 5000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional()
  @IsString()
  @IsStrongApiKey()
  ADMIN_API_KEY?: string;

  @IsOptional()
  @IsString()
  @IsStrongApiKey()
  READER_API_KEY?: string;

  @IsOptional()
  @IsString()
  @IsStrongApiKey()
  AUDITOR_API_KEY?: string;

  @Transform(toInt)
  @Max(10_000)
  @Min(1)
  @IsInt({ message: 'RELAY_BATCH_SIZE must be an integer' })
  RELAY_BATCH_SIZE = 500;

  /** Fallback poll when no NOTIFY arrives; also how often a standby relay tries to take over. */
  @Transform(toInt)
  @Max(60_000)
  @Min(10)
  @IsInt({ message: 'RELAY_POLL_MS must be an integer' })
  RELAY_POLL_MS = 1000;

  /**
   * How long the relay's leadership outlives a leader that stopped answering (frozen, cut off):
   * its lock session is ended by Postgres after this much silence, and a standby takes over.
   */
  @Transform(toInt)
  @Max(600_000)
  @Min(1_000)
  @IsInt({ message: 'RELAY_LEASE_MS must be an integer' })
  RELAY_LEASE_MS = 10_000;

  /**
   * How long the relay may be held back, publishing nothing, by a transaction still open on the
   * PostgreSQL server (committed events wait for every older transaction) before its readiness
   * fails and names the wait.
   */
  @Transform(toInt)
  @Max(86_400_000)
  @Min(100)
  @IsInt({ message: 'RELAY_WAIT_ALARM_MS must be an integer' })
  RELAY_WAIT_ALARM_MS = 60_000;

  /** Ed25519 private key (PEM, or base64 of PKCS#8 DER) with which the relay signs checkpoints. */
  @IsOptional()
  @IsString()
  @IsCheckpointKey('private', {
    message: 'CHECKPOINT_SIGNING_KEY must be an Ed25519 private key (PEM or base64 PKCS#8 DER)',
  })
  CHECKPOINT_SIGNING_KEY?: string;

  /** The matching public key (PEM, or base64 of SPKI DER): served by the API, trusted by the auditor. */
  @IsOptional()
  @IsString()
  @IsCheckpointKey('public', {
    message: 'CHECKPOINT_PUBLIC_KEY must be an Ed25519 public key (PEM or base64 SPKI DER)',
  })
  CHECKPOINT_PUBLIC_KEY?: string;

  /** How often the relay signs a checkpoint when new events arrived since the last one. */
  @Transform(toInt)
  @Max(86_400_000)
  @Min(100)
  @IsInt({ message: 'CHECKPOINT_INTERVAL_MS must be an integer' })
  CHECKPOINT_INTERVAL_MS = 60_000;

  /** Test-only fault hook: kills the relay after Kafka acknowledged a batch, before the checkpoint moves. */
  @IsOptional()
  @IsIn(['kill-after-send'], { message: 'RELAY_FAULT must be kill-after-send' })
  RELAY_FAULT?: 'kill-after-send';

  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'RELAY_FAULT_AFTER_BATCHES must be an integer' })
  RELAY_FAULT_AFTER_BATCHES = 0;

  @IsString()
  @Matches(/^[a-zA-Z0-9._-]{1,200}$/, { message: 'PROJECTOR_GROUP_ID must be a short identifier' })
  PROJECTOR_GROUP_ID = 'ledger-projector';

  /** Attempts at a batch failing with a non-transient error before its events are isolated. */
  @Transform(toInt)
  @Max(100)
  @Min(1)
  @IsInt({ message: 'PROJECTOR_APPLY_ATTEMPTS must be an integer' })
  PROJECTOR_APPLY_ATTEMPTS = 3;

  /** A partition whose batch keeps failing this long is reported stuck (metrics, readiness). */
  @Transform(toInt)
  @Max(3_600_000)
  @Min(1_000)
  @IsInt({ message: 'PROJECTOR_STUCK_AFTER_MS must be an integer' })
  PROJECTOR_STUCK_AFTER_MS = 30_000;

  /** Record values longer than this are kept as 'oversized' dead letters, not parsed. */
  @Transform(toInt)
  @Max(64 * 1024 * 1024)
  @Min(1024)
  @IsInt({ message: 'PROJECTOR_MAX_RECORD_BYTES must be an integer' })
  PROJECTOR_MAX_RECORD_BYTES = 4 * 1024 * 1024;

  /**
   * Test-only fault hook: kills the projector at a chosen step so crash recovery can be proven,
   * or makes applying the events of one stream throw a number of times.
   */
  @IsOptional()
  @IsIn(['kill-before-commit', 'kill-after-commit', 'apply-throws'], {
    message: 'PROJECTOR_FAULT must be kill-before-commit, kill-after-commit or apply-throws',
  })
  PROJECTOR_FAULT?: 'kill-before-commit' | 'kill-after-commit' | 'apply-throws';

  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'PROJECTOR_FAULT_AFTER_BATCHES must be an integer' })
  PROJECTOR_FAULT_AFTER_BATCHES = 0;

  @ValidateIf((env: LedgerEnvironment) => env.PROJECTOR_FAULT === 'apply-throws')
  @Matches(/^[a-z0-9][a-z0-9-]{2,99}$/, {
    message: 'PROJECTOR_FAULT_STREAM must be a stream id (with PROJECTOR_FAULT=apply-throws)',
  })
  PROJECTOR_FAULT_STREAM?: string;

  @Transform(toInt)
  @Min(1)
  @IsInt({ message: 'PROJECTOR_FAULT_TIMES must be an integer' })
  PROJECTOR_FAULT_TIMES = 1;
}

/** How a Kafka client authenticates; credentials are absent only where the config lacks them. */
export type KafkaSaslConfig =
  | { readonly mechanism: 'none' }
  | { readonly mechanism: 'scram-sha-512'; readonly username?: string; readonly password?: string };

export interface LedgerConfig {
  readonly databaseUrl: string;
  readonly database: {
    readonly statementTimeoutMs: number;
    readonly lockTimeoutMs: number;
    readonly idleInTransactionTimeoutMs: number;
    readonly connectTimeoutMs: number;
    readonly keepAliveIdleMs: number;
  };
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly topic: string;
    readonly partitions: number;
    readonly clientId: string;
    readonly ssl: boolean;
    readonly sasl: KafkaSaslConfig;
  };
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly opsHost: string;
    readonly bodyLimitBytes: number;
    readonly batchBodyLimitBytes: number;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    readonly maxConnections: number;
    readonly rateLimit: {
      readonly perKey: number;
      readonly perAddress: number;
      readonly windowMs: number;
    };
  };
  readonly sse: {
    readonly maxPerKey: number;
    readonly maxConnections: number;
    readonly reauthMs: number;
  };
  readonly consistencyWaitMs: number;
  readonly logLevel: string;
  readonly bootstrapKeys: {
    readonly admin?: string;
    readonly reader?: string;
    readonly auditor?: string;
  };
  readonly relay: {
    readonly batchSize: number;
    readonly pollMs: number;
    readonly leaseMs: number;
    /** Held back by an older open transaction longer than this, the relay is not ready. */
    readonly waitAlarmMs: number;
    /** Test-only: kill the process after Kafka acknowledged batch number `afterBatches` + 1. */
    readonly fault?: { readonly step: 'kill-after-send'; readonly afterBatches: number };
  };
  readonly checkpoints: {
    /** Absent: this process does not sign (only the relay needs the key). */
    readonly signingKey?: KeyObject;
    readonly publicKey?: KeyObject;
    readonly intervalMs: number;
  };
  readonly projector: {
    readonly groupId: string;
    readonly applyAttempts: number;
    readonly stuckAfterMs: number;
    readonly maxRecordBytes: number;
    /**
     * Test-only: kill the process at `step` in the batch after `afterBatches` applying batches,
     * or make applyEvents throw the first `times` times it is given events of `streamId`.
     */
    readonly fault?:
      | { readonly step: 'kill-before-commit' | 'kill-after-commit'; readonly afterBatches: number }
      | { readonly step: 'apply-throws'; readonly streamId: string; readonly times: number };
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment into a typed, frozen config; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const known = Object.keys(new LedgerEnvironment());
  const given = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) =>
        (known.includes(key) || key.endsWith('_API_KEY')) && value !== undefined && value !== '',
    ),
  );
  const parsed = plainToInstance(LedgerEnvironment, given);
  const errors = validateSync(parsed, { forbidUnknownValues: true, stopAtFirstError: true });
  const problems = errors.flatMap((error) => Object.values(error.constraints ?? {}).map((text) => text));
  // Node refuses a headers timeout longer than the request timeout it is part of.
  if (errors.length === 0 && parsed.HTTP_HEADERS_TIMEOUT_MS > parsed.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    databaseUrl: parsed.DATABASE_URL,
    database: Object.freeze({
      statementTimeoutMs: parsed.DB_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: parsed.DB_LOCK_TIMEOUT_MS,
      idleInTransactionTimeoutMs: parsed.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      connectTimeoutMs: parsed.DB_CONNECT_TIMEOUT_MS,
      keepAliveIdleMs: parsed.DB_TCP_KEEPALIVE_IDLE_MS,
    }),
    kafka: Object.freeze({
      brokers: Object.freeze([...parsed.KAFKA_BROKERS]),
      topic: parsed.KAFKA_TOPIC,
      partitions: parsed.KAFKA_TOPIC_PARTITIONS,
      clientId: parsed.KAFKA_CLIENT_ID,
      ssl: parsed.KAFKA_SSL === 'true',
      sasl: Object.freeze(
        parsed.KAFKA_SASL_MECHANISM === 'none'
          ? { mechanism: 'none' as const }
          : {
              mechanism: parsed.KAFKA_SASL_MECHANISM,
              username: parsed.KAFKA_SASL_USERNAME,
              password: parsed.KAFKA_SASL_PASSWORD,
            },
      ),
    }),
    http: Object.freeze({
      port: parsed.PORT,
      host: parsed.HTTP_HOST,
      opsHost: parsed.OPS_HOST,
      bodyLimitBytes: parsed.HTTP_BODY_LIMIT,
      batchBodyLimitBytes: parsed.HTTP_BATCH_BODY_LIMIT,
      headersTimeoutMs: parsed.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: parsed.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: parsed.HTTP_MAX_CONNECTIONS,
      rateLimit: Object.freeze({
        perKey: parsed.RATE_LIMIT_PER_KEY,
        perAddress: parsed.RATE_LIMIT_PER_ADDRESS,
        windowMs: parsed.RATE_LIMIT_WINDOW_MS,
      }),
    }),
    sse: Object.freeze({
      maxPerKey: parsed.SSE_MAX_PER_KEY,
      maxConnections: parsed.SSE_MAX_CONNECTIONS,
      reauthMs: parsed.SSE_REAUTH_MS,
    }),
    consistencyWaitMs: parsed.CONSISTENCY_WAIT_MS,
    logLevel: parsed.LOG_LEVEL,
    bootstrapKeys: Object.freeze({
      admin: parsed.ADMIN_API_KEY,
      reader: parsed.READER_API_KEY,
      auditor: parsed.AUDITOR_API_KEY,
    }),
    relay: Object.freeze({
      batchSize: parsed.RELAY_BATCH_SIZE,
      pollMs: parsed.RELAY_POLL_MS,
      leaseMs: parsed.RELAY_LEASE_MS,
      waitAlarmMs: parsed.RELAY_WAIT_ALARM_MS,
      fault: parsed.RELAY_FAULT
        ? Object.freeze({ step: parsed.RELAY_FAULT, afterBatches: parsed.RELAY_FAULT_AFTER_BATCHES })
        : undefined,
    }),
    checkpoints: Object.freeze({
      signingKey: parsed.CHECKPOINT_SIGNING_KEY
        ? parseCheckpointPrivateKey(parsed.CHECKPOINT_SIGNING_KEY)
        : undefined,
      publicKey: parsed.CHECKPOINT_PUBLIC_KEY
        ? parseCheckpointPublicKey(parsed.CHECKPOINT_PUBLIC_KEY)
        : undefined,
      intervalMs: parsed.CHECKPOINT_INTERVAL_MS,
    }),
    projector: Object.freeze({
      groupId: parsed.PROJECTOR_GROUP_ID,
      applyAttempts: parsed.PROJECTOR_APPLY_ATTEMPTS,
      stuckAfterMs: parsed.PROJECTOR_STUCK_AFTER_MS,
      maxRecordBytes: parsed.PROJECTOR_MAX_RECORD_BYTES,
      fault:
        parsed.PROJECTOR_FAULT === 'apply-throws'
          ? Object.freeze({
              step: parsed.PROJECTOR_FAULT,
              streamId: parsed.PROJECTOR_FAULT_STREAM ?? '',
              times: parsed.PROJECTOR_FAULT_TIMES,
            })
          : parsed.PROJECTOR_FAULT
            ? Object.freeze({
                step: parsed.PROJECTOR_FAULT,
                afterBatches: parsed.PROJECTOR_FAULT_AFTER_BATCHES,
              })
            : undefined,
    }),
  });
}
