#!/usr/bin/env node
// `npm run demo`: the most complete job the SDK runs today, on its embedded default (a simulated session;
// the engines → signals → lake → gateway stages join as those packages land):
//   1. simulate one ES futures + 0DTE options trade date (small scale) into real DBN files,
//   2. replay them through @spymaster/replay: definitions, front-month and 0DTE selection, canonical events
//      in canonical order,
//   3. write the canonical events as Bronze Arrow tables (@spymaster/schemas) and read them back,
//   4. print the day's stylized facts,
//   5. simulate three small trade dates (once, kept in data/demo/sessions/), replay them through every engine with
//      automatic levels and the levels pipeline (touches, labels), and write a self-contained HTML report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProgress, writeDemoReport } from '@spymaster/cli';
import { canonicalEventBatches, emptyPipelineStats, loadDefinitions } from '@spymaster/replay';
import { openDbnFile } from '@spymaster/replay/node';
import {
  BronzeFuturesTrades,
  BronzeMbp10,
  BronzeOptionNbbo,
  BronzeOptionTrades,
  DEFAULT_CONFIG,
  mbp10ToBronzeRow,
} from '@spymaster/schemas';
import { arrowTableToRows, rowsToArrowTable } from '@spymaster/schemas/arrow';
import { initialCarry, sessionWindow, simulateSession, stylizedFacts } from '@spymaster/sim';
import { tableFromIPC, tableToIPC } from 'apache-arrow';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'data', 'demo');
const date = '2025-12-16'; // inside the December 2025 roll window: front ESH6, 0DTE options on ESZ5
const seed = '7';
mkdirSync(out, { recursive: true });
const fmt = (n) => n.toLocaleString('en-US');

// 1. Simulate
let t = performance.now();
const day = simulateSession({ date, seed, scale: 'small', outDir: join(out, 'dbn') });
const total = Object.values(day.counts).reduce((a, b) => a + b, 0);
console.log(
  `sim     ${date}: ${fmt(total)} DBN records in ${((performance.now() - t) / 1000).toFixed(1)} s → data/demo/dbn/`,
);
console.log(
  `        front ${day.contracts.front.symbol}, second ${day.contracts.other.symbol} (basis ${day.contracts.other.basis} pt), ${fmt(day.chain.length)} options listed`,
);

// 2. Replay to canonical events
t = performance.now();
const instruments = await loadDefinitions([await openDbnFile(day.files.definition)]);
const sources = await Promise.all(
  [day.files.futuresTrades, day.files.futuresMbp10, day.files.optionsTrades, day.files.optionsMbp1].map((f) =>
    openDbnFile(f),
  ),
);
const stats = emptyPipelineStats();
const events = { FT: [], MB: [], OT: [], ON: [] };
for await (const batch of canonicalEventBatches(sources, { instruments, stats, source: 'sim' })) {
  for (const event of batch) events[event.event_id.slice(0, 2)].push(event);
}
const seconds = (performance.now() - t) / 1000;
const n = Object.values(events).reduce((a, b) => a + b.length, 0);
console.log(
  `replay  ${fmt(n)} canonical events in ${seconds.toFixed(1)} s (${fmt(Math.round(n / seconds))}/s): ${fmt(events.FT.length)} futures trades, ${fmt(events.MB.length)} MBP-10, ${fmt(events.OT.length)} option trades, ${fmt(events.ON.length)} option NBBO`,
);
console.log(`        dropped ${JSON.stringify(stats.dropped)}; late ${stats.late}; duplicates ${stats.duplicates}`);

// 3. Bronze Arrow tables
t = performance.now();
for (const [table, rows, name] of [
  [BronzeFuturesTrades, events.FT, 'futures.trades.v1'],
  [BronzeMbp10, events.MB.map(mbp10ToBronzeRow), 'futures.mbp10.v1'],
  [BronzeOptionTrades, events.OT, 'options.trades.v1'],
  [BronzeOptionNbbo, events.ON, 'options.nbbo.v1'],
]) {
  const bytes = tableToIPC(rowsToArrowTable(table, rows), 'file');
  writeFileSync(join(out, `${name}.arrow`), bytes);
  const back = arrowTableToRows(table, tableFromIPC(bytes));
  if (back.length !== rows.length || back[back.length - 1]?.event_id !== rows[rows.length - 1]?.event_id)
    throw new Error(`${name}: round trip lost rows`);
}
console.log(
  `bronze  4 Arrow tables written to data/demo/ and read back in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

// 4. Facts
const facts = await stylizedFacts({
  files: day.files,
  window: sessionWindow(date),
  ...day.contracts,
  chain: day.chain,
  priorCloses: initialCarry(date, seed).closes2m,
});
console.log(
  `facts   one-tick spread ${(facts.oneTickSpreadShare * 100).toFixed(1)} % of RTH book states; 1-min excess kurtosis ${facts.excessKurtosis1m.toFixed(1)}; ` +
    `trade-sign autocorrelation ${facts.tradeSignAutocorrelation.toFixed(2)}; level touches BREAK ${facts.touches.BREAK} / BOUNCE ${facts.touches.BOUNCE} / CHOP ${facts.touches.CHOP}`,
);
console.log(
  `config  ${Object.keys(DEFAULT_CONFIG).length} parameters; MONITOR_BAND ${DEFAULT_CONFIG.MONITOR_BAND} pt, OUTCOME_THRESHOLD ${DEFAULT_CONFIG.OUTCOME_THRESHOLD} pt`,
);

// 5. Report
const report = await writeDemoReport({
  dataDir: join(out, 'sessions'),
  out: join(out, 'report.html'),
  progress: (bytes) => createProgress('replaying', bytes),
});
const { data } = report;
const outcomes = {};
for (const touch of data.touches)
  outcomes[touch.outcome ?? 'unlabeled'] = (outcomes[touch.outcome ?? 'unlabeled'] ?? 0) + 1;
console.log(
  `report  ${data.dates.join(', ')}: ${report.simulated ? `simulated in ${report.seconds.simulate.toFixed(1)} s, ` : 'sessions reused, '}` +
    `${fmt(data.events)} events → ${fmt(data.payloads)} levels.signals payloads in ${report.seconds.replay.toFixed(1)} s; ` +
    `${data.touches.length} touches (${Object.entries(outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
);
console.log(`        ${report.path} (${(report.bytes / 1024).toFixed(0)} KiB, self-contained: open it in a browser)`);
