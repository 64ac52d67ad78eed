export { ConfigError, loadConfig } from './ledger-config';
export type { KafkaSaslConfig, LedgerConfig } from './ledger-config';
export { LedgerConfigModule } from './config.module';
export { LEDGER_CONFIG } from './tokens';
