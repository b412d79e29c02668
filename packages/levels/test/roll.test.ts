/**
 * Contract roll (C.4.3, D-402): with a frontMonth function the universe ignores other symbols and starts the SMA
 * series afresh at the roll date's trade-date boundary. Checked against the spec-literal reference over the
 * front-month trades and against the engines' MarketState (which applies the B.4.1 calendar itself), around the
 * ESH5 → ESM5 roll on 2025-03-13, with the back contract trading on every date.
 */
import { MarketState } from '@spymaster/engines/market-state';
import { tradeDate } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TradeInput } from '../src/config.js';
import { LevelUniverse } from '../src/level-universe.js';
import { futuresTrade, pathArb, SMALL, SMALL_FULL } from './helpers.js';
import { referenceLevelsAt } from './reference.js';

const ROLL_DATES = ['2025-03-11', '2025-03-12', '2025-03-13', '2025-03-14'];
const front = (d: string) => (d < '2025-03-13' ? 'ESH5' : 'ESM5');

/** Both contracts trade on every date (the back month 3 points above the front). */
const rollPath = fc.tuple(pathArb({ dates: ROLL_DATES, symbol: 'ESH5' }), fc.nat()).map(([trades, seed]) => {
  const out: TradeInput[] = [];
  trades.forEach((t, i) => {
    const f = front(tradeDate(t.ts_event_ns));
    out.push({ ...t, symbol: f });
    if ((i + seed) % 3 === 0) out.push({ ...t, symbol: f === 'ESH5' ? 'ESM5' : 'ESU5', price: t.price + 3 });
  });
  return out;
});

describe('contract roll with a frontMonth function', () => {
  it('equals the reference over the front-month trades and MarketState at every front-month trade', () => {
    fc.assert(
      fc.property(rollPath, (trades) => {
        const u = new LevelUniverse(SMALL, { frontMonth: front });
        const ms = new MarketState(SMALL_FULL);
        const fronts = trades.filter((t) => t.symbol === front(tradeDate(t.ts_event_ns)));
        let seen = 0;
        trades.forEach((t, i) => {
          ms.applyFuturesTrade(futuresTrade(t, i));
          const isFront = u.onTrade(t);
          expect(isFront).toBe(t.symbol === front(tradeDate(t.ts_event_ns)));
          if (!isFront) return;
          seen++;
          const at = u.levelsAt(t.ts_event_ns);
          expect(at).toEqual(referenceLevelsAt(fronts.slice(0, seen), t.ts_event_ns, SMALL));
          const m = Object.fromEntries(at.map((l) => [l.level_kind_name, l.price]));
          expect([m.PM_HIGH ?? null, m.OR_LOW ?? null, m.SMA_200 ?? null, m.SMA_400 ?? null]).toEqual([
            ms.pmHigh(),
            ms.orLow(),
            ms.sma(SMALL.SMA_FAST_PERIOD),
            ms.sma(SMALL.SMA_SLOW_PERIOD),
          ]);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('the SMA restarts at the roll date: no close of ESH5 reaches an SMA of 2025-03-13', () => {
    const u = new LevelUniverse({ ...SMALL, SMA_FAST_PERIOD: 1, SMA_SLOW_PERIOD: 2 }, { frontMonth: front });
    const t0 = 1741780800000000000n; // 2025-03-12 12:00 UTC (08:00 EDT), trade date 2025-03-12
    u.onTrade({ ts_event_ns: t0, price: 5000, size: 1, symbol: 'ESH5' });
    u.onTrade({ ts_event_ns: t0 + 120_000_000_000n, price: 5001, size: 1, symbol: 'ESH5' });
    const sma = (t: bigint) => u.levelsAt(t).filter((l) => l.dynamic);
    expect(sma(t0 + 240_000_000_000n).map((l) => [l.level_kind_name, l.price])).toEqual([
      ['SMA_200', 5001],
      ['SMA_400', 5000.5],
    ]);
    const boundary = 1741816800000000000n; // 2025-03-12 18:00 EDT: trade date 2025-03-13 (ESM5) starts
    expect(tradeDate(boundary)).toBe('2025-03-13');
    expect(sma(boundary - 1n)).toHaveLength(2);
    expect(sma(boundary)).toEqual([]);
    // Without the frontMonth function the same closes would carry into the new date as warm-up.
    const plain = new LevelUniverse({ ...SMALL, SMA_FAST_PERIOD: 1, SMA_SLOW_PERIOD: 2 });
    plain.onTrade({ ts_event_ns: t0, price: 5000, size: 1, symbol: 'ESH5' });
    plain.onTrade({ ts_event_ns: t0 + 120_000_000_000n, price: 5001, size: 1, symbol: 'ESH5' });
    expect(plain.levelsAt(boundary).filter((l) => l.dynamic)).toHaveLength(2);
  });
});
