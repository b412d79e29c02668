/**
 * Instrument definition records (`InstrumentDefMsg` v3, dbn-format.md §6.12, §7) for the simulated ES futures
 * and options, with the field values a Databento GLBX.MDP3 definition of such an instrument carries:
 * `instrument_class` C/P/F, `security_type` OOF/FUT, `asset` = root, `underlying` = futures symbol, prices in
 * fixed-point 1e-9, unset numeric fields at their type's maximum, no legs.
 *
 * @module
 */
import { type InstrumentDefMsgV3, UNDEF_PRICE } from '@spymaster/replay';
import { addDays, etToNs, parseDate } from '@spymaster/schemas/time';
import { type FuturesInstrument, GLBX_PUBLISHER_ID, type OptionInstrument } from '../types.js';

const FIXED = 1_000_000_000n;
const I32_MAX = 2_147_483_647;
const U16_MAX = 65_535;
const I16_MAX = 32_767;
const U8_MAX = 255;
const I8_MAX = 127;

/** Contract multiplier of ES futures and options, USD per index point. */
const ES_MULTIPLIER = 50;
/** Minimum price increment of ES futures, fixed-point (0.25 points). */
const FUTURES_TICK_FIXED = 250_000_000n;
/** Minimum price increment of ES options, fixed-point (0.05 points; above 5.00 the tick is 0.25). */
const OPTION_TICK_FIXED = 50_000_000n;

/** The fields every simulated definition shares (no legs, unset limits, CME conventions). */
function common(instrumentId: number, ts: bigint) {
  return {
    length: 130,
    rtype: 0x13,
    publisher_id: GLBX_PUBLISHER_ID,
    instrument_id: instrumentId,
    ts_event: ts,
    record_type: 'InstrumentDefMsgV3' as const,
    ts_recv: ts,
    display_factor: FIXED,
    high_limit_price: UNDEF_PRICE,
    low_limit_price: UNDEF_PRICE,
    max_price_variation: UNDEF_PRICE,
    unit_of_measure_qty: BigInt(ES_MULTIPLIER) * FIXED,
    price_ratio: UNDEF_PRICE,
    raw_instrument_id: BigInt(instrumentId),
    leg_price: UNDEF_PRICE,
    leg_delta: UNDEF_PRICE,
    inst_attrib_value: I32_MAX,
    market_depth_implied: 2,
    market_depth: 10,
    max_trade_vol: 3000,
    min_lot_size: 1,
    min_lot_size_block: I32_MAX,
    min_lot_size_round_lot: 1,
    min_trade_vol: 1,
    contract_multiplier: ES_MULTIPLIER,
    decay_quantity: I32_MAX,
    original_contract_size: I32_MAX,
    leg_instrument_id: 0,
    leg_ratio_price_numerator: 0,
    leg_ratio_price_denominator: 0,
    leg_ratio_qty_numerator: 0,
    leg_ratio_qty_denominator: 0,
    leg_underlying_id: 0,
    appl_id: I16_MAX,
    decay_start_date: U16_MAX,
    leg_count: 0,
    leg_index: 0,
    currency: 'USD',
    settl_currency: 'USD',
    secsubtype: '',
    exchange: 'XCME',
    unit_of_measure: 'IPNT',
    leg_raw_symbol: '',
    match_algorithm: 'F',
    main_fraction: U8_MAX,
    price_display_format: U8_MAX,
    sub_fraction: U8_MAX,
    underlying_product: 5,
    security_update_action: 'A',
    user_defined_instrument: 'N',
    contract_multiplier_unit: 0,
    flow_schedule_type: I8_MAX,
    tick_rule: U8_MAX,
    leg_instrument_class: '\u0000',
    leg_side: 'N',
  };
}

/** Points to fixed-point 1e-9 (exact for prices on a 1/1024 grid and for integer strikes). */
function fixed(points: number): bigint {
  return BigInt(Math.round(points * 1e6)) * 1000n;
}

/**
 * The definition record of an option (`security_type` `OOF`). `underlyingId` is the instrument id of the
 * underlying future when known (0 otherwise). `ts` is used as `ts_event` and `ts_recv`.
 *
 * @example
 * ```ts
 * const def = optionDefinitionRecord(chain[0], window.startNs - 1_000_000_000n);
 * def.instrument_class; // 'C'
 * def.underlying; // 'ESZ5'
 * ```
 */
export function optionDefinitionRecord(option: OptionInstrument, ts: bigint, underlyingId = 0): InstrumentDefMsgV3 {
  const { year, month, day } = parseDate(option.expDate);
  const week = /^E(\d)[A-D]$|^EW(\d)$/.exec(option.root);
  // Listing: quarterly options about 15 months ahead, end-of-month 3 months, weeklies 5 weeks; 18:00 ET.
  const listedDaysBefore = option.root === 'ES' ? 455 : option.root === 'EW' ? 91 : 35;
  return {
    ...common(option.instrumentId, ts),
    min_price_increment: OPTION_TICK_FIXED,
    expiration: option.expirationNs,
    activation: etToNs(addDays(option.expDate, -listedDaysBefore), '18:00'),
    min_price_increment_amount: OPTION_TICK_FIXED * BigInt(ES_MULTIPLIER),
    strike_price: fixed(option.strike),
    underlying_id: underlyingId,
    market_segment_id: 68,
    maturity_year: year,
    channel_id: 312,
    raw_symbol: option.rawSymbol,
    group: option.root,
    asset: option.root,
    // CFI: quarterly ES options are American (A), weekly and end-of-month ones European (E).
    cfi: `O${option.right}${option.root === 'ES' ? 'A' : 'E'}FPS`,
    security_type: 'OOF',
    underlying: option.underlying,
    strike_price_currency: 'USD',
    instrument_class: option.right,
    maturity_month: month,
    maturity_day: day,
    maturity_week: week ? Number(week[1] ?? week[2]) : U8_MAX,
  };
}

/**
 * The definition record of an ES futures contract (`security_type` `FUT`). `ts` is used as `ts_event` and
 * `ts_recv`.
 *
 * @example
 * ```ts
 * const def = futuresDefinitionRecord(contracts.front, window.startNs - 1_000_000_000n);
 * def.raw_symbol; // 'ESH6'
 * def.cfi; // 'FFICSX'
 * ```
 */
export function futuresDefinitionRecord(futures: FuturesInstrument, ts: bigint): InstrumentDefMsgV3 {
  const { year, month } = parseDate(futures.expiry);
  return {
    ...common(futures.instrumentId, ts),
    min_price_increment: FUTURES_TICK_FIXED,
    expiration: futures.expirationNs,
    activation: etToNs(addDays(futures.expiry, -455), '18:00'),
    min_price_increment_amount: FUTURES_TICK_FIXED * BigInt(ES_MULTIPLIER),
    strike_price: UNDEF_PRICE,
    underlying_id: 0,
    market_segment_id: 64,
    maturity_year: year,
    channel_id: 310,
    raw_symbol: futures.symbol,
    group: 'ES',
    asset: 'ES',
    cfi: 'FFICSX',
    security_type: 'FUT',
    underlying: '',
    strike_price_currency: '',
    instrument_class: 'F',
    maturity_month: month,
    maturity_day: U8_MAX,
    maturity_week: U8_MAX,
  };
}
