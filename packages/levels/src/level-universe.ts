/**
 * LevelUniverse — levels-pipeline-lake.md C.4.2–C.4.3: the six level kinds, each existing only from the instant it
 * is causally known. PM_HIGH/PM_LOW from `etToNs(D, RTH_START)` (09:30), OR_HIGH/OR_LOW from the end of the
 * opening range (09:45), both frozen, absent when their window had no trade; SMA_200/SMA_400 from completed
 * 2-minute bars of the current contract, over trade date `D` and its `SMA_WARMUP_DAYS` most recent earlier trade
 * dates with trades, re-read at every query. Static duplicates (same cents as an available higher-priority static
 * level) are flagged `suppressed`.
 *
 * Streaming and clock-driven: feed trades in canonical order ({@link LevelUniverse.onTrade}); queries at `t` at or
 * after the last event advance the clock to `t` (the caller declares that every event with `ts ≤ t` was fed).
 * Queries at an earlier `t` of the last {@link HISTORY_DATES} trade dates are answered from a change log, exactly
 * as they were at `t` (levels change only at window ends, bar ends and trade-date boundaries). {@link levelsAtTrades} is
 * the batch form over an array of trades.
 *
 * @module
 */
import { dateToDayNumber, sessionWindows, tradeDate, tradeDateWindow } from '@spymaster/schemas/time';
import { BarBuilder } from './bars.js';
import {
  KIND_CODE,
  LEVELS_DEFAULTS,
  type LevelKind,
  type LevelsConfig,
  priceCents,
  secondsToNs,
  type TradeInput,
} from './config.js';
import { checkClock, LevelsError } from './errors.js';
import { SmaSeries } from './sma.js';

/** One available level at an instant (C.4.4 `levelsAt`). Field names are the spec's. */
export interface LevelSnapshot {
  /** Level id: the kind. */
  readonly level_id: LevelKind;
  /** Kind name. */
  readonly level_kind_name: LevelKind;
  /** Integer code of the kind (§0). */
  readonly level_kind: number;
  /** Level price, points (SMA: exact-tick mean, not rounded). */
  readonly price: number;
  /** Instant from which the level has been available without interruption, ns. */
  readonly available_from_ns: bigint;
  /** True for SMA levels (re-read at every evaluation). */
  readonly dynamic: boolean;
  /** Static level with the same cents as an available higher-priority static level (no Silver rows). */
  readonly suppressed: boolean;
  /** Always false here: only final values are published (provisional display values are not exposed). */
  readonly provisional: boolean;
}

/** Options of {@link LevelUniverse}. */
export interface LevelUniverseOptions {
  /**
   * Front month of a trade date (B.4.1), e.g. `frontMonth` of `@spymaster/replay`. When given, trades of any other
   * symbol are ignored and the SMA series starts afresh when the front month changes (at the trade-date
   * boundary). Without it every trade fed is taken as front month, and a trade whose `symbol` differs from the
   * previous trade's starts the series afresh (a contract roll).
   */
  readonly frontMonth?: (tradeDate: string) => string;
}

const NO_TS = -(2n ** 63n);
/** Trade dates (calendar, with or without trades) whose level history `levelsAt` keeps, the current one included. */
export const HISTORY_DATES = 8;
/** Gaps longer than this roll over straight to the new date (no records for the dates in between). */
const MAX_STEP_NS = BigInt(HISTORY_DATES) * 86_400n * 1_000_000_000n;

/** Per trade date: windows, static extremes and the SMA change log. */
interface DayRecord {
  readonly date: string;
  readonly day: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly pmStart: bigint;
  readonly pmEnd: bigint;
  readonly orStart: bigint;
  readonly orEnd: bigint;
  readonly contract: string | null;
  pmHigh: number;
  pmLow: number;
  orHigh: number;
  orLow: number;
  /** SMA change log: entry `i` holds from `from[i]` (inclusive) to `from[i + 1]`. */
  readonly from: bigint[];
  readonly fast: number[];
  readonly slow: number[];
  readonly fastSince: bigint[];
  readonly slowSince: bigint[];
}

