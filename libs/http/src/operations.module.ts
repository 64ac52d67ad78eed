import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HttpEdgeModule } from './edge/edge.module';
import { HealthController } from './health/health.controller';
import { PostgresReadiness } from './health/postgres.readiness';
import { MetricsController } from './metrics.controller';

/**
 * The operational endpoints every process serves: /health/live, /health/ready (alias /health)
 * and /metrics. The app module declares what readiness means for it under READINESS_CHECKS
 * (see health/readiness.ts); PostgresReadiness is provided here for it to inject. Every app
 * that serves HTTP imports this module, so it also brings the edge's global guards.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), HttpEdgeModule],
  controllers: [HealthController, MetricsController],
  providers: [PostgresReadiness],
  exports: [PostgresReadiness],
})
export class OperationsModule {}
