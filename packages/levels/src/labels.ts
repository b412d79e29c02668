/**
 * Outcome labels — levels-pipeline-lake.md E.4 (competing risks). For each touch row and horizon `h`, the window
 * `W_h` is the anchor trade and every later trade (canonical order) with `ts_event_ns ≤ t0 + h`; break progress
 * `b(p) = d·(p − L)`, bounce progress `r(p) = −d·(p − L)` with `L` frozen at `L(t0)`. BREAK / BOUNCE: which of
 * `b ≥ OUTCOME_THRESHOLD` / `r ≥ OUTCOME_THRESHOLD` came first; otherwise UNDEFINED when the window was not fully
 * observed (`coverage_end_ns < t0 + h`), else CHOP. Plus the times to the strength thresholds, excursions,
 * strength, confirmation time, anchor and future price: the 16 base fields of E.4.
 *
 * Labels look forward by definition and never feed a feature. {@link LabelEngine} computes them streaming (a
 * horizon is final once a later trade of the same trade date passes `t0 + h`, or when the trade date ends);
 * {@link labelTouch} is the batch form over an array. Both give the same values.
 *
 * @module
 */
import type { LabelClass } from '@spymaster/schemas';
import { tradeDate, tradeDateWindow } from '@spymaster/schemas/time';
import { LEVELS_DEFAULTS, type LevelsConfig, type TradeInput } from './config.js';
import { checkClock } from './errors.js';

/** The 16 label base fields of E.4 for one horizon. Field names are the spec's. */
export interface OutcomeLabel {
  /** BREAK | BOUNCE | CHOP | UNDEFINED. */
  readonly outcome: LabelClass;
  /** `max(0, max b(p))` over the window, points. */
  readonly excursion_max: number;
  /** `max(0, max r(p))` over the window, points. */
  readonly excursion_min: number;
  /** `excursion_max − excursion_min`. */
  readonly strength_signed: number;
  /** `max(excursion_max, excursion_min)`. */
  readonly strength_abs: number;
  /** `min(time_to_break_1, time_to_bounce_1)` over non-null values, seconds, or null. */
  readonly time_to_threshold_1: number | null;
  /** Same for threshold 2. */
  readonly time_to_threshold_2: number | null;
  /** Seconds from `t0` to the first trade with `b ≥ STRENGTH_THRESHOLD_1`, or null. */
  readonly time_to_break_1: number | null;
  /** Same with `STRENGTH_THRESHOLD_2`. */
  readonly time_to_break_2: number | null;
  /** Seconds from `t0` to the first trade with `r ≥ STRENGTH_THRESHOLD_1`, or null. */
  readonly time_to_bounce_1: number | null;
  /** Same with `STRENGTH_THRESHOLD_2`. */
  readonly time_to_bounce_2: number | null;
  /** 1 iff `time_to_threshold_1` is non-null. */
  readonly tradeable_1: 0 | 1;
  /** 1 iff `time_to_threshold_2` is non-null. */
  readonly tradeable_2: 0 | 1;
  /** `ts_event_ns` of the deciding barrier trade (BREAK/BOUNCE), else null. */
  readonly confirm_ts_ns: bigint | null;
  /** Anchor trade price. */
  readonly anchor_spot: number;
  /** Price of the last trade in the window. */
  readonly future_price: number;
}

/** The row fields labels read (a {@link TouchRow} fits). */
export interface LabelAnchor {
  /** Row id. */
  readonly event_id: string;
  /** Anchor time `t0`, ns. */
  readonly ts_ns: bigint;
  /** `L(t0)`, points. */
  readonly level_price: number;
  /** +1 UP, −1 DOWN. */
  readonly direction_sign: 1 | -1;
}

/** Labels of one row: one per horizon of `LABEL_HORIZONS_MINUTES`, and the primary (`LOOKFORWARD_MINUTES`) copy. */
export interface RowLabels {
  /** The row's `event_id`. */
  readonly event_id: string;
  /** Horizons in minutes, as configured (2, 4, 8). */
  readonly horizons_minutes: readonly number[];
  /** One label per horizon, same order. */
  readonly by_horizon: readonly OutcomeLabel[];
  /** The label of the `LOOKFORWARD_MINUTES` horizon (the unsuffixed columns). */
  readonly primary: OutcomeLabel;
}

const NS_PER_S = 1_000_000_000n;
const seconds = (dt: bigint): number => Number(dt) / 1e9;

/** Running state of one row over its forward path (all horizons share it; windows are nested). */
class Accumulator {
  readonly t0: bigint;
  readonly L: number;
  readonly d: number;
  readonly spot: number;
  tb1: number | null = null;
  tb2: number | null = null;
  tn1: number | null = null;
  tn2: number | null = null;
  breakTs: bigint | null = null;
  bounceTs: bigint | null = null;
  maxB = 0;
  maxR = 0;
  last: number;

