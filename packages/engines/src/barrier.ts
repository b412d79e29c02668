/**
 * BarrierEngine — engines spec §2 (net-flow classification of the displayed liquidity that defends a level:
 * VACUUM, WALL, CONSUMED, ABSORPTION, WEAK, NEUTRAL; [D6]–[D9]).
 *
 * Pure, stateless between snaps and clock-free: "now" is the snap time `t` passed in. Depth-flow records are read
 * from MarketState's ring through a {@link DepthFlowView} (parallel columns addressed by a logical index range,
 * index `i` reading element `i % length`), the current book through a {@link BarrierBookView} (best-first
 * price/size columns per side plus populated counts). Per zone tick the engine sums the net change
 * `n_p = Σ (added − filled − pulled)` and the fills `f_p = Σ filled` over `(t − W_b, t]` (§0.2) and splits the
 * net loss into filled and pulled parts (step 3). Sums of contracts are exact integers; per-call scratch is
 * preallocated in the engine, and {@link BarrierEngine.evaluate} can write into a caller-owned result.
 *
 * @module
 */
import { type BarrierState, type Config, DEFAULT_CONFIG, type Direction } from '@spymaster/schemas';
import { firstAfter, isRingRange, secondsToNs } from './internal/ns';
import { type DepthFlowView, FLOW_SIDE_ASK, FLOW_SIDE_BID } from './ofi.js';

/** The parameters the BarrierEngine reads (spec §2 parameter table, plus `TICK_SIZE` and `BOOK_DEPTH` of §1). */
export type BarrierParams = Pick<
  Config,
  | 'W_b'
  | 'BARRIER_ZONE_TICKS'
  | 'R_vac'
  | 'R_wall'
  | 'F_thresh'
  | 'R_MAX'
  | 'WEAK_DEPTH_MIN'
  | 'BARRIER_CONF_SCALE'
  | 'TICK_SIZE'
  | 'BOOK_DEPTH'
>;

/**
 * The current book of MarketState (§1 `book()`) as columns per side: the first `bidCount` entries of
 * `bidPx`/`bidSz` are the populated bids, best (highest) first; the first `askCount` entries of `askPx`/`askSz`
 * the populated asks, best (lowest) first. Prices in pt (tick-aligned: `tick = round(price / TICK_SIZE)`), sizes
 * in contracts. An entry with size ≤ 0 inside the count is treated as empty. "No book yet" is passed as `null`.
 *
 * @example
 * ```ts
 * const book: BarrierBookView = {
 *   bidPx: [5000.25, 5000], bidSz: [150, 200], bidCount: 2,
 *   askPx: [5000.5], askSz: [80], askCount: 1,
 * };
 * ```
 */
export interface BarrierBookView {
  /** Bid prices, pt, best (highest) first. */
  readonly bidPx: ArrayLike<number>;
  /** Bid sizes, contracts, parallel to `bidPx`. */
  readonly bidSz: ArrayLike<number>;
  /** Number of populated bid entries (≤ `BOOK_DEPTH`, ≤ the column lengths). */
  readonly bidCount: number;
  /** Ask prices, pt, best (lowest) first. */
  readonly askPx: ArrayLike<number>;
  /** Ask sizes, contracts, parallel to `askPx`. */
  readonly askSz: ArrayLike<number>;
  /** Number of populated ask entries (≤ `BOOK_DEPTH`, ≤ the column lengths). */
  readonly askCount: number;
}

/** Best defending level of {@link BarrierMetrics}: `{price: null, size: 0}` when the side is empty. */
export interface DefendingQuote {
  /** Price of the best populated defending level, pt, or null. */
  price: number | null;
  /** Its size, contracts (0 when empty). */
  size: number;
}

/**
 * Output of the BarrierEngine (spec §2 `BarrierMetrics`), keys in payload order. The service adds
 * `delta_liq_smooth` and `replenishment_ratio_smooth` (§8) when it builds the payload.
 */
