/**
 * `@spymaster/schemas`: the one source of truth for Spymaster's shapes and defaults.
 *
 * - canonical market events, instrument definitions, event ids and the canonical order (`./events`)
 * - every configuration parameter with its default, unit and allowed range (`./config`)
 * - the `levels.signals.v1` and `market.flow.v1` payloads (`./signals`) and the frontend frame (`./gateway`)
 * - lake tables: Bronze, Silver, Gold (`./lake`), with Arrow schemas from `@spymaster/schemas/arrow`
 * - fast validators for hot paths (`./fast`)
 *
 * Pure and browser-safe: no I/O, no clock, no randomness.
 *
 * @example
 * ```ts
 * import { defineConfig, FuturesTradeRecord } from '@spymaster/schemas';
 *
 * const config = defineConfig({ MONITOR_BAND: 4 });
 * const trade = FuturesTradeRecord.wire.parse(JSON.parse(message)); // int64 strings become bigint
 * ```
 *
 * @packageDocumentation
 */
export * from './config.js';
// Straight from the plain-data module (it wins over the re-export in config.js): bundles importing only
// DEFAULT_CONFIG then leave the zod schemas of config.js out.
export { DEFAULT_CONFIG } from './defaults.js';
export * from './enums.js';
export { CME_MONTH_CODES, type CmeMonthCode } from './enums.js';
export * from './events.js';
export * from './fast.js';
export * from './fields.js';
export * from './gateway.js';
export * from './lake/index.js';
export * from './signals.js';
export * from './time.js';
