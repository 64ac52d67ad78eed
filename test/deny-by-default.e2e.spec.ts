import { Controller, Get, type INestApplication, Module, RequestMethod, type Type } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AdminApiModule } from '../apps/admin-api/src/admin-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { RelayModule } from '../apps/relay/src/relay.module';
import { Authorize, Public, ROLE_SETS, accessRuleOf } from '@ledger/http';
import { createTestDatabase, testKafkaEnv, type TestDatabase } from '@ledger/testing';
import { KEYS, startInProcess } from './support/ledger-harness';

interface Route {
  readonly route: string;
  readonly rule: string;
}

/** Every HTTP route a module serves, with the access rule the global guard will apply to it. */
async function routesOf(module: Type<unknown>): Promise<Route[]> {
  const testing = await Test.createTestingModule({ imports: [module, DiscoveryModule] }).compile();
  try {
    const discovery = testing.get(DiscoveryService);
    const scanner = testing.get(MetadataScanner);
    const reflector = testing.get(Reflector);
    return discovery.getControllers().flatMap(({ metatype, instance }) => {
      const controller = metatype as Type<unknown>;
      const prototype = Object.getPrototypeOf(instance) as Record<string, (...args: never[]) => unknown>;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      return scanner
        .getAllMethodNames(prototype)
        .filter((name) => Reflect.getMetadata(PATH_METADATA, prototype[name]) !== undefined)
        .map((name) => {
          const handler = prototype[name];
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          const rule = accessRuleOf(reflector, [handler, controller]);
          return {
            route: `${method} /${base}/${String(Reflect.getMetadata(PATH_METADATA, handler))}`,
            rule: rule.kind === 'roles' ? rule.roles.join('|') : rule.kind,
          };
        });
    });
  } finally {
    await testing.close();
  }
}

@Controller('edge-probe')
class ProbeController {
  @Get('forgotten')
  forgotten(): string {
    return 'served';
  }

  @Get('open')
  @Public()
  open(): string {
    return 'served';
  }

  @Get('readers')
  @Authorize(ROLE_SETS.read)
  readers(): string {
    return 'served';
  }
}

@Module({ imports: [AdminApiModule], controllers: [ProbeController] })
class AdminApiWithProbe {}

describe('deny by default', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    // The relay's and the projector's modules build their Kafka client from these (nothing connects).
    Object.assign(process.env, testKafkaEnv('relay'));
  });

  afterAll(async () => {
    await db.drop();
  });

  it.each([
    ['admin-api', AdminApiModule],
    ['relay', RelayModule],
    ['projector', ProjectorModule],
  ] as const)('every route of the %s declares who may call it', async (_app, module) => {
    const routes = await routesOf(module);
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((route) => route.rule === 'undeclared')).toEqual([]);
  });

  it('finds a route that declares nothing', async () => {
    const routes = await routesOf(AdminApiWithProbe);
    expect(routes).toContainEqual({ route: 'GET /edge-probe/forgotten', rule: 'undeclared' });
    expect(routes).toContainEqual({ route: 'GET /edge-probe/open', rule: 'public' });
  });

  it('keeps the operational routes of the relay and the projector public and serves nothing else', async () => {
    for (const module of [RelayModule, ProjectorModule]) {
      const rules = new Set((await routesOf(module)).map((route) => route.rule));
      expect(rules).toEqual(new Set(['public']));
    }
  });

  describe('at run time', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await startInProcess(
        AdminApiWithProbe,
        {
          DATABASE_URL: db.url,
          ADMIN_API_KEY: KEYS.admin,
          READER_API_KEY: KEYS.reader,
        },
        'admin-api',
      );
    });

    afterAll(async () => {
      await app?.close();
    });

    it('refuses a route that declares nothing, even to a valid key', async () => {
      for (const key of [undefined, KEYS.admin]) {
        const call = request(app.getHttpServer()).get('/edge-probe/forgotten');
        const response = key ? await call.set('Authorization', `Bearer ${key}`) : await call;
        expect(response.status).toBe(403);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ code: 'forbidden' });
      }
    });

    it('serves a public route to anyone and a declared route to its roles only', async () => {
      await request(app.getHttpServer()).get('/edge-probe/open').expect(200, 'served');
      await request(app.getHttpServer()).get('/edge-probe/readers').expect(401);
      await request(app.getHttpServer())
        .get('/edge-probe/readers')
        .set('Authorization', `Bearer ${KEYS.reader}`)
        .expect(200, 'served');
    });
  });
});
