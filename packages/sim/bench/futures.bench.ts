/**
 * Generation speed of the ES futures model: one `small` and one `full` day (04:00–13:30 ET), records counted
 * but not encoded (the caller's DBN encoding and zstd compression cost extra).
 *
 * Run from the repository root:
 *
 * ```sh
 * npx tsx --conditions=@spymaster/source packages/sim/bench/futures.bench.ts [seed] [scale…]
 * ```
 */
import { etToNs } from '@spymaster/schemas/time';
import { simulateFuturesDay } from '../src/futures/index.js';
import { Rng } from '../src/rng.js';
import type { FuturesInstrument, MarketCarry, Scale, SessionWindow } from '../src/types.js';

const DATE = '2025-12-16';
const seed = process.argv[2] ?? 'bench';
const scales = (process.argv.length > 3 ? process.argv.slice(3) : ['small', 'full']) as Scale[];

const window: SessionWindow = {
  date: DATE,
  startNs: etToNs(DATE, '04:00'),
  endNs: etToNs(DATE, '13:30'),
  rthStartNs: etToNs(DATE, '09:30'),
  orEndNs: etToNs(DATE, '09:45'),
  rthEndNs: etToNs(DATE, '13:30'),
};
const front: FuturesInstrument = {
  instrumentId: 42140878,
  symbol: 'ESH6',
  expiry: '2026-03-20',
  expirationNs: etToNs('2026-03-20', '09:30'),
  role: 'front',
  basis: 0,
};
const other: FuturesInstrument = {
  instrumentId: 42005804,
  symbol: 'ESZ5',
  expiry: '2025-12-19',
  expirationNs: etToNs('2025-12-19', '09:30'),
  role: 'other',
  basis: -48,
};
const carry: MarketCarry = { price: 6850, vol: 0.15, contract: 'ESH6', closes2m: [] };

for (const scale of scales) {
  let records = 0;
  let checksum = 0;
  const started = performance.now();
  const day = simulateFuturesDay({ window, scale, rng: new Rng(seed), front, other, carry }, (record) => {
    records++;
    checksum = (checksum + record.size) | 0;
  });
  const seconds = (performance.now() - started) / 1000;
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  console.log(
    [
      `futures ${scale.padEnd(5)}`,
      `mbp10 ${day.counts.mbp10.toLocaleString('en-US')}`,
      `trades ${day.counts.trades.toLocaleString('en-US')}`,
      `wall ${seconds.toFixed(2)} s`,
      `${Math.round(records / seconds).toLocaleString('en-US')} records/s`,
      `heap ${heapMb.toFixed(0)} MB`,
      `checksum ${checksum}`,
    ].join(' | '),
  );
}
