/**
 * OFIEngine — engines spec §6 with the L1 increment of §1.2 step 5: examples O-1, O-2, O-3 and the properties
 * (additivity over split intervals, price partition, no-change and mirror symmetry, single-change L1 identity,
 * window oracle, determinism, causality, ring views).
 *
 * Depth-flow records are derived from book states by a test-only reference of §1.2 steps 3–4 (comparable
 * prices, per-price changes; no trades, so every loss is `pulled`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DepthFlowView,
  FLOW_SIDE_ASK,
  FLOW_SIDE_BID,
  type L1OfiView,
  OFIEngine,
  ofiL1Increment,
  ofiL1Record,
  ofiL1Sum,
  ofiPriceSum,
} from '../src/ofi.js';
import { type Book, best, book, type FlowRow, flowView, referenceDepthFlow } from './reference-flow.js';

const T0 = 1_765_895_400_000_000_000n;
const S = 1_000_000_000n;

/** §1.2 steps 3–4 without a passive pool: records of one update, bids before asks, ascending price. */
function diff(ts: bigint, prev: Book, next: Book): FlowRow[] {
  return referenceDepthFlow([
    { kind: 'book', ts, book: prev },
    { kind: 'book', ts, book: next },
  ]).rows;
}

interface Rings {
  l1: L1OfiView;
  flow: DepthFlowView;
  l1Rows: { ts: bigint; e: number }[];
  flowRows: FlowRow[];
}
function l1View(rows: readonly { ts: bigint; e: number }[]): L1OfiView {
  return { ts: rows.map((r) => r.ts), e: rows.map((r) => r.e) };
}
/** Feed book states (ts, book, is_snapshot) like MarketState would and return the two rings. */
function replay(states: readonly (readonly [bigint, Book, boolean?])[]): Rings {
  const l1Rows: { ts: bigint; e: number }[] = [];
  const flowRows: FlowRow[] = [];
  let prev: Book | null = null;
  for (const [ts, next, snap = false] of states) {
    const e = ofiL1Record(prev === null ? null : best(prev), best(next), snap);
    if (prev !== null && !snap && e !== null) {
      l1Rows.push({ ts, e });
      flowRows.push(...diff(ts, prev, next));
    }
    prev = next;
  }
  return { l1: l1View(l1Rows), flow: flowView(flowRows), l1Rows, flowRows };
}

const ofi = new OFIEngine();
const market = (r: Rings, t: bigint) => ofi.evaluate(r.l1, 0, r.l1.ts.length, r.flow, 0, r.flow.ts.length, t);
const near = (r: Rings, t: bigint, level: number) => ofi.nearLevel(r.flow, 0, r.flow.ts.length, t, level);

