/**
 * TapeEngine — engines spec §3 (aggressive flow near a level: imbalance, OLS velocity, sweeps, confidence).
 *
 * Pure, stateless between snaps and clock-free: "now" is the snap time `t` passed in. The engine reads the
 * trades of MarketState's trade ring (§1) through a {@link TradeView} — parallel columns addressed by a logical
 * index range, wrapping modulo the column length — so a ring buffer hands over a view without copying.
 * `NONE` prints (implied or spread-leg fills) count for velocity only, never as aggressive flow **[D3]**.
 * {@link TapeEngine.evaluate} can write into a caller-owned {@link TapeMetrics}; the only per-call scratch is
 * preallocated in the engine.
 *
 * @module
 */
import { type Config, DEFAULT_CONFIG, type SweepDirection } from '@spymaster/schemas';
import { firstAfter, isRingRange, NS_PER_S, secondsToNs } from './internal/ns';

/** The parameters the TapeEngine reads (spec §3 parameter table). */
export type TapeParams = Pick<
  Config,
  | 'W_t'
  | 'TAPE_BAND'
  | 'W_v'
  | 'SWEEP_MAX_GAP_MS'
  | 'SWEEP_MIN_PRINTS'
  | 'SWEEP_MIN_DISTINCT_PRICES'
  | 'SWEEP_MIN_CONTRACTS'
  | 'FUT_MULTIPLIER'
  | 'TAPE_CONF_SCALE'
>;

/** Aggressor code of a BUY print (vendor side `B`). */
export const AGGRESSOR_BUY = 1;
/** Aggressor code of a SELL print (vendor side `A`). */
export const AGGRESSOR_SELL = -1;
/** Aggressor code of a NONE print (implied / spread-leg / auction fill, vendor side `N`). */
export const AGGRESSOR_NONE = 0;

/**
 * Futures trades as parallel columns (the layout of MarketState's trade ring, §1): element `j` of every column
 * is one print. All columns have the same length; a logical index `i` maps to element `i % length`, so a ring
 * buffer passes `(head, head + count)` and a plain array passes `(0, length)`.
 *
 * @example
 * ```ts
 * const view: TradeView = {
 *   ts: BigInt64Array.of(T0), price: Float64Array.of(5000), size: Float64Array.of(3), aggressor: Int8Array.of(1),
 * };
 * ```
 */
export interface TradeView {
  /** `ts_event_ns` of each print, ns since the Unix epoch. */
  readonly ts: ArrayLike<bigint>;
  /** Price of each print, pt. */
  readonly price: ArrayLike<number>;
  /** Size of each print, contracts (> 0). */
  readonly size: ArrayLike<number>;
  /** Vendor aggressor of each print: +1 BUY, −1 SELL, 0 NONE. */
  readonly aggressor: ArrayLike<number>;
}

/** Sweep block of {@link TapeMetrics} (spec §3 step 5); all fields zero / `NONE` when not detected. */
export interface TapeSweep {
  /** A qualifying cluster exists. */
  detected: boolean;
  /** `UP` for a BUY sweep, `DOWN` for a SELL sweep, `NONE` when not detected. */
  direction: SweepDirection;
  /** Σ price·size·FUT_MULTIPLIER of the reported cluster, USD. */
  notional: number;
  /** Prints in the reported cluster. */
  num_prints: number;
  /** `(ts_last − ts_first) / 10⁶` of the reported cluster, ms. */
  window_ms: number;
}

/**
 * Output of the TapeEngine (spec §3 `TapeMetrics`), keys in payload order. The service adds `velocity_smooth`
 * (§8) when it builds the payload.
 */
export interface TapeMetrics {
  /** `(buy_vol − sell_vol) / (buy_vol + sell_vol)`, 0 without aggressive volume; in [−1, 1]. */
  imbalance: number;
  /** Σ size of BUY prints near the level in `(t − W_t, t]`, contracts. */
  buy_vol: number;
  /** Σ size of SELL prints near the level in `(t − W_t, t]`, contracts. */
  sell_vol: number;
  /** OLS slope of price on time over all prints of `(t − W_v, t]`, pt/s. */
  velocity: number;
  /** Largest-notional sweep near the level. */
  sweep: TapeSweep;
  /** `min(1, (buy_vol + sell_vol) / TAPE_CONF_SCALE)`. */
  confidence: number;
}

/**
 * A fresh {@link TapeMetrics} with every field zero (no flow, no sweep), for use as a reusable result.
 *
 * @example
 * ```ts
 * const out = createTapeMetrics();
 * engine.evaluate(view, 0, n, 5000, t, out);
 * ```
 */
