/**
 * How soon a journal tailer looks again when committed events wait for an older transaction to
 * end (Journal.readPage's `settling`): that end may be a rollback or a transaction that appended
 * nothing, neither of which notifies.
 */
export const SETTLE_POLL_MS = 20;

/**
 * How journal tailers (the relay, the SSE feed) wait: until a JOURNAL_APPENDED_CHANNEL
 * notification rings, or a fallback poll interval passes, so a lost notification only delays.
 */
export class Doorbell {
  private answer?: () => void;

  ring(): void {
    this.answer?.();
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
