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
 * Every contract's term at `x` into `out[base …]` (when given), returning their sum in contract order; `ln F` is
 * taken once per distinct shift.
 */
function termsAt(g: GridTerms, x: number, out: Float64Array | null, base = 0): number {
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
    if (out !== null) out[base + i] = t;
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
 * Relative slack of the one-signed proof (D-035). A computed term can be ~4e-9 of itself off the exact Γ (far from
 * its strike at σ√T = 3e-5), but the per-contract bounds below hold for the computed terms themselves up to a few
 * ulps: the rounding that differs between grid points is far smaller than the gap log-concavity leaves between an
 * inner point and the bounds. The slack covers those ulps and the float sums (`n·ε` of `Σ|terms|`).
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

/** `1/√(2π)`, the peak of the standard normal density (for the upper bounds of the tracker). */
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * Relative rounding slack of the tracker's proofs: the computed `G` at a grid point differs from the exact sum of
 * the exact terms by far less than this fraction of `Σ|terms|` (a term's relative error is below 1.5e-13/σ√T from
 * `d1`, ≤ 5e-9 at the smallest σ√T the spec allows — `σ = 0.01` at `T_MIN_S` — plus `n·ε` of the sum).
 */
const TRACK_SLACK = 1e-7;

/**
 * Smallest `σ√T` the {@link TRACK_SLACK} argument covers: `σ = 0.01` (the default IV bracket's floor) at `T_MIN_S`
 * = 60 s of the 5 896 800 s trading year. Books with a smaller `σ√T` (possible only with a lower configured
 * `SIGMA_FIXED`, `IV_BOUNDS` or `T_MIN_S`) are answered by {@link gammaFlip}, whose proof does not depend on it
 * (D-035).
 */
const TRACK_MIN_SST = 0.01 * Math.sqrt(60 / 5_896_800);

/** Factor applied to every drift and change bound of the tracker (the bounds are rigorous; this covers their own rounding). */
const TRACK_SAFETY = 2;

/** Largest `ln T` budget of a certified interval (how far `T` may move, in `ln T`, before it is re-certified). */
const TRACK_LAMBDA_MAX = 0.05;

/** Grid steps beyond each end of the grid certified along with an edge gap (so that small spot moves find cover). */
const TRACK_PAD = 32;

/** Whether `v` is a multiple of 1/8 small enough that sums and differences of such values are exact. */
function dyadic(v: number): boolean {
  return Number.isInteger(v * 8) && Math.abs(v) <= 2 ** 40;
}

/**
 * The certified intervals of a {@link GammaFlipTracker}, sorted by `ua`, one column per field (no object per
 * interval, no allocation once the columns are large enough). Interval `j`: for every real `u` in
 * `[ua[j], ub[j]]` (`u = x − shift` of the book's first contract) the computed `G` has sign `sign[j]`, as long as
 * the clock has not advanced more than `lambda[j]` past `clock[j]` and `M[j] − E[j]` stays above the rounding slack.
 */
class TrackIntervals {
  /** Number of intervals. */
  n = 0;
  ua: Float64Array = new Float64Array(64);
  ub: Float64Array = new Float64Array(64);
  sign: Float64Array = new Float64Array(64);
  /** Lower bound of `sign·G_exact` over the interval, for the certified book at any `T` within the budget. */
  M: Float64Array = new Float64Array(64);
  /** `Σ_c max|term_c|` over the interval at certification, plus the drift bound (for the rounding slack). */
  sumU: Float64Array = new Float64Array(64);
  /** `ln T` budget. */
  lambda: Float64Array = new Float64Array(64);
  /** Tracker clock at certification. */
  clock: Float64Array = new Float64Array(64);
  /** Accumulated bound of the terms of contracts whose `N` or `σ` changed since certification. */
  E: Float64Array = new Float64Array(64);
  /** `ln(ua − lnRel)` and `ln(ub − lnRel)` (cached by {@link GammaFlipTracker} charges; `lnRel` NaN when unset). */
  lnRel: Float64Array = new Float64Array(64);
  lnLo: Float64Array = new Float64Array(64);
  lnHi: Float64Array = new Float64Array(64);

  /** Inserts an interval (with `E = 0`) keeping the order by `ua`. */
  insert(ua: number, ub: number, sign: number, M: number, sumU: number, lambda: number, clock: number): void {
    const n = this.n;
    if (n === this.ua.length) this.#grow();
    const uaCol = this.ua;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((uaCol[mid] as number) < ua) lo = mid + 1;
      else hi = mid;
    }
    for (let j = n; j > lo; j--) this.move(j - 1, j);
    uaCol[lo] = ua;
    this.ub[lo] = ub;
    this.sign[lo] = sign;
    this.M[lo] = M;
    this.sumU[lo] = sumU;
    this.lambda[lo] = lambda;
    this.clock[lo] = clock;
    this.E[lo] = 0;
    this.lnRel[lo] = Number.NaN;
    this.n = n + 1;
  }

  /** Copies interval `from` over interval `to`. */
  move(from: number, to: number): void {
    this.ua[to] = this.ua[from] as number;
    this.ub[to] = this.ub[from] as number;
    this.sign[to] = this.sign[from] as number;
    this.M[to] = this.M[from] as number;
    this.sumU[to] = this.sumU[from] as number;
    this.lambda[to] = this.lambda[from] as number;
    this.clock[to] = this.clock[from] as number;
    this.E[to] = this.E[from] as number;
    this.lnRel[to] = this.lnRel[from] as number;
    this.lnLo[to] = this.lnLo[from] as number;
    this.lnHi[to] = this.lnHi[from] as number;
  }

  /** Index of the last interval with `ua ≤ u` (−1 if none). */
  find(u: number): number {
    const uaCol = this.ua;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((uaCol[mid] as number) <= u) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  #grow(): void {
    const cap = 2 * this.ua.length;
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.ua = grow(this.ua);
    this.ub = grow(this.ub);
    this.sign = grow(this.sign);
    this.M = grow(this.M);
    this.sumU = grow(this.sumU);
    this.lambda = grow(this.lambda);
    this.clock = grow(this.clock);
    this.E = grow(this.E);
    this.lnRel = grow(this.lnRel);
    this.lnLo = grow(this.lnLo);
    this.lnHi = grow(this.lnHi);
  }
}