export function createTapeMetrics(): TapeMetrics {
  return {
    imbalance: 0,
    buy_vol: 0,
    sell_vol: 0,
    velocity: 0,
    sweep: { detected: false, direction: 'NONE', notional: 0, num_prints: 0, window_ms: 0 },
    confidence: 0,
  };
}

/** Why a {@link TapeError} was thrown. */
export type TapeErrorReason = 'invalid_range' | 'non_finite_level';

/** Invalid input to the TapeEngine (a bad index range or a non-finite level price). */
export class TapeError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/engines/TapeError');
  /** What is wrong. */
  readonly reason: TapeErrorReason;
  /** Start of the logical index range passed in. */
  readonly from: number;
  /** End (exclusive) of the logical index range passed in. */
  readonly to: number;
  /** Length of the view's columns. */
  readonly capacity: number;
  /** The level price passed in. */
  readonly level: number;
  constructor(reason: TapeErrorReason, from: number, to: number, capacity: number, level: number) {
    super(
      reason === 'invalid_range'
        ? `TapeEngine trade range [${from}, ${to}) is invalid for columns of length ${capacity}; pass integers with 0 ≤ from ≤ to ≤ from + length and equal-length columns`
        : `TapeEngine level price ${level} is not finite; pass a finite level in pt`,
    );
    this.name = 'TapeError';
    this.reason = reason;
    this.from = from;
    this.to = to;
    this.capacity = capacity;
    this.level = level;
  }
  /** True for a `TapeError` from any copy of this package. */
  static is(error: unknown): error is TapeError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { constructor?: { brand?: unknown } }).constructor?.brand === TapeError.brand
    );
  }
}
const NS_PER_MS = 1e6;

/** The level-independent part of a snap's tape metrics ({@link TapeEngine.window}). */
export interface TapeWindow {
  /** Logical index of the first print of `(t − W_t, t]`. */
  readonly start: number;
  /** Logical index after the last print of `(t − W_t, t]`. */
  readonly end: number;
  /** Lowest price of the window's aggressive (BUY/SELL) prints (+∞ without one). */
  readonly minPx: number;
  /** Highest price of the window's aggressive prints (−∞ without one). */
  readonly maxPx: number;
  /** Market-wide velocity at `t` ({@link TapeEngine.velocity}). */
  readonly velocity: number;
}

/**
 * The TapeEngine of spec §3. Stateless between snaps; holds its parameters and a small scratch buffer for the
 * distinct-price count of sweep clusters.
 *
 * @example
 * ```ts
 * const tape = new TapeEngine();
 * const m = tape.evaluate(view, 0, view.ts.length, 5000, T0 + 60_000_000_000n);
 * m.imbalance; // (buy_vol − sell_vol) / (buy_vol + sell_vol)
 * ```
 */
export class TapeEngine {
  /** The parameters in use. */
  readonly params: TapeParams;
  private readonly wtNs: bigint;
  private readonly wvNs: bigint;
  private readonly gapNs: bigint;
  private readonly distinct: Float64Array;

  /** @param params §3 parameters (default {@link DEFAULT_CONFIG}). */
  constructor(params: TapeParams = DEFAULT_CONFIG) {
    this.params = params;
    this.wtNs = secondsToNs(params.W_t);
    this.wvNs = secondsToNs(params.W_v);
    this.gapNs = BigInt(Math.round(params.SWEEP_MAX_GAP_MS * NS_PER_MS));
    this.distinct = new Float64Array(Math.max(1, params.SWEEP_MIN_DISTINCT_PRICES));
  }

  /**
   * TapeMetrics for level `level` at snap time `t` from the prints at logical indices `[from, to)` of `trades`
   * (canonical order, non-decreasing `ts`). The range may hold more than the windows: prints outside
   * `(t − W_t, t]` resp. `(t − W_v, t]` are skipped, and prints after `t` are ignored (causality, §0.6); it
   * must cover every print of `(t − max(W_t, W_v), t]`.
   *
   * @param out optional result to overwrite (no allocation); a fresh one otherwise.
   * @param velocity the market-wide velocity at `t` if already known ({@link TapeEngine.velocity} of the same prints and
   *   `t`; it does not depend on the level, so a snap computes it once for all its levels).
   * @throws {TapeError} for an invalid range or a non-finite level.
   */
  evaluate(
    trades: TradeView,
    from: number,
    to: number,
    level: number,
    t: bigint,
    out: TapeMetrics = createTapeMetrics(),
    velocity?: number,
  ): TapeMetrics {
    checkRange(trades, from, to, level);
    if (!Number.isFinite(level)) throw new TapeError('non_finite_level', from, to, trades.ts.length, level);
    const window = this.#window(trades, from, to, t, velocity ?? null);
    return this.#metrics(trades, window, level, out);
  }

