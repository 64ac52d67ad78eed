#!/usr/bin/env node
// Loads the seed scenario (seed/scenario.json) through the public write API, then prints example
// queries with their answers. Idempotent: every run sends the very same requests — each write
// with an Idempotency-Key derived from the step and, for changes to an existing stream, If-Match
// with the version the step expects — so a second run (same admin key) gets every first answer
// back (Idempotent-Replayed) and appends nothing. A step that neither appends nor replays (the
// ledger holds that stream from other writes, or another admin key) is named, and the run fails.
//   node scripts/seed.js [API base URL]      keys from ADMIN_API_KEY and READER_API_KEY
const { createHash } = require('node:crypto');
const path = require('node:path');

const api = process.argv[2] || `http://127.0.0.1:${process.env.PORT || 3000}`;
const adminKey = process.env.ADMIN_API_KEY;
const readerKey = process.env.READER_API_KEY || adminKey;
if (!adminKey) {
  console.error('[seed] ADMIN_API_KEY is not set');
  process.exit(2);
}
const { steps } = require(path.join(__dirname, '..', 'seed', 'scenario.json'));

/** How long to keep retrying an answer of 503 (the API says when, with Retry-After). */
const UNAVAILABLE_FOR_MS = 60_000;

async function call(method, url, key, { body, headers = {} } = {}) {
  const giveUpAt = Date.now() + UNAVAILABLE_FOR_MS;
  for (;;) {
    const response = await fetch(`${api}${url}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const retryAfter = Number(response.headers.get('retry-after'));
    if (response.status === 503 && retryAfter > 0 && Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      continue;
    }
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  }
}

function streamOf(step) {
  const match = /^\/v1\/[a-z-]+\/([a-z0-9-]+)\//.exec(step.path);
  return match ? match[1] : step.body.id;
}

/** The same request for a step on every run: nothing in it depends on what the ledger holds. */
function requestOf(step, expectedVersion) {
  const headers = {
    'Idempotency-Key': `seed-${createHash('sha256').update(JSON.stringify(step)).digest('hex').slice(0, 32)}`,
  };
  if (expectedVersion > 0) headers['If-Match'] = `"${expectedVersion}"`;
  return { body: step.body, headers };
}

async function load() {
  const versions = new Map();
  const tokens = new Map();
  const outcomes = { appended: 0, replayed: 0, refused: [] };
  for (const [index, step] of steps.entries()) {
    const streamId = streamOf(step);
    const expected = versions.get(streamId) ?? 0;
    versions.set(streamId, expected + 1);
    const { status, headers, body } = await call('POST', step.path, adminKey, requestOf(step, expected));
    if (status === 201) {
      outcomes[headers.get('idempotent-replayed') === 'true' ? 'replayed' : 'appended']++;
      tokens.set(streamId, headers.get('consistency-token'));
    } else {
      outcomes.refused.push(
        `step ${index + 1} (POST ${step.path}) answered ${status} ${body?.code ?? ''}: ${body?.detail ?? JSON.stringify(body)}`,
      );
    }
  }
  console.log(
    `[seed] ${steps.length} seed events: ${outcomes.appended} appended, ${outcomes.replayed} replayed (already in the ledger)`,
  );
  if (outcomes.refused.length > 0) {
    throw new Error(
      `${outcomes.refused.length} seed steps neither appended nor replayed an earlier seed run's answer ` +
        `(the ledger holds these streams from other writes, or they were seeded with another admin key):\n  ` +
        outcomes.refused.join('\n  '),
    );
  }
  return tokens;
}

/** Read-your-writes: each stream's last write is in the read models before the queries run. */
async function awaitProjection(tokens) {
  for (const [streamId, token] of tokens) {
    const { status, body } = await call('GET', `/v1/measures/${streamId}`, readerKey, {
      headers: { 'Consistency-Token': token },
    });
    if (status !== 200) throw new Error(`${streamId} is not in the read models (${status} ${body?.code})`);
  }
}

async function show(title, url, summarise) {
  const { status, body } = await call('GET', url, readerKey);
  if (status !== 200) throw new Error(`${url} answered ${status}: ${JSON.stringify(body)}`);
  console.log(`\n${title}\n  GET ${url}\n  → ${summarise(body)}`);
}

async function main() {
  await awaitProjection(await load());
  // A layer with points suspended levies its applied rate; the legal rate stays on record.
  const levied = (layer) =>
    layer.suspension === null
      ? `${layer.appliedRate}`
      : `${layer.appliedRate} [${layer.rate} with ${layer.suspension.points} points suspended]`;
  const layers = (body) =>
    `${body.total}% = ${body.layers.map((layer) => `${levied(layer)} (${layer.program}, ${layer.legalInstrument})`).join(' + ')}`;
  await show(
    'US additional duty on Chinese permanent magnets (HS 850511) on 20 April 2025',
    '/v1/tariffs/effective?imposer=US&origin=CN&product=850511&asOf=2025-04-20',
    layers,
  );
  await show(
    '… and on Chinese laptops (HS 847130) that day: the memorandum of 11 April 2025 took computers out of the reciprocal tariffs',
    '/v1/tariffs/effective?imposer=US&origin=CN&product=847130&asOf=2025-04-20',
    layers,
  );
  await show(
    '… and on 20 May 2025, after the Geneva joint statement',
    '/v1/tariffs/effective?imposer=US&origin=CN&product=850511&asOf=2025-05-20',
    layers,
  );
  await show(
    '… and on 15 November 2025, after the Kuala Lumpur/Busan arrangement',
    '/v1/tariffs/effective?imposer=US&origin=CN&product=850511&asOf=2025-11-15',
    layers,
  );
  await show(
    'Elements China required an export licence for on 10 April 2025 (to the US)',
    '/v1/export-controls/active?imposer=CN&destination=US&asOf=2025-04-10',
    (body) =>
      body.controls
        .map(
          (control) =>
            `${control.controlId}: ${[...new Set(control.items.map((item) => item.element).filter(Boolean))].join(', ')}`,
        )
        .join('; '),
  );
}

main().catch((error) => {
  console.error(`[seed] ${error.message}`);
  process.exit(1);
});
