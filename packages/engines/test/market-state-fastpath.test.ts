/**
 * MarketState fast paths against their definitions (engines spec §1.2, §1.3, §1.4):
 * - the in-place MBP-10 update (one raw entry's size changed, or nothing) against the full load-and-diff path
 *   and against the test-only reference of reference-flow.ts;
 * - the lazy retention eviction (rings and window sums settle at the first query) against a state queried after
 *   every event;
 * - `optionFlowSums` (running per-contract sums over `W_g`) against `optionFlowIn`.
 */
import { type BookLevel, DEFAULT_CONFIG, type FuturesTrade, type MBP10, type OptionTrade } from '@spymaster/schemas';
import { etToNs } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketState, type MarketStateParams } from '../src/market-state.js';
import { type FlowRow, type RefEv, referenceDepthFlow } from './reference-flow.js';

const T0 = 1_765_895_400_000_000_000n;
const MS = 1_000_000n;
const F = 'ESH6';

function fut(ts: bigint, aggressor: number, size: number, price: number): FuturesTrade {
  return {
    event_id: `FT-${F}-${ts}`,
    ts_event_ns: ts,
    ts_recv_ns: ts,
    source: 'sim',
    symbol: F,
    price,
    size,
    aggressor,
    exchange: null,
    conditions: null,
    seq: null,
  };
}
function mbp(ts: bigint, levels: BookLevel[], is_snapshot = false): MBP10 {
  return {
    event_id: `MB-${F}-${ts}`,
    ts_event_ns: ts,
    ts_recv_ns: ts,
    source: 'sim',
    symbol: F,
    levels,
    is_snapshot,
    seq: null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Raw MBP-10 sequences: each record is a mutation of the previous raw array (the common vendor cases and the
// awkward ones: unchanged, one size, a size to/from empty, a price move, duplicate prices, a fresh book, a
// snapshot, non-integer sizes), with unchanged entries shared by identity or copied.

type Mut =
  | { kind: 'same' }
  | { kind: 'size'; i: number; bid: boolean; q: number }
  | { kind: 'price'; i: number; bid: boolean; d: number }
  | { kind: 'fresh'; book: BookLevel[] }
  | { kind: 'dup'; i: number; j: number };
type Step =
  | { kind: 'book'; dt: number; mut: Mut; share: boolean; snap: boolean }
  | { kind: 'trade'; dt: number; aggr: number; size: number; i: number; bid: boolean };

const arbSize = (integers: boolean) =>
  integers
    ? fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(0))
    : fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(0), fc.constantFrom(0.5, 1.25, 2.1));
const arbBook = (integers: boolean) =>
  fc
    .tuple(
      fc.integer({ min: 19_990, max: 20_010 }),
      fc.array(fc.tuple(arbSize(integers), arbSize(integers)), { minLength: 10, maxLength: 10 }),
      fc.boolean(),
    )
    .map(([mid, qs, shuffle]) => {
      const levels = qs.map(([bq, aq], i) => ({
        bid_px: bq > 0 ? (mid - i) * 0.25 : 0,
        bid_sz: bq,
        ask_px: aq > 0 ? (mid + 1 + i) * 0.25 : 0,
        ask_sz: aq,
      }));
      return shuffle ? [...levels.slice(5), ...levels.slice(0, 5)] : levels;
    });
const arbMut = (integers: boolean): fc.Arbitrary<Mut> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant<Mut>({ kind: 'same' }) },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('size' as const),
        i: fc.nat(9),
        bid: fc.boolean(),
        q: arbSize(integers),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('price' as const),
        i: fc.nat(9),
        bid: fc.boolean(),
        d: fc.integer({ min: -3, max: 3 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('fresh' as const), book: arbBook(integers) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('dup' as const), i: fc.nat(9), j: fc.nat(9) }) },
  );
const arbStep = (integers: boolean): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('book' as const),
        dt: fc.nat(3),
        mut: arbMut(integers),
        share: fc.boolean(),
        snap: fc.constant(false),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('trade' as const),
        dt: fc.nat(3),
        aggr: fc.constantFrom(1, -1, 0),
        size: fc.integer({ min: 1, max: 50 }),
        i: fc.nat(9),
        bid: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('book' as const),
        dt: fc.nat(3),
        mut: arbMut(integers),
        share: fc.boolean(),
        snap: fc.constant(true),
      }),
    },
  );
const arbScenario = (integers: boolean) =>
  fc.tuple(arbBook(integers), fc.array(arbStep(integers), { minLength: 1, maxLength: 120 }));

type Ev =
  | { kind: 'book'; ts: bigint; levels: BookLevel[]; snap: boolean }
  | { kind: 'trade'; ts: bigint; aggr: number; size: number; price: number };