export interface BarrierMetrics {
  /** Barrier state, first matching row of the §2 decision table. */
  state: BarrierState;
  /** `Σ_p n_p = A − C − F`: net change of the zone's defending depth over the window, contracts. */
  delta_liq: number;
  /** `R ∈ [0, R_MAX]` (step 4). */
  replenishment_ratio: number;
  /** Net added `A`, contracts. */
  added: number;
  /** Net loss not explained by fills `C`, contracts. */
  canceled: number;
  /** Net loss explained by fills `F`, contracts. */
  filled: number;
  /** `A + C + F = Σ_p |n_p|`, contracts. */
  churn: number;
  /** Σ sizes of populated defending levels in the zone (0 if not visible), contracts. */
  depth_in_zone: number;
  /** The level lies inside the visible defending book (step 5, [D8]). */
  zone_visible: boolean;
  /** Best populated defending level. */
  defending_quote: DefendingQuote;
  /** Largest defending queue in the zone / median populated size of both sides (step 8, [D9]). */
  wall_ratio: number;
  /** `min(1, churn / BARRIER_CONF_SCALE)`. */
  confidence: number;
}

/**
 * A fresh {@link BarrierMetrics} equal to the "no book, no flow" result (NEUTRAL, all zero, `{null, 0}`).
 *
 * @example
 * ```ts
 * const out = createBarrierMetrics();
 * barrier.evaluate(flow, 0, n, book, t, 4999.5, 'DOWN', out);
 * ```
 */
export function createBarrierMetrics(): BarrierMetrics {
  return {
    state: 'NEUTRAL',
    delta_liq: 0,
    replenishment_ratio: 0,
    added: 0,
    canceled: 0,
    filled: 0,
    churn: 0,
    depth_in_zone: 0,
    zone_visible: false,
    defending_quote: { price: null, size: 0 },
    wall_ratio: 0,
    confidence: 0,
  };
}

/**
 * The §2 decision table (step 9), first matching row wins, as a function of the net components `A`, `C`, `F`
 * and the visibility inputs only (property 4). `delta_liq = A − C − F`, `churn = A + C + F`, `R` per step 4.
 *
 * @example
 * ```ts
 * barrierState(20, 250, 0, 220, true); // 'VACUUM' (example B-1)
 * barrierState(0, 50, 210, 190, true); // 'CONSUMED' (example B-2)
 * ```
 */
export function barrierState(
  added: number,
  canceled: number,
  filled: number,
  depthInZone: number,
  zoneVisible: boolean,
  params: BarrierParams = DEFAULT_CONFIG,
): BarrierState {
  const deltaLiq = added - canceled - filled;
  const churn = added + canceled + filled;
  const r = replenishmentRatio(added, canceled, filled, params.R_MAX);
  const fThresh = params.F_thresh;
  if (deltaLiq < -fThresh && r < params.R_vac && canceled >= filled) return 'VACUUM';
  if (deltaLiq > fThresh && r > params.R_wall) return 'WALL';
  if (deltaLiq < -fThresh && filled > canceled) return 'CONSUMED';
  if (deltaLiq > 0) return 'ABSORPTION';
  if (zoneVisible && depthInZone < params.WEAK_DEPTH_MIN) return 'WEAK';
  if (Math.abs(deltaLiq) < fThresh / 2 && churn > fThresh) return 'ABSORPTION';
  return 'NEUTRAL';
}

/**
 * Replenishment ratio of step 4 **[D6]**: `min(R_MAX, A / (C + F))` if `C + F > 0`; else `R_MAX` if `A > 0`;
 * else 0.
 *
 * @example
 * ```ts
 * replenishmentRatio(260, 30, 0, 10); // 8.666…
 * replenishmentRatio(90, 0, 0, 10); // 10
 * ```
 */
export function replenishmentRatio(added: number, canceled: number, filled: number, rMax: number): number {
  const loss = canceled + filled;
  if (loss > 0) return Math.min(rMax, added / loss);
  return added > 0 ? rMax : 0;
}

/** Why a {@link BarrierError} was thrown. */
export type BarrierErrorReason = 'invalid_range' | 'non_finite_level' | 'invalid_book';

