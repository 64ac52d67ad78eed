import { Controller, Get, Logger, type OnModuleInit, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { Response } from 'express';
import { NotReady, READINESS_CHECKS, type ReadinessCheck } from './readiness';
import { Public } from '../auth/api-key.guard';
import { THROTTLERS } from '../edge/throttling';

export const CHECK_TIMEOUT_MS = 2_000;

type Outcome =
  | { readonly up: true; readonly details: Record<string, unknown> }
  | {
      readonly up: false;
      readonly reason: string;
      readonly details: Record<string, unknown>;
      readonly cause?: unknown;
    };

function outcomeOf(error: unknown): Outcome {
  if (error instanceof NotReady) {
    return { up: false, reason: error.reason, details: error.details, cause: error.cause };
  }
  return { up: false, reason: 'failed', details: {}, cause: error };
}

/**
 * One check with its bound: at most one call in flight (a hung dependency cannot pile up
 * calls, however often probes come), and every probe answers within CHECK_TIMEOUT_MS.
 */
class BoundedCheck {
  private running: Promise<Outcome> | undefined;

  constructor(readonly check: ReadinessCheck) {}

  run(): Promise<Outcome> {
    const running = (this.running ??= Promise.resolve()
      .then(() => this.check.check())
      .then((details): Outcome => ({ up: true, details }), outcomeOf)
      .finally(() => {
        this.running = undefined;
      }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ up: false, reason: 'timeout', details: {} }), CHECK_TIMEOUT_MS);
    });
    return Promise.race([running, timeout]).finally(() => clearTimeout(timer));
  }
}

/**
 * GET /health/live: the process runs (no dependency checked; restart it only when this fails).
 * GET /health/ready: every readiness check of the app passes (take it out of rotation while
 * one fails); 503 names what is down. GET /health is kept as an alias of /health/ready.
 * Bodies carry stable reasons only; raw errors go to the log. No key needed.
 */
// Probes must never be refused: a liveness probe answered 401 or 429 would restart a healthy process.
@Public()
@SkipThrottle({ [THROTTLERS.address]: true, [THROTTLERS.key]: true })
@ApiTags('operations')
@Controller('health')
export class HealthController implements OnModuleInit {
  private readonly logger = new Logger('Readiness');
  private checks: readonly BoundedCheck[] = [];
  private readonly lastReasons = new Map<string, string>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  onModuleInit(): void {
    let checks: readonly ReadinessCheck[];
    try {
      checks = this.moduleRef.get<readonly ReadinessCheck[]>(READINESS_CHECKS, { strict: false });
    } catch {
      throw new Error('The app module must provide READINESS_CHECKS (see libs/http readiness.ts)');
    }
    const names = checks.map((check) => check.name);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated) throw new Error(`Two readiness checks are named ${repeated}`);
    this.checks = checks.map((check) => new BoundedCheck(check));
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({
    summary: 'Liveness: the process is running',
    description: 'Checks no dependency: restart the process only when this fails. No key needed.',
  })
  live(): HealthCheckResult {
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: every dependency and duty of the app is up',
    description:
      'Take the process out of rotation while this answers 503; the body names what is down. No key needed.',
  })
  ready(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    return this.readiness(response);
  }

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary: 'Alias of /health/ready',
    description: 'The same answer as /health/ready. No key needed.',
  })
  alias(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    return this.readiness(response);
  }

  private async readiness(response: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check(
        this.checks.map((bounded) => async () => this.indicate(bounded.check.name, await bounded.run())),
      );
    } catch (error) {
      // Terminus reports "down" as an exception; it is an answer here, not an error.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  private indicate(name: string, outcome: Outcome): HealthIndicatorResult {
    const indicator = this.indicators.check(name);
    const previous = this.lastReasons.get(name);
    if (outcome.up) {
      if (previous !== undefined) this.logger.log(`${name} is ready again`);
      this.lastReasons.delete(name);
      return indicator.up(outcome.details);
    }
    // Logged when a check goes down or its reason changes, not on every probe of an outage.
    if (previous !== outcome.reason) {
      this.logger.warn({ check: name, reason: outcome.reason, err: outcome.cause }, `${name} is not ready`);
    }
    this.lastReasons.set(name, outcome.reason);
    return indicator.down({ ...outcome.details, reason: outcome.reason });
  }
}