  constructor(anchor: LabelAnchor, spot: number) {
    this.t0 = anchor.ts_ns;
    this.L = anchor.level_price;
    this.d = anchor.direction_sign;
    this.spot = spot;
    this.last = spot;
  }

  add(ts: bigint, p: number, c: LevelsConfig): void {
    const b = this.d * (p - this.L);
    const r = -b;
    const dt = seconds(ts - this.t0);
    if (b > this.maxB) this.maxB = b;
    if (r > this.maxR) this.maxR = r;
    if (this.tb1 === null && b >= c.STRENGTH_THRESHOLD_1) this.tb1 = dt;
    if (this.tb2 === null && b >= c.STRENGTH_THRESHOLD_2) this.tb2 = dt;
    if (this.tn1 === null && r >= c.STRENGTH_THRESHOLD_1) this.tn1 = dt;
    if (this.tn2 === null && r >= c.STRENGTH_THRESHOLD_2) this.tn2 = dt;
    if (this.breakTs === null && b >= c.OUTCOME_THRESHOLD) this.breakTs = ts;
    if (this.bounceTs === null && r >= c.OUTCOME_THRESHOLD) this.bounceTs = ts;
    this.last = p;
  }

  label(covered: boolean): OutcomeLabel {
    const min = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
    const t1 = min(this.tb1, this.tn1);
    const t2 = min(this.tb2, this.tn2);
    const B = this.breakTs;
    const N = this.bounceTs;
    let outcome: LabelClass;
    let confirm: bigint | null = null;
    if (B !== null && (N === null || B < N)) {
      outcome = 'BREAK';
      confirm = B;
    } else if (N !== null) {
      outcome = 'BOUNCE';
      confirm = N;
    } else outcome = covered ? 'CHOP' : 'UNDEFINED';
    return {
      outcome,
      excursion_max: this.maxB,
      excursion_min: this.maxR,
      strength_signed: this.maxB - this.maxR,
      strength_abs: Math.max(this.maxB, this.maxR),
      time_to_threshold_1: t1,
      time_to_threshold_2: t2,
      time_to_break_1: this.tb1,
      time_to_break_2: this.tb2,
      time_to_bounce_1: this.tn1,
      time_to_bounce_2: this.tn2,
      tradeable_1: t1 === null ? 0 : 1,
      tradeable_2: t2 === null ? 0 : 1,
      confirm_ts_ns: confirm,
      anchor_spot: this.spot,
      future_price: this.last,
    };
  }
}

function horizonsNs(c: LevelsConfig): bigint[] {
  return c.LABEL_HORIZONS_MINUTES.map((m) => BigInt(m) * 60n * NS_PER_S);
}

function rowLabels(anchor: LabelAnchor, labels: OutcomeLabel[], c: LevelsConfig): RowLabels {
  const k = c.LABEL_HORIZONS_MINUTES.indexOf(c.LOOKFORWARD_MINUTES as never);
  return {
    event_id: anchor.event_id,
    horizons_minutes: c.LABEL_HORIZONS_MINUTES,
    by_horizon: labels,
    primary: labels[k < 0 ? labels.length - 1 : k] as OutcomeLabel,
  };
}

/**
 * Batch labels of one row (E.4) over the front-month trades of its trade date in canonical order: the window of
 * each horizon starts at `trades[anchorIndex]` (the anchor trade). `coverageEndNs` defaults to the time of the
 * last trade of the array.
 *
 * @example
 * ```ts
 * const { primary } = labelTouch(row, trades, anchorIndex);
 * primary.outcome; // 'BREAK' | 'BOUNCE' | 'CHOP' | 'UNDEFINED'
 * ```
 */
export function labelTouch(
  anchor: LabelAnchor,
  trades: readonly TradeInput[],
  anchorIndex: number,
  coverageEndNs: bigint = trades[trades.length - 1]?.ts_event_ns ?? anchor.ts_ns,
  config: LevelsConfig = LEVELS_DEFAULTS,
): RowLabels {
  const first = trades[anchorIndex];
  if (first === undefined || first.ts_event_ns !== anchor.ts_ns) {
    throw new RangeError(`labelTouch: trades[${anchorIndex}] is not the anchor trade of ${anchor.event_id}`);
  }
  const labels = horizonsNs(config).map((h) => {
    const acc = new Accumulator(anchor, first.price);
    const end = anchor.ts_ns + h;
    for (let i = anchorIndex; i < trades.length; i++) {
      const t = trades[i] as TradeInput;
      if (t.ts_event_ns > end) break;
      acc.add(t.ts_event_ns, t.price, config);
    }
    return acc.label(coverageEndNs >= end);
  });
  return rowLabels(anchor, labels, config);
}

