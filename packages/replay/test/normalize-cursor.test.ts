// The cursor path of the normalizer and the pipeline's fast path give exactly what the object path gives,
// the dup-ordinal counter matches a plain map, and stopping a pipeline early closes its sources.
import type { MarketEvent, MBP10 } from '@spymaster/schemas';
import { etToNs } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNDEF_PRICE } from '../src/dbn/constants.js';
import { INSTRUMENT_DEF_MSG_V3, RTYPE } from '../src/dbn/layouts.js';
import type { MetadataInput } from '../src/dbn/metadata.js';
import { DbnStream, forEachRecordSync, openDbn } from '../src/dbn/open.js';
import type { DbnRecord, InstrumentDefMsgV3 } from '../src/dbn/records.js';
import { decodeDbn, encodeDbn } from '../src/index.js';
import { KeyCounter } from '../src/normalize/key-counter.js';
import { DbnNormalizer } from '../src/normalize/normalizer.js';
import { canonicalEventBatches, emptyPipelineStats, type RecordSource } from '../src/normalize/pipeline.js';

const D = '2025-11-03';
const T = etToNs(D, '10:00');
const FUT = 1001;
const FUT_NEXT = 1002;
const CALL = 2001;
const metadata: MetadataInput = {
  version: 3,
  dataset: 'GLBX.MDP3',
  schema: null,
  start: T,
  end: T + 10n ** 12n,
  limit: 0n,
  stype_in: 'raw_symbol',
  stype_out: 'instrument_id',
  ts_out: false,
  symbol_cstr_len: 71,
  symbols: [],
  partial: [],
  not_found: [],
  mappings: [
    { raw_symbol: 'ESZ5', intervals: [{ start_date: '2025-11-01', end_date: '2025-11-05', symbol: String(FUT) }] },
    { raw_symbol: 'ESH6', intervals: [{ start_date: '2025-11-01', end_date: '2025-11-05', symbol: String(FUT_NEXT) }] },
  ],
};

/** A v3 definition record with every field zero, decoded from zero bytes. */
function zeroDefinition(): InstrumentDefMsgV3 {
  const bytes = new Uint8Array(INSTRUMENT_DEF_MSG_V3.size);
  bytes[0] = INSTRUMENT_DEF_MSG_V3.size / 4;
  bytes[1] = RTYPE.INSTRUMENT_DEF;
  return decodeDbn(bytes, { fragment: true, version: 3 }).records[0] as InstrumentDefMsgV3;
}

const definition: InstrumentDefMsgV3 = {
  ...zeroDefinition(),
  instrument_id: CALL,
  ts_event: T - 3_600_000_000_000n,
  ts_recv: T - 3_600_000_000_000n,
  raw_symbol: 'E1AX5 C6850',
  instrument_class: 'C',
  security_type: 'OOF',
  strike_price: 6_850_000_000_000n,
  expiration: 1762203600000000000n,
  underlying: 'ESZ5',
  asset: 'ES',
  security_update_action: 'A',
};

