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
    [{ ADMIN_API_KEY: 'short' }, 'ADMIN_API_KEY must be at least 16 characters'],
    [{ CHECKPOINT_SIGNING_KEY: 'not a key' }, 'CHECKPOINT_SIGNING_KEY must be an Ed25519 private key'],
    [{ CHECKPOINT_PUBLIC_KEY: 'bm90IGEga2V5' }, 'CHECKPOINT_PUBLIC_KEY must be an Ed25519 public key'],
    [{ RELAY_LEASE_MS: '500' }, 'RELAY_LEASE_MS must not be less than 1000'],
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
