import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { Observable, Subject } from 'rxjs';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { Doorbell, JOURNAL_APPENDED_CHANNEL, Journal } from '@ledger/journal';

const PAGE = 500;
/** Poll even without NOTIFY, so a lost notification delays an SSE client by at most this. */
const FALLBACK_POLL_MS = 2_000;

/**
 * Tails the journal for Server-Sent Events: one LISTEN connection for the process, and per
 * client a cursor on the gap-safe journal feed (positions become visible in increasing order).
 */
@Injectable()
export class JournalTail implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JournalTail.name);
  private readonly appended = new Subject<void>();
  private listener?: Client;

  constructor(
    private readonly journal: Journal,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const listener = new Client({
      connectionString: this.config.databaseUrl,
      application_name: 'ledger-sse',
    });
    listener.on('notification', () => this.appended.next());
    listener.on('error', (error) =>
      this.logger.warn(`journal listener lost (${error.message}); SSE falls back to polling`),
    );
    await listener.connect();
    await listener.query(`LISTEN ${JOURNAL_APPENDED_CHANNEL}`);
    this.listener = listener;
  }

  async onApplicationShutdown(): Promise<void> {
    this.appended.complete();
    await this.listener?.end().catch(() => undefined);
  }

  /** Every event after `position`, then each new one as it commits, until the client leaves. */
  follow(position: number): Observable<AnyEventEnvelope> {
    return new Observable<AnyEventEnvelope>((subscriber) => {
      let cursor = position;
      let open = true;
      const doorbell = new Doorbell();
      const notified = this.appended.subscribe(() => doorbell.ring());
      const pump = async () => {
        while (open) {
          const events = await this.journal.readAll(cursor, PAGE);
          for (const event of events) {
            if (!open) return;
            subscriber.next(event);
            cursor = event.position;
          }
          if (events.length < PAGE) await doorbell.wait(FALLBACK_POLL_MS);
        }
      };
      pump().catch((error: unknown) => subscriber.error(error));
      return () => {
        open = false;
        notified.unsubscribe();
        doorbell.ring();
      };
    });
  }
}
