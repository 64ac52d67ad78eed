import 'reflect-metadata';
import { createHttpApp, listen } from '@ledger/http';
import { AdminApiModule } from './admin-api.module';

async function main(): Promise<void> {
  const app = await createHttpApp(AdminApiModule, {
    title: 'Trade-policy ledger — admin API',
    description: 'Write policy events; read what applies now, on a date, and as known on a date.',
  });
  await listen(app, 'api');
}

void main();