/**
 * Largest magnitude of `Γ(F, K, T', σ)·mult` for `F ∈ [Flo, Fhi]` (`La`, `Lb` = `ln F − ln K` at the ends),
 * `|ln T' − ln T| ≤ rem` (`ex = e^{rem/2}`, `sqT = √T`): `D_r ≤ max(1, e^{−r·T'})` is in `pre = mult·D_r/√(2π)`,
 * `φ(d1) ≤ φ(min |d1|)`, `F·σ√T' ≥ Flo·s_min`.
 */
function supTerm(sigma: number, sqT: number, ex: number, La: number, Lb: number, Flo: number, pre: number): number {
  const sMin = (sigma * sqT) / ex;
  const sMax = sigma * sqT * ex;
  let d = La > 0 ? La / sMax : Lb < 0 ? -Lb / sMax - sMax / 2 : 0;
  d = d * (1 - 1e-9) - 1e-9;
  if (!(d > 0)) d = 0;
  return (pre * Math.exp(-0.5 * d * d)) / (Flo * sMin);
}

/**
 * A bound `Q ≥ |d1² − d1·s − 1|` over the box of {@link supTerm} with `σ ∈ [sLo, sHi]`: `D² + D·s_max + 1` with
 * `D = max|ln F/K|/s_min + s_max/2`.
 */
function supQ(sLo: number, sHi: number, sqT: number, ex: number, La: number, Lb: number): number {
  const sMin = (sLo * sqT) / ex;
  const sMax = sHi * sqT * ex;
  const D = Math.max(Math.abs(La), Math.abs(Lb)) / sMin + sMax / 2;
  return D * D + D * sMax + 1;
}

/** What {@link GammaFlipTracker.stats} counts. */
export interface GammaFlipTrackerStats {
  /** Calls of `flip`. */
  readonly calls: number;
  /** Calls that rebuilt the tracker state from scratch (first call, contracts added/removed/moved, config change). */
  readonly rebuilds: number;
  /** Calls answered by plain {@link gammaFlip} because an assumption of the tracker failed (non-dyadic spot, …). */
  readonly fallbacks: number;
  /** Full `G` evaluations (all terms at one grid point; the Γ peaks of all contracts count as one). */
  readonly evaluations: number;
  /** Certified intervals whose sign an exact evaluation contradicted (always 0 unless the proof is broken). */
  readonly contradictions: number;
}

/**
 * Incremental `es.hvl` (§4.6) across consecutive snaps: `flip(book, config)` returns exactly (`Object.is`) what
 * {@link gammaFlip}`(book, config)` returns, for any sequence of books, but reuses the previous snaps' work.
 *
 * It keeps intervals of `G` proved one-signed (the certification of {@link gammaFlip}: per-contract bounds from the
 * unimodality of Γ in `F`), stored in the coordinate `u = x − shift` so that a spot move or a basis move that
 * shifts every contract alike leaves them in place, each with a rigorous budget:
 * - time decay: for an unchanged contract `∂ ln Γ / ∂ ln s = d1² − d1·s − 1` (`s = σ√T`) and `∂ ln D_r/∂T = −r`,
 *   so while every `|ln T_c − ln T_c,cert| ≤ λ` a term moves by at most `U_c·expm1(|r|·T_c·expm1(λ) + λ/2·Q_c)`,
 *   `U_c` its largest magnitude over the interval, `Q_c ≥ max |d1² − d1·s − 1|` over the interval and the `s` range;
 * - changed contracts (`N`, `σ`, or a zero `N` becoming non-zero): their old and new terms' largest magnitudes over
 *   the interval and the remaining `T` range are added to an error `E` (a triangle inequality over the changes).
 *
 * An interval stays in use while its proved margin minus `E` exceeds the rounding slack. Each snap evaluates `G`
 * exactly only where the covered grid points change sign (the root bracket) and in the gaps the intervals leave,
 * which it certifies anew; the root is then picked as in {@link gammaFlip}. Anything outside its assumptions
 * (spot or shifts not multiples of 1/8, contracts added, removed or re-ordered, a strike or relative shift changed,
 * a contract expiring, non-finite inputs, another config) rebuilds the state or answers with {@link gammaFlip}.
 *
 * Not thread-safe state: one tracker per stream of snaps.
 *
 * @example
 * ```ts
 * const tracker = new GammaFlipTracker();
 * for (const book of books) {
 *   const hvl = tracker.flip(book, DEFAULT_CONFIG); // === gammaFlip(book, DEFAULT_CONFIG)
 * }
 * ```
 */
