/**
 * SmaSeries — levels-pipeline-lake.md C.4.3 and C.8-3: the exact-tick SMA equals a naive recomputation bit for
 * bit after any sequence of pushes, warm-up evictions and clears, and lies within the min/max of its closes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naiveSma, SmaSeries } from '../src/sma.js';

type Op = { kind: 'push'; tick: number; day: number } | { kind: 'drop'; day: number } | { kind: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      tick: fc.integer({ min: 12_000, max: 40_000 }),
      day: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), day: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) },
);

describe('SmaSeries', () => {
  it('C.7 SMA arithmetic: 200 × 5000 then 200 × 5010, then 5030', () => {
    const s = new SmaSeries([200, 400], 0.25);
    for (let i = 0; i < 400; i++) s.push(i < 200 ? 5000 : 5010, 1);
    expect([s.mean(200), s.mean(400)]).toEqual([5010, 5005]);
    s.push(5030, 1);
    expect(s.mean(200)).toBe(((199 * 5010 + 5030) * 4 * 0.25) / 200);
    expect(s.mean(400)).toBe(((199 * 5000 + 200 * 5010 + 5030) * 4 * 0.25) / 400);
    expect(s.length).toBe(400);
  });

  it('equals the naive mean of the last N closes after every operation (C.8-3)', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 400 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 30 }),
        (ops, a, b) => {
          const periods = [a, a + b];
          const s = new SmaSeries(periods, 0.25);
          let model: { close: number; day: number }[] = [];
          let maxDay = 0;
          for (const o of ops) {
            if (o.kind === 'push') {
              maxDay = Math.max(maxDay, o.day);
              s.push(o.tick * 0.25, maxDay);
              model.push({ close: o.tick * 0.25, day: maxDay });
              if (model.length > a + b) model = model.slice(model.length - (a + b));
            } else if (o.kind === 'drop') {
              s.dropBefore(o.day);
              model = model.filter((m) => m.day >= o.day);
            } else {
              s.clear();
              model = [];
            }
            const closes = model.map((m) => m.close);
            expect(s.closes()).toEqual(closes);
            for (const n of periods) {
              const v = s.mean(n);
              expect(Object.is(v, naiveSma(closes, n, 0.25))).toBe(true);
              if (!Number.isNaN(v)) {
                const last = closes.slice(closes.length - n);
                expect(v).toBeGreaterThanOrEqual(Math.min(...last));
                expect(v).toBeLessThanOrEqual(Math.max(...last));
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a period it does not maintain', () => {
    expect(() => new SmaSeries([3, 5], 0.25).mean(4)).toThrow(RangeError);
  });
});