  /**
   * The level-independent part of {@link evaluate} at `t`, computed once per snap: the prints of `(t − W_t, t]`,
   * the price range of its aggressive prints and the market-wide velocity. {@link TapeEngine.evaluateWindow} then gives each
   * level's metrics (the same values as {@link evaluate}); a level whose band holds none of those prices costs O(1).
   * @throws {TapeError} for an invalid range.
   *
   * @example
   * ```ts
   * const w = tape.window(view, from, to, t);
   * const m = tape.evaluateWindow(view, w, 5000);
   * ```
   */
  window(trades: TradeView, from: number, to: number, t: bigint): TapeWindow {
    checkRange(trades, from, to, 0);
    return this.#window(trades, from, to, t, null);
  }

  /**
   * {@link evaluate} for level `level` from a {@link TapeEngine.window} of the same `trades` (no print may be added between
   * the two calls).
   * @throws {TapeError} for a non-finite level.
   */
  evaluateWindow(
    trades: TradeView,
    window: TapeWindow,
    level: number,
    out: TapeMetrics = createTapeMetrics(),
  ): TapeMetrics {
    if (!Number.isFinite(level))
      throw new TapeError('non_finite_level', window.start, window.end, trades.ts.length, level);
    return this.#metrics(trades, window, level, out);
  }

