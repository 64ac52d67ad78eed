import { Inject, Injectable } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { Problem, gauge } from '@ledger/http';

/** How long a client refused for want of capacity should wait before trying again. */
const CAPACITY_RETRY_AFTER_SECONDS = 5;

const openStreams = gauge('ledger_sse_streams', 'Server-Sent Events streams open now');

/**
 * Bounds the Server-Sent Events streams a process holds open: SSE_MAX_PER_KEY for one API key
 * (429: that client holds enough), SSE_MAX_CONNECTIONS in all (503: the server is full). A
 * stream is admitted before it starts, so a refusal is an ordinary problem answer.
 */
@Injectable()
export class StreamAdmission {
  private readonly perKey = new Map<string, number>();
  private total = 0;

  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  /** Admits one stream for `keyId`; call the returned function once when it ends. */
  admit(keyId: string): () => void {
    const { maxPerKey, maxConnections } = this.config.sse;
    const held = this.perKey.get(keyId) ?? 0;
    if (held >= maxPerKey) {
      throw new Problem(
        429,
        'too-many-streams',
        `This API key holds ${held} open event streams, the most allowed (SSE_MAX_PER_KEY); close one first`,
      );
    }
    if (this.total >= maxConnections) {
      throw new Problem(
        503,
        'streams-at-capacity',
        'The server holds as many event streams as it may (SSE_MAX_CONNECTIONS); retry shortly',
        undefined,
        { 'Retry-After': String(CAPACITY_RETRY_AFTER_SECONDS) },
      );
    }
    this.perKey.set(keyId, held + 1);
    this.total += 1;
    openStreams.inc();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perKey.get(keyId) ?? 1) - 1;
      if (left === 0) this.perKey.delete(keyId);
      else this.perKey.set(keyId, left);
      this.total -= 1;
      openStreams.dec();
    };
  }
}
