/**
 * Tests of engines.md §4.4–4.6 (dealer gamma, per-level aggregates, `es.hvl`): examples F-1, F-2, F-4 (with the
 * shared placed strike and the missing-basis variants) and the §4 properties 2–5, 7 and 8 (sign, linearity,
 * range, thresholds/walls/HVL, basis consistency, order independence via the [D31] contract order).
 *
 * Spec example values are printed with 4 decimals (7–8 for strengths); they are compared to half a unit of the
 * last printed digit.
 */
import type { OptionRight } from '@spymaster/schemas';
import { DEFAULT_CONFIG } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildGammaBook,
  compareContractOrder,
  dealerGamma,
  type FuelMetrics,
  fuelMetrics,
  type GammaContract,
  type GammaMarket,
  gammaAt,
  gammaFlip,
  rangeRun,
  strikeKey,
} from '../src/gamma.js';

const C = DEFAULT_CONFIG;
const T0 = 1_765_895_400_000_000_000n;
const S = 1_000_000_000n;
const SNAP = T0 + 12_600n * S; // 13:00:00 ET
const EXPIRY = 1_765_918_800_000_000_000n;

function contract(
  underlying: string,
  strike: number,
  right: OptionRight,
  N: number,
  recentSigned = 0,
  recentVolume = 0,
  sigma = 0.15,
): GammaContract {
  return {
    option_symbol: `${underlying === 'ESH6' ? 'E3' : 'EW'}Z5 ${right}${strike}`,
    underlying_contract: underlying,
    strike,
    right,
    expiration_ns: EXPIRY,
    N,
    recentSigned,
    recentVolume,
    sigma,
  };
}

const FRONT: GammaMarket = { t_ns: SNAP, spot: 6000, frontMonth: 'ESH6', basis: null };

function digits(actual: number | undefined, expected: number, decimals: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(0.5 * 10 ** -decimals * (1 + 1e-9));
}

/** es.hvl by the §4.6 definition: the full 601-point scan over gammaAt, roots between opposite signs. */
function referenceFlip(book: ReturnType<typeof buildGammaBook>): number | null {
  if (book.spot === null || book.contracts.length === 0) return null;
  const pts = grid(book);
  let best: number | null = null;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1] as { x: number; g: number };
    const b = pts[i] as { x: number; g: number };
    if (a.g < 0 ? b.g > 0 : b.g < 0) {
      const root = a.x + ((b.x - a.x) * a.g) / (a.g - b.g);
      const d = Math.abs(root - book.spot);
      const bd = best === null ? Number.POSITIVE_INFINITY : Math.abs(best - book.spot);
      if (d < bd || (d === bd && best !== null && root < best)) best = root;
    }
  }
  return best;
}

/** The grid of §4.6 with the exact zeros removed. */
function grid(book: ReturnType<typeof buildGammaBook>): { x: number; g: number }[] {
  const out: { x: number; g: number }[] = [];
  for (let k = -300; k <= 300; k++) {
    const x = (book.spot as number) + 0.25 * k;
    const g = gammaAt(book, x, C);
    if (g !== 0) out.push({ x, g });
  }
  return out;
}

// F-1: 6000 C BUY 3000; 6025 C SELL 5000; 5975 P SELL 4000; 6100 C BUY 10000 (12:50); 5950 P BUY 2000 (12:59:30).
// The 6000 P of 2025-12-17 is not 0DTE and never enters the inventory.
const F1 = [
  contract('ESH6', 6000, 'C', 3000),
  contract('ESH6', 6025, 'C', -5000),
  contract('ESH6', 5975, 'P', -4000),
  contract('ESH6', 6100, 'C', 10000),
  contract('ESH6', 5950, 'P', 2000, 2000, 2000),
];

