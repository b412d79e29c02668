/**
 * BarrierEngine — engines spec §2: examples B-1 to B-6 (with variants), edge cases and the properties (net
 * component identities, R bounds and break-even, decision-table consistency, confidence range, additivity of
 * `delta_liq`, no prints ⇒ no fills, mirror symmetry, determinism, causality, ring views).
 *
 * Depth-flow records of the examples are derived from the book states and prints the spec gives by a test-only
 * reference of §1.2 steps 2–4 (pruneTs rule, passive-fill pool consumed FIFO, comparable prices, per-price
 * changes) in reference-flow.ts, shared with the MarketState and OFI tests.
 */
import { type BarrierState, DEFAULT_CONFIG, type Direction } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BarrierBookView,
  BarrierEngine,
  BarrierError,
  type BarrierMetrics,
  createBarrierMetrics,
} from '../src/barrier.js';
import { FLOW_SIDE_ASK, FLOW_SIDE_BID } from '../src/ofi.js';
import { type Book, book, type FlowRow, flowView, type RefEv, referenceDepthFlow, TICK } from './reference-flow.js';

const T0 = 1_765_895_400_000_000_000n;
const S = 1_000_000_000n;
const MS = 1_000_000n;
const L = 4999.5;

/** `b` with one level set (size 0 removes it). */
function set(b: Book, side: 'bid' | 'ask', price: number, size: number): Book {
  const m = new Map(side === 'bid' ? b.bids : b.asks);
  if (size > 0) m.set(price, size);
  else m.delete(price);
  return side === 'bid' ? { bids: m, asks: b.asks } : { bids: b.bids, asks: m };
}
function view(b: Book | null): BarrierBookView | null {
  if (b === null) return null;
  const bids = [...b.bids].sort((x, y) => y[0] - x[0]);
  const asks = [...b.asks].sort((x, y) => x[0] - y[0]);
  return {
    bidPx: bids.map((e) => e[0]),
    bidSz: bids.map((e) => e[1]),
    bidCount: bids.length,
    askPx: asks.map((e) => e[0]),
    askSz: asks.map((e) => e[1]),
    askCount: asks.length,
  };
}

type Ev = RefEv;

const trade = (ts: bigint, aggr: number, size: number, price: number): Ev => ({ kind: 'trade', ts, price, size, aggr });
const upd = (ts: bigint, b: Book): Ev => ({ kind: 'book', ts, book: b });

const replay = referenceDepthFlow;

const engine = new BarrierEngine();
function run(events: readonly Ev[], t: bigint, level = L, direction: Direction = 'DOWN'): BarrierMetrics {
  const r = replay(events);
  return engine.evaluate(flowView(r.rows), 0, r.rows.length, view(r.book), t, level, direction);
}

function closeTo(actual: number, expected: number): void {
  const tol = Math.max(1e-9 * Math.abs(expected), 1e-12);
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}
type Expected = Omit<BarrierMetrics, 'zone_visible'> & { zone_visible?: boolean };
function expectMetrics(m: BarrierMetrics, e: Expected): void {
  expect(m.state).toBe(e.state);
  expect(m.added).toBe(e.added);
  expect(m.canceled).toBe(e.canceled);
  expect(m.filled).toBe(e.filled);
  expect(m.delta_liq).toBe(e.delta_liq);
  expect(m.churn).toBe(e.churn);
  expect(m.depth_in_zone).toBe(e.depth_in_zone);
  expect(m.zone_visible).toBe(e.zone_visible ?? true);
  expect(m.defending_quote).toStrictEqual(e.defending_quote);
  closeTo(m.replenishment_ratio, e.replenishment_ratio);
  closeTo(m.wall_ratio, e.wall_ratio);
  closeTo(m.confidence, e.confidence);
  expect(Object.keys(m)).toStrictEqual(Object.keys(createBarrierMetrics()));
}

const U0 = book({ '5000.25': 150, '5000': 200, '4999.75': 100 }, { '5000.5': 80, '5000.75': 90, '5001': 100 });
const at = (ms: number) => T0 + BigInt(ms) * MS;
const bidRows = (rows: readonly FlowRow[]) =>
  rows.filter((r) => r.side === FLOW_SIDE_BID).map((r) => [r.tick * TICK, r.added, r.filled, r.pulled]);

