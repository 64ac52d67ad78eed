/**
 * Retries an assertion until it passes or a generous deadline runs out. Tests wait for
 * asynchronous effects this way instead of sleeping, so they do not depend on machine speed.
 */
export async function eventually<T>(
  assertion: () => Promise<T> | T,
  { timeoutMs = 60_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
