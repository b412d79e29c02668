// Test helpers: trade builders, random multi-day price paths (fast-check), and small configurations.
import { DEFAULT_CONFIG, type FuturesTrade } from '@spymaster/schemas';
import { addDays, etToNs } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { LEVELS_DEFAULTS, type LevelsConfig, type TradeInput } from '../src/config.js';

export const S = 1_000_000_000n;
export const MIN = 60n * S;

/** A trade at an ET wall-clock time of date `d` plus an offset in ms. */
export function tradeAt(d: string, hhmm: string, ms: number, price: number, size = 1, symbol = 'ESH6'): TradeInput {
  return { ts_event_ns: etToNs(d, hhmm) + BigInt(ms) * 1_000_000n, price, size, symbol };
}

/** A canonical FuturesTrade (for the engines' MarketState and LevelSignalService). */
export function futuresTrade(t: TradeInput, seq: number): FuturesTrade {
  const symbol = t.symbol ?? 'ESH5';
  return {
    event_id: `FT-${symbol}-${t.ts_event_ns}-${seq}-0`,
    ts_event_ns: t.ts_event_ns,
    ts_recv_ns: t.ts_event_ns,
    source: 'sim',
    symbol,
    price: t.price,
    size: t.size,
    aggressor: 1,
    exchange: 'CME',
    conditions: null,
    seq: BigInt(seq),
  };
}

/** Small SMA periods and warm-up so random paths exercise warm-up, availability and eviction. */
export const SMALL: LevelsConfig = {
  ...LEVELS_DEFAULTS,
  SMA_FAST_PERIOD: 3,
  SMA_SLOW_PERIOD: 7,
  SMA_WARMUP_DAYS: 2,
};

/** The full engines configuration with the same small periods. */
export const SMALL_FULL = { ...DEFAULT_CONFIG, SMA_FAST_PERIOD: 3, SMA_SLOW_PERIOD: 7, SMA_WARMUP_DAYS: 2 };

/**
 * Trade dates around the 2025 spring DST switch (Sunday 2025-03-09): Friday EST, Monday EDT; all front month ESH5
 * (roll date 2025-03-13).
 */
export const DATES = ['2025-03-06', '2025-03-07', '2025-03-10', '2025-03-11'] as const;

interface Step {
  readonly dtMs: number;
  readonly dTicks: number;
  readonly size: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  dtMs: fc.oneof(
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 20_000 }),
    fc.integer({ min: 0, max: 400_000 }),
  ),
  dTicks: fc.integer({ min: -12, max: 12 }),
  size: fc.integer({ min: 1, max: 20 }),
});

/** Segments of a trading day (ET start time, number of trades) that together cover PM, OR, RTH and after. */
const SEGMENTS: readonly string[] = ['18:00', '03:55', '09:25', '09:40', '10:00', '13:25'];

/**
 * A random multi-day path: for each chosen trade date, bursts of trades starting at fixed ET anchors (previous
 * evening, just before PM, around the open, inside the OR, RTH, around 13:30), a random walk in ticks around a
 * level that stays near the previous day's, with occasional out-of-sanity prints.
 */
export function pathArb(
  options: { dates?: readonly string[]; maxPerSegment?: number; symbol?: string } = {},
): fc.Arbitrary<TradeInput[]> {
  const dates = options.dates ?? DATES;
  const maxPer = options.maxPerSegment ?? 25;
  const symbol = options.symbol ?? 'ESH5';
  return fc
    .record({
      use: fc.array(fc.boolean(), { minLength: dates.length, maxLength: dates.length }),
      segments: fc.array(fc.array(step, { maxLength: maxPer }), {
        minLength: dates.length * SEGMENTS.length,
        maxLength: dates.length * SEGMENTS.length,
      }),
      insane: fc.array(fc.nat(200), { maxLength: 3 }),
      start: fc.integer({ min: 19_000, max: 21_000 }),
    })
    .map(({ use, segments, insane, start }) => {
      const out: TradeInput[] = [];
      let tick = start;
      dates.forEach((d, di) => {
        if (!use[di]) return;
        SEGMENTS.forEach((hhmm, si) => {
          const base = hhmm === '18:00' ? etToNs(addDays(d, -1), hhmm) : etToNs(d, hhmm);
          let ts = base;
          for (const s of segments[di * SEGMENTS.length + si] ?? []) {
            ts += BigInt(s.dtMs) * 1_000_000n;
            tick += s.dTicks;
            out.push({ ts_event_ns: ts, price: tick * 0.25, size: s.size, symbol });
          }
        });
      });
      out.sort((a, b) => (a.ts_event_ns < b.ts_event_ns ? -1 : a.ts_event_ns > b.ts_event_ns ? 1 : 0));
      for (const i of insane) {
        const t = out[i];
        if (t !== undefined) out[i] = { ...t, price: 12_000 };
      }
      return out;
    });
}

/** Instants to query: every trade time, every trade time − 1 ns, and some window edges. */
export function queryTimes(trades: readonly TradeInput[], dates: readonly string[] = DATES): bigint[] {
  const set = new Set<bigint>();
  for (const t of trades) {
    set.add(t.ts_event_ns);
    set.add(t.ts_event_ns - 1n);
  }
  for (const d of dates) for (const hhmm of ['09:30', '09:45', '13:30']) set.add(etToNs(d, hhmm));
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
