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