// Prices: ticks, the edge cases of the fast conversion (0, negative, UNDEF, beyond 2^53) and odd fixed points.
const priceArb = fc.oneof(
  fc.integer({ min: 27_000, max: 27_500 }).map((t) => BigInt(t) * 250_000_000n),
  fc.constantFrom(UNDEF_PRICE, 0n, -250_000_000n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), 2n ** 62n + 12345n),
  fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 2n }),
);
const levelArb = fc.record({
  bid_px: priceArb,
  ask_px: priceArb,
  bid_sz: fc.integer({ min: 0, max: 500 }),
  ask_sz: fc.integer({ min: 0, max: 500 }),
  bid_ct: fc.integer({ min: 0, max: 9 }),
  ask_ct: fc.integer({ min: 0, max: 9 }),
});
const recordArb: fc.Arbitrary<DbnRecord<'bigint'>> = fc
  .record({
    kind: fc.constantFrom('TradeMsg', 'Mbp1Msg', 'Mbp10Msg'),
    id: fc.constantFrom(FUT, FUT_NEXT, CALL, 77),
    dt: fc.integer({ min: 0, max: 50 }),
    price: priceArb,
    size: fc.integer({ min: 0, max: 20 }),
    side: fc.constantFrom('A', 'B', 'N'),
    action: fc.constantFrom('A', 'C', 'R', 'T'),
    flags: fc.constantFrom(0, 0x20, 0x80, 0xa0),
    // Few sequences, so keys repeat and dup ordinals count.
    sequence: fc.integer({ min: 0, max: 6 }),
    levels: fc.array(levelArb, { minLength: 10, maxLength: 10 }),
  })
  .map(({ kind, id, dt, price, size, side, action, flags, sequence, levels }) => {
    const ts = T + BigInt(dt);
    const body = {
      rtype: kind === 'TradeMsg' ? 0 : kind === 'Mbp1Msg' ? 1 : 10,
      publisher_id: 1,
      instrument_id: id,
      ts_event: ts,
      record_type: kind,
      price,
      size,
      action,
      side,
      flags,
      depth: 0,
      ts_recv: ts + 500n,
      ts_in_delta: 0,
      sequence,
    };
    const length = kind === 'TradeMsg' ? 12 : kind === 'Mbp1Msg' ? 20 : 92;
    const lv = kind === 'TradeMsg' ? undefined : kind === 'Mbp1Msg' ? levels.slice(0, 1) : levels;
    return { length, ...body, ...(lv ? { levels: lv } : {}) } as unknown as DbnRecord<'bigint'>;
  });

describe('DbnNormalizer.normalizeCursor', () => {
  it('gives the same events and drop counts as normalize of the decoded objects', () => {
    const produced = { FT: 0, OT: 0, MB: 0, ON: 0 };
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 60 }), (records) => {
        const bytes = encodeDbn(metadata, [definition, ...records]);
        const objects = new DbnNormalizer({ mappings: metadata.mappings, source: 'sim' });
        const cursor = new DbnNormalizer({ mappings: metadata.mappings, source: 'sim' });
        const expected = decodeDbn(bytes).records.map((r) => objects.normalize(r));
        const actual: unknown[] = [];
        forEachRecordSync(bytes, {}, (c) => actual.push(cursor.normalizeCursor(c)));
        expect(actual).toEqual(expected);
        // Prices bit-identical (toEqual treats 0 and -0 alike; Object.is does not).
        expect(JSON.stringify(actual, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(
          JSON.stringify(expected, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
        );
        expect(cursor.dropped).toEqual(objects.dropped);
        expect(cursor.produced).toEqual(objects.produced);
        for (const tag of ['FT', 'OT', 'MB', 'ON'] as const) produced[tag] += cursor.produced[tag];
      }),
      { numRuns: 200 },
    );
    // The generator reaches every event type (a property over only dropped records would prove little).
    expect(Math.min(...Object.values(produced))).toBeGreaterThan(0);
  });
});

