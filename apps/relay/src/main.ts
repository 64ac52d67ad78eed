import 'reflect-metadata';
import { createHttpApp, listen } from '@ledger/http';
import { RelayModule } from './relay.module';

async function main(): Promise<void> {
  const app = await createHttpApp(RelayModule, {
    title: 'Trade-policy ledger — relay',
    description: 'Publishes the journal outbox to Kafka. Operational endpoints only.',
  });
  await listen(app, 'operations');
}

void main();