export class GammaFlipTracker {
  // Config the state was built with.
  #r = Number.NaN;
  #mult = Number.NaN;
  #steps = -1;
  // Book contracts of the previous call (all of them, active or not), in book order.
  #n0 = -1;
  /** The contract objects of the previous call: an identical object has the recorded strike, `N` and `σ`. */
  #prevC: GammaContract[] = [];
  #K = new Float64Array(0);
  #rel = new Float64Array(0);
  #sigma = new Float64Array(0);
  #N = new Float64Array(0);
  #T = new Float64Array(0);
  #active = new Uint8Array(0);
  /** Hoisted terms of the active contracts (those of {@link gridTerms}), updated in place. */
  #g: GridTerms | null = null;
  /** Whether the active contracts have dealer positions of both signs (else `G` has no sign change). */
  #mixed = false;
  /** Book index of each active contract. */
  #bookIdx = new Int32Array(0);
  /** Tracker clock: Σ over calls of `max_c |Δ ln T_c|`. */
  #clock = 0;
  #ivs = new TrackIntervals();
  // Per-call scratch (allocated once, grown when needed).
  #spot = 0;
  #shiftRef = 0;
  #stamp = 0;
  #exactStamp = new Int32Array(0);
  #exactV = new Float64Array(0);
  /** Per-contract terms of the exact grid values, `#stride` per grid point (`#g.n`). */
  #exactTerms = new Float64Array(0);
  #stride = 0;
  #peakStampArr = new Int32Array(0);
  #peakX = new Float64Array(0);
  #peak = new Float64Array(0);
  #U = new Float64Array(0);
  #Lmax = new Float64Array(0);
  #right = new Segs();
  #leftSegs = new Segs();
  #lastTOld = Number.NaN;
  #lastTNew = Number.NaN;
  #lastDelta = 0;
  #TdrKey = Number.NaN;
  #Tdr = 0;
  #Tsq = 0;
  #changed = new Int32Array(0);
  #nBest: number | null = null;
  #nBestD = 0;
  #nOuterL = 0;
  #nOuterR = 0;
  #nHave = false;
  #nBad = false;
  #nPrevK = 0;
  #nPrevS = 0;
  #nPrevExact = false;
  #coverLo = 0;
  // Stats.
  #calls = 0;
  #rebuilds = 0;
  #fallbacks = 0;
  #evaluations = 0;
  #contradictions = 0;

  /** Counters since construction (see {@link GammaFlipTrackerStats}). */
  get stats(): GammaFlipTrackerStats {
    return {
      calls: this.#calls,
      rebuilds: this.#rebuilds,
      fallbacks: this.#fallbacks,
      evaluations: this.#evaluations,
      contradictions: this.#contradictions,
    };
  }

  /** Forgets every certified interval (the next call rebuilds). */
  reset(): void {
    this.#n0 = -1;
    this.#TdrKey = Number.NaN;
    this.#lastTOld = Number.NaN;
    this.#g = null;
    this.#ivs.n = 0;
  }