/** Invalid input to the BarrierEngine (a bad index range, a non-finite level or an inconsistent book view). */
export class BarrierError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/engines/BarrierError');
  /** What is wrong. */
  readonly reason: BarrierErrorReason;
  /** Start of the logical index range passed in. */
  readonly from: number;
  /** End (exclusive) of the logical index range passed in. */
  readonly to: number;
  /** Length of the flow view's columns. */
  readonly capacity: number;
  /** The level price passed in. */
  readonly level: number;
  constructor(reason: BarrierErrorReason, from: number, to: number, capacity: number, level: number) {
    super(
      reason === 'invalid_range'
        ? `BarrierEngine depth-flow range [${from}, ${to}) is invalid for columns of length ${capacity}; pass integers with 0 ≤ from ≤ to ≤ from + length and equal-length columns`
        : reason === 'non_finite_level'
          ? `BarrierEngine level price ${level} is not finite; pass a finite level in pt`
          : 'BarrierEngine book view is inconsistent; bidCount/askCount must be integers in [0, column length] with equal-length price and size columns',
    );
    this.name = 'BarrierError';
    this.reason = reason;
    this.from = from;
    this.to = to;
    this.capacity = capacity;
    this.level = level;
  }
  /** True for a `BarrierError` from any copy of this package. */
  static is(error: unknown): error is BarrierError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { constructor?: { brand?: unknown } }).constructor?.brand === BarrierError.brand
    );
  }
}

/** @throws {BarrierError} for a non-finite level or an inconsistent book view (range fields for the message). */
function checkLevelAndBook(level: number, book: BarrierBookView | null, from: number, to: number, cap: number): void {
  if (!Number.isFinite(level)) throw new BarrierError('non_finite_level', from, to, cap, level);
  if (
    book !== null &&
    (!validCount(book.bidCount, book.bidPx, book.bidSz) || !validCount(book.askCount, book.askPx, book.askSz))
  ) {
    throw new BarrierError('invalid_book', from, to, cap, level);
  }
}

/** Insert a populated size `q` (> 0) into the ascending prefix `s[0, n)`; returns the new length. */
function insertSorted(s: Float64Array, n: number, q: number): number {
  if (!(q > 0)) return n;
  let i = n;
  while (i > 0 && (s[i - 1] ?? 0) > q) {
    s[i] = s[i - 1] ?? 0;
    i--;
  }
  s[i] = q;
  return n + 1;
}

function validCount(count: number, px: ArrayLike<number>, sz: ArrayLike<number>): boolean {
  return Number.isSafeInteger(count) && count >= 0 && count <= px.length && px.length === sz.length;
}

/**
 * Sliding sums over the barrier window `(t − W_b, t]` that a state holder keeps up to date record by record — the
 * per-tick sums {@link BarrierEngine.evaluate} scans the depth flow for. `MarketState.windowSums()` provides them.
 */
export interface BarrierWindowSums {
  /** Net change `added − filled − pulled` at price tick `tick` on `side` (+1 bid, −1 ask). */
  netAt(side: number, tick: number): number;
  /** Contracts filled at price tick `tick` on `side` (+1 bid, −1 ask). */
  fillAt(side: number, tick: number): number;
}

/**
 * The BarrierEngine of spec §2. Stateless between snaps; holds its parameters and preallocated scratch (per-tick
 * sums of the zone and the sizes for the median of step 8).
 *
 * @example
 * ```ts
 * const barrier = new BarrierEngine();
 * const m = barrier.evaluate(flow, 0, flow.ts.length, book, T0 + 5_000_000_000n, 4999.5, 'DOWN');
 * m.state; // 'VACUUM' (example B-1)
 * ```
 */
export class BarrierEngine {
  /** The parameters in use. */
  readonly params: BarrierParams;
  private readonly wbNs: bigint;
  private readonly z: number;
  /** Per-tick `n_p` and `f_p` of the zone, indexed by `tick − base`. */
  private readonly net: Float64Array;
  private readonly fill: Float64Array;
  /** Sizes of all populated levels (both sides) for the median. */
  private sizes: Float64Array;