describe('remembered instrument resolutions', () => {
  const DAY = 86_400_000_000_000n;
  // Definitions of three instruments changing during two trade dates (add, modify, delete; option or future;
  // 0DTE or not), mixed with records of those instruments whose receive times jump back and forth.
  const definitionArb = fc
    .record({
      id: fc.constantFrom(CALL, CALL + 1, FUT),
      day: fc.integer({ min: 0, max: 1 }),
      dt: fc.integer({ min: -5, max: 40 }),
      action: fc.constantFrom('A', 'M', 'M', 'D'),
      cls: fc.constantFrom('C', 'C', 'P', 'F'),
      underlying: fc.constantFrom('ESZ5', 'ESZ5', 'ESH6'),
      // Mostly expiring on the trade date of its receive time (0DTE on that date).
      expShift: fc.constantFrom(0, 0, 0, 1),
    })
    .map(({ id, day, dt, action, cls, underlying, expShift }): DbnRecord<'bigint'> => {
      const expDay = (day + expShift) % 2;
      const ts = T + BigInt(day) * DAY + BigInt(dt);
      const raw_symbol = id === FUT ? 'ESZ5' : id === CALL ? 'E1AX5 C6850' : 'E1AX5 P6850';
      return {
        ...definition,
        instrument_id: id,
        ts_event: ts,
        ts_recv: ts,
        raw_symbol,
        instrument_class: cls,
        underlying,
        expiration: (definition.expiration as bigint) + BigInt(expDay) * DAY,
        security_update_action: action,
      };
    });
  const marketArb = fc
    .tuple(
      recordArb,
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: -10, max: 40 }),
      fc.constantFrom(FUT, CALL, CALL, CALL + 1, CALL + 1),
    )
    .map(([record, day, recv, id]) => {
      const r = record as DbnRecord<'bigint'> & { ts_event: bigint };
      const ts = r.ts_event + BigInt(day) * DAY;
      return { ...r, instrument_id: id, ts_event: ts, ts_recv: ts + BigInt(recv) } as DbnRecord<'bigint'>;
    });
  const streamArb = fc
    .tuple(
      fc.array(definitionArb, { minLength: 1, maxLength: 6 }),
      fc.array(fc.oneof({ weight: 1, arbitrary: definitionArb }, { weight: 4, arbitrary: marketArb }), {
        maxLength: 80,
      }),
    )
    .map(([first, rest]) => [...first, ...rest]);

  it('see a definition that arrives after the instrument was resolved', () => {
    const trade = (dt: bigint): DbnRecord<'bigint'> =>
      ({
        length: 12,
        rtype: 0,
        publisher_id: 1,
        instrument_id: CALL,
        ts_event: T + dt,
        record_type: 'TradeMsg',
        price: 5_000_000_000n,
        size: 1,
        action: 'T',
        side: 'B',
        flags: 0,
        depth: 0,
        ts_recv: T + dt,
        ts_in_delta: 0,
        sequence: 1,
      }) as DbnRecord<'bigint'>;
    const deleted = { ...definition, ts_recv: T + 5n, security_update_action: 'D' } as DbnRecord<'bigint'>;
    const added = { ...definition, ts_recv: T } as DbnRecord<'bigint'>;
    const bytes = encodeDbn(metadata, [added, trade(10n), deleted, trade(20n), trade(3n)]);
    const cursor = new DbnNormalizer({ mappings: metadata.mappings, source: 'sim' });
    const kept: boolean[] = [];
    forEachRecordSync(bytes, {}, (c) => {
      if (c.rtype === RTYPE.MBP_0) kept.push(cursor.normalizeCursor(c) !== null);
      else cursor.normalizeCursor(c);
    });
    // Received after the delete: no definition (the option has no symbol then); before it: kept.
    expect(kept).toEqual([true, false, true]);
    expect(cursor.dropped).toEqual({ no_symbol: 1 });
  });

  it('give the events and drops of resolving every record afresh', () => {
    fc.assert(
      fc.property(streamArb, (records) => {
        const bytes = encodeDbn(metadata, records);
        const objects = new DbnNormalizer({ mappings: metadata.mappings, source: 'sim' });
        const cursor = new DbnNormalizer({ mappings: metadata.mappings, source: 'sim' });
        const expected = decodeDbn(bytes).records.map((r) => objects.normalize(r));
        const actual: unknown[] = [];
        forEachRecordSync(bytes, {}, (c) => actual.push(cursor.normalizeCursor(c)));
        expect(actual).toEqual(expected);
        expect(cursor.dropped).toEqual(objects.dropped);
      }),
      { numRuns: 300 },
    );
  });
});