/** Materialize a scenario: raw arrays (sharing unchanged entries by identity when asked) and trades at book prices. */
function build([first, steps]: [BookLevel[], Step[]]): Ev[] {
  let ts = T0;
  let cur = first;
  const out: Ev[] = [{ kind: 'book', ts, levels: cur, snap: false }];
  for (const s of steps) {
    ts += BigInt(s.dt) * MS;
    if (s.kind === 'trade') {
      const l = cur[s.i] as BookLevel;
      const price = s.bid ? l.bid_px : l.ask_px;
      if (price > 0) out.push({ kind: 'trade', ts, aggr: s.aggr, size: s.size, price });
      continue;
    }
    const next = cur.map((l) => (s.share ? l : { ...l }));
    const m = s.mut;
    if (m.kind === 'size') {
      const l = next[m.i] as BookLevel;
      next[m.i] = m.bid
        ? { ...l, bid_sz: m.q, bid_px: l.bid_px > 0 ? l.bid_px : 5000 }
        : { ...l, ask_sz: m.q, ask_px: l.ask_px > 0 ? l.ask_px : 5001 };
    } else if (m.kind === 'price') {
      const l = next[m.i] as BookLevel;
      next[m.i] = m.bid
        ? { ...l, bid_px: l.bid_px > 0 ? l.bid_px + m.d * 0.25 : 0 }
        : { ...l, ask_px: l.ask_px > 0 ? l.ask_px + m.d * 0.25 : 0 };
    } else if (m.kind === 'dup') {
      const a = next[m.i] as BookLevel;
      next[m.j] = { ...(next[m.j] as BookLevel), bid_px: a.bid_px, bid_sz: a.bid_px > 0 ? 7 : 0 };
    } else if (m.kind === 'fresh') {
      for (let i = 0; i < 10; i++) next[i] = m.book[i] as BookLevel;
    }
    cur = next;
    out.push({ kind: 'book', ts, levels: cur, snap: s.snap });
  }
  return out;
}

/** Feed; `full` appends an 11th (ignored, empty) entry to every record, which forces the full load-and-diff path. */
function run(evs: readonly Ev[], params: MarketStateParams, full: boolean, queryEach = false) {
  const ms = new MarketState(params, { ratePerSecond: 0.01 });
  const empty: BookLevel = { bid_px: 0, bid_sz: 0, ask_px: 0, ask_sz: 0 };
  const seen: unknown[] = [];
  for (const e of evs) {
    if (e.kind === 'trade') ms.applyFuturesTrade(fut(e.ts, e.aggr, e.size, e.price));
    else ms.applyMbp10(mbp(e.ts, full ? [...e.levels, empty] : e.levels, e.snap));
    const b = ms.bookView();
    seen.push(
      b === null
        ? null
        : [
            Array.from(b.bidPx).slice(0, b.bidCount),
            Array.from(b.bidSz).slice(0, b.bidCount),
            Array.from(b.askPx).slice(0, b.askCount),
            Array.from(b.askSz).slice(0, b.askCount),
          ],
    );
    seen.push(ms.poolSize(), ms.mid());
    if (queryEach) seen.push(snapshot(ms));
  }
  return { ms, seen };
}
function snapshot(ms: MarketState) {
  const rows = (
    view: { ts: ArrayLike<bigint> } & Record<string, unknown>,
    [from, to]: [number, number],
    cols: string[],
  ) => {
    const out: unknown[] = [];
    for (let i = from; i < to; i++) {
      const j = i % view.ts.length;
      out.push([view.ts[j], ...cols.map((c) => (view[c] as ArrayLike<number>)[j])]);
    }
    return out;
  };
  const sums = ms.windowSums();
  return {
    flow: rows(ms.flowView() as never, ms.flowRange(), ['side', 'tick', 'added', 'filled', 'pulled']),
    l1: rows(ms.l1OfiView() as never, ms.l1Range(), ['e']),
    mids: rows(ms.midView() as never, ms.midRange(), ['mid']),
    trades: rows(ms.tradeView() as never, ms.tradeRange(), ['price', 'size', 'aggressor']),
    sums:
      sums === null
        ? null
        : [0, 1, 2, 3].map((w) => [
            sums.l1(w),
            sums.depth(w),
            sums.depthAt(w, 20_000),
            sums.netAt(1, 20_000),
            sums.fillAt(-1, 20_001),
          ]),
  };
}

const toRef = (evs: readonly Ev[]): RefEv[] =>
  evs.map((e): RefEv => {
    if (e.kind === 'trade') return e;
    const bids = new Map<number, number>();
    const asks = new Map<number, number>();
    for (const l of e.levels) {
      if (l.bid_px > 0 && l.bid_sz > 0) bids.set(l.bid_px, (bids.get(l.bid_px) ?? 0) + l.bid_sz);
      if (l.ask_px > 0 && l.ask_sz > 0) asks.set(l.ask_px, (asks.get(l.ask_px) ?? 0) + l.ask_sz);
    }
    return { kind: 'book', ts: e.ts, book: { bids, asks }, snap: e.snap };
  });