function newRecord(date: string, config: LevelsConfig, contract: string | null): DayRecord {
  const w = sessionWindows(date, config);
  const td = tradeDateWindow(date);
  return {
    date,
    day: dateToDayNumber(date),
    start: td.start,
    end: td.end,
    pmStart: w.premarket.start,
    pmEnd: w.premarket.end,
    orStart: w.openingRange.start,
    orEnd: w.openingRange.end,
    contract,
    pmHigh: Number.NaN,
    pmLow: Number.NaN,
    orHigh: Number.NaN,
    orLow: Number.NaN,
    from: [],
    fast: [],
    slow: [],
    fastSince: [],
    slowSince: [],
  };
}

function snapshot(kind: LevelKind, price: number, from: bigint, suppressed: boolean): LevelSnapshot {
  return {
    level_id: kind,
    level_kind_name: kind,
    level_kind: KIND_CODE[kind],
    price,
    available_from_ns: from,
    dynamic: kind === 'SMA_200' || kind === 'SMA_400',
    suppressed,
    provisional: false,
  };
}

/** The snapshot list of one instant from static values and SMA values. */
function assemble(
  t: bigint,
  r: { pmEnd: bigint; orEnd: bigint; pmHigh: number; pmLow: number; orHigh: number; orLow: number },
  fast: number,
  fastSince: bigint,
  slow: number,
  slowSince: bigint,
): LevelSnapshot[] {
  const out: LevelSnapshot[] = [];
  const statics: [LevelKind, number, bigint][] = [];
  if (t >= r.pmEnd) statics.push(['PM_HIGH', r.pmHigh, r.pmEnd], ['PM_LOW', r.pmLow, r.pmEnd]);
  if (t >= r.orEnd) statics.push(['OR_HIGH', r.orHigh, r.orEnd], ['OR_LOW', r.orLow, r.orEnd]);
  const seen: number[] = [];
  for (const [kind, price, from] of statics) {
    if (Number.isNaN(price)) continue;
    const cents = priceCents(price);
    out.push(snapshot(kind, price, from, seen.includes(cents)));
    seen.push(cents);
  }
  if (!Number.isNaN(fast)) out.push(snapshot('SMA_200', fast, fastSince, false));
  if (!Number.isNaN(slow)) out.push(snapshot('SMA_400', slow, slowSince, false));
  return out;
}

