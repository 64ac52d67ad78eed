import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { collectDefaultMetrics, register } from 'prom-client';
import { Public } from './auth/api-key.guard';
import { THROTTLERS } from './edge/throttling';

collectDefaultMetrics();

/**
 * GET /metrics: Prometheus text format from the process-wide registry. Needs no key: it names no
 * policy data, and the relay and the projector serve it on 127.0.0.1 only. Not rate-limited, so
 * a flood of API traffic cannot blind the scraper.
 */
@Public()
@SkipThrottle({ [THROTTLERS.address]: true, [THROTTLERS.key]: true })
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
