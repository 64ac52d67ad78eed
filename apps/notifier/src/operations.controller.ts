import { Controller, Get, Header, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { Pool } from 'pg';
import { register } from 'prom-client';
import { Open } from './api-key.guard';
import { NotifierSubscription } from './notifier-subscription';
import { NOTIFIER_POOL } from './tokens';

@Controller()
@Open()
export class OperationsController {
  constructor(
    @Inject(NOTIFIER_POOL) private readonly pool: Pool,
    private readonly subscription: NotifierSubscription,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /** Ready while the database answers and the subscription has not stopped on a refused record. */
  @Get('health/ready')
  async ready() {
    await this.pool.query('SELECT 1').catch((error: unknown) => {
      throw new ServiceUnavailableException({ status: 'error', postgres: String(error) });
    });
    if (this.subscription.stoppedOn !== undefined) {
      throw new ServiceUnavailableException({
        status: 'error',
        subscription: `${this.subscription.stoppedOn.name}: ${this.subscription.stoppedOn.message}`,
      });
    }
    return { status: 'ok' };
  }

  @Get('metrics')
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
