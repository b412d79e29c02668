/**
 * The whole levels pipeline of parts C, D and E wired together: level universe → touch engine → labels.
 * {@link LevelsPipeline} takes one trade at a time; {@link runLevelsPipeline} takes an array. Both give the same
 * rows, episodes and labels.
 *
 * @module
 */
import { tradeDate, tradeDateWindow } from '@spymaster/schemas/time';
import { LEVELS_DEFAULTS, type LevelsConfig, type TradeInput } from './config.js';
import { LabelEngine, labelTouch, type RowLabels } from './labels.js';
import { LevelUniverse, type LevelUniverseOptions, levelsAtTrades } from './level-universe.js';
import { detectTouches, TouchEngine, type TouchEpisode, type TouchRow } from './touch.js';

/** What one step of {@link LevelsPipeline} produced. */
export interface PipelineStep {
  /** Rows anchored by this trade. */
  readonly rows: TouchRow[];
  /** Episodes closed by this step. */
  readonly episodes: TouchEpisode[];
  /** Rows whose labels became final at this step. */
  readonly labels: RowLabels[];
}

/**
 * Streaming pipeline: feed every futures trade in canonical order.
 *
 * @example
 * ```ts
 * const p = new LevelsPipeline();
 * for (const trade of trades) {
 *   const { rows, labels } = p.onTrade(trade);
 * }
 * const last = p.finish(); // closes the session and labels the rows still open
 * ```
 */
export class LevelsPipeline {
  /** The level universe. */
  readonly universe: LevelUniverse;
  /** The touch engine. */
  readonly touches: TouchEngine;
  /** The label engine. */
  readonly labels: LabelEngine;

  constructor(config: LevelsConfig = LEVELS_DEFAULTS, options: LevelUniverseOptions = {}) {
    this.universe = new LevelUniverse(config, options);
    this.touches = new TouchEngine(config);
    this.labels = new LabelEngine(config);
  }

  /**
   * One futures trade: non-front-month trades only move the clocks.
   *
   * @throws {LevelsError} `clock_regression` when the trade is before the clock.
   */
  onTrade(trade: TradeInput): PipelineStep {
    if (!this.universe.onTrade(trade)) {
      this.touches.advanceTo(trade.ts_event_ns);
      return { rows: [], episodes: this.touches.takeClosed(), labels: [] };
    }
    const labels = this.labels.onTrade(trade);
    const rows = this.touches.onTrade(trade, this.universe.levelsAt(trade.ts_event_ns));
    for (const row of rows) this.labels.open(row, trade.price);
    return { rows, episodes: this.touches.takeClosed(), labels };
  }

  /** End of input: close the current session's episodes and label every open row. */
  finish(): PipelineStep {
    this.touches.finish();
    return { rows: [], episodes: this.touches.takeClosed(), labels: this.labels.endOfData() };
  }
}

/** Result of {@link runLevelsPipeline}. */
export interface PipelineResult {
  /** Rows in anchor order. */
  readonly rows: TouchRow[];
  /** Every episode, in closing order. */
  readonly episodes: TouchEpisode[];
  /** Labels of every row, in row order. */
  readonly labels: RowLabels[];
}

/**
 * Batch pipeline over trades in canonical order (any number of trade dates): levels at every front-month trade,
 * touch detection, and labels of each row over the front-month trades of its trade date (coverage up to the
 * date's last trade).
 *
 * @example
 * ```ts
 * const { rows, labels } = runLevelsPipeline(trades);
 * ```
 */
export function runLevelsPipeline(
  trades: readonly TradeInput[],
  config: LevelsConfig = LEVELS_DEFAULTS,
  options: LevelUniverseOptions = {},
): PipelineResult {
  const fm = options.frontMonth ?? null;
  const front = fm === null ? trades : trades.filter((t) => t.symbol === fm(tradeDate(t.ts_event_ns)));
  const { rows, episodes, anchorIndex } = detectTouches(front, levelsAtTrades(front, config, options), config);
  // Index of the last front-month trade of each trade date (tradeDate only when a date window is left).
  const lastOf = new Int32Array(front.length);
  let end = -(2n ** 63n);
  let first = 0;
  for (let i = 0; i < front.length; i++) {
    const ts = (front[i] as TradeInput).ts_event_ns;
    if (ts >= end) {
      lastOf.fill(i - 1, first, i);
      first = i;
      end = tradeDateWindow(tradeDate(ts)).end;
    }
  }
  lastOf.fill(front.length - 1, first, front.length);
  const maxH = BigInt(Math.max(...config.LABEL_HORIZONS_MINUTES)) * 60_000_000_000n;
  const labels = rows.map((row, k) => {
    const i = anchorIndex[k] as number;
    const last = lastOf[i] as number;
    // The window of the longest horizon, within the row's trade date.
    let j = i;
    while (j < last && (front[j + 1] as TradeInput).ts_event_ns <= row.ts_ns + maxH) j++;
    return labelTouch(row, front.slice(i, j + 1), 0, (front[last] as TradeInput).ts_event_ns, config);
  });
  return { rows, episodes, labels };
}
