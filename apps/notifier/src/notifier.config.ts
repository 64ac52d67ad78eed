import type { KafkaSettings } from '@ledger/messaging';
import { TargetPolicy } from './target-policy';

export const NOTIFIER_CONFIG = Symbol('NOTIFIER_CONFIG');

export interface NotifierConfig {
  readonly port: number;
  /** The notifier's database (its `notifier` schema): webhooks, deliveries and its checkpoint. */
  readonly databaseUrl: string;
  readonly kafka: KafkaSettings;
  readonly topic: string;
  readonly groupId: string;
  /** The API key callers send as `Authorization: Bearer <key>`. */
  readonly apiKey: string;
  /** Attempts of one delivery before it is given up as failed. */
  readonly maxAttempts: number;
  /** The pause after the first failed attempt; doubled after each further one. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** How often due deliveries are looked for. */
  readonly pollMs: number;
  /** A receiver that has not answered within this is counted a failed attempt. */
  readonly timeoutMs: number;
  /** Where webhooks may be delivered: public addresses and NOTIFIER_ALLOWED_NETWORKS. */
  readonly targets: TargetPolicy;
  /** The pino level of its logs, as for the ledger's apps (`LOG_LEVEL`). */
  readonly logLevel: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A configuration problem: start-up stops and says which variable. */
export class NotifierConfigError extends Error {
  override readonly name = 'NotifierConfigError';
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new NotifierConfigError(`${name} must be a positive integer, not ${JSON.stringify(raw)}`);
  }
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new NotifierConfigError(`${name} is required`);
  return value;
}

/** The notifier's settings from the environment (README, "For subscribers"). */
export function notifierConfig(env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  const apiKey = required(env, 'NOTIFIER_API_KEY');
  if (apiKey.length < 16) throw new NotifierConfigError('NOTIFIER_API_KEY must be at least 16 characters');
  const mechanism = env.KAFKA_SASL_MECHANISM ?? 'scram-sha-512';
  const logLevel = env.LOG_LEVEL || 'info';
  let targets: TargetPolicy;
  try {
    targets = TargetPolicy.parse(env.NOTIFIER_ALLOWED_NETWORKS);
  } catch (error) {
    throw new NotifierConfigError(`NOTIFIER_ALLOWED_NETWORKS: ${(error as Error).message}`);
  }
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new NotifierConfigError(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(logLevel)}`,
    );
  }
  return {
    port: positiveInteger(env, 'NOTIFIER_PORT', 3003),
    databaseUrl: env.NOTIFIER_DATABASE_URL || required(env, 'DATABASE_URL'),
    kafka: {
      brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim()),
      clientId: 'ledger-notifier',
      ssl: env.KAFKA_SSL === 'true',
      sasl:
        mechanism === 'none'
          ? { mechanism: 'none' }
          : {
              mechanism: 'scram-sha-512',
              username: required(env, 'KAFKA_SASL_USERNAME'),
              password: required(env, 'KAFKA_SASL_PASSWORD'),
            },
    },
    topic: env.KAFKA_TOPIC || 'policy.events',
    groupId: env.NOTIFIER_GROUP_ID || 'subscriber-notifier',
    apiKey,
    maxAttempts: positiveInteger(env, 'NOTIFIER_MAX_ATTEMPTS', 8),
    retryBaseMs: positiveInteger(env, 'NOTIFIER_RETRY_BASE_MS', 5_000),
    retryMaxMs: positiveInteger(env, 'NOTIFIER_RETRY_MAX_MS', 3_600_000),
    pollMs: positiveInteger(env, 'NOTIFIER_POLL_MS', 500),
    timeoutMs: positiveInteger(env, 'NOTIFIER_TIMEOUT_MS', 10_000),
    targets,
    logLevel,
  };
}
