// Waits until a URL answers 200: node scripts/wait-http.js URL [seconds]
const [url, seconds = '60'] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;

async function poll() {
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      console.error(`[wait] ${url} did not answer 200 within ${seconds}s`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

void poll();
