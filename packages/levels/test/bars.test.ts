/**
 * Bars — levels-pipeline-lake.md C.4.1 and C.8-4: epoch-aligned buckets, no bar for an empty interval, OHLC in
 * canonical order, complete at end_ns; streaming BarBuilder equals batch buildBars.
 */
import { etToNs } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bar, BarBuilder, bucketStart, buildBars } from '../src/bars.js';
import { LevelsError } from '../src/errors.js';
import { S } from './helpers.js';

const TWO_MIN = 120n * S;
const ONE_MIN = 60n * S;

describe('C.4.1 bars', () => {
  it('C.7: the 2-minute bar starting 09:30 ET on 2025-12-16 is [1765895400000000000, 1765895520000000000)', () => {
    const b = new BarBuilder(TWO_MIN);
    expect(b.push(etToNs('2025-12-16', '09:30') + 10n * S, 5004, 2)).toBeNull();
    expect(b.push(etToNs('2025-12-16', '09:30') + 100n * S, 5030, 1)).toBeNull();
    expect(b.advanceTo(1765895519999999999n)).toBeNull();
    expect(b.advanceTo(1765895520000000000n)).toEqual({
      start_ns: 1765895400000000000n,
      end_ns: 1765895520000000000n,
      open: 5004,
      high: 5030,
      low: 5004,
      close: 5030,
      volume: 3,
      trade_count: 2,
    });
  });

  it('2-minute buckets start on even ET minutes in EST and EDT', () => {
    for (const d of ['2025-03-07', '2025-03-10', '2025-11-03']) {
      for (const hhmm of ['09:30', '09:31', '13:29']) {
        const s = bucketStart(etToNs(d, hhmm) + 59n * S, TWO_MIN);
        const even = hhmm === '09:31' ? etToNs(d, '09:30') : hhmm === '13:29' ? etToNs(d, '13:28') : etToNs(d, hhmm);
        expect(s, `${d} ${hhmm}`).toBe(even);
      }
    }
  });

  it('an empty interval gives no bar (no forward fill) and a late trade is a typed error', () => {
    const b = new BarBuilder(ONE_MIN);
    b.push(0n, 5000, 1);
    expect(b.push(5n * ONE_MIN, 5001, 1)?.end_ns).toBe(ONE_MIN);
    expect(b.advanceTo(6n * ONE_MIN)?.start_ns).toBe(5n * ONE_MIN);
    expect(b.advanceTo(10n * ONE_MIN)).toBeNull();
    expect(() => b.push(9n * ONE_MIN, 5000, 1)).toThrow(LevelsError);
  });
});

const tradesArb = fc
  .array(
    fc.record({
      dt: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 200n * S })),
      tick: fc.integer({ min: 19_000, max: 21_000 }),
      size: fc.integer({ min: 1, max: 50 }),
    }),
    { maxLength: 300 },
  )
  .map((steps) => {
    let ts = 1_765_890_000_000_000_000n;
    return steps.map((s) => {
      ts += s.dt;
      return { ts_event_ns: ts, price: s.tick * 0.25, size: s.size };
    });
  });

describe('C.8-4 bar properties', () => {
  it('streaming equals batch; low ≤ open, close ≤ high; Σ volume = Σ size; every trade in exactly one bar', () => {
    fc.assert(
      fc.property(tradesArb, fc.constantFrom(ONE_MIN, TWO_MIN), (trades, dur) => {
        const b = new BarBuilder(dur);
        const streamed: Bar[] = [];
        for (const t of trades) {
          const done = b.push(t.ts_event_ns, t.price, t.size);
          if (done) streamed.push(done);
        }
        const last = b.forming;
        if (last) {
          const done = b.advanceTo(last.end_ns);
          if (done) streamed.push(done);
        }
        const batch = buildBars(trades, dur);
        expect(streamed).toEqual(batch);
        let volume = 0;
        let count = 0;
        for (const bar of batch) {
          expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
          expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
          expect(bar.end_ns - bar.start_ns).toBe(dur);
          expect(bar.start_ns % dur).toBe(0n);
          volume += bar.volume;
          count += bar.trade_count;
        }
        expect(volume).toBe(trades.reduce((s, t) => s + t.size, 0));
        expect(count).toBe(trades.length);
        for (const t of trades) {
          expect(batch.filter((bar) => bar.start_ns <= t.ts_event_ns && t.ts_event_ns < bar.end_ns)).toHaveLength(1);
        }
        // asOf: only bars complete at that instant.
        const asOf = trades[Math.floor(trades.length / 2)]?.ts_event_ns ?? 0n;
        expect(buildBars(trades, dur, asOf)).toEqual(batch.filter((bar) => bar.end_ns <= asOf));
      }),
      { numRuns: 200 },
    );
  });
});
