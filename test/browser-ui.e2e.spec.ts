import { mkdirSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { KEYS } from './support/ledger-harness';
import { ledgerOverHttp } from './support/ledger-over-http';
import { citation, imposeReciprocalOnChina, raiseTo84 } from './support/policy-bodies';

/** Where the run leaves the screenshot of a stream's page, for a person to look at. */
const ARTIFACTS = join(__dirname, '..', '.cache', 'test-artifacts');

/** Debian's Chromium, which the test script installs; flags that keep it off the network. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * What a person sees in a real browser: the list of streams, one stream's page with its state,
 * history table and picture, the picture alone as an SVG document; the API key given once, as
 * HTTP Basic's password, when the browser is asked for it.
 */
describe('the read-only pages and the timeline picture, in headless Chromium', () => {
  const ledger = ledgerOverHttp('browser-ui');
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    await ledger.start();
    const server = ledger.server() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });

    await ledger.write('/v1/tariff-measures', imposeReciprocalOnChina('ui-reciprocal'));
    await ledger.write('/v1/tariff-measures/ui-reciprocal/rate-changes', raiseTo84);
    const typo = await ledger.write('/v1/tariff-measures/ui-reciprocal/rate-changes', {
      rate: 840,
      validFrom: '2025-04-10T04:01:00Z',
      citation,
    });
    const retraction = await ledger.write('/v1/streams/ui-reciprocal/retractions', {
      retractedEventId: typo.id,
      reason: 'Typed 840 for 84',
      citation: { reference: 'Correction <of a typo>' },
    });
    await ledger.read('/v1/measures/ui-reciprocal', retraction.position);
  });

  afterAll(async () => {
    await browser?.close();
    await ledger.stop();
  });

  it('lists the streams, opens one, and shows its state, its history and the picture of it', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: 'reader', password: KEYS.reader },
    });
    try {
      const page = await context.newPage();
      const list = await page.goto(`${base}/ui`);
      expect(list?.status()).toBe(200);
      await page.click('tr[data-stream-id="ui-reciprocal"] a');
      await page.waitForURL(`${base}/ui/measures/ui-reciprocal`);

      expect(await page.textContent('#state')).toContain('in-force');
      expect(await page.locator('table tbody tr').count()).toBe(4);
      expect(await page.locator('tr.retracted').getAttribute('data-version')).toBe('3');
      // Text from the record is shown as text, never as markup.
      expect(await page.locator('table').textContent()).toContain('Correction <of a typo>');

      const bands = page.locator('svg g.event');
      expect(await bands.count()).toBe(4);
      expect(await page.locator('svg g.event.retracted').getAttribute('data-version')).toBe('3');
      expect(await page.locator('svg .link').count()).toBe(1);
      // Laid out by the browser: the rate bands have width, the typo's starts right of the 84 %.
      const boxOf = async (version: number) =>
        page.locator(`svg g.event[data-version="${version}"] rect.band`).boundingBox();
      const [imposed, raised, typo] = [await boxOf(1), await boxOf(2), await boxOf(3)];
      expect(imposed?.width).toBeGreaterThan(100);
      expect(raised?.x).toBe(imposed?.x);
      expect(typo?.x).toBeGreaterThan(raised?.x ?? Infinity);
      mkdirSync(ARTIFACTS, { recursive: true });
      const screenshot = await page.screenshot({ fullPage: true, path: join(ARTIFACTS, 'ui-measure.png') });
      expect(screenshot.length).toBeGreaterThan(10_000);
    } finally {
      await context.close();
    }
  });

  it('serves the picture alone as a well-formed SVG document', async () => {
    const context = await browser.newContext({ httpCredentials: { username: 'any', password: KEYS.reader } });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${base}/v1/measures/ui-reciprocal/timeline.svg`);
      expect(response?.headers()['content-type']).toBe('image/svg+xml; charset=utf-8');
      // An XML parse error would make the document a parser-error page, not an <svg>.
      expect(await page.evaluate('document.documentElement.tagName')).toBe('svg');
      expect(await page.locator('g.event').count()).toBe(4);
    } finally {
      await context.close();
    }
  });

  it('asks a browser without a key for one, and takes HTTP Basic only where a browser reads', async () => {
    const anonymous = await fetch(`${base}/ui`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);

    const basic = (key: string) => ({
      Authorization: `Basic ${Buffer.from(`reader:${key}`).toString('base64')}`,
    });
    expect((await fetch(`${base}/ui`, { headers: basic('not-a-key') })).status).toBe(401);
    expect(
      (await fetch(`${base}/v1/measures/unknown-measure/timeline.svg`, { headers: basic(KEYS.reader) }))
        .status,
    ).toBe(404);
    expect((await fetch(`${base}/ui?type=no-such-type`, { headers: basic(KEYS.reader) })).status).toBe(400);

    // The JSON API and every write take a bearer token only: a browser's remembered Basic
    // credentials cannot write, nor read what pages do not show.
    const json = await fetch(`${base}/v1/measures/ui-reciprocal`, { headers: basic(KEYS.reader) });
    expect(json.status).toBe(401);
    expect(json.headers.get('www-authenticate')).toBeNull();
    const write = await fetch(`${base}/v1/tariff-measures/ui-reciprocal/rate-changes`, {
      method: 'POST',
      headers: { ...basic(KEYS.admin), 'Content-Type': 'application/json' },
      body: JSON.stringify(raiseTo84),
    });
    expect(write.status).toBe(401);
  });
});
