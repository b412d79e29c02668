/**
 * Market-wide gamma flip `es.hvl` of the FuelEngine — engines.md §4.6 [D15]: the root of the dealer gamma
 * `G(x) = Σ_c −N_c·Γ(x − shift_c, K_c, T_c, σ_c)·OPTION_MULTIPLIER` nearest to spot on the grid
 * `x_k = spot + 0.25·k`, summed in the contract order of §0.6 [D31].
 *
 * Usage: build a {@link GammaBook} with `buildGammaBook` (gamma.ts), then call {@link gammaFlip} once per snap.
 *
 * Pure: no I/O, no clock, no randomness.
 *
 * @module
 */
import type { Config } from '@spymaster/schemas';
import { black76Gamma, normPdf } from './black76.js';
import type { GammaBook, GammaConfig, GammaContract } from './gamma.js';
import { dealerGamma } from './gamma.js';

/**
 * Market-wide dealer gamma `G(x)` of §4.6 if the front month traded at `x`: `Σ_c −N_c·Γ(x − shift_c, K_c, T_c,
 * σ_c)·OPTION_MULTIPLIER` over every contract of the book, in the [D31] order.
 *
 * @example
 * ```ts
 * gammaAt(book, 6000, DEFAULT_CONFIG); // 1592.3707 in example F-1
 * ```
 */
export function gammaAt(
  book: GammaBook,
  x: number,
  config: Pick<Config, 'RISK_FREE_RATE' | 'OPTION_MULTIPLIER'>,
): number {
  const cs = book.contracts;
  const r = config.RISK_FREE_RATE;
  const mult = config.OPTION_MULTIPLIER;
  let sum = 0;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] as GammaContract;
    const g = black76Gamma(x - (book.shift[i] as number), c.strike, book.T[i] as number, c.sigma, r);
    sum += dealerGamma(c.N, g, mult);
  }
  return sum;
}

/**
 * The per-contract terms of `gammaAt` that do not depend on `x` (`e^{−rT}`, `√T`, `σ√T`, `σ²T/2`, `−N`), for the
 * contracts whose Γ is not 0 at every `x` (expired, `σ = 0` and `N = 0` contracts are dropped: they add ±0, which
 * leaves a sum that started at +0 unchanged). Null if some `N` is not finite (then even a zero Γ adds NaN).
 */
interface GridTerms {
  readonly n: number;
  readonly shift: Float64Array;
  readonly K: Float64Array;
  readonly sigma: Float64Array;
  readonly dr: Float64Array;
  readonly sqrtT: Float64Array;
  readonly sst: Float64Array;
  readonly half: Float64Array;
  readonly negN: Float64Array;
  /** `ln K` of each contract. */
  readonly lnK: Float64Array;
  /** Index of each contract's shift in `shifts` (a book has one or two distinct shifts: 0 and the basis). */
  readonly shiftOf: Int32Array;
  /** The distinct shifts. */
  readonly shifts: readonly number[];
  readonly mult: number;
}

function gridTerms(book: GammaBook, config: Pick<Config, 'RISK_FREE_RATE' | 'OPTION_MULTIPLIER'>): GridTerms | null {
  const r = config.RISK_FREE_RATE;
  const cs = book.contracts;
  const n0 = cs.length;
  const shift = new Float64Array(n0);
  const K = new Float64Array(n0);
  const sigma = new Float64Array(n0);
  const dr = new Float64Array(n0);
  const sqrtT = new Float64Array(n0);
  const sst = new Float64Array(n0);
  const half = new Float64Array(n0);
  const negN = new Float64Array(n0);
  const lnK = new Float64Array(n0);
  const shiftOf = new Int32Array(n0);
  const shifts: number[] = [];
  let n = 0;
  for (let i = 0; i < n0; i++) {
    const c = cs[i] as GammaContract;
    const T = book.T[i] as number;
    if (!Number.isFinite(c.N)) return null;
    if (c.N === 0 || !(T > 0 && c.sigma > 0 && c.strike > 0)) continue;
    shift[n] = book.shift[i] as number;
    K[n] = c.strike;
    sigma[n] = c.sigma;
    dr[n] = Math.exp(-r * T);
    sqrtT[n] = Math.sqrt(T);
    sst[n] = c.sigma * (sqrtT[n] as number);
    half[n] = (c.sigma * c.sigma * T) / 2;
    negN[n] = -c.N;
    lnK[n] = Math.log(c.strike);
    const sh = book.shift[i] as number;
    let si = shifts.indexOf(sh);
    if (si < 0) si = shifts.push(sh) - 1;
    shiftOf[n] = si;
    n++;
  }
  return { n, shift, K, sigma, dr, sqrtT, sst, half, negN, lnK, shiftOf, shifts, mult: config.OPTION_MULTIPLIER };
}

