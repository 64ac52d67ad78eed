import { backoffMs } from './delivery-worker';
import { NotifierConfigError, notifierConfig } from './notifier.config';

const base = {
  NOTIFIER_API_KEY: 'a-key-of-enough-length',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ledger',
  KAFKA_SASL_USERNAME: 'ledger-subscriber',
  KAFKA_SASL_PASSWORD: 'secret',
};

describe('notifier settings', () => {
  it('takes defaults and the subscriber principal', () => {
    expect(notifierConfig(base)).toMatchObject({
      port: 3003,
      topic: 'policy.events',
      groupId: 'subscriber-notifier',
      maxAttempts: 8,
      kafka: { sasl: { mechanism: 'scram-sha-512', username: 'ledger-subscriber' } },
    });
  });

  it('names the variable that is missing or wrong', () => {
    expect(() => notifierConfig({ ...base, NOTIFIER_API_KEY: undefined })).toThrow(
      'NOTIFIER_API_KEY is required',
    );
    expect(() => notifierConfig({ ...base, NOTIFIER_API_KEY: 'short' })).toThrow(NotifierConfigError);
    expect(() => notifierConfig({ ...base, NOTIFIER_MAX_ATTEMPTS: '0' })).toThrow(/NOTIFIER_MAX_ATTEMPTS/);
    expect(() => notifierConfig({ ...base, KAFKA_SASL_PASSWORD: undefined })).toThrow(/KAFKA_SASL_PASSWORD/);
    expect(() => notifierConfig({ ...base, LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of/);
  });

  it('logs at info unless LOG_LEVEL says otherwise', () => {
    expect(notifierConfig(base).logLevel).toBe('info');
    expect(notifierConfig({ ...base, LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
  });
});
