/**
 * Tests of engines.md §4.1–4.3 (time to expiry, Black-76, implied vol): the per-option Γ of the §4 example
 * setup, example F-3, normal-CDF tail accuracy (reference values from mpmath at 30 digits), put–call parity and
 * the IV round-trip property 6.
 */
import { DEFAULT_CONFIG, defineConfig } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  black76Delta,
  black76Gamma,
  black76Price,
  erfc,
  impliedVol,
  ivInputPrice,
  normCdf,
  normPdf,
  timeToExpiryYears,
} from '../src/black76.js';

const T0 = 1_765_895_400_000_000_000n;
const S = 1_000_000_000n;
const SNAP = T0 + 12_600n * S; // 13:00:00 ET
const EXPIRY = 1_765_918_800_000_000_000n; // 16:00 ET 2025-12-16
const T = 10_800 / 5_896_800;
const R = DEFAULT_CONFIG.RISK_FREE_RATE;

/** |actual − expected| ≤ half a unit of the last of `decimals` decimals (the precision the spec prints). */
function expectDigits(actual: number | null, expected: number, decimals: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(0.5 * 10 ** -decimals * (1 + 1e-9));
}

function expectRel(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('normCdf / erfc (§4.2 accuracy)', () => {
  // x → N(x), mpmath.ncdf with 30 digits, rounded to double.
  const reference: [number, number][] = [
    [-37, 5.725571222524577e-300],
    [-30, 4.906713927148187e-198],
    [-20, 2.7536241186062337e-89],
    [-10, 7.619853024160527e-24],
    [-8, 6.220960574271784e-16],
    [-5, 2.866515718791939e-7],
    [-3, 0.0013498980316300946],
    [-1, 0.15865525393145705],
    [-0.5, 0.3085375387259869],
    [-0.3, 0.3820885778110474],
    [0, 0.5],
    [0.3, 0.6179114221889527],
    [1, 0.8413447460685429],
    [5, 0.9999997133484281],
  ];
  it.each(reference)('N(%d) matches the reference (≤ 1e-14 abs, ≤ 1e-13 rel for x < 0)', (x, expected) => {
    const n = normCdf(x);
    expect(Math.abs(n - expected)).toBeLessThanOrEqual(1e-14);
    if (x < 0) expectRel(n, expected, 1e-13);
  });

  it('pins the values named in the brief', () => {
    expectRel(normCdf(-10), 7.619853024160527e-24, 1e-14);
    expectRel(normCdf(-5), 2.866515718791939e-7, 1e-14);
    expect(normCdf(1)).toBe(0.8413447460685429);
  });

  const erfcReference: [number, number][] = [
    [0.1, 0.887537083981715],
    [0.46875, 0.507386526782062],
    [0.47, 0.5062549491139179],
    [1, 0.15729920705028513],
    [3.9, 3.4792248597231765e-8],
    [4, 1.541725790028002e-8],
    [4.1, 6.700027654084918e-9],
    [6, 2.1519736712498913e-17],
    [10, 2.088487583762545e-45],
    [20, 5.395865611607901e-176],
    [26, 5.663192408856143e-296],
  ];
  it.each(erfcReference)('erfc(%d) is relatively accurate to 1e-14', (x, expected) => {
    expectRel(erfc(x), expected, 1e-14);
    expectRel(erfc(-x), 2 - expected, 1e-15);
  });

  it('handles the extremes without NaN', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(normCdf(-40)).toBeGreaterThanOrEqual(0);
    expect(normCdf(40)).toBe(1);
    expect(Number.isNaN(normCdf(Number.NaN))).toBe(true);
  });

  it('N(x) + N(−x) = 1 and N is monotone', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (x, h) => {
        expect(Math.abs(normCdf(x) + normCdf(-x) - 1)).toBeLessThanOrEqual(2e-16 * 4);
        expect(normCdf(x + h)).toBeGreaterThanOrEqual(normCdf(x));
      }),
    );
  });

  it('normPdf is the standard normal density', () => {
    expect(normPdf(0)).toBe(0.3989422804014327);
    expectRel(normPdf(1), 0.24197072451914337, 1e-15);
  });
});