/**
 * Contract `i`'s term of `G(x)`: exactly the operations of `black76Gamma` and `dealerGamma`, in the same order, so
 * summing the terms in contract order is bit-identical to {@link gammaAt}.
 */
function termAt(g: GridTerms, i: number, x: number): number {
  const F = x - (g.shift[i] as number);
  return F > 0 ? termOf(g, i, F, Math.log(F)) : (g.negN[i] as number) * 0 * g.mult;
}

/** Contract `i`'s term at `F > 0` with `lnF = Math.log(F)` (shared by every contract of one shift). */
function termOf(g: GridTerms, i: number, F: number, lnF: number): number {
  const s = g.sigma[i] as number;
  const d1 = (lnF - (g.lnK[i] as number) + (g.half[i] as number)) / (g.sst[i] as number);
  const gamma = ((g.dr[i] as number) * normPdf(d1)) / (F * s * (g.sqrtT[i] as number));
  return (g.negN[i] as number) * gamma * g.mult;
}

/**
 * Every contract's term at `x` into `out` (when given), returning their sum in contract order; `ln F` is taken
 * once per distinct shift.
 */
function termsAt(g: GridTerms, x: number, out: Float64Array | null): number {
  const shifts = g.shifts;
  const F = SCRATCH_F.length >= shifts.length ? SCRATCH_F : new Float64Array(shifts.length);
  const lnF = SCRATCH_LN.length >= shifts.length ? SCRATCH_LN : new Float64Array(shifts.length);
  for (let j = 0; j < shifts.length; j++) {
    const f = x - (shifts[j] as number);
    F[j] = f;
    lnF[j] = f > 0 ? Math.log(f) : 0;
  }
  let sum = 0;
  for (let i = 0; i < g.n; i++) {
    const j = g.shiftOf[i] as number;
    const f = F[j] as number;
    const t = f > 0 ? termOf(g, i, f, lnF[j] as number) : (g.negN[i] as number) * 0 * g.mult;
    if (out !== null) out[i] = t;
    sum += t;
  }
  return sum;
}

/** Scratch for {@link termsAt} (books have one or two distinct shifts). */
const SCRATCH_F = new Float64Array(4);
const SCRATCH_LN = new Float64Array(4);

/** `G(x)` from the hoisted terms (bit-identical to {@link gammaAt}). */
function sumAt(g: GridTerms, x: number): number {
  return termsAt(g, x, null);
}

/**
 * Intervals of the certified `es.hvl` scan no longer than this many 0.25-pt steps are not split further: their
 * inner grid points are evaluated if the interval cannot be proved one-signed.
 */
const HVL_LEAF_STEPS = 3;

/** First outward step of the certified scan on each side of spot (0.25-pt steps); it doubles every round. */
const HVL_FIRST_CHUNK = 24;

/**
 * Relative slack of the one-signed proof. The bounds below hold for the exact Γ; the computed grid values differ
 * from it by a few ulps per term and by at most `n·ε` of `Σ|terms|` in the sum, far below 1e-9 of it.
 */
const HVL_CERT_SLACK = 1e-9;

/** Smallest bound the proof relies on (keeps it away from subnormal Γ, where relative error bounds fail). */
const HVL_CERT_FLOOR = 1e-290;

/** Half-width of the `es.hvl` grid in steps of 0.25 pt (`FUEL_STRIKE_RANGE / 0.25` = 300 by default). */
function gridSteps(range: number): number {
  return Math.floor(range / 0.25);
}

