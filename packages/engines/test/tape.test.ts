/** TapeEngine (engines spec §3): examples T-1, T-2 (+ variant), edge cases and the §3 properties. */
import { DEFAULT_CONFIG } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTapeMetrics,
  TapeEngine,
  TapeError,
  type TapeMetrics,
  type TradeView,
  tapeMetrics,
} from '../src/tape.js';
import { registerEngineContract } from './contract.js';

/** Test-vector time base of §0.7: 2025-12-16 09:30:00 ET. */
const T0 = 1_765_895_400_000_000_000n;
const at = (seconds: number): bigint => T0 + BigInt(Math.round(seconds * 1e9));
const atMs = (ms: number): bigint => T0 + BigInt(ms) * 1_000_000n;

const BUY = 1;
const SELL = -1;
const NONE = 0;

interface Print {
  readonly ts: bigint;
  readonly price: number;
  readonly size: number;
  readonly aggressor: number;
}

const pr = (ts: bigint, aggressor: number, size: number, price: number): Print => ({ ts, price, size, aggressor });

function view(prints: readonly Print[]): TradeView {
  return {
    ts: BigInt64Array.from(prints, (p) => p.ts),
    price: Float64Array.from(prints, (p) => p.price),
    size: Float64Array.from(prints, (p) => p.size),
    aggressor: Int8Array.from(prints, (p) => p.aggressor),
  };
}

const engine = new TapeEngine();
const evalPrints = (prints: readonly Print[], level: number, t: bigint): TapeMetrics =>
  engine.evaluate(view(prints), 0, prints.length, level, t);

/** §0.7 tolerance: relative 1e-9, absolute 1e-12 near zero. */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-12, 1e-9 * Math.abs(expected)));
}

const NO_SWEEP = { detected: false, direction: 'NONE', notional: 0, num_prints: 0, window_ms: 0 };

describe('TapeEngine examples (§3)', () => {
  const t1 = [
    pr(at(0), BUY, 50, 5000.0),
    pr(at(10), BUY, 10, 5000.25),
    pr(at(20), SELL, 4, 5000.0),
    pr(at(30), BUY, 6, 5000.5),
    pr(at(40), SELL, 5, 5001.0),
    pr(at(57.5), BUY, 1, 5000.0),
    pr(at(58.5), BUY, 1, 5000.25),
    pr(at(59.5), BUY, 1, 5000.75),
  ];

  it('T-1: imbalance and velocity', () => {
    const m = evalPrints(t1, 5000, at(60));
    expect(m.buy_vol).toBe(18);
    expect(m.sell_vol).toBe(4);
    expectClose(m.imbalance, 14 / 22);
    expectClose(m.imbalance, 0.6363636363636364);
    expectClose(m.velocity, 0.375);
    expect(m.sweep).toStrictEqual(NO_SWEEP);
    expectClose(m.confidence, 0.044);
    expect(Object.keys(m)).toStrictEqual(['imbalance', 'buy_vol', 'sell_vol', 'velocity', 'sweep', 'confidence']);
    expect(Object.keys(m.sweep)).toStrictEqual(['detected', 'direction', 'notional', 'num_prints', 'window_ms']);
  });

  const t2 = [
    pr(atMs(5000), SELL, 40, 5000.25),
    pr(atMs(5030), SELL, 35, 5000.0),
    pr(atMs(5080), SELL, 25, 4999.75),
    pr(atMs(5250), BUY, 5, 5000.0),
    pr(atMs(5300), BUY, 3, 5000.25),
  ];

  it('T-2: sweep at t = T0 + 10 s', () => {
    const m = evalPrints(t2, 5000, at(10));
    expect(m.sweep).toStrictEqual({
      detected: true,
      direction: 'DOWN',
      notional: 25000187.5,
      num_prints: 3,
      window_ms: 80,
    });
    expect(m.buy_vol).toBe(8);
    expect(m.sell_vol).toBe(100);
    expectClose(m.imbalance, -0.8518518518518519);
    expect(m.velocity).toBe(0);
    expectClose(m.confidence, 0.216);
  });

  it('T-2: velocity at t = T0 + 7 s', () => {
    const m = evalPrints(t2, 5000, at(7));
    expect(Math.abs(m.velocity - 0.3026968)).toBeLessThan(5e-8);
    // Exact OLS value of the five prints, computed in rationals: Sxy / Sxx.
    const tau = [0, 0.03, 0.08, 0.25, 0.3];
    const px = [0.25, 0, -0.25, 0, 0.25];
    const tm = tau.reduce((a, b) => a + b) / 5;
    const pm = px.reduce((a, b) => a + b) / 5;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < 5; i++) {
      sxy += ((tau[i] as number) - tm) * ((px[i] as number) - pm);
      sxx += ((tau[i] as number) - tm) ** 2;
    }
    expectClose(m.velocity, sxy / sxx);
    expect(m.sweep.direction).toBe('DOWN');
  });

  it('T-2 variant: an opposite-side print splits the burst', () => {
    const prints = [...t2.slice(0, 2), pr(atMs(5050), BUY, 1, 5000.25), ...t2.slice(2)];
    const m = evalPrints(prints, 5000, at(10));
    expect(m.sweep).toStrictEqual({
      detected: true,
      direction: 'DOWN',
      notional: 18750500,
      num_prints: 2,
      window_ms: 30,
    });
    expect(m.buy_vol).toBe(9);
    expect(m.sell_vol).toBe(100);
    expectClose(m.imbalance, -0.8348623853211009);
    expectClose(m.confidence, 0.218);
  });

  it('tapeMetrics() equals the engine and writes payload key order', () => {
    const v = view(t2);
    expect(tapeMetrics(v, 0, t2.length, 5000, at(10), DEFAULT_CONFIG)).toStrictEqual(
      engine.evaluate(v, 0, t2.length, 5000, at(10)),
    );
  });
});

