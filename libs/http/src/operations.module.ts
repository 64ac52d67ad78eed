import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** The operational endpoints every process serves: /health and /metrics. */
@Module({
  imports: [TerminusModule],
  controllers: [HealthController, MetricsController],
})
export class OperationsModule {}