interface Pending {
  readonly anchor: LabelAnchor;
  readonly acc: Accumulator;
  readonly labels: OutcomeLabel[];
}

/**
 * Streaming labels: feed every front-month trade with {@link LabelEngine.onTrade}, then
 * {@link LabelEngine.open} the rows anchored by that trade; collect finished rows. A row is finished once every horizon is final: a trade of the same trade date
 * after `t0 + h`, or the end of the trade date ({@link LabelEngine.endOfData} at the end of the input).
 *
 * @example
 * ```ts
 * const labels = new LabelEngine();
 * for (const trade of trades) {
 *   const done = labels.onTrade(trade);
 *   for (const row of touches.onTrade(trade, universe.levelsAt(trade.ts_event_ns))) labels.open(row, trade.price);
 * }
 * const rest = labels.endOfData();
 * ```
 */
export class LabelEngine {
  /** The parameters in use. */
  readonly config: LevelsConfig;
  readonly #h: bigint[];
  #pending: Pending[] = [];
  #clock = -(2n ** 63n);
  #dateEnd = -(2n ** 63n);
  #lastTs: bigint | null = null;

  constructor(config: LevelsConfig = LEVELS_DEFAULTS) {
    this.config = config;
    this.#h = horizonsNs(config);
  }

  /** Rows still waiting for a horizon. */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Start labeling a row at its anchor trade (price `spot`): call it after {@link LabelEngine.onTrade} of the
   * anchor trade. The anchor is the first point of the path; every later trade fed extends it.
   */
  open(anchor: LabelAnchor, spot: number): void {
    const p: Pending = { anchor, acc: new Accumulator(anchor, spot), labels: [] };
    // The anchor trade itself is the first point of the path (b and r at the anchor).
    p.acc.add(anchor.ts_ns, spot, this.config);
    this.#pending.push(p);
  }

  /**
   * Feed one front-month trade (canonical order). Returns the rows finished by it (a horizon passed, or the
   * previous trade date ended).
   *
   * @throws {LevelsError} `clock_regression` when the trade is before the clock.
   */
  onTrade(trade: TradeInput): RowLabels[] {
    const ts = trade.ts_event_ns;
    checkClock('LabelEngine', ts, this.#clock);
    this.#clock = ts;
    const out: RowLabels[] = [];
    if (ts >= this.#dateEnd) {
      if (this.#lastTs !== null) out.push(...this.#endDate(this.#lastTs));
      const date = tradeDateWindow(tradeDate(ts));
      this.#dateEnd = date.end;
    }
    this.#lastTs = ts;
    const keep: Pending[] = [];
    for (const p of this.#pending) {
      // Horizons that end before this trade are final (full coverage: this trade is later, same trade date).
      while (p.labels.length < this.#h.length && ts > p.anchor.ts_ns + (this.#h[p.labels.length] as bigint)) {
        p.labels.push(p.acc.label(true));
      }
      if (p.labels.length === this.#h.length) {
        out.push(rowLabels(p.anchor, p.labels, this.config));
        continue;
      }
      keep.push(p);
    }
    this.#pending = keep;
    for (const p of this.#pending) p.acc.add(ts, trade.price, this.config);
    return out;
  }

  /** The input ended: finish every row with coverage up to the last trade fed. */
  endOfData(): RowLabels[] {
    return this.#lastTs === null ? [] : this.#endDate(this.#lastTs);
  }

  #endDate(coverageEnd: bigint): RowLabels[] {
    const out: RowLabels[] = [];
    for (const p of this.#pending) {
      while (p.labels.length < this.#h.length) {
        p.labels.push(p.acc.label(coverageEnd >= p.anchor.ts_ns + (this.#h[p.labels.length] as bigint)));
      }
      out.push(rowLabels(p.anchor, p.labels, this.config));
    }
    this.#pending = [];
    return out;
  }
}

/**
 * The 64 label columns of E.4-8 for a row: each base field with suffixes `_2min`, `_4min`, `_8min` (one per
 * configured horizon), plus the unsuffixed primary copy.
 *
 * @example
 * ```ts
 * labelColumns(rowLabels).outcome_8min === labelColumns(rowLabels).outcome; // true
 * ```
 */
export function labelColumns(labels: RowLabels): Record<string, string | number | bigint | null> {
  const out: Record<string, string | number | bigint | null> = {};
  labels.horizons_minutes.forEach((m, i) => {
    for (const [k, v] of Object.entries(labels.by_horizon[i] as OutcomeLabel)) out[`${k}_${m}min`] = v;
  });
  for (const [k, v] of Object.entries(labels.primary)) out[k] = v;
  return out;
}
