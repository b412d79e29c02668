/**
 * DBN record layouts as data (dbn-format.md §5–§6): one table of (name, type) per record type and
 * version, from which offsets, readers, writers and TypeScript types are derived. Offsets are computed by
 * summing sizes (explicit `reserved` slots fill every gap) and pinned against the spec's tables by a test.
 *
 * Type codes: `u8 i8 u16 i16 u32 i32 u64 i64` integers (little-endian), `char` one ASCII byte, `cN` a
 * NUL-padded text slot of N bytes, `rN` N reserved bytes, `L1`/`L10` 1 or 10 `BidAskPair`s, `C1` one
 * `ConsolidatedBidAskPair`. A third entry `px` marks an i64 fixed-point value (units of 1e-9) and `ts` a u64
 * timestamp in ns since the Unix epoch.
 *
 * @module
 */

/** Scalar type codes. */
export type ScalarCode = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'char';
/** Every type code of a layout entry. */
export type TypeCode = ScalarCode | `c${number}` | `r${number}` | 'L1' | 'L10' | 'C1';
/** Semantic tag of a field: fixed-point price or timestamp. */
export type FieldTag = 'px' | 'ts';
/** One layout entry: name, type code and optional tag. */
export type Entry = readonly [name: string, type: TypeCode] | readonly [name: string, type: TypeCode, tag: FieldTag];

/** A resolved field: where it is and how to read it. */
export interface FieldLayout {
  /** Field name (reserved slots start with `_`). */
  readonly name: string;
  /** Type code. */
  readonly type: TypeCode;
  /** Byte offset from the start of the record (or of the book level, for pair fields). */
  readonly offset: number;
  /** Size in bytes. */
  readonly size: number;
  /** `px` for fixed-point prices, `ts` for timestamps. */
  readonly tag?: FieldTag | undefined;
}

/** The book-level layout a record embeds. */
export interface PairLayout {
  /** `BidAskPair` or `ConsolidatedBidAskPair`. */
  readonly name: 'BidAskPair' | 'ConsolidatedBidAskPair';
  /** 32 bytes. */
  readonly size: number;
  /** Fields relative to the start of one level. */
  readonly fields: readonly FieldLayout[];
}

/** Names of every record layout (the `record_type` of decoded objects). */
export type RecordTypeName =
  | 'MboMsg'
  | 'TradeMsg'
  | 'Mbp1Msg'
  | 'Mbp10Msg'
  | 'BboMsg'
  | 'Cmbp1Msg'
  | 'CbboMsg'
  | 'OhlcvMsg'
  | 'StatusMsg'
  | 'ImbalanceMsg'
  | 'InstrumentDefMsgV1'
  | 'InstrumentDefMsgV2'
  | 'InstrumentDefMsgV3'
  | 'StatMsgV1'
  | 'StatMsgV3'
  | 'ErrorMsgV1'
  | 'ErrorMsgV2'
  | 'SystemMsgV1'
  | 'SystemMsgV2'
  | 'SymbolMappingMsgV1'
  | 'SymbolMappingMsgV2';

/** A record layout: fields in order, total size, and the rtypes that use it. */
export interface RecordLayout<
  E extends readonly Entry[] = readonly Entry[],
  N extends RecordTypeName = RecordTypeName,
> {
  /** Layout name, e.g. `Mbp10Msg`. */
  readonly name: N;
  /** Record types (header byte 1) using this layout. */
  readonly rtypes: readonly number[];
  /** Total size in bytes (header included, `ts_out` excluded). */
  readonly size: number;
  /** The entries as written (header included). */
  readonly entries: E;
  /** Resolved fields in order, reserved slots included. */
  readonly fields: readonly FieldLayout[];
  /** Resolved fields by name. */
  readonly byName: Readonly<Record<string, FieldLayout>>;
  /** The embedded book levels, if any. */
  readonly levels?: { readonly offset: number; readonly count: number; readonly pair: PairLayout } | undefined;
  /** DBN versions this layout is native to. */
  readonly versions: readonly (1 | 2 | 3)[];
}

const SCALAR_SIZE: Record<ScalarCode, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  u64: 8,
  i64: 8,
  char: 1,
};

