// Waits until a URL answers 200: node scripts/wait-http.js URL [seconds]
// On giving up it prints the last answer, e.g. the readiness body naming what is down.
const [url, seconds = '60'] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;
// Readiness answers within 2 s; a request that hangs longer is a failed attempt, not a wait.
const ATTEMPT_TIMEOUT_MS = 5000;

async function poll() {
  let last = 'no answer';
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = error.cause?.code ?? error.name;
    }
    if (Date.now() > deadline) {
      console.error(`[wait] ${url} did not answer 200 within ${seconds}s (last: ${last})`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

void poll();
