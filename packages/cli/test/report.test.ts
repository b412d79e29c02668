import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LEVEL_KINDS } from '@spymaster/schemas';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoReportResult, renderReportHtml, writeDemoReport } from '../src/index.js';

// Debian's chromium; CI installs it (.ci/run, "system tools"). A missing browser fails the test, never skips it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const dir = mkdtempSync(join(tmpdir(), 'spymaster-report-'));
// One short small session (04:00–10:00 ET: premarket, opening range, half an hour of RTH payloads).
const args = { dataDir: join(dir, 'sessions'), start: '2025-12-16', days: 1, end: '10:00' } as const;
let report: DemoReportResult;
let browser: Browser | undefined;

beforeAll(async () => {
  report = await writeDemoReport({ ...args, out: join(dir, 'report.html') });
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('writeDemoReport', () => {
  it('replays the session into chart points, touches and labels', () => {
    const { data } = report;
    expect(report.simulated).toBe(true);
    expect(data.dates).toEqual(['2025-12-16']);
    // 09:30–10:00 ET at one point per 5 s.
    expect(data.t.length).toBeGreaterThan(300);
    expect(data.t.length).toBeLessThanOrEqual(361);
    for (let i = 1; i < data.t.length; i++) expect(data.t[i]).toBeGreaterThan(data.t[i - 1] as number);
    expect(data.spot.filter((s) => s !== null).length).toBe(data.t.length);
    for (const kind of LEVEL_KINDS) expect(data.levels[kind].price).toHaveLength(data.t.length);
    // Premarket levels exist from the first RTH payload on.
    expect(data.levels.PM_HIGH.price[0]).not.toBeNull();
    expect(data.levels.PM_LOW.price[0]).not.toBeNull();
    expect(data.touches.length).toBeGreaterThan(0);
    expect(data.touches.filter((t) => t.outcome !== null).length).toBe(data.touches.length);
    // Touches in RTH carry the engines' view from the payload of the next snap.
    const rth = data.touches.filter((t) => t.t >= (data.t[0] as number));
    expect(rth.length).toBeGreaterThan(0);
    for (const t of rth) {
      expect(t.engines).not.toBeNull();
      expect((t.engines?.t as number) - t.t).toBeLessThanOrEqual(0.25);
    }
  });

  it('reuses the simulated sessions and gives the same data', async () => {
    const again = await writeDemoReport({ ...args, out: join(dir, 'again.html') });
    expect(again.simulated).toBe(false);
    expect(JSON.stringify(again.data)).toBe(JSON.stringify(report.data));
    expect(readFileSync(again.path, 'utf8')).toBe(readFileSync(report.path, 'utf8'));
  });

  it('writes one self-contained file: no external resources, data cannot close its script element', () => {
    const html = readFileSync(report.path, 'utf8');
    expect(report.bytes).toBe(Buffer.byteLength(html));
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toContain('LightweightCharts');
    const hostile = renderReportHtml({ ...report.data, dates: ['</script><script>alert(1)</script>'] });
    const dataScript = hostile.slice(hostile.indexOf('id="report-data"'));
    expect(dataScript.slice(0, dataScript.indexOf('</script>'))).toContain('<\\/script>');
  });
});

describe('the report in headless Chromium', () => {
  it('draws both charts with data, fills the tables and logs no errors', async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
      );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(report.path).href;
    await page.goto(url);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 20_000 });
    // Let the charts paint (lightweight-charts draws on the next animation frames).
    // Page code is passed as text: this package compiles without the DOM library.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');

    // Per chart: its canvases, their sizes, and the painted (dark enough, opaque) pixels of the busiest one —
    // lines and markers, not just an empty grid.
    const charts = (await page.evaluate(`['price', 'score'].map((id) => {
      const canvases = [...document.querySelectorAll('#' + id + ' canvas')];
      let inked = 0;
      for (const c of canvases) {
        if (c.width === 0 || c.height === 0) continue;
        const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && pixels[i] + pixels[i + 1] + pixels[i + 2] < 600) n++;
        inked = Math.max(inked, n);
      }
      return { id, canvases: canvases.length, sizes: canvases.map((c) => [c.width, c.height]), inked };
    })`)) as { id: string; canvases: number; sizes: [number, number][]; inked: number }[];
    expect(charts).toHaveLength(2);
    for (const chart of charts) {
      expect(chart.canvases, chart.id).toBeGreaterThan(0);
      expect(Math.max(...chart.sizes.map(([w, h]) => w * h)), chart.id).toBeGreaterThan(100_000);
      expect(chart.inked, `${chart.id}: painted pixels`).toBeGreaterThan(2_000);
    }
    const touchRows = await page.locator('#touches tbody tr').count();
    expect(touchRows).toBe(report.data.touches.length);
    const kinds = new Set(report.data.touches.map((t) => t.kind));
    expect(await page.locator('#outcomes tbody tr').count()).toBe(kinds.size);
    expect(await page.locator('#legend span').count()).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  }, 60_000);
});
