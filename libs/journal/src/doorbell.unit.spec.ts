import { Doorbell } from './doorbell';

/** How long the wait took on Jest's fake clock, in milliseconds. */
async function timed(waiting: Promise<void>): Promise<number> {
  const start = Date.now();
  let done = false;
  void waiting.then(() => {
    done = true;
  });
  await jest.advanceTimersByTimeAsync(0);
  while (!done) await jest.advanceTimersByTimeAsync(1);
  return Date.now() - start;
}

describe('Doorbell', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits for a ring or the fallback interval', async () => {
    const doorbell = new Doorbell();
    expect(await timed(doorbell.wait(500))).toBe(500);
    const ringing = doorbell.wait(500);
    doorbell.ring();
    expect(await timed(ringing)).toBe(0);
  });

  it('looks again soon while events wait to settle, less often the longer they wait, and as usual once they settled', async () => {
    const doorbell = new Doorbell();
    const waits: number[] = [];
    for (let round = 0; round < 8; round++) waits.push(await timed(doorbell.waitAfterRead(true, 60_000)));
    expect(waits).toEqual([20, 40, 80, 160, 320, 640, 1_000, 1_000]);
    expect(await timed(doorbell.waitAfterRead(true, 30))).toBe(30);
    expect(await timed(doorbell.waitAfterRead(false, 2_000))).toBe(2_000);
    expect(await timed(doorbell.waitAfterRead(true, 60_000))).toBe(20);
  });
});
