import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { apiDocument, type HttpAppOptions } from '@ledger/http';
import { AdminApiModule } from './admin-api.module';

/** What the admin API's OpenAPI document says of itself, and the tags its operations use. */
export const ADMIN_API_DOCUMENT: HttpAppOptions = {
  title: 'Trade-policy ledger — admin API',
  description: 'Write policy events; read what applies now, on a date, and as known on a date.',
  tags: [
    { name: 'tariff measures', description: 'Record the life of tariff measures' },
    {
      name: 'export controls',
      description: 'Record export controls and the licence counts reported under them',
    },
    { name: 'licences', description: 'Record export licence applications and decisions' },
    { name: 'agreements', description: 'Record concluded trade agreements' },
    { name: 'parties', description: 'Record lists of restricted parties and who is on them' },
    { name: 'corrections', description: 'Retract an event recorded in error' },
    { name: 'batches', description: 'Record many commands across streams at once, all or none' },
    { name: 'views', description: 'Read the bitemporal views: what applies at asOf, as known at knownAt' },
    { name: 'audit', description: 'Check the journal against the signed checkpoints' },
    { name: 'ledger', description: 'The event contract and the checkpoint public key' },
    { name: 'keys', description: 'Issue, rotate, revoke and list API keys' },
    { name: 'operations', description: 'Liveness, readiness and metrics' },
  ],
  batchPaths: ['/v1/batches'],
};

/**
 * The admin API's OpenAPI document, built in-process from its controllers: the app is created
 * but never initialised nor listening, so neither Postgres nor Kafka is reached.
 */
export async function adminApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AdminApiModule, { logger: false, abortOnError: false });
  try {
    return apiDocument(app, ADMIN_API_DOCUMENT);
  } finally {
    await app.close();
  }
}
