import {
  type CanonicalKey,
  compareEventIds,
  type FuturesTrade,
  formatEventId,
  type MarketEvent,
  type MBP10,
  type OptionTrade,
} from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalKeyOf,
  compareMarketEvents,
  dedupeByEventId,
  dedupeByEventIdAsync,
  mergeMarketEvents,
  mergeMarketEventsAsync,
  mergeSorted,
  mergeSortedAsync,
  SourceOrderError,
} from '../src/replay/index.js';

// ------------------------------------------------------------------------------------------------ helpers

interface Item {
  k: number;
  src: number;
  pos: number;
}
const byK = (a: Item, b: Item): number => a.k - b.k;

/** k sorted sources of small keys (many ties), items tagged with their source and position. */
const sourcesArb = fc
  .array(
    fc.array(fc.nat(12), { maxLength: 15 }).map((keys) => keys.sort((a, b) => a - b)),
    { maxLength: 7 },
  )
  .map((sources) => sources.map((keys, src) => keys.map((k, pos): Item => ({ k, src, pos }))));

async function* toAsync<T>(items: readonly T[], delays: readonly number[] = []): AsyncGenerator<T> {
  let i = 0;
  for (const item of items) {
    const ticks = delays[i++ % Math.max(delays.length, 1)] ?? 0;
    for (let t = 0; t < ticks; t++) await Promise.resolve();
    yield item;
  }
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** A sync source that counts how many items were pulled from it and whether it was closed. */
function instrumented<T>(items: readonly T[]) {
  const state = { pulled: 0, closed: false };
  const iterable: Iterable<T> = {
    [Symbol.iterator]: () => {
      let i = 0;
      return {
        next: (): IteratorResult<T> => {
          if (i >= items.length) return { done: true, value: undefined };
          state.pulled++;
          return { done: false, value: items[i++] as T };
        },
        return: (): IteratorResult<T> => {
          state.closed = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { iterable, state };
}

/** The async twin of {@link instrumented}. */
function instrumentedAsync<T>(items: readonly T[]) {
  const state = { pulled: 0, closed: false };
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return {
        next: async (): Promise<IteratorResult<T>> => {
          await Promise.resolve();
          if (i >= items.length) return { done: true, value: undefined };
          state.pulled++;
          return { done: false, value: items[i++] as T };
        },
        return: async (): Promise<IteratorResult<T>> => {
          state.closed = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { iterable, state };
}

const T0 = 1_765_897_231_000_000_000n;

const keyArb: fc.Arbitrary<CanonicalKey> = fc.record({
  tag: fc.constantFrom('FT', 'OT', 'MB', 'ON'),
  symbol: fc.constantFrom('ESZ5', 'ESH6', 'E1AZ5 C6850', 'EW3Z5 P6800'),
  ts_event_ns: fc.bigInt({ min: T0, max: T0 + 4n }),
  seq: fc.option(fc.bigInt({ min: 0n, max: 4n }), { nil: null }),
  dup_ordinal: fc.nat(2),
});

/** Minimal id-carrying events: enough for the canonical merge, which reads only `event_id`. */
interface Ev {
  event_id: string;
  ts_event_ns: bigint;
}
const ev = (key: CanonicalKey): Ev => ({ event_id: formatEventId(key), ts_event_ns: key.ts_event_ns });

function futuresTrade(seq: bigint, dup: number, ts: bigint): FuturesTrade {
  return {
    event_id: formatEventId({ tag: 'FT', symbol: 'ESZ5', ts_event_ns: ts, seq, dup_ordinal: dup }),
    ts_event_ns: ts,
    ts_recv_ns: ts + 412_345n,
    source: 'replay',
    symbol: 'ESZ5',
    price: 6850.25,
    size: 1,
    aggressor: 1,
    exchange: 'CME',
    conditions: null,
    seq,
  };
}

function book(seq: bigint, ts: bigint): MBP10 {
  return {
    event_id: formatEventId({ tag: 'MB', symbol: 'ESZ5', ts_event_ns: ts, seq, dup_ordinal: 0 }),
    ts_event_ns: ts,
    ts_recv_ns: ts,
    source: 'replay',
    symbol: 'ESZ5',
    levels: Array.from({ length: 10 }, () => ({ bid_px: 0, bid_sz: 0, ask_px: 0, ask_sz: 0 })),
    is_snapshot: false,
    seq,
  };
}

function optionTrade(seq: bigint, ts: bigint): OptionTrade {
  const option_symbol = 'E1AZ5 C6850';
  return {
    event_id: formatEventId({ tag: 'OT', symbol: option_symbol, ts_event_ns: ts, seq, dup_ordinal: 0 }),
    ts_event_ns: ts,
    ts_recv_ns: ts,
    source: 'replay',
    underlying: 'ES',
    underlying_contract: 'ESZ5',
    option_symbol,
    exp_date: '2025-11-03',
    expiration_ns: 1_762_203_600_000_000_000n,
    strike: 6850,
    right: 'C',
    price: 12.5,
    size: 2,
    opt_bid: null,
    opt_ask: null,
    aggressor: 0,
    conditions: null,
    seq,
  };
}

// ------------------------------------------------------------------------------------------------ generic merge

describe('mergeSorted', () => {
  it('merges small sources (example)', () => {
    expect([...mergeSorted([[1, 4, 9], [2, 3], [], [4]], (a, b) => a - b)]).toEqual([1, 2, 3, 4, 4, 9]);
    expect([...mergeSorted([], (a: number, b: number) => a - b)]).toEqual([]);
  });

  it('equals a stable sort of the concatenated sources: sorted, a permutation, ties in source order', () => {
    fc.assert(
      fc.property(sourcesArb, (sources) => {
        const merged = [...mergeSorted(sources, byK, { checkOrder: true })];
        // Sorted by key.
        for (let i = 1; i < merged.length; i++)
          expect((merged[i - 1] as Item).k).toBeLessThanOrEqual((merged[i] as Item).k);
        // Permutation: the same objects, each exactly once.
        const all = sources.flat();
        expect(merged.length).toBe(all.length);
        expect(new Set(merged)).toEqual(new Set(all));
        // Stable: equal keys by source index, then position.
        for (let i = 1; i < merged.length; i++) {
          const a = merged[i - 1] as Item;
          const b = merged[i] as Item;
          if (a.k === b.k) expect(a.src < b.src || (a.src === b.src && a.pos < b.pos)).toBe(true);
        }
        // Reference: Array.prototype.sort is stable.
        expect(merged).toEqual([...all].sort(byK));
      }),
    );
  });

  it('async and sync merges agree, whatever the source timing', async () => {
    await fc.assert(
      fc.asyncProperty(sourcesArb, fc.array(fc.nat(3), { minLength: 1, maxLength: 5 }), async (sources, delays) => {
        const sync = [...mergeSorted(sources, byK)];
        const mixed = sources.map((items, i) => (i % 2 === 0 ? toAsync(items, delays) : items));
        expect(await collect(mergeSortedAsync(mixed, byK, { checkOrder: true }))).toEqual(sync);
      }),
    );
  });

  it('pulls lazily: never more than one item ahead per source', () => {
    fc.assert(
      fc.property(sourcesArb, (sources) => {
        const probes = sources.map((items) => instrumented(items));
        const merged = mergeSorted(
          probes.map((p) => p.iterable),
          byK,
        );
        expect(probes.every((p) => p.state.pulled === 0)).toBe(true); // nothing read before the first request
        const consumed = sources.map(() => 0);
        for (;;) {
          const next = merged.next();
          if (next.done) break;
          consumed[next.value.src] = (consumed[next.value.src] ?? 0) + 1;
          for (const [i, p] of probes.entries()) {
            expect(p.state.pulled - (consumed[i] ?? 0)).toBeLessThanOrEqual(1);
            expect(p.state.pulled - (consumed[i] ?? 0)).toBeGreaterThanOrEqual(0);
          }
        }
        for (const [i, p] of probes.entries()) expect(p.state.pulled).toBe(sources[i]?.length);
      }),
    );
  });

  it('async merge pulls lazily too', async () => {
    await fc.assert(
      fc.asyncProperty(sourcesArb, async (sources) => {
        const probes = sources.map((items) => instrumentedAsync(items));
        const merged = mergeSortedAsync(
          probes.map((p) => p.iterable),
          byK,
        );
        const consumed = sources.map(() => 0);
        for (;;) {
          const next = await merged.next();
          if (next.done) break;
          consumed[next.value.src] = (consumed[next.value.src] ?? 0) + 1;
          for (const [i, p] of probes.entries()) expect(p.state.pulled - (consumed[i] ?? 0)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('closes every open source when the consumer stops early', async () => {
    const sources = [
      [1, 5, 9],
      [2, 6],
      [3, 4, 8],
    ].map((keys, src) => keys.map((k, pos): Item => ({ k, src, pos })));
    const probes = sources.map((items) => instrumented(items));
    for (const item of mergeSorted(
      probes.map((p) => p.iterable),
      byK,
    )) {
      if (item.k === 3) break;
    }
    expect(probes.map((p) => p.state.closed)).toEqual([true, true, true]);

    const asyncProbes = sources.map((items) => instrumentedAsync(items));
    for await (const item of mergeSortedAsync(
      asyncProbes.map((p) => p.iterable),
      byK,
    )) {
      if (item.k === 3) break;
    }
    expect(asyncProbes.map((p) => p.state.closed)).toEqual([true, true, true]);
  });

  it('propagates a source failure and closes the other sources', async () => {
    const ok = instrumentedAsync([{ k: 1, src: 0, pos: 0 }]);
    async function* failing(): AsyncGenerator<Item> {
      yield { k: 0, src: 1, pos: 0 };
      throw new Error('disk on fire');
    }
    await expect(collect(mergeSortedAsync([ok.iterable, failing()], byK))).rejects.toThrow('disk on fire');
    expect(ok.state.closed).toBe(true);
  });

  it('with checkOrder, an unsorted source throws SourceOrderError naming the source and the two items', () => {
    const sources = [
      [1, 2, 3],
      [4, 6, 5, 7],
    ].map((keys, src) => keys.map((k, pos): Item => ({ k, src, pos })));
    const run = () => [
      ...mergeSorted(sources, byK, { checkOrder: true, describe: (item) => `k=${item.k}@${item.src}/${item.pos}` }),
    ];
    expect(run).toThrow(SourceOrderError);
    try {
      run();
    } catch (error) {
      expect(SourceOrderError.is(error)).toBe(true);
      if (!SourceOrderError.is(error)) throw error;
      expect(error.sourceIndex).toBe(1);
      expect(error.itemIndex).toBe(2);
      expect(error.previous).toBe('k=6@1/1');
      expect(error.next).toBe('k=5@1/2');
      expect(error.message).toContain('source 1');
    }
    // Without the check the merge does not compare within a source and does not throw.
    expect([...mergeSorted(sources, byK)]).toHaveLength(7);
  });

  it('SourceOrderError.is recognises the brand only', () => {
    expect(SourceOrderError.is(new Error('x'))).toBe(false);
    expect(SourceOrderError.is(null)).toBe(false);
    expect(SourceOrderError.is({ [Symbol.for('@spymaster/replay/SourceOrderError')]: true })).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------ canonical events

describe('mergeMarketEvents', () => {
  it('reproduces the B.7 order at one timestamp: FT/0, FT/1, OT, MB', () => {
    const T = 1_765_897_231_000_000_000n;
    const trades = [futuresTrade(100n, 0, T), futuresTrade(100n, 1, T)];
    const options = [optionTrade(98n, T)];
    const books = [book(100n, T)];
    const expected = ['FT-ESZ5-T-100-0', 'FT-ESZ5-T-100-1', 'OT-E1AZ5_C6850-T-98-0', 'MB-ESZ5-T-100-0'].map((id) =>
      id.replace('-T-', `-${T}-`),
    );
    // Whatever order the per-type sources are given in.
    for (const sources of [
      [trades, options, books],
      [books, options, trades],
      [options, books, trades],
    ] as MarketEvent[][][]) {
      expect([...mergeMarketEvents(sources)].map((e) => e.event_id)).toEqual(expected);
    }
  });

  it('merging per-type sources of formatted ids yields the canonical order (B.4.6, B.8.3)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(keyArb, { selector: formatEventId, maxLength: 60 }), (keys) => {
        const events = keys.map(ev);
        const byTag = ['FT', 'OT', 'MB', 'ON'].map((tag) =>
          events
            .filter((e) => e.event_id.startsWith(`${tag}-`))
            .sort((a, b) => compareEventIds(a.event_id, b.event_id)),
        );
        const merged = [...mergeMarketEvents(byTag)].map((e) => e.event_id);
        const expected = events.map((e) => e.event_id).sort(compareEventIds);
        expect(merged).toEqual(expected);
        for (let i = 1; i < merged.length; i++)
          expect(compareEventIds(merged[i - 1] as string, merged[i] as string)).toBeLessThan(0);
      }),
    );
  });

  it('overlapping sources: duplicates come out adjacent and dedupeByEventId leaves the canonical sequence', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(keyArb, { selector: formatEventId, maxLength: 40 }),
        fc.array(fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        async (keys, membership) => {
          const events = keys.map(ev).sort(compareMarketEvents);
          // Each source (e.g. overlapping files) holds a sorted subset; every event is in at least one source.
          const sources = membership.map((mask) => events.filter((_, i) => mask[i]));
          sources.push(events.filter((_, i) => !membership.some((mask) => mask[i])));
          // Distinct copies per source, tagged, to see which copy survives.
          const tagged = sources.map((source, src) => source.map((e) => ({ ...e, src })));
          let dropped = 0;
          const unique = [...dedupeByEventId(mergeMarketEvents(tagged), { onDuplicate: () => dropped++ })];
          expect(unique.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
          expect(dropped).toBe(sources.flat().length - events.length);
          // The copy kept is the one from the lowest source index (the merge is stable).
          for (const e of unique) {
            expect(e.src).toBe(tagged.findIndex((source) => source.some((x) => x.event_id === e.event_id)));
          }
          const asyncUnique = await collect(
            dedupeByEventIdAsync(mergeMarketEventsAsync(tagged.map((s) => toAsync(s, [1, 0, 2])))),
          );
          expect(asyncUnique).toEqual(unique);
        },
      ),
    );
  });

  it('throws SourceOrderError with both event ids for a source out of canonical order', () => {
    const T = 1_765_897_231_000_000_000n;
    const books = [book(1n, T), book(3n, T + 1n), book(2n, T + 1n)];
    try {
      const sources: MarketEvent[][] = [[futuresTrade(5n, 0, T)], books];
      [...mergeMarketEvents(sources)];
      expect.unreachable('an unsorted source must throw');
    } catch (error) {
      if (!SourceOrderError.is(error)) throw error;
      expect(error.sourceIndex).toBe(1);
      expect(error.itemIndex).toBe(2);
      expect(error.previous).toBe(`MB-ESZ5-${T + 1n}-3-0`);
      expect(error.next).toBe(`MB-ESZ5-${T + 1n}-2-0`);
    }
    // The check can be switched off.
    expect([...mergeMarketEvents([books], { checkOrder: false })]).toHaveLength(3);
  });
});

describe('compareMarketEvents', () => {
  it('agrees with compareEventIds and is antisymmetric', () => {
    fc.assert(
      fc.property(keyArb, keyArb, (ka, kb) => {
        const a = ev(ka);
        const b = ev(kb);
        expect(Math.sign(compareMarketEvents(a, b))).toBe(Math.sign(compareEventIds(a.event_id, b.event_id)));
        // `+ 0` so that equal keys compare 0 with 0, not 0 with −0 (toBe uses Object.is).
        expect(Math.sign(compareMarketEvents(b, a)) + 0).toBe(-Math.sign(compareMarketEvents(a, b)) + 0);
        expect(compareMarketEvents(a, a)).toBe(0);
      }),
    );
  });

  it('parses each id once (cached) but notices a changed id', () => {
    const e = ev({ tag: 'MB', symbol: 'ESZ5', ts_event_ns: T0, seq: 1n, dup_ordinal: 0 });
    const first = canonicalKeyOf(e);
    expect(canonicalKeyOf(e)).toBe(first);
    e.event_id = formatEventId({ tag: 'FT', symbol: 'ESZ5', ts_event_ns: T0 + 9n, seq: null, dup_ordinal: 0 });
    expect(canonicalKeyOf(e)).toEqual({ tag: 'FT', symbol: 'ESZ5', ts_event_ns: T0 + 9n, seq: null, dup_ordinal: 0 });
  });

  it('sorting any permutation yields one sequence (B.8.3)', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(keyArb, { selector: formatEventId, maxLength: 40 })
          .chain((keys) =>
            fc.tuple(fc.constant(keys), fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length })),
          ),
        ([keys, shuffled]) => {
          const a = keys.map(ev).sort(compareMarketEvents);
          const b = shuffled.map(ev).sort(compareMarketEvents);
          expect(b.map((e) => e.event_id)).toEqual(a.map((e) => e.event_id));
        },
      ),
    );
  });
});

describe('dedupeByEventId', () => {
  it('drops adjacent duplicates only', async () => {
    const ids = ['a', 'a', 'b', 'a', 'c', 'c', 'c'].map((event_id) => ({ event_id }));
    const dropped: string[] = [];
    const out = [...dedupeByEventId(ids, { onDuplicate: (e) => dropped.push(e.event_id) })];
    expect(out.map((e) => e.event_id)).toEqual(['a', 'b', 'a', 'c']);
    expect(out[0]).toBe(ids[0]); // the first copy is kept
    expect(dropped).toEqual(['a', 'c', 'c']);
    expect((await collect(dedupeByEventIdAsync(ids))).map((e) => e.event_id)).toEqual(['a', 'b', 'a', 'c']);
  });
});
