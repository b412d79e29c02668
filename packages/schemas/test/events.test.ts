import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  type CanonicalKey,
  compareCanonicalKeys,
  compareEventIds,
  EventIdError,
  FuturesTradeRecord,
  formatEventId,
  MBP10Record,
  OptionNBBORecord,
  OptionTradeRecord,
  parseEventId,
} from '../src/events.js';
import { encodeMbp10Wire } from '../src/fast.js';
import { mbp10Arb, rowArb } from './arbitraries.js';

/** The wire form of levels-pipeline-lake.md B.7. */
const SPEC_WIRE =
  '{"event_id":"FT-ESH6-1765897231000000000-51234-0","ts_event_ns":"1765897231000000000","ts_recv_ns":"1765897231000412345","source":"replay","symbol":"ESH6","price":5010.5,"size":3,"aggressor":1,"exchange":"CME","conditions":null,"seq":"51234"}';

const jsonWithBigint = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

describe('canonical events', () => {
  it('decodes the spec’s wire example and encodes it back byte for byte', () => {
    const trade = FuturesTradeRecord.wire.parse(JSON.parse(SPEC_WIRE));
    expect(trade.ts_event_ns).toBe(1765897231000000000n);
    expect(trade.ts_recv_ns).toBe(1765897231000412345n);
    expect(trade.seq).toBe(51234n);
    expect(trade.price * 4).toBe(20042);
    expect(JSON.stringify(z.encode(FuturesTradeRecord.wire, trade))).toBe(SPEC_WIRE);
  });

  it('rejects bad events with the field named', () => {
    const base = JSON.parse(SPEC_WIRE);
    const bad: [Record<string, unknown>, string][] = [
      [{ ...base, ts_event_ns: 1765897231000000000 }, 'ts_event_ns'],
      [{ ...base, ts_event_ns: '1.5' }, 'ts_event_ns'],
      [{ ...base, size: 0 }, 'size'],
      [{ ...base, aggressor: 2 }, 'aggressor'],
      [{ ...base, price: -1 }, 'price'],
      [{ ...base, source: 'live' }, 'source'],
      [{ ...base, extra: 1 }, ''],
    ];
    for (const [value, field] of bad) {
      const result = FuturesTradeRecord.wire.safeParse(value);
      expect(result.success, JSON.stringify(value)).toBe(false);
      if (field) expect(result.error?.issues[0]?.path).toEqual([field]);
    }
  });

  for (const record of [FuturesTradeRecord, OptionTradeRecord, OptionNBBORecord]) {
    it(`${record.name}: JSON encode → decode preserves every int64 exactly`, () => {
      fc.assert(
        fc.property(rowArb(record.fields, { json: true }), (row) => {
          const json = JSON.stringify(z.encode(record.wire as z.ZodType, row));
          expect(record.wire.parse(JSON.parse(json))).toEqual(row);
        }),
      );
    });
  }

  it('futures.mbp10.v1: JSON round trip with 10 levels; other depths are rejected', () => {
    fc.assert(
      fc.property(mbp10Arb(), (event) => {
        const json = JSON.stringify(z.encode(MBP10Record.wire as z.ZodType, event));
        expect(json).toBe(jsonWithBigint(encodeMbp10Wire(event)));
        expect(MBP10Record.wire.parse(JSON.parse(json))).toEqual(event);
        expect(MBP10Record.schema.safeParse({ ...event, levels: event.levels.slice(1) }).success).toBe(false);
      }),
    );
  });
});

const keyArb: fc.Arbitrary<CanonicalKey> = fc.record({
  tag: fc.constantFrom('FT', 'OT', 'MB', 'ON' as const),
  symbol: fc.oneof(
    fc.constantFrom('ESZ5', 'ESH6', 'E1AZ5 C6850', 'EW3Z5 P6800', 'ESZ5-ESH6'),
    fc.stringMatching(/^[A-Z0-9][A-Z0-9 -]{0,10}$/),
  ),
  ts_event_ns: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
  seq: fc.option(fc.bigInt({ min: 0n, max: 2n ** 32n }), { nil: null }),
  dup_ordinal: fc.nat({ max: 1000 }),
});

