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
import { normPdf, timeToExpiryYears } from './black76.js';

export { gammaAt, gammaFlip } from './gamma-flip.js';

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
  /** `recentVolume` of each contract (Σ sizes in `W_g`, for `confidence`). */
  readonly recentVolume: Float64Array;
  /** 1 for a call, 0 for a put. */
  readonly isCall: Uint8Array;
  /** `gamma_by_strike` key of each placed strike ({@link strikeKey}). */
  readonly strikeKeys: readonly string[];
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
 * A snap loop should keep one {@link GammaBookBuilder} instead: it gives the same books and sorts only when the
 * contract list changes.
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
  return new GammaBookBuilder().build(contracts, market, config);
}

/**
 * {@link buildGammaBook} for a sequence of snaps. The [D31] order depends only on each contract's placed strike,
 * right, underlying and symbol, so it is kept while the contract list (by position: symbol, underlying, strike,
 * right), the front month and the basis stay the same; per snap only `T`, Γ and the dealer gammas are computed.
 * Books it returned stay valid (each build allocates its own arrays). Contract objects are read as immutable: a
 * contract whose symbol, underlying, strike or right changes must be a new object (`N`, `σ` and the recent flow
 * are read afresh at every build).
 *
 * @example
 * ```ts
 * const builder = new GammaBookBuilder();
 * const book = builder.build(contracts, { t_ns, spot, frontMonth: 'ESH6', basis: null }, DEFAULT_CONFIG);
 * ```
 */
export class GammaBookBuilder {
  /**
   * By position, a contract object with the identity (symbol, underlying, strike, right) of the last sort: the
   * sorted object itself or a later one found equal to it.
   */
  #seen: GammaContract[] = [];
  #front: string | null = null;
  #basis: number | null = null;
  /** Input indices of the options on the front month in [D31] order (their order never depends on the basis). */
  #onFront: number[] = [];
  /** Input indices of the options on another underlying, in [D31] order at the basis of {@link #basis}. */
  #onOther: number[] = [];
  /** Input index of each sorted position of the included contracts. */
  #order = new Int32Array(0);
  #included = 0;
  #missing = false;
  /** `ln K` per input index (a pure function of the strike). */
  #lnK = new Float64Array(0);
  /** `gamma_by_strike` key per sorted position (placed strikes change only with the sort). */
  #keys: readonly string[] = [];

