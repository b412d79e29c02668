/**
 * Tests of the incremental `es.hvl` (engines.md §4.6): {@link GammaFlipTracker} must return exactly (`Object.is`)
 * what `gammaFlip` returns for every book of any sequence — random sequences of books (contract sets, N signs, σ,
 * small and large T steps, spot moves by ticks and by odd amounts, N and σ changes, contracts added and removed,
 * basis moves, null spot, empty books) and a realistic session of 250 ms snaps.
 */
import type { OptionRight } from '@spymaster/schemas';
import { DEFAULT_CONFIG } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGammaBook, type GammaContract, type GammaMarket } from '../src/gamma.js';
import { GammaFlipTracker, gammaFlip } from '../src/gamma-flip.js';

const C = DEFAULT_CONFIG;
const T0 = 1_765_895_400_000_000_000n; // 09:30 ET
const S = 1_000_000_000n;
const EXPIRY = 1_765_918_800_000_000_000n; // 16:00 ET
const SNAP_NS = 250_000_000n;

interface Spec {
  underlying: 'ESH6' | 'ESZ5';
  strike: number;
  right: OptionRight;
  N: number;
  sigma: number;
}

/** The last contract object made for each spec (reused while its values hold, as GammaBookBuilder's inputs are). */
const made = new WeakMap<Spec, GammaContract>();
let made3 = 0;

/**
 * The contract of a spec: the previous object when strike, N and σ are unchanged (the tracker's identity fast path),
 * except every third call, which makes a fresh equal object (its value comparison).
 */
function contract(s: Spec): GammaContract {
  const prev = made.get(s);
  if (
    prev !== undefined &&
    made3++ % 3 !== 0 &&
    prev.strike === s.strike &&
    prev.N === s.N &&
    prev.sigma === s.sigma &&
    prev.underlying_contract === s.underlying &&
    prev.right === s.right
  )
    return prev;
  const c = freshContract(s);
  made.set(s, c);
  return c;
}

function freshContract(s: Spec): GammaContract {
  return {
    option_symbol: `${s.underlying === 'ESH6' ? 'E3' : 'EW'}Z5 ${s.right}${s.strike}`,
    underlying_contract: s.underlying,
    strike: s.strike,
    right: s.right,
    expiration_ns: EXPIRY,
    N: s.N,
    recentSigned: 0,
    recentVolume: 0,
    sigma: s.sigma,
  };
}

/** State of a simulated session: the inventory and the market. */
interface World {
  specs: Spec[];
  t: bigint;
  spot: number | null;
  basis: number | null;
}

function book(w: World) {
  const m: GammaMarket = { t_ns: w.t, spot: w.spot, frontMonth: 'ESH6', basis: w.basis };
  return buildGammaBook(w.specs.map(contract), m, C);
}

/** Runs the books through one tracker and checks every answer against `gammaFlip`. */
function check(tracker: GammaFlipTracker, w: World): void {
  const b = book(w);
  const expected = gammaFlip(b, C);
  const actual = tracker.flip(b, C);
  if (!Object.is(actual, expected)) {
    throw new Error(`tracker ${actual} ≠ gammaFlip ${expected} at spot ${w.spot}, basis ${w.basis}, t ${w.t}`);
  }
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  underlying: fc.constantFrom<'ESH6' | 'ESZ5'>('ESH6', 'ESH6', 'ESZ5'),
  strike: fc.integer({ min: 1180, max: 1220 }).map((k) => k * 5),
  right: fc.constantFrom<OptionRight>('C', 'P'),
  N: fc.oneof(fc.integer({ min: -3000, max: 3000 }), fc.constant(0)),
  sigma: fc.oneof(fc.double({ min: 0.05, max: 0.6, noNaN: true }), fc.constant(0.15)),
});

