/**
 * Adapter from the streaming level universe to the engines' `LevelSource` hook (engines.md §9.3,
 * `new LevelSignalService(config, { levels })`). Typed structurally so this package does not depend on
 * `@spymaster/engines`: the returned function has the hook's exact shape.
 *
 * @module
 */
import type { LevelKind } from './config.js';
import type { LevelUniverse } from './level-universe.js';

/** One level as the engines' `LevelSource` returns it: kind and price (points). */
export interface SourceLevel {
  /** Level kind (also the level id). */
  readonly kind: LevelKind;
  /** Price, points. */
  readonly price: number;
}

/** The shape of the engines' `LevelSource`: called with the trade date and the event time. */
export type LevelSourceFn = (tradeDate: string, t: bigint) => readonly SourceLevel[];

/**
 * A `LevelSource` that publishes the universe's available levels at `t` (suppressed ones included: the streaming
 * payload publishes every available level, C.4.2). Feed the universe every front-month trade as well — before or
 * after handing the same event to the service: the service asks for times at most one event behind, which the
 * universe answers from its change log.
 *
 * @example
 * ```ts
 * const universe = new LevelUniverse(config);
 * const service = new LevelSignalService(config, { levels: levelSource(universe) });
 * for (const event of events) {
 *   if ('aggressor' in event && !('option_symbol' in event)) universe.onTrade(event);
 *   payloads.push(...service.ingest(event));
 * }
 * ```
 */
export function levelSource(universe: LevelUniverse): LevelSourceFn {
  return (_tradeDate, t) => universe.levelsAt(t).map((l) => ({ kind: l.level_kind_name, price: l.price }));
}
