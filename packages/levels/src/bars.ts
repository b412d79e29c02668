/**
 * OHLCV bars from trades (levels-pipeline-lake.md C.4.1): epoch-aligned buckets `s = floor(ts / dur) · dur`, a bar
 * only for a bucket with at least one trade (no forward fill, no empty bars), open = first trade in canonical
 * order, close = last. A bar is complete at `end_ns`: at time `t` only bars with `end_ns ≤ t` exist.
 *
 * {@link BarBuilder} is the streaming form (one trade at a time, bars out when complete); {@link buildBars} the
 * batch form. Both give the same bars. Prices are kept as given; callers filter insane prints first (the level
 * universe applies `PRICE_SANITY_MIN`/`MAX`).
 *
 * @module
 */
import { checkClock } from './errors.js';

/** One OHLCV bar (C.4.1). Field names are the spec's. */
export interface Bar {
  /** Bucket start, ns since the Unix epoch (a multiple of the bar length). */
  readonly start_ns: bigint;
  /** `start_ns + dur`: the bar is complete from this instant on. */
  readonly end_ns: bigint;
  /** First trade price of the bucket (canonical order). */
  readonly open: number;
  /** Highest trade price. */
  readonly high: number;
  /** Lowest trade price. */
  readonly low: number;
  /** Last trade price. */
  readonly close: number;
  /** Σ size, contracts. */
  readonly volume: number;
  /** Number of trades. */
  readonly trade_count: number;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * Start of the epoch-aligned bucket of `ts` for bars of `durNs` ns.
 *
 * @example
 * ```ts
 * bucketStart(1765895432000000000n, 120_000_000_000n); // 1765895400000000000n (09:30:32 → 09:30 bar)
 * ```
 */
export function bucketStart(ts: bigint, durNs: bigint): bigint {
  return floorDiv(ts, durNs) * durNs;
}

/**
 * Streaming bar builder for one bar length. Feed trades in canonical order with {@link BarBuilder.push}; a bar
 * comes out once time reaches its `end_ns` (from `push` of a later trade or from {@link BarBuilder.advanceTo}).
 *
 * @example
 * ```ts
 * const b = new BarBuilder(120_000_000_000n);
 * b.push(1765895400000000000n, 5004, 1); // [] (bar [09:30, 09:32) still open)
 * b.advanceTo(1765895520000000000n); // [{ start_ns: 1765895400000000000n, close: 5004, ... }]
 * ```
 */
export class BarBuilder {
  /** Bar length, ns. */
  readonly durNs: bigint;
  #clock = -(2n ** 63n);
  #start = 0n;
  #open = 0;
  #high = 0;
  #low = 0;
  #close = 0;
  #volume = 0;
  #count = 0;

  constructor(durNs: bigint) {
    if (durNs <= 0n) throw new RangeError(`BarBuilder: bar length must be positive, got ${durNs} ns`);
    this.durNs = durNs;
  }

  /** The clock: the largest time seen (ns). */
  get clock(): bigint {
    return this.#clock;
  }

  /** The bar still forming at the clock (its bucket has trades, `end_ns` not reached), or null. */
  get forming(): Bar | null {
    return this.#count === 0 ? null : this.#bar();
  }

  /**
   * Complete the forming bar if `t ≥ its end_ns`. Returns the completed bar or null.
   *
   * @throws {LevelsError} `clock_regression` when `t` is before the clock.
   */
  advanceTo(t: bigint): Bar | null {
    checkClock('BarBuilder', t, this.#clock);
    this.#clock = t;
    if (this.#count > 0 && t >= this.#start + this.durNs) {
      const bar = this.#bar();
      this.#count = 0;
      return bar;
    }
    return null;
  }

  /**
   * Add one trade (canonical order). Returns the bar this trade completed (the previous bucket's), or null.
   *
   * @throws {LevelsError} `clock_regression` when `ts` is before the clock.
   */
  push(ts: bigint, price: number, size: number): Bar | null {
    const done = this.advanceTo(ts);
    if (this.#count === 0) {
      this.#start = bucketStart(ts, this.durNs);
      this.#open = price;
      this.#high = price;
      this.#low = price;
      this.#volume = 0;
    } else {
      if (price > this.#high) this.#high = price;
      if (price < this.#low) this.#low = price;
    }
    this.#close = price;
    this.#volume += size;
    this.#count++;
    return done;
  }

  /** Forget every trade (the clock stays). */
  reset(): void {
    this.#count = 0;
  }

  #bar(): Bar {
    return {
      start_ns: this.#start,
      end_ns: this.#start + this.durNs,
      open: this.#open,
      high: this.#high,
      low: this.#low,
      close: this.#close,
      volume: this.#volume,
      trade_count: this.#count,
    };
  }
}

/** A trade as {@link buildBars} reads it. */
export interface BarTrade {
  /** ns since the Unix epoch. */
  readonly ts_event_ns: bigint;
  /** Price, points. */
  readonly price: number;
  /** Contracts. */
  readonly size: number;
}

/**
 * Batch bars of trades in canonical order: every bucket with a trade gives one bar, in time order. With `asOf`
 * only bars complete at that instant (`end_ns ≤ asOf`) are returned.
 *
 * @example
 * ```ts
 * buildBars([{ ts_event_ns: 0n, price: 5000, size: 2 }, { ts_event_ns: 61_000_000_000n, price: 5001, size: 1 }], 60_000_000_000n);
 * // two 1-minute bars
 * ```
 */
export function buildBars(trades: readonly BarTrade[], durNs: bigint, asOf?: bigint): Bar[] {
  const byStart = new Map<bigint, BarTrade[]>();
  for (const t of trades) {
    const s = bucketStart(t.ts_event_ns, durNs);
    let list = byStart.get(s);
    if (list === undefined) {
      list = [];
      byStart.set(s, list);
    }
    list.push(t);
  }
  const out: Bar[] = [];
  for (const [start, list] of [...byStart].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (asOf !== undefined && start + durNs > asOf) continue;
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    let volume = 0;
    for (const t of list) {
      high = Math.max(high, t.price);
      low = Math.min(low, t.price);
      volume += t.size;
    }
    out.push({
      start_ns: start,
      end_ns: start + durNs,
      open: (list[0] as BarTrade).price,
      high,
      low,
      close: (list[list.length - 1] as BarTrade).price,
      volume,
      trade_count: list.length,
    });
  }
  return out;
}
