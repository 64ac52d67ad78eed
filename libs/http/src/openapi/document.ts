import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export interface ApiDocumentOptions {
  readonly title: string;
  readonly description: string;
  /** The tags the operations use, each with what it groups. */
  readonly tags?: readonly { readonly name: string; readonly description: string }[];
}

/**
 * The OpenAPI document of an app, built from its controllers' decorators: served at /docs,
 * written to a file by the admin API's `openapi` script, and linted in the tests.
 */
export function apiDocument(app: INestApplication, options: ApiDocumentOptions): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion('1')
    .addServer('http://localhost:3000', 'A local instance (`npm start`; PORT sets the port)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key' })
    .addBasicAuth({
      type: 'http',
      scheme: 'basic',
      description: 'API key as the password (user name ignored); only on the pages a browser opens',
    });
  for (const tag of options.tags ?? []) builder.addTag(tag.name, tag.description);
  const config = builder.build();
  config.info.contact = { name: options.title };
  return SwaggerModule.createDocument(app, config, {
    // `ExportControlsController.suspend` → `exportControlsSuspend`: unique, and stable across releases.
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.charAt(0).toLowerCase()}${controllerKey.slice(1).replace(/Controller$/, '')}` +
      `${methodKey.charAt(0).toUpperCase()}${methodKey.slice(1)}`,
  });
}
