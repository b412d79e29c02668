/**
 * Parameters, level kinds and small shared types of the levels pipeline (levels-pipeline-lake.md §0, C.3, D.3,
 * E.3; spec README §5.1, §5.3, §5.4, §5.11).
 *
 * The defaults and kind tables are those of `@spymaster/schemas` (`DEFAULT_CONFIG`, `LEVEL_KINDS`, …), which are
 * plain data that bundle without zod. Any full `Config` can be passed wherever a {@link LevelsConfig} is expected.
 *
 * @module
 */
import {
  type Config,
  DEFAULT_CONFIG,
  LEVEL_KIND_CODE,
  LEVEL_KIND_PRIORITY,
  LEVEL_KINDS,
  type LevelKind,
} from '@spymaster/schemas';

export type { LevelKind } from '@spymaster/schemas';

/** The configuration parameters the levels pipeline reads (a subset of the spec's single parameter table). */
export type LevelsConfig = Pick<
  Config,
  | 'PREMARKET_START'
  | 'RTH_START'
  | 'OPENING_RANGE_MINUTES'
  | 'RTH_END'
  | 'FIRST_MINUTES'
  | 'TICK_SIZE'
  | 'MINUTE_BAR_S'
  | 'SMA_BAR_S'
  | 'SMA_FAST_PERIOD'
  | 'SMA_SLOW_PERIOD'
  | 'SMA_WARMUP_DAYS'
  | 'PRICE_SANITY_MIN'
  | 'PRICE_SANITY_MAX'
  | 'ATR_WINDOW_MINUTES'
  | 'MONITOR_BAND'
  | 'TOUCH_BAND'
  | 'EXIT_DWELL_SECONDS'
  | 'TOUCH_CLUSTER_TIME_MINUTES'
  | 'TOUCH_CLUSTER_PRICE_BAND'
  | 'OUTCOME_THRESHOLD'
  | 'STRENGTH_THRESHOLD_1'
  | 'STRENGTH_THRESHOLD_2'
  | 'LOOKFORWARD_MINUTES'
  | 'LABEL_HORIZONS_MINUTES'
>;

/**
 * The spec defaults of {@link LevelsConfig}: `DEFAULT_CONFIG` of `@spymaster/schemas`.
 *
 * @example
 * ```ts
 * LEVELS_DEFAULTS.MONITOR_BAND; // 5
 * const narrow: LevelsConfig = { ...LEVELS_DEFAULTS, TOUCH_BAND: 1 };
 * ```
 */
export const LEVELS_DEFAULTS: LevelsConfig = DEFAULT_CONFIG;

/** The six level kinds in priority order (PM_HIGH first): `LEVEL_KINDS` of `@spymaster/schemas`. */
export const KINDS: readonly LevelKind[] = LEVEL_KINDS;

/** `level_kind` integer code of each kind (§0): `LEVEL_KIND_CODE` of `@spymaster/schemas`. */
export const KIND_CODE: Readonly<Record<LevelKind, number>> = LEVEL_KIND_CODE;

/** Priority of each kind, 1 (highest) … 6 (§0): suppression order and the tie-break wherever levels sort. */
export const KIND_PRIORITY: Readonly<Record<LevelKind, number>> = LEVEL_KIND_PRIORITY;

/**
 * The cents key of a level price, `floor(L·100 + 0.5)` (`LEVEL_DEDUP_CENTS`, C.4.2; also the price part of a
 * touch event id, D.4-7).
 *
 * @example
 * ```ts
 * priceCents(5012.5); // 501250
 * ```
 */
export function priceCents(price: number): number {
  return Math.floor(price * 100 + 0.5);
}

/**
 * The trade fields the levels pipeline reads: a canonical `FuturesTrade` fits. `symbol` is needed only for the
 * front-month filter and contract-roll detection of the level universe (C.4.3).
 */
export interface TradeInput {
  /** Exchange event time, ns since the Unix epoch. */
  readonly ts_event_ns: bigint;
  /** Trade price, index points. */
  readonly price: number;
  /** Contracts. */
  readonly size: number;
  /** Contract, e.g. `ESH6`. */
  readonly symbol?: string;
}

/** Whole seconds (or fractional, rounded to the ns) to ns, exactly for integer seconds (`@spymaster/schemas/time`). */
export { secondsToNs } from '@spymaster/schemas/time';