  /**
   * `es.hvl` of `book`: bit-identical to {@link gammaFlip}`(book, config)`.
   *
   * @example
   * ```ts
   * tracker.flip(book, DEFAULT_CONFIG); // 6043.9178 in example F-1
   * ```
   */
  flip(book: GammaBook, config: GammaConfig): number | null {
    this.#calls++;
    const spot = book.spot;
    if (spot === null || book.contracts.length === 0) {
      this.reset();
      return null;
    }
    const steps = gridSteps(config.FUEL_STRIKE_RANGE);
    if (config.RISK_FREE_RATE !== this.#r || config.OPTION_MULTIPLIER !== this.#mult || steps !== this.#steps) {
      this.reset();
      this.#r = config.RISK_FREE_RATE;
      this.#mult = config.OPTION_MULTIPLIER;
      this.#steps = steps;
    }
    if (!dyadic(spot) || !Number.isFinite(config.RISK_FREE_RATE) || !this.#update(book, config)) {
      this.reset();
      this.#fallbacks++;
      return gammaFlip(book, config);
    }
    if (!this.#mixed) return null;
    this.#spot = spot;
    this.#shiftRef = book.shift[0] as number;
    return this.#search(steps);
  }

  /**
   * Brings the state to `book`: compares every contract with the previous call (by identity first: an unchanged
   * contract object has the recorded strike, `N` and `σ`), rebuilds on a structural change, otherwise updates the
   * hoisted terms in place, advances the clock and charges changed contracts to the intervals. False when the
   * tracker cannot handle the book (then the caller falls back to {@link gammaFlip}).
   */
  #update(book: GammaBook, config: GammaConfig): boolean {
    const cs = book.contracts;
    const n0 = cs.length;
    const bookT = book.T;
    const bookShift = book.shift;
    const shift0 = bookShift[0] as number;
    if (!dyadic(shift0)) return false;
    let rebuild = n0 !== this.#n0 || this.#g === null;
    // One pass: structure (strike, relative shift, T > 0), finiteness of what changed, the clock step (largest
    // |Δ ln T|) and the list of contracts whose N or σ changed.
    let delta = 0;
    let nChanged = 0;
    if (this.#changed.length < n0) this.#changed = new Int32Array(n0);
    const changed = this.#changed;
    if (!rebuild) {
      const prevC = this.#prevC;
      const K = this.#K;
      const rel = this.#rel;
      const Tp = this.#T;
      const Np = this.#N;
      const sp = this.#sigma;
      // √T of the last T seen (contracts of one expiry share T), for the σ√T floor of TRACK_MIN_SST.
      let sqrtOf = Number.NaN;
      let sqrtT = 0;
      for (let i = 0; i < n0; i++) {
        const c = cs[i] as GammaContract;
        const T = bookT[i] as number;
        const To = Tp[i] as number;
        const same = c === prevC[i];
        if ((!same && c.strike !== K[i]) || bookShift[i] !== shift0 + (rel[i] as number) || T > 0 !== To > 0) {
          rebuild = true;
          break;
        }
        if (T !== To) {
          if (!(T - T === 0)) return false;
          if (T > 0) {
            let d: number;
            if (To === this.#lastTOld && T === this.#lastTNew) d = this.#lastDelta;
            else {
              d = Math.abs(Math.log(T) - Math.log(To)) * (1 + 1e-9) + 1e-15;
              this.#lastTOld = To;
              this.#lastTNew = T;
              this.#lastDelta = d;
            }
            if (d > delta) delta = d;
          }
        }
        if (T > 0) {
          if (T !== sqrtOf) {
            sqrtOf = T;
            sqrtT = Math.sqrt(T);
          }
          if (c.sigma * sqrtT < TRACK_MIN_SST) return false;
        }
        if (!same && (c.N !== Np[i] || c.sigma !== sp[i])) {
          if (!(c.N - c.N === 0) || !(c.sigma - c.sigma === 0)) return false;
          changed[nChanged++] = i;
        }
      }
    }
    if (rebuild) {
      for (let i = 0; i < n0; i++) {
        const c = cs[i] as GammaContract;
        const T = bookT[i] as number;
        if (!(c.N - c.N === 0 && c.sigma - c.sigma === 0 && T - T === 0 && c.strike - c.strike === 0)) return false;
        if (T > 0 && c.sigma * Math.sqrt(T) < TRACK_MIN_SST) return false;
        if (!dyadic(bookShift[i] as number)) return false;
      }
      this.#rebuilds++;
      const g = gridTerms(book, config);
      if (g === null) return false;
      this.#n0 = n0;
      this.#prevC = cs.slice();
      this.#K = new Float64Array(n0);
      this.#rel = new Float64Array(n0);
      this.#sigma = new Float64Array(n0);
      this.#N = new Float64Array(n0);
      this.#T = new Float64Array(n0);
      this.#active = new Uint8Array(n0);
      for (let i = 0; i < n0; i++) {
        const c = cs[i] as GammaContract;
        this.#K[i] = c.strike;
        this.#rel[i] = (bookShift[i] as number) - shift0;
        this.#sigma[i] = c.sigma;
        this.#N[i] = c.N;
        this.#T[i] = bookT[i] as number;
      }
      this.#setTerms(g, book);
      this.#ivs.n = 0;
      this.#clock = 0;
      return true;
    }
    this.#clock += delta;
    const clock = this.#clock;
    // Changed contracts: charge their old and new terms to every interval (after dropping the expired ones).
    let activeChanged = false;
    if (nChanged > 0) {
      const ivs = this.#ivs;
      const cl = ivs.clock;
      const lam = ivs.lambda;
      let w = 0;
      for (let j = 0; j < ivs.n; j++) {
        if (clock - (cl[j] as number) <= (lam[j] as number)) {
          if (w !== j) ivs.move(j, w);
          w++;
        }
      }
      ivs.n = w;
      for (let q = 0; q < nChanged; q++) {
        const i = changed[q] as number;
        const c = cs[i] as GammaContract;
        const T = bookT[i] as number;
        const isActive = c.N !== 0 && c.sigma > 0 && c.strike > 0 && T > 0;
        if ((this.#active[i] === 1) !== isActive) activeChanged = true;
        if (ivs.n > 0) this.#charge(i, this.#N[i] as number, this.#sigma[i] as number, c.N, c.sigma, T);
        this.#N[i] = c.N;
        this.#sigma[i] = c.sigma;
        this.#prevC[i] = c;
      }
    }
    this.#T.set(bookT.length === n0 ? bookT : bookT.subarray(0, n0));
    if (activeChanged) {
      const g = gridTerms(book, config);
      if (g === null) return false;
      this.#setTerms(g, book);
      return true;
    }
    // In place: exactly the operations of gridTerms.
    const g = this.#g as GridTerms;
    const r = this.#r;
    const shifts = g.shifts as number[];
    const bookIdx = this.#bookIdx;
    const sigmaArr = this.#sigma;
    const gdr = g.dr;
    const gsqrtT = g.sqrtT;
    const gsigma = g.sigma;
    const gsst = g.sst;
    const ghalf = g.half;
    const gshift = g.shift;
    const gshiftOf = g.shiftOf;
    let TdrKey = this.#TdrKey;
    let Tdr = this.#Tdr;
    let Tsq = this.#Tsq;
    for (let j = 0; j < g.n; j++) {
      const i = bookIdx[j] as number;
      const sigma = sigmaArr[i] as number;
      const T = bookT[i] as number;
      if (T !== TdrKey) {
        TdrKey = T;
        Tdr = Math.exp(-r * T);
        Tsq = Math.sqrt(T);
      }
      gdr[j] = Tdr;
      gsqrtT[j] = Tsq;
      gsigma[j] = sigma;
      gsst[j] = sigma * Tsq;
      ghalf[j] = (sigma * sigma * T) / 2;
      const sh = bookShift[i] as number;
      gshift[j] = sh;
      shifts[gshiftOf[j] as number] = sh;
    }
    this.#TdrKey = TdrKey;
    this.#Tdr = Tdr;
    this.#Tsq = Tsq;
    if (nChanged > 0) {
      const negN = g.negN;
      const Narr = this.#N;
      for (let j = 0; j < g.n; j++) negN[j] = -(Narr[bookIdx[j] as number] as number);
      this.#mixed = mixedSigns(g);
    }
    return true;
  }

  /** Installs freshly built hoisted terms and the active-contract map. */
  #setTerms(g: GridTerms, book: GammaBook): void {
    this.#g = g;
    this.#mixed = mixedSigns(g);
    const n0 = book.contracts.length;
    this.#bookIdx = new Int32Array(g.n);
    let j = 0;
    for (let i = 0; i < n0; i++) {
      const c = book.contracts[i] as GammaContract;
      const T = book.T[i] as number;
      const on = c.N !== 0 && T > 0 && c.sigma > 0 && c.strike > 0;
      this.#active[i] = on ? 1 : 0;
      if (on) this.#bookIdx[j++] = i;
    }
    const n = g.n;
    if (this.#U.length < n) {
      this.#U = new Float64Array(n);
      this.#Lmax = new Float64Array(n);
      this.#peakX = new Float64Array(n);
      this.#peak = new Float64Array(n);
      this.#peakStampArr = new Int32Array(n);
    }
    // Stamps of earlier calls are all below the next call's: the caches need no clearing.
    this.#stride = n;
  }

  /**
   * Adds to every interval's `E` a bound of `|term(N_new, σ_new) − term(N_old, σ_old)|` of book contract `i` over
   * the interval and over the `T` range the interval may still be used at. With both terms live,
   * `N_n·Γ_n − N_o·Γ_o = (N_n − N_o)·Γ_n + N_o·(Γ_n − Γ_o)` and `|ln Γ_n − ln Γ_o| ≤ Q·|ln(σ_n/σ_o)|` (the same
   * `∂ ln Γ/∂ ln s` as the time decay, `Q ≥ max |d1² − d1·s − 1|` over the box, {@link supQ}); else the sum of
   * both magnitudes ({@link supTerm}). What does not depend on the interval is taken once per call.
   */
  #charge(i: number, No: number, so: number, Nn: number, sn: number, T: number): void {
    const K = this.#K[i] as number;
    const rel = this.#rel[i] as number;
    const liveO = No !== 0 && so > 0 && K > 0 && T > 0;
    const liveN = Nn !== 0 && sn > 0 && K > 0 && T > 0;
    const sqT = Math.sqrt(T);
    const lnK = Math.log(K);
    const r = this.#r;
    const mult = this.#mult;
    const absNo = Math.abs(No);
    const absNn = Math.abs(Nn);
    const dN = Math.abs(Nn - No);
    const both = liveO && liveN;
    const lnRatio = both && sn !== so ? Math.abs(Math.log(sn / so)) : 0;
    const sLo = Math.min(so, sn);
    const sHi = Math.max(so, sn);
    const preR = mult * 1 * INV_SQRT_2PI;
    const clock = this.#clock;
    const ivs = this.#ivs;
    const ua = ivs.ua;
    const ub = ivs.ub;
    const lam = ivs.lambda;
    const cl = ivs.clock;
    const E = ivs.E;
    const lnRel = ivs.lnRel;
    const lnLo = ivs.lnLo;
    const lnHi = ivs.lnHi;
    for (let j = 0; j < ivs.n; j++) {
      const Flo = (ua[j] as number) - rel;
      let e: number;
      if (!(Flo > 0)) e = Number.POSITIVE_INFINITY;
      else {
        const rem = (lam[j] as number) - (clock - (cl[j] as number));
        const ex = Math.exp(rem / 2);
        if (lnRel[j] !== rel) {
          lnRel[j] = rel;
          lnLo[j] = Math.log(Flo);
          lnHi[j] = Math.log((ub[j] as number) - rel);
        }
        const La = (lnLo[j] as number) - lnK;
        const Lb = (lnHi[j] as number) - lnK;
        const pre = r >= 0 ? preR : mult * Math.exp(-r * T * ex * ex) * INV_SQRT_2PI;
        if (!both) {
          e =
            (liveO ? absNo * supTerm(so, sqT, ex, La, Lb, Flo, pre) : 0) +
            (liveN ? absNn * supTerm(sn, sqT, ex, La, Lb, Flo, pre) : 0);
        } else {
          const gn = supTerm(sn, sqT, ex, La, Lb, Flo, pre);
          e = dN * gn;
          if (sn !== so) {
            const go = supTerm(so, sqT, ex, La, Lb, Flo, pre);
            const Q = supQ(sLo, sHi, sqT, ex, La, Lb);
            e += absNo * Math.min(go + gn, go * Math.expm1(Q * lnRatio));
          }
        }
      }
      E[j] = (E[j] as number) + TRACK_SAFETY * e;
    }
  }

  /** Exact `G` at grid index `k` (its per-contract terms kept for certification). */
  #exact(k: number): number {
    const off = k + this.#steps + TRACK_PAD;
    const size = 2 * (this.#steps + TRACK_PAD) + 1;
    if (this.#exactStamp.length !== size) {
      this.#exactStamp = new Int32Array(size);
      this.#exactV = new Float64Array(size);
    }
    if (this.#exactStamp[off] === this.#stamp) return this.#exactV[off] as number;
    const g = this.#g as GridTerms;
    if (this.#exactTerms.length < size * this.#stride) this.#exactTerms = new Float64Array(size * this.#stride);
    const v = termsAt(g, this.#spot + 0.25 * k, this.#exactTerms, off * this.#stride);
    this.#evaluations++;
    this.#exactStamp[off] = this.#stamp;
    this.#exactV[off] = v;
    return v;
  }

  /**
   * Whether contract `i`'s Γ peak (at `x = K·e^{−1.5σ²T} + shift`, as `certifiedFlip` computes it) lies strictly
   * inside `(x0, x1)`; computed lazily (once per call and contract) only when `[K·(1 − 1.5σ²T), K] + shift`, which
   * contains it, meets the interval.
   */
  #peakInside(g: GridTerms, i: number, x0: number, x1: number): boolean {
    const sh = g.shift[i] as number;
    const K = g.K[i] as number;
    if (x0 >= K + sh) return false;
    const sst = g.sst[i] as number;
    if (x1 <= K * (1 - 1.5 * sst * sst) * (1 - 1e-12) + sh - 1e-9) return false;
    if (this.#peakStampArr[i] !== this.#stamp) {
      this.#peakStampArr[i] = this.#stamp;
      const x = K * Math.exp(-1.5 * sst * sst) + sh;
      this.#peakX[i] = x;
      this.#peak[i] = termAt(g, i, x);
    }
    const px = this.#peakX[i] as number;
    return px > x0 && px < x1;
  }

  /**
   * Tries to prove `G` one-signed on `[x_k0, x_k1]` from the exact terms at both nodes (as `certifiedFlip` does);
   * on success stores the interval with its `ln T` budget and returns true.
   */
  #certify(k0: number, k1: number): boolean {
    const v0 = this.#exact(k0);
    const v1 = this.#exact(k1);
    if (!((v0 > 0 && v1 > 0) || (v0 < 0 && v1 < 0))) return false;
    const off = this.#steps + TRACK_PAD;
    const terms = this.#exactTerms;
    const a0 = (k0 + off) * this.#stride;
    const b0 = (k1 + off) * this.#stride;
    const g = this.#g as GridTerms;
    const n = g.n;
    const negN = g.negN;
    const peak = this.#peak;
    const x0 = this.#spot + 0.25 * k0;
    const x1 = this.#spot + 0.25 * k1;
    const U = this.#U;
    let pLo = 0;
    let pHi = 0;
    let mLo = 0;
    let mHi = 0;
    for (let i = 0; i < n; i++) {
      const ta = terms[a0 + i] as number;
      const tb = terms[b0 + i] as number;
      const inside = k1 > k0 && this.#peakInside(g, i, x0, x1);
      if ((negN[i] as number) > 0) {
        const hi = inside ? Math.max(ta, tb, peak[i] as number) : Math.max(ta, tb);
        pLo += Math.min(ta, tb);
        pHi += hi;
        U[i] = hi;
      } else {
        const lo = inside ? Math.min(ta, tb, peak[i] as number) : Math.min(ta, tb);
        mLo -= Math.max(ta, tb);
        mHi -= lo;
        U[i] = -lo;
      }
    }
    const sumU = pHi + mHi;
    let sign: number;
    let m0: number;
    if (v0 > 0 && pLo - mHi > HVL_CERT_FLOOR + 2 * TRACK_SLACK * sumU) {
      sign = 1;
      m0 = pLo - mHi;
    } else if (v0 < 0 && mLo - pHi > HVL_CERT_FLOOR + 2 * TRACK_SLACK * sumU) {
      sign = -1;
      m0 = mLo - pHi;
    } else return false;
    // Budget: half of the spare margin for the time decay, half for changed contracts.
    const target = (m0 - HVL_CERT_FLOOR - 2 * TRACK_SLACK * sumU) / 2;
    const Lmax = this.#Lmax;
    const absR = Math.abs(this.#r);
    const gShift = g.shift;
    const gLnK = g.lnK;
    const gSst = g.sst;
    const gSqrtT = g.sqrtT;
    let lnF0 = 0;
    let lnF1 = 0;
    let shPrev = Number.NaN;
    let S1 = 0;
    for (let i = 0; i < n; i++) {
      const sh = gShift[i] as number;
      if (sh !== shPrev) {
        shPrev = sh;
        const F0 = x0 - sh;
        if (!(F0 > 0)) return this.#store(x0, x1, sign, m0, sumU, 0);
        lnF0 = Math.log(F0);
        lnF1 = Math.log(x1 - sh);
      }
      const lnK = gLnK[i] as number;
      const L = Math.max(Math.abs(lnF0 - lnK), Math.abs(lnF1 - lnK));
      Lmax[i] = L;
      const s = gSst[i] as number;
      const D = L / s + s / 2;
      const T = (gSqrtT[i] as number) ** 2;
      S1 += (U[i] as number) * (absR * T + (D * D + D * s + 1) / 2);
    }
    let lambda = S1 > 0 ? Math.min(TRACK_LAMBDA_MAX, target / S1) : TRACK_LAMBDA_MAX;
    let tries = 0;
    // Below the cap, λ = target/S1 always fails the test (the drift is at least λ·S1, the linear term, so twice it
    // exceeds the target): start at its first fallback, λ/4 (exact), which the loop would try next anyway.
    if (lambda < TRACK_LAMBDA_MAX && lambda > 1e-200) {
      lambda /= 4;
      tries = 1;
    }
    for (; tries < 4; tries++) {
      const drift = this.#drift(g, lambda);
      if (TRACK_SAFETY * drift * (1 + 2 * TRACK_SLACK) <= target) {
        return this.#store(x0, x1, sign, m0 - TRACK_SAFETY * drift, sumU + TRACK_SAFETY * drift, lambda);
      }
      lambda /= 4;
    }
    return this.#store(x0, x1, sign, m0, sumU, 0);
  }

  /**
   * `Σ_c U_c·expm1(ρ_c)` with `ρ_c = |r|·T_c·expm1(λ) + λ/2·Q_c`, `Q_c = D² + D·s_max + 1`,
   * `D = L_c/s_min + s_max/2 ≥ max |d1|` (`L_c` the largest `|ln F − ln K|` over the interval, `s` within
   * `e^{±λ/2}` of `σ√T`).
   */
  #drift(g: GridTerms, lambda: number): number {
    const e = Math.exp(lambda / 2);
    const eT = Math.expm1(lambda);
    const absR = Math.abs(this.#r);
    const half = lambda / 2;
    const sst = g.sst;
    const sqrtT = g.sqrtT;
    const Lmax = this.#Lmax;
    const U = this.#U;
    let drift = 0;
    for (let i = 0; i < g.n; i++) {
      const s = sst[i] as number;
      const sMin = s / e;
      const sMax = s * e;
      const D = (Lmax[i] as number) / sMin + sMax / 2;
      const T = (sqrtT[i] as number) ** 2;
      const rho = absR * T * eT + half * (D * D + D * sMax + 1);
      drift += (U[i] as number) * Math.expm1(rho);
    }
    return drift;
  }

  #store(x0: number, x1: number, sign: number, M: number, sumU: number, lambda: number): true {
    this.#ivs.insert(x0 - this.#shiftRef, x1 - this.#shiftRef, sign, M, sumU, lambda, this.#clock);
    return true;
  }

  /** The nearest root, as `certifiedFlip` finds it, over usable intervals and exact values. */
  #search(steps: number): number | null {
    this.#stamp++;
    // Drop intervals that are no longer usable (their proof no longer holds at this call) or lie far outside the
    // grid.
    const u0 = this.#spot - this.#shiftRef;
    const reach = 0.25 * (steps + 4 * TRACK_PAD);
    const ivs = this.#ivs;
    const clock = this.#clock;
    const ua = ivs.ua;
    const ub = ivs.ub;
    const lam = ivs.lambda;
    const cl = ivs.clock;
    const M = ivs.M;
    const E = ivs.E;
    const sumU = ivs.sumU;
    let w = 0;
    for (let j = 0; j < ivs.n; j++) {
      const e = E[j] as number;
      if (
        clock - (cl[j] as number) <= (lam[j] as number) &&
        (M[j] as number) - e > HVL_CERT_FLOOR + TRACK_SLACK * ((sumU[j] as number) + e) * 2 &&
        (ub[j] as number) >= u0 - reach &&
        (ua[j] as number) <= u0 + reach
      ) {
        if (w !== j) ivs.move(j, w);
        w++;
      }
    }
    ivs.n = w;
    const R = this.#right;
    const L = this.#leftSegs;
    R.clear();
    L.clear();
    let kR = this.#cover(0, 0, false, false, R);
    let kL = 0;
    let chunk = HVL_FIRST_CHUNK;
    for (;;) {
      if (kR < steps) kR = this.#cover(kR + 1, Math.min(steps, kR + chunk), false, true, R);
      if (kL > -steps) {
        L.openBlock();
        this.#cover(Math.max(-steps, kL - chunk), kL - 1, true, false, L);
        kL = this.#coverLo;
      }
      chunk *= 2;
      if (!this.#nearest(L, R)) return this.#fallbackNow();
      const best = this.#nBest;
      const bestD = this.#nBestD;
      const outerL = this.#nOuterL;
      const outerR = this.#nOuterR;
      const spot = this.#spot;
      const doneR = kR >= steps || (best !== null && outerR - spot > bestD + 1e-9);
      const doneL = kL <= -steps || (best !== null && spot - outerL > bestD + 1e-9);
      if (doneR && doneL) return best;
    }
  }

  /** A certified sign was contradicted (never expected): forget everything and answer with the full machinery. */
  #fallbackNow(): null | number {
    this.#contradictions++;
    this.#ivs.n = 0;
    return certifiedFlip(this.#spot, this.#steps, this.#g as GridTerms);
  }

  /**
   * Appends ascending segments covering the grid indices `[k0, k1]` to `out`: runs of usable intervals, and gaps
   * resolved by {@link GammaFlipTracker.#gap}. A run or gap touching `k0` may reach lower when `extendLow`, one
   * touching `k1` higher when `extendHigh` (to the next interval, or the grid end plus `TRACK_PAD` steps); gaps at
   * a grid end are always certified `TRACK_PAD` steps beyond it. Returns the highest grid index covered (the lowest
   * is left in `#coverLo`).
   */
  #cover(k0: number, k1: number, extendLow: boolean, extendHigh: boolean, out: Segs): number {
    const steps = this.#steps;
    const u0 = this.#spot - this.#shiftRef;
    const ivs = this.#ivs;
    let lo = k0;
    let hi = k0 - 1;
    let k = k0;
    while (k <= k1) {
      const u = u0 + 0.25 * k;
      const idx = ivs.find(u);
      if (idx >= 0 && u <= (ivs.ub[idx] as number)) {
        let ka = k;
        if (extendLow && k === k0) ka = Math.max(-steps, Math.ceil(((ivs.ua[idx] as number) - u0) / 0.25));
        const kb = Math.floor(((ivs.ub[idx] as number) - u0) / 0.25);
        const end = Math.min(steps, extendHigh ? Math.max(kb, k) : Math.min(kb, k1));
        out.push(ka, end, ivs.sign[idx] as number, false);
        if (ka < lo) lo = ka;
        hi = end;
        k = Math.max(kb, k) + 1;
        if (end >= steps) break;
        continue;
      }
      // Intervals inserted during this loop (by #gap) lie inside the gaps, never between `idx` and `idx + 1` here.
      const nextStart =
        idx + 1 >= ivs.n ? Number.POSITIVE_INFINITY : Math.ceil(((ivs.ua[idx + 1] as number) - u0) / 0.25) - 1;
      const prevEnd = idx < 0 ? Number.NEGATIVE_INFINITY : Math.floor(((ivs.ub[idx] as number) - u0) / 0.25) + 1;
      let g1 = extendHigh || k1 >= steps ? steps + TRACK_PAD : k1;
      g1 = Math.min(g1, nextStart);
      if (g1 < k) g1 = k;
      let g0 = k;
      if ((extendLow && k === k0) || k <= -steps) g0 = Math.max(prevEnd, -steps - TRACK_PAD);
      if (g0 > k) g0 = k;
      this.#gap(g0, g1, out);
      if (Math.max(g0, -steps) < lo) lo = Math.max(g0, -steps);
      hi = Math.min(g1, steps);
      k = g1 + 1;
    }
    this.#coverLo = lo;
    return hi;
  }

  /** Resolves the uncovered grid range `[g0, g1]` (may reach past the grid): nodes, certification, exact leaves. */
  #gap(g0: number, g1: number, out: Segs): void {
    this.#exact(g0);
    if (g1 > g0) {
      this.#exact(g1);
      this.#inner(g0, g1, out);
    } else this.#certify(g0, g0);
    this.#point(g1, out);
  }

  /** Emits `[k0, k1)` given exact nodes at both ends (the certification and splitting of `certifiedFlip`). */
  #inner(k0: number, k1: number, out: Segs): void {
    if (this.#certify(k0, k1)) {
      this.#point(k0, out);
      if (k1 - k0 > 1) this.#run(k0 + 1, k1 - 1, this.#exact(k0) > 0 ? 1 : -1, out);
      return;
    }
    if (k1 - k0 <= HVL_LEAF_STEPS) {
      // A leaf: every point exact; adjacent same-signed points still give short intervals for the next calls.
      for (let k = k0 + 1; k < k1; k++) this.#exact(k);
      // Short intervals for the next calls: adjacent pairs, and single points where a pair is not one-signed (the
      // root bracket). The pair [k0, k1] itself just failed.
      let prevFailed = false;
      for (let k = k0; k < k1; k++) {
        const failed = k1 - k0 === 1 || !this.#certify(k, k + 1);
        if (failed || prevFailed) this.#certify(k, k);
        prevFailed = failed;
        this.#point(k, out);
      }
      if (prevFailed) this.#certify(k1, k1);
      return;
    }
    const km = k0 + ((k1 - k0) >> 1);
    this.#exact(km);
    this.#inner(k0, km, out);
    this.#inner(km, k1, out);
  }

