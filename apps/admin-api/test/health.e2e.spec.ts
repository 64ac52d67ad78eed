import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createHttpApp } from '@ledger/http';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { AdminApiModule } from '../src/admin-api.module';

describe('admin-api operational endpoints', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    process.env.LOG_LEVEL = 'silent';
    app = await createHttpApp(AdminApiModule, { title: 'test', description: 'test' });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('GET /health reports Postgres and Kafka up', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.info.postgres.status).toBe('up');
    expect(response.body.info.kafka.status).toBe('up');
    expect(response.body.info.kafka.brokers).toBeGreaterThanOrEqual(1);
  });

  it('GET /metrics serves Prometheus text', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toContain('process_cpu_user_seconds_total');
  });

  it('GET /docs serves the OpenAPI UI', async () => {
    const response = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(Object.keys(response.body.paths)).toContain('/health');
  });
});