describe('example F-1 — DAMPEN with a call wall', () => {
  const book = buildGammaBook(F1, FRONT, C);
  const fuel = fuelMetrics(book, 6005, C);
  it('dealer gamma per contract', () => {
    const byKey = new Map(book.contracts.map((c, i) => [`${c.strike}${c.right}`, book.dealerGamma[i]]));
    digits(byKey.get('6000C'), -1553.5209, 4);
    digits(byKey.get('6025C'), 2103.6097, 4);
    digits(byKey.get('5975P'), 1672.9509, 4);
    digits(byKey.get('5950P'), -440.9633, 4);
    digits(byKey.get('6100C'), -189.7057, 4);
  });
  it('level 6005 aggregates', () => {
    digits(fuel.net_dealer_gamma, 1782.0763, 4);
    expect(fuel.effect).toBe('DAMPEN');
    expect(Object.keys(fuel.gamma_by_strike)).toEqual(['5950.00', '5975.00', '6000.00', '6025.00']);
    digits(fuel.gamma_by_strike['5950.00'], -440.9633, 4);
    digits(fuel.gamma_by_strike['5975.00'], 1672.9509, 4);
    digits(fuel.gamma_by_strike['6000.00'], -1553.5209, 4);
    digits(fuel.gamma_by_strike['6025.00'], 2103.6097, 4);
    expect(fuel.call_wall?.strike).toBe(6025);
    digits(fuel.call_wall?.net_gamma, 2103.6097, 4);
    digits(fuel.call_wall?.strength, 1.0518048, 7);
    expect(fuel.put_wall).toBeNull();
    digits(fuel.gamma_flow, -440.9633, 4);
    expect(fuel.confidence).toBe(1);
    expect(Object.keys(fuel)).toEqual([
      'effect',
      'net_dealer_gamma',
      'gamma_flow',
      'call_wall',
      'put_wall',
      'gamma_by_strike',
      'confidence',
    ]);
  });
  it('es.hvl: G(6000), both sign changes and the nearest root', () => {
    digits(gammaAt(book, 6000, C), 1592.3707, 4);
    const pts = grid(book);
    const changes: [number, number][] = [];
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1] as { x: number; g: number };
      const b = pts[i] as { x: number; g: number };
      if (a.g * b.g < 0) changes.push([a.x, b.x]);
    }
    expect(changes).toEqual([
      [5932.5, 5932.75],
      [6043.75, 6044],
    ]);
    const lower = gammaFlip(buildGammaBook(F1, { ...FRONT, spot: 5940 }, C), C);
    digits(lower ?? Number.NaN, 5932.5953, 4);
    digits(gammaFlip(book, C) ?? Number.NaN, 6043.9178, 4);
  });
});

describe('example F-2 — AMPLIFY', () => {
  const book = buildGammaBook([contract('ESH6', 6000, 'C', 2500), contract('ESH6', 5975, 'P', 1500)], FRONT, C);
  const fuel = fuelMetrics(book, 5990, C);
  it('aggregates, no walls, no flip', () => {
    digits(book.dealerGamma[1], -1294.6008, 4);
    digits(book.dealerGamma[0], -627.3566, 4);
    digits(fuel.net_dealer_gamma, -1921.9574, 4);
    expect(fuel.effect).toBe('AMPLIFY');
    expect(fuel.call_wall).toBeNull();
    expect(fuel.put_wall).toBeNull();
    expect(gammaFlip(book, C)).toBeNull();
    expect(grid(book).every((p) => p.g < 0)).toBe(true);
  });
});

