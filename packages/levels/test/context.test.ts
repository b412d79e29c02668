/**
 * ContextEngine — levels-pipeline-lake.md C.4.4: the A.7 timing example, timing on both DST switch Mondays,
 * nearbyLevels (C.8-5), ATR against a naive recomputation from batch bars, spot, prefix invariance (C.8-1).
 */
import { etToNs, tradeDate, tradeDateWindow } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBars } from '../src/bars.js';
import { KIND_PRIORITY, type TradeInput } from '../src/config.js';
import { ContextEngine } from '../src/context.js';
import { MIN, pathArb, queryTimes, S, SMALL } from './helpers.js';

describe('timing (A.4-6, A.7)', () => {
  it('2025-12-16 10:00:31 ET: 30.516… minutes, bar 30, not first 15 minutes, phase 3', () => {
    const t = new ContextEngine().timing(1765897231000000000n);
    expect(t.minutes_since_open).toBeCloseTo(30.516666666666666, 12);
    expect([t.bars_since_open, t.is_first_15m, t.session_phase]).toEqual([30, false, 3]);
  });

  it('DST switch Mondays: the open is 09:30 ET, never shifted by an hour', () => {
    const ctx = new ContextEngine();
    for (const d of ['2025-03-10', '2025-11-03', '2026-03-09', '2026-11-02']) {
      const open = etToNs(d, '09:30');
      expect(ctx.timing(open - 1n), d).toMatchObject({ bars_since_open: 0, is_first_15m: false, session_phase: 0 });
      expect(ctx.timing(open), d).toMatchObject({ minutes_since_open: 0, is_first_15m: true, session_phase: 1 });
      expect(ctx.timing(open + 15n * MIN), d).toMatchObject({ is_first_15m: false, session_phase: 2 });
      expect(ctx.timing(etToNs(d, '13:29')), d).toMatchObject({ bars_since_open: 239, session_phase: 5 });
      expect(ctx.timing(etToNs(d, '13:30')), d).toMatchObject({ bars_since_open: 240, session_phase: 6 });
    }
  });
});

describe('nearbyLevels, atr, spot', () => {
  const D = '2025-12-16';
  it('levels within the band, nearest first, then priority; suppressed ones included and flagged', () => {
    const ctx = new ContextEngine();
    ctx.onTrade({ ts_event_ns: etToNs(D, '05:00'), price: 5000, size: 1 });
    ctx.onTrade({ ts_event_ns: etToNs(D, '06:00'), price: 5004, size: 1 });
    ctx.onTrade({ ts_event_ns: etToNs(D, '09:31'), price: 5004, size: 1 });
    ctx.onTrade({ ts_event_ns: etToNs(D, '09:32'), price: 4990, size: 1 });
    const near = ctx.nearbyLevels(5002, etToNs(D, '09:45'));
    expect(near.map((n) => [n.level.level_kind_name, n.distance_signed, n.level.suppressed])).toEqual([
      ['PM_HIGH', -2, false],
      ['PM_LOW', 2, false],
      ['OR_HIGH', -2, true],
    ]);
    expect(ctx.nearbyLevels(5002, etToNs(D, '09:45'), 1)).toEqual([]);
  });

  it('atr: first bar of the day uses high − low; later bars the previous close; NaN without complete bars', () => {
    const ctx = new ContextEngine();
    const t0 = etToNs(D, '10:00');
    expect(ctx.atr(t0)).toBeNaN();
    ctx.onTrade({ ts_event_ns: t0, price: 5000, size: 1 });
    ctx.onTrade({ ts_event_ns: t0 + 10n * S, price: 5002, size: 1 });
    expect(ctx.atr(t0 + MIN - 1n)).toBeNaN();
    expect(ctx.atr(t0 + MIN)).toBe(2);
    ctx.onTrade({ ts_event_ns: t0 + 3n * MIN, price: 5006, size: 1 }); // gap: the previous existing bar counts
    ctx.onTrade({ ts_event_ns: t0 + 3n * MIN + S, price: 5005, size: 1 });
    expect(ctx.atr(t0 + 4n * MIN)).toBe((2 + 4) / 2);
    expect(ctx.spotAt(t0 + 4n * MIN)).toBe(5005);
  });
});

function naiveAtr(trades: readonly TradeInput[], t: bigint, window: number): number {
  const D = tradeDate(t);
  const start = tradeDateWindow(D).start;
  const day = trades.filter((x) => x.ts_event_ns >= start && x.ts_event_ns <= t && x.price >= 3000 && x.price <= 10000);
  const bars = buildBars(day, 60n * S, t);
  const n = Math.min(window, bars.length);
  if (n === 0) return Number.NaN;
  let s = 0;
  for (let i = bars.length - n; i < bars.length; i++) {
    const b = bars[i];
    const p = bars[i - 1];
    if (b === undefined) continue;
    s +=
      p === undefined
        ? b.high - b.low
        : Math.max(b.high - b.low, Math.abs(b.high - p.close), Math.abs(b.low - p.close));
  }
  return s / n;
}

describe('C.8 properties of the ContextEngine on random multi-day paths', () => {
  it('atr equals the naive recomputation; spot is the as-of trade; nearbyLevels is exactly the band (C.8-5)', () => {
    fc.assert(
      fc.property(pathArb({ maxPerSegment: 15 }), fc.integer({ min: 0, max: 12 }), (trades, bandQ) => {
        const band = bandQ * 0.5;
        const ctx = new ContextEngine(SMALL);
        let i = 0;
        for (const t of queryTimes(trades)) {
          while (i < trades.length && (trades[i] as TradeInput).ts_event_ns <= t)
            ctx.onTrade(trades[i++] as TradeInput);
          expect(Object.is(ctx.atr(t), naiveAtr(trades, t, SMALL.ATR_WINDOW_MINUTES))).toBe(true);
          const spot = ctx.spotAt(t);
          expect(spot).toBe(i === 0 ? null : (trades[i - 1] as TradeInput).price);
          if (spot === null) continue;
          const near = ctx.nearbyLevels(spot, t, band);
          const all = ctx.levelsAt(t).filter((l) => Math.abs(spot - l.price) <= band);
          expect(near.map((n) => n.level)).toEqual(
            [...all].sort(
              (a, b) =>
                Math.abs(spot - a.price) - Math.abs(spot - b.price) ||
                KIND_PRIORITY[a.level_kind_name] - KIND_PRIORITY[b.level_kind_name],
            ),
          );
          for (const n of near) expect(Math.abs(n.distance_signed)).toBeLessThanOrEqual(band);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('prefix invariance (C.8-1): altering trades after t changes none of levelsAt, atr, spotAt, timing at t', () => {
    fc.assert(
      fc.property(pathArb({ maxPerSegment: 15 }), fc.nat(), fc.integer({ min: -40, max: 40 }), (trades, k, shift) => {
        if (trades.length === 0) return;
        const t = (trades[k % trades.length] as TradeInput).ts_event_ns;
        const view = (list: readonly TradeInput[]) => {
          const ctx = new ContextEngine(SMALL);
          for (const x of list) if (x.ts_event_ns <= t) ctx.onTrade(x);
          return [ctx.levelsAt(t), ctx.atr(t), ctx.spotAt(t), ctx.timing(t), ctx.minuteBars()];
        };
        const altered = trades.map((x) => (x.ts_event_ns > t ? { ...x, price: x.price + shift * 0.25 } : x));
        const extended = [...altered, { ts_event_ns: t + 1n, price: 9000, size: 5 }];
        expect(view(extended)).toEqual(view(trades));
      }),
      { numRuns: 100 },
    );
  });
});
