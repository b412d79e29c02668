/**
 * The whole levels pipeline of parts C, D and E wired together: level universe → touch engine → labels.
 * {@link LevelsPipeline} takes one trade at a time; {@link runLevelsPipeline} takes an array. Both give the same
 * rows, episodes and labels.
 *
 * @module
 */
import { tradeDate, tradeDateWindow } from '@spymaster/schemas/time';
import { LEVELS_DEFAULTS, type LevelsConfig, type TradeInput } from './config.js';
import { LevelsError } from './errors.js';
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

/**
 * Trades as columns, the way Apache Arrow (`table.getChild(name).toArray()`) or any columnar store hands them
 * out: parallel arrays of equal length in canonical order. `symbol` is optional (front-month filtering).
 */
export interface TradeColumns {
  /** `ts_event_ns` of each trade (e.g. the `BigInt64Array` of an Arrow int64 column). */
  readonly ts_event_ns: ArrayLike<bigint>;
  /** Trade prices, points. */
  readonly price: ArrayLike<number>;
  /** Trade sizes, contracts. */
  readonly size: ArrayLike<number>;
  /** Contract of each trade, e.g. `ESH6`. */
  readonly symbol?: ArrayLike<string | null>;
}

/**
 * The trades of columnar input as {@link TradeInput} rows, for {@link runLevelsPipeline} and the streaming
 * engines: batch over Arrow columns gives the same levels, touches and labels as the same trades one at a time.
 *
 * @throws {LevelsError} `invalid_columns` when the columns differ in length or hold a value of the wrong type
 *   (the message names the column and the row).
 *
 * @example
 * ```ts
 * const table = tableFromIPC(bytes); // Bronze futures.trades.v1
 * const { rows, labels } = runLevelsPipeline(
 *   tradesFromColumns({
 *     ts_event_ns: table.getChild('ts_event_ns')!.toArray(),
 *     price: table.getChild('price')!.toArray(),
 *     size: table.getChild('size')!.toArray(),
 *     symbol: table.getChild('symbol')!.toArray(),
 *   }),
 * );
 * ```
 */
export function tradesFromColumns(columns: TradeColumns): TradeInput[] {
  const n = columns.ts_event_ns.length;
  for (const [name, col] of Object.entries(columns) as [string, ArrayLike<unknown> | undefined][]) {
    if (col !== undefined && col.length !== n)
      throw new LevelsError('invalid_columns', `column ${name} has ${col.length} values, ts_event_ns has ${n}`);
  }
  const out: TradeInput[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const ts = columns.ts_event_ns[i];
    const price = columns.price[i];
    const size = columns.size[i];
    if (typeof ts !== 'bigint')
      throw new LevelsError('invalid_columns', `ts_event_ns[${i}] is ${typeof ts}, expected an int64 (bigint)`);
    if (typeof price !== 'number' || typeof size !== 'number')
      throw new LevelsError(
        'invalid_columns',
        `price[${i}] / size[${i}] must be numbers, got ${typeof price} / ${typeof size}`,
      );
    const symbol = columns.symbol?.[i];
    out[i] =
      symbol === undefined || symbol === null
        ? { ts_event_ns: ts, price, size }
        : { ts_event_ns: ts, price, size, symbol };
  }
  return out;
}
