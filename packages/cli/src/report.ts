/**
 * The demo report (`npm run demo`): simulated sessions → every engine (levels.signals payloads, automatic
 * levels) and the levels pipeline (touches, labels) → one self-contained HTML file drawn with lightweight-charts
 * (inlined; nothing is fetched when the file is opened).
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LevelsPipeline } from '@spymaster/levels/pipeline';
import type { TouchRow } from '@spymaster/levels/touch';
import { canonicalEventBatches, emptyPipelineStats, loadDefinitions } from '@spymaster/replay';
import { openDbnFile } from '@spymaster/replay/node';
import { LEVEL_KINDS, type LevelKind, type LevelSignalPayload, type LevelsSignalsPayload } from '@spymaster/schemas';
import { type SessionFiles, simulateSessions } from '@spymaster/sim';
import type { Progress } from './progress.js';
import { replaySignals } from './replay.js';

/** Options of {@link writeDemoReport}. */
export interface DemoReportOptions {
  /** Directory of the simulated sessions; reused when it already holds the same sessions. */
  dataDir: string;
  /** Path of the HTML report written. */
  out: string;
  /** First trade date (default `2025-12-15`). */
  start?: string;
  /** Trade dates simulated (weekdays, default 3). */
  days?: number;
  /** Simulator seed (default `7`). */
  seed?: string;
  /** End of each simulated window, ET `HH:MM` (default the simulator's, 13:30). */
  end?: string;
  /** Seconds between the chart points kept (default 5; payloads come every 250 ms). */
  sampleSeconds?: number;
  /** Makes the progress bar of the replay from its total input bytes (default: no progress). */
  progress?: (totalBytes: number) => Progress;
}

/** One touch of the report: the levels pipeline's row, its label, and the engines' view of the level at it. */
export interface ReportTouch {
  /** Row id (`event_id` of the touch row). */
  id: string;
  /** Anchor time, Unix seconds (float). */
  t: number;
  /** Level kind. */
  kind: LevelKind;
  /** Break direction: UP (approach from below) or DOWN. */
  direction: 'UP' | 'DOWN';
  /** Level price at the anchor, points. */
  level: number;
  /** Anchor trade price. */
  spot: number;
  /** Primary-horizon outcome label (BREAK, BOUNCE, CHOP, UNDEFINED), or null when never labeled. */
  outcome: string | null;
  /** Signed strength of the primary label, points. */
  strength: number | null;
  /** The level in the first payload at or after the anchor, or null when the payload did not list it. */
  engines: {
    /** Barrier state. */
    barrier: string;
    /** Tape imbalance in [−1, 1]. */
    tape_imbalance: number;
    /** Fuel effect. */
    fuel: string;
    /** Smoothed break score, 0–100. */
    break_score: number;
    /** Signal class. */
    signal: string;
    /** Snap time of that payload, Unix seconds. */
    t: number;
  } | null;
}

/** The data a report is drawn from (embedded in the HTML as JSON). */
export interface ReportData {
  /** Trade dates replayed. */
  dates: string[];
  /** Seconds between points. */
  sampleSeconds: number;
  /** Point times, Unix seconds. */
  t: number[];
  /** ES spot at each point (null before the first trade). */
  spot: (number | null)[];
  /** Per level kind: price, smoothed break score and signal at each point (null when the level is absent). */
  levels: Record<LevelKind, { price: (number | null)[]; score: (number | null)[]; signal: (string | null)[] }>;
  /** Every touch row, in anchor order. */
  touches: ReportTouch[];
  /** Payloads replayed. */
  payloads: number;
  /** Canonical events replayed. */
  events: number;
}

/** What {@link writeDemoReport} did. */
export interface DemoReportResult {
  /** The HTML file written. */
  path: string;
  /** Its size, bytes. */
  bytes: number;
  /** True when the sessions were simulated by this call (false: reused from `dataDir`). */
  simulated: boolean;
  /** The report's data. */
  data: ReportData;
  /** Wall time of simulation, replay and levels pipeline, seconds. */
  seconds: { simulate: number; replay: number; levels: number };
}

