// One `full` day of the simulator: wall time, generation rate and the stylized facts of the day.
// Run: npm run bench -w @spymaster/sim [-- --date 2025-12-16 --seed 7 --scale full]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sessionWindow } from '../src/contracts.js';
import { stylizedFacts } from '../src/facts.js';
import { initialCarry, simulateSession } from '../src/session.js';

const { values } = parseArgs({
  options: { date: { type: 'string' }, seed: { type: 'string' }, scale: { type: 'string' }, keep: { type: 'boolean' } },
});
const date = values.date ?? '2025-12-16';
const seed = values.seed ?? '7';
const scale = (values.scale ?? 'full') as 'small' | 'full';
const dir = mkdtempSync(join(tmpdir(), 'spymaster-sim-bench-'));

const started = performance.now();
const cpuStart = process.cpuUsage();
const day = simulateSession({ date, seed, scale, outDir: dir });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const records = Object.values(day.counts).reduce((a, b) => a + b, 0);
const bytes = Object.values(day.files).reduce((n, f) => n + statSync(f).size, 0);
console.log(
  `${scale} day ${date} (seed ${seed}): ${records.toLocaleString('en-US')} records in ${seconds.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`,
);
console.log(
  `generation rate ${Math.round(records / seconds).toLocaleString('en-US')} records/s (model, encoding and zstd included); ${(bytes / 1e6).toFixed(1)} MB of zstd files`,
);
console.log('counts:', JSON.stringify(day.counts));

const facts = await stylizedFacts({
  files: day.files,
  window: sessionWindow(date),
  ...day.contracts,
  chain: day.chain,
  priorCloses: initialCarry(date, seed).closes2m,
});
const [first, ...later] = facts.rthVolumeBuckets;
console.log('\n| stylized fact | value | target |');
console.log('|---|---:|---|');
console.log(
  `| one-tick spread share of RTH book states | ${(facts.oneTickSpreadShare * 100).toFixed(1)} % of ${facts.rthBookStates.toLocaleString('en-US')} | ≥ 90 % |`,
);
console.log(`| excess kurtosis of 1-minute returns | ${facts.excessKurtosis1m.toFixed(2)} | > 1 |`);
console.log(
  `| autocorrelation of abs 1-minute returns, lags 1–5 | ${facts.absReturnAutocorrelation.map((x) => x.toFixed(3)).join(', ')} | all > 0 |`,
);
console.log(`| lag-1 autocorrelation of trade signs | ${facts.tradeSignAutocorrelation.toFixed(3)} | > 0 |`);
console.log(`| volume 09:30–10:00 vs largest later 30 min | ${first} vs ${Math.max(...later)} | first larger |`);
console.log(
  `| structural-level touches BREAK / BOUNCE / CHOP | ${facts.touches.BREAK} / ${facts.touches.BOUNCE} / ${facts.touches.CHOP} | both > 0 |`,
);
console.log(
  `| option mids outside their quote | ${facts.optionQuotes.midOutsideSpread} of ${facts.optionQuotes.checked.toLocaleString('en-US')} | 0 |`,
);
console.log(
  `| put–call parity outside the combined spread | ${facts.parity.outsideSpread} of ${facts.parity.checked} | ≤ 1 % |`,
);
if (!values.keep) rmSync(dir, { recursive: true, force: true });
else console.log(`\nfiles kept in ${dir}`);
