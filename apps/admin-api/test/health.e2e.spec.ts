import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { EVENT_TYPES } from '@ledger/contracts';
import { createHttpApp } from '@ledger/http';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { freePort } from '../../../test/support/app-process';
import { AdminApiModule } from '../src/admin-api.module';

describe('admin-api operational endpoints', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    // Nothing listens there: the admin API writes to the journal and must serve without Kafka.
    process.env.KAFKA_BROKERS = `127.0.0.1:${await freePort()}`;
    process.env.LOG_LEVEL = 'silent';
    app = await createHttpApp(AdminApiModule, { title: 'test', description: 'test' });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('GET /health/live answers 200 without checking anything', async () => {
    const response = await request(app.getHttpServer()).get('/health/live').expect(200);
    expect(response.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('GET /health/ready is 200 on Postgres alone, with the broker unreachable', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(response.headers['cache-control']).toMatch(/no-store/);
    expect(response.body.status).toBe('ok');
    expect(Object.keys(response.body.details)).toEqual(['postgres']);
    expect(response.body.info.postgres.status).toBe('up');
    expect(response.body.info.postgres.migrations).toBeGreaterThan(0);
  });

  it('GET /health is an alias of /health/ready', async () => {
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
    const health = await request(app.getHttpServer()).get('/health').expect(200);
    expect(health.body).toEqual(ready.body);
  });

  it('GET /metrics serves Prometheus text', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toContain('process_cpu_user_seconds_total');
  });

  it('GET /docs serves the OpenAPI UI, listing the health endpoints', async () => {
    const response = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/health/live', '/health/ready']),
    );
  });

  it('GET /asyncapi.json serves the topic contract to anyone: the configured topic, one message per event type', async () => {
    const response = await request(app.getHttpServer()).get('/asyncapi.json').expect(200);
    expect(response.body.asyncapi).toBe('3.0.0');
    expect(response.body.channels.policyEvents.address).toBe(process.env.KAFKA_TOPIC ?? 'policy.events');
    expect(Object.keys(response.body.components.messages)).toEqual(
      expect.arrayContaining([...EVENT_TYPES, 'ledger-topic-genesis']),
    );
    expect(
      Object.values(response.body.servers as Record<string, { host: string }>).map(({ host }) => host),
    ).toEqual([process.env.KAFKA_BROKERS]);
  });
});