/**
 * Market-wide gamma flip `es.hvl` (§4.6): `G` on the grid `x_k = spot + 0.25·k`, `k = −K…K` with
 * `K = FUEL_STRIKE_RANGE / 0.25` (300: spot ± 75 pt), exact zeros skipped; between consecutive remaining points
 * with strictly opposite signs the root `x_i + (x_j − x_i)·G(x_i)/(G(x_i) − G(x_j))`; the root nearest to spot
 * (ties: the lower). Null without a root, with `spot = null`, or with an empty book.
 *
 * @example
 * ```ts
 * gammaFlip(book, DEFAULT_CONFIG); // 6043.9178 in example F-1
 * ```
 */
export function gammaFlip(book: GammaBook, config: GammaConfig): number | null {
  const spot = book.spot;
  if (spot === null || book.contracts.length === 0) return null;
  const steps = gridSteps(config.FUEL_STRIKE_RANGE);
  const terms = gridTerms(book, config);
  if (terms === null) {
    // Non-finite sizes (rejected upstream): the plain scan, which yields null through NaN comparisons.
    const value = new Float64Array(2 * steps + 1);
    for (let k = -steps; k <= steps; k++) value[k + steps] = gammaAt(book, spot + 0.25 * k, config);
    return nearestRoot(spot, steps, value, null, -steps, steps).best;
  }
  // Γ ≥ 0, so with every dealer position of one sign each G(x) is 0 or of that sign: no pair of opposite signs.
  let pos = false;
  let neg = false;
  for (let i = 0; i < terms.n; i++) {
    if ((terms.negN[i] as number) > 0) pos = true;
    else neg = true;
  }
  if (!(pos && neg)) return null;
  return certifiedFlip(spot, steps, terms);
}

/**
 * `es.hvl` from the hoisted terms, exactly as the full 601-point scan finds it, evaluating far fewer points.
 *
 * 1. Certification. `G` is evaluated per contract at a few grid points (nodes). Between two nodes each
 *    contract's Γ, a unimodal function of `F` (log-concave in `ln F`, peak at `F = K·e^{−1.5σ²T}`), lies between its
 *    values at the nodes and, if the peak falls inside, its peak value. If those bounds prove every grid value
 *    inside the interval has the sign of its nodes (with slack for rounding), no pair inside can change sign and
 *    its inner points are left out — dropping points from a run of one sign changes no root. Otherwise the interval
 *    is split at its middle grid point, down to `HVL_LEAF_STEPS`, whose inner points are then all evaluated.
 *    A node whose `G` is exactly 0 never certifies an interval, so skipped zeros behave as in the full scan.
 * 2. Outward search. The grid is covered from spot outwards in chunks that double each round, and the roots are
 *    looked for among the evaluated points of the contiguous range covered so far: consecutive there means
 *    consecutive in the full scan. A root not yet seen involves a point beyond the outermost non-zero point of a
 *    side, so it is farther than that point; once both sides are past the best root found (or the grid ends), no
 *    farther pair can win.
 *
 * Node and inner values are the exact grid values (the terms of `gammaAt`, summed in the same order).
 */
