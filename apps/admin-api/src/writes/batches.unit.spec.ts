import 'reflect-metadata';
import { Reflector } from '@nestjs/core';
import { accessRuleOf } from '@ledger/http';
import { COMMAND_BODIES } from './batch.dto';
import { BatchesController } from './batches.controller';
import { WritesModule } from './writes.module';

/** Every write route but the batch's, read from the module: a new controller cannot be left out. */
const SINGLE_WRITES = (
  Reflect.getMetadata('controllers', WritesModule) as (new (...args: never[]) => unknown)[]
).filter((controller) => controller !== BatchesController);

/** Every route handler of a controller with its parameter types. */
function routesOf(controller: (typeof SINGLE_WRITES)[number]) {
  const prototype = controller.prototype as unknown as Record<string, () => unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor')
    .map((name) => ({
      name,
      handler: prototype[name],
      parameters: (Reflect.getMetadata('design:paramtypes', prototype, name) ?? []) as unknown[],
    }));
}

describe('a batch authorises and checks its items as their single writes', () => {
  const reflector = new Reflector();
  const batchRule = accessRuleOf(reflector, [
    (BatchesController.prototype as unknown as Record<string, () => unknown>).append,
    BatchesController,
  ]);

  it('requires what every single write route requires', () => {
    for (const controller of SINGLE_WRITES) {
      for (const { name, handler } of routesOf(controller)) {
        expect({
          route: `${controller.name}.${name}`,
          rule: accessRuleOf(reflector, [handler, controller]),
        }).toEqual({
          route: `${controller.name}.${name}`,
          rule: batchRule,
        });
      }
    }
  });

  it('takes for its bodies exactly the body types of the single write routes', () => {
    const singleBodies = new Set(
      SINGLE_WRITES.flatMap((controller) =>
        routesOf(controller).flatMap(({ parameters }) =>
          parameters.filter((type) => typeof type === 'function' && type.name.endsWith('Dto')),
        ),
      ),
    );
    expect(new Set(Object.values(COMMAND_BODIES))).toEqual(singleBodies);
  });
});