describe('BarrierEngine examples (§2)', () => {
  it('B-1: VACUUM', () => {
    const b2 = set(U0, 'bid', 5000, 50);
    const b3 = set(b2, 'bid', 4999.75, 0);
    const b4 = set(b3, 'bid', 5000.25, 170);
    const ev = [
      trade(at(500), 1, 1, 5000.5),
      upd(at(1000), U0),
      upd(at(2000), b2),
      upd(at(3000), b3),
      upd(at(4000), b4),
    ];
    expect(bidRows(replay(ev).rows)).toStrictEqual([
      [5000, 0, 0, 150],
      [4999.75, 0, 0, 100],
      [5000.25, 20, 0, 0],
    ]);
    expectMetrics(run(ev, at(5000)), {
      state: 'VACUUM',
      delta_liq: -230,
      replenishment_ratio: 20 / 250,
      added: 20,
      canceled: 250,
      filled: 0,
      churn: 270,
      depth_in_zone: 220,
      defending_quote: { price: 5000.25, size: 170 },
      wall_ratio: 170 / 90,
      confidence: 0.54,
    });
  });

  const b2a = set(U0, 'bid', 5000.25, 0);
  const b2b = set(b2a, 'bid', 5000, 140);
  const b3 = set(b2b, 'bid', 5000, 90);
  const b2Expected: Expected = {
    state: 'CONSUMED',
    delta_liq: -260,
    replenishment_ratio: 0,
    added: 0,
    canceled: 50,
    filled: 210,
    churn: 260,
    depth_in_zone: 190,
    defending_quote: { price: 5000, size: 90 },
    wall_ratio: 100 / 90,
    confidence: 0.52,
  };

  it('B-2: same-timestamp sweep, CONSUMED', () => {
    const ev = [
      upd(at(1000), U0),
      trade(at(2000), -1, 150, 5000.25),
      trade(at(2000), -1, 60, 5000),
      upd(at(2000), b2a),
      upd(at(2000), b2b),
      upd(at(3000), b3),
    ];
    expect(bidRows(replay(ev).rows)).toStrictEqual([
      [5000.25, 0, 150, 0],
      [5000, 0, 60, 0],
      [5000, 0, 0, 50],
    ]);
    expectMetrics(run(ev, at(4000)), b2Expected);
  });

  it('B-2 variant: sweep stamped later than its prints', () => {
    const ev = [
      upd(at(1000), U0),
      trade(at(1500), -1, 150, 5000.25),
      trade(at(1500), -1, 60, 5000),
      upd(at(2000), b2a),
      upd(at(2000), b2b),
      upd(at(3000), b3),
    ];
    expectMetrics(run(ev, at(4000)), b2Expected);
  });

  it('B-3: pool expiry, WALL', () => {
    const a15 = set(U0, 'ask', 5000.5, 60);
    const a2 = set(a15, 'ask', 5000.5, 70);
    const b3s = set(a2, 'bid', 5000, 170);
    const b4 = set(b3s, 'bid', 4999.75, 300);
    const b5 = set(b4, 'bid', 4999.5, 60);
    const ev = [
      upd(at(1000), U0),
      trade(at(1500), -1, 30, 5000),
      upd(at(1500), a15),
      upd(at(2000), a2),
      upd(at(3000), b3s),
      upd(at(4000), b4),
      upd(at(5000), b5),
    ];
    expect(bidRows(replay(ev).rows)).toStrictEqual([
      [5000, 0, 0, 30],
      [4999.75, 200, 0, 0],
      [4999.5, 60, 0, 0],
    ]);
    expectMetrics(run(ev, at(6000)), {
      state: 'WALL',
      delta_liq: 230,
      replenishment_ratio: 260 / 30,
      added: 260,
      canceled: 30,
      filled: 0,
      churn: 290,
      depth_in_zone: 680,
      defending_quote: { price: 5000.25, size: 150 },
      wall_ratio: 3,
      confidence: 0.58,
    });
  });

  it('B-4: net, not gross — ABSORPTION', () => {
    const b2 = set(U0, 'bid', 5000, 300);
    const b25 = set(b2, 'bid', 5000, 200);
    const b3s = set(b25, 'bid', 5000, 260);
    const b35 = set(b3s, 'bid', 4999.75, 80);
    const ev = [
      trade(at(500), 1, 1, 5000.5),
      upd(at(1000), U0),
      upd(at(2000), b2),
      upd(at(2500), b25),
      upd(at(3000), b3s),
      upd(at(3500), b35),
    ];
    const rows = replay(ev).rows;
    const gross = rows.filter((r) => r.side === FLOW_SIDE_BID);
    expect(gross.reduce((s, r) => s + r.added, 0)).toBe(160);
    expect(gross.reduce((s, r) => s + r.pulled, 0)).toBe(120);
    expectMetrics(run(ev, at(4000)), {
      state: 'ABSORPTION',
      delta_liq: 40,
      replenishment_ratio: 3,
      added: 60,
      canceled: 20,
      filled: 0,
      churn: 80,
      depth_in_zone: 490,
      defending_quote: { price: 5000.25, size: 150 },
      wall_ratio: 260 / 95,
      confidence: 0.16,
    });
  });

  it('B-4 variant: NEUTRAL', () => {
    const ev = [trade(at(500), 1, 1, 5000.5), upd(at(1000), U0), upd(at(2000), set(U0, 'bid', 4999.75, 20))];
    expectMetrics(run(ev, at(3000)), {
      state: 'NEUTRAL',
      delta_liq: -80,
      replenishment_ratio: 0,
      added: 0,
      canceled: 80,
      filled: 0,
      churn: 80,
      depth_in_zone: 370,
      defending_quote: { price: 5000.25, size: 150 },
      wall_ratio: 200 / 95,
      confidence: 0.16,
    });
  });

  const b5a = set(U0, 'bid', 5000.25, 50);
  const b5b = set(b5a, 'bid', 5000, 290);
  const b5ev = [upd(at(1000), U0), trade(at(2000), -1, 100, 5000.25), upd(at(2000), b5a), upd(at(3000), b5b)];

  it('B-5: contested ABSORPTION (row 6)', () => {
    expectMetrics(run(b5ev, at(4000)), {
      state: 'ABSORPTION',
      delta_liq: -10,
      replenishment_ratio: 0.9,
      added: 90,
      canceled: 0,
      filled: 100,
      churn: 190,
      depth_in_zone: 440,
      defending_quote: { price: 5000.25, size: 50 },
      wall_ratio: 290 / 95,
      confidence: 0.38,
    });
  });

  it('B-5 refill: a refilled fill is no loss (row 4)', () => {
    const ev = [...b5ev, upd(at(3500), set(b5b, 'bid', 5000.25, 150))];
    expectMetrics(run(ev, at(4000)), {
      state: 'ABSORPTION',
      delta_liq: 90,
      replenishment_ratio: 10,
      added: 90,
      canceled: 0,
      filled: 0,
      churn: 90,
      depth_in_zone: 540,
      defending_quote: { price: 5000.25, size: 150 },
      wall_ratio: 2.9,
      confidence: 0.18,
    });
  });

  it('B-6: WEAK', () => {
    const thin = book({ '5000.25': 10, '5000': 15, '4999.75': 12 }, { '5000.5': 8, '5000.75': 9 });
    const ev = [trade(at(500), 1, 1, 5000.5), upd(at(1000), thin), upd(at(2000), set(thin, 'bid', 5000, 5))];
    expectMetrics(run(ev, at(3000)), {
      state: 'WEAK',
      delta_liq: -10,
      replenishment_ratio: 0,
      added: 0,
      canceled: 10,
      filled: 0,
      churn: 10,
      depth_in_zone: 27,
      defending_quote: { price: 5000.25, size: 10 },
      wall_ratio: 12 / 9,
      confidence: 0.02,
    });
  });

  it('B-6 visibility: level beyond a full bid side is not visible; a partial side is', () => {
    const bids: Record<string, number> = {};
    const asks: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      bids[String(5003 - 0.25 * i)] = 10;
      asks[String(5003.25 + 0.25 * i)] = 10;
    }
    const full = book(bids, asks);
    const none = { ts: [], side: [], tick: [], added: [], filled: [], pulled: [] };
    const t = at(3000);
    expectMetrics(engine.evaluate(none, 0, 0, view(full), t, L, 'DOWN'), {
      state: 'NEUTRAL',
      delta_liq: 0,
      replenishment_ratio: 0,
      added: 0,
      canceled: 0,
      filled: 0,
      churn: 0,
      depth_in_zone: 0,
      zone_visible: false,
      defending_quote: { price: 5003, size: 10 },
      wall_ratio: 0,
      confidence: 0,
    });
    const nine = set(full, 'bid', 5000.75, 0);
    expectMetrics(engine.evaluate(none, 0, 0, view(nine), t, L, 'DOWN'), {
      state: 'WEAK',
      delta_liq: 0,
      replenishment_ratio: 0,
      added: 0,
      canceled: 0,
      filled: 0,
      churn: 0,
      depth_in_zone: 30,
      defending_quote: { price: 5003, size: 10 },
      wall_ratio: 1,
      confidence: 0,
    });
  });
});