  #point(k: number, out: Segs): void {
    if (k >= -this.#steps && k <= this.#steps) out.push(k, k, 0, true);
  }

  #run(k0: number, k1: number, sign: number, out: Segs): void {
    const a = Math.max(k0, -this.#steps);
    const b = Math.min(k1, this.#steps);
    if (a <= b) out.push(a, b, sign, false);
  }

  /**
   * §4.6 root selection over the covered range (the left blocks, lowest first, then the right segments): exact
   * zeros skipped; where consecutive non-zero points change sign, both are evaluated exactly and the root is
   * interpolated as in `nearestRoot`. Results in the `#n*` fields; false if an exact value contradicts a
   * certified sign.
   */
  #nearest(L: Segs, R: Segs): boolean {
    this.#nBest = null;
    this.#nBestD = Number.POSITIVE_INFINITY;
    this.#nOuterL = Number.NaN;
    this.#nOuterR = Number.NaN;
    this.#nHave = false;
    this.#nBad = false;
    for (let b = L.nBlocks - 1; b >= 0; b--) {
      const end = b + 1 < L.nBlocks ? (L.blocks[b + 1] as number) : L.n;
      for (let i = L.blocks[b] as number; i < end; i++) this.#visit(L, i);
    }
    for (let i = 0; i < R.n; i++) this.#visit(R, i);
    return !this.#nBad;
  }

