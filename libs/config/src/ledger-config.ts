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
  validateSync,
  ArrayNotEmpty,
} from 'class-validator';

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

  @Transform(toInt)
  @Max(65535)
  @Min(0)
  @IsInt({ message: 'PORT must be an integer' })
  PORT = 3000;

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
  @MinLength(16, { message: 'ADMIN_API_KEY must be at least 16 characters' })
  ADMIN_API_KEY?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'READER_API_KEY must be at least 16 characters' })
  READER_API_KEY?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'AUDITOR_API_KEY must be at least 16 characters' })
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

  /** Test-only fault hook: kills the projector at a chosen step so crash recovery can be proven. */
  @IsOptional()
  @IsIn(['kill-before-commit', 'kill-after-commit'], {
    message: 'PROJECTOR_FAULT must be kill-before-commit or kill-after-commit',
  })
  PROJECTOR_FAULT?: 'kill-before-commit' | 'kill-after-commit';

  @Transform(toInt)
  @Min(0)
  @IsInt({ message: 'PROJECTOR_FAULT_AFTER_BATCHES must be an integer' })
  PROJECTOR_FAULT_AFTER_BATCHES = 0;
}

export interface LedgerConfig {
  readonly databaseUrl: string;
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly topic: string;
    readonly partitions: number;
    readonly clientId: string;
  };
  readonly http: { readonly port: number };
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
    /** Test-only: kill the process after Kafka acknowledged batch number `afterBatches` + 1. */
    readonly fault?: { readonly step: 'kill-after-send'; readonly afterBatches: number };
  };
  readonly projector: {
    readonly groupId: string;
    /** Test-only: kill the process at `step` in the batch after `afterBatches` applying batches. */
    readonly fault?: {
      readonly step: 'kill-before-commit' | 'kill-after-commit';
      readonly afterBatches: number;
    };
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
  if (errors.length > 0) {
    throw new ConfigError(
      errors.flatMap((error) => Object.values(error.constraints ?? {}).map((text) => text)),
    );
  }
  return Object.freeze({
    databaseUrl: parsed.DATABASE_URL,
    kafka: Object.freeze({
      brokers: Object.freeze([...parsed.KAFKA_BROKERS]),
      topic: parsed.KAFKA_TOPIC,
      partitions: parsed.KAFKA_TOPIC_PARTITIONS,
      clientId: parsed.KAFKA_CLIENT_ID,
    }),
    http: Object.freeze({ port: parsed.PORT }),
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
      fault: parsed.RELAY_FAULT
        ? Object.freeze({ step: parsed.RELAY_FAULT, afterBatches: parsed.RELAY_FAULT_AFTER_BATCHES })
        : undefined,
    }),
    projector: Object.freeze({
      groupId: parsed.PROJECTOR_GROUP_ID,
      fault: parsed.PROJECTOR_FAULT
        ? Object.freeze({ step: parsed.PROJECTOR_FAULT, afterBatches: parsed.PROJECTOR_FAULT_AFTER_BATCHES })
        : undefined,
    }),
  });
}