describe('MarketState MBP-10 in-place update (§1.2)', () => {
  it('equals the full load-and-diff path: records, L1 OFI, mids, book, pool (any sizes, shared or copied entries, BOOK_DEPTH 10 and 4)', () => {
    fc.assert(
      fc.property(arbScenario(false), fc.constantFrom(10, 4), (sc, depth) => {
        const evs = build(sc);
        const params = { ...DEFAULT_CONFIG, BOOK_DEPTH: depth };
        const fast = run(evs, params, false);
        const full = run(evs, params, true);
        expect(fast.seen).toStrictEqual(full.seen);
        expect(snapshot(fast.ms)).toStrictEqual(snapshot(full.ms));
      }),
      { numRuns: 300 },
    );
  });

  it('regression: a fractional entry at the changed price keeps the full path (the merged size is summed in level order)', () => {
    // Found by the property above in CI: bid 4995.25 held 0.5 + … so adding Δ to the merged size rounded
    // differently (3.0999999999999996 instead of 3.1).
    const [sc, depth] = JSON.parse(COUNTEREXAMPLE_1) as [Parameters<typeof build>[0], number];
    const evs = build(sc);
    const params = { ...DEFAULT_CONFIG, BOOK_DEPTH: depth };
    const fast = run(evs, params, false);
    const full = run(evs, params, true);
    expect(fast.seen).toStrictEqual(full.seen);
    expect(snapshot(fast.ms)).toStrictEqual(snapshot(full.ms));
  });

  it('equals the test-only reference on integer sizes (records and L1 OFI)', () => {
    fc.assert(
      fc.property(arbScenario(true), (sc) => {
        const evs = build(sc);
        const { ms } = run(evs, DEFAULT_CONFIG, false);
        const ref = referenceDepthFlow(toRef(evs));
        const s = snapshot(ms);
        const rows: FlowRow[] = (s.flow as [bigint, number, number, number, number, number][]).map(
          ([ts, side, tick, added, filled, pulled]) => ({ ts, side, tick, added, filled, pulled }),
        );
        expect(rows).toStrictEqual(ref.rows);
        expect((s.l1 as [bigint, number][]).map(([ts, e]) => ({ ts, e }))).toStrictEqual(ref.l1);
      }),
      { numRuns: 300 },
    );
  });

  it('a record with a changed entry among shared ones is detected by value (an identical object is not assumed unchanged)', () => {
    const base: BookLevel[] = Array.from({ length: 10 }, (_, i) => ({
      bid_px: 5000 - i * 0.25,
      bid_sz: 10,
      ask_px: 5000.25 + i * 0.25,
      ask_sz: 10,
    }));
    const next = [...base];
    next[3] = { ...(base[3] as BookLevel), bid_sz: 4 };
    const ms = new MarketState();
    ms.applyMbp10(mbp(T0, base));
    ms.applyMbp10(mbp(T0 + MS, next));
    ms.applyMbp10(mbp(T0 + 2n * MS, next));
    const s = snapshot(ms);
    expect(s.flow).toStrictEqual([[T0 + MS, 1, 20_000 - 3, 0, 0, 6]]);
    expect(s.l1).toStrictEqual([
      [T0 + MS, 0],
      [T0 + 2n * MS, 0],
    ]);
  });
});

