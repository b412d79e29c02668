/**
 * Dealer gamma aggregation of the FuelEngine — engines.md §4.4 (dealer gamma per contract, placed strike,
 * basis), §4.5 (per-level aggregates: `net_dealer_gamma`, `gamma_flow`, `gamma_by_strike`, effect, walls,
 * confidence) and §4.6 (market-wide gamma flip `es.hvl`), with the contract order of §0.6 [D31] for every
 * floating sum.
 *
 * Usage: build a {@link GammaBook} once per snap with {@link buildGammaBook} (filters, maps the basis, computes
 * Γ and sorts), then call {@link fuelMetrics} per level and {@link gammaFlip} once.
 *
 * Pure: no I/O, no clock, no randomness.
 *
 * @module
 */
import type { Config, FuelEffect, GammaWall, OptionRight } from '@spymaster/schemas';
import { black76Gamma, normPdf, timeToExpiryYears } from './black76.js';

/** One 0DTE option contract of the inventory at the snap, with its volatility already resolved (§4.4). */
export interface GammaContract {
  /** Option symbol (ASCII; unique per contract). */
  readonly option_symbol: string;
  /** Futures contract the option is on (`ESH6`, or the expiring `ESZ5` on roll-window dates). */
  readonly underlying_contract: string;
  /** Listed strike `K` (pt). */
  readonly strike: number;
  /** `C` or `P`. */
  readonly right: OptionRight;
  /** Expiration instant, ns since the Unix epoch. */
  readonly expiration_ns: bigint;
  /** Net customer contracts `N_c` (customer buys minus customer sells of the day; integer). */
  readonly N: number;
  /** Σ signed customer sizes in `(t − W_g, t]` (integer). */
  readonly recentSigned: number;
  /** Σ sizes (signed and unsigned trades) in `(t − W_g, t]` (integer). */
  readonly recentVolume: number;
  /** `σ_c` per §4.4 (fixed mode: `SIGMA_FIXED`; implied mode: fresh IV, nearest fresh IV, or `SIGMA_DEFAULT`). */
  readonly sigma: number;
}

/** Market context of a snap needed to place contracts (§4.4). */
export interface GammaMarket {
  /** Snap time `t`, ns since the Unix epoch. */
  readonly t_ns: bigint;
  /** `spot()`: the front-month futures price, or null. */
  readonly spot: number | null;
  /** Front-month symbol `F`; options on any other underlying are options on the expiring contract `Q`. */
  readonly frontMonth: string;
  /** `basis(t) = b(t)` (pt), or null when unknown; needed only for options on `Q`. */
  readonly basis: number | null;
}

/**
 * The contracts included in one snap, in the contract order of [D31] (ascending placed strike, `C` before `P`,
 * `underlying_contract`, `option_symbol`), as parallel arrays. Index `i` of every array is the same contract.
 */
export interface GammaBook {
  /** `spot()` of the snap (null ⇒ the book is empty). */
  readonly spot: number | null;
  /** True when options on `Q` exist but `basis(t)` is null, so they were left out (§4.4). */
  readonly optionsBasisMissing: boolean;
  /** The included contracts, sorted. */
  readonly contracts: readonly GammaContract[];
  /** Placed strike `K̂_c` (pt). */
  readonly placedStrike: Float64Array;
  /** Shift between the front month and the contract's underlying: 0 for `F`, `b(t)` for `Q` (`F_c = x − shift`). */
  readonly shift: Float64Array;
  /** Time to expiry `T_c` in years (§4.1; 0 once expired). */
  readonly T: Float64Array;
  /** Per-option Black-76 Γ at `(F_c, K, T_c, σ_c)` (1/pt). */
  readonly gamma: Float64Array;
  /** Dealer gamma `g_c = −N_c·Γ_c·OPTION_MULTIPLIER` (USD/pt²). */
  readonly dealerGamma: Float64Array;
  /** Recent transfer `−(Σ signed sizes in W_g)·Γ_c·OPTION_MULTIPLIER` (USD/pt²). */
  readonly flowGamma: Float64Array;
}