describe('MBP-10 level reuse', () => {
  // Books as the vendor sends them: each record of an instrument changes a few levels of its previous one
  // (sometimes to the same value, sometimes to an empty side), interleaved with other instruments.
  // A change replaces a level, or moves one field a little (a price by its low or its high word).
  const changeArb = fc.oneof(
    levelArb.map((level) => ({ level })),
    fc.record({
      field: fc.constantFrom('bid_px', 'ask_px', 'bid_sz', 'ask_sz'),
      delta: fc.constantFrom(0, 1, -1, 2 ** 32, -(2 ** 32)),
    }),
  );
  const stepArb = fc.record({
    id: fc.constantFrom(FUT, FUT, FUT, FUT_NEXT, 77),
    dt: fc.integer({ min: 0, max: 3 }),
    sequence: fc.integer({ min: 0, max: 3 }),
    changes: fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), changeArb), { maxLength: 3 }),
  });
  const booksArb = fc.tuple(fc.array(levelArb, { minLength: 10, maxLength: 10 }), fc.array(stepArb, { maxLength: 80 }));

  type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
  type Level = ValueOf<typeof levelArb>;
  type Step = ValueOf<typeof stepArb>;

  function bookRecords([initial, steps]: [Level[], Step[]]): DbnRecord<'bigint'>[] {
    const last = new Map<number, Level[]>();
    let ts = T;
    return steps.map(({ id, dt, sequence, changes }) => {
      const levels = [...(last.get(id) ?? initial)];
      for (const [i, change] of changes) {
        const level = { ...(levels[i] as Level) };
        if ('level' in change) Object.assign(level, change.level);
        else if (change.field === 'bid_px' || change.field === 'ask_px') {
          level[change.field] = BigInt.asIntN(64, level[change.field] + BigInt(change.delta));
        } else level[change.field] = Math.max(0, (level[change.field] + change.delta) % 2 ** 32);
        levels[i] = level;
      }
      last.set(id, levels);
      ts += BigInt(dt);
      const record = {
        length: 92,
        rtype: 10,
        publisher_id: 1,
        instrument_id: id,
        ts_event: ts,
        record_type: 'Mbp10Msg',
        price: 6_850_000_000_000n,
        size: 1,
        action: 'A',
        side: 'B',
        flags: 0,
        depth: 0,
        ts_recv: ts + 500n,
        ts_in_delta: 0,
        sequence,
        levels,
      };
      return record as unknown as DbnRecord<'bigint'>;
    });
  }

  it('gives the levels of the plain definition, sharing the objects of unchanged levels', () => {
    let shared = 0;
    fc.assert(
      fc.property(booksArb, (books) => {
        const bytes = encodeDbn(metadata, bookRecords(books));
        const objects = new DbnNormalizer({ mappings: metadata.mappings, source: 'sim' });
        const cursor = new DbnNormalizer({ mappings: metadata.mappings, source: 'sim' });
        const expected = decodeDbn(bytes).records.map((r) => objects.normalize(r));
        const actual: (MarketEvent | null)[] = [];
        forEachRecordSync(bytes, {}, (c) => actual.push(cursor.normalizeCursor(c)));
        expect(JSON.stringify(actual, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(
          JSON.stringify(expected, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
        );
        // A level object is shared only between books of one symbol, and only while it is equal.
        const bySymbol = new Map<string, MBP10>();
        const owner = new Map<object, string>();
        for (const event of actual) {
          if (event === null || !('levels' in event)) continue;
          const previous = bySymbol.get(event.symbol);
          event.levels.forEach((level, i) => {
            expect(owner.get(level) ?? event.symbol).toBe(event.symbol);
            owner.set(level, event.symbol);
            if (previous?.levels[i] === level) shared++;
          });
          bySymbol.set(event.symbol, event);
        }
      }),
      { numRuns: 200 },
    );
    expect(shared).toBeGreaterThan(0);
  });
});

describe('KeyCounter', () => {
  it('counts like a map of keys, forgetting what is older than the horizon', () => {
    const op = fc.oneof(
      { weight: 12, arbitrary: fc.tuple(fc.constant('add' as const), fc.integer({ min: -40, max: 3 }), fc.nat(3)) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('forget' as const), fc.integer({ min: -60, max: 0 }), fc.nat(0)) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        const counter = new KeyCounter();
        const model = new Map<string, { t: number; n: number }>();
        let newest = 2 ** 32 + 100; // times cross a u32 boundary of the high word
        for (const [kind, delta, seq] of ops) {
          if (kind === 'add') {
            // Mostly increasing times with some far behind the newest (inserted aside) and repeats.
            const t = Math.max(0, newest + delta);
            newest = Math.max(newest, t);
            const key = `${t}:${seq}`;
            const seen = model.get(key);
            const expected = seen ? seen.n : 0;
            if (seen) seen.n++;
            else model.set(key, { t, n: 1 });
            expect(counter.add(Math.floor(t / 2 ** 32), t % 2 ** 32, seq)).toBe(expected);
          } else {
            const horizon = Math.max(0, newest + delta);
            for (const [k, v] of model) if (v.t < horizon) model.delete(k);
            counter.forgetBefore(Math.floor(horizon / 2 ** 32), horizon % 2 ** 32);
          }
          newest += 1;
        }
        expect(counter.size).toBe(model.size);
      }),
      { numRuns: 300 },
    );
  });
});

