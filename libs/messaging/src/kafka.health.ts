import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, KafkaJSSASLAuthenticationError, logLevel, type Admin } from 'kafkajs';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { NotReady, type ReadinessCheck } from '@ledger/http';
import { kafkaConnection } from './kafka';

/**
 * The cluster answers a metadata request. The check has a client of its own, tuned to fail
 * fast: the shared client retries for tens of seconds, which made readiness hang during a
 * broker outage. A client that failed once is thrown away, so a half-broken connection never
 * answers a later probe.
 */
@Injectable()
export class KafkaReadiness implements ReadinessCheck, OnApplicationShutdown {
  readonly name = 'kafka';
  private admin: Promise<Admin> | undefined;

  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  async check(): Promise<Record<string, unknown>> {
    const admin = (this.admin ??= this.connect());
    try {
      const cluster = await (await admin).describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    } catch (error) {
      void this.discard(admin);
      // Refused credentials are not an outage: they stay refused until someone fixes them.
      if (error instanceof KafkaJSSASLAuthenticationError) {
        throw new NotReady('authentication-failed', {}, error);
      }
      throw new NotReady('unreachable', {}, error);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.admin) await this.discard(this.admin);
  }

  private async connect(): Promise<Admin> {
    const admin = new Kafka({
      ...kafkaConnection(this.config.kafka),
      clientId: `${this.config.kafka.clientId}-readiness`,
      connectionTimeout: 1_000,
      requestTimeout: 1_500,
      retry: { retries: 0 },
      // Failures reach the log once, through the readiness report, not on every probe.
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    return admin;
  }

  private async discard(admin: Promise<Admin>): Promise<void> {
    if (this.admin === admin) this.admin = undefined;
    await admin.then((connected) => connected.disconnect()).catch(() => undefined);
  }
}