describe('BarrierEngine edge cases (§2)', () => {
  const none = { ts: [], side: [], tick: [], added: [], filled: [], pulled: [] };
  it('no book: NEUTRAL, R = 0, not visible, {null, 0}', () => {
    const m = engine.evaluate(none, 0, 0, null, T0, L, 'DOWN');
    expect(m).toStrictEqual(createBarrierMetrics());
  });
  it('empty defending side with a book: visible, depth 0, {null, 0}, WEAK', () => {
    const m = engine.evaluate(none, 0, 0, view(book({}, { '5000.5': 80 })), T0, L, 'DOWN');
    expect(m.zone_visible).toBe(true);
    expect(m.depth_in_zone).toBe(0);
    expect(m.defending_quote).toStrictEqual({ price: null, size: 0 });
    expect(m.wall_ratio).toBe(0);
    expect(m.state).toBe('WEAK');
  });
  it('RESISTANCE (UP) defends the asks', () => {
    const m = engine.evaluate(none, 0, 0, view(U0), T0, 5001, 'UP');
    expect(m.defending_quote).toStrictEqual({ price: 5000.5, size: 80 });
    expect(m.depth_in_zone).toBe(270);
    expect(m.wall_ratio).toBe(1); // 100 / median(80, 90, 100, 100, 150, 200) = 100 / 100
  });
  it('typed errors', () => {
    const catchIt = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const e1 = catchIt(() => engine.evaluate(none, 0, 1, null, T0, L, 'DOWN'));
    expect(BarrierError.is(e1) && e1.reason).toBe('invalid_range');
    const e2 = catchIt(() => engine.evaluate(none, 0, 0, null, T0, Number.NaN, 'DOWN'));
    expect(BarrierError.is(e2) && e2.reason).toBe('non_finite_level');
    const bad = { ...(view(U0) as BarrierBookView), bidCount: 5 };
    const e3 = catchIt(() => engine.evaluate(none, 0, 0, bad, T0, L, 'DOWN'));
    expect(BarrierError.is(e3) && e3.reason).toBe('invalid_book');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

const LT = 20000; // level tick of 5000.00
const T = T0 + 300n * S;

const rowArb = fc.record({
  dt: fc.integer({ min: 0, max: 1400 }), // × 250 ms before T + 50 s (some records after t)
  side: fc.constantFrom(FLOW_SIDE_BID, FLOW_SIDE_ASK),
  off: fc.integer({ min: -12, max: 12 }),
  added: fc.nat(300),
  filled: fc.nat(300),
  pulled: fc.nat(300),
});
const sideArb = fc.array(fc.record({ gap: fc.integer({ min: 1, max: 3 }), size: fc.integer({ min: 1, max: 400 }) }), {
  maxLength: 10,
});
const inputArb = fc.record({
  rows: fc.array(rowArb, { maxLength: 40 }),
  bids: sideArb,
  asks: sideArb,
  hasBook: fc.boolean(),
  levelOff: fc.constantFrom(0, 0.5, 0.37, -3, 4),
  direction: fc.constantFrom<Direction>('UP', 'DOWN'),
});
type Input = typeof inputArb extends fc.Arbitrary<infer U> ? U : never;

function rowsOf(inp: Input): FlowRow[] {
  return inp.rows
    .map((r) => ({
      ts: T + 50n * S - BigInt(r.dt) * 250n * MS,
      side: r.side,
      tick: LT + r.off,
      added: r.added,
      filled: r.filled,
      pulled: r.pulled,
    }))
    .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}
function bookOf(inp: Input): BarrierBookView | null {
  if (!inp.hasBook) return null;
  const bidPx: number[] = [];
  const askPx: number[] = [];
  let k = LT;
  for (const b of inp.bids) {
    k -= b.gap;
    bidPx.push(k * TICK);
  }
  k = LT;
  for (const a of inp.asks) {
    k += a.gap;
    askPx.push(k * TICK);
  }
  return {
    bidPx,
    bidSz: inp.bids.map((b) => b.size),
    bidCount: bidPx.length,
    askPx,
    askSz: inp.asks.map((a) => a.size),
    askCount: askPx.length,
  };
}
const levelOf = (inp: Input) => (LT + inp.levelOff) * TICK;
function evalInput(inp: Input, e = engine, t = T, rows = rowsOf(inp)): BarrierMetrics {
  return e.evaluate(flowView(rows), 0, rows.length, bookOf(inp), t, levelOf(inp), inp.direction);
}

/** Brute-force per-tick `n_p`, `f_p` over the window, zone and defending side. */
function perTick(inp: Input, t = T, wNs = BigInt(DEFAULT_CONFIG.W_b) * S): Map<number, { n: number; f: number }> {
  const lvl = levelOf(inp);
  const z = DEFAULT_CONFIG.BARRIER_ZONE_TICKS * TICK;
  const side = inp.direction === 'DOWN' ? FLOW_SIDE_BID : FLOW_SIDE_ASK;
  const m = new Map<number, { n: number; f: number }>();
  for (const r of rowsOf(inp)) {
    const p = r.tick * TICK;
    if (r.side !== side || r.ts <= t - wNs || r.ts > t || p < lvl - z || p > lvl + z) continue;
    const e = m.get(r.tick) ?? { n: 0, f: 0 };
    e.n += r.added - r.filled - r.pulled;
    e.f += r.filled;
    m.set(r.tick, e);
  }
  return m;
}

/** The §2 decision table written out independently. */
function table(a: number, c: number, f: number, depth: number, visible: boolean): BarrierState {
  const d = a - c - f;
  const churn = a + c + f;
  const r = c + f > 0 ? Math.min(10, a / (c + f)) : a > 0 ? 10 : 0;
  const rows: [boolean, BarrierState][] = [
    [d < -100 && r < 0.3 && c >= f, 'VACUUM'],
    [d > 100 && r > 1.5, 'WALL'],
    [d < -100 && f > c, 'CONSUMED'],
    [d > 0, 'ABSORPTION'],
    [visible && depth < 50, 'WEAK'],
    [Math.abs(d) < 50 && churn > 100, 'ABSORPTION'],
    [true, 'NEUTRAL'],
  ];
  return (rows.find((x) => x[0]) as [boolean, BarrierState])[1];
}

describe('BarrierEngine properties (§2)', () => {
  it('net components: identities, oracle, bounds, R break-even, confidence range', () => {
    fc.assert(
      fc.property(inputArb, (inp) => {
        const m = evalInput(inp);
        const ticks = [...perTick(inp).values()];
        const sumN = ticks.reduce((s, x) => s + x.n, 0);
        const sumAbs = ticks.reduce((s, x) => s + Math.abs(x.n), 0);
        const fOracle = ticks.reduce((s, x) => s + (x.n < 0 ? Math.min(-x.n, x.f) : 0), 0);
        expect(m.delta_liq).toBe(sumN);
        expect(m.delta_liq).toBe(m.added - m.canceled - m.filled);
        expect(m.churn).toBe(sumAbs);
        expect(m.churn).toBe(m.added + m.canceled + m.filled);
        expect(m.filled).toBe(fOracle);
        for (const v of [m.added, m.canceled, m.filled, m.churn, m.depth_in_zone]) expect(v).toBeGreaterThanOrEqual(0);
        expect(m.replenishment_ratio).toBeGreaterThanOrEqual(0);
        expect(m.replenishment_ratio).toBeLessThanOrEqual(DEFAULT_CONFIG.R_MAX);
        expect(m.replenishment_ratio > 1).toBe(m.delta_liq > 0);
        expect(m.confidence).toBeGreaterThanOrEqual(0);
        expect(m.confidence).toBeLessThanOrEqual(1);
        expect(Number.isFinite(m.wall_ratio) && m.wall_ratio >= 0).toBe(true);
        if (!m.zone_visible) expect([m.depth_in_zone, m.wall_ratio]).toStrictEqual([0, 0]);
      }),
      { numRuns: 300 },
    );
  });

  it('state is the decision table of (A, C, F, depth_in_zone, zone_visible) only', () => {
    fc.assert(
      fc.property(inputArb, (inp) => {
        const m = evalInput(inp);
        expect(m.state).toBe(table(m.added, m.canceled, m.filled, m.depth_in_zone, m.zone_visible));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat(400), fc.nat(400), fc.nat(400), fc.nat(200), fc.boolean(), (a, c, f, d, v) => {
        // Any two inputs with the same (A, C, F, depth, visible) give the same state: build one from per-tick flow.
        const rows: FlowRow[] = [
          { ts: T, side: FLOW_SIDE_BID, tick: LT, added: a, filled: 0, pulled: 0 },
          { ts: T, side: FLOW_SIDE_BID, tick: LT + 1, added: 0, filled: f, pulled: c },
        ];
        const bk: BarrierBookView = v
          ? { bidPx: [5000], bidSz: [d], bidCount: d > 0 ? 1 : 0, askPx: [], askSz: [], askCount: 0 }
          : { bidPx: [], bidSz: [], bidCount: 0, askPx: [], askSz: [], askCount: 0 };
        const m = engine.evaluate(flowView(rows), 0, 2, v ? bk : null, T, 5000, 'DOWN');
        const exp = table(a, c, f, v ? d : 0, v);
        expect(m.state).toBe(exp);
      }),
      { numRuns: 300 },
    );
  });

  it('additivity of delta_liq over split windows', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 239 }), (inp, w2) => {
        const e2 = new BarrierEngine({ ...DEFAULT_CONFIG, W_b: w2 });
        const e1 = new BarrierEngine({ ...DEFAULT_CONFIG, W_b: 240 - w2 });
        const whole = evalInput(inp).delta_liq;
        const tail = evalInput(inp, e2).delta_liq;
        const head = evalInput(inp, e1, T - BigInt(w2) * S).delta_liq;
        expect(head + tail).toBe(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('no prints ⇒ no fills', () => {
    fc.assert(
      fc.property(inputArb, (inp) => {
        const rows = rowsOf(inp).map((r) => ({ ...r, filled: 0 }));
        expect(evalInput(inp, engine, T, rows).filled).toBe(0);
      }),
    );
  });

  it('mirror symmetry: prices mirrored, sides and directions swapped', () => {
    fc.assert(
      fc.property(inputArb, (inp) => {
        const m = evalInput(inp);
        const mir: Input = {
          ...inp,
          bids: inp.asks,
          asks: inp.bids,
          direction: inp.direction === 'UP' ? 'DOWN' : 'UP',
        };
        const rows = rowsOf(inp).map((r) => ({ ...r, side: -r.side, tick: 2 * LT - r.tick }));
        const mm = engine.evaluate(
          flowView(rows),
          0,
          rows.length,
          bookOf(mir),
          T,
          (LT - inp.levelOff) * TICK,
          mir.direction,
        );
        const px = m.defending_quote.price;
        expect(mm).toStrictEqual({
          ...m,
          defending_quote: { price: px === null ? null : 2 * LT * TICK - px, size: m.defending_quote.size },
        });
      }),
      { numRuns: 200 },
    );
  });

  it('determinism: fresh engines, a reused result object and ring views agree', () => {
    fc.assert(
      fc.property(inputArb, fc.nat(50), (inp, shift) => {
        const a = evalInput(inp, new BarrierEngine());
        const b = evalInput(inp, new BarrierEngine());
        expect(a).toStrictEqual(b);
        const out = createBarrierMetrics();
        const rows = rowsOf(inp);
        const e = new BarrierEngine();
        e.evaluate(flowView(rows), 0, rows.length, bookOf(inp), T - 100n * S, levelOf(inp) + 1, 'UP', out);
        expect(e.evaluate(flowView(rows), 0, rows.length, bookOf(inp), T, levelOf(inp), inp.direction, out)).toBe(out);
        expect(out).toStrictEqual(a);
        // Ring: rotate the columns by `head` and read logical [head, head + n).
        const n = rows.length;
        if (n === 0) return;
        const head = shift % n;
        const rot = rows.map((_, j) => rows[(j - head + n) % n] as FlowRow);
        expect(e.evaluate(flowView(rot), head, head + n, bookOf(inp), T, levelOf(inp), inp.direction)).toStrictEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('causality: records after t change nothing at t', () => {
    fc.assert(
      fc.property(inputArb, fc.array(rowArb, { maxLength: 10 }), (inp, later) => {
        const rows = rowsOf(inp).filter((r) => r.ts <= T);
        const extra = later
          .map((r) => ({
            ts: T + 1n + BigInt(r.dt) * MS,
            side: r.side,
            tick: LT + r.off,
            added: r.added,
            filled: r.filled,
            pulled: r.pulled,
          }))
          .sort((x, y) => (x.ts < y.ts ? -1 : x.ts > y.ts ? 1 : 0));
        expect(evalInput(inp, engine, T, [...rows, ...extra])).toStrictEqual(evalInput(inp, engine, T, rows));
      }),
      { numRuns: 200 },
    );
  });
});
