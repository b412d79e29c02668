// Throughput of the levels pipeline on a synthetic 4-trade-date path (3 warm-up dates + the session date, one
// front-month print per second from 18:00 ET to 13:30 ET, a ±1-tick random walk from a fixed seed), default
// configuration (SMA 200/400, 3 warm-up dates). Figures are trades/s and ratios to the first case, one run.
// Run: npm run bench -w @spymaster/levels
import { etToNs } from '@spymaster/schemas/time';
import { Bench } from 'tinybench';
import type { TradeInput } from '../src/config.js';
import { LevelUniverse } from '../src/level-universe.js';
import { LevelsPipeline, runLevelsPipeline } from '../src/pipeline.js';

const DATES = ['2025-12-11', '2025-12-12', '2025-12-15', '2025-12-16'];
const PREV = ['2025-12-10', '2025-12-11', '2025-12-14', '2025-12-15'];

function path(): TradeInput[] {
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const out: TradeInput[] = [];
  let tick = 24_000;
  DATES.forEach((d, i) => {
    const end = etToNs(d, '13:30');
    for (let ts = etToNs(PREV[i] as string, '18:00'); ts < end; ts += 1_000_000_000n) {
      const u = next();
      tick += u < 0.45 ? -1 : u > 0.55 ? 1 : 0;
      out.push({ ts_event_ns: ts, price: tick * 0.25, size: 1 + Math.floor(next() * 5), symbol: 'ESH6' });
    }
  });
  return out;
}

const trades = path();
let sink = 0;
const bench = new Bench({ time: 2000, warmupTime: 200, iterations: 3 });
bench
  .add('LevelUniverse.onTrade', () => {
    const u = new LevelUniverse();
    for (const t of trades) sink += u.onTrade(t) ? 1 : 0;
  })
  .add('LevelUniverse.onTrade + levelsAt', () => {
    const u = new LevelUniverse();
    for (const t of trades) {
      u.onTrade(t);
      sink += u.levelsAt(t.ts_event_ns).length;
    }
  })
  .add('LevelsPipeline.onTrade (levels, touches, labels)', () => {
    const p = new LevelsPipeline();
    for (const t of trades) sink += p.onTrade(t).rows.length;
    sink += p.finish().labels.length;
  })
  .add('runLevelsPipeline (batch)', () => {
    sink += runLevelsPipeline(trades).rows.length;
  });

await bench.run();

const rows = new LevelsPipeline();
let nRows = 0;
for (const t of trades) nRows += rows.onTrade(t).rows.length;
let base = Number.NaN;
console.log(`${trades.length.toLocaleString('en-US')} trades, ${nRows} touch rows\n`);
console.log('| case | trades/s | vs first |');
console.log('|---|---:|---:|');
for (const task of bench.tasks) {
  const mean = task.result && 'latency' in task.result ? task.result.latency.mean : Number.NaN;
  const rate = (trades.length / mean) * 1000;
  if (Number.isNaN(base)) base = rate;
  console.log(`| ${task.name} | ${Math.round(rate).toLocaleString('en-US')} | ${(rate / base).toFixed(2)} |`);
}
if (sink === -1) console.log(sink);
