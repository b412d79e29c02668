/**
 * Parameters, level kinds and small shared types of the levels pipeline (levels-pipeline-lake.md §0, C.3, D.3,
 * E.3; spec README §5.1, §5.3, §5.4, §5.11).
 *
 * The defaults are repeated here (a test pins them to `DEFAULT_CONFIG` of `@spymaster/schemas`) so that this
 * package bundles without zod, like `@spymaster/schemas/time`. Any full `Config` can be passed wherever a
 * {@link LevelsConfig} is expected.
 *
 * @module
 */
import type { Config, LevelKind } from '@spymaster/schemas';
import { SESSION_TIME_DEFAULTS } from '@spymaster/schemas/time';

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
 * The spec defaults of {@link LevelsConfig} (equal to `DEFAULT_CONFIG`; a test pins them).
 *
 * @example
 * ```ts
 * LEVELS_DEFAULTS.MONITOR_BAND; // 5
 * const narrow: LevelsConfig = { ...LEVELS_DEFAULTS, TOUCH_BAND: 1 };
 * ```
 */
export const LEVELS_DEFAULTS: LevelsConfig = Object.freeze({
  ...SESSION_TIME_DEFAULTS,
  TICK_SIZE: 0.25,
  MINUTE_BAR_S: 60,
  SMA_BAR_S: 120,
  SMA_FAST_PERIOD: 200,
  SMA_SLOW_PERIOD: 400,
  SMA_WARMUP_DAYS: 3,
  PRICE_SANITY_MIN: 3000,
  PRICE_SANITY_MAX: 10000,
  ATR_WINDOW_MINUTES: 14,
  MONITOR_BAND: 5,
  TOUCH_BAND: 2,
  EXIT_DWELL_SECONDS: 60,
  TOUCH_CLUSTER_TIME_MINUTES: 15,
  TOUCH_CLUSTER_PRICE_BAND: 0.1,
  OUTCOME_THRESHOLD: 75,
  STRENGTH_THRESHOLD_1: 25,
  STRENGTH_THRESHOLD_2: 75,
  LOOKFORWARD_MINUTES: 8,
  LABEL_HORIZONS_MINUTES: Object.freeze([2, 4, 8] as const),
});

/** The six level kinds in priority order (PM_HIGH first). Same values as `LEVEL_KINDS` of `@spymaster/schemas`. */
export const KINDS: readonly LevelKind[] = Object.freeze([
  'PM_HIGH',
  'PM_LOW',
  'OR_HIGH',
  'OR_LOW',
  'SMA_200',
  'SMA_400',
]);

/** `level_kind` integer code of each kind (§0). Same values as `LEVEL_KIND_CODE` of `@spymaster/schemas`. */
export const KIND_CODE: Readonly<Record<LevelKind, number>> = Object.freeze({
  PM_HIGH: 0,
  PM_LOW: 1,
  OR_HIGH: 2,
  OR_LOW: 3,
  SMA_200: 6,
  SMA_400: 12,
});

/** Priority of each kind, 1 (highest) … 6 (§0): suppression order and the tie-break wherever levels sort. */
export const KIND_PRIORITY: Readonly<Record<LevelKind, number>> = Object.freeze({
  PM_HIGH: 1,
  PM_LOW: 2,
  OR_HIGH: 3,
  OR_LOW: 4,
  SMA_200: 5,
  SMA_400: 6,
});

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

/** Whole seconds (or fractional, rounded to the ns) to ns, exactly for integer seconds. */
export function secondsToNs(seconds: number): bigint {
  return Number.isInteger(seconds) ? BigInt(seconds) * 1_000_000_000n : BigInt(Math.round(seconds * 1e9));
}