/** Size in bytes of a type code (levels excluded). */
export function sizeOfType(type: TypeCode): number {
  if (type in SCALAR_SIZE) return SCALAR_SIZE[type as ScalarCode];
  if (type === 'L1' || type === 'C1') return 32;
  if (type === 'L10') return 320;
  return Number(type.slice(1));
}

function resolve(entries: readonly Entry[]): FieldLayout[] {
  let offset = 0;
  return entries.map(([name, type, tag]) => {
    const size = sizeOfType(type);
    const fieldLayout: FieldLayout = tag ? { name, type, offset, size, tag } : { name, type, offset, size };
    offset += size;
    return Object.freeze(fieldLayout);
  });
}

const PAIR_ENTRIES = [
  ['bid_px', 'i64', 'px'],
  ['ask_px', 'i64', 'px'],
  ['bid_sz', 'u32'],
  ['ask_sz', 'u32'],
  ['bid_ct', 'u32'],
  ['ask_ct', 'u32'],
] as const satisfies readonly Entry[];

const CONSOLIDATED_PAIR_ENTRIES = [
  ['bid_px', 'i64', 'px'],
  ['ask_px', 'i64', 'px'],
  ['bid_sz', 'u32'],
  ['ask_sz', 'u32'],
  ['bid_pb', 'u16'],
  ['_reserved1', 'r2'],
  ['ask_pb', 'u16'],
  ['_reserved2', 'r2'],
] as const satisfies readonly Entry[];

/** `BidAskPair` (dbn-format.md §6.5). */
export const BID_ASK_PAIR: PairLayout = Object.freeze({ name: 'BidAskPair', size: 32, fields: resolve(PAIR_ENTRIES) });
/** `ConsolidatedBidAskPair` (dbn-format.md §6.9). */
export const CONSOLIDATED_BID_ASK_PAIR: PairLayout = Object.freeze({
  name: 'ConsolidatedBidAskPair',
  size: 32,
  fields: resolve(CONSOLIDATED_PAIR_ENTRIES),
});

const HEADER = [
  ['length', 'u8'],
  ['rtype', 'u8'],
  ['publisher_id', 'u16'],
  ['instrument_id', 'u32'],
  ['ts_event', 'u64', 'ts'],
] as const satisfies readonly Entry[];

/** Size of the common record header. */
export const HEADER_SIZE = 16;

function layout<const N extends RecordTypeName, const E extends readonly Entry[]>(
  name: N,
  rtypes: readonly number[],
  versions: readonly (1 | 2 | 3)[],
  body: E,
): RecordLayout<readonly [...typeof HEADER, ...E], N> {
  const entries = [...HEADER, ...body] as unknown as readonly [...typeof HEADER, ...E];
  const fields = resolve(entries);
  const last = fields[fields.length - 1] as FieldLayout;
  const size = last.offset + last.size;
  const byName = Object.freeze(Object.fromEntries(fields.map((f) => [f.name, f])));
  const levelField = fields.find((f) => f.type === 'L1' || f.type === 'L10' || f.type === 'C1');
  const levels = levelField
    ? Object.freeze({
        offset: levelField.offset,
        count: levelField.type === 'L10' ? 10 : 1,
        pair: levelField.type === 'C1' ? CONSOLIDATED_BID_ASK_PAIR : BID_ASK_PAIR,
      })
    : undefined;
  return Object.freeze({ name, rtypes: Object.freeze([...rtypes]), versions, size, entries, fields, byName, levels });
}

const ALL = [1, 2, 3] as const;

/** Record types (header `rtype`) by name (dbn-format.md §5.1). */
export const RTYPE = Object.freeze({
  MBP_0: 0x00,
  MBP_1: 0x01,
  MBP_10: 0x0a,
  OHLCV_DEPRECATED: 0x11,
  STATUS: 0x12,
  INSTRUMENT_DEF: 0x13,
  IMBALANCE: 0x14,
  ERROR: 0x15,
  SYMBOL_MAPPING: 0x16,
  SYSTEM: 0x17,
  STATISTICS: 0x18,
  OHLCV_1S: 0x20,
  OHLCV_1M: 0x21,
  OHLCV_1H: 0x22,
  OHLCV_1D: 0x23,
  OHLCV_EOD: 0x24,
  MBO: 0xa0,
  CMBP_1: 0xb1,
  CBBO_1S: 0xc0,
  CBBO_1M: 0xc1,
  TCBBO: 0xc2,
  BBO_1S: 0xc3,
  BBO_1M: 0xc4,
} as const);