describe('timeToExpiryYears (§4.1)', () => {
  it('gives 10800 s / YEAR_SECONDS at 13:00 ET for a 16:00 ET expiry', () => {
    expect(timeToExpiryYears(EXPIRY, SNAP, DEFAULT_CONFIG)).toBe(T);
    expect(timeToExpiryYears(EXPIRY, SNAP, DEFAULT_CONFIG)).toBeCloseTo(0.0018315018, 10);
  });
  it('is 0 at and after expiry and floored at T_MIN_S before', () => {
    expect(timeToExpiryYears(EXPIRY, EXPIRY, DEFAULT_CONFIG)).toBe(0);
    expect(timeToExpiryYears(EXPIRY, EXPIRY + 1n, DEFAULT_CONFIG)).toBe(0);
    expect(timeToExpiryYears(EXPIRY, EXPIRY - 30n * S, DEFAULT_CONFIG)).toBe(60 / 5_896_800);
    expect(timeToExpiryYears(EXPIRY, EXPIRY - 1n, DEFAULT_CONFIG)).toBe(60 / 5_896_800);
    expect(timeToExpiryYears(EXPIRY, EXPIRY - 61n * S, DEFAULT_CONFIG)).toBe(61 / 5_896_800);
  });
});

describe('Black-76 (§4.2)', () => {
  it('per-option Γ of the §4 example setup (F = 6000, σ = 0.15, T = 10800 s)', () => {
    expectDigits(black76Gamma(6000, 5950, T, 0.15, R), 0.0044096333, 10);
    expectDigits(black76Gamma(6000, 5975, T, 0.15, R), 0.0083647546, 10);
    expectDigits(black76Gamma(6000, 6000, T, 0.15, R), 0.0103568061, 10);
    expectDigits(black76Gamma(6000, 6025, T, 0.15, R), 0.0084144387, 10);
    expectDigits(50 * black76Gamma(6000, 6000, T, 0.15, R), 0.5178403, 7);
  });

  it('F-4 Γ at F_c = 5950', () => {
    expectDigits(black76Gamma(5950, 5950, T, 0.15, R), 0.0104438381, 10);
    expectDigits(black76Gamma(5950, 5925, T, 0.15, R), 0.0084047756, 10);
  });

  it('Γ is 0 once expired or with σ = 0', () => {
    expect(black76Gamma(6000, 6000, 0, 0.15, R)).toBe(0);
    expect(black76Gamma(6000, 6000, T, 0, R)).toBe(0);
  });

  it('put–call parity: call − put = D_r·(F − K)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 4000, max: 8000, noNaN: true }),
        fc.double({ min: -0.05, max: 0.05, noNaN: true }),
        fc.double({ min: 60 / 5_896_800, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        (F, u, t, sigma) => {
          const K = F * Math.exp(u);
          const lhs = black76Price(F, K, t, sigma, R, 'C') - black76Price(F, K, t, sigma, R, 'P');
          expect(Math.abs(lhs - Math.exp(-R * t) * (F - K))).toBeLessThanOrEqual(1e-11 * F);
          const dd = black76Delta(F, K, t, sigma, R, 'C') - black76Delta(F, K, t, sigma, R, 'P');
          expect(Math.abs(dd - Math.exp(-R * t))).toBeLessThanOrEqual(1e-14);
        },
      ),
    );
  });

  it('Γ ≥ 0, equals the second price derivative of both the call and the put, and peaks near K ≈ F', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1150, max: 1250 }).map((k) => k * 5),
        fc.double({ min: 0.1, max: 0.5, noNaN: true }),
        (K, sigma) => {
          const F = 6000;
          const g = black76Gamma(F, K, T, sigma, R);
          expect(g).toBeGreaterThanOrEqual(0);
          const h = 0.5;
          for (const right of ['C', 'P'] as const) {
            const fd =
              (black76Price(F + h, K, T, sigma, R, right) -
                2 * black76Price(F, K, T, sigma, R, right) +
                black76Price(F - h, K, T, sigma, R, right)) /
              (h * h);
            expect(Math.abs(fd - g)).toBeLessThanOrEqual(1e-4 * black76Gamma(F, F, T, sigma, R) + 1e-9);
          }
          expect(g).toBeLessThanOrEqual(black76Gamma(F, F * Math.exp((sigma * sigma * T) / 2), T, sigma, R) + 1e-15);
        },
      ),
    );
  });

  it('returns the discounted intrinsic value when σ√T = 0', () => {
    expect(black76Price(6000, 5975, 0, 0.15, R, 'C')).toBe(25);
    expect(black76Price(6000, 5975, 0, 0.15, R, 'P')).toBe(0);
  });
});