const NS_PER_S = 1_000_000_000n;
/** A touch takes the engines' view from a payload at most this long after its anchor (snaps are 250 ms apart). */
const MAX_ATTRIBUTION_GAP_S = 1;
const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** The sessions of `dataDir`, simulated when the manifest of the same arguments is missing. */
function sessions(
  dataDir: string,
  args: { start: string; days: number; seed: string; end?: string },
): { files: SessionFiles[]; simulated: boolean } {
  const manifest = join(dataDir, 'manifest.json');
  if (existsSync(manifest)) {
    const saved = JSON.parse(readFileSync(manifest, 'utf8')) as { args: unknown; files: SessionFiles[] };
    if (
      JSON.stringify(saved.args) === JSON.stringify(args) &&
      saved.files.every((f) => Object.values(f).every((p) => existsSync(p)))
    )
      return { files: saved.files, simulated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const days = simulateSessions({ ...args, scale: 'small', outDir: dataDir });
  const files = days.map((d) => d.files);
  writeFileSync(manifest, `${JSON.stringify({ args, files }, null, 1)}\n`);
  return { files, simulated: true };
}

/** Touch rows and primary labels of the front-month trades of every day (one pipeline across the days). */
async function touchesOf(days: SessionFiles[]): Promise<ReportTouch[]> {
  const pipeline = new LevelsPipeline();
  const rows: TouchRow[] = [];
  const labels = new Map<string, { outcome: string; strength: number }>();
  const keep = (ls: { event_id: string; primary: { outcome: string; strength_signed: number } }[]) => {
    for (const l of ls) labels.set(l.event_id, { outcome: l.primary.outcome, strength: l.primary.strength_signed });
  };
  for (const day of days) {
    const instruments = await loadDefinitions([await openDbnFile(day.definition)]);
    const sources = [await openDbnFile(day.futuresTrades)];
    for await (const batch of canonicalEventBatches(sources, { instruments, stats: emptyPipelineStats() })) {
      for (const e of batch) {
        if (!('aggressor' in e) || 'option_symbol' in e) continue;
        const step = pipeline.onTrade(e);
        rows.push(...step.rows);
        keep(step.labels);
      }
    }
  }
  keep(pipeline.finish().labels);
  return rows.map((r) => ({
    id: r.event_id,
    t: Number(r.ts_ns) / 1e9,
    kind: r.level_kind_name,
    direction: r.direction,
    level: r.level_price,
    spot: r.spot,
    outcome: labels.get(r.event_id)?.outcome ?? null,
    strength: labels.has(r.event_id) ? round(labels.get(r.event_id)?.strength ?? 0, 2) : null,
    engines: null,
  }));
}

/**
 * Simulate `days` small sessions into `dataDir` (unless already there), replay them through every engine with
 * automatic levels, run the levels pipeline for touches and labels, and write one self-contained HTML report
 * (lightweight-charts and the data inlined): price path with the six levels, break scores and signals, and a
 * table of touches with the barrier, tape and fuel view at each touch and its label.
 *
 * @example
 * ```ts
 * const report = await writeDemoReport({ dataDir: 'data/demo/sessions', out: 'data/demo/report.html' });
 * console.log(`${report.path}: ${report.data.touches.length} touches`);
 * ```
 */
export async function writeDemoReport(options: DemoReportOptions): Promise<DemoReportResult> {
  const sampleNs = BigInt(Math.round((options.sampleSeconds ?? 5) * 1000)) * 1_000_000n;
  const args = {
    start: options.start ?? '2025-12-15',
    days: options.days ?? 3,
    seed: options.seed ?? '7',
    ...(options.end ? { end: options.end } : {}),
  };
  let t0 = performance.now();
  const { files: days, simulated } = sessions(options.dataDir, args);
  const simulate = (performance.now() - t0) / 1000;

  t0 = performance.now();
  const touches = await touchesOf(days);
  const levelsSeconds = (performance.now() - t0) / 1000;

  const data: ReportData = {
    dates: [],
    sampleSeconds: Number(sampleNs) / 1e9,
    t: [],
    spot: [],
    levels: Object.fromEntries(
      LEVEL_KINDS.map((k) => [k, { price: [], score: [], signal: [] }]),
    ) as unknown as ReportData['levels'],
    touches,
    payloads: 0,
    events: 0,
  };
  const paths = days.flatMap((d) => Object.values(d) as string[]);
  const total = paths.reduce((sum, p) => sum + statSync(p).size, 0);
  const progress = options.progress?.(total);
  let nextSample = 0n;
  let pending = 0; // index of the first touch still without its payload
  const find = (p: LevelsSignalsPayload, kind: LevelKind): LevelSignalPayload | undefined =>
    p.levels.find((l) => l.kind === kind);
  t0 = performance.now();
  const summary = await replaySignals({
    files: paths,
    ...(progress ? { progress } : {}),
    // Payload objects straight from the service: nothing is serialized or parsed again.
    onPayload: (p) => {
      const ts = BigInt(p.ts_ns);
      const sample = ts >= nextSample;
      const touchDue = pending < touches.length && (touches[pending] as ReportTouch).t <= Number(ts) / 1e9;
      if (!sample && !touchDue) return;
      while (pending < touches.length && (touches[pending] as ReportTouch).t <= Number(ts) / 1e9) {
        const touch = touches[pending++] as ReportTouch;
        const level = Number(ts) / 1e9 - touch.t <= MAX_ATTRIBUTION_GAP_S ? find(p, touch.kind) : undefined;
        if (level)
          touch.engines = {
            barrier: level.barrier.state,
            tape_imbalance: round(level.tape.imbalance, 3),
            fuel: level.fuel.effect,
            break_score: round(level.break_score_smooth, 1),
            signal: level.signal,
            t: Number(ts / 1_000_000n) / 1000,
          };
      }
      if (!sample) return;
      nextSample = (ts / sampleNs + 1n) * sampleNs;
      data.t.push(Number(ts / NS_PER_S));
      data.spot.push(p.es.spot);
      for (const kind of LEVEL_KINDS) {
        const level = find(p, kind);
        const series = data.levels[kind];
        series.price.push(level ? level.price : null);
        series.score.push(level ? round(level.break_score_smooth, 1) : null);
        series.signal.push(level ? level.signal : null);
      }
    },
  });
  const replay = (performance.now() - t0) / 1000;
  data.dates = summary.trade_dates;
  data.payloads = summary.payloads;
  data.events = summary.events;
  const html = renderReportHtml(data);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, html);
  return {
    path: options.out,
    bytes: Buffer.byteLength(html),
    simulated,
    data,
    seconds: { simulate, replay, levels: levelsSeconds },
  };
}

/** The lightweight-charts standalone build (it defines the `LightweightCharts` global). */
function chartsLibrary(): string {
  const pkg = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  return readFileSync(join(dirname(pkg), 'dist', 'lightweight-charts.standalone.production.js'), 'utf8');
}

/** Inline `<script>` text safely: no `</script` or `<!--` can end or confuse the element. */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * The report as one self-contained HTML document: the lightweight-charts standalone build and `data` inlined.
 *
 * @example
 * ```ts
 * writeFileSync('report.html', renderReportHtml(report.data));
 * ```
 */
export function renderReportHtml(data: ReportData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Spymaster demo report ${data.dates.join(', ')}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1d232a; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.6rem; }
.chart { height: 420px; width: 100%; } #score { height: 300px; }
.legend span { display: inline-block; margin-right: 1rem; } .legend i { display: inline-block; width: 12px; height: 3px; vertical-align: middle; margin-right: 4px; }
table { border-collapse: collapse; font-size: 12px; } th, td { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: right; }
th { background: #f3f5f7; position: sticky; top: 0; } td.l, th.l { text-align: left; }
.BREAK { color: #c62828; } .BOUNCE { color: #2e7d32; } .CHOP { color: #8d6e00; } .UNDEFINED { color: #777; }
.note { color: #555; max-width: 60rem; }
</style>
</head>
<body>
<h1>Spymaster demo: ${data.dates.length} simulated session(s) ${data.dates.join(', ')}</h1>
<p class="note" id="summary"></p>
<h2>ES price path and the six levels (arrows: touches, coloured by their label)</h2>
<div class="legend" id="legend"></div>
<div class="chart" id="price"></div>
<h2>Break score (smoothed, 0–100) per level; markers where the signal turns BRK (break), BNC (bounce) or CHP (chop)</h2>
<div class="chart" id="score"></div>
<h2>Label outcomes (primary horizon)</h2>
<table id="outcomes"><thead><tr><th class="l">Level</th><th>BREAK</th><th>BOUNCE</th><th>CHOP</th><th>UNDEFINED</th><th>touches</th></tr></thead><tbody></tbody></table>
<h2>Touches: barrier / tape / fuel at the touch, and the label</h2>
<p class="note">Engines' view of the level in the first levels.signals payload at or after the touch anchor.</p>
<table id="touches"><thead><tr><th class="l">time (ET)</th><th class="l">level</th><th class="l">dir</th><th>level price</th><th>spot</th><th class="l">barrier</th><th>tape imbalance</th><th class="l">fuel</th><th>break score</th><th class="l">signal</th><th class="l">outcome</th><th>strength</th></tr></thead><tbody></tbody></table>
<script>${scriptSafe(chartsLibrary())}</script>
<script id="report-data" type="application/json">${scriptSafe(JSON.stringify(data))}</script>
<script>${scriptSafe(REPORT_SCRIPT)}</script>
</body>
</html>
`;
}

/** The page script: draws the charts and fills the tables from `#report-data`. */
const REPORT_SCRIPT = `
'use strict';
const data = JSON.parse(document.getElementById('report-data').textContent);
const LC = LightweightCharts;
const COLORS = { PM_HIGH: '#1565c0', PM_LOW: '#64b5f6', OR_HIGH: '#6a1b9a', OR_LOW: '#ba68c8', SMA_200: '#ef6c00', SMA_400: '#8d6e63' };
const OUTCOME = { BREAK: '#c62828', BOUNCE: '#2e7d32', CHOP: '#b08900', UNDEFINED: '#777777' };
const SIGNAL = { BREAK: '#c62828', BOUNCE: '#2e7d32', CHOP: '#b08900' };
const SIGNAL_TEXT = { BREAK: 'BRK', BOUNCE: 'BNC', CHOP: 'CHP' };
const et = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const etTime = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hour12: false });
const fmtT = (s) => et.format(new Date(s * 1000));
const options = {
  autoSize: true,
  layout: { attributionLogo: false },
  localization: { timeFormatter: fmtT },
  timeScale: { timeVisible: true, secondsVisible: false, minBarSpacing: 0.01, tickMarkFormatter: (s) => etTime.format(new Date(s * 1000)) },
  rightPriceScale: { borderVisible: false },
};
function points(values) {
  const out = [];
  for (let i = 0; i < data.t.length; i++) out.push(values[i] === null ? { time: data.t[i] } : { time: data.t[i], value: values[i] });
  return out;
}
const price = LC.createChart(document.getElementById('price'), options);
const spot = price.addSeries(LC.LineSeries, { color: '#212121', lineWidth: 2, title: 'ES' });
spot.setData(points(data.spot));
const score = LC.createChart(document.getElementById('score'), options);
const legend = document.getElementById('legend');
for (const [kind, s] of Object.entries(data.levels)) {
  if (s.price.every((v) => v === null)) continue;
  const color = COLORS[kind];
  price.addSeries(LC.LineSeries, { color, lineWidth: 1, lineType: LC.LineType.WithSteps, lineStyle: LC.LineStyle.Dashed, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false }).setData(points(s.price));
  const line = score.addSeries(LC.LineSeries, { color, lineWidth: 1, title: kind, priceLineVisible: false });
  line.setData(points(s.score));
  const markers = [];
  for (let i = 0; i < data.t.length; i++) {
    const sig = s.signal[i];
    if (sig !== null && sig !== s.signal[i - 1] && SIGNAL[sig]) markers.push({ time: data.t[i], position: 'aboveBar', color: SIGNAL[sig], shape: 'circle', text: SIGNAL_TEXT[sig] });
  }
  LC.createSeriesMarkers(line, markers);
  legend.insertAdjacentHTML('beforeend', '<span><i style="background:' + color + '"></i>' + kind + '</span>');
}
const touchMarkers = [];
let cursor = 0;
for (const touch of data.touches) {
  while (cursor + 1 < data.t.length && data.t[cursor + 1] <= touch.t) cursor++;
  if (data.t.length === 0 || touch.t < data.t[0]) continue;
  touchMarkers.push({ time: data.t[cursor], position: touch.direction === 'UP' ? 'belowBar' : 'aboveBar', shape: touch.direction === 'UP' ? 'arrowUp' : 'arrowDown', color: OUTCOME[touch.outcome] || '#777777', text: touch.kind });
}
LC.createSeriesMarkers(spot, touchMarkers);
price.timeScale().fitContent();
score.timeScale().fitContent();
const cell = (v, cls) => '<td' + (cls ? ' class="' + cls + '"' : '') + '>' + (v === null || v === undefined ? '–' : v) + '</td>';
const counts = {};
for (const touch of data.touches) {
  const c = (counts[touch.kind] ??= { BREAK: 0, BOUNCE: 0, CHOP: 0, UNDEFINED: 0, n: 0 });
  c.n++;
  if (touch.outcome) c[touch.outcome]++;
}
const outcomes = document.querySelector('#outcomes tbody');
for (const [kind, c] of Object.entries(counts)) outcomes.insertAdjacentHTML('beforeend', '<tr>' + cell(kind, 'l') + cell(c.BREAK, 'BREAK') + cell(c.BOUNCE, 'BOUNCE') + cell(c.CHOP, 'CHOP') + cell(c.UNDEFINED, 'UNDEFINED') + cell(c.n) + '</tr>');
const rows = [];
for (const t of data.touches) {
  const e = t.engines;
  rows.push('<tr>' + cell(fmtT(t.t), 'l') + cell(t.kind, 'l') + cell(t.direction, 'l') + cell(t.level.toFixed(2)) + cell(t.spot.toFixed(2)) +
    cell(e && e.barrier, 'l') + cell(e && e.tape_imbalance.toFixed(2)) + cell(e && e.fuel, 'l') + cell(e && e.break_score.toFixed(1)) +
    cell(e && e.signal, 'l ' + (e ? e.signal : '')) + cell(t.outcome, 'l ' + (t.outcome || '')) + cell(t.strength === null ? null : t.strength.toFixed(2)) + '</tr>');
}
document.querySelector('#touches tbody').innerHTML = rows.join('');
document.getElementById('summary').textContent = data.events.toLocaleString('en-US') + ' canonical events replayed through every engine → ' +
  data.payloads.toLocaleString('en-US') + ' levels.signals payloads (one per 250 ms, charted every ' + data.sampleSeconds + ' s), ' +
  data.touches.length + ' touches from the levels pipeline. Times are ET.';
document.body.dataset.rendered = 'true';
`;