const TRADE_BODY = [
  ['price', 'i64', 'px'],
  ['size', 'u32'],
  ['action', 'char'],
  ['side', 'char'],
  ['flags', 'u8'],
  ['depth', 'u8'],
  ['ts_recv', 'u64', 'ts'],
  ['ts_in_delta', 'i32'],
  ['sequence', 'u32'],
] as const satisfies readonly Entry[];

/** MboMsg, market by order (§6.1). */
export const MBO_MSG = layout('MboMsg', [RTYPE.MBO], ALL, [
  ['order_id', 'u64'],
  ['price', 'i64', 'px'],
  ['size', 'u32'],
  ['flags', 'u8'],
  ['channel_id', 'u8'],
  ['action', 'char'],
  ['side', 'char'],
  ['ts_recv', 'u64', 'ts'],
  ['ts_in_delta', 'i32'],
  ['sequence', 'u32'],
] as const);

/** TradeMsg, MBP-0 / trades (§6.2). */
export const TRADE_MSG = layout('TradeMsg', [RTYPE.MBP_0], ALL, TRADE_BODY);

/** Mbp1Msg, MBP-1 and TBBO (§6.3). */
export const MBP1_MSG = layout('Mbp1Msg', [RTYPE.MBP_1], ALL, [...TRADE_BODY, ['levels', 'L1']] as const);

/** Mbp10Msg, MBP-10 (§6.4). */
export const MBP10_MSG = layout('Mbp10Msg', [RTYPE.MBP_10], ALL, [...TRADE_BODY, ['levels', 'L10']] as const);

/** BboMsg, bbo-1s / bbo-1m (§6.6). */
export const BBO_MSG = layout('BboMsg', [RTYPE.BBO_1S, RTYPE.BBO_1M], ALL, [
  ['price', 'i64', 'px'],
  ['size', 'u32'],
  ['_reserved1', 'r1'],
  ['side', 'char'],
  ['flags', 'u8'],
  ['_reserved2', 'r1'],
  ['ts_recv', 'u64', 'ts'],
  ['_reserved3', 'r4'],
  ['sequence', 'u32'],
  ['levels', 'L1'],
] as const);

/** Cmbp1Msg, cmbp-1 and tcbbo (§6.7). */
export const CMBP1_MSG = layout('Cmbp1Msg', [RTYPE.CMBP_1, RTYPE.TCBBO], ALL, [
  ['price', 'i64', 'px'],
  ['size', 'u32'],
  ['action', 'char'],
  ['side', 'char'],
  ['flags', 'u8'],
  ['_reserved1', 'r1'],
  ['ts_recv', 'u64', 'ts'],
  ['ts_in_delta', 'i32'],
  ['_reserved2', 'r4'],
  ['levels', 'C1'],
] as const);

/** CbboMsg, cbbo-1s / cbbo-1m (§6.8). */
export const CBBO_MSG = layout('CbboMsg', [RTYPE.CBBO_1S, RTYPE.CBBO_1M], ALL, [
  ['price', 'i64', 'px'],
  ['size', 'u32'],
  ['_reserved1', 'r1'],
  ['side', 'char'],
  ['flags', 'u8'],
  ['_reserved2', 'r1'],
  ['ts_recv', 'u64', 'ts'],
  ['_reserved3', 'r8'],
  ['levels', 'C1'],
] as const);

/** OhlcvMsg, ohlcv-1s/1m/1h/1d/eod and the deprecated 0x11 (§6.10). */
export const OHLCV_MSG = layout(
  'OhlcvMsg',
  [RTYPE.OHLCV_1S, RTYPE.OHLCV_1M, RTYPE.OHLCV_1H, RTYPE.OHLCV_1D, RTYPE.OHLCV_EOD, RTYPE.OHLCV_DEPRECATED],
  ALL,
  [
    ['open', 'i64', 'px'],
    ['high', 'i64', 'px'],
    ['low', 'i64', 'px'],
    ['close', 'i64', 'px'],
    ['volume', 'u64'],
  ] as const,
);