function certifiedFlip(spot: number, steps: number, g: GridTerms): number | null {
  const n = g.n;
  // Each contract's term at its Γ peak (the peak lies at F = K·e^{−1.5σ²T}, i.e. x = that + shift).
  const peakX = new Float64Array(n);
  const peak = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sst = g.sst[i] as number;
    const x = (g.K[i] as number) * Math.exp(-1.5 * sst * sst) + (g.shift[i] as number);
    peakX[i] = x;
    peak[i] = termAt(g, i, x);
  }
  const value = new Float64Array(2 * steps + 1);
  const known = new Uint8Array(2 * steps + 1);
  const put = (k: number, v: number): void => {
    value[k + steps] = v;
    known[k + steps] = 1;
  };
  /** Per-contract terms at grid point k (its exact G is recorded). */
  const node = (k: number): Float64Array => {
    const terms = new Float64Array(n);
    put(k, termsAt(g, spot + 0.25 * k, terms));
    return terms;
  };
  const oneSigned = (k0: number, a: Float64Array, k1: number, b: Float64Array): boolean => {
    const x0 = spot + 0.25 * k0;
    const x1 = spot + 0.25 * k1;
    let pLo = 0;
    let pHi = 0;
    let mLo = 0;
    let mHi = 0;
    for (let i = 0; i < n; i++) {
      const ta = a[i] as number;
      const tb = b[i] as number;
      const px = peakX[i] as number;
      const inside = px > x0 && px < x1;
      if ((g.negN[i] as number) > 0) {
        pLo += Math.min(ta, tb);
        pHi += inside ? Math.max(ta, tb, peak[i] as number) : Math.max(ta, tb);
      } else {
        mLo -= Math.max(ta, tb);
        mHi -= inside ? Math.min(ta, tb, peak[i] as number) : Math.min(ta, tb);
      }
    }
    const slack = HVL_CERT_SLACK * (pHi + mHi);
    return (pLo > HVL_CERT_FLOOR && pLo - mHi > slack) || (mLo > HVL_CERT_FLOOR && mLo - pHi > slack);
  };
  /** Evaluate what matters strictly between the nodes k0 < k1. */
  const inner = (k0: number, a: Float64Array, k1: number, b: Float64Array): void => {
    if (k1 - k0 <= 1 || oneSigned(k0, a, k1, b)) return;
    if (k1 - k0 <= HVL_LEAF_STEPS) {
      for (let k = k0 + 1; k < k1; k++) put(k, sumAt(g, spot + 0.25 * k));
      return;
    }
    const km = k0 + ((k1 - k0) >> 1);
    const m = node(km);
    inner(k0, a, km, m);
    inner(km, m, k1, b);
  };
  const centre = node(0);
  let kL = 0;
  let kR = 0;
  let left = centre;
  let right = centre;
  let chunk = HVL_FIRST_CHUNK;
  for (;;) {
    if (kR < steps) {
      const k1 = Math.min(steps, kR + chunk);
      const b = node(k1);
      inner(kR, right, k1, b);
      kR = k1;
      right = b;
    }
    if (kL > -steps) {
      const k0 = Math.max(-steps, kL - chunk);
      const a = node(k0);
      inner(k0, a, kL, left);
      kL = k0;
      left = a;
    }
    chunk *= 2;
    // Roots among the evaluated points of [kL, kR], and the outermost non-zero point of each side.
    const { best, bestD, outerL, outerR } = nearestRoot(spot, steps, value, known, kL, kR);
    const doneR = kR >= steps || (best !== null && outerR - spot > bestD + 1e-9);
    const doneL = kL <= -steps || (best !== null && spot - outerL > bestD + 1e-9);
    if (doneR && doneL) return best;
  }
}

/**
 * §4.6 root selection over the grid points `k` in `[kL, kR]` with `known[k + steps]` set (all when `known` is
 * null), values `value[k + steps]`, in ascending `x = spot + 0.25·k`: exact zeros skipped; between consecutive
 * remaining points with strictly opposite signs the root `x_i + (x_j − x_i)·G_i/(G_i − G_j)`; the root nearest
 * to spot, ties the lower (`best` null without one). Also the outermost non-zero points of the range.
 */
function nearestRoot(
  spot: number,
  steps: number,
  value: Float64Array,
  known: Uint8Array | null,
  kL: number,
  kR: number,
): { best: number | null; bestD: number; outerL: number; outerR: number } {
  let best: number | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  let prevX = 0;
  let prevG = 0;
  let outerL = Number.NaN;
  let outerR = Number.NaN;
  for (let k = kL; k <= kR; k++) {
    if (known !== null && known[k + steps] === 0) continue;
    const gx = value[k + steps] as number;
    if (gx === 0) continue;
    const x = spot + 0.25 * k;
    if (Number.isNaN(outerL)) outerL = x;
    outerR = x;
    if (prevG < 0 ? gx > 0 : prevG > 0 && gx < 0) {
      const root = prevX + ((x - prevX) * prevG) / (prevG - gx);
      const d = Math.abs(root - spot);
      if (d < bestD || (d === bestD && best !== null && root < best)) {
        best = root;
        bestD = d;
      }
    }
    prevX = x;
    prevG = gx;
  }
  return { best, bestD, outerL, outerR };
}
