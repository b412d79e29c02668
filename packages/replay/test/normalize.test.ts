import { FuturesTradeRecord, MBP10Record, OptionNBBORecord, OptionTradeRecord, parseEventId } from '@spymaster/schemas';
import { etToNs } from '@spymaster/schemas/time';
import { describe, expect, it } from 'vitest';
import { UNDEF_PRICE, UNDEF_TIMESTAMP } from '../src/dbn/constants.js';
import type { DbnRecord, InstrumentDefMsgV3, Mbp1Msg, Mbp10Msg, TradeMsg } from '../src/dbn/records.js';
import { DbnNormalizer, definitionFromDbn, OptionQuoteAttacher } from '../src/normalize/normalizer.js';

const D = '2025-11-03'; // front month ESZ5 (levels-pipeline-lake.md B.7)
const T = etToNs(D, '10:00');
const px = (points: number) => BigInt(Math.round(points * 4)) * 250_000_000n;

function definition(
  id: number,
  symbol: string,
  cls: string,
  strike: number | null,
  expiration: bigint,
  underlying: string,
  securityType = 'OOF',
): InstrumentDefMsgV3 {
  return {
    length: 130,
    rtype: 0x13,
    publisher_id: 1,
    instrument_id: id,
    ts_event: T - 3_600_000_000_000n,
    record_type: 'InstrumentDefMsgV3',
    ts_recv: T - 3_600_000_000_000n,
    min_price_increment: 250_000_000n,
    display_factor: 1_000_000_000n,
    expiration,
    activation: 0n,
    high_limit_price: UNDEF_PRICE,
    low_limit_price: UNDEF_PRICE,
    max_price_variation: UNDEF_PRICE,
    unit_of_measure_qty: UNDEF_PRICE,
    min_price_increment_amount: UNDEF_PRICE,
    price_ratio: UNDEF_PRICE,
    strike_price: strike === null ? UNDEF_PRICE : px(strike),
    raw_instrument_id: BigInt(id),
    leg_price: UNDEF_PRICE,
    leg_delta: UNDEF_PRICE,
    inst_attrib_value: 0,
    underlying_id: 0,
    market_depth_implied: 0,
    market_depth: 10,
    market_segment_id: 0,
    max_trade_vol: 0,
    min_lot_size: 1,
    min_lot_size_block: 1,
    min_lot_size_round_lot: 1,
    min_trade_vol: 1,
    contract_multiplier: 50,
    decay_quantity: 0,
    original_contract_size: 0,
    leg_instrument_id: 0,
    leg_ratio_price_numerator: 0,
    leg_ratio_price_denominator: 0,
    leg_ratio_qty_numerator: 0,
    leg_ratio_qty_denominator: 0,
    leg_underlying_id: 0,
    appl_id: 0,
    maturity_year: 2025,
    decay_start_date: 0,
    channel_id: 0,
    leg_count: 0,
    leg_index: 0,
    currency: 'USD',
    settl_currency: 'USD',
    secsubtype: '',
    raw_symbol: symbol,
    group: 'ES',
    exchange: 'XCME',
    asset: symbol.slice(0, 3),
    cfi: '',
    security_type: securityType,
    unit_of_measure: 'IPNT',
    underlying,
    strike_price_currency: 'USD',
    leg_raw_symbol: '',
    instrument_class: cls,
    match_algorithm: 'F',
    main_fraction: 0,
    price_display_format: 0,
    sub_fraction: 0,
    underlying_product: 0,
    security_update_action: 'A',
    maturity_month: 11,
    maturity_day: 3,
    maturity_week: 0,
    user_defined_instrument: 'N',
    contract_multiplier_unit: 0,
    flow_schedule_type: 0,
    tick_rule: 0,
    leg_instrument_class: '\u0000',
    leg_side: 'N',
  };
}

