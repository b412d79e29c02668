// End to end: DBN streams of futures and options → canonical events in canonical order, with quotes.
import { compareEventIds, formatEventId, type MarketEvent } from '@spymaster/schemas';
import { etToNs } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNDEF_PRICE } from '../src/dbn/constants.js';
import type { Metadata } from '../src/dbn/metadata.js';
import type { DbnRecord, Mbp1Msg, Mbp10Msg, TradeMsg } from '../src/dbn/records.js';
import { definitionFromDbn } from '../src/normalize/normalizer.js';
import {
  canonicalEvents,
  compareCanonicalEvents,
  emptyPipelineStats,
  loadDefinitions,
  type RecordSource,
} from '../src/normalize/pipeline.js';

const T = etToNs('2025-11-03', '10:00');
const px = (points: number) => BigInt(Math.round(points * 4)) * 250_000_000n;

function source(records: DbnRecord<'bigint'>[], mappings: Metadata['mappings'] = []): RecordSource {
  const metadata = { mappings } as unknown as Metadata;
  return {
    metadata,
    async *[Symbol.asyncIterator]() {
      yield* records;
    },
  };
}

function trade(id: number, dt: number, price: number, seq: number): TradeMsg {
  const ts = T + BigInt(dt);
  return {
    length: 12,
    rtype: 0,
    publisher_id: 1,
    instrument_id: id,
    ts_event: ts,
    record_type: 'TradeMsg',
    price: px(price),
    size: 1,
    action: 'T',
    side: 'B',
    flags: 128,
    depth: 0,
    ts_recv: ts + 1000n,
    ts_in_delta: 0,
    sequence: seq,
  };
}
const level = (b: number, a: number) => ({ bid_px: px(b), ask_px: px(a), bid_sz: 5, ask_sz: 5, bid_ct: 1, ask_ct: 1 });
function book(dt: number, seq: number): Mbp10Msg {
  return {
    ...trade(1, dt, 6850, seq),
    length: 92,
    rtype: 10,
    record_type: 'Mbp10Msg',
    action: 'A',
    levels: Array.from({ length: 10 }, (_, i) => level(6850 - i * 0.25, 6850.25 + i * 0.25)),
  };
}
function quote(id: number, dt: number, bid: number, ask: number, seq: number): Mbp1Msg {
  return {
    ...trade(id, dt, bid, seq),
    length: 20,
    rtype: 1,
    record_type: 'Mbp1Msg',
    action: 'A',
    levels: [level(bid, ask)],
  };
}

const FUT = [{ raw_symbol: 'ESZ5', intervals: [{ start_date: '2025-11-01', end_date: '2025-11-10', symbol: '1' }] }];