  /** @param params §2 parameters plus `TICK_SIZE` and `BOOK_DEPTH` (default {@link DEFAULT_CONFIG}). */
  constructor(params: BarrierParams = DEFAULT_CONFIG) {
    this.params = params;
    this.wbNs = secondsToNs(params.W_b);
    this.z = params.BARRIER_ZONE_TICKS * params.TICK_SIZE;
    // The zone [L − z, L + z] holds at most 2·ZONE_TICKS + 1 ticks; two extra slots per end absorb rounding.
    const slots = 2 * params.BARRIER_ZONE_TICKS + 5;
    this.net = new Float64Array(slots);
    this.fill = new Float64Array(slots);
    this.sizes = new Float64Array(2 * params.BOOK_DEPTH);
  }

  /**
   * BarrierMetrics of level `level` (pt) at snap time `t` (ns) from the depth-flow records at logical indices
   * `[from, to)` of `flow` (non-decreasing `ts`) and the current `book` (`null` = no book yet). `direction`
   * selects the defending side: `'UP'` (RESISTANCE) ⇒ asks, `'DOWN'` (SUPPORT) ⇒ bids. Records outside
   * `(t − W_b, t]` are skipped — records after `t` are ignored (causality, §0.6) — so the range must cover every
   * record of the window.
   *
   * @param out optional result to overwrite (no allocation); a fresh one otherwise.
   * @throws {BarrierError} for an invalid range, a non-finite level or an inconsistent book view.
   */
  evaluate(
    flow: DepthFlowView,
    from: number,
    to: number,
    book: BarrierBookView | null,
    t: bigint,
    level: number,
    direction: Direction,
    out: BarrierMetrics = createBarrierMetrics(),
  ): BarrierMetrics {
    const cap = flow.ts.length;
    if (
      !isRingRange(from, to, cap) ||
      flow.side.length !== cap ||
      flow.tick.length !== cap ||
      flow.added.length !== cap ||
      flow.filled.length !== cap ||
      flow.pulled.length !== cap
    ) {
      throw new BarrierError('invalid_range', from, to, cap, level);
    }
    checkLevelAndBook(level, book, from, to, cap);

    const p = this.params;
    const tickSize = p.TICK_SIZE;
    const lo = level - this.z;
    const hi = level + this.z;
    const bidSide = direction === 'DOWN';
    const sideCode = bidSide ? FLOW_SIDE_BID : FLOW_SIDE_ASK;

    // Steps 2–3: per-tick net change and fills over (t − W_b, t].
    const net = this.net;
    const fill = this.fill;
    net.fill(0);
    fill.fill(0);
    const base = Math.floor(lo / tickSize) - 2;
    const slots = net.length;
    const end = firstAfter(flow.ts, from, to, t);
    for (let i = firstAfter(flow.ts, from, end, t - this.wbNs); i < end; i++) {
      const j = i % cap;
      if ((flow.side[j] ?? 0) !== sideCode) continue;
      const tick = flow.tick[j] ?? 0;
      const price = tick * tickSize;
      if (!(lo <= price && price <= hi)) continue;
      const k = tick - base;
      if (k < 0 || k >= slots) continue; // unreachable for prices inside the zone
      const filled = flow.filled[j] ?? 0;
      net[k] = (net[k] ?? 0) + (flow.added[j] ?? 0) - filled - (flow.pulled[j] ?? 0);
      fill[k] = (fill[k] ?? 0) + filled;
    }
    return this.#finish(book, level, bidSide, lo, hi, out);
  }

  /**
   * {@link evaluate} from sliding sums kept at the snap time `t` (`MarketState.windowSums()`): the per-tick net
   * change and fills of the defending side over `(t − W_b, t]` are read from the sums instead of scanned. Same
   * values: both add the same integer contract counts.
   */
  evaluateSums(
    sums: BarrierWindowSums,
    book: BarrierBookView | null,
    level: number,
    direction: Direction,
    out: BarrierMetrics = createBarrierMetrics(),
  ): BarrierMetrics {
    checkLevelAndBook(level, book, 0, 0, 0);
    const tickSize = this.params.TICK_SIZE;
    const lo = level - this.z;
    const hi = level + this.z;
    const bidSide = direction === 'DOWN';
    const sideCode = bidSide ? FLOW_SIDE_BID : FLOW_SIDE_ASK;
    const net = this.net;
    const fill = this.fill;
    const base = Math.floor(lo / tickSize) - 2;
    for (let k = 0; k < net.length; k++) {
      const tick = base + k;
      const price = tick * tickSize;
      if (lo <= price && price <= hi) {
        net[k] = sums.netAt(sideCode, tick);
        fill[k] = sums.fillAt(sideCode, tick);
      } else {
        net[k] = 0;
        fill[k] = 0;
      }
    }
    return this.#finish(book, level, bidSide, lo, hi, out);
  }