describe('TapeEngine edge cases (§3)', () => {
  it('no prints near the level: zero flow, velocity from all prints', () => {
    const prints = [pr(at(58), BUY, 5, 5010), pr(at(59), SELL, 5, 5011)];
    const m = evalPrints(prints, 5000, at(60));
    expect(m).toStrictEqual({ ...createTapeMetrics(), velocity: 1 });
  });

  it('empty view and all prints on one timestamp give velocity 0', () => {
    expect(engine.evaluate(view([]), 0, 0, 5000, at(60))).toStrictEqual(createTapeMetrics());
    const same = [pr(at(59), BUY, 1, 5000), pr(at(59), SELL, 1, 5001), pr(at(59), NONE, 1, 4999)];
    expect(evalPrints(same, 5000, at(60)).velocity).toBe(0);
  });

  it('a NONE print inside a burst neither breaks nor extends a cluster', () => {
    const burst = [pr(atMs(1000), BUY, 30, 5000), pr(atMs(1090), NONE, 500, 5000.25), pr(atMs(1180), BUY, 30, 5000.25)];
    const m = evalPrints(burst, 5000, at(2));
    // Gap 180 ms between the two BUY prints: the NONE print does not bridge it.
    expect(m.sweep.detected).toBe(false);
    const close = [pr(atMs(1000), BUY, 30, 5000), pr(atMs(1050), NONE, 500, 5000.25), pr(atMs(1100), BUY, 30, 5000.25)];
    const m2 = evalPrints(close, 5000, at(2));
    expect(m2.sweep).toStrictEqual({
      detected: true,
      direction: 'UP',
      notional: 50 * (5000 * 30 + 5000.25 * 30),
      num_prints: 2,
      window_ms: 100,
    });
    expect(m2.buy_vol).toBe(60);
  });

  it('a gap of exactly SWEEP_MAX_GAP_MS stays in the cluster; one ns more splits it', () => {
    const a = [pr(atMs(1000), SELL, 30, 5000), pr(atMs(1100), SELL, 30, 4999.75)];
    expect(evalPrints(a, 5000, at(2)).sweep.detected).toBe(true);
    const b = [pr(atMs(1000), SELL, 30, 5000), pr(atMs(1100) + 1n, SELL, 30, 4999.75)];
    expect(evalPrints(b, 5000, at(2)).sweep.detected).toBe(false);
  });

  it('qualifying rules: prints, distinct prices, contracts', () => {
    const onePrice = [pr(atMs(1000), BUY, 30, 5000), pr(atMs(1010), BUY, 30, 5000)];
    expect(evalPrints(onePrice, 5000, at(2)).sweep.detected).toBe(false);
    const small = [pr(atMs(1000), BUY, 24, 5000), pr(atMs(1010), BUY, 25, 5000.25)];
    expect(evalPrints(small, 5000, at(2)).sweep.detected).toBe(false);
    const exact = [pr(atMs(1000), BUY, 25, 5000), pr(atMs(1010), BUY, 25, 5000.25)];
    expect(evalPrints(exact, 5000, at(2)).sweep.detected).toBe(true);
    const single = [pr(atMs(1000), BUY, 500, 5000)];
    expect(evalPrints(single, 5000, at(2)).sweep.detected).toBe(false);
  });

  it('notional ties go to the cluster with the later last print', () => {
    const prints = [
      pr(atMs(1000), BUY, 30, 5000),
      pr(atMs(1010), BUY, 30, 5000.25),
      pr(atMs(3000), SELL, 30, 5000),
      pr(atMs(3020), SELL, 30, 5000.25),
    ];
    const m = evalPrints(prints, 5000, at(4));
    expect(m.sweep.direction).toBe('DOWN');
    expect(m.sweep.window_ms).toBe(20);
  });

  it('confidence saturates at 1', () => {
    const m = evalPrints([pr(at(1), BUY, 400, 5000), pr(at(2), SELL, 200, 5000)], 5000, at(3));
    expect(m.confidence).toBe(1);
  });

  it('reads a wrapped ring range without copying', () => {
    const prints = [
      pr(atMs(5000), SELL, 40, 5000.25),
      pr(atMs(5030), SELL, 35, 5000.0),
      pr(atMs(5080), SELL, 25, 4999.75),
      pr(atMs(5250), BUY, 5, 5000.0),
      pr(atMs(5300), BUY, 3, 5000.25),
    ];
    // Ring of capacity 7 with head at 4: logical 4..8 → physical 4, 5, 6, 0, 1.
    const stale = pr(T0 - 999n, BUY, 99, 5000);
    const ring = [prints[3], prints[4], stale, stale, prints[0], prints[1], prints[2]] as Print[];
    expect(new TapeEngine().evaluate(view(ring), 4, 9, 5000, at(7))).toStrictEqual(evalPrints(prints, 5000, at(7)));
  });

  it('writes into a caller-owned result', () => {
    const out = createTapeMetrics();
    const sweep = out.sweep;
    const r = engine.evaluate(
      view([pr(atMs(1000), BUY, 30, 5000), pr(atMs(1010), BUY, 30, 5000.25)]),
      0,
      2,
      5000,
      at(2),
      out,
    );
    expect(r).toBe(out);
    expect(r.sweep).toBe(sweep);
    expect(sweep.detected).toBe(true);
    engine.evaluate(view([]), 0, 0, 5000, at(2), out);
    expect(out).toStrictEqual(createTapeMetrics());
  });

  it('throws a branded TapeError for a bad range or level', () => {
    const v = view([pr(at(1), BUY, 1, 5000)]);
    const cases: Array<[number, number, number]> = [
      [-1, 0, 5000],
      [1, 0, 5000],
      [0, 2, 5000],
      [0.5, 1, 5000],
      [0, 1, Number.NaN],
    ];
    for (const [from, to, level] of cases) {
      let caught: unknown;
      try {
        engine.evaluate(v, from, to, level, at(2));
      } catch (error) {
        caught = error;
      }
      expect(TapeError.is(caught)).toBe(true);
      expect((caught as TapeError).reason).toBe(Number.isNaN(level) ? 'non_finite_level' : 'invalid_range');
    }
    expect(TapeError.is(new Error('x'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

const LEVEL = 5000;
/** A history of prints over ~70 s around the level, canonical order, bursty gaps. */
const printsArb: fc.Arbitrary<Print[]> = fc
  .array(
    fc.record({
      gapNs: fc.oneof(
        { arbitrary: fc.constant(0), weight: 1 },
        { arbitrary: fc.integer({ min: 0, max: 150 }).map((ms) => ms * 1_000_000), weight: 4 },
        { arbitrary: fc.integer({ min: 0, max: 4_000_000_000 }), weight: 1 },
      ),
      tick: fc.integer({ min: -4, max: 4 }),
      size: fc.integer({ min: 1, max: 60 }),
      // Runs of one side make sweeps likely; NONE prints sit inside bursts.
      aggressor: fc.constantFrom(BUY, BUY, BUY, SELL, NONE),
    }),
    { maxLength: 60 },
  )
  .map((rows) => {
    let ts = T0;
    return rows.map((r) => {
      ts += BigInt(r.gapNs);
      return pr(ts, r.aggressor, r.size, LEVEL + r.tick * 0.25);
    });
  });
const snapArb = fc.integer({ min: 0, max: 120 }).map((k) => T0 + BigInt(k) * 250_000_000n);

/** Brute-force §3 oracle for volumes and sweeps (arrays, no streaming). */
function oracle(
  prints: readonly Print[],
  level: number,
  t: bigint,
): Pick<TapeMetrics, 'buy_vol' | 'sell_vol' | 'sweep'> {
  const c = DEFAULT_CONFIG;
  const wt = BigInt(c.W_t) * 1_000_000_000n;
  const near = prints.filter(
    (p) => p.ts > t - wt && p.ts <= t && Math.abs(p.price - level) <= c.TAPE_BAND && p.aggressor !== NONE,
  );
  const sum = (side: number) => near.filter((p) => p.aggressor === side).reduce((a, p) => a + p.size, 0);
  const clusters: Print[][] = [];
  for (const p of near) {
    const cur = clusters[clusters.length - 1];
    const prev = cur?.[cur.length - 1];
    if (cur && prev && prev.aggressor === p.aggressor && p.ts - prev.ts <= BigInt(c.SWEEP_MAX_GAP_MS) * 1_000_000n) {
      cur.push(p);
    } else clusters.push([p]);
  }
  let best: { cl: Print[]; notional: number } | null = null;
  for (const cl of clusters) {
    const size = cl.reduce((a, p) => a + p.size, 0);
    const distinct = new Set(cl.map((p) => p.price)).size;
    if (cl.length < c.SWEEP_MIN_PRINTS || distinct < c.SWEEP_MIN_DISTINCT_PRICES || size < c.SWEEP_MIN_CONTRACTS) {
      continue;
    }
    const notional = cl.reduce((a, p) => a + p.price * p.size * c.FUT_MULTIPLIER, 0);
    if (best === null || notional >= best.notional) best = { cl, notional };
  }
  const first = best?.cl[0];
  const last = best?.cl[best.cl.length - 1];
  return {
    buy_vol: sum(BUY),
    sell_vol: sum(SELL),
    sweep:
      best && first && last
        ? {
            detected: true,
            direction: first.aggressor === BUY ? 'UP' : 'DOWN',
            notional: best.notional,
            num_prints: best.cl.length,
            window_ms: Number(last.ts - first.ts) / 1e6,
          }
        : NO_SWEEP,
  } as Pick<TapeMetrics, 'buy_vol' | 'sell_vol' | 'sweep'>;
}

const flip = (p: Print): Print => ({ ...p, aggressor: -p.aggressor });

describe('TapeEngine properties (§3)', () => {
  it('P1: imbalance in [−1, 1], volumes ≥ 0, confidence in [0, 1], finite outputs', () => {
    fc.assert(
      fc.property(printsArb, snapArb, (prints, t) => {
        const m = evalPrints(prints, LEVEL, t);
        expect(m.imbalance).toBeGreaterThanOrEqual(-1);
        expect(m.imbalance).toBeLessThanOrEqual(1);
        expect(m.buy_vol).toBeGreaterThanOrEqual(0);
        expect(m.sell_vol).toBeGreaterThanOrEqual(0);
        expect(m.confidence).toBeGreaterThanOrEqual(0);
        expect(m.confidence).toBeLessThanOrEqual(1);
        expect(Number.isFinite(m.velocity)).toBe(true);
      }),
    );
  });

  it('velocity() is the velocity evaluate() reports, and a precomputed one changes nothing else', () => {
    const engine = new TapeEngine();
    fc.assert(
      fc.property(printsArb, snapArb, fc.integer({ min: -8, max: 8 }), (prints, t, k) => {
        const v = view(prints);
        const level = LEVEL + k * 0.25;
        const plain = engine.evaluate(v, 0, prints.length, level, t);
        const vel = engine.velocity(v, 0, prints.length, t);
        expect(Object.is(vel, plain.velocity)).toBe(true);
        expect(engine.evaluate(v, 0, prints.length, level, t, undefined, vel)).toStrictEqual(plain);
      }),
    );
  });

  it('volumes are the sums of near aggressive prints and sweeps match a brute-force oracle (P4)', () => {
    fc.assert(
      fc.property(printsArb, snapArb, (prints, t) => {
        const m = evalPrints(prints, LEVEL, t);
        const o = oracle(prints, LEVEL, t);
        expect(m.buy_vol).toBe(o.buy_vol);
        expect(m.sell_vol).toBe(o.sell_vol);
        expect(m.sweep).toStrictEqual(o.sweep);
      }),
    );
  });

  it('sweep fields are zero / NONE when not detected', () => {
    fc.assert(
      fc.property(printsArb, snapArb, (prints, t) => {
        const m = evalPrints(prints, LEVEL, t);
        if (!m.sweep.detected) expect(m.sweep).toStrictEqual(NO_SWEEP);
        else expect(m.sweep.direction).not.toBe('NONE');
      }),
    );
  });

  it('P2: swapping BUY ↔ SELL negates imbalance, swaps volumes, flips the sweep', () => {
    fc.assert(
      fc.property(printsArb, snapArb, (prints, t) => {
        const m = evalPrints(prints, LEVEL, t);
        const f = evalPrints(prints.map(flip), LEVEL, t);
        expect(f.imbalance).toBe(m.imbalance === 0 ? 0 : -m.imbalance);
        expect(f.buy_vol).toBe(m.sell_vol);
        expect(f.sell_vol).toBe(m.buy_vol);
        expect(f.velocity).toBe(m.velocity);
        const dir = { UP: 'DOWN', DOWN: 'UP', NONE: 'NONE' } as const;
        expect(f.sweep).toStrictEqual({ ...m.sweep, direction: dir[m.sweep.direction] });
      }),
    );
  });

  it('P3: velocity is invariant to price and time shifts and recovers an exact line', () => {
    fc.assert(
      fc.property(
        printsArb,
        snapArb,
        fc.integer({ min: -400, max: 400 }),
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        (prints, t, dTicks, dt) => {
          const m = evalPrints(prints, LEVEL, t);
          const shiftedP = evalPrints(
            prints.map((p) => ({ ...p, price: p.price + dTicks * 0.25 })),
            LEVEL + dTicks * 0.25,
            t,
          );
          const shiftedT = evalPrints(
            prints.map((p) => ({ ...p, ts: p.ts + dt })),
            LEVEL,
            t + dt,
          );
          expect(shiftedT).toStrictEqual(m);
          const tol = 1e-6 * Math.max(1, Math.abs(m.velocity));
          expect(Math.abs(shiftedP.velocity - m.velocity)).toBeLessThanOrEqual(tol);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 2_999 }), { minLength: 2, maxLength: 30 }),
        fc.integer({ min: -40, max: 40 }),
        (msList, b4) => {
          const ms = [...msList].sort((x, y) => x - y);
          const b = b4 / 4;
          const first = ms[0] as number;
          const prints = ms.map((x) => pr(atMs(x), BUY, 1, 5000 + (b * (x - first)) / 1000));
          const m = evalPrints(prints, LEVEL, at(3));
          expect(Math.abs(m.velocity - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)));
        },
      ),
    );
  });

  it('velocity is 0 with fewer than 2 prints in (t − W_v, t]', () => {
    fc.assert(
      fc.property(printsArb, snapArb, (prints, t) => {
        const wv = BigInt(DEFAULT_CONFIG.W_v) * 1_000_000_000n;
        const inV = prints.filter((p) => p.ts > t - wv && p.ts <= t).length;
        if (inV < 2) expect(evalPrints(prints, LEVEL, t).velocity).toBe(0);
      }),
    );
  });

  it('P5: removing a print outside the band changes neither volumes nor sweep', () => {
    fc.assert(
      fc.property(printsArb, snapArb, fc.nat(), (prints, t, k) => {
        const outside = prints.map((p, i) => [p, i] as const).filter(([p]) => Math.abs(p.price - LEVEL) > 0.5);
        const pick = outside[k % Math.max(1, outside.length)];
        if (!pick) return;
        const m = evalPrints(prints, LEVEL, t);
        const r = evalPrints(
          prints.filter((_, i) => i !== pick[1]),
          LEVEL,
          t,
        );
        expect([r.buy_vol, r.sell_vol, r.imbalance, r.sweep]).toStrictEqual([
          m.buy_vol,
          m.sell_vol,
          m.imbalance,
          m.sweep,
        ]);
      }),
    );
  });

  it('P6: NONE prints never count as aggressive volume; removing them changes velocity only', () => {
    fc.assert(
      fc.property(printsArb, snapArb, (prints, t) => {
        const m = evalPrints(prints, LEVEL, t);
        const r = evalPrints(
          prints.filter((p) => p.aggressor !== NONE),
          LEVEL,
          t,
        );
        expect({ ...r, velocity: 0 }).toStrictEqual({ ...m, velocity: 0 });
        const allNone = evalPrints(
          prints.map((p) => ({ ...p, aggressor: NONE })),
          LEVEL,
          t,
        );
        expect(allNone).toStrictEqual({ ...createTapeMetrics(), velocity: m.velocity });
      }),
    );
  });

  it('one window per snap serves every level: evaluateWindow equals evaluate and the oracle, far levels included', () => {
    fc.assert(
      fc.property(
        printsArb,
        snapArb,
        fc.array(fc.integer({ min: -40, max: 40 }), { maxLength: 6 }),
        (prints, t, ks) => {
          const v = view(prints);
          const w = engine.window(v, 0, prints.length, t);
          for (const k of ks) {
            const level = LEVEL + k * 0.25;
            const m = engine.evaluateWindow(v, w, level);
            expect(m).toStrictEqual(evalPrints(prints, level, t));
            const o = oracle(prints, level, t);
            expect(m.buy_vol).toBe(o.buy_vol);
            expect(m.sell_vol).toBe(o.sell_vol);
            expect(m.sweep.detected).toBe(o.sweep.detected);
          }
        },
      ),
    );
  });

  it('a NaN price is in every band, as in the plain scan (the window never skips it)', () => {
    const prints = [pr(at(1), BUY, 5, Number.NaN), pr(at(2), SELL, 3, LEVEL)];
    const v = view(prints);
    const w = engine.window(v, 0, prints.length, at(3));
    expect(engine.evaluateWindow(v, w, LEVEL + 100).buy_vol).toBe(5);
    expect(engine.evaluateWindow(v, w, LEVEL).buy_vol).toBe(5);
    expect(engine.evaluateWindow(v, w, LEVEL).sell_vol).toBe(3);
  });

  it('is deterministic and causal: prints after t change nothing at t', () => {
    fc.assert(
      fc.property(printsArb, printsArb, snapArb, (prints, later, t) => {
        const before = prints.filter((p) => p.ts <= t);
        const after = later.map((p, i) => ({ ...p, ts: t + 1n + (p.ts - T0) + BigInt(i) }));
        const m = evalPrints(before, LEVEL, t);
        expect(evalPrints(before, LEVEL, t)).toStrictEqual(m);
        expect(evalPrints([...before, ...after], LEVEL, t)).toStrictEqual(m);
        expect(JSON.stringify(evalPrints([...before, ...after], LEVEL, t))).toBe(JSON.stringify(m));
      }),
    );
  });
});

registerEngineContract<TapeEngine, { prints: Print[]; t: bigint; level: number }>({
  name: 'TapeEngine',
  create: () => new TapeEngine(),
  step: (e, input) => e.evaluate(view(input.prints), 0, input.prints.length, input.level, input.t),
  reset: () => {},
  inputs: fc.array(
    fc.record({ prints: printsArb, t: snapArb, level: fc.integer({ min: -8, max: 8 }).map((k) => LEVEL + k * 0.25) }),
    { maxLength: 5 },
  ),
  numRuns: 50,
});
