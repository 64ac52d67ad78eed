import 'reflect-metadata';
import { createHttpApp, listen } from '@ledger/http';
import { AdminApiModule } from './admin-api.module';
import { ADMIN_API_DOCUMENT } from './openapi';

async function main(): Promise<void> {
  const app = await createHttpApp(AdminApiModule, ADMIN_API_DOCUMENT);
  await listen(app, 'api');
}

void main();