  #window(trades: TradeView, from: number, to: number, t: bigint, velocity: number | null): TapeWindow {
    const { ts, price, aggressor } = trades;
    const cap = ts.length;
    // The prints of (t − W_t, t], found by binary search: the loops compare numbers only.
    const end = firstAfter(ts, from, to, t);
    const start = firstAfter(ts, from, end, t - this.wtNs);
    let minPx = Number.POSITIVE_INFINITY;
    let maxPx = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) {
      const j = i % cap;
      const side = aggressor[j] as number;
      if (side !== AGGRESSOR_BUY && side !== AGGRESSOR_SELL) continue;
      const px = price[j] as number;
      if (px < minPx) minPx = px;
      if (px > maxPx) maxPx = px;
      if (Number.isNaN(px)) {
        // A NaN price passes the band test (both comparisons false): never skip the scan then.
        minPx = Number.NEGATIVE_INFINITY;
        maxPx = Number.POSITIVE_INFINITY;
      }
    }
    return { start, end, minPx, maxPx, velocity: velocity ?? this.velocity(trades, from, end, t) };
  }

  #metrics(trades: TradeView, window: TapeWindow, level: number, out: TapeMetrics): TapeMetrics {
    const p = this.params;
    const { ts, price, size, aggressor } = trades;
    const cap = ts.length;
    const lo = level - p.TAPE_BAND;
    const hi = level + p.TAPE_BAND;
    const gapNs = this.gapNs;
    const distinct = this.distinct;
    const minDistinct = p.SWEEP_MIN_DISTINCT_PRICES;
    const mult = p.FUT_MULTIPLIER;
    const { start } = window;
    // No aggressive print of the window is in the band (px < lo or px > hi for all): the loop would skip them all.
    const end = window.maxPx < lo || window.minPx > hi ? start : window.end;

    let buyVol = 0;
    let sellVol = 0;

    // Current cluster (BUY/SELL prints near the level, canonical order).
    let cSide = 0;
    let cFirstTs = 0n;
    let cLastTs = 0n;
    let cPrints = 0;
    let cSize = 0;
    let cNotional = 0;
    let cDistinct = 0;

    // Best qualifying cluster.
    let bFound = false;
    let bSide = 0;
    let bNotional = 0;
    let bPrints = 0;
    let bWindowNs = 0n;

    const closeCluster = (): void => {
      if (
        cPrints >= p.SWEEP_MIN_PRINTS &&
        cDistinct >= minDistinct &&
        cSize >= p.SWEEP_MIN_CONTRACTS &&
        (!bFound || cNotional >= bNotional)
      ) {
        bFound = true;
        bSide = cSide;
        bNotional = cNotional;
        bPrints = cPrints;
        bWindowNs = cLastTs - cFirstTs;
      }
    };

    for (let i = start; i < end; i++) {
      const j = i % cap;
      const px = price[j] as number;
      if (px < lo || px > hi) continue;
      const side = aggressor[j] as number;
      if (side !== AGGRESSOR_BUY && side !== AGGRESSOR_SELL) continue;
      const ts_i = ts[j] as bigint;
      const sz = size[j] as number;
      if (side === AGGRESSOR_BUY) buyVol += sz;
      else sellVol += sz;

      if (cPrints > 0 && (side !== cSide || ts_i - cLastTs > gapNs)) {
        closeCluster();
        cPrints = 0;
      }
      if (cPrints === 0) {
        cSide = side;
        cFirstTs = ts_i;
        cSize = 0;
        cNotional = 0;
        cDistinct = 0;
      }
      cPrints++;
      cLastTs = ts_i;
      cSize += sz;
      cNotional += px * sz * mult;
      if (cDistinct < minDistinct) {
        let seen = false;
        for (let k = 0; k < cDistinct; k++) {
          if (distinct[k] === px) {
            seen = true;
            break;
          }
        }
        if (!seen) distinct[cDistinct++] = px;
      }
    }
    if (cPrints > 0) closeCluster();

    const total = buyVol + sellVol;
    out.imbalance = total > 0 ? (buyVol - sellVol) / total : 0;
    out.buy_vol = buyVol;
    out.sell_vol = sellVol;
    out.velocity = window.velocity;
    const sweep = out.sweep;
    sweep.detected = bFound;
    sweep.direction = bFound ? (bSide === AGGRESSOR_BUY ? 'UP' : 'DOWN') : 'NONE';
    sweep.notional = bFound ? bNotional : 0;
    sweep.num_prints = bFound ? bPrints : 0;
    sweep.window_ms = bFound ? Number(bWindowNs) / NS_PER_MS : 0;
    out.confidence = Math.min(1, total / p.TAPE_CONF_SCALE);
    return out;
  }

  /**
   * Market-wide tape velocity at `t` (§3, [D11]): the OLS slope of price on time over every print of
   * `(t − W_v, t]` among `[from, to)`, τ in seconds relative to the window's first print; 0 with fewer than two
   * prints or no spread in time. The same for every level: {@link evaluate} takes it precomputed.
   * @throws {TapeError} for an invalid range.
   */
  velocity(trades: TradeView, from: number, to: number, t: bigint): number {
    const cap = trades.ts.length;
    if (!isRingRange(from, to, cap) || trades.price.length !== cap) {
      throw new TapeError('invalid_range', from, to, cap, 0);
    }
    const { ts, price } = trades;
    const end = firstAfter(ts, from, to, t);
    const vFirst = firstAfter(ts, from, end, t - this.wvNs);
    const vn = end - vFirst;
    if (vn < 2) return 0;
    const vFirstTs = ts[vFirst % cap] as bigint;
    let sumTau = 0;
    let sumP = 0;
    for (let i = vFirst; i < end; i++) {
      const j = i % cap;
      sumTau += Number((ts[j] as bigint) - vFirstTs) / NS_PER_S;
      sumP += price[j] as number;
    }
    // Pass 2: OLS slope with τ relative to the first print of V.
    const tauMean = sumTau / vn;
    const pMean = sumP / vn;
    let num = 0;
    let den = 0;
    for (let i = vFirst; i < end; i++) {
      const j = i % cap;
      const dTau = Number((ts[j] as bigint) - vFirstTs) / NS_PER_S - tauMean;
      num += dTau * ((price[j] as number) - pMean);
      den += dTau * dTau;
    }
    if (!(den > 0)) return 0;
    const v = num / den;
    return Number.isFinite(v) ? v : 0;
  }
}

/** @throws {TapeError} `invalid_range` unless `[from, to)` is a ring range of the view's equal-length columns. */
function checkRange(trades: TradeView, from: number, to: number, level: number): void {
  const cap = trades.ts.length;
  if (
    !isRingRange(from, to, cap) ||
    trades.price.length !== cap ||
    trades.size.length !== cap ||
    trades.aggressor.length !== cap
  ) {
    throw new TapeError('invalid_range', from, to, cap, level);
  }
}

/**
 * One-shot {@link TapeEngine.evaluate} with the given parameters (allocates an engine and a result).
 *
 * @example
 * ```ts
 * const m = tapeMetrics(view, 0, view.ts.length, 5000, t);
 * ```
 */
export function tapeMetrics(
  trades: TradeView,
  from: number,
  to: number,
  level: number,
  t: bigint,
  params: TapeParams = DEFAULT_CONFIG,
): TapeMetrics {
  return new TapeEngine(params).evaluate(trades, from, to, level, t);
}
