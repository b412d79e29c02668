/**
 * `@spymaster/levels`: the level pipeline of levels-pipeline-lake.md parts C, D and E — bars, the six price levels
 * with SMA warm-up, the ContextEngine, touch episodes and outcome labels. Pure, deterministic, causal and
 * browser-safe; session time (part A) comes from `@spymaster/schemas/time`. Each concern is also importable on
 * its own (`@spymaster/levels/bars`, `@spymaster/levels/level-universe`, ...).
 *
 * @example
 * ```ts
 * import { LevelUniverse } from '@spymaster/levels';
 * const universe = new LevelUniverse();
 * for (const trade of trades) universe.onTrade(trade);
 * universe.levelsAt(trades[trades.length - 1].ts_event_ns);
 * ```
 *
 * @packageDocumentation
 */
export * from './bars.js';
export * from './config.js';
export * from './context.js';
export * from './errors.js';
export * from './labels.js';
export * from './level-source.js';
export * from './level-universe.js';
export * from './pipeline.js';
export * from './sma.js';
export * from './touch.js';