describe('MarketState lazy eviction (§1.4 step 3)', () => {
  it('queries after every event equal queries only at the end (rings, ranges, window sums)', () => {
    const arbGaps = fc.array(fc.constantFrom(0, 1, 2, 40_000, 130_000, 310_000), { minLength: 1, maxLength: 120 });
    fc.assert(
      fc.property(arbScenario(true), arbGaps, (sc, gaps) => {
        let shift = 0n;
        const evs = build(sc).map((e, i) => {
          shift += BigInt(gaps[i % gaps.length] as number) * MS;
          return { ...e, ts: e.ts + shift };
        });
        const eager = run(evs, DEFAULT_CONFIG, false, true);
        const lazy = run(evs, DEFAULT_CONFIG, false, false);
        const t = (evs.at(-1)?.ts ?? T0) + 200_000n * MS;
        eager.ms.advanceClock(t);
        lazy.ms.advanceClock(t);
        expect(snapshot(lazy.ms)).toStrictEqual(snapshot(eager.ms));
        expect((eager.seen.at(-1) as ReturnType<typeof snapshot>).flow).toStrictEqual(
          (() => {
            const ms = run(evs, DEFAULT_CONFIG, false).ms;
            return snapshot(ms).flow;
          })(),
        );
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// optionFlowSums

const D = '2025-12-16';
function opt(ts: bigint, k: number, aggressor: number, size: number, quote: boolean, expDate = D): OptionTrade {
  const strike = 6800 + 5 * (k >> 1);
  const right = k % 2 === 0 ? 'C' : 'P';
  return {
    event_id: `OT-${k}-${ts}`,
    ts_event_ns: ts,
    ts_recv_ns: ts,
    source: 'sim',
    option_symbol: `E${expDate} ${right}${strike}`,
    underlying_contract: F,
    exp_date: expDate,
    expiration_ns: 0n,
    strike,
    right,
    price: 2,
    size,
    aggressor,
    opt_bid: quote ? 1.5 : null,
    opt_ask: quote ? 2 : null,
    conditions: null,
    seq: null,
  } as OptionTrade;
}
const nextDate = (ts: bigint) => {
  // trade date of ts (ET date of ts + 6 h): the 17:59 start below crosses 18:00 into 2025-12-17
  return ts >= etToNs(D, '18:00') ? '2025-12-17' : D;
};

describe('MarketState.optionFlowSums (§1 optionFlowIn as columns)', () => {
  it('equals optionFlowIn per contract at random snap times, for W_g and other windows, across a trade-date rollover', () => {
    const arbEv = fc.record({
      dt: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 120_000 })),
      k: fc.nat(7),
      aggressor: fc.constantFrom(1, -1, 0),
      size: fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: 1, max: 500 }) },
        { weight: 1, arbitrary: fc.constantFrom(0.5, 1.1) },
      ),
      quote: fc.boolean(),
      snap: fc.boolean(),
      W: fc.constantFrom(DEFAULT_CONFIG.W_g, DEFAULT_CONFIG.W_g, 60, 0.25),
      past: fc.nat(2_000),
    });
    const start = fc.constantFrom(T0, etToNs(D, '17:59'));
    fc.assert(
      fc.property(fc.array(arbEv, { minLength: 1, maxLength: 150 }), start, (evs, t0) => {
        const ms = new MarketState(DEFAULT_CONFIG, { ratePerSecond: 0.01 });
        let ts = t0;
        for (const e of evs) {
          ts += BigInt(e.dt) * MS;
          ms.applyOptionTrade(opt(ts, e.k, e.aggressor, e.size, e.quote, nextDate(ts)));
          if (!e.snap) continue;
          const t = ts + BigInt(e.past) * MS;
          ms.advanceClock(t);
          ts = t;
          for (const [tq, W] of [
            [t, e.W],
            [t, DEFAULT_CONFIG.W_g],
            [t - BigInt(e.past) * MS - 1n, DEFAULT_CONFIG.W_g],
          ] as const) {
            const got = ms.optionFlowSums(tq, W);
            const n = ms.optionContracts().length;
            const want = { signed: new Float64Array(n), size: new Float64Array(n) };
            for (const f of ms.optionFlowIn(tq, W)) {
              const i = ms.optionContracts().indexOf(f.contract);
              want.signed[i] = f.signed;
              want.size[i] = f.size;
            }
            expect([...got.signed]).toStrictEqual([...want.signed]);
            expect([...got.size]).toStrictEqual([...want.size]);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

const COUNTEREXAMPLE_1 =
  '[[[{"bid_px":0,"bid_sz":0,"ask_px":4997.75,"ask_sz":1},{"bid_px":0,"bid_sz":0,"ask_px":0,"ask_sz":0},{"bid_px":0,"bid_sz":0,"ask_px":0,"ask_sz":0},{"bid_px":4996.75,"bid_sz":1,"ask_px":4998.5,"ask_sz":1},{"bid_px":0,"bid_sz":0,"ask_px":4998.75,"ask_sz":1},{"bid_px":0,"bid_sz":0,"ask_px":4999,"ask_sz":0.5},{"bid_px":4996,"bid_sz":1,"ask_px":4999.25,"ask_sz":1},{"bid_px":4995.75,"bid_sz":1,"ask_px":4999.5,"ask_sz":0.5},{"bid_px":4995.5,"bid_sz":1,"ask_px":4999.75,"ask_sz":0.5},{"bid_px":4995.25,"bid_sz":0.5,"ask_px":5000,"ask_sz":0.5}],[{"kind":"book","dt":0,"mut":{"kind":"size","i":4,"bid":true,"q":2.1},"share":false,"snap":true},{"kind":"book","dt":0,"mut":{"kind":"size","i":0,"bid":true,"q":2},"share":false,"snap":false},{"kind":"book","dt":0,"mut":{"kind":"size","i":0,"bid":true,"q":1},"share":false,"snap":false},{"kind":"book","dt":0,"mut":{"kind":"size","i":0,"bid":false,"q":0.5},"share":false,"snap":false}]],10]';