  /** One segment of {@link GammaFlipTracker.#nearest}. */
  #visit(s: Segs, i: number): void {
    const spot = this.#spot;
    const k0 = s.k0[i] as number;
    const k1 = s.k1[i] as number;
    const exact = s.exact[i] === 1;
    let sign = s.sign[i] as number;
    if (exact) {
      const v = this.#exact(k0);
      if (v === 0) return;
      sign = v > 0 ? 1 : -1;
    }
    const x0 = spot + 0.25 * k0;
    if (Number.isNaN(this.#nOuterL)) this.#nOuterL = x0;
    this.#nOuterR = spot + 0.25 * k1;
    if (this.#nHave && sign !== this.#nPrevS) {
      const prevK = this.#nPrevK;
      const gi = this.#exact(prevK);
      const gj = this.#exact(k0);
      if ((!this.#nPrevExact && !(gi * this.#nPrevS > 0)) || (!exact && !(gj * sign > 0))) this.#nBad = true;
      const xi = spot + 0.25 * prevK;
      const root = xi + ((x0 - xi) * gi) / (gi - gj);
      const d = Math.abs(root - spot);
      const best = this.#nBest;
      if (d < this.#nBestD || (d === this.#nBestD && best !== null && root < best)) {
        this.#nBest = root;
        this.#nBestD = d;
      }
    }
    this.#nHave = true;
    this.#nPrevK = k1;
    this.#nPrevS = sign;
    this.#nPrevExact = exact;
  }
}

/** Whether the hoisted terms have dealer positions of both signs (else `G` has one sign and no root). */
function mixedSigns(g: GridTerms): boolean {
  let pos = false;
  let neg = false;
  for (let i = 0; i < g.n; i++) {
    if ((g.negN[i] as number) > 0) pos = true;
    else neg = true;
  }
  return pos && neg;
}

/**
 * Covered grid segments of one side of a {@link GammaFlipTracker} search: `[k0, k1]` with a certified sign, or a
 * single exact point. Left-side segments come in blocks (each ascending, later blocks lower). Columns are reused
 * from call to call.
 */
class Segs {
  /** Number of segments. */
  n = 0;
  k0 = new Int32Array(256);
  k1 = new Int32Array(256);
  sign = new Int8Array(256);
  exact = new Uint8Array(256);
  /** Number of blocks. */
  nBlocks = 0;
  /** First segment of each block. */
  blocks = new Int32Array(64);
  clear(): void {
    this.n = 0;
    this.nBlocks = 0;
  }
  openBlock(): void {
    if (this.nBlocks === this.blocks.length) {
      const b = new Int32Array(2 * this.blocks.length);
      b.set(this.blocks);
      this.blocks = b;
    }
    this.blocks[this.nBlocks++] = this.n;
  }
  push(k0: number, k1: number, sign: number, exact: boolean): void {
    const n = this.n;
    if (n === this.k0.length) this.#grow();
    this.k0[n] = k0;
    this.k1[n] = k1;
    this.sign[n] = sign;
    this.exact[n] = exact ? 1 : 0;
    this.n = n + 1;
  }
  #grow(): void {
    const cap = 2 * this.k0.length;
    const k0 = new Int32Array(cap);
    const k1 = new Int32Array(cap);
    const sign = new Int8Array(cap);
    const exact = new Uint8Array(cap);
    k0.set(this.k0);
    k1.set(this.k1);
    sign.set(this.sign);
    exact.set(this.exact);
    this.k0 = k0;
    this.k1 = k1;
    this.sign = sign;
    this.exact = exact;
  }
}