describe('example F-4 — options on the expiring contract', () => {
  const ROLL: GammaMarket = { t_ns: SNAP, spot: 6000, frontMonth: 'ESH6', basis: 50 };
  const Q = [contract('ESZ5', 5950, 'C', 2000), contract('ESZ5', 5925, 'P', -5000), contract('ESZ5', 6075, 'C', -1000)];
  it('places Q options at K + b and prices them at spot − b', () => {
    const book = buildGammaBook(Q, ROLL, C);
    expect(Array.from(book.placedStrike)).toEqual([5975, 6000, 6125]);
    digits(book.gamma[0], 0.0084047756, 10);
    digits(book.gamma[1], 0.0104438381, 10);
    digits(book.dealerGamma[0], 2101.1939, 4);
    digits(book.dealerGamma[1], -1044.3838, 4);
    digits(book.dealerGamma[2], 2.7835, 4);
    const fuel = fuelMetrics(book, 5990, C);
    digits(fuel.net_dealer_gamma, 1056.8101, 4);
    expect(fuel.effect).toBe('DAMPEN');
    expect(Object.keys(fuel.gamma_by_strike)).toEqual(['5975.00', '6000.00']);
    digits(fuel.gamma_by_strike['5975.00'], 2101.1939, 4);
    digits(fuel.gamma_by_strike['6000.00'], -1044.3838, 4);
    expect(fuel.put_wall?.strike).toBe(5975);
    digits(fuel.put_wall?.net_gamma, 2101.1939, 4);
    digits(fuel.put_wall?.strength, 1.0505969, 7);
    expect(fuel.call_wall).toBeNull();
    expect(fuel.gamma_flow).toBe(0);
    expect(fuel.confidence).toBe(0);
    expect(book.optionsBasisMissing).toBe(false);
    expect(gammaFlip(book, C)).toBeNull();
    const pts = grid(book);
    expect(pts.every((p) => p.g > 0)).toBe(true);
    const min = pts.reduce((a, b) => (b.g < a.g ? b : a));
    expect(min.x).toBe(6050.5);
    digits(min.g, 16.3988, 4);
  });
  it('sums F and Q contracts sharing a placed strike (ESH6 before ESZ5)', () => {
    const book = buildGammaBook([...Q, contract('ESH6', 6000, 'C', -6000)], ROLL, C);
    const i = book.contracts.findIndex((c) => c.underlying_contract === 'ESH6');
    expect(book.contracts[i + 1]?.underlying_contract).toBe('ESZ5');
    digits(book.dealerGamma[i], 3107.0418, 4);
    const fuel = fuelMetrics(book, 5990, C);
    digits(fuel.gamma_by_strike['6000.00'], 2062.658, 4);
    expect(fuel.gamma_by_strike['6000.00']).toBe((book.dealerGamma[i] as number) + (book.dealerGamma[i + 1] as number));
    digits(fuel.gamma_by_strike['5975.00'], 2101.1939, 4);
    digits(fuel.net_dealer_gamma, 4163.8519, 4);
    expect(fuel.call_wall?.strike).toBe(6000);
    digits(fuel.call_wall?.net_gamma, 2062.658, 4);
    digits(fuel.call_wall?.strength, 1.031329, 7);
    expect(fuel.put_wall?.strike).toBe(5975);
    expect(gammaFlip(book, C)).toBeNull();
  });
  it('leaves Q options out when the basis is null', () => {
    const book = buildGammaBook(Q, { ...ROLL, basis: null }, C);
    expect(book.optionsBasisMissing).toBe(true);
    expect(fuelMetrics(book, 5990, C)).toEqual({
      effect: 'NEUTRAL',
      net_dealer_gamma: 0,
      gamma_flow: 0,
      call_wall: null,
      put_wall: null,
      gamma_by_strike: {},
      confidence: 0,
    });
    expect(gammaFlip(book, C)).toBeNull();
  });
});

