export { OperationsModule } from './operations.module';
export { HealthController } from './health.controller';
export { MetricsController } from './metrics.controller';
export { CORRELATION_HEADER, correlationIdOf, loggerParams } from './logging';
export { BODY_LIMIT, createHttpApp, listen } from './bootstrap';
export type { HttpAppOptions } from './bootstrap';