/** One step between snaps. */
type Step =
  | { kind: 'tick'; dt: number; dspot: number; dbasis: number }
  | { kind: 'odd'; dspot: number }
  | { kind: 'jump'; dt: number }
  | { kind: 'N'; idx: number[]; dN: number }
  | { kind: 'sigma'; idx: number; sigma: number }
  | { kind: 'add'; spec: Spec }
  | { kind: 'remove'; idx: number }
  | { kind: 'basis'; basis: number | null }
  | { kind: 'nullSpot' }
  | { kind: 'empty' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      dt: fc.constantFrom(1, 1, 1, 2, 4),
      dspot: fc.integer({ min: -3, max: 3 }),
      dbasis: fc.constantFrom(0, 0, 0, 1, -1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('odd' as const), dspot: fc.double({ min: -2, max: 2, noNaN: true }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('jump' as const), dt: fc.integer({ min: 5, max: 40_000 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('N' as const),
      idx: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      dN: fc.integer({ min: -2000, max: 2000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sigma' as const),
      idx: fc.nat(),
      sigma: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), spec: specArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), idx: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('basis' as const),
      basis: fc.option(
        fc.oneof(
          fc.integer({ min: 320, max: 440 }).map((k) => k * 0.125),
          fc.double({ min: 40, max: 55, noNaN: true }),
        ),
        { nil: null },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nullSpot' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('empty' as const) }) },
);

/** Applies a step; returns the specs to restore after an `empty` snap. */
function apply(w: World, s: Step, saved: { specs: Spec[] | null; spot: number }): void {
  if (saved.specs !== null) {
    w.specs = saved.specs;
    saved.specs = null;
  }
  if (w.spot === null) w.spot = saved.spot;
  const at = (i: number) => w.specs[i % Math.max(1, w.specs.length)];
  switch (s.kind) {
    case 'tick':
      w.t += BigInt(s.dt) * SNAP_NS;
      w.spot = (w.spot as number) + 0.25 * s.dspot;
      if (w.basis !== null) w.basis += 0.125 * s.dbasis;
      break;
    case 'odd':
      w.spot = (w.spot as number) + s.dspot;
      w.t += SNAP_NS;
      break;
    case 'jump':
      w.t += BigInt(s.dt) * SNAP_NS;
      break;
    case 'N':
      for (const i of s.idx) {
        const c = at(i);
        if (c !== undefined) c.N += s.dN;
      }
      w.t += SNAP_NS;
      break;
    case 'sigma': {
      const c = at(s.idx);
      if (c !== undefined) c.sigma = s.sigma;
      break;
    }
    case 'add':
      if (
        !w.specs.some(
          (c) => c.underlying === s.spec.underlying && c.strike === s.spec.strike && c.right === s.spec.right,
        )
      )
        w.specs.push({ ...s.spec });
      break;
    case 'remove':
      if (w.specs.length > 0) w.specs.splice(s.idx % w.specs.length, 1);
      break;
    case 'basis':
      w.basis = s.basis;
      break;
    case 'nullSpot':
      saved.spot = w.spot as number;
      w.spot = null;
      break;
    case 'empty':
      saved.specs = w.specs;
      w.specs = [];
      break;
  }
}

/** A clean mixed book: dealer long gamma below spot and short above (a root near spot), or random. */
const worldArb = fc.record({
  specs: fc.oneof(
    fc.array(specArb, { minLength: 1, maxLength: 24 }),
    fc.integer({ min: 1190, max: 1210 }).chain((centre) =>
      fc
        .array(
          fc.record({
            underlying: fc.constantFrom<'ESH6' | 'ESZ5'>('ESH6', 'ESZ5'),
            off: fc.integer({ min: -8, max: 8 }),
            right: fc.constantFrom<OptionRight>('C', 'P'),
            size: fc.integer({ min: 1, max: 3000 }),
            sigma: fc.double({ min: 0.08, max: 0.3, noNaN: true }),
          }),
          { minLength: 2, maxLength: 24 },
        )
        .map((xs) =>
          xs.map((x) => ({
            underlying: x.underlying,
            strike: (centre + x.off) * 5,
            right: x.right,
            N: x.off >= 0 ? x.size : -x.size,
            sigma: x.sigma,
          })),
        ),
    ),
  ),
  startS: fc.integer({ min: 0, max: 23_000 }),
  spotTicks: fc.integer({ min: 23_800, max: 24_200 }),
  basis: fc.option(
    fc.integer({ min: 320, max: 440 }).map((k) => k * 0.125),
    { nil: null },
  ),
});

function dedupe(specs: Spec[]): Spec[] {
  const seen = new Set<string>();
  return specs.filter((c) => {
    const k = `${c.underlying}${c.right}${c.strike}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

describe('GammaFlipTracker', () => {
  it('equals gammaFlip (Object.is) on every book of random sequences', () => {
    fc.assert(
      fc.property(worldArb, fc.array(stepArb, { minLength: 1, maxLength: 60 }), (w0, steps) => {
        const w: World = {
          specs: dedupe(w0.specs).map((c) => ({ ...c })),
          t: T0 + BigInt(w0.startS) * S,
          spot: w0.spotTicks * 0.25,
          basis: w0.basis,
        };
        const tracker = new GammaFlipTracker();
        const saved = { specs: null as Spec[] | null, spot: w.spot as number };
        check(tracker, w);
        for (const s of steps) {
          apply(w, s, saved);
          check(tracker, w);
        }
        expect(tracker.stats.contradictions).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('equals gammaFlip on long runs of plain 250 ms snaps (T decay, tick moves, small N changes)', () => {
    fc.assert(
      fc.property(
        worldArb,
        fc.array(
          fc.record({
            dspot: fc.integer({ min: -1, max: 1 }),
            trade: fc.nat({ max: 9 }),
            dN: fc.integer({ min: -50, max: 50 }),
          }),
          { minLength: 100, maxLength: 400 },
        ),
        (w0, steps) => {
          const w: World = {
            specs: dedupe(w0.specs).map((c) => ({ ...c })),
            t: T0 + BigInt(w0.startS) * S,
            spot: w0.spotTicks * 0.25,
            basis: w0.basis,
          };
          const tracker = new GammaFlipTracker();
          check(tracker, w);
          for (const s of steps) {
            w.t += SNAP_NS;
            w.spot = (w.spot as number) + 0.25 * s.dspot;
            if (s.trade === 0 && w.specs.length > 0) (w.specs[Math.abs(s.dN) % w.specs.length] as Spec).N += s.dN;
            check(tracker, w);
          }
          expect(tracker.stats.contradictions).toBe(0);
          expect(tracker.stats.fallbacks).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('time decay alone moves the root (mixed σ): identical through large and small T steps, no contradiction', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            off: fc.integer({ min: -6, max: 6 }),
            size: fc.integer({ min: 100, max: 3000 }),
            sigma: fc.constantFrom(0.06, 0.1, 0.2, 0.4),
          }),
          { minLength: 2, maxLength: 12 },
        ),
        fc.array(fc.integer({ min: 1, max: 2400 }), { minLength: 10, maxLength: 60 }),
        fc.integer({ min: -8, max: 8 }),
        (xs, dts, spotOff) => {
          // Dealer long gamma below 6000 at one vol, short above at another: where Γ(σ√T) of each side balances
          // depends on T, so the root walks as T decays.
          const specs = dedupe(
            xs.map((x, i) => ({
              underlying: 'ESH6' as const,
              strike: 6000 + 5 * x.off,
              right: (i % 2 === 0 ? 'C' : 'P') as OptionRight,
              N: x.off >= 0 ? x.size : -x.size,
              sigma: x.sigma,
            })),
          );
          const w: World = { specs, t: T0, spot: 6000 + 0.25 * spotOff, basis: null };
          const tracker = new GammaFlipTracker();
          check(tracker, w);
          for (const dt of dts) {
            w.t += BigInt(dt) * SNAP_NS;
            if (w.t > EXPIRY) break;
            check(tracker, w);
          }
          expect(tracker.stats.contradictions).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a realistic session: 20 000 snaps of 250 ms, random-walk spot, basis moves, trades — identical, and cheap', () => {
    // Deterministic pseudo-random session (xorshift), a 0DTE book of ~110 contracts on the expiring contract.
    let seed = 0x2545f491;
    const rnd = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    const specs: Spec[] = [];
    for (let k = 5700; k <= 6200; k += 5) {
      if (rnd() < 0.78) {
        const right: OptionRight = k < 5950 ? 'P' : 'C';
        const N = Math.round((rnd() - (k < 5950 ? 0.35 : 0.65)) * 4000);
        specs.push({ underlying: 'ESZ5', strike: k, right, N, sigma: 0.1 + 0.1 * rnd() });
      }
    }
    const w: World = { specs, t: T0 + 600n * S, spot: 5995, basis: 47 };
    const tracker = new GammaFlipTracker();
    let roots = 0;
    const snaps = 20_000;
    for (let i = 0; i < snaps; i++) {
      w.t += SNAP_NS;
      const u = rnd();
      w.spot = (w.spot as number) + (u < 0.25 ? -0.25 : u > 0.75 ? 0.25 : 0);
      if (rnd() < 0.12) w.basis = (w.basis as number) + (rnd() < 0.5 ? -0.125 : 0.125);
      if (rnd() < 0.25) {
        const c = specs[Math.floor(rnd() * specs.length)] as Spec;
        c.N += Math.round((rnd() - 0.5) * 40);
        if (rnd() < 0.5) c.sigma = Math.max(0.05, c.sigma * (1 + (rnd() - 0.5) * 0.02));
      }
      const b = book(w);
      const expected = gammaFlip(b, C);
      if (expected !== null) roots++;
      expect(Object.is(tracker.flip(b, C), expected)).toBe(true);
    }
    const st = tracker.stats;
    expect(roots).toBeGreaterThan(snaps / 4);
    expect(st.contradictions).toBe(0);
    expect(st.fallbacks).toBe(0);
    expect(st.rebuilds).toBe(1);
    // gammaFlip needs ~16 full G evaluations per snap; the tracker a few.
    expect(st.evaluations / snaps).toBeLessThan(5);
  });

  it('example F-1 and the edge cases: null spot, empty book, one-signed book, odd spot, config change', () => {
    const F1: Spec[] = [
      { underlying: 'ESH6', strike: 6000, right: 'C', N: 3000, sigma: 0.15 },
      { underlying: 'ESH6', strike: 6025, right: 'C', N: -5000, sigma: 0.15 },
      { underlying: 'ESH6', strike: 5975, right: 'P', N: -4000, sigma: 0.15 },
      { underlying: 'ESH6', strike: 6100, right: 'C', N: 10000, sigma: 0.15 },
      { underlying: 'ESH6', strike: 5950, right: 'P', N: 2000, sigma: 0.15 },
    ];
    const tracker = new GammaFlipTracker();
    const w: World = { specs: F1, t: T0 + 12_600n * S, spot: 6000, basis: null };
    const hvl = tracker.flip(book(w), C);
    expect(Math.abs((hvl as number) - 6043.9178)).toBeLessThanOrEqual(0.00005);
    check(tracker, { ...w, spot: null });
    check(tracker, { ...w, specs: [] });
    check(tracker, { ...w, specs: F1.map((c) => ({ ...c, N: Math.abs(c.N) })) });
    check(tracker, { ...w, spot: 6000.1 });
    check(tracker, w);
    const wide = { ...C, FUEL_STRIKE_RANGE: 120 };
    const b = book(w);
    expect(Object.is(tracker.flip(b, wide), gammaFlip(b, wide))).toBe(true);
    expect(tracker.stats.fallbacks).toBe(1);
  });

  it('a σ√T below the floor its rounding slack covers (σ < 0.01 at T_MIN_S) is answered by gammaFlip', () => {
    const specs: Spec[] = [
      { underlying: 'ESH6', strike: 6000, right: 'C', N: 3000, sigma: 0.15 },
      { underlying: 'ESH6', strike: 6025, right: 'C', N: -5000, sigma: 0.15 },
      { underlying: 'ESH6', strike: 5975, right: 'P', N: -4000, sigma: 0.005 },
    ];
    const tracker = new GammaFlipTracker();
    // 70 s before expiry: T just above the 60 s floor, so σ = 0.005 gives σ√T ≈ 1.7e-5 < 0.01·√(60 s / year).
    const w: World = { specs, t: EXPIRY - 70n * S, spot: 6000, basis: null };
    check(tracker, w);
    expect(tracker.stats.fallbacks).toBe(1);
    check(tracker, { ...w, t: w.t + SNAP_NS });
    expect(tracker.stats.fallbacks).toBe(2);
    // Above the floor again (σ = 0.15 everywhere): the tracker answers itself.
    const ok = { ...w, specs: specs.map((c) => ({ ...c, sigma: 0.15 })) };
    check(tracker, ok);
    check(tracker, { ...ok, t: ok.t + SNAP_NS });
    expect(tracker.stats.fallbacks).toBe(2);
  });
});