describe('event ids and canonical order', () => {
  it('formats the ids of B.7 and orders them FT/0, FT/1, OT, MB', () => {
    const T = 1765897231000000000n;
    const ids = [
      formatEventId({ tag: 'MB', symbol: 'ESZ5', ts_event_ns: T, seq: 100n, dup_ordinal: 0 }),
      formatEventId({ tag: 'OT', symbol: 'E1AZ5 C6850', ts_event_ns: T, seq: 98n, dup_ordinal: 0 }),
      formatEventId({ tag: 'FT', symbol: 'ESZ5', ts_event_ns: T, seq: 100n, dup_ordinal: 1 }),
      formatEventId({ tag: 'FT', symbol: 'ESZ5', ts_event_ns: T, seq: 100n, dup_ordinal: 0 }),
    ];
    expect(ids[0]).toBe(`MB-ESZ5-${T}-100-0`);
    expect(ids[1]).toBe(`OT-E1AZ5_C6850-${T}-98-0`);
    expect([...ids].sort(compareEventIds)).toEqual([
      `FT-ESZ5-${T}-100-0`,
      `FT-ESZ5-${T}-100-1`,
      `OT-E1AZ5_C6850-${T}-98-0`,
      `MB-ESZ5-${T}-100-0`,
    ]);
  });

  it('puts a missing seq last', () => {
    const a = { tag: 'FT', symbol: 'ESZ5', ts_event_ns: 1n, seq: null, dup_ordinal: 0 } as const;
    const b = { ...a, seq: 5n };
    expect(compareCanonicalKeys(a, b)).toBeGreaterThan(0);
    expect(formatEventId(a)).toBe('FT-ESZ5-1-na-0');
    for (const seq of [0n, 5n, 100n, 2n ** 40n]) {
      expect(compareEventIds(formatEventId(a), formatEventId({ ...a, seq }))).toBeGreaterThan(0);
      expect(compareEventIds(formatEventId({ ...a, seq }), formatEventId(a))).toBeLessThan(0);
    }
  });

  it('property: parsing an id recovers its key', () => {
    fc.assert(
      fc.property(keyArb, (key) => {
        expect(parseEventId(formatEventId(key))).toEqual(key);
      }),
    );
  });

  it('property: the canonical order is a total order and id order equals key order', () => {
    fc.assert(
      fc.property(keyArb, keyArb, keyArb, (a, b, c) => {
        const ab = compareCanonicalKeys(a, b);
        expect(Math.sign(ab) + 0).toBe(-Math.sign(compareCanonicalKeys(b, a)) + 0); // + 0: no −0 vs 0 on equal keys
        expect(ab === 0).toBe(formatEventId(a) === formatEventId(b));
        if (ab <= 0 && compareCanonicalKeys(b, c) <= 0) expect(compareCanonicalKeys(a, c)).toBeLessThanOrEqual(0);
        expect(Math.sign(compareEventIds(formatEventId(a), formatEventId(b)))).toBe(Math.sign(ab));
      }),
    );
  });

  it('property: within one timestamp (a same-timestamp group) id order equals key order', () => {
    fc.assert(
      fc.property(keyArb, keyArb, fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), fc.nat(3), (a, b, ts, share) => {
        // Share the tag and seq too (often in real groups), so the symbol and dup_ordinal decide.
        const x = { ...a, ts_event_ns: ts };
        const y = {
          ...b,
          ts_event_ns: ts,
          ...(share > 0 ? { tag: a.tag } : {}),
          ...(share > 1 ? { seq: a.seq } : {}),
          ...(share > 2 ? { symbol: a.symbol } : {}),
        };
        expect(Math.sign(compareEventIds(formatEventId(x), formatEventId(y)))).toBe(
          Math.sign(compareCanonicalKeys(x, y)),
        );
      }),
    );
  });

  it('property: compareEventIds rejects exactly the ids parseEventId rejects', () => {
    const good = 'FT-ESZ5-1765897231000000000-100-0';
    const idArb = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.stringMatching(/^[A-Z]{2,3}-[A-Z0-9 _-]{0,8}-[0-9a]{0,4}-(na|n|[0-9]{0,3})-[0-9]{0,2}$/),
      keyArb.map(formatEventId),
    );
    fc.assert(
      fc.property(idArb, (id) => {
        let parseError: unknown = null;
        try {
          parseEventId(id);
        } catch (e) {
          parseError = e;
        }
        for (const [a, b] of [
          [id, good],
          [good, id],
        ] as const) {
          if (parseError === null) expect(() => compareEventIds(a, b)).not.toThrow();
          else expect(() => compareEventIds(a, b)).toThrow((parseError as Error).message);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: sorting any permutation gives one sequence', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(keyArb, { selector: formatEventId, maxLength: 30 }),
        fc.infiniteStream(fc.nat()),
        (keys, rnd) => {
          const ids = keys.map(formatEventId);
          const shuffled = [...ids];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (rnd.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j] as string, shuffled[i] as string];
          }
          expect([...shuffled].sort(compareEventIds)).toEqual([...ids].sort(compareEventIds));
        },
      ),
    );
  });

  it('rejects malformed ids with a typed error', () => {
    for (const id of [
      '',
      'XX-ESZ5-1-na-0',
      'FT-ESZ5-1-na',
      'FT--1-na-0',
      'FT-ESZ5-01-na-0',
      'FT-ESZ5-1-x-0',
      'FT-ESZ5-1-na--1',
    ]) {
      expect(() => parseEventId(id), id).toThrow(EventIdError);
    }
    expect(() => formatEventId({ tag: 'FT', symbol: 'ES_Z5', ts_event_ns: 1n, seq: null, dup_ordinal: 0 })).toThrow(
      EventIdError,
    );
    try {
      parseEventId('nope');
    } catch (error) {
      expect(EventIdError.is(error)).toBe(true);
    }
  });
});
