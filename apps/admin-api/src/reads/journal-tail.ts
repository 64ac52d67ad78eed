import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { Observable, Subject } from 'rxjs';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import type { RecordedEnvelope } from '@ledger/contracts';
import { gauge } from '@ledger/http';
import { Doorbell, JOURNAL_APPENDED_CHANNEL, Journal } from '@ledger/journal';

const PAGE = 500;
/** Poll even without NOTIFY, so a lost notification delays an SSE client by at most this. */
const FALLBACK_POLL_MS = 2_000;

const tailers = gauge(
  'ledger_sse_journal_tailers',
  'Journal polling loops feeding Server-Sent Events: 1 while any stream is open, whatever their number',
);

/**
 * One polling loop over the gap-safe journal feed, started for the first open stream and
 * stopped after the last: it fans each new event out to every stream that has caught up.
 */
class SharedFeed {
  readonly events = new Subject<RecordedEnvelope>();
  /** Resolves once the feed knows where it starts: every event up to there is already settled. */
  readonly started: Promise<void>;
  private markStarted!: () => void;
  private readonly doorbell = new Doorbell();
  private running = true;
  private cursor: number | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly logger: Logger,
  ) {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    tailers.inc();
    void this.pump();
  }

  ring(): void {
    this.doorbell.ring();
  }

  stop(): void {
    this.running = false;
    this.doorbell.ring();
  }

  private async pump(): Promise<void> {
    while (this.running) {
      try {
        if (this.cursor === undefined) {
          this.cursor = await this.journal.settledHeadPosition();
          this.markStarted();
        }
        const { events, settling } = await this.journal.readPage(this.cursor, PAGE);
        for (const event of events) {
          this.cursor = event.position;
          this.events.next(event);
        }
        if (events.length < PAGE) await this.doorbell.waitAfterRead(settling, FALLBACK_POLL_MS);
      } catch (error) {
        // A database outage pauses the feed; the streams stay open and resume with it.
        this.logger.warn(`journal feed read failed (${(error as Error).message}); retrying`);
        await this.doorbell.wait(FALLBACK_POLL_MS);
      }
    }
    tailers.dec();
    this.events.complete();
  }
}

/**
 * Tails the journal for Server-Sent Events: one LISTEN connection and one polling loop for the
 * process, however many streams are open. A stream resuming from an earlier position catches
 * up from the journal on its own, then joins the shared feed without gap or duplicate.
 */
@Injectable()
export class JournalTail implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JournalTail.name);
  private listener?: Client;
  private feed?: SharedFeed;
  private followers = 0;

  constructor(
    private readonly journal: Journal,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const listener = new Client({
      connectionString: this.config.databaseUrl,
      application_name: 'ledger-sse',
    });
    listener.on('notification', () => this.feed?.ring());
    listener.on('error', (error) =>
      this.logger.warn(`journal listener lost (${error.message}); SSE falls back to polling`),
    );
    await listener.connect();
    await listener.query(`LISTEN ${JOURNAL_APPENDED_CHANNEL}`);
    this.listener = listener;
  }

  async onApplicationShutdown(): Promise<void> {
    this.feed?.stop();
    this.feed = undefined;
    await this.listener?.end().catch(() => undefined);
  }

  /**
   * Every event after `position`, then each new one as it commits, until the client leaves.
   * The stream listens to the shared feed before it reads the journal, keeping what the feed
   * sends meanwhile; the journal read covers everything the feed had sent before, and the
   * position filter drops what both delivered.
   */
  follow(position: number): Observable<RecordedEnvelope> {
    return new Observable<RecordedEnvelope>((subscriber) => {
      const feed = this.join();
      let sent = position;
      let open = true;
      let caughtUp = false;
      const waiting: RecordedEnvelope[] = [];
      const deliver = (event: RecordedEnvelope) => {
        if (event.position <= sent) return;
        sent = event.position;
        subscriber.next(event);
      };
      const listening = feed.events.subscribe({
        next: (event) => (caughtUp ? deliver(event) : waiting.push(event)),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      const catchUp = async () => {
        await feed.started;
        for (;;) {
          const events = await this.journal.readAll(sent, PAGE);
          if (!open) return;
          events.forEach(deliver);
          if (events.length < PAGE) break;
        }
        waiting.splice(0).forEach(deliver);
        caughtUp = true;
      };
      catchUp().catch((error: unknown) => subscriber.error(error));
      return () => {
        open = false;
        listening.unsubscribe();
        this.leave();
      };
    });
  }

  private join(): SharedFeed {
    this.followers += 1;
    this.feed ??= new SharedFeed(this.journal, this.logger);
    return this.feed;
  }

  private leave(): void {
    this.followers -= 1;
    if (this.followers === 0) {
      this.feed?.stop();
      this.feed = undefined;
    }
  }
}