/** Bytes as an async iterable that records whether it was closed. */
function tracked(bytes: Uint8Array, chunk = 64): { source: AsyncGenerator<Uint8Array>; closed: () => boolean } {
  let closed = false;
  async function* source() {
    try {
      for (let at = 0; at < bytes.length; at += chunk) yield bytes.slice(at, at + chunk);
    } finally {
      closed = true;
    }
  }
  return { source: source(), closed: () => closed };
}

describe('early stop', () => {
  const records = Array.from(
    { length: 400 },
    (_, i) =>
      ({
        length: 12,
        rtype: 0,
        publisher_id: 1,
        instrument_id: FUT,
        ts_event: T + BigInt(i),
        record_type: 'TradeMsg',
        price: 6_850_000_000_000n,
        size: 1,
        action: 'T',
        side: 'B',
        flags: 0,
        depth: 0,
        ts_recv: T + BigInt(i) + 500n,
        ts_in_delta: 0,
        sequence: i,
      }) as DbnRecord<'bigint'>,
  );
  const bytes = encodeDbn(metadata, records);

  it('visitChunks closes the source when the consumer stops', async () => {
    const { source, closed } = tracked(bytes);
    const stream = await openDbn(source);
    let seen = 0;
    for await (const n of stream.visitChunks(() => undefined, 16)) {
      expect(n).toBeLessThanOrEqual(16);
      seen += n;
      if (seen >= 32) break;
    }
    expect(closed()).toBe(true);
  });

  it('visitChunks visits every record, whatever the step size', async () => {
    for (const step of [1, 7, 256, Number.POSITIVE_INFINITY]) {
      const stream = await openDbn(tracked(bytes, 37).source);
      let seen = 0;
      for await (const n of stream.visitChunks(() => undefined, step)) seen += n;
      expect(seen).toBe(records.length);
    }
  });

  it('canonicalEventBatches closes every source when the consumer stops, and matches the object path', async () => {
    const a = tracked(bytes);
    const b = tracked(bytes);
    const streams = [await openDbn(a.source), await openDbn(b.source)];
    expect(streams[0]).toBeInstanceOf(DbnStream);
    for await (const batch of canonicalEventBatches(streams)) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(a.closed() && b.closed()).toBe(true);

    // Whole run: the cursor path (DbnStream) and the object path (a plain record source) agree.
    const fast: unknown[] = [];
    const fastStats = emptyPipelineStats();
    for await (const batch of canonicalEventBatches([await openDbn(bytes), await openDbn(bytes)], {
      stats: fastStats,
    }))
      fast.push(...batch);
    const plain = (): RecordSource => {
      const { metadata: md, records: rs } = decodeDbn(bytes);
      return {
        metadata: md,
        async *[Symbol.asyncIterator]() {
          yield* rs;
        },
      };
    };
    const slow: unknown[] = [];
    const slowStats = emptyPipelineStats();
    for await (const batch of canonicalEventBatches([plain(), plain()], { stats: slowStats })) slow.push(...batch);
    expect(fast).toEqual(slow);
    expect(fastStats).toEqual(slowStats);
    expect(fastStats.duplicates).toBe(records.length);
  });
});