function trade(id: number, ts: bigint, price: bigint, size: number, side: string, sequence: number): TradeMsg {
  return {
    length: 12,
    rtype: 0,
    publisher_id: 1,
    instrument_id: id,
    ts_event: ts,
    record_type: 'TradeMsg',
    price,
    size,
    action: 'T',
    side,
    flags: 0x80,
    depth: 0,
    ts_recv: ts + 500_000n,
    ts_in_delta: 0,
    sequence,
  };
}

function level(bid: number, ask: number, size = 10) {
  return { bid_px: px(bid), ask_px: px(ask), bid_sz: size, ask_sz: size, bid_ct: 1, ask_ct: 1 };
}

const FUT = 1001;
const FUT_NEXT = 1002;
const CALL = 2001;
const PUT_1DTE = 2002;
const QUARTERLY = 2003;
const FUTURE_DEF = 2004;
const mappings = [
  { raw_symbol: 'ESZ5', intervals: [{ start_date: '2025-11-01', end_date: '2025-11-05', symbol: String(FUT) }] },
  { raw_symbol: 'ESH6', intervals: [{ start_date: '2025-11-01', end_date: '2025-11-05', symbol: String(FUT_NEXT) }] },
];

describe('DbnNormalizer', () => {
  it('keeps front-month futures trades and books with deterministic ids and exact values', () => {
    const n = new DbnNormalizer({ mappings, source: 'replay' });
    const ft = n.normalize(trade(FUT, T, px(6850.25), 3, 'B', 51234));
    expect(ft).toEqual({
      event_id: `FT-ESZ5-${T}-51234-0`,
      ts_event_ns: T,
      ts_recv_ns: T + 500_000n,
      source: 'replay',
      symbol: 'ESZ5',
      price: 6850.25,
      size: 3,
      aggressor: 1,
      exchange: 'CME',
      conditions: null,
      seq: 51234n,
    });
    expect(FuturesTradeRecord.schema.safeParse(ft).success).toBe(true);
    // The same vendor key again is the next dup_ordinal.
    expect(n.normalize(trade(FUT, T, px(6850.25), 1, 'A', 51234))?.event_id).toBe(`FT-ESZ5-${T}-51234-1`);
    // Other contract: dropped and counted.
    expect(n.normalize(trade(FUT_NEXT, T, px(6900), 1, 'N', 7))).toBeNull();
    expect(n.dropped.not_front_month).toBe(1);
    const book: Mbp10Msg = {
      ...trade(FUT, T + 1n, px(6850.25), 1, 'A', 51235),
      length: 92,
      rtype: 10,
      record_type: 'Mbp10Msg',
      action: 'A',
      flags: 0x20,
      levels: [
        level(6850, 6850.25),
        ...Array.from({ length: 9 }, () => ({
          bid_px: UNDEF_PRICE,
          ask_px: UNDEF_PRICE,
          bid_sz: 0,
          ask_sz: 0,
          bid_ct: 0,
          ask_ct: 0,
        })),
      ],
    };
    const mb = n.normalize(book);
    expect(MBP10Record.schema.safeParse(mb).success).toBe(true);
    expect(mb).toMatchObject({ event_id: `MB-ESZ5-${T + 1n}-51235-0`, is_snapshot: true, symbol: 'ESZ5' });
    expect((mb as { levels: unknown[] }).levels[0]).toEqual({ bid_px: 6850, bid_sz: 10, ask_px: 6850.25, ask_sz: 10 });
    expect((mb as { levels: unknown[] }).levels[1]).toEqual({ bid_px: 0, bid_sz: 0, ask_px: 0, ask_sz: 0 });
  });

  it('drops bad prints and counts them', () => {
    const n = new DbnNormalizer({ mappings });
    expect(n.normalize(trade(FUT, T, UNDEF_PRICE, 1, 'B', 1))).toBeNull();
    expect(n.normalize(trade(FUT, T, 0n, 1, 'B', 2))).toBeNull();
    expect(n.normalize(trade(FUT, T, px(6850), 0, 'B', 3))).toBeNull();
    expect(n.normalize(trade(99, T, px(6850), 1, 'B', 4))).toBeNull();
    expect(n.dropped).toEqual({ bad_price: 2, bad_size: 1, no_symbol: 1 });
  });

  it('applies the 0DTE filter of B.7 to options and completes trades with the as-of quote', () => {
    const n = new DbnNormalizer({ mappings, source: 'sim' });
    // B.7 on 2025-11-03: C 6850 expiring 16:00 ET that day → kept; P 6800 1DTE → no; quarterly → no; future → no.
    n.normalize(definition(CALL, 'E1AX5 C6850', 'C', 6850, 1762203600000000000n, 'ESZ5'));
    n.normalize(definition(PUT_1DTE, 'E2AX5 P6800', 'P', 6800, 1762290000000000000n, 'ESZ5'));
    n.normalize(definition(QUARTERLY, 'ESZ5 C6850', 'C', 6850, 1766154600000000000n, 'ESZ5'));
    n.normalize(definition(FUTURE_DEF, 'ESZ5', 'F', null, UNDEF_TIMESTAMP, '', 'FUT'));
    const quote: Mbp1Msg = {
      ...trade(CALL, T, px(12.5), 2, 'B', 10),
      length: 20,
      rtype: 1,
      record_type: 'Mbp1Msg',
      action: 'A',
      levels: [level(12.25, 12.75, 5)],
    };
    const on = n.normalize(quote);
    expect(OptionNBBORecord.schema.safeParse(on).success).toBe(true);
    expect(on).toMatchObject({
      option_symbol: 'E1AX5 C6850',
      strike: 6850,
      right: 'C',
      exp_date: D,
      bid_px: 12.25,
      ask_px: 12.75,
      bid_sz: 5,
    });
    expect(parseEventId((on as { event_id: string }).event_id).symbol).toBe('E1AX5 C6850');
    const ot = n.normalize(trade(CALL, T + 10n, px(12.75), 4, 'B', 11));
    expect(OptionTradeRecord.schema.safeParse(ot).success).toBe(true);
    expect(ot).toMatchObject({
      underlying: 'ES',
      underlying_contract: 'ESZ5',
      opt_bid: null,
      opt_ask: null,
      aggressor: 1,
      size: 4,
    });
    expect(n.normalize(trade(PUT_1DTE, T, px(3), 1, 'A', 12))).toBeNull();
    expect(n.normalize(trade(QUARTERLY, T, px(3), 1, 'A', 13))).toBeNull();
    expect(n.dropped).toEqual({ option_not_0dte: 2 });
    const attach = new OptionQuoteAttacher();
    attach.apply(on as never);
    expect(attach.apply(ot as never)).toMatchObject({ opt_bid: 12.25, opt_ask: 12.75 });
  });

  it('maps a DBN definition to the canonical definition', () => {
    const def = definitionFromDbn(definition(CALL, 'E1AX5 C6850', 'C', 6850, 1762203600000000000n, 'ESZ5'));
    expect(def).toMatchObject({
      instrument_id: CALL,
      raw_symbol: 'E1AX5 C6850',
      strike: 6850,
      right: 'C',
      exp_date: D,
      underlying: 'ESZ5',
      security_type: 'OOF',
      asset: 'E1A',
      contract_multiplier: 50,
    });
  });

  it('counts records it does not handle', () => {
    const n = new DbnNormalizer({ mappings });
    const ohlcv = {
      length: 14,
      rtype: 0x20,
      publisher_id: 1,
      instrument_id: FUT,
      ts_event: T,
      record_type: 'OhlcvMsg',
      open: 1n,
      high: 1n,
      low: 1n,
      close: 1n,
      volume: 1n,
    } as DbnRecord<'bigint'>;
    expect(n.normalize(ohlcv)).toBeNull();
    expect(n.dropped.unsupported_record).toBe(1);
  });
});