/** StatusMsg, trading status (§6.11). */
export const STATUS_MSG = layout('StatusMsg', [RTYPE.STATUS], ALL, [
  ['ts_recv', 'u64', 'ts'],
  ['action', 'u16'],
  ['reason', 'u16'],
  ['trading_event', 'u16'],
  ['is_trading', 'char'],
  ['is_quoting', 'char'],
  ['is_short_sell_restricted', 'char'],
  ['_reserved', 'r7'],
] as const);

/** ImbalanceMsg, auction imbalance (§6.15). */
export const IMBALANCE_MSG = layout('ImbalanceMsg', [RTYPE.IMBALANCE], ALL, [
  ['ts_recv', 'u64', 'ts'],
  ['ref_price', 'i64', 'px'],
  ['auction_time', 'u64', 'ts'],
  ['cont_book_clr_price', 'i64', 'px'],
  ['auct_interest_clr_price', 'i64', 'px'],
  ['ssr_filling_price', 'i64', 'px'],
  ['ind_match_price', 'i64', 'px'],
  ['upper_collar', 'i64', 'px'],
  ['lower_collar', 'i64', 'px'],
  ['paired_qty', 'u32'],
  ['total_imbalance_qty', 'u32'],
  ['market_imbalance_qty', 'u32'],
  ['unpaired_qty', 'u32'],
  ['auction_type', 'char'],
  ['side', 'char'],
  ['auction_status', 'u8'],
  ['freeze_status', 'u8'],
  ['num_extensions', 'u8'],
  ['unpaired_side', 'char'],
  ['significant_imbalance', 'char'],
  ['_reserved', 'r1'],
] as const);

const DEF_PRICES_HEAD = [
  ['ts_recv', 'u64', 'ts'],
  ['min_price_increment', 'i64', 'px'],
  ['display_factor', 'i64', 'px'],
  ['expiration', 'u64', 'ts'],
  ['activation', 'u64', 'ts'],
  ['high_limit_price', 'i64', 'px'],
  ['low_limit_price', 'i64', 'px'],
  ['max_price_variation', 'i64', 'px'],
] as const satisfies readonly Entry[];

/** InstrumentDefMsg version 3 (§6.12, 520 bytes). */
export const INSTRUMENT_DEF_MSG_V3 = layout('InstrumentDefMsgV3', [RTYPE.INSTRUMENT_DEF], [3], [
  ...DEF_PRICES_HEAD,
  ['unit_of_measure_qty', 'i64', 'px'],
  ['min_price_increment_amount', 'i64', 'px'],
  ['price_ratio', 'i64', 'px'],
  ['strike_price', 'i64', 'px'],
  ['raw_instrument_id', 'u64'],
  ['leg_price', 'i64', 'px'],
  ['leg_delta', 'i64', 'px'],
  ['inst_attrib_value', 'i32'],
  ['underlying_id', 'u32'],
  ['market_depth_implied', 'i32'],
  ['market_depth', 'i32'],
  ['market_segment_id', 'u32'],
  ['max_trade_vol', 'u32'],
  ['min_lot_size', 'i32'],
  ['min_lot_size_block', 'i32'],
  ['min_lot_size_round_lot', 'i32'],
  ['min_trade_vol', 'u32'],
  ['contract_multiplier', 'i32'],
  ['decay_quantity', 'i32'],
  ['original_contract_size', 'i32'],
  ['leg_instrument_id', 'u32'],
  ['leg_ratio_price_numerator', 'i32'],
  ['leg_ratio_price_denominator', 'i32'],
  ['leg_ratio_qty_numerator', 'i32'],
  ['leg_ratio_qty_denominator', 'i32'],
  ['leg_underlying_id', 'u32'],
  ['appl_id', 'i16'],
  ['maturity_year', 'u16'],
  ['decay_start_date', 'u16'],
  ['channel_id', 'u16'],
  ['leg_count', 'u16'],
  ['leg_index', 'u16'],
  ['currency', 'c4'],
  ['settl_currency', 'c4'],
  ['secsubtype', 'c6'],
  ['raw_symbol', 'c71'],
  ['group', 'c21'],
  ['exchange', 'c5'],
  ['asset', 'c11'],
  ['cfi', 'c7'],
  ['security_type', 'c7'],
  ['unit_of_measure', 'c31'],
  ['underlying', 'c21'],
  ['strike_price_currency', 'c4'],
  ['leg_raw_symbol', 'c71'],
  ['instrument_class', 'char'],
  ['match_algorithm', 'char'],
  ['main_fraction', 'u8'],
  ['price_display_format', 'u8'],
  ['sub_fraction', 'u8'],
  ['underlying_product', 'u8'],
  ['security_update_action', 'char'],
  ['maturity_month', 'u8'],
  ['maturity_day', 'u8'],
  ['maturity_week', 'u8'],
  ['user_defined_instrument', 'char'],
  ['contract_multiplier_unit', 'i8'],
  ['flow_schedule_type', 'i8'],
  ['tick_rule', 'u8'],
  ['leg_instrument_class', 'char'],
  ['leg_side', 'char'],
  ['_reserved', 'r17'],
] as const);

