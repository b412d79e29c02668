/**
 * DBN codes and sentinels (dbn-format.md §4.4, §4.5, §7).
 *
 * @module
 */

/** Schema names by metadata code (§4.4). */
export const SCHEMA_NAMES = [
  'mbo',
  'mbp-1',
  'mbp-10',
  'tbbo',
  'trades',
  'ohlcv-1s',
  'ohlcv-1m',
  'ohlcv-1h',
  'ohlcv-1d',
  'definition',
  'statistics',
  'status',
  'imbalance',
  'ohlcv-eod',
  'cmbp-1',
  'cbbo-1s',
  'cbbo-1m',
  'tcbbo',
  'bbo-1s',
  'bbo-1m',
] as const;
/** A DBN schema name. */
export type SchemaName = (typeof SCHEMA_NAMES)[number];
/** Metadata schema code meaning "no single schema". */
export const SCHEMA_NONE = 0xffff;

/** SType names by code (§4.5); 255 is "none". */
export const STYPE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0: 'instrument_id',
  1: 'raw_symbol',
  2: 'smart',
  3: 'continuous',
  4: 'parent',
  5: 'nasdaq_symbol',
  6: 'cms_symbol',
  7: 'isin',
  8: 'us_code',
  9: 'bbg_comp_id',
  10: 'bbg_comp_ticker',
  11: 'figi',
  12: 'figi_ticker',
});
/** SType code meaning "none / mixed". */
export const STYPE_NONE = 255;

/** Code of a schema name, or undefined. */
export function schemaCode(name: string): number | undefined {
  const i = (SCHEMA_NAMES as readonly string[]).indexOf(name);
  return i < 0 ? undefined : i;
}

/** Code of an SType name, or undefined. */
export function stypeCode(name: string): number | undefined {
  for (const [code, value] of Object.entries(STYPE_NAMES)) if (value === name) return Number(code);
  return undefined;
}

/** `UNDEF_PRICE`: i64 max, "no price" in any fixed-point field. */
export const UNDEF_PRICE = 2n ** 63n - 1n;
/** `UNDEF_TIMESTAMP`: u64 max, "no time". */
export const UNDEF_TIMESTAMP = 2n ** 64n - 1n;
/** `UNDEF_ORDER_SIZE`: u32 max. */
export const UNDEF_ORDER_SIZE = 2 ** 32 - 1;
/** `UNDEF_STAT_QUANTITY` of v1/v2 StatMsg (i32 max). */
export const UNDEF_STAT_QUANTITY_V1 = 2 ** 31 - 1;
/** `UNDEF_STAT_QUANTITY` of v3 StatMsg (i64 max). */
export const UNDEF_STAT_QUANTITY = 2n ** 63n - 1n;
/** Fixed-point scale of prices: 1 point = 1e9 units. */
export const FIXED_PRICE_SCALE = 1_000_000_000n;

/** Record flag bits (§7.4). Keep the raw byte; unknown bits are never rejected. */
export const FLAGS = Object.freeze({
  F_LAST: 0x80,
  F_TOB: 0x40,
  F_SNAPSHOT: 0x20,
  F_MBP: 0x10,
  F_BAD_TS_RECV: 0x08,
  F_MAYBE_BAD_BOOK: 0x04,
  F_PUBLISHER_SPECIFIC: 0x02,
} as const);

/** The newest DBN version this codec reads and writes. */
export const DBN_VERSION = 3;