describe('OFIEngine examples (§6)', () => {
  const asks0 = { '5000.25': 25, '5000.5': 30 };
  const o1 = replay([
    [T0 + 1n * S, book({ '5000': 20, '4999.75': 30 }, asks0)],
    [T0 + 2n * S, book({ '5000': 25, '4999.75': 30 }, asks0)],
    [T0 + 3n * S, book({ '5000': 25, '4999.75': 30 }, { '5000.25': 10, '5000.5': 30 })],
    [T0 + 4n * S, book({ '5000.25': 8, '5000': 25, '4999.75': 30 }, { '5000.5': 30 })],
    [T0 + 5n * S, book({ '5000': 25, '4999.75': 30 }, { '5000.5': 30 })],
    [T0 + 6n * S, book({ '5000': 25, '4999.75': 10 }, { '5000.5': 30 })],
  ]);
  const t6 = T0 + 6n * S;

  it('O-1: per-update e and price-indexed changes', () => {
    expect(o1.l1Rows.map((r) => r.e)).toStrictEqual([5, 15, 18, -8, 0]);
    expect(o1.flowRows.map((r) => [Number(r.ts - T0) / 1e9, r.side, r.tick * 0.25, r.added - r.pulled])).toStrictEqual([
      [2, FLOW_SIDE_BID, 5000, 5],
      [3, FLOW_SIDE_ASK, 5000.25, -15],
      [4, FLOW_SIDE_BID, 5000.25, 8],
      [4, FLOW_SIDE_ASK, 5000.25, -10],
      [5, FLOW_SIDE_BID, 5000.25, -8],
      [6, FLOW_SIDE_BID, 4999.75, -20],
    ]);
  });

  it('O-1: all three variants, acceleration and additivity', () => {
    expect(market(o1, t6)).toStrictEqual({
      ofi_30s: 30,
      ofi_60s: 30,
      ofi_120s: 30,
      ofi_300s: 30,
      ofi_integrated_30s: 10,
      ofi_integrated_60s: 10,
      ofi_integrated_120s: 10,
      ofi_integrated_300s: 10,
      ofi_acceleration: 0.75,
    });
    expect(near(o1, t6, 4997.75)).toStrictEqual({ '30s': -20, '60s': -20, '120s': -20, '300s': -20 });
    expect(near(o1, t6, 5002.5)).toStrictEqual({ '30s': 0, '60s': 0, '120s': 0, '300s': 0 });
    const n = o1.l1.ts.length;
    expect(ofiL1Sum(o1.l1, 0, n, T0, T0 + 3n * S)).toBe(20);
    expect(ofiL1Sum(o1.l1, 0, n, T0 + 3n * S, t6)).toBe(10);
  });

  it('O-2: truncation edge — comparable prices only; integrated equals L1', () => {
    const bids0: Record<string, number> = {};
    const asks0: Record<string, number> = {};
    const bids1: Record<string, number> = { '5000.25': 5 };
    const asks1: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      bids0[String(5000 - 0.25 * i)] = 10;
      asks0[String(5000.25 + 0.25 * i)] = 10;
      if (i < 9) bids1[String(5000 - 0.25 * i)] = 10;
      asks1[String(5000.5 + 0.25 * i)] = 10;
    }
    const r = replay([
      [T0 + 1n * S, book(bids0, asks0)],
      [T0 + 2n * S, book(bids1, asks1)],
    ]);
    expect(r.flowRows.map((x) => [x.side, x.tick * 0.25, x.added - x.pulled])).toStrictEqual([
      [FLOW_SIDE_BID, 5000.25, 5],
      [FLOW_SIDE_ASK, 5000.25, -10],
    ]);
    expect(r.l1Rows.map((x) => x.e)).toStrictEqual([15]);
    const m = market(r, T0 + 3n * S);
    expect(m.ofi_integrated_30s).toBe(15);
    expect(m.ofi_30s).toBe(15);
    // Without the comparability rule the edge artifacts (bid 4997.75 −10, ask 5002.75 +10) would give −5.
    const naive: FlowRow[] = [
      ...r.flowRows,
      { ts: T0 + 2n * S, side: FLOW_SIDE_BID, tick: 4997.75 / 0.25, added: 0, filled: 0, pulled: 10 },
      { ts: T0 + 2n * S, side: FLOW_SIDE_ASK, tick: 5002.75 / 0.25, added: 10, filled: 0, pulled: 0 },
    ];
    const nv = flowView(naive);
    expect(ofiPriceSum(nv, 0, naive.length, T0, T0 + 3n * S)).toBe(-5);
  });

  it('O-3: every vendor record is a step (no merging of a packet)', () => {
    const asks = { '5000.5': 40 };
    const r = replay([
      [T0 + 1n * S, book({ '5000': 20 }, asks)],
      [T0 + 2n * S, book({ '5000.25': 5, '5000': 20 }, asks)],
      [T0 + 2n * S, book({ '5000': 30 }, asks)],
    ]);
    expect(r.l1Rows.map((x) => x.e)).toStrictEqual([5, -5]);
    expect(r.flowRows.map((x) => [x.side, x.tick * 0.25, x.added - x.pulled])).toStrictEqual([
      [FLOW_SIDE_BID, 5000.25, 5],
      [FLOW_SIDE_BID, 5000, 10],
      [FLOW_SIDE_BID, 5000.25, -5],
    ]);
    const m = market(r, T0 + 3n * S);
    expect([m.ofi_30s, m.ofi_60s, m.ofi_120s, m.ofi_300s]).toStrictEqual([0, 0, 0, 0]);
    expect([m.ofi_integrated_30s, m.ofi_integrated_60s, m.ofi_integrated_120s, m.ofi_integrated_300s]).toStrictEqual([
      10, 10, 10, 10,
    ]);
    // Merged into one state change (5000.00: 20 → 30) the L1 value would wrongly be +10.
    const merged = replay([
      [T0 + 1n * S, book({ '5000': 20 }, asks)],
      [T0 + 2n * S, book({ '5000': 30 }, asks)],
    ]);
    expect(market(merged, T0 + 3n * S).ofi_30s).toBe(10);
  });

  it('snapshot and first-book rule: no record; a snapshot starts a new baseline', () => {
    const a = book({ '5000': 20 }, { '5000.25': 10 });
    const b = book({ '5001': 7 }, { '5001.25': 3 });
    expect(ofiL1Record(null, best(a), false)).toBeNull();
    expect(ofiL1Record(best(a), best(b), true)).toBeNull();
    expect(ofiL1Record(best(a), best(a), false)).toBe(0);
    const r = replay([
      [T0 + 1n * S, a],
      [T0 + 2n * S, b, true],
      [T0 + 3n * S, book({ '5001': 9 }, { '5001.25': 3 })],
    ]);
    expect(r.l1Rows.map((x) => x.e)).toStrictEqual([2]);
    expect(market(r, T0 + 3n * S).ofi_integrated_30s).toBe(2);
  });

  it('no records in a window: every variant is 0 (edges are half-open)', () => {
    expect(market(o1, T0 + 1n * S)).toStrictEqual(market(replay([]), T0));
    // (t − 30 s, t] with t = T0 + 32 s excludes T0 + 2 s, includes the rest.
    expect(market(o1, T0 + 32n * S).ofi_30s).toBe(25);
    expect(market(o1, T0 + 36n * S).ofi_30s).toBe(0);
    expect(market(o1, T0 + 36n * S).ofi_acceleration).toBe(-0.25); // 0/30 − 30/120
  });

  it('empty sides: appearing best bid +q, vanishing best bid −q (±∞ convention)', () => {
    expect(ofiL1Increment(0, 0, 5000.25, 10, 5000, 7, 5000.25, 10)).toBe(7);
    expect(ofiL1Increment(5000, 7, 5000.25, 10, 0, 0, 5000.25, 10)).toBe(-7);
    expect(ofiL1Increment(5000, 7, 0, 0, 5000, 7, 5000.25, 4)).toBe(-4);
    expect(ofiL1Increment(5000, 7, 5000.25, 4, 5000, 7, 0, 0)).toBe(4);
  });
});