/** Per-level fuel output (`FuelMetrics` of §4.5), keys in the payload order. */
export interface FuelMetrics {
  /** `AMPLIFY` / `DAMPEN` / `NEUTRAL` by `FUEL_GAMMA_THRESH`. */
  readonly effect: FuelEffect;
  /** Σ dealer gamma over the range set (USD/pt²). */
  readonly net_dealer_gamma: number;
  /** Dealer gamma added within `W_g` (USD/pt²). */
  readonly gamma_flow: number;
  /** Call wall at or above the level, or null. */
  readonly call_wall: GammaWall | null;
  /** Put wall at or below the level, or null. */
  readonly put_wall: GammaWall | null;
  /** Dealer gamma per placed strike (`"5975.00"` keys, ascending placed strike). */
  readonly gamma_by_strike: Readonly<Record<string, number>>;
  /** `min(1, in-range W_g volume / FUEL_CONF_SCALE)`. */
  readonly confidence: number;
}

/** Config parameters used by this module. */
export type GammaConfig = Pick<
  Config,
  | 'RISK_FREE_RATE'
  | 'YEAR_SECONDS'
  | 'T_MIN_S'
  | 'FUEL_STRIKE_RANGE'
  | 'FUEL_GAMMA_THRESH'
  | 'WALL_MIN_GAMMA'
  | 'OPTION_MULTIPLIER'
  | 'FUEL_CONF_SCALE'
>;

/**
 * Dealer gamma of one contract (§4.4): `g = −N·Γ·multiplier`, evaluated left to right. A customer buy (`N > 0`)
 * leaves the dealer short gamma (`g < 0`).
 *
 * @example
 * ```ts
 * dealerGamma(3000, 0.0103568061, 50); // ≈ −1553.5209
 * ```
 */
export function dealerGamma(N: number, gamma: number, multiplier: number): number {
  return -N * gamma * multiplier;
}

/**
 * Comparator of the [D31] contract order: ascending placed strike, right `C` before `P`, `underlying_contract`,
 * `option_symbol` (UTF-16 code-unit order, which is byte order for the ASCII symbols used).
 *
 * @example
 * ```ts
 * compareContractOrder(6000, 'C', 'ESH6', 'a', 6000, 'P', 'ESH6', 'b'); // < 0
 * ```
 */
export function compareContractOrder(
  placedA: number,
  rightA: OptionRight,
  underlyingA: string,
  symbolA: string,
  placedB: number,
  rightB: OptionRight,
  underlyingB: string,
  symbolB: string,
): number {
  if (placedA !== placedB) return placedA < placedB ? -1 : 1;
  if (rightA !== rightB) return rightA === 'C' ? -1 : 1;
  if (underlyingA !== underlyingB) return underlyingA < underlyingB ? -1 : 1;
  if (symbolA !== symbolB) return symbolA < symbolB ? -1 : 1;
  return 0;
}

/**
 * Builds the per-snap gamma book (§4.4): keeps the contracts that are included in the snap (every contract on the
 * front month; contracts on another underlying only with a known basis), places them (`F_c = spot − b`,
 * `K̂_c = K + b` for options on `Q`), computes `T_c`, Γ, dealer gamma and recent transfer, and sorts them in the
 * [D31] order. With `spot = null` the book is empty.
 *
 * @throws RangeError when two contracts share `underlying_contract` and `option_symbol` (the order, and so the
 *   sums, would depend on input order).
 *
 * @example
 * ```ts
 * const book = buildGammaBook(contracts, { t_ns, spot: 6000, frontMonth: 'ESH6', basis: null }, DEFAULT_CONFIG);
 * ```
 */
