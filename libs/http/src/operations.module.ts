import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health/health.controller';
import { PostgresReadiness } from './health/postgres.readiness';
import { MetricsController } from './metrics.controller';

/**
 * The operational endpoints every process serves: /health/live, /health/ready (alias /health)
 * and /metrics. The app module declares what readiness means for it under READINESS_CHECKS
 * (see health/readiness.ts); PostgresReadiness is provided here for it to inject.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [PostgresReadiness],
  exports: [PostgresReadiness],
})
export class OperationsModule {}
