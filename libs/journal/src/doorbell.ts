/**
 * How soon a journal tailer looks again when committed events wait for an older transaction to
 * end (Journal.readPage's `settling`): that end may be a rollback or a transaction that appended
 * nothing, neither of which notifies. Doubled while they keep waiting, up to the second value,
 * so a long transaction elsewhere costs one read a second.
 */
const SETTLE_POLL_MS = 20;
const SETTLE_POLL_MAX_MS = 1_000;

/**
 * How journal tailers (the relay, the SSE feed) wait: until a JOURNAL_APPENDED_CHANNEL
 * notification rings, or a fallback poll interval passes, so a lost notification only delays.
 */
export class Doorbell {
  private answer?: () => void;
  private settleWaits = 0;

  ring(): void {
    this.answer?.();
  }

  /**
   * After a read of the journal: while events wait to settle, a short wait (see SETTLE_POLL_MS),
   * never longer than fallbackMs; otherwise wait(fallbackMs).
   */
  waitAfterRead(settling: boolean, fallbackMs: number): Promise<void> {
    if (!settling) {
      this.settleWaits = 0;
      return this.wait(fallbackMs);
    }
    const ms = Math.min(fallbackMs, SETTLE_POLL_MAX_MS, SETTLE_POLL_MS * 2 ** this.settleWaits);
    this.settleWaits = Math.min(this.settleWaits + 1, 10);
    return this.wait(ms);
  }

  wait(fallbackMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.ring(), fallbackMs);
      this.answer = () => {
        clearTimeout(timer);
        this.answer = undefined;
        resolve();
      };
    });
  }
}