export function buildGammaBook(
  contracts: readonly GammaContract[],
  market: GammaMarket,
  config: GammaConfig,
): GammaBook {
  const spot = market.spot;
  let optionsBasisMissing = false;
  const included: { c: GammaContract; placed: number; shift: number }[] = [];
  for (const c of contracts) {
    let shift = 0;
    if (c.underlying_contract !== market.frontMonth) {
      if (market.basis === null) {
        optionsBasisMissing = true;
        continue;
      }
      shift = market.basis;
    }
    if (spot !== null) included.push({ c, placed: c.strike + shift, shift });
  }
  included.sort((a, b) =>
    compareContractOrder(
      a.placed,
      a.c.right,
      a.c.underlying_contract,
      a.c.option_symbol,
      b.placed,
      b.c.right,
      b.c.underlying_contract,
      b.c.option_symbol,
    ),
  );
  const n = included.length;
  const placedStrike = new Float64Array(n);
  const shiftArr = new Float64Array(n);
  const T = new Float64Array(n);
  const gamma = new Float64Array(n);
  const dealer = new Float64Array(n);
  const flow = new Float64Array(n);
  const sorted: GammaContract[] = new Array(n);
  const mult = config.OPTION_MULTIPLIER;
  for (let i = 0; i < n; i++) {
    const e = included[i] as (typeof included)[number];
    const prev = i > 0 ? included[i - 1] : undefined;
    if (
      prev !== undefined &&
      prev.c.option_symbol === e.c.option_symbol &&
      prev.c.underlying_contract === e.c.underlying_contract
    ) {
      throw new RangeError(
        `buildGammaBook: contract ${e.c.underlying_contract}/${e.c.option_symbol} appears twice; merge its inventory first`,
      );
    }
    const Tc = timeToExpiryYears(e.c.expiration_ns, market.t_ns, config);
    const g = black76Gamma((spot as number) - e.shift, e.c.strike, Tc, e.c.sigma, config.RISK_FREE_RATE);
    sorted[i] = e.c;
    placedStrike[i] = e.placed;
    shiftArr[i] = e.shift;
    T[i] = Tc;
    gamma[i] = g;
    dealer[i] = dealerGamma(e.c.N, g, mult);
    flow[i] = dealerGamma(e.c.recentSigned, g, mult);
  }
  return {
    spot,
    optionsBasisMissing,
    contracts: sorted,
    placedStrike,
    shift: shiftArr,
    T,
    gamma,
    dealerGamma: dealer,
    flowGamma: flow,
  };
}

/**
 * `gamma_by_strike` key of a placed strike: two decimals, rounded half-up (`5975` → `"5975.00"`,
 * `5975.125` → `"5975.13"`). `toFixed` rounds the exact binary value, ties away from zero (= up for strikes).
 *
 * @example
 * ```ts
 * strikeKey(5975); // "5975.00"
 * ```
 */
export function strikeKey(placedStrike: number): string {
  let key = STRIKE_KEYS.get(placedStrike);
  if (key === undefined) {
    // A day sees a few hundred placed strikes; the bound only guards against unbounded distinct inputs.
    if (STRIKE_KEYS.size >= 4096) STRIKE_KEYS.clear();
    key = placedStrike.toFixed(2);
    STRIKE_KEYS.set(placedStrike, key);
  }
  return key;
}

/** `toFixed(2)` of recently seen placed strikes (formatting a number is far dearer than a Map lookup). */
const STRIKE_KEYS = new Map<number, string>();