  /**
   * The book of `contracts` at `market` (same result as {@link buildGammaBook}).
   * @throws RangeError when two contracts share `underlying_contract` and `option_symbol`.
   */
  build(contracts: readonly GammaContract[], market: GammaMarket, config: GammaConfig): GammaBook {
    const spot = market.spot;
    if (spot === null) return emptyBook(contracts, market);
    if (!this.#sameContracts(contracts, market)) this.#sort(contracts, market);
    else if (!Object.is(market.basis, this.#basis)) this.#place(contracts, market);
    const n = this.#included;
    // One buffer for the book's eight columns: allocating typed arrays one by one dominated the build.
    const buffer = new ArrayBuffer(n * 8 * 7 + n);
    const column = (k: number): Float64Array => new Float64Array(buffer, k * n * 8, n);
    const placedStrike = column(0);
    const shiftArr = column(1);
    const T = column(2);
    const gamma = column(3);
    const dealer = column(4);
    const flow = column(5);
    const volume = column(6);
    const isCall = new Uint8Array(buffer, n * 8 * 7, n);
    const sorted: GammaContract[] = new Array(n);
    const mult = config.OPTION_MULTIPLIER;
    const r = config.RISK_FREE_RATE;
    const order = this.#order;
    const lnK = this.#lnK;
    // T, e^{−rT} and √T per expiry, ln F per shift: the contracts of a snap share one or two of each.
    let lastExp = -1n;
    let Tc = 0;
    let dr = 1;
    let sqrtT = 0;
    let lastShift = Number.NaN;
    let F = 0;
    let lnF = 0;
    for (let i = 0; i < n; i++) {
      const c = contracts[order[i] as number] as GammaContract;
      const shift = c.underlying_contract !== market.frontMonth ? (market.basis as number) : 0;
      if (c.expiration_ns !== lastExp) {
        lastExp = c.expiration_ns;
        Tc = timeToExpiryYears(c.expiration_ns, market.t_ns, config);
        dr = Math.exp(-r * Tc);
        sqrtT = Math.sqrt(Tc);
      }
      if (!Object.is(shift, lastShift)) {
        lastShift = shift;
        F = (spot as number) - shift;
        lnF = F > 0 ? Math.log(F) : 0;
      }
      const g = gammaOf(F, lnF, c.strike, lnK[order[i] as number] as number, Tc, dr, sqrtT, c.sigma);
      sorted[i] = c;
      placedStrike[i] = c.strike + shift;
      shiftArr[i] = shift;
      T[i] = Tc;
      gamma[i] = g;
      dealer[i] = dealerGamma(c.N, g, mult);
      flow[i] = dealerGamma(c.recentSigned, g, mult);
      volume[i] = c.recentVolume;
      isCall[i] = c.right === 'C' ? 1 : 0;
    }
    return {
      spot,
      optionsBasisMissing: this.#missing,
      contracts: sorted,
      placedStrike,
      shift: shiftArr,
      T,
      gamma,
      dealerGamma: dealer,
      flowGamma: flow,
      recentVolume: volume,
      isCall,
      strikeKeys: this.#keys,
    };
  }

  /** True when `contracts` are the ones of the last sort (same identities by position) and the front month is too. */
  #sameContracts(contracts: readonly GammaContract[], market: GammaMarket): boolean {
    const n = contracts.length;
    const seen = this.#seen;
    if (n !== seen.length || market.frontMonth !== this.#front) return false;
    for (let i = 0; i < n; i++) {
      const c = contracts[i] as GammaContract;
      const o = seen[i] as GammaContract;
      // The same (immutable) object as at the last check needs no field comparison.
      if (c === o) continue;
      if (
        c.option_symbol !== o.option_symbol ||
        c.underlying_contract !== o.underlying_contract ||
        c.strike !== o.strike ||
        c.right !== o.right
      )
        return false;
      seen[i] = c;
    }
    return true;
  }

  /** New contract list: split by underlying, sort the front-month options once, then place at the basis. */
  #sort(contracts: readonly GammaContract[], market: GammaMarket): void {
    this.#seen = contracts.slice();
    this.#front = market.frontMonth;
    this.#lnK = Float64Array.from(contracts, (c) => (c.strike > 0 ? Math.log(c.strike) : 0));
    const onFront: number[] = [];
    const onOther: number[] = [];
    for (let i = 0; i < contracts.length; i++)
      ((contracts[i] as GammaContract).underlying_contract === market.frontMonth ? onFront : onOther).push(i);
    onFront.sort((a, b) => compareAt(contracts, a, 0, b, 0));
    this.#onFront = onFront;
    this.#onOther = onOther;
    this.#basis = null;
    try {
      this.#place(contracts, market);
    } catch (error) {
      // Forget the identities: the next build must sort (and throw) again.
      this.#seen = [];
      throw error;
    }
  }

  /**
   * Place at `market.basis`: the options on the other underlying keep their order unless equal placed strikes
   * now tie differently (checked in one pass, re-sorted if so); the two sorted runs are merged. The [D31] order is
   * total over distinct contracts, so the result is the one sort of all included contracts.
   */
  #place(contracts: readonly GammaContract[], market: GammaMarket): void {
    const basis = market.basis;
    const other = basis === null ? [] : this.#onOther;
    const b = basis ?? 0;
    for (let k = 1; k < other.length; k++) {
      if (compareAt(contracts, other[k - 1] as number, b, other[k] as number, b) > 0) {
        other.sort((x, y) => compareAt(contracts, x, b, y, b));
        break;
      }
    }
    const front = this.#onFront;
    const n = front.length + other.length;
    const order = new Int32Array(n);
    const keys: string[] = new Array(n);
    let i = 0;
    let j = 0;
    for (let k = 0; k < n; k++) {
      const takeFront =
        j >= other.length ||
        (i < front.length && compareAt(contracts, front[i] as number, 0, other[j] as number, b) < 0);
      const index = takeFront ? (front[i++] as number) : (other[j++] as number);
      order[k] = index;
      keys[k] = strikeKey((contracts[index] as GammaContract).strike + (takeFront ? 0 : b));
    }
    for (let k = 1; k < n; k++) {
      const e = contracts[order[k] as number] as GammaContract;
      const prev = contracts[order[k - 1] as number] as GammaContract;
      if (prev.option_symbol === e.option_symbol && prev.underlying_contract === e.underlying_contract) {
        throw new RangeError(
          `buildGammaBook: contract ${e.underlying_contract}/${e.option_symbol} appears twice; merge its inventory first`,
        );
      }
    }
    this.#order = order;
    this.#keys = Object.freeze(keys);
    this.#included = n;
    this.#missing = basis === null && this.#onOther.length > 0;
    this.#basis = basis;
  }
}

/** [D31] comparison of input contracts `a` and `b` placed with shifts `sa` and `sb`. */
function compareAt(contracts: readonly GammaContract[], a: number, sa: number, b: number, sb: number): number {
  const x = contracts[a] as GammaContract;
  const y = contracts[b] as GammaContract;
  return compareContractOrder(
    x.strike + sa,
    x.right,
    x.underlying_contract,
    x.option_symbol,
    y.strike + sb,
    y.right,
    y.underlying_contract,
    y.option_symbol,
  );
}

/** The book of a snap without spot: nothing included; flags options on `Q` left out for a null basis. */
function emptyBook(contracts: readonly GammaContract[], market: GammaMarket): GammaBook {
  const none = new Float64Array(0);
  return {
    spot: null,
    optionsBasisMissing: market.basis === null && contracts.some((c) => c.underlying_contract !== market.frontMonth),
    contracts: [],
    placedStrike: none,
    shift: none,
    T: none,
    gamma: none,
    dealerGamma: none,
    flowGamma: none,
    recentVolume: none,
    isCall: new Uint8Array(0),
    strikeKeys: [],
  };
}

/**
 * `black76Gamma(F, K, T, σ, r)` from hoisted parts (`ln F`, `ln K`, `e^{−rT}`, `√T`): the same operations in the
 * same order, so bit-identical.
 */
function gammaOf(
  F: number,
  lnF: number,
  K: number,
  lnK: number,
  T: number,
  dr: number,
  sqrtT: number,
  sigma: number,
): number {
  if (!(T > 0 && sigma > 0 && F > 0 && K > 0)) return 0;
  const sst = sigma * sqrtT;
  const d1 = (lnF - lnK + (sigma * sigma * T) / 2) / sst;
  return (dr * normPdf(d1)) / (F * sigma * sqrtT);
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
  // Two binary searches written out (no predicate closures: fuelMetrics calls this for every level of every snap).
  const k = book.placedStrike;
  const n = k.length;
  let start = 0;
  let hi = n;
  while (start < hi) {
    const mid = (start + hi) >>> 1;
    if ((k[mid] as number) - level >= -range) hi = mid;
    else start = mid + 1;
  }
  // The end is searched from start on, so end ≥ start even for a negative range.
  let end = start;
  hi = n;
  while (end < hi) {
    const mid = (end + hi) >>> 1;
    if ((k[mid] as number) - level > range) hi = mid;
    else end = mid + 1;
  }
  return [start, end];
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
  const k = book.placedStrike;
  const [start, end] = rangeRun(book, level, config.FUEL_STRIKE_RANGE);
  const dg = book.dealerGamma;
  const fg = book.flowGamma;
  const vol = book.recentVolume;
  const isCall = book.isCall;
  const keys = book.strikeKeys;
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
    const key = keys[i] as string;
    let strikeSum = 0;
    let cSum = 0;
    let pSum = 0;
    let hasC = false;
    let hasP = false;
    for (; i < end && k[i] === strike; i++) {
      const g = dg[i] as number;
      net += g;
      flow += fg[i] as number;
      volume += vol[i] as number;
      strikeSum += g;
      if (isCall[i] === 1) {
        cSum += g;
        hasC = true;
      } else {
        pSum += g;
        hasP = true;
      }
    }
    byStrike[key] = strikeSum + 0; // + 0: no negative zero in the payload
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