describe('canonicalEvents', () => {
  it('merges futures and option streams into canonical order and completes option trades', async () => {
    // Minimal option definition through the normalizer's own mapping function.
    const { InstrumentMap } = await import('../src/symbology/instrument-map.js');
    const instruments = new InstrumentMap();
    instruments.add({
      ...definitionFromDbn({
        instrument_id: 7,
        ts_event: T - 10n ** 12n,
        ts_recv: T - 10n ** 12n,
        raw_symbol: 'E1AX5 C6850',
        instrument_class: 'C',
        security_type: 'OOF',
        asset: 'E1A',
        underlying: 'ESZ5',
        strike_price: px(6850),
        expiration: 1762203600000000000n,
        security_update_action: 'A',
        min_price_increment: 50_000_000n,
        contract_multiplier: 50,
      } as never),
    });
    const futures = source([trade(1, 100, 6850.25, 10), book(100, 11), trade(1, 90, 6850, 9), book(300, 12)], FUT);
    const options = source([
      quote(7, 50, 12.25, 12.75, 20),
      trade(7, 100, 12.5, 21),
      quote(7, 100, 12.5, 13, 22),
      trade(7, 200, 13, 23),
    ]);
    const stats = emptyPipelineStats();
    const events: MarketEvent[] = [];
    for await (const e of canonicalEvents([futures, options], { instruments, stats })) events.push(e);
    const ids = events.map((e) => e.event_id);
    expect([...ids].sort(compareEventIds)).toEqual(ids);
    // At T+100: futures trade, option trade, book, option quote (type rank beats sequence).
    expect(ids.filter((id) => id.includes(`-${T + 100n}-`)).map((id) => id.slice(0, 2))).toEqual([
      'FT',
      'OT',
      'MB',
      'ON',
    ]);
    const optionTrades = events.filter((e) => e.event_id.startsWith('OT')) as {
      opt_bid: number | null;
      opt_ask: number | null;
    }[];
    // The trade at T+100 sees the quote of T+50, not the one of its own timestamp; the next sees T+100's.
    expect(optionTrades.map((t) => [t.opt_bid, t.opt_ask])).toEqual([
      [12.25, 12.75],
      [12.5, 13],
    ]);
    expect(stats.produced).toEqual({ FT: 2, MB: 2, OT: 2, ON: 2 });
    expect(stats.late).toBe(0);
  });

  it('counts what it drops and events later than the sort window', async () => {
    const stats = emptyPipelineStats();
    // T+2 s is released once T+3 s arrives (500 ms window); T+1 s then comes after it: late.
    const late = source(
      [
        trade(1, 0, 6850, 1),
        trade(1, 2e9, 6850, 2),
        trade(1, 3e9, 6850, 3),
        trade(1, 1e9, 6850, 4),
        { ...trade(1, 4e9, 6850, 5), price: UNDEF_PRICE },
      ],
      FUT,
    );
    const events: MarketEvent[] = [];
    for await (const e of canonicalEvents([late], { stats, sortWindowMs: 500 })) events.push(e);
    expect(events.map((e) => e.ts_event_ns - T)).toEqual([0n, 2_000_000_000n, 3_000_000_000n]);
    expect(stats.late).toBe(1);
    expect(stats.dropped).toEqual({ bad_price: 1 });
  });

  it('loadDefinitions fills an instrument map from definition streams', async () => {
    const defs = source([]);
    const map = await loadDefinitions([defs]);
    expect(map.size).toBe(0);
  });
});

describe('compareCanonicalEvents', () => {
  // Events reduced to what the comparison reads; the type shows in the fields (levels, option_symbol, bid_sz).
  const eventArb = fc
    .record({
      tag: fc.constantFrom('FT', 'OT', 'MB', 'ON'),
      future: fc.constantFrom('ESZ5', 'ESH6'),
      option: fc.constantFrom('E1AX5 C6850', 'E1AX5 P6850', 'E1AX5 C685'),
      dt: fc.integer({ min: 0, max: 2 }),
      seq: fc.option(fc.integer({ min: 0, max: 2 }).map(BigInt)),
      dup: fc.integer({ min: 0, max: 11 }),
    })
    .map(({ tag, future, option, dt, seq, dup }) => {
      const ts = T + BigInt(dt);
      const symbol = tag === 'FT' || tag === 'MB' ? future : option;
      const event_id = formatEventId({ tag, symbol, ts_event_ns: ts, seq, dup_ordinal: dup });
      const common = { event_id, ts_event_ns: ts };
      if (tag === 'FT') return { ...common, symbol, seq } as unknown as MarketEvent;
      if (tag === 'MB') return { ...common, symbol, levels: [], seq } as unknown as MarketEvent;
      if (tag === 'OT') return { ...common, option_symbol: option, price: 1, seq } as unknown as MarketEvent;
      return { ...common, option_symbol: option, bid_px: 1, bid_sz: 1, seq } as unknown as MarketEvent;
    });

  it('orders events as their ids do (compareEventIds)', () => {
    fc.assert(
      fc.property(eventArb, eventArb, (a, b) => {
        expect(Math.sign(compareCanonicalEvents(a, b))).toBe(Math.sign(compareEventIds(a.event_id, b.event_id)));
      }),
      { numRuns: 2000 },
    );
  });
});