// ---- properties ----------------------------------------------------------------------------------------------

const arbL1Rows = fc
  .array(fc.record({ dt: fc.bigInt({ min: 0n, max: 40n * S }), e: fc.integer({ min: -500, max: 500 }) }), {
    maxLength: 60,
  })
  .map((rows) => {
    let at = T0;
    return rows.map((r) => {
      at += r.dt - (r.dt % 250_000_000n);
      return { ts: at, e: r.e };
    });
  });
const arbFlowRows = fc
  .array(
    fc.record({
      dt: fc.bigInt({ min: 0n, max: 40n * S }),
      side: fc.constantFrom(FLOW_SIDE_BID, FLOW_SIDE_ASK),
      tick: fc.integer({ min: 19_980, max: 20_020 }),
      kind: fc.constantFrom('added', 'filled', 'pulled'),
      qty: fc.integer({ min: 1, max: 200 }),
    }),
    { maxLength: 60 },
  )
  .map((rows) => {
    let at = T0;
    return rows.map((r): FlowRow => {
      at += r.dt;
      return {
        ts: at,
        side: r.side,
        tick: r.tick,
        added: r.kind === 'added' ? r.qty : 0,
        filled: r.kind === 'filled' ? r.qty : 0,
        pulled: r.kind === 'pulled' ? r.qty : 0,
      };
    });
  });
const arbTime = fc.bigInt({ min: T0 - 10n * S, max: T0 + 2_500n * S });

/** The rows placed in a larger ring starting at `rot % cap`; unused slots hold copies of the first row. */
function ringOf<T>(rows: readonly T[], rot: number): { rows: T[]; head: number } {
  const first = rows[0];
  if (first === undefined) return { rows: [], head: 0 };
  const cap = rows.length + 5;
  const head = rot % cap;
  const out = new Array<T>(cap).fill(first);
  rows.forEach((x, i) => {
    out[(head + i) % cap] = x;
  });
  return { rows: out, head };
}

