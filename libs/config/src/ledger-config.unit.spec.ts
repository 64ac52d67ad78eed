import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from './ledger-config';

describe('loadConfig', () => {
  it('gives working local defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/ledger');
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.topic).toBe('policy.events');
    expect(config.kafka.partitions).toBe(6);
    expect(config.http.port).toBe(3000);
  });

  it('keeps the operational ports on this machine and the HTTP edge bounded by default', () => {
    const config = loadConfig({});
    expect(config.http).toMatchObject({
      host: '0.0.0.0',
      opsHost: '127.0.0.1',
      bodyLimitBytes: 256 * 1024,
      rateLimit: { perKey: 1_200, perAddress: 2_400, windowMs: 60_000 },
    });
    expect(config.sse).toEqual({ maxPerKey: 5, maxConnections: 200, reauthMs: 30_000 });
  });

  it('reads a comma-separated broker list and numeric settings', () => {
    const config = loadConfig({
      KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094',
      KAFKA_TOPIC_PARTITIONS: '12',
      PORT: '8080',
    });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9094']);
    expect(config.kafka.partitions).toBe(12);
    expect(config.http.port).toBe(8080);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgres:// URL'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS must be a comma-separated list of host:port'],
    [{ KAFKA_TOPIC_PARTITIONS: 'six' }, 'KAFKA_TOPIC_PARTITIONS must be an integer'],
    [{ KAFKA_TOPIC_PARTITIONS: '0' }, 'KAFKA_TOPIC_PARTITIONS must not be less than 1'],
    [{ PORT: '70000' }, 'PORT must not be greater than 65535'],
    [{ KAFKA_TOPIC: 'bad topic' }, 'KAFKA_TOPIC must be a valid Kafka topic name'],
    [{ ADMIN_API_KEY: 'short' }, 'ADMIN_API_KEY must be at least 32 characters'],
    [{ CHECKPOINT_SIGNING_KEY: 'not a key' }, 'CHECKPOINT_SIGNING_KEY must be an Ed25519 private key'],
    [{ CHECKPOINT_PUBLIC_KEY: 'bm90IGEga2V5' }, 'CHECKPOINT_PUBLIC_KEY must be an Ed25519 public key'],
    [{ RELAY_LEASE_MS: '500' }, 'RELAY_LEASE_MS must not be less than 1000'],
    [{ HTTP_BODY_LIMIT: '1mb' }, 'HTTP_BODY_LIMIT must be an integer (bytes)'],
    [{ OPS_HOST: 'not a host' }, 'OPS_HOST must be an IP address or a host name'],
    [{ RATE_LIMIT_PER_KEY: '0' }, 'RATE_LIMIT_PER_KEY must not be less than 1'],
    [
      { HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '30000' },
      'HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS',
    ],
    [{ KAFKA_SASL_MECHANISM: 'plain' }, 'KAFKA_SASL_MECHANISM must be scram-sha-512 or none'],
    [{ KAFKA_SASL_USERNAME: 'ledger-relay' }, 'KAFKA_SASL_PASSWORD must be given with KAFKA_SASL_USERNAME'],
    [{ KAFKA_SASL_PASSWORD: 'secret' }, 'KAFKA_SASL_USERNAME must be given with KAFKA_SASL_PASSWORD'],
    [
      { KAFKA_SASL_USERNAME: 'ledger relay', KAFKA_SASL_PASSWORD: 'secret' },
      'KAFKA_SASL_USERNAME must be given with KAFKA_SASL_PASSWORD, as a short identifier',
    ],
    [{ KAFKA_SSL: 'yes' }, 'KAFKA_SSL must be true or false'],
  ])('rejects %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  const STRONG = 'k7Qx9vR2mT4pW8sZ1bN6cY3fH5jL0dGa';

  it.each([
    ['ADMIN_API_KEY', 'x'.repeat(40), 'ADMIN_API_KEY must not be one character repeated'],
    ['READER_API_KEY', 'change-me-reader-key-0001-000000000', 'READER_API_KEY must not be a default'],
    ['AUDITOR_API_KEY', 'changeme'.repeat(5), 'AUDITOR_API_KEY must not be a default'],
    ['ADMIN_API_KEY', `Password-${STRONG}`, 'ADMIN_API_KEY must not be a default'],
    [
      'READER_API_KEY',
      `${STRONG.slice(0, 16)} ${STRONG.slice(16)}`,
      'READER_API_KEY must be printable ASCII',
    ],
    ['AUDITOR_API_KEY', STRONG.slice(1), 'AUDITOR_API_KEY must be at least 32 characters'],
  ])('refuses a weak bootstrap key in %s (%j)', (name, key, message) => {
    expect(() => loadConfig({ [name]: key })).toThrow(message);
  });

  it('refuses one bootstrap key for two roles, naming both variables', () => {
    const attempt = () =>
      loadConfig({ ADMIN_API_KEY: STRONG, AUDITOR_API_KEY: STRONG, READER_API_KEY: `r${STRONG}` });
    expect(attempt).toThrow("ADMIN_API_KEY must not be the same key as another role's");
    expect(attempt).toThrow("AUDITOR_API_KEY must not be the same key as another role's");
  });

  it('accepts strong bootstrap keys, free-form or of the issued shape', () => {
    const issued = `tpl_key-0123456789ab_${'A1b2C3d4E5f6'.repeat(3)}Abcdefg`;
    const config = loadConfig({ ADMIN_API_KEY: STRONG, READER_API_KEY: issued });
    expect(config.bootstrapKeys).toEqual({ admin: STRONG, reader: issued, auditor: undefined });
  });

  it('authenticates to Kafka with SCRAM-SHA-512 unless told otherwise, with the principal given', () => {
    expect(loadConfig({}).kafka).toMatchObject({ ssl: false, sasl: { mechanism: 'scram-sha-512' } });
    expect(
      loadConfig({ KAFKA_SASL_USERNAME: 'ledger-relay', KAFKA_SASL_PASSWORD: 's3cret', KAFKA_SSL: 'true' })
        .kafka,
    ).toMatchObject({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'ledger-relay', password: 's3cret' },
    });
    expect(loadConfig({ KAFKA_SASL_MECHANISM: 'none' }).kafka.sasl).toEqual({ mechanism: 'none' });
  });

  it('reads the checkpoint keys, as PEM or base64 DER', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const config = loadConfig({
      CHECKPOINT_SIGNING_KEY: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      CHECKPOINT_PUBLIC_KEY: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      CHECKPOINT_INTERVAL_MS: '250',
    });
    expect(config.checkpoints.signingKey?.asymmetricKeyType).toBe('ed25519');
    expect(config.checkpoints.publicKey?.equals(publicKey)).toBe(true);
    expect(config.checkpoints.intervalMs).toBe(250);
    expect(loadConfig({}).checkpoints).toMatchObject({ signingKey: undefined, publicKey: undefined });
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', KAFKA_TOPIC_PARTITIONS: '-1' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});
