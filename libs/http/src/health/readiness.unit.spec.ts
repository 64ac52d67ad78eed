import { Global, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { LedgerConfigModule } from '@ledger/config';
import { PG_POOL } from '@ledger/database';
import { OperationsModule } from '../operations.module';
import { CHECK_TIMEOUT_MS } from './health.controller';
import { NotReady, READINESS_CHECKS, type ReadinessCheck } from './readiness';

/** A check whose answer the test decides, counting how often readiness called it. */
class ScriptedCheck implements ReadinessCheck {
  calls = 0;
  constructor(
    readonly name: string,
    private readonly answer: () => Promise<Record<string, unknown>>,
  ) {}

  check(): Promise<Record<string, unknown>> {
    this.calls++;
    return this.answer();
  }
}

/** The pool PostgresReadiness needs to be built; these tests never call that check. */
@Global()
@Module({ providers: [{ provide: PG_POOL, useValue: {} }], exports: [PG_POOL] })
class UnusedPoolModule {}

async function appWith(checks: readonly ReadinessCheck[]): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    // The configuration is the edge's (rate limits): the defaults, read from no variable.
    imports: [UnusedPoolModule, LedgerConfigModule, OperationsModule],
    providers: [{ provide: READINESS_CHECKS, useValue: checks }],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('readiness', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('is 200 with each check named and its details when all are ready; /health is the same', async () => {
    app = await appWith([
      new ScriptedCheck('postgres', () => Promise.resolve({ migrations: 6 })),
      new ScriptedCheck('relay', () => Promise.resolve({ lag: 0 })),
    ]);
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body).toEqual({
      status: 'ok',
      info: { postgres: { status: 'up', migrations: 6 }, relay: { status: 'up', lag: 0 } },
      error: {},
      details: { postgres: { status: 'up', migrations: 6 }, relay: { status: 'up', lag: 0 } },
    });
    expect((await request(app.getHttpServer()).get('/health').expect(200)).body).toEqual(ready.body);
  });

  it('is 503 naming the check that is not ready, with its reason and details', async () => {
    app = await appWith([
      new ScriptedCheck('postgres', () => Promise.resolve({ migrations: 6 })),
      new ScriptedCheck('projector', () => Promise.reject(new NotReady('partition-stuck', { partition: 2 }))),
    ]);
    const response = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(response.body.status).toBe('error');
    expect(response.body.info).toEqual({ postgres: { status: 'up', migrations: 6 } });
    expect(response.body.error).toEqual({
      projector: { status: 'down', reason: 'partition-stuck', partition: 2 },
    });
    await request(app.getHttpServer()).get('/health').expect(503);
  });

  it('never shows the raw error of a check that fails unexpectedly', async () => {
    const secret = 'password authentication failed for user "ledger" at 10.1.2.3';
    app = await appWith([new ScriptedCheck('postgres', () => Promise.reject(new Error(secret)))]);
    const response = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(response.body.error).toEqual({ postgres: { status: 'down', reason: 'failed' } });
    expect(response.text).not.toContain('password');
  });

  it('answers within its bound when a check hangs, and never runs a hung check twice at once', async () => {
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const hung = new ScriptedCheck('kafka', () => answered.then(() => ({ brokers: 1 })));
    app = await appWith([hung]);
    const started = Date.now();
    const probes = await Promise.all([1, 2, 3].map(() => request(app!.getHttpServer()).get('/health/ready')));
    const elapsed = Date.now() - started;
    for (const probe of probes) {
      expect(probe.status).toBe(503);
      expect(probe.body.error).toEqual({ kafka: { status: 'down', reason: 'timeout' } });
    }
    expect(elapsed).toBeGreaterThanOrEqual(CHECK_TIMEOUT_MS);
    await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(hung.calls).toBe(1);

    // Once the running call has answered, the next probe starts a fresh one.
    release();
    await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(hung.calls).toBe(2);
  });

  it('keeps /health/live at 200 whatever the checks say', async () => {
    app = await appWith([new ScriptedCheck('postgres', () => new Promise(() => undefined))]);
    const response = await request(app.getHttpServer()).get('/health/live').expect(200);
    expect(response.body.status).toBe('ok');
  });

  it('refuses to start without declared checks, or with two checks of one name', async () => {
    await expect(
      Test.createTestingModule({ imports: [UnusedPoolModule, LedgerConfigModule, OperationsModule] })
        .compile()
        .then((moduleRef) => moduleRef.createNestApplication({ logger: false }).init()),
    ).rejects.toThrow('READINESS_CHECKS');
    const twin = () => new ScriptedCheck('kafka', () => Promise.resolve({}));
    await expect(appWith([twin(), twin()])).rejects.toThrow('Two readiness checks are named kafka');
  });
});