describe('OFIEngine properties (§6)', () => {
  it('additivity: the sum over (t0, t2] equals the sums over (t0, t1] and (t1, t2], all variants', () => {
    fc.assert(
      fc.property(
        arbL1Rows,
        arbFlowRows,
        arbTime,
        arbTime,
        arbTime,
        fc.integer({ min: 19_980, max: 20_020 }),
        (l1r, fr, a, b, c, k) => {
          const [t0, t1, t2] = [a, b, c].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)) as [bigint, bigint, bigint];
          const l1 = l1View(l1r);
          const fl = flowView(fr);
          const sumL = (lo: bigint, hi: bigint) => ofiL1Sum(l1, 0, l1r.length, lo, hi);
          const sumP = (lo: bigint, hi: bigint, pLo?: number, pHi?: number) =>
            ofiPriceSum(fl, 0, fr.length, lo, hi, pLo, pHi);
          expect(sumL(t0, t2)).toBe(sumL(t0, t1) + sumL(t1, t2));
          expect(sumP(t0, t2)).toBe(sumP(t0, t1) + sumP(t1, t2));
          const [lo, hi] = [k * 0.25 - 2, k * 0.25 + 2];
          expect(sumP(t0, t2, lo, hi)).toBe(sumP(t0, t1, lo, hi) + sumP(t1, t2, lo, hi));
        },
      ),
    );
  });

  it('partition: near-level sums over disjoint zones covering the prices add up to the integrated value', () => {
    fc.assert(
      fc.property(arbFlowRows, arbTime, fc.integer({ min: 19_980, max: 20_020 }), (fr, t, cut) => {
        const fl = flowView(fr);
        const lo = T0 - 20n * S;
        const total = ofiPriceSum(fl, 0, fr.length, lo, t);
        const below = ofiPriceSum(fl, 0, fr.length, lo, t, Number.NEGATIVE_INFINITY, cut * 0.25);
        const above = ofiPriceSum(fl, 0, fr.length, lo, t, cut * 0.25 + 0.25, Number.POSITIVE_INFINITY);
        expect(below + above).toBe(total);
      }),
    );
  });

  it('window oracle: window sums equal a brute-force filter over (t − W, t]', () => {
    fc.assert(
      fc.property(arbL1Rows, arbFlowRows, arbTime, fc.integer({ min: 1_000, max: 2_020 }), (l1r, fr, t, level4) => {
        const level = level4 * 2.5;
        const r: Rings = { l1: l1View(l1r), flow: flowView(fr), l1Rows: l1r, flowRows: fr };
        const m = market(r, t);
        const nl = near(r, t, level);
        const labels = ['30s', '60s', '120s', '300s'] as const;
        [30n, 60n, 120n, 300n].forEach((w, i) => {
          const inW = (ts: bigint) => t - w * S < ts && ts <= t;
          const l1 = l1r.filter((x) => inW(x.ts)).reduce((s, x) => s + x.e, 0);
          const signed = (x: FlowRow) => (x.side === FLOW_SIDE_BID ? 1 : -1) * (x.added - x.filled - x.pulled);
          const integ = fr.filter((x) => inW(x.ts)).reduce((s, x) => s + signed(x), 0);
          const nearSum = fr
            .filter((x) => inW(x.ts) && level - 2 <= x.tick * 0.25 && x.tick * 0.25 <= level + 2)
            .reduce((s, x) => s + signed(x), 0);
          const key = `ofi_${labels[i]}` as 'ofi_30s';
          const keyI = `ofi_integrated_${labels[i]}` as 'ofi_integrated_30s';
          expect(m[key]).toBe(l1);
          expect(m[keyI]).toBe(integ);
          expect(nl[labels[i] ?? '30s']).toBe(nearSum);
        });
        expect(m.ofi_acceleration).toBe(m.ofi_30s / 30 - m.ofi_120s / 120);
      }),
    );
  });

  const arbSide = fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 8 });
  const arbBook = fc
    .record({
      bidOff: arbSide,
      askOff: arbSide,
      sizes: fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 16, maxLength: 16 }),
    })
    .map(({ bidOff, askOff, sizes }) => {
      const bids = new Map<number, number>();
      const asks = new Map<number, number>();
      bidOff.forEach((o, i) => {
        bids.set(5000 - 0.25 * (o - 1), sizes[i] ?? 1);
      });
      askOff.forEach((o, i) => {
        asks.set(5000.25 + 0.25 * (o - 1), sizes[8 + i] ?? 1);
      });
      return { bids, asks } as Book;
    });
  const mirror = (b: Book): Book => ({
    bids: new Map([...b.asks].map(([p, q]) => [10_000.25 - p, q] as const)),
    asks: new Map([...b.bids].map(([p, q]) => [10_000.25 - p, q] as const)),
  });

  it('no-change update contributes 0; mirror symmetry negates every variant', () => {
    fc.assert(
      fc.property(arbBook, arbBook, (a, b) => {
        const same = replay([
          [T0 + S, a],
          [T0 + 2n * S, a],
        ]);
        expect(market(same, T0 + 2n * S)).toStrictEqual(market(replay([]), T0));
        const r = replay([
          [T0 + S, a],
          [T0 + 2n * S, b],
        ]);
        const rm = replay([
          [T0 + S, mirror(a)],
          [T0 + 2n * S, mirror(b)],
        ]);
        const m = market(r, T0 + 2n * S);
        const mm = market(rm, T0 + 2n * S);
        expect(mm.ofi_30s).toBe(-m.ofi_30s + 0);
        expect(mm.ofi_integrated_30s).toBe(-m.ofi_integrated_30s + 0);
        expect(near(rm, T0 + 2n * S, 10_000.25 - 5000)['30s']).toBe(-near(r, T0 + 2n * S, 5000)['30s'] + 0);
      }),
    );
  });

  it('single change per side (< 10 levels): e equals the price-indexed change at the old and new best prices', () => {
    fc.assert(
      fc.property(
        arbBook,
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (a, bo, ao, q0, qb, qa) => {
          // One price per side changes: a bid at bestBid + bo·tick and an ask at bestAsk + ao·tick get new sizes.
          const bb = a.bids.size > 0 ? Math.max(...a.bids.keys()) : 5000;
          const ba = a.asks.size > 0 ? Math.min(...a.asks.keys()) : 5000.25;
          const bids = new Map(a.bids);
          const asks = new Map(a.asks);
          const pb = bb + 0.25 * bo;
          const pa = ba + 0.25 * ao;
          if (qb === 0) bids.delete(pb);
          else bids.set(pb, qb + q0);
          if (qa === 0) asks.delete(pa);
          else asks.set(pa, qa + q0);
          const b: Book = { bids, asks };
          const bestBids = (x: Book) => (x.bids.size > 0 ? Math.max(...x.bids.keys()) : Number.NaN);
          const bestAsks = (x: Book) => (x.asks.size > 0 ? Math.min(...x.asks.keys()) : Number.NaN);
          if (bids.size > 0 && asks.size > 0 && bestBids(b) >= bestAsks(b)) return; // stay uncrossed
          const r = replay([
            [T0 + S, a],
            [T0 + 2n * S, b],
          ]);
          const prices = new Set([bestBids(a), bestBids(b), bestAsks(a), bestAsks(b)]);
          const atBest = r.flowRows
            .filter((x) => prices.has(x.tick * 0.25))
            .reduce((s, x) => s + (x.side === FLOW_SIDE_BID ? 1 : -1) * (x.added - x.pulled), 0);
          // The bid and ask books never share a price here, so a best price belongs to one side only.
          expect(r.l1Rows[0]?.e).toBe(atBest);
        },
      ),
    );
  });

  it('determinism and causality: replay gives identical values; records after t change nothing at t', () => {
    fc.assert(
      fc.property(arbL1Rows, arbFlowRows, arbTime, arbL1Rows, arbFlowRows, (l1r, fr, t, l1x, fx) => {
        const pre = (rows: readonly { ts: bigint }[]) => rows.filter((x) => x.ts <= t).length;
        const l1p = l1r.slice(0, pre(l1r));
        const fp = fr.slice(0, pre(fr));
        const base: Rings = { l1: l1View(l1p), flow: flowView(fp), l1Rows: l1p, flowRows: fp };
        const expected = { m: market(base, t), n: near(base, t, 5000) };
        expect({ m: market(base, t), n: near(base, t, 5000) }).toStrictEqual(expected);
        const shift = (t > T0 ? t : T0) + 1n - T0;
        const l1All = [...l1p, ...l1x.map((x) => ({ ...x, ts: x.ts + shift }))];
        const fAll = [...fp, ...fx.map((x) => ({ ...x, ts: x.ts + shift }))];
        const full: Rings = { l1: l1View(l1All), flow: flowView(fAll), l1Rows: l1All, flowRows: fAll };
        expect({ m: market(full, t), n: near(full, t, 5000) }).toStrictEqual(expected);
      }),
    );
  });

  it('a ring view (wrapped logical range) gives the same values as the plain arrays', () => {
    fc.assert(
      fc.property(arbL1Rows, arbFlowRows, arbTime, fc.nat(), (l1r, fr, t, rot) => {
        const l1Ring = ringOf(l1r, rot);
        const fRing = ringOf(fr, rot);
        const got = ofi.evaluate(
          l1View(l1Ring.rows),
          l1Ring.head,
          l1Ring.head + l1r.length,
          flowView(fRing.rows),
          fRing.head,
          fRing.head + fr.length,
          t,
        );
        expect(got).toStrictEqual(market({ l1: l1View(l1r), flow: flowView(fr), l1Rows: l1r, flowRows: fr }, t));
      }),
    );
  });
});