function lastAtOrBefore(from: readonly bigint[], t: bigint): number {
  let lo = 0;
  let hi = from.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((from[mid] as bigint) <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

function inSane(config: LevelsConfig, price: number): boolean {
  return config.PRICE_SANITY_MIN <= price && price <= config.PRICE_SANITY_MAX;
}

/**
 * The streaming level universe of C.4.2–C.4.3.
 *
 * @example
 * ```ts
 * const u = new LevelUniverse();
 * for (const trade of trades) u.onTrade(trade); // canonical order, any number of trade dates
 * u.levelsAt(1765896300000000000n); // PM and OR levels of 2025-12-16 from 09:45 ET, SMA levels once warm
 * ```
 */
export class LevelUniverse {
  /** The parameters in use. */
  readonly config: LevelsConfig;
  readonly #frontMonth: ((tradeDate: string) => string) | null;
  readonly #bars: BarBuilder;
  readonly #series: SmaSeries;
  #clock = NO_TS;
  #barDay = 0;
  #contract: string | null = null;
  /** Distinct trade dates (day numbers) with front-month trades, ascending, at most `SMA_WARMUP_DAYS + 1`. */
  readonly #tradeDays: number[] = [];
  #minAllowedDay = Number.NEGATIVE_INFINITY;
  #fastSince = NO_TS;
  #slowSince = NO_TS;
  #current: DayRecord | null = null;
  /** Records of the last {@link HISTORY_DATES} trade dates, oldest first (the current one last). */
  readonly #records: DayRecord[] = [];
  #cache: {
    readonly record: DayRecord;
    readonly index: number;
    readonly pm: boolean;
    readonly or: boolean;
    readonly pmHigh: number;
    readonly pmLow: number;
    readonly orHigh: number;
    readonly orLow: number;
    readonly levels: readonly LevelSnapshot[];
  } | null = null;

  constructor(config: LevelsConfig = LEVELS_DEFAULTS, options: LevelUniverseOptions = {}) {
    if (config.SMA_FAST_PERIOD > config.SMA_SLOW_PERIOD) {
      throw new LevelsError('invalid_config', 'LevelUniverse: SMA_FAST_PERIOD must not exceed SMA_SLOW_PERIOD');
    }
    this.config = config;
    this.#frontMonth = options.frontMonth ?? null;
    this.#bars = new BarBuilder(secondsToNs(config.SMA_BAR_S));
    this.#series = new SmaSeries([config.SMA_FAST_PERIOD, config.SMA_SLOW_PERIOD], config.TICK_SIZE);
  }

  /** The clock: the time of the last event or query, ns (−2⁶³ before any). */
  get clock(): bigint {
    return this.#clock;
  }

  /** The trade date of the clock, or null before any event. */
  get tradeDate(): string | null {
    return this.#current?.date ?? null;
  }

  /** The completed 2-minute closes of the current series `S(D)`, oldest first (points). */
  smaCloses(): number[] {
    return this.#series.closes();
  }

  /**
   * Apply one futures trade (canonical order). Returns false when the trade is not front month (ignored).
   *
   * @throws {LevelsError} `clock_regression` when the trade is before the clock.
   */
  onTrade(trade: TradeInput): boolean {
    const ts = trade.ts_event_ns;
    this.advanceTo(ts);
    const r = this.#current as DayRecord;
    const symbol = trade.symbol ?? null;
    if (this.#frontMonth !== null) {
      if (symbol !== r.contract) return false;
    } else if (symbol !== null) {
      if (this.#contract !== null && symbol !== this.#contract) {
        this.#restartSeries();
        this.#logSma(ts);
      }
      this.#contract = symbol;
    }
    const days = this.#tradeDays;
    if (days[days.length - 1] !== r.day) {
      days.push(r.day);
      if (days.length > this.config.SMA_WARMUP_DAYS + 1) days.shift();
    }
    const price = trade.price;
    if (!inSane(this.config, price)) return true;
    this.#bars.push(ts, price, trade.size);
    this.#barDay = r.day;
    if (ts >= r.pmStart && ts < r.pmEnd) {
      r.pmHigh = Number.isNaN(r.pmHigh) ? price : Math.max(r.pmHigh, price);
      r.pmLow = Number.isNaN(r.pmLow) ? price : Math.min(r.pmLow, price);
    } else if (ts >= r.orStart && ts < r.orEnd) {
      r.orHigh = Number.isNaN(r.orHigh) ? price : Math.max(r.orHigh, price);
      r.orLow = Number.isNaN(r.orLow) ? price : Math.min(r.orLow, price);
    }
    return true;
  }

  /**
   * Move the clock to `t`: completes 2-minute bars with `end_ns ≤ t` and rolls over trade dates.
   *
   * @throws {LevelsError} `clock_regression` when `t` is before the clock.
   */
  advanceTo(t: bigint): void {
    checkClock('LevelUniverse', t, this.#clock);
    this.#clock = t;
    for (;;) {
      const cur = this.#current;
      const bar = this.#bars.forming;
      const barDue = bar !== null && bar.end_ns <= t;
      const rollDue = cur === null || cur.end <= t;
      if (barDue && (cur === null || bar.end_ns <= cur.end)) {
        const done = this.#bars.advanceTo(bar.end_ns);
        if (done !== null && this.#barDay >= this.#minAllowedDay) {
          this.#series.push(done.close, this.#barDay);
          this.#logSma(done.end_ns);
        }
      } else if (rollDue) {
        // One trade date at a time (each gets its record), straight to the date of t after long gaps.
        const next = cur === null || t - cur.end > MAX_STEP_NS ? tradeDate(t) : tradeDate(cur.end);
        this.#rollover(next);
      } else break;
    }
    this.#bars.advanceTo(t);
  }

  #rollover(date: string): void {
    const front = this.#frontMonth === null ? null : this.#frontMonth(date);
    const prev = this.#current;
    const r = newRecord(date, this.config, front);
    if (this.#frontMonth !== null && prev !== null && prev.contract !== front) this.#restartSeries();
    this.#current = r;
    this.#records.push(r);
    if (this.#records.length > HISTORY_DATES) this.#records.shift();
    // Warm-up: keep closes of D and of the SMA_WARMUP_DAYS most recent earlier dates with trades.
    const earlier = this.#tradeDays.filter((d) => d < r.day);
    const warm = this.config.SMA_WARMUP_DAYS;
    this.#minAllowedDay =
      warm > 0 && earlier.length > 0 ? (earlier[Math.max(0, earlier.length - warm)] as number) : r.day;
    this.#series.dropBefore(this.#minAllowedDay);
    this.#logSma(r.start);
  }

  #restartSeries(): void {
    this.#series.clear();
    this.#bars.reset();
    this.#tradeDays.length = 0;
    this.#minAllowedDay = Number.NEGATIVE_INFINITY;
  }

  /** Append the current SMA values to the change log at instant `c`. */
  #logSma(c: bigint): void {
    this.#cache = null;
    const r = this.#current as DayRecord;
    const fast = this.#series.mean(this.config.SMA_FAST_PERIOD);
    const slow = this.#series.mean(this.config.SMA_SLOW_PERIOD);
    if (Number.isNaN(fast)) this.#fastSince = NO_TS;
    else if (this.#fastSince === NO_TS) this.#fastSince = c;
    if (Number.isNaN(slow)) this.#slowSince = NO_TS;
    else if (this.#slowSince === NO_TS) this.#slowSince = c;
    const n = r.from.length;
    if (n > 0 && r.from[n - 1] === c) {
      r.from.pop();
      r.fast.pop();
      r.slow.pop();
      r.fastSince.pop();
      r.slowSince.pop();
    }
    r.from.push(c);
    r.fast.push(fast);
    r.slow.push(slow);
    r.fastSince.push(this.#fastSince);
    r.slowSince.push(this.#slowSince);
  }

  /**
   * `levelsAt(t)` (C.4.4): the levels available at `t`, in priority order. For `t` at or after the clock this
   * advances the clock to `t`; an earlier `t` of the last {@link HISTORY_DATES} trade dates is answered from the
   * log. The returned list is frozen and may be the same object as the previous answer while nothing changed.
   *
   * @throws {LevelsError} `history_evicted` for an earlier `t` outside the kept trade dates.
   */
  levelsAt(t: bigint): readonly LevelSnapshot[] {
    if (t >= this.#clock) this.advanceTo(t);
    let r = this.#current as DayRecord;
    if (t < r.start) {
      const p = this.#records.find((x) => t >= x.start && t < x.end);
      if (p === undefined) {
        throw new LevelsError(
          'history_evicted',
          `LevelUniverse: levels at ${t} ns are no longer kept (only the last ${HISTORY_DATES} trade dates); query in time order`,
          { ts_ns: t, clock_ns: this.#clock },
        );
      }
      r = p;
    }
    const i = lastAtOrBefore(r.from, t);
    // Levels change only with the log entry and the two availability instants: reuse the last answer.
    const c = this.#cache;
    const pm = t >= r.pmEnd;
    const or = t >= r.orEnd;
    if (c !== null && c.record === r && c.index === i && c.pm === pm && c.or === or && r === this.#current) {
      if (c.pmHigh === r.pmHigh && c.pmLow === r.pmLow && c.orHigh === r.orHigh && c.orLow === r.orLow) return c.levels;
    }
    const levels: readonly LevelSnapshot[] = Object.freeze(
      assemble(
        t,
        r,
        r.fast[i] ?? Number.NaN,
        r.fastSince[i] ?? NO_TS,
        r.slow[i] ?? Number.NaN,
        r.slowSince[i] ?? NO_TS,
      ),
    );
    this.#cache = {
      record: r,
      index: i,
      pm,
      or,
      pmHigh: r.pmHigh,
      pmLow: r.pmLow,
      orHigh: r.orHigh,
      orLow: r.orLow,
      levels,
    };
    return levels;
  }
}

/**
 * Batch form: the levels available at each trade of an array (canonical order), after that trade is applied —
 * exactly what {@link LevelUniverse.levelsAt} returns at the trade's time when the trades are streamed.
 *
 * @example
 * ```ts
 * const perTrade = levelsAtTrades(trades);
 * perTrade[i]; // LevelSnapshot[] at trades[i].ts_event_ns
 * ```
 */
export function levelsAtTrades(
  trades: readonly TradeInput[],
  config: LevelsConfig = LEVELS_DEFAULTS,
  options: LevelUniverseOptions = {},
): (readonly LevelSnapshot[])[] {
  const u = new LevelUniverse(config, options);
  return trades.map((t) => {
    u.onTrade(t);
    return u.levelsAt(t.ts_event_ns);
  });
}
