import 'reflect-metadata';
import { createHttpApp, listen } from '@ledger/http';
import { ProjectorModule } from './projector.module';

async function main(): Promise<void> {
  const app = await createHttpApp(ProjectorModule, {
    title: 'Trade-policy ledger — projector',
    description: 'Projects the Kafka event log into the read models. Operational endpoints only.',
  });
  await listen(app, 'operations');
}

void main();