/** First index `i` in `[0, n)` with `pred(i)` true, for a predicate false…false true…true; `n` if none. */
function lowerBound(n: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The range set `R_L = {c : |K̂_c − L| ≤ FUEL_STRIKE_RANGE}` as a half-open index run `[start, end)` of the sorted
 * book (contiguous because the placed strike leads the order and `K̂ − L` is monotone in `K̂`).
 *
 * @example
 * ```ts
 * const [start, end] = rangeRun(book, 6005, 75);
 * ```
 */
export function rangeRun(book: GammaBook, level: number, range: number): [number, number] {
  const k = book.placedStrike;
  const n = k.length;
  const start = lowerBound(n, (i) => (k[i] as number) - level >= -range);
  const end = lowerBound(n, (i) => (k[i] as number) - level > range);
  return [start, Math.max(start, end)];
}

/** Wall candidate selection of §4.5: largest G, ties nearest to L, then the lower strike. */
function better(g: number, strike: number, bestG: number, bestStrike: number, level: number): boolean {
  if (g !== bestG) return g > bestG;
  const d = Math.abs(strike - level);
  const bestD = Math.abs(bestStrike - level);
  if (d !== bestD) return d < bestD;
  return strike < bestStrike;
}

function wall(strike: number, g: number, minGamma: number): GammaWall {
  return { strike, net_gamma: g, strength: g / minGamma };
}

/**
 * Per-level fuel aggregates of §4.5 at level `L`: `net_dealer_gamma`, `gamma_flow`, `gamma_by_strike`, `effect`,
 * `call_wall`, `put_wall` and `confidence`, every floating sum in the [D31] order of the book. An empty range set
 * (or `spot = null`) gives zeros, `NEUTRAL`, null walls, `{}` and confidence 0.
 *
 * Walls consider only placed strikes with at least one contract of the wall's right in range
 * (`G(K̂, C)` of a strike with puts only is an empty sum, never a wall).
 *
 * @example
 * ```ts
 * const fuel = fuelMetrics(book, 6005, DEFAULT_CONFIG); // fuel.effect === 'DAMPEN' in example F-1
 * ```
 */
export function fuelMetrics(book: GammaBook, level: number, config: GammaConfig): FuelMetrics {
  const [start, end] = rangeRun(book, level, config.FUEL_STRIKE_RANGE);
  const k = book.placedStrike;
  const dg = book.dealerGamma;
  const fg = book.flowGamma;
  let net = 0;
  let flow = 0;
  let volume = 0;
  const byStrike: Record<string, number> = {};
  let callStrike = 0;
  let callG = Number.NEGATIVE_INFINITY;
  let putStrike = 0;
  let putG = Number.NEGATIVE_INFINITY;
  let i = start;
  while (i < end) {
    const strike = k[i] as number;
    let strikeSum = 0;
    let cSum = 0;
    let pSum = 0;
    let hasC = false;
    let hasP = false;
    for (; i < end && k[i] === strike; i++) {
      const g = dg[i] as number;
      const c = book.contracts[i] as GammaContract;
      net += g;
      flow += fg[i] as number;
      volume += c.recentVolume;
      strikeSum += g;
      if (c.right === 'C') {
        cSum += g;
        hasC = true;
      } else {
        pSum += g;
        hasP = true;
      }
    }
    byStrike[strikeKey(strike)] = strikeSum + 0; // + 0: no negative zero in the payload
    if (hasC && strike >= level && better(cSum, strike, callG, callStrike, level)) {
      callG = cSum;
      callStrike = strike;
    }
    if (hasP && strike <= level && better(pSum, strike, putG, putStrike, level)) {
      putG = pSum;
      putStrike = strike;
    }
  }
  const thresh = config.FUEL_GAMMA_THRESH;
  const effect: FuelEffect = net < -thresh ? 'AMPLIFY' : net > thresh ? 'DAMPEN' : 'NEUTRAL';
  const minWall = config.WALL_MIN_GAMMA;
  return {
    effect,
    net_dealer_gamma: net,
    gamma_flow: flow,
    call_wall: callG >= minWall ? wall(callStrike, callG, minWall) : null,
    put_wall: putG >= minWall ? wall(putStrike, putG, minWall) : null,
    gamma_by_strike: byStrike,
    confidence: Math.min(1, volume / config.FUEL_CONF_SCALE),
  };
}

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