/** InstrumentDefMsg version 2 (§6.13, 400 bytes). */
export const INSTRUMENT_DEF_MSG_V2 = layout('InstrumentDefMsgV2', [RTYPE.INSTRUMENT_DEF], [2], [
  ...DEF_PRICES_HEAD,
  ['trading_reference_price', 'i64', 'px'],
  ['unit_of_measure_qty', 'i64', 'px'],
  ['min_price_increment_amount', 'i64', 'px'],
  ['price_ratio', 'i64', 'px'],
  ['strike_price', 'i64', 'px'],
  ['inst_attrib_value', 'i32'],
  ['underlying_id', 'u32'],
  ['raw_instrument_id', 'u32'],
  ['market_depth_implied', 'i32'],
  ['market_depth', 'i32'],
  ['market_segment_id', 'u32'],
  ['max_trade_vol', 'u32'],
  ['min_lot_size', 'i32'],
  ['min_lot_size_block', 'i32'],
  ['min_lot_size_round_lot', 'i32'],
  ['min_trade_vol', 'u32'],
  ['contract_multiplier', 'i32'],
  ['decay_quantity', 'i32'],
  ['original_contract_size', 'i32'],
  ['trading_reference_date', 'u16'],
  ['appl_id', 'i16'],
  ['maturity_year', 'u16'],
  ['decay_start_date', 'u16'],
  ['channel_id', 'u16'],
  ['currency', 'c4'],
  ['settl_currency', 'c4'],
  ['secsubtype', 'c6'],
  ['raw_symbol', 'c71'],
  ['group', 'c21'],
  ['exchange', 'c5'],
  ['asset', 'c7'],
  ['cfi', 'c7'],
  ['security_type', 'c7'],
  ['unit_of_measure', 'c31'],
  ['underlying', 'c21'],
  ['strike_price_currency', 'c4'],
  ['instrument_class', 'char'],
  ['match_algorithm', 'char'],
  ['md_security_trading_status', 'u8'],
  ['main_fraction', 'u8'],
  ['price_display_format', 'u8'],
  ['settl_price_type', 'u8'],
  ['sub_fraction', 'u8'],
  ['underlying_product', 'u8'],
  ['security_update_action', 'char'],
  ['maturity_month', 'u8'],
  ['maturity_day', 'u8'],
  ['maturity_week', 'u8'],
  ['user_defined_instrument', 'char'],
  ['contract_multiplier_unit', 'i8'],
  ['flow_schedule_type', 'i8'],
  ['tick_rule', 'u8'],
  ['_reserved', 'r10'],
] as const);

