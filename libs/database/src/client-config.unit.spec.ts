import { ConfigError, loadConfig } from '@ledger/config';
import { postgresClientConfig } from './client-config';

describe('postgresClientConfig', () => {
  it('has limits by default that leave room for contention and long batches', () => {
    const settings = postgresClientConfig(loadConfig({}), 'ledger-relay');
    expect(settings).toMatchObject({
      connectionString: 'postgres://postgres@127.0.0.1:5432/ledger',
      application_name: 'ledger-relay',
      connectionTimeoutMillis: 5000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10000,
    });
    expect(settings.options).toBe(
      '-c statement_timeout=30000 -c lock_timeout=10000 -c idle_in_transaction_session_timeout=15000 ' +
        '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3',
    );
  });

  it('passes configured values, including 0 for "no limit"', () => {
    const settings = postgresClientConfig(
      loadConfig({
        DB_STATEMENT_TIMEOUT_MS: '0',
        DB_LOCK_TIMEOUT_MS: '2500',
        DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '0',
        DB_CONNECT_TIMEOUT_MS: '1500',
        DB_TCP_KEEPALIVE_IDLE_MS: '30000',
      }),
      'ledger-auditor',
    );
    expect(settings.connectionTimeoutMillis).toBe(1500);
    expect(settings.keepAliveInitialDelayMillis).toBe(30000);
    expect(settings.options).toContain('-c statement_timeout=0 -c lock_timeout=2500');
    expect(settings.options).toContain('-c idle_in_transaction_session_timeout=0');
    expect(settings.options).toContain('-c tcp_keepalives_idle=30');
  });

  it('lets one connection override a limit, leaving the others configured', () => {
    const settings = postgresClientConfig(loadConfig({ DB_LOCK_TIMEOUT_MS: '2500' }), 'ledger-auditor', {
      statementTimeoutMs: 0,
    });
    expect(settings.options).toContain('-c statement_timeout=0 -c lock_timeout=2500');
  });

  it.each([
    [{ DB_STATEMENT_TIMEOUT_MS: '-1' }, 'DB_STATEMENT_TIMEOUT_MS must not be less than 0'],
    [{ DB_LOCK_TIMEOUT_MS: '10s' }, 'DB_LOCK_TIMEOUT_MS must be an integer'],
    [{ DB_CONNECT_TIMEOUT_MS: '0' }, 'DB_CONNECT_TIMEOUT_MS must not be less than 100'],
    [{ DB_TCP_KEEPALIVE_IDLE_MS: '500' }, 'DB_TCP_KEEPALIVE_IDLE_MS must not be less than 1000'],
    [
      { DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '99999999' },
      'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS must not be greater than 3600000',
    ],
  ])('refuses %j at start-up', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