describe('edge cases and helpers', () => {
  it('spot = null gives the empty output and no flip', () => {
    const book = buildGammaBook(F1, { ...FRONT, spot: null }, C);
    expect(book.contracts).toHaveLength(0);
    expect(fuelMetrics(book, 6005, C).effect).toBe('NEUTRAL');
    expect(gammaFlip(book, C)).toBeNull();
  });
  it('expired contracts carry Γ = 0', () => {
    const book = buildGammaBook(F1, { ...FRONT, t_ns: EXPIRY }, C);
    expect(Array.from(book.gamma).every((g) => g === 0)).toBe(true);
    expect(gammaFlip(book, C)).toBeNull();
  });
  it('strike keys are two-decimal half-up', () => {
    expect(strikeKey(5975)).toBe('5975.00');
    expect(strikeKey(5975.125)).toBe('5975.13');
    expect(strikeKey(5975.375)).toBe('5975.38');
    expect(strikeKey(5975.625)).toBe('5975.63');
    expect(strikeKey(5975.875)).toBe('5975.88');
    expect(strikeKey(5975.25)).toBe('5975.25');
  });
  it('contract order: placed strike, C before P, underlying, symbol', () => {
    expect(compareContractOrder(5995, 'P', 'ESH6', 'b', 6000, 'C', 'ESH6', 'a')).toBeLessThan(0);
    expect(compareContractOrder(6000, 'C', 'ESZ5', 'a', 6000, 'P', 'ESH6', 'a')).toBeLessThan(0);
    expect(compareContractOrder(6000, 'C', 'ESH6', 'z', 6000, 'C', 'ESZ5', 'a')).toBeLessThan(0);
    expect(compareContractOrder(6000, 'C', 'ESH6', 'a', 6000, 'C', 'ESH6', 'b')).toBeLessThan(0);
    expect(compareContractOrder(6000, 'C', 'ESH6', 'a', 6000, 'C', 'ESH6', 'a')).toBe(0);
  });
  it('rejects a duplicated contract', () => {
    expect(() => buildGammaBook([F1[0] as GammaContract, F1[0] as GammaContract], FRONT, C)).toThrow(RangeError);
  });
  it('range is |K̂ − L| ≤ FUEL_STRIKE_RANGE inclusive', () => {
    const book = buildGammaBook(
      [5920, 5925, 6075, 6080].map((k) => contract('ESH6', k, 'C', 1)),
      FRONT,
      C,
    );
    const [a, b] = rangeRun(book, 6000, 75);
    expect(Array.from(book.placedStrike.subarray(a, b))).toEqual([5925, 6075]);
  });
  it('dealerGamma sign convention', () => {
    expect(dealerGamma(1, 0.01, 50)).toBeLessThan(0);
    expect(dealerGamma(-1, 0.01, 50)).toBeGreaterThan(0);
  });
  it('walls: the largest G wins regardless of distance; only strikes on the right side of L count', () => {
    const book = buildGammaBook(
      [
        contract('ESH6', 6010, 'C', -1000),
        contract('ESH6', 6050, 'C', -10000),
        contract('ESH6', 5995, 'C', -9000),
        contract('ESH6', 5990, 'P', -1000),
        contract('ESH6', 5950, 'P', -10000),
        contract('ESH6', 6010, 'P', -9000),
      ],
      FRONT,
      C,
    );
    const fuel = fuelMetrics(book, 6005, C);
    expect(fuel.call_wall?.strike).toBe(6050);
    expect(fuel.put_wall?.strike).toBe(5950);
    expect(fuel.call_wall?.strength).toBe((fuel.call_wall?.net_gamma as number) / C.WALL_MIN_GAMMA);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

const UNDERLYINGS = ['ESH6', 'ESZ5'] as const;

const contractArb = fc.record({
  underlying_contract: fc.constantFrom(...UNDERLYINGS),
  strike: fc.integer({ min: 1170, max: 1230 }).map((k) => k * 5),
  right: fc.constantFrom<OptionRight>('C', 'P'),
  N: fc.integer({ min: -5000, max: 5000 }),
  recentSigned: fc.integer({ min: -500, max: 500 }),
  recentVolume: fc.integer({ min: 0, max: 800 }),
  sigma: fc.double({ min: 0.08, max: 0.4, noNaN: true }),
});

const bookArb = fc
  .uniqueArray(contractArb, {
    minLength: 1,
    maxLength: 12,
    selector: (c) => `${c.underlying_contract}|${c.strike}|${c.right}`,
  })
  .map((cs) =>
    cs.map(
      (c): GammaContract => ({
        ...c,
        option_symbol: `${c.underlying_contract}${c.right}${c.strike}`,
        expiration_ns: EXPIRY,
      }),
    ),
  );

const marketArb = fc.record({
  spot: fc.integer({ min: 23_800, max: 24_200 }).map((k) => k * 0.25),
  basis: fc.option(
    fc.integer({ min: 0, max: 800 }).map((k) => k * 0.125),
    { nil: null },
  ),
});

const levelArb = fc.integer({ min: 23_600, max: 24_400 }).map((k) => k * 0.25);

function market(m: { spot: number; basis: number | null }): GammaMarket {
  return { t_ns: SNAP, spot: m.spot, frontMonth: 'ESH6', basis: m.basis };
}

function negate(cs: readonly GammaContract[]): GammaContract[] {
  return cs.map((c) => ({ ...c, N: -c.N, recentSigned: -c.recentSigned }));
}

function serialize(f: FuelMetrics): string {
  return JSON.stringify(f);
}

describe('§4 properties', () => {
  it('8. order independence: permuting the inventory gives bit-identical outputs', () => {
    fc.assert(
      fc.property(
        bookArb.chain((cs) => fc.tuple(fc.constant(cs), fc.shuffledSubarray(cs, { minLength: cs.length }))),
        marketArb,
        levelArb,
        ([cs, perm], m, L) => {
          const a = buildGammaBook(cs, market(m), C);
          const b = buildGammaBook(perm, market(m), C);
          expect(serialize(fuelMetrics(b, L, C))).toBe(serialize(fuelMetrics(a, L, C)));
          expect(Object.is(gammaFlip(a, C), gammaFlip(b, C))).toBe(true);
          expect(Object.is(gammaAt(a, L, C), gammaAt(b, L, C))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('2. sign: only customer buys ⇒ net ≤ 0, sells ⇒ ≥ 0; swapping sides negates every gamma output, HVL unchanged', () => {
    fc.assert(
      fc.property(bookArb, marketArb, levelArb, (cs, m, L) => {
        const buys = cs.map((c) => ({ ...c, N: Math.abs(c.N) }));
        const bb = buildGammaBook(buys, market(m), C);
        expect(fuelMetrics(bb, L, C).net_dealer_gamma).toBeLessThanOrEqual(0);
        expect(fuelMetrics(buildGammaBook(negate(buys), market(m), C), L, C).net_dealer_gamma).toBeGreaterThanOrEqual(
          0,
        );
        expect(gammaFlip(bb, C)).toBeNull();
        const a = buildGammaBook(cs, market(m), C);
        const b = buildGammaBook(negate(cs), market(m), C);
        const fa = fuelMetrics(a, L, C);
        const fb = fuelMetrics(b, L, C);
        // `===` (not Object.is): an empty or all-zero sum is +0 on both sides.
        expect(fb.net_dealer_gamma === -fa.net_dealer_gamma).toBe(true);
        expect(fb.gamma_flow === -fa.gamma_flow).toBe(true);
        for (const [k, v] of Object.entries(fa.gamma_by_strike)) expect(fb.gamma_by_strike[k] === -v).toBe(true);
        expect(Object.is(gammaFlip(a, C), gammaFlip(b, C))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('3. linearity: scaling all sizes by k scales the gamma outputs by k', () => {
    fc.assert(
      fc.property(bookArb, marketArb, levelArb, fc.integer({ min: 2, max: 7 }), (cs, m, L, k) => {
        const fa = fuelMetrics(buildGammaBook(cs, market(m), C), L, C);
        const scaled = cs.map((c) => ({ ...c, N: k * c.N, recentSigned: k * c.recentSigned }));
        const fb = fuelMetrics(buildGammaBook(scaled, market(m), C), L, C);
        const scale = Object.values(fa.gamma_by_strike).reduce((s, v) => s + Math.abs(v), 0) + 1e-300;
        expect(Math.abs(fb.net_dealer_gamma - k * fa.net_dealer_gamma)).toBeLessThanOrEqual(1e-12 * k * scale);
        for (const [key, v] of Object.entries(fa.gamma_by_strike)) {
          expect(Math.abs((fb.gamma_by_strike[key] as number) - k * v)).toBeLessThanOrEqual(1e-12 * k * scale);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('4. range: contracts outside ±FUEL_STRIKE_RANGE change nothing for the level', () => {
    fc.assert(
      fc.property(bookArb, marketArb, fc.integer({ min: -5000, max: 5000 }), (cs, m, N) => {
        const L = 6000;
        const base = fuelMetrics(buildGammaBook(cs, market(m), C), L, C);
        const far = [...cs, { ...(cs[0] as GammaContract), option_symbol: 'FAR', strike: 6200, N }];
        const farBelow = [...far, { ...(cs[0] as GammaContract), option_symbol: 'FAR2', strike: 5700, N }];
        // Placed strikes ≥ 6200 − 0 and ≤ 5700 + 100 are out of range of 6000 for basis ≤ 100.
        const ok = (m.basis ?? 0) <= 100;
        if (ok) expect(serialize(fuelMetrics(buildGammaBook(farBelow, market(m), C), L, C))).toBe(serialize(base));
      }),
      { numRuns: 40 },
    );
  });

  it('5. effect thresholds, wall strength ≥ 1 and wall = sum at its placed strike and right', () => {
    fc.assert(
      fc.property(bookArb, marketArb, levelArb, (cs, m, L) => {
        const book = buildGammaBook(cs, market(m), C);
        const f = fuelMetrics(book, L, C);
        const t = C.FUEL_GAMMA_THRESH;
        expect(f.effect).toBe(f.net_dealer_gamma < -t ? 'AMPLIFY' : f.net_dealer_gamma > t ? 'DAMPEN' : 'NEUTRAL');
        expect(f.confidence).toBeGreaterThanOrEqual(0);
        expect(f.confidence).toBeLessThanOrEqual(1);
        for (const [w, right] of [
          [f.call_wall, 'C'],
          [f.put_wall, 'P'],
        ] as const) {
          if (w === null) continue;
          expect(w.strength).toBeGreaterThanOrEqual(1);
          expect(right === 'C' ? w.strike >= L : w.strike <= L).toBe(true);
          let sum = 0;
          for (let i = 0; i < book.contracts.length; i++) {
            if (book.placedStrike[i] === w.strike && book.contracts[i]?.right === right)
              sum += book.dealerGamma[i] as number;
          }
          expect(w.net_gamma).toBe(sum);
        }
        const keys = Object.keys(f.gamma_by_strike).map(Number);
        expect(keys).toEqual([...keys].sort((a, b) => a - b));
      }),
      { numRuns: 60 },
    );
  });

  it('5. es.hvl lies in [spot − 75, spot + 75] between grid points of strictly opposite sign', () => {
    fc.assert(
      fc.property(bookArb, marketArb, (cs, m) => {
        const book = buildGammaBook(cs, market(m), C);
        const hvl = gammaFlip(book, C);
        const pts = grid(book);
        const hasChange = pts.some((p, i) => i > 0 && (pts[i - 1] as { g: number }).g * p.g < 0);
        expect(hvl !== null).toBe(hasChange && book.contracts.length > 0);
        if (hvl === null) return;
        expect(hvl).toBeGreaterThanOrEqual(m.spot - 75);
        expect(hvl).toBeLessThanOrEqual(m.spot + 75);
        const j = pts.findIndex((p) => p.x >= hvl);
        const right = pts[j] as { x: number; g: number };
        const left = right.x === hvl ? right : (pts[j - 1] as { x: number; g: number });
        if (left !== right) expect(left.g * right.g).toBeLessThan(0);
      }),
      { numRuns: 25 },
    );
  });

  it('es.hvl is bit-identical to the §4.6 scan over gammaAt (incl. expired and N = 0 contracts)', () => {
    const mixedArb = bookArb.chain((cs) =>
      fc.tuple(
        ...cs.map((c) =>
          fc
            .constantFrom<'live' | 'flat' | 'expired'>('live', 'live', 'flat', 'expired')
            .map((k) => (k === 'flat' ? { ...c, N: 0 } : k === 'expired' ? { ...c, expiration_ns: SNAP } : c)),
        ),
      ),
    );
    fc.assert(
      fc.property(mixedArb, marketArb, (cs, m) => {
        const book = buildGammaBook(cs, market(m), C);
        expect(Object.is(gammaFlip(book, C), referenceFlip(book))).toBe(true);
      }),
      { numRuns: 100 },
    );
    // Spot moved next to a root (G does not depend on spot): the pair straddling spot and the outward cut matter.
    let near = 0;
    fc.assert(
      fc.property(mixedArb, marketArb, fc.integer({ min: -6, max: 6 }), (cs, m, off) => {
        const root = referenceFlip(buildGammaBook(cs, market(m), C));
        if (root === null) return;
        const book = buildGammaBook(cs, market({ ...m, spot: Math.round(root * 4) / 4 + 0.25 * off }), C);
        const hvl = referenceFlip(book);
        if (hvl !== null && Math.abs(hvl - (book.spot as number)) < 2) near++;
        expect(Object.is(gammaFlip(book, C), hvl)).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(near).toBeGreaterThan(20);
    // Spot between two roots, nearly equidistant: the cut on one side must not drop the nearer root of the other.
    const roots = (book: ReturnType<typeof buildGammaBook>): number[] => {
      const pts = grid(book);
      const out: number[] = [];
      for (let i = 1; i < pts.length; i++) {
        const a = pts[i - 1] as { x: number; g: number };
        const b = pts[i] as { x: number; g: number };
        if (a.g < 0 ? b.g > 0 : b.g < 0) out.push(a.x + ((b.x - a.x) * a.g) / (a.g - b.g));
      }
      return out;
    };
    let between = 0;
    fc.assert(
      fc.property(mixedArb, marketArb, fc.nat(), fc.integer({ min: -2, max: 2 }), (cs, m, pick, off) => {
        const rs = roots(buildGammaBook(cs, market(m), C));
        if (rs.length < 2) return;
        const i = pick % (rs.length - 1);
        const mid = ((rs[i] as number) + (rs[i + 1] as number)) / 2;
        const book = buildGammaBook(cs, market({ ...m, spot: Math.round(mid * 4) / 4 + 0.25 * off }), C);
        between++;
        expect(Object.is(gammaFlip(book, C), referenceFlip(book))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    expect(between).toBeGreaterThan(30);
  });

  it('es.hvl finds a sign change that only a narrow Γ peak between two coarse nodes creates', () => {
    // A contract two minutes before expiry has a Γ peak ~2 pt wide: narrower than the 3-pt node spacing of the
    // certified scan. Sized near the broad background of dealer-long contracts, its dealer-short peak makes G < 0 on
    // a sliver of grid points only; the peak bound must keep those points in the scan.
    let found = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 23_900, max: 24_100 }).map((k) => k * 0.25),
        fc.integer({ min: -14, max: 14 }),
        fc.double({ min: 0.02, max: 0.2, noNaN: true }),
        fc.integer({ min: 1000, max: 5000 }),
        (spot, off, ratio, bg) => {
          const strike = Math.round(spot / 5) * 5 + 5 * off;
          const background: GammaContract[] = [-40, -20, 0, 20, 40].map((d) => ({
            option_symbol: `ESH6C${strike + d}`,
            underlying_contract: 'ESH6',
            strike: strike + d,
            right: 'C',
            expiration_ns: EXPIRY,
            N: -bg,
            recentSigned: 0,
            recentVolume: 0,
            sigma: 0.3,
          }));
          const spike: GammaContract = {
            option_symbol: `ESH6P${strike}`,
            underlying_contract: 'ESH6',
            strike,
            right: 'P',
            expiration_ns: SNAP + 120n * S,
            N: Math.max(1, Math.round(bg * ratio)),
            recentSigned: 0,
            recentVolume: 0,
            sigma: 0.1,
          };
          const book = buildGammaBook([...background, spike], market({ spot, basis: null }), C);
          const hvl = referenceFlip(book);
          if (hvl !== null) found++;
          expect(Object.is(gammaFlip(book, C), hvl)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    expect(found).toBeGreaterThan(30);
  });

  it('7. basis consistency: shifting spot and b together keeps g_c and moves K̂_c; b = 0 behaves like F', () => {
    fc.assert(
      fc.property(
        contractArb,
        fc.integer({ min: 0, max: 400 }).map((k) => k * 0.125),
        fc.integer({ min: -40, max: 40 }).map((k) => k * 0.25),
        (c, b, d) => {
          const q: GammaContract = { ...c, underlying_contract: 'ESZ5', option_symbol: 'Q', expiration_ns: EXPIRY };
          const a = buildGammaBook([q], { t_ns: SNAP, spot: 6000, frontMonth: 'ESH6', basis: b }, C);
          const s = buildGammaBook([q], { t_ns: SNAP, spot: 6000 + d, frontMonth: 'ESH6', basis: b + d }, C);
          expect(Math.abs((s.dealerGamma[0] as number) - (a.dealerGamma[0] as number))).toBeLessThanOrEqual(
            1e-9 * Math.abs(a.dealerGamma[0] as number) + 1e-12,
          );
          expect(s.placedStrike[0]).toBe((a.placedStrike[0] as number) + d);
          const z = buildGammaBook([q], { t_ns: SNAP, spot: 6000, frontMonth: 'ESH6', basis: 0 }, C);
          const f = buildGammaBook([{ ...q, underlying_contract: 'ESH6' }], FRONT, C);
          expect(z.dealerGamma[0]).toBe(f.dealerGamma[0]);
          expect(serialize(fuelMetrics(z, 6000, C))).toBe(serialize(fuelMetrics(f, 6000, C)));
          expect(gammaFlip(z, C)).toBe(gammaFlip(f, C));
        },
      ),
      { numRuns: 40 },
    );
  });
});