/** InstrumentDefMsg version 1 (§6.14, 360 bytes). */
export const INSTRUMENT_DEF_MSG_V1 = layout('InstrumentDefMsgV1', [RTYPE.INSTRUMENT_DEF], [1], [
  ...DEF_PRICES_HEAD,
  ['trading_reference_price', 'i64', 'px'],
  ['unit_of_measure_qty', 'i64', 'px'],
  ['min_price_increment_amount', 'i64', 'px'],
  ['price_ratio', 'i64', 'px'],
  ['inst_attrib_value', 'i32'],
  ['underlying_id', 'u32'],
  ['raw_instrument_id', 'u32'],
  ['market_depth_implied', 'i32'],
  ['market_depth', 'i32'],
  ['market_segment_id', 'u32'],
  ['max_trade_vol', 'u32'],
  ['min_lot_size', 'i32'],
  ['min_lot_size_block', 'i32'],
  ['min_lot_size_round_lot', 'i32'],
  ['min_trade_vol', 'u32'],
  ['_reserved2', 'r4'],
  ['contract_multiplier', 'i32'],
  ['decay_quantity', 'i32'],
  ['original_contract_size', 'i32'],
  ['_reserved3', 'r4'],
  ['trading_reference_date', 'u16'],
  ['appl_id', 'i16'],
  ['maturity_year', 'u16'],
  ['decay_start_date', 'u16'],
  ['channel_id', 'u16'],
  ['currency', 'c4'],
  ['settl_currency', 'c4'],
  ['secsubtype', 'c6'],
  ['raw_symbol', 'c22'],
  ['group', 'c21'],
  ['exchange', 'c5'],
  ['asset', 'c7'],
  ['cfi', 'c7'],
  ['security_type', 'c7'],
  ['unit_of_measure', 'c31'],
  ['underlying', 'c21'],
  ['strike_price_currency', 'c4'],
  ['instrument_class', 'char'],
  ['_reserved4', 'r2'],
  ['strike_price', 'i64', 'px'],
  ['_reserved5', 'r6'],
  ['match_algorithm', 'char'],
  ['md_security_trading_status', 'u8'],
  ['main_fraction', 'u8'],
  ['price_display_format', 'u8'],
  ['settl_price_type', 'u8'],
  ['sub_fraction', 'u8'],
  ['underlying_product', 'u8'],
  ['security_update_action', 'char'],
  ['maturity_month', 'u8'],
  ['maturity_day', 'u8'],
  ['maturity_week', 'u8'],
  ['user_defined_instrument', 'char'],
  ['contract_multiplier_unit', 'i8'],
  ['flow_schedule_type', 'i8'],
  ['tick_rule', 'u8'],
  ['_dummy', 'r3'],
] as const);

const STAT_HEAD = [
  ['ts_recv', 'u64', 'ts'],
  ['ts_ref', 'u64', 'ts'],
  ['price', 'i64', 'px'],
] as const satisfies readonly Entry[];

/** StatMsg version 3 (§6.16, 80 bytes). */
export const STAT_MSG_V3 = layout('StatMsgV3', [RTYPE.STATISTICS], [3], [
  ...STAT_HEAD,
  ['quantity', 'i64'],
  ['sequence', 'u32'],
  ['ts_in_delta', 'i32'],
  ['stat_type', 'u16'],
  ['channel_id', 'u16'],
  ['update_action', 'u8'],
  ['stat_flags', 'u8'],
  ['_reserved', 'r18'],
] as const);

/** StatMsg versions 1 and 2 (§6.17, 64 bytes). */
export const STAT_MSG_V1 = layout('StatMsgV1', [RTYPE.STATISTICS], [1, 2], [
  ...STAT_HEAD,
  ['quantity', 'i32'],
  ['sequence', 'u32'],
  ['ts_in_delta', 'i32'],
  ['stat_type', 'u16'],
  ['channel_id', 'u16'],
  ['update_action', 'u8'],
  ['stat_flags', 'u8'],
  ['_reserved', 'r6'],
] as const);

/** SymbolMappingMsg versions 2 and 3 (§6.18, 176 bytes). */
export const SYMBOL_MAPPING_MSG_V2 = layout('SymbolMappingMsgV2', [RTYPE.SYMBOL_MAPPING], [2, 3], [
  ['stype_in', 'u8'],
  ['stype_in_symbol', 'c71'],
  ['stype_out', 'u8'],
  ['stype_out_symbol', 'c71'],
  ['start_ts', 'u64', 'ts'],
  ['end_ts', 'u64', 'ts'],
] as const);

