// Validation cost on the hot path: zod versus the compiled validators of `@spymaster/schemas/fast`,
// for JSON wire events (what a NATS consumer decodes) and in-memory events (what a replay checks).
// Run: npm run bench -w @spymaster/schemas. Figures are events/s and ratios measured in one run.
import { Bench } from 'tinybench';
import { FuturesTradeRecord, type FuturesTradeWire, MBP10Record, type MBP10Wire } from '../src/events.js';
import { compileValidator, compileWireDecoder, decodeMbp10Wire, validateMbp10 } from '../src/fast.js';

const N = 100_000;
const T0 = 1765895400000000000n;

function trades(): FuturesTradeWire[] {
  const out: FuturesTradeWire[] = [];
  for (let i = 0; i < N; i++) {
    const ts = T0 + BigInt(i) * 1_000_000n;
    out.push({
      event_id: `FT-ESH6-${ts}-${i}-0`,
      ts_event_ns: ts.toString(),
      ts_recv_ns: (ts + 400_000n).toString(),
      source: 'sim',
      symbol: 'ESH6',
      price: 6000 + (i % 40) * 0.25,
      size: 1 + (i % 7),
      aggressor: ((i % 3) - 1) as -1 | 0 | 1,
      exchange: 'CME',
      conditions: null,
      seq: String(i),
    });
  }
  return out;
}

function books(): MBP10Wire[] {
  const out: MBP10Wire[] = [];
  for (let i = 0; i < N / 10; i++) {
    const ts = T0 + BigInt(i) * 1_000_000n;
    out.push({
      event_id: `MB-ESH6-${ts}-${i}-0`,
      ts_event_ns: ts.toString(),
      ts_recv_ns: ts.toString(),
      source: 'sim',
      symbol: 'ESH6',
      levels: Array.from({ length: 10 }, (_, l) => ({
        bid_px: 6000 - l * 0.25,
        bid_sz: 10 + l,
        ask_px: 6000.25 + l * 0.25,
        ask_sz: 12 + l,
      })),
      is_snapshot: false,
      seq: String(i),
    });
  }
  return out;
}

const wireTrades = trades();
const memoryTrades = wireTrades.map((t) => FuturesTradeRecord.wire.parse(t));
const wireBooks = books();
const memoryBooks = wireBooks.map((b) => MBP10Record.wire.parse(b));
const decodeTrade = compileWireDecoder(FuturesTradeRecord);
const validateTrade = compileValidator(FuturesTradeRecord);
let sink = 0;

const bench = new Bench({ time: 1500, warmupTime: 300 });
bench
  .add('trade wire → memory: zod codec', () => {
    for (const t of wireTrades) sink += FuturesTradeRecord.wire.parse(t).size;
  })
  .add('trade wire → memory: compiled decoder', () => {
    for (const t of wireTrades) sink += decodeTrade(t).size;
  })
  .add('trade in memory: zod safeParse', () => {
    for (const t of memoryTrades) sink += FuturesTradeRecord.schema.safeParse(t).success ? 1 : 0;
  })
  .add('trade in memory: compiled validator', () => {
    for (const t of memoryTrades) sink += validateTrade(t) === null ? 1 : 0;
  })
  .add('mbp10 wire → memory: zod codec', () => {
    for (const b of wireBooks) sink += MBP10Record.wire.parse(b).levels.length;
  })
  .add('mbp10 wire → memory: compiled decoder', () => {
    for (const b of wireBooks) sink += decodeMbp10Wire(b).levels.length;
  })
  .add('mbp10 in memory: zod safeParse', () => {
    for (const b of memoryBooks) sink += MBP10Record.schema.safeParse(b).success ? 1 : 0;
  })
  .add('mbp10 in memory: compiled validator', () => {
    for (const b of memoryBooks) sink += validateMbp10(b) === null ? 1 : 0;
  });

await bench.run();

const perTask = new Map<string, number>();
for (const task of bench.tasks) {
  const batch = task.name.startsWith('mbp10') ? N / 10 : N;
  const mean = task.result && 'latency' in task.result ? task.result.latency.mean : Number.NaN;
  perTask.set(task.name, (batch / mean) * 1000);
}
console.log('| case | events/s |');
console.log('|---|---:|');
for (const [name, rate] of perTask) console.log(`| ${name} | ${Math.round(rate).toLocaleString('en-US')} |`);
console.log('\nspeed-up of the compiled path over zod (same run):');
for (const [zodName, rate] of perTask) {
  if (!zodName.includes('zod')) continue;
  const fast = perTask.get(
    zodName.replace(/zod codec|zod safeParse/, (m) => (m === 'zod codec' ? 'compiled decoder' : 'compiled validator')),
  );
  if (fast) console.log(`  ${zodName.split(':')[0]}: ${(fast / rate).toFixed(1)}×`);
}
if (sink === -1) console.log(sink);