describe('impliedVol (§4.3, example F-3; IV tolerance 1e-7)', () => {
  const cfg = DEFAULT_CONFIG;
  it('6000 C at 15.36 (K = F counts as OTM)', () => {
    const iv = impliedVol(15.36, 6000, 6000, T, 'C', cfg);
    expectDigits(iv, 0.14995562, 8);
    expectDigits(black76Gamma(6000, 6000, T, iv as number, R), 0.010359871, 9);
  });
  it('5975 P at 5.00', () => {
    const iv = impliedVol(5, 6000, 5975, T, 'P', cfg);
    expectDigits(iv, 0.13809493, 8);
    expectDigits(black76Gamma(6000, 5975, T, iv as number, R), 0.0087467138, 10);
  });
  it('ITM 5975 C at 30.00 is solved as the put at 30 − D_r·25 = 5.0020604', () => {
    expectDigits(30 - Math.exp(-R * T) * 25, 5.0020604, 7);
    const iv = impliedVol(30, 6000, 5975, T, 'C', cfg);
    expectDigits(iv, 0.1381208, 8);
    expectDigits(black76Gamma(6000, 5975, T, iv as number, R), 0.0087458931, 10);
    expect(iv).toBe(impliedVol(30 - Math.exp(-R * T) * 25, 6000, 5975, T, 'P', cfg));
  });
  it('5975 C at 24.00: twin price −0.997940 is below the bracket ⇒ unsolvable', () => {
    expectDigits(24 - Math.exp(-R * T) * 25, -0.99794, 6);
    expect(impliedVol(24, 6000, 5975, T, 'C', cfg)).toBeNull();
  });
  it('a 6000 C print at 15.50 with quotes 15.25/15.45 is solved at the mid 15.35', () => {
    const p = ivInputPrice(15.5, 15.25, 15.45);
    expect(p).toBe(15.35);
    expectDigits(impliedVol(p, 6000, 6000, T, 'C', cfg), 0.149858, 8);
    expectDigits(impliedVol(15.5, 6000, 6000, T, 'C', cfg), 0.15132241, 8);
  });
  it('uses the trade price without both quotes or with a crossed quote', () => {
    expect(ivInputPrice(15.5, null, 15.45)).toBe(15.5);
    expect(ivInputPrice(15.5, 15.25, undefined)).toBe(15.5);
    expect(ivInputPrice(15.5, 15.5, 15.4)).toBe(15.5);
    expect(ivInputPrice(15.5, 15.4, 15.4)).toBe(15.4);
  });
  it('ITM put is solved as the call twin; prices outside the bracket and expired options are unsolvable', () => {
    const callIv = impliedVol(10, 6000, 6010, T, 'C', cfg);
    const dr = Math.exp(-R * T);
    expect(impliedVol(10 - dr * (6000 - 6010), 6000, 6010, T, 'P', cfg)).toBe(
      impliedVol(10 - dr * (6000 - 6010) + dr * (6000 - 6010), 6000, 6010, T, 'C', cfg),
    );
    expect(callIv).not.toBeNull();
    expect(impliedVol(0, 6000, 6000, T, 'C', cfg)).toBeNull();
    expect(impliedVol(1e6, 6000, 6000, T, 'C', cfg)).toBeNull();
    expect(impliedVol(15, 6000, 6000, 0, 'C', cfg)).toBeNull();
    expect(impliedVol(Number.NaN, 6000, 6000, T, 'C', cfg)).toBeNull();
  });
  it('follows IV_BOUNDS and IV_ITERATIONS exactly as written', () => {
    const one = defineConfig({ IV_ITERATIONS: 1 });
    // One halving of [0.01, 5]: m = 2.505, price(m) > P for P = 15.36 ⇒ hi = m ⇒ (0.01 + 2.505)/2.
    expect(impliedVol(15.36, 6000, 6000, T, 'C', one)).toBe((0.01 + 2.505) / 2);
  });

  it('property 6: IV round trip for OTM options within 1e-9', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        fc.double({ min: -0.01, max: 0.01, noNaN: true }),
        fc.integer({ min: 1800, max: 23_400 }),
        fc.integer({ min: 4000, max: 8000 }),
        (sigma, u, seconds, F) => {
          const K = F * Math.exp(-u);
          const right = K >= F ? 'C' : 'P';
          const t = seconds / cfg.YEAR_SECONDS;
          const price = black76Price(F, K, t, sigma, R, right);
          const iv = impliedVol(price, F, K, t, right, cfg);
          expect(iv).not.toBeNull();
          expect(Math.abs((iv as number) - sigma)).toBeLessThanOrEqual(1e-9);
        },
      ),
    );
  });
});
