/**
 * ContextEngine — levels-pipeline-lake.md C.4.4: the level universe plus the context around it. Timing of an
 * instant (A.4-6: minutes and 1-minute bars since the open, first 15 minutes, session phase), level proximity
 * (`nearbyLevels`), the ATR over completed 1-minute bars of the trade date, and the as-of spot.
 *
 * Event time only, clock-driven like its parts: feed canonical events in order; a query at `t` at or after the
 * last event advances the clock to `t`.
 *
 * @module
 */
import { type TimingContext, timingContext, tradeDate, tradeDateWindow } from '@spymaster/schemas/time';
import { type Bar, BarBuilder } from './bars.js';
import { KIND_PRIORITY, LEVELS_DEFAULTS, type LevelsConfig, secondsToNs, type TradeInput } from './config.js';
import { checkClock } from './errors.js';
import { type LevelSnapshot, LevelUniverse, type LevelUniverseOptions } from './level-universe.js';

/** One entry of {@link ContextEngine.nearbyLevels}. */
export interface NearbyLevel {
  /** The level (suppressed ones included, flagged). */
  readonly level: LevelSnapshot;
  /** `price − level.price`, points. */
  readonly distance_signed: number;
  /** `|distance_signed|`, points. */
  readonly abs_distance: number;
}

/** An event as {@link ContextEngine.onEvent} reads it: any canonical event; only futures trades change state. */
export interface ContextEvent {
  /** Event time, ns. */
  readonly ts_event_ns: bigint;
}

const NO_TS = -(2n ** 63n);

function isFuturesTrade(e: ContextEvent): e is ContextEvent & TradeInput {
  return 'aggressor' in e && 'price' in e && 'size' in e && !('option_symbol' in e);
}

/**
 * The ContextEngine of C.4.4.
 *
 * @example
 * ```ts
 * const ctx = new ContextEngine();
 * for (const event of events) ctx.onEvent(event);
 * ctx.timing(t); // { minutes_since_open, bars_since_open, is_first_15m, session_phase }
 * ctx.nearbyLevels(ctx.spotAt(t) ?? Number.NaN, t); // levels within MONITOR_BAND, nearest first
 * ctx.atr(t); // mean true range of the last 14 complete 1-minute bars of the trade date
 * ```
 */
export class ContextEngine {
  /** The parameters in use. */
  readonly config: LevelsConfig;
  /** The level universe (read-only use: feed events through the ContextEngine). */
  readonly universe: LevelUniverse;
  readonly #minute: BarBuilder;
  #clock = NO_TS;
  #dateEnd = NO_TS;
  #date: string | null = null;
  #bars: Bar[] = [];
  #spot: number | null = null;

  constructor(config: LevelsConfig = LEVELS_DEFAULTS, options: LevelUniverseOptions = {}) {
    this.config = config;
    this.universe = new LevelUniverse(config, options);
    this.#minute = new BarBuilder(secondsToNs(config.MINUTE_BAR_S));
  }

  /** `onEvent(event)`: a futures trade goes to {@link ContextEngine.onTrade}; other events only move the clock. */
  onEvent(event: ContextEvent): void {
    if (isFuturesTrade(event)) this.onTrade(event);
    else this.advanceTo(event.ts_event_ns);
  }

  /**
   * `onTrade(trade)`: advance bars, PM/OR accumulators and the clock (event time only).
   *
   * @throws {LevelsError} `clock_regression` when the trade is before the clock.
   */
  onTrade(trade: TradeInput): void {
    this.advanceTo(trade.ts_event_ns);
    if (!this.universe.onTrade(trade)) return;
    this.#spot = trade.price;
    const c = this.config;
    if (c.PRICE_SANITY_MIN <= trade.price && trade.price <= c.PRICE_SANITY_MAX) {
      this.#minute.push(trade.ts_event_ns, trade.price, trade.size);
    }
  }

  /**
   * Move the clock to `t` (completes bars, rolls the trade date).
   *
   * @throws {LevelsError} `clock_regression` when `t` is before the clock.
   */
  advanceTo(t: bigint): void {
    checkClock('ContextEngine', t, this.#clock);
    this.#clock = t;
    this.universe.advanceTo(t);
    const done = this.#minute.advanceTo(t);
    if (done !== null) this.#bars.push(done);
    if (t >= this.#dateEnd) {
      const date = tradeDate(t);
      this.#date = date;
      this.#dateEnd = tradeDateWindow(date).end;
      // Keep only bars of the new trade date (a bar never straddles the 18:00 ET boundary).
      const start = tradeDateWindow(date).start;
      this.#bars = this.#bars.filter((b) => b.start_ns >= start);
    }
  }

  /** `levelsAt(t)`: see {@link LevelUniverse.levelsAt}. */
  levelsAt(t: bigint): readonly LevelSnapshot[] {
    if (t >= this.#clock) this.advanceTo(t);
    return this.universe.levelsAt(t);
  }

  /** `timing(t)` (A.4-6) for the session date `tradeDate(t)`. Pure: does not move the clock. */
  timing(t: bigint): TimingContext {
    return timingContext(t, tradeDate(t), this.config);
  }

  /**
   * `nearbyLevels(price, t, band = MONITOR_BAND)`: the available levels at `t` with `|price − L| ≤ band`, sorted
   * by `abs_distance`, then priority.
   */
  nearbyLevels(price: number, t: bigint, band: number = this.config.MONITOR_BAND): NearbyLevel[] {
    const out: NearbyLevel[] = [];
    for (const level of this.levelsAt(t)) {
      if (level.provisional) continue;
      const d = price - level.price;
      if (Math.abs(d) <= band) out.push({ level, distance_signed: d, abs_distance: Math.abs(d) });
    }
    return out.sort(
      (a, b) =>
        a.abs_distance - b.abs_distance ||
        KIND_PRIORITY[a.level.level_kind_name] - KIND_PRIORITY[b.level.level_kind_name],
    );
  }

  /**
   * `atr(t)`: mean true range over the last `min(ATR_WINDOW_MINUTES, n)` complete 1-minute bars of the trade date
   * with `end_ns ≤ t`; `TR = max(high − low, |high − prev close|, |low − prev close|)` with the previous existing
   * bar of the day, `high − low` for the day's first bar. NaN without a complete bar. Advances the clock to `t`.
   */
  atr(t: bigint): number {
    this.advanceTo(t);
    const bars = this.#bars;
    const n = Math.min(this.config.ATR_WINDOW_MINUTES, bars.length);
    if (n === 0) return Number.NaN;
    let sum = 0;
    for (let i = bars.length - n; i < bars.length; i++) {
      const b = bars[i] as Bar;
      const prev = bars[i - 1];
      sum +=
        prev === undefined
          ? b.high - b.low
          : Math.max(b.high - b.low, Math.abs(b.high - prev.close), Math.abs(b.low - prev.close));
    }
    return sum / n;
  }

  /** `spotAt(t)`: price of the as-of front-month trade, or null before any. Advances the clock to `t`. */
  spotAt(t: bigint): number | null {
    this.advanceTo(t);
    return this.#spot;
  }

  /** Complete 1-minute bars of the clock's trade date, oldest first. */
  minuteBars(): readonly Bar[] {
    return this.#bars;
  }

  /** The trade date of the clock, or null before any event. */
  get tradeDate(): string | null {
    return this.#date;
  }
}
