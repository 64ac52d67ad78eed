import { KEYS } from './ledger-harness';

/** How long a message may take to arrive before the test gives up on it. */
const MESSAGE_TIMEOUT_MS = 30_000;

export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/** One open Server-Sent Events connection, read message by message. */
export class SseClient {
  private buffer = '';

  private constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly controller: AbortController,
  ) {}

  static async open(
    url: string,
    headers: Record<string, string> = {},
    key: string = KEYS.reader,
  ): Promise<SseClient> {
    const controller = new AbortController();
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${key}`, ...headers },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return new SseClient(response.body!.getReader(), controller);
  }

  /** The next complete message (fields up to a blank line); fails if none arrives in time. */
  async next(): Promise<SseMessage> {
    const deadline = Date.now() + MESSAGE_TIMEOUT_MS;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return parseMessage(block);
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('no Server-Sent Event arrived in time')),
          deadline - Date.now(),
        );
      });
      try {
        const { value, done } = await Promise.race([this.reader.read(), timeout]);
        if (done) throw new Error('the event stream ended');
        this.buffer += Buffer.from(value).toString('utf8');
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Resolves when the server ends the stream; fails if it is still open after `withinMs`. */
  async ended(withinMs: number): Promise<void> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the event stream is still open')), deadline - Date.now());
      });
      try {
        const { done } = await Promise.race([this.reader.read(), timeout]);
        if (done) return;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  close(): void {
    this.controller.abort();
  }
}

function parseMessage(block: string): SseMessage {
  const fields = new Map<string, string[]>();
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields.set(name, [...(fields.get(name) ?? []), value]);
  }
  return {
    id: fields.get('id')?.at(-1),
    event: fields.get('event')?.at(-1),
    data: (fields.get('data') ?? []).join('\n'),
  };
}