/** SymbolMappingMsg version 1 (§6.19, 80 bytes). */
export const SYMBOL_MAPPING_MSG_V1 = layout('SymbolMappingMsgV1', [RTYPE.SYMBOL_MAPPING], [1], [
  ['stype_in_symbol', 'c22'],
  ['stype_out_symbol', 'c22'],
  ['_dummy', 'r4'],
  ['start_ts', 'u64', 'ts'],
  ['end_ts', 'u64', 'ts'],
] as const);

/** SystemMsg versions 2 and 3 (§6.20, 320 bytes). */
export const SYSTEM_MSG_V2 = layout('SystemMsgV2', [RTYPE.SYSTEM], [2, 3], [
  ['msg', 'c303'],
  ['code', 'u8'],
] as const);

/** SystemMsg version 1 (§6.20, 80 bytes). */
export const SYSTEM_MSG_V1 = layout('SystemMsgV1', [RTYPE.SYSTEM], [1], [['msg', 'c64']] as const);

/** ErrorMsg versions 2 and 3 (§6.21, 320 bytes). */
export const ERROR_MSG_V2 = layout('ErrorMsgV2', [RTYPE.ERROR], [2, 3], [
  ['err', 'c302'],
  ['code', 'u8'],
  ['is_last', 'u8'],
] as const);

/** ErrorMsg version 1 (§6.21, 80 bytes). */
export const ERROR_MSG_V1 = layout('ErrorMsgV1', [RTYPE.ERROR], [1], [['err', 'c64']] as const);

/** Every record layout. */
export const RECORD_LAYOUTS = Object.freeze([
  MBO_MSG,
  TRADE_MSG,
  MBP1_MSG,
  MBP10_MSG,
  BBO_MSG,
  CMBP1_MSG,
  CBBO_MSG,
  OHLCV_MSG,
  STATUS_MSG,
  IMBALANCE_MSG,
  INSTRUMENT_DEF_MSG_V1,
  INSTRUMENT_DEF_MSG_V2,
  INSTRUMENT_DEF_MSG_V3,
  STAT_MSG_V1,
  STAT_MSG_V3,
  ERROR_MSG_V1,
  ERROR_MSG_V2,
  SYSTEM_MSG_V1,
  SYSTEM_MSG_V2,
  SYMBOL_MAPPING_MSG_V1,
  SYMBOL_MAPPING_MSG_V2,
] as const);

/** Any record layout of {@link RECORD_LAYOUTS}. */
export type AnyRecordLayout = (typeof RECORD_LAYOUTS)[number];

/** Layout by name. */
export const LAYOUT_BY_NAME: Readonly<Record<RecordTypeName, AnyRecordLayout>> = Object.freeze(
  Object.fromEntries(RECORD_LAYOUTS.map((l) => [l.name, l])) as Record<RecordTypeName, AnyRecordLayout>,
);

/**
 * The layouts an rtype can have, keyed by record size, for one DBN version (`0` for "unknown": a fragment,
 * where the versioned types are told apart by size as the official decoders do, dbn-format.md §9.4).
 */
function buildDispatch(version: 0 | 1 | 2 | 3): ReadonlyMap<number, ReadonlyMap<number, AnyRecordLayout>> {
  const byRtype = new Map<number, Map<number, AnyRecordLayout>>();
  for (const l of RECORD_LAYOUTS) {
    if (version !== 0 && !(l.versions as readonly number[]).includes(version)) continue;
    for (const rtype of l.rtypes) {
      let bySize = byRtype.get(rtype);
      if (!bySize) {
        bySize = new Map();
        byRtype.set(rtype, bySize);
      }
      bySize.set(l.size, l);
    }
  }
  return byRtype;
}

/** Layout dispatch tables per DBN version (index 0: version unknown, by size). */
export const DISPATCH: readonly ReadonlyMap<number, ReadonlyMap<number, AnyRecordLayout>>[] = Object.freeze([
  buildDispatch(0),
  buildDispatch(1),
  buildDispatch(2),
  buildDispatch(3),
]);