  /** Steps 4–9 from the per-tick net change and fills in `net`/`fill`, and the current book. */
  #finish(
    book: BarrierBookView | null,
    level: number,
    bidSide: boolean,
    lo: number,
    hi: number,
    out: BarrierMetrics,
  ): BarrierMetrics {
    const p = this.params;
    const net = this.net;
    const fill = this.fill;
    const slots = net.length;
    let a = 0;
    let lossTotal = 0;
    let f = 0;
    for (let k = 0; k < slots; k++) {
      const n = net[k] ?? 0;
      if (n > 0) a += n;
      else if (n < 0) {
        lossTotal -= n;
        f += Math.min(-n, fill[k] ?? 0);
      }
    }
    const c = lossTotal - f;

    // Steps 5–8: visibility, zone depth, defending quote, wall ratio on the current book.
    let visible = false;
    let depth = 0;
    let bestPx: number | null = null;
    let bestSz = 0;
    let wallRatio = 0;
    if (book !== null) {
      const px = bidSide ? book.bidPx : book.askPx;
      const sz = bidSide ? book.bidSz : book.askSz;
      const count = bidSide ? book.bidCount : book.askCount;
      let populated = 0;
      let deepest = bidSide ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      let zoneMax = 0;
      for (let i = 0; i < count; i++) {
        const q = sz[i] ?? 0;
        if (!(q > 0)) continue;
        const price = px[i] ?? 0;
        populated++;
        if (bidSide ? price < deepest : price > deepest) deepest = price;
        if (bestPx === null || (bidSide ? price > bestPx : price < bestPx)) {
          bestPx = price;
          bestSz = q;
        }
        if (lo <= price && price <= hi) {
          depth += q;
          if (q > zoneMax) zoneMax = q;
        }
      }
      // §1.2 step 3 bounds: F^B / C^A are ∓∞ unless the side shows BOOK_DEPTH populated levels.
      const full = populated >= p.BOOK_DEPTH;
      visible = bidSide ? !full || deepest <= level : !full || deepest >= level;
      if (!visible) depth = 0;
      else if (zoneMax > 0) {
        const median = this.medianSize(book);
        if (median > 0) wallRatio = zoneMax / median;
      }
    }

    out.added = a;
    out.canceled = c;
    out.filled = f;
    out.delta_liq = a - c - f;
    out.churn = a + c + f;
    out.replenishment_ratio = replenishmentRatio(a, c, f, p.R_MAX);
    out.depth_in_zone = depth;
    out.zone_visible = visible;
    out.defending_quote.price = bestPx;
    out.defending_quote.size = bestSz;
    out.wall_ratio = wallRatio;
    out.state = barrierState(a, c, f, depth, visible, p);
    out.confidence = Math.min(1, out.churn / p.BARRIER_CONF_SCALE);
    return out;
  }

  /** Median size over all populated levels of both sides (mean of the middle two for an even count); 0 if none. */
  private medianSize(book: BarrierBookView): number {
    const need = book.bidCount + book.askCount;
    if (this.sizes.length < need) this.sizes = new Float64Array(need);
    const s = this.sizes;
    let n = 0;
    for (let i = 0; i < book.bidCount; i++) n = insertSorted(s, n, book.bidSz[i] ?? 0);
    for (let i = 0; i < book.askCount; i++) n = insertSorted(s, n, book.askSz[i] ?? 0);
    if (n === 0) return 0;
    const mid = n >>> 1;
    return n % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  }
}
