/** Smoothing (engines spec §8): examples E-1…E-3, edge cases and the §8 properties. */
import { DEFAULT_CONFIG } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ewma, SMOOTHED_QUANTITIES, SmootherSet, SmoothingError } from '../src/smoothing.js';
import { registerEngineContract } from './contract.js';

/** Test-vector time base of §0.7: 2025-12-16 09:30:00 ET. */
const T0 = 1_765_895_400_000_000_000n;
const at = (seconds: number): bigint => T0 + BigInt(Math.round(seconds * 1e9));

/** §0.7 tolerance: relative 1e-9, absolute 1e-12 near zero. */
function expectClose(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  const tol = Math.max(1e-12, 1e-9 * Math.abs(expected));
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tol);
}

/** Match a value printed in the spec with `decimals` decimals (half a unit of the last printed digit). */
function expectPrinted(actual: number, printed: number, decimals: number): void {
  expect(Math.abs(actual - printed)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

function feed(tau: number, samples: readonly (readonly [number, number])[]): number[] {
  const ewma = new Ewma(tau);
  return samples.map(([s, x]) => ewma.update(x, at(s)));
}

describe('§8 examples', () => {
  it('E-1 (τ = 2 s): 80, 82.350062, 84.423984, 18.837537', () => {
    const out = feed(2, [
      [0, 80],
      [0.25, 100],
      [0.5, 100],
      [3.5, 0],
    ]);
    expect(out[0]).toBe(80);
    expectPrinted(out[1] as number, 82.350062, 6);
    expectPrinted(out[2] as number, 84.423984, 6);
    expectPrinted(out[3] as number, 18.837537, 6);
    // The stated α values and the closed form, at the §0.7 tolerance.
    const a025 = 1 - Math.exp(-0.25 / 2);
    const a3 = 1 - Math.exp(-3 / 2);
    expectPrinted(a025, 0.1175031, 8);
    expectPrinted(a3, 0.77686984, 8);
    const y1 = 80 + a025 * 20;
    const y2 = y1 + a025 * (100 - y1);
    expectClose(out[1] as number, y1);
    expectClose(out[2] as number, y2);
    expectClose(out[3] as number, y2 + a3 * (0 - y2));
  });

  it('E-2 (0.25 s sample omitted) matches E-1 at 0.5 s and 3.5 s', () => {
    const e1 = feed(2, [
      [0, 80],
      [0.25, 100],
      [0.5, 100],
      [3.5, 0],
    ]);
    const e2 = feed(2, [
      [0, 80],
      [0.5, 100],
      [3.5, 0],
    ]);
    expect(e2[0]).toBe(80);
    expectPrinted(e2[1] as number, 84.423984, 6);
    expectPrinted(e2[2] as number, 18.837537, 6);
    expectClose(e2[1] as number, e1[2] as number);
    expectClose(e2[2] as number, e1[3] as number);
  });

  it('E-3 (τ = 1.5 s, velocity): 0.30, 0.23859269, 0.10536685', () => {
    const out = feed(1.5, [
      [0, 0.3],
      [0.25, -0.1],
      [1.0, -0.1],
    ]);
    expect(out[0]).toBe(0.3);
    expectPrinted(out[1] as number, 0.23859269, 8);
    expectPrinted(out[2] as number, 0.10536685, 8);
    expectClose(out[2] as number, -0.1 + (0.3 - -0.1) * Math.exp(-1 / 1.5));
  });
});

describe('Ewma edge cases', () => {
  it('is empty until the first sample, which initialises it exactly', () => {
    const ewma = new Ewma(2);
    expect(ewma.value).toBeNull();
    expect(ewma.last_ts_ns).toBeNull();
    expect(ewma.isEmpty).toBe(true);
    expect(ewma.update(-7.25, T0)).toBe(-7.25);
    expect(ewma.value).toBe(-7.25);
    expect(ewma.last_ts_ns).toBe(T0);
  });

  it('Δt = 0 gives α = 0: the value is unchanged', () => {
    const ewma = new Ewma(2);
    ewma.update(10, T0);
    expect(ewma.update(1000, T0)).toBe(10);
    expect(ewma.update(-1000, T0)).toBe(10);
  });

  it('a huge gap is effectively a reset (α → 1)', () => {
    const ewma = new Ewma(2);
    ewma.update(10, T0);
    expect(ewma.update(3, at(86_400))).toBe(3);
  });

  it('reset empties the smoother; the next sample initialises it, even at an earlier time', () => {
    const ewma = new Ewma(2);
    ewma.update(10, at(5));
    ewma.update(20, at(6));
    ewma.reset();
    expect(ewma.value).toBeNull();
    expect(ewma.isEmpty).toBe(true);
    expect(ewma.update(42, at(1))).toBe(42);
  });

  it('rejects a decreasing timestamp with a structured error and keeps its state', () => {
    const ewma = new Ewma(2);
    ewma.update(10, at(1));
    let caught: unknown;
    try {
      ewma.update(0, at(0.5));
    } catch (e) {
      caught = e;
    }
    expect(SmoothingError.is(caught)).toBe(true);
    const err = caught as SmoothingError;
    expect(err.reason).toBe('time_decreasing');
    expect(err.ts_ns).toBe(at(0.5));
    expect(err.last_ts_ns).toBe(at(1));
    expect(ewma.value).toBe(10);
    expect(ewma.last_ts_ns).toBe(at(1));
  });

  it('rejects non-finite values and invalid τ', () => {
    const ewma = new Ewma(2);
    expect(() => ewma.update(Number.NaN, T0)).toThrow(SmoothingError);
    expect(() => ewma.update(Number.POSITIVE_INFINITY, T0)).toThrow(/not finite/);
    expect(ewma.isEmpty).toBe(true);
    for (const tau of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Ewma(tau)).toThrow(SmoothingError);
    }
    expect(SmoothingError.is(new Error('x'))).toBe(false);
  });
});

describe('SmootherSet', () => {
  it('has one smoother per §8 quantity with its τ from the config', () => {
    const set = new SmootherSet(DEFAULT_CONFIG);
    expect(set.break_score.tau_s).toBe(2.0);
    expect(set.velocity.tau_s).toBe(1.5);
    expect(set.delta_liq.tau_s).toBe(3.0);
    expect(set.replenishment_ratio.tau_s).toBe(3.0);
    expect(set.net_dealer_gamma.tau_s).toBe(5.0);
    expect(SMOOTHED_QUANTITIES.map((q) => set[q].tau_s)).toEqual([2, 1.5, 3, 3, 5]);
    expect(new SmootherSet().break_score.tau_s).toBe(DEFAULT_CONFIG.tau_score);
  });

  it('reset empties all five smoothers', () => {
    const set = new SmootherSet();
    for (const q of SMOOTHED_QUANTITIES) set[q].update(1, T0);
    set.reset();
    for (const q of SMOOTHED_QUANTITIES) expect(set[q].value).toBeNull();
  });

  it('smoothers are independent', () => {
    const set = new SmootherSet();
    set.break_score.update(80, at(0));
    set.break_score.update(100, at(0.25));
    expect(set.velocity.isEmpty).toBe(true);
    expect(set.velocity.update(0.3, at(0.25))).toBe(0.3);
  });
});

// ---- properties ----

const value = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const tau = fc.double({ min: 0.01, max: 100, noNaN: true, noDefaultInfinity: true });
/** Gaps in ns: often on the 250 ms grid, sometimes 0, sometimes arbitrary. */
const gapNs = fc.oneof(
  fc.constant(0n),
  fc.integer({ min: 1, max: 40 }).map((k) => BigInt(k) * 250_000_000n),
  fc.bigInt({ min: 1n, max: 20_000_000_000n }),
);
const samples = fc.array(fc.tuple(gapNs, value), { minLength: 1, maxLength: 60 }).map((pairs) => {
  let t = T0;
  return pairs.map(([gap, x]) => {
    t += gap;
    return { t, x };
  });
});

describe('§8 properties', () => {
  it('1. every output lies in [min x, max x] of the samples so far', () => {
    fc.assert(
      fc.property(tau, samples, (tauS, xs) => {
        const ewma = new Ewma(tauS);
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (const { t, x } of xs) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
          const y = ewma.update(x, t);
          const slack = 1e-12 * Math.max(Math.abs(lo), Math.abs(hi));
          expect(y).toBeGreaterThanOrEqual(lo - slack);
          expect(y).toBeLessThanOrEqual(hi + slack);
        }
      }),
    );
  });

  it('2. constant input gives exactly that constant', () => {
    fc.assert(
      fc.property(tau, value, samples, (tauS, c, xs) => {
        const ewma = new Ewma(tauS);
        // === on purpose: -0 and 0 are the same constant (0·(x − v) turns -0 into 0).
        for (const { t } of xs) expect(ewma.update(c, t) === c).toBe(true);
      }),
    );
  });

  it('3. inserting a sample equal to the next one at an intermediate time changes no later output', () => {
    fc.assert(
      fc.property(
        tau,
        value,
        value,
        fc.bigInt({ min: 0n, max: 10_000_000_000n }),
        fc.bigInt({ min: 0n, max: 10_000_000_000n }),
        (tauS, y0, x, a, b) => {
          const direct = new Ewma(tauS);
          direct.update(y0, T0);
          const split = new Ewma(tauS);
          split.update(y0, T0);
          split.update(x, T0 + a);
          const ySplit = split.update(x, T0 + a + b);
          const yDirect = direct.update(x, T0 + a + b);
          // relative to the magnitudes involved (the result can be a cancellation near zero)
          const tol = Math.max(1e-12, 1e-9 * Math.max(Math.abs(x), Math.abs(y0)));
          expect(Math.abs(ySplit - yDirect)).toBeLessThanOrEqual(tol);
        },
      ),
    );
  });

  it('4. a step from y0 to x decays as x + (y0 − x)·e^(−Δ/τ) whatever the sample spacing', () => {
    fc.assert(
      fc.property(
        tau,
        value,
        value,
        fc.array(fc.bigInt({ min: 0n, max: 2_000_000_000n }), { minLength: 1, maxLength: 20 }),
        (tauS, y0, x, gaps) => {
          const ewma = new Ewma(tauS);
          ewma.update(y0, T0);
          let t = T0;
          let y = y0;
          for (const g of gaps) {
            t += g;
            y = ewma.update(x, t);
          }
          const expected = x + (y0 - x) * Math.exp(-Number(t - T0) / 1e9 / tauS);
          const tol = Math.max(1e-12, 1e-9 * Math.max(Math.abs(x), Math.abs(y0)));
          expect(Math.abs(y - expected)).toBeLessThanOrEqual(tol);
        },
      ),
    );
  });

  it('5. reset then replay equals a fresh smoother (reset semantics)', () => {
    fc.assert(
      fc.property(tau, samples, samples, (tauS, warmup, xs) => {
        const used = new Ewma(tauS);
        for (const { t, x } of warmup) used.update(x, t);
        used.reset();
        const fresh = new Ewma(tauS);
        for (const { t, x } of xs) expect(used.update(x, t)).toBe(fresh.update(x, t));
      }),
    );
  });
});

registerEngineContract({
  name: 'Ewma',
  create: () => new Ewma(2),
  step: (ewma: Ewma, s: { t: bigint; x: number }) => ewma.update(s.x, s.t),
  reset: (ewma) => ewma.reset(),
  inputs: samples,
});
