import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { createKafka } from './kafka';
import { KafkaReadiness } from './kafka.health';
import { KAFKA, KAFKA_ADMIN } from './tokens';

@Global()
@Module({
  providers: [
    {
      provide: KAFKA,
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) => createKafka(config.kafka),
    },
    {
      provide: KAFKA_ADMIN,
      inject: [KAFKA],
      useFactory: async (kafka: Kafka) => {
        const admin = kafka.admin();
        await admin.connect();
        return admin;
      },
    },
    KafkaReadiness,
  ],
  exports: [KAFKA, KAFKA_ADMIN, KafkaReadiness],
})
export class MessagingModule implements OnApplicationShutdown {
  constructor(@Inject(KAFKA_ADMIN) private readonly admin: Admin) {}

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }
}
