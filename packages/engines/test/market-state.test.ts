/**
 * MarketState — engines spec §1: examples MS-1 to MS-3, the barrier (B-1 … B-6) and OFI (O-1 … O-3) book
 * states replayed through MarketState against the test-only references of barrier.test.ts / ofi.test.ts (same
 * records, same BarrierMetrics and OFI outputs when the engines read MarketState's views), option trades
 * (§1.3), advanceClock (§1.4), the roll-window basis (levels-pipeline-lake.md B.4.3) and the §1 properties.
 */
import {
  type BookLevel,
  DEFAULT_CONFIG,
  type FuturesTrade,
  type MBP10,
  type OptionNBBO,
  type OptionTrade,
} from '@spymaster/schemas';
import { etToNs } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarrierEngine, type BarrierMetrics } from '../src/barrier.js';
import { impliedVol, ivInputPrice, timeToExpiryYears } from '../src/black76.js';
import { KinematicsEngine } from '../src/kinematics.js';
import { MarketState, MarketStateError } from '../src/market-state.js';
import { FLOW_SIDE_ASK, FLOW_SIDE_BID, OFIEngine } from '../src/ofi.js';
import { TapeEngine } from '../src/tape.js';
import { DEPTH, type FlowRow, flowView, type RefEv, referenceDepthFlow, TICK } from './reference-flow.js';

const T0 = 1_765_895_400_000_000_000n;
const S = 1_000_000_000n;
const MS = 1_000_000n;
const F = 'ESH6';
const at = (ms: number) => T0 + BigInt(ms) * MS;

// ---------------------------------------------------------------------------------------------------------
// Event builders

type Side = Record<string, number>;
function fut(ts: bigint, aggressor: number, size: number, price: number, symbol = F): FuturesTrade {
  return {
    event_id: `FT-${symbol}-${ts}-na-0`,
    ts_event_ns: ts,
    ts_recv_ns: ts,
    source: 'sim',
    symbol,
    price,
    size,
    aggressor,
    exchange: null,
    conditions: null,
    seq: null,
  };
}
function levelsOf(bids: Side, asks: Side): BookLevel[] {
  const b = Object.entries(bids).map(([p, q]) => [Number(p), q] as const);
  const a = Object.entries(asks).map(([p, q]) => [Number(p), q] as const);
  // Deliberately not price-sorted: the array index is not trusted (§0.4).
  const levels: BookLevel[] = [];
  for (let i = 0; i < 10; i++) {
    const bi = b[i];
    const ai = a[i];
    levels.push({ bid_px: bi?.[0] ?? 0, bid_sz: bi?.[1] ?? 0, ask_px: ai?.[0] ?? 0, ask_sz: ai?.[1] ?? 0 });
  }
  return levels;
}
function mbp(ts: bigint, bids: Side, asks: Side, isSnapshot = false, symbol = F): MBP10 {
  return {
    event_id: `MB-${symbol}-${ts}-na-0`,
    ts_event_ns: ts,
    ts_recv_ns: ts,
    source: 'sim',
    symbol,
    levels: levelsOf(bids, asks),
    is_snapshot: isSnapshot,
    seq: null,
  };
}
interface OptArgs {
  readonly symbol?: string;
  readonly underlying?: string;
  readonly expDate?: string;
  readonly strike?: number;
  readonly right?: 'C' | 'P';
  readonly bid?: number | null;
  readonly ask?: number | null;
  readonly aggressor?: number;
}
const EXP_1600 = etToNs('2025-12-16', '16:00');
function opt(ts: bigint, price: number, size: number, a: OptArgs = {}): OptionTrade {
  const strike = a.strike ?? 5000;
  const right = a.right ?? 'C';
  return {
    event_id: `OT-x-${ts}-na-0`,
    ts_event_ns: ts,
    ts_recv_ns: ts,
    source: 'sim',
    underlying: 'ES',
    underlying_contract: a.underlying ?? F,
    option_symbol: a.symbol ?? `E3Z5 ${right}${strike}`,
    exp_date: a.expDate ?? '2025-12-16',
    expiration_ns: EXP_1600,
    strike,
    right,
    price,
    size,
    opt_bid: a.bid === undefined ? null : a.bid,
    opt_ask: a.ask === undefined ? null : a.ask,
    aggressor: a.aggressor ?? 1,
    conditions: null,
    seq: null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Test-only reference of §1.1 step 3 and §1.2 steps 1–5: reference-flow.ts (shared with barrier/ofi tests)

const toMap = (r: Side) => new Map(Object.entries(r).map(([p, q]) => [Number(p), q] as const));
const reference = referenceDepthFlow;

/** A scenario step: a trade or a book state (feeds both MarketState and the reference). */
type Step =
  | { kind: 'trade'; ts: bigint; price: number; size: number; aggr: number }
  | { kind: 'book'; ts: bigint; bids: Side; asks: Side; snap?: boolean };
const tr = (ts: bigint, aggr: number, size: number, price: number): Step => ({ kind: 'trade', ts, price, size, aggr });
const bk = (ts: bigint, bids: Side, asks: Side, snap = false): Step => ({ kind: 'book', ts, bids, asks, snap });
const setLvl = (s: Side, price: number, size: number): Side => {
  const out = { ...s };
  if (size > 0) out[String(price)] = size;
  else delete out[String(price)];
  return out;
};

function feed(steps: readonly Step[], ms = new MarketState(DEFAULT_CONFIG, { ratePerSecond: 0.01 })): MarketState {
  for (const s of steps) {
    if (s.kind === 'trade') ms.applyFuturesTrade(fut(s.ts, s.aggr, s.size, s.price));
    else ms.applyMbp10(mbp(s.ts, s.bids, s.asks, s.snap ?? false));
  }
  return ms;
}
function refOf(steps: readonly Step[]) {
  return reference(
    steps.map(
      (s): RefEv =>
        s.kind === 'trade'
          ? s
          : { kind: 'book', ts: s.ts, book: { bids: toMap(s.bids), asks: toMap(s.asks) }, snap: s.snap ?? false },
    ),
  );
}
function flowRows(ms: MarketState): FlowRow[] {
  const v = ms.flowView();
  const [from, to] = ms.flowRange();
  const out: FlowRow[] = [];
  for (let i = from; i < to; i++) {
    const j = i % v.ts.length;
    out.push({
      ts: v.ts[j] ?? 0n,
      side: v.side[j] ?? 0,
      tick: v.tick[j] ?? 0,
      added: v.added[j] ?? 0,
      filled: v.filled[j] ?? 0,
      pulled: v.pulled[j] ?? 0,
    });
  }
  return out;
}
function l1Rows(ms: MarketState): { ts: bigint; e: number }[] {
  const v = ms.l1OfiView();
  const [from, to] = ms.l1Range();
  const out: { ts: bigint; e: number }[] = [];
  for (let i = from; i < to; i++) out.push({ ts: v.ts[i % v.ts.length] ?? 0n, e: v.e[i % v.ts.length] ?? 0 });
  return out;
}

const barrier = new BarrierEngine();
const ofi = new OFIEngine();
const L = 4999.5;

/** Replay through MarketState and the reference; same records; BarrierEngine on MarketState's views. */
function barrierVia(steps: readonly Step[], t: bigint): BarrierMetrics {
  const ms = feed(steps);
  const ref = refOf(steps);
  expect(flowRows(ms)).toStrictEqual(ref.rows);
  expect(l1Rows(ms)).toStrictEqual(ref.l1);
  ms.advanceClock(t);
  const [from, to] = ms.flowRange();
  const got = barrier.evaluate(ms.flowView(), from, to, ms.bookView(), t, L, 'DOWN');
  const [wf, wt] = ms.flowRange(t, DEFAULT_CONFIG.W_b);
  expect(barrier.evaluate(ms.flowView(), wf, wt, ms.bookView(), t, L, 'DOWN')).toStrictEqual(got);
  const refView = flowView(ref.rows);
  expect(barrier.evaluate(refView, 0, ref.rows.length, ms.bookView(), t, L, 'DOWN')).toStrictEqual(got);
  return got;
}
function pick(m: BarrierMetrics) {
  return [m.state, m.added, m.canceled, m.filled, m.delta_liq, m.churn, m.depth_in_zone, m.defending_quote];
}

const U0b: Side = { '5000.25': 150, '5000': 200, '4999.75': 100 };
const U0a: Side = { '5000.5': 80, '5000.75': 90, '5001': 100 };

describe('MarketState with the barrier examples B-1 … B-6 (§1.2 records, §2 outputs)', () => {
  it('B-1: VACUUM', () => {
    const b2 = setLvl(U0b, 5000, 50);
    const b3 = setLvl(b2, 4999.75, 0);
    const b4 = setLvl(b3, 5000.25, 170);
    const m = barrierVia(
      [
        tr(at(500), 1, 1, 5000.5),
        bk(at(1000), U0b, U0a),
        bk(at(2000), b2, U0a),
        bk(at(3000), b3, U0a),
        bk(at(4000), b4, U0a),
      ],
      at(5000),
    );
    expect(pick(m)).toStrictEqual(['VACUUM', 20, 250, 0, -230, 270, 220, { price: 5000.25, size: 170 }]);
  });
  const b2a = setLvl(U0b, 5000.25, 0);
  const b2b = setLvl(b2a, 5000, 140);
  const b3 = setLvl(b2b, 5000, 90);
  const b2Expected = ['CONSUMED', 0, 50, 210, -260, 260, 190, { price: 5000, size: 90 }];
  it('B-2: same-timestamp sweep, CONSUMED (and the later-stamped variant)', () => {
    const tail = [bk(at(2000), b2a, U0a), bk(at(2000), b2b, U0a), bk(at(3000), b3, U0a)];
    const m = barrierVia(
      [bk(at(1000), U0b, U0a), tr(at(2000), -1, 150, 5000.25), tr(at(2000), -1, 60, 5000), ...tail],
      at(4000),
    );
    expect(pick(m)).toStrictEqual(b2Expected);
    const v = barrierVia(
      [bk(at(1000), U0b, U0a), tr(at(1500), -1, 150, 5000.25), tr(at(1500), -1, 60, 5000), ...tail],
      at(4000),
    );
    expect(pick(v)).toStrictEqual(b2Expected);
  });
  it('B-3: pool expiry, WALL', () => {
    const a15 = setLvl(U0a, 5000.5, 60);
    const a2 = setLvl(a15, 5000.5, 70);
    const b3s = setLvl(U0b, 5000, 170);
    const b4 = setLvl(b3s, 4999.75, 300);
    const b5 = setLvl(b4, 4999.5, 60);
    const steps = [
      bk(at(1000), U0b, U0a),
      tr(at(1500), -1, 30, 5000),
      bk(at(1500), U0b, a15),
      bk(at(2000), U0b, a2),
      bk(at(3000), b3s, a2),
      bk(at(4000), b4, a2),
      bk(at(5000), b5, a2),
    ];
    const m = barrierVia(steps, at(6000));
    expect(pick(m)).toStrictEqual(['WALL', 260, 30, 0, 230, 290, 680, { price: 5000.25, size: 150 }]);
    expect(
      flowRows(feed(steps))
        .filter((r) => r.side === FLOW_SIDE_BID)
        .map((r) => [r.tick * TICK, r.added, r.filled, r.pulled]),
    ).toStrictEqual([
      [5000, 0, 0, 30],
      [4999.75, 200, 0, 0],
      [4999.5, 60, 0, 0],
    ]);
  });
  it('B-4: net, not gross — ABSORPTION; variant NEUTRAL', () => {
    const b2 = setLvl(U0b, 5000, 300);
    const b25 = setLvl(b2, 5000, 200);
    const b3s = setLvl(b25, 5000, 260);
    const b35 = setLvl(b3s, 4999.75, 80);
    const m = barrierVia(
      [
        tr(at(500), 1, 1, 5000.5),
        bk(at(1000), U0b, U0a),
        bk(at(2000), b2, U0a),
        bk(at(2500), b25, U0a),
        bk(at(3000), b3s, U0a),
        bk(at(3500), b35, U0a),
      ],
      at(4000),
    );
    expect(pick(m)).toStrictEqual(['ABSORPTION', 60, 20, 0, 40, 80, 490, { price: 5000.25, size: 150 }]);
    const n = barrierVia(
      [tr(at(500), 1, 1, 5000.5), bk(at(1000), U0b, U0a), bk(at(2000), setLvl(U0b, 4999.75, 20), U0a)],
      at(3000),
    );
    expect(pick(n)).toStrictEqual(['NEUTRAL', 0, 80, 0, -80, 80, 370, { price: 5000.25, size: 150 }]);
  });
  it('B-5: contested ABSORPTION; refilled fill is no loss', () => {
    const b5a = setLvl(U0b, 5000.25, 50);
    const b5b = setLvl(b5a, 5000, 290);
    const steps = [
      bk(at(1000), U0b, U0a),
      tr(at(2000), -1, 100, 5000.25),
      bk(at(2000), b5a, U0a),
      bk(at(3000), b5b, U0a),
    ];
    expect(pick(barrierVia(steps, at(4000)))).toStrictEqual([
      'ABSORPTION',
      90,
      0,
      100,
      -10,
      190,
      440,
      { price: 5000.25, size: 50 },
    ]);
    const refill = [...steps, bk(at(3500), setLvl(b5b, 5000.25, 150), U0a)];
    expect(pick(barrierVia(refill, at(4000)))).toStrictEqual([
      'ABSORPTION',
      90,
      0,
      0,
      90,
      90,
      540,
      { price: 5000.25, size: 150 },
    ]);
  });
  it('B-6: WEAK; visibility with a full and a 9-level bid side', () => {
    const thinB = { '5000.25': 10, '5000': 15, '4999.75': 12 };
    const thinA = { '5000.5': 8, '5000.75': 9 };
    const m = barrierVia(
      [tr(at(500), 1, 1, 5000.5), bk(at(1000), thinB, thinA), bk(at(2000), setLvl(thinB, 5000, 5), thinA)],
      at(3000),
    );
    expect(pick(m)).toStrictEqual(['WEAK', 0, 10, 0, -10, 10, 27, { price: 5000.25, size: 10 }]);
    expect(m.wall_ratio).toBeCloseTo(12 / 9, 12);
    const bids: Side = {};
    const asks: Side = {};
    for (let i = 0; i < 10; i++) {
      bids[String(5003 - 0.25 * i)] = 10;
      asks[String(5003.25 + 0.25 * i)] = 10;
    }
    const full = feed([bk(at(1000), bids, asks)]);
    const t = at(3000);
    full.advanceClock(t);
    const fm = barrier.evaluate(full.flowView(), ...full.flowRange(), full.bookView(), t, L, 'DOWN');
    expect([fm.state, fm.zone_visible, fm.depth_in_zone]).toStrictEqual(['NEUTRAL', false, 0]);
    const nine = feed([bk(at(1000), setLvl(bids, 5000.75, 0), asks)]);
    nine.advanceClock(t);
    const nm = barrier.evaluate(nine.flowView(), ...nine.flowRange(), nine.bookView(), t, L, 'DOWN');
    expect([nm.state, nm.zone_visible, nm.depth_in_zone, nm.wall_ratio]).toStrictEqual(['WEAK', true, 30, 1]);
  });
});

describe('MarketState with the OFI examples O-1 … O-3 (§1.2 step 5, §6)', () => {
  function ofiVia(steps: readonly Step[], t: bigint) {
    const ms = feed(steps);
    const ref = refOf(steps);
    expect(flowRows(ms)).toStrictEqual(ref.rows);
    expect(l1Rows(ms)).toStrictEqual(ref.l1);
    ms.advanceClock(t);
    const got = ofi.evaluate(ms.l1OfiView(), ...ms.l1Range(), ms.flowView(), ...ms.flowRange(), t);
    const refL1 = { ts: ref.l1.map((r) => r.ts), e: ref.l1.map((r) => r.e) };
    expect(ofi.evaluate(refL1, 0, ref.l1.length, flowView(ref.rows), 0, ref.rows.length, t)).toStrictEqual(got);
    expect(ms.ofiL1(t, 30)).toBe(got.ofi_30s);
    expect(ms.ofiPrice(t, 30)).toBe(got.ofi_integrated_30s);
    return { ms, got, ref };
  }
  it('O-1: per-update e and price-indexed changes', () => {
    const asks0 = { '5000.25': 25, '5000.5': 30 };
    const { ms, got, ref } = ofiVia(
      [
        bk(T0 + 1n * S, { '5000': 20, '4999.75': 30 }, asks0),
        bk(T0 + 2n * S, { '5000': 25, '4999.75': 30 }, asks0),
        bk(T0 + 3n * S, { '5000': 25, '4999.75': 30 }, { '5000.25': 10, '5000.5': 30 }),
        bk(T0 + 4n * S, { '5000.25': 8, '5000': 25, '4999.75': 30 }, { '5000.5': 30 }),
        bk(T0 + 5n * S, { '5000': 25, '4999.75': 30 }, { '5000.5': 30 }),
        bk(T0 + 6n * S, { '5000': 25, '4999.75': 10 }, { '5000.5': 30 }),
      ],
      T0 + 6n * S,
    );
    expect(ref.l1.map((r) => r.e)).toStrictEqual([5, 15, 18, -8, 0]);
    expect(got).toStrictEqual({
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
    expect(ofi.nearLevel(ms.flowView(), ...ms.flowRange(), T0 + 6n * S, 4997.75)['30s']).toBe(-20);
    expect(ms.ofiL1(T0 + 3n * S, 2)).toBe(20);
  });
  it('O-2: truncation edge — comparable prices only', () => {
    const bids0: Side = {};
    const asks0: Side = {};
    const bids1: Side = { '5000.25': 5 };
    const asks1: Side = {};
    for (let i = 0; i < 10; i++) {
      bids0[String(5000 - 0.25 * i)] = 10;
      asks0[String(5000.25 + 0.25 * i)] = 10;
      if (i < 9) bids1[String(5000 - 0.25 * i)] = 10;
      asks1[String(5000.5 + 0.25 * i)] = 10;
    }
    const { got, ref } = ofiVia([bk(T0 + 1n * S, bids0, asks0), bk(T0 + 2n * S, bids1, asks1)], T0 + 3n * S);
    expect(ref.rows.map((x) => [x.side, x.tick * TICK, x.added - x.pulled])).toStrictEqual([
      [FLOW_SIDE_BID, 5000.25, 5],
      [FLOW_SIDE_ASK, 5000.25, -10],
    ]);
    expect([got.ofi_30s, got.ofi_integrated_30s]).toStrictEqual([15, 15]);
  });
  it('O-3: every vendor record is a step', () => {
    const asks = { '5000.5': 40 };
    const { got, ref } = ofiVia(
      [
        bk(T0 + 1n * S, { '5000': 20 }, asks),
        bk(T0 + 2n * S, { '5000.25': 5, '5000': 20 }, asks),
        bk(T0 + 2n * S, { '5000': 30 }, asks),
      ],
      T0 + 3n * S,
    );
    expect(ref.l1.map((x) => x.e)).toStrictEqual([5, -5]);
    expect([got.ofi_30s, got.ofi_integrated_30s]).toStrictEqual([0, 10]);
  });
  it('snapshot records start a new baseline; a duplicate record gives e = 0 and no flow', () => {
    const a = { '5000': 20 };
    const { ms } = ofiVia(
      [
        bk(T0 + 1n * S, a, { '5000.25': 10 }),
        bk(T0 + 2n * S, { '5001': 7 }, { '5001.25': 3 }, true),
        bk(T0 + 3n * S, { '5001': 9 }, { '5001.25': 3 }),
        bk(T0 + 4n * S, { '5001': 9 }, { '5001.25': 3 }),
      ],
      T0 + 5n * S,
    );
    expect(l1Rows(ms).map((r) => r.e)).toStrictEqual([2, 0]);
    expect(flowRows(ms)).toHaveLength(1);
  });
});

describe('MarketState examples (§1)', () => {
  it('MS-1: quote rule, spot, half-open windows', () => {
    const ms = new MarketState();
    ms.applyMbp10(mbp(at(0), { '5000': 20, '4999.75': 30 }, { '5000.5': 25, '5000.75': 40 }));
    ms.applyFuturesTrade(fut(at(100), 0, 3, 5000.5));
    ms.applyFuturesTrade(fut(at(100), 0, 2, 5000));
    ms.applyFuturesTrade(fut(at(200), 0, 1, 5000.25));
    const t = at(250);
    ms.advanceClock(t);
    expect(ms.spot()).toBe(5000.25);
    expect(ms.bestBid()).toStrictEqual({ price: 5000, size: 20 });
    expect(ms.bestAsk()).toStrictEqual({ price: 5000.5, size: 25 });
    expect(ms.mid()).toBe(5000.25);
    expect(ms.tradesIn(t, 0.15).map((x) => x.ts)).toStrictEqual([at(200)]);
    expect(ms.tradesIn(t, 0.25).map((x) => [x.price, x.aggressor])).toStrictEqual([
      [5000.5, 0],
      [5000, 0],
      [5000.25, 0],
    ]);
    expect(ms.pooled(FLOW_SIDE_ASK, 20002)).toBe(3);
    expect(ms.pooled(FLOW_SIDE_BID, 20000)).toBe(2);
    expect(ms.poolSize()).toBe(2);
    const tape = new TapeEngine().evaluate(ms.tradeView(), ...ms.tradeRange(), 5000.25, t);
    expect([tape.buy_vol, tape.sell_vol]).toStrictEqual([0, 0]);
    const locked = new MarketState();
    locked.applyMbp10(mbp(at(0), { '5000.5': 20 }, { '5000.5': 25 }));
    locked.applyFuturesTrade(fut(at(100), 0, 3, 5000.5));
    locked.applyFuturesTrade(fut(at(100), 0, 2, 5000));
    expect(locked.poolSize()).toBe(0);
    expect(locked.mid()).toBeNull();
    expect(locked.midRange()).toStrictEqual([0, 0]);
  });

  it('MS-2: PM/OR availability', () => {
    const d = '2025-12-16';
    const ms = new MarketState();
    const trades: [bigint, number][] = [
      [etToNs(d, '03:59') + 59n * S, 6030],
      [etToNs(d, '04:00'), 5998],
      [etToNs(d, '08:15'), 6010.5],
      [etToNs(d, '09:30') - 1n, 6004.25],
      [etToNs(d, '09:30'), 6012],
      [etToNs(d, '09:44') + 59n * S, 5995.5],
      [etToNs(d, '09:45'), 6020],
    ];
    const snap = (t: bigint) => {
      ms.advanceClock(t);
      return [ms.pmHigh(), ms.pmLow(), ms.orHigh(), ms.orLow()];
    };
    for (const [ts, p] of trades.slice(0, 3)) ms.applyFuturesTrade(fut(ts, 1, 1, p));
    expect(snap(etToNs(d, '09:29') + 59_750n * MS)).toStrictEqual([null, null, null, null]);
    ms.applyFuturesTrade(fut(trades[3]?.[0] ?? 0n, 1, 1, 6004.25));
    ms.applyFuturesTrade(fut(trades[4]?.[0] ?? 0n, 1, 1, 6012));
    expect(snap(etToNs(d, '09:30'))).toStrictEqual([6010.5, 5998, null, null]);
    ms.applyFuturesTrade(fut(trades[5]?.[0] ?? 0n, 1, 1, 5995.5));
    expect(snap(etToNs(d, '09:44') + 59_750n * MS)).toStrictEqual([6010.5, 5998, null, null]);
    ms.applyFuturesTrade(fut(trades[6]?.[0] ?? 0n, 1, 1, 6020));
    expect(snap(etToNs(d, '09:45'))).toStrictEqual([6010.5, 5998, 6012, 5995.5]);
  });

  it('MS-3: SMA bars (fast = 2, slow = 3)', () => {
    const d = '2025-12-16';
    const ms = new MarketState({ ...DEFAULT_CONFIG, SMA_SLOW_PERIOD: 3 }); // fast = sma(2);
    ms.applyFuturesTrade(fut(etToNs(d, '09:30') + 10n * S, 1, 1, 6000));
    ms.applyFuturesTrade(fut(etToNs(d, '09:31') + 50n * S, 1, 1, 6001));
    ms.applyFuturesTrade(fut(etToNs(d, '09:32') + 30n * S, 1, 1, 6003));
    ms.applyFuturesTrade(fut(etToNs(d, '09:35'), 1, 1, 6002.5));
    ms.advanceClock(etToNs(d, '09:35') + 59_750n * MS);
    expect(ms.smaCloses()).toStrictEqual([6001, 6003]);
    expect([ms.sma(2), ms.sma(3)]).toStrictEqual([6002, null]);
    ms.advanceClock(etToNs(d, '09:36'));
    expect(ms.sma(2)).toBe(6002.75);
    expect(ms.sma(3)).toBe(18006.5 / 3);
    expect(ms.minuteCloses().map((c) => c.close)).toStrictEqual([6000, 6001, 6003, 6002.5]);
  });

  it('property: the memoized sma(N) equals the mean of smaCloses() after every trade, across days', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gapS: fc.integer({ min: 1, max: 40_000 }), tick: fc.integer({ min: -40, max: 40 }) }), {
          maxLength: 60,
        }),
        (rows) => {
          const ms = new MarketState({ ...DEFAULT_CONFIG, SMA_SLOW_PERIOD: 5 });
          let t = etToNs('2025-12-15', '09:30');
          const mean = (n: number): number | null => {
            const ticks = ms.smaCloses().map((p) => Math.round(p / 0.25));
            if (n > ticks.length) return null;
            return (ticks.slice(-n).reduce((a, b) => a + b, 0) * 0.25) / n;
          };
          for (const r of rows) {
            t += BigInt(r.gapS) * S;
            ms.applyFuturesTrade(fut(t, 1, 1, 6000 + r.tick * 0.25));
            for (const n of [1, 3, 5, 6]) expect(ms.sma(n)).toBe(mean(n));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('MarketState option trades (§1.3) and the roll-window basis (B.4.3)', () => {
  it('0DTE and underlying re-check; inventory N/V/premium/last; NONE by the quote rule; unsigned', () => {
    const ms = new MarketState();
    ms.applyOptionTrade(opt(at(0), 10, 5, { expDate: '2025-12-17' }));
    ms.applyOptionTrade(opt(at(0), 10, 5, { underlying: 'ESM6' }));
    expect(ms.optionContracts()).toHaveLength(0);
    ms.applyOptionTrade(opt(at(100), 10, 5, { aggressor: 1 }));
    ms.applyOptionTrade(opt(at(200), 11, 3, { aggressor: 0, bid: 10.5, ask: 11 }));
    ms.applyOptionTrade(opt(at(300), 10.5, 4, { aggressor: 0, bid: 10.5, ask: 11 }));
    ms.applyOptionTrade(opt(at(400), 10.75, 2, { aggressor: 0, bid: 10.5, ask: 11 }));
    ms.applyOptionTrade(opt(at(500), 10, 7, { aggressor: -1 }));
    ms.apply({ ts_event_ns: at(500), option_symbol: 'E3Z5 C5000', bid_px: 1 } as unknown as OptionNBBO);
    const [c] = ms.optionContracts();
    expect(c).toMatchObject({ N: 5 + 3 - 4 - 7, V: 21, lastPrice: 10, lastTs: at(500), strike: 5000, right: 'C' });
    expect(c?.premium).toBe((10 * 5 + 11 * 3 + 10.5 * 4 + 10.75 * 2 + 10 * 7) * 50);
    expect(c?.iv).toBeNull(); // no spot yet
    const flow = ms.optionFlowIn(at(500), 60);
    expect(flow.map((f) => [f.signed, f.size])).toStrictEqual([[-3, 21]]);
    expect(ms.optionFlowIn(at(500), 0.35).map((f) => [f.signed, f.size])).toStrictEqual([[-8, 16]]);
  });

  it('IV at trade time with spot (mid input, OTM twin); unsolvable leaves iv unchanged', () => {
    const ms = new MarketState();
    ms.applyFuturesTrade(fut(at(0), 1, 1, 6000));
    ms.applyOptionTrade(opt(at(0), 60, 1, { strike: 5950, right: 'C', bid: 59, ask: 61 }));
    const [c] = ms.optionContracts();
    const T = timeToExpiryYears(EXP_1600, at(0), DEFAULT_CONFIG);
    const want = impliedVol(ivInputPrice(60, 59, 61), 6000, 5950, T, 'C', DEFAULT_CONFIG);
    expect(want).not.toBeNull();
    expect(c?.iv).toBe(want);
    expect(c?.ivTs).toBe(at(0));
    ms.applyOptionTrade(opt(at(100), 1e-9, 1, { strike: 5950, right: 'C' }));
    expect(c?.iv).toBe(want);
    expect(c?.ivTs).toBe(at(0));
    const fixed = new MarketState({ ...DEFAULT_CONFIG, FUEL_IV_MODE: 'fixed' });
    fixed.applyFuturesTrade(fut(at(0), 1, 1, 6000));
    fixed.applyOptionTrade(opt(at(0), 60, 1, { strike: 5950 }));
    expect(fixed.optionContracts()[0]?.iv).toBeNull();
  });

  it('basis from F book and qTop of Q; stale after BASIS_MAX_AGE_S; options on Q solved at spot − basis', () => {
    const ms = new MarketState();
    expect(ms.basis(T0)).toBeNull();
    ms.applyMbp10(mbp(at(0), { '5000': 10 }, { '5000.5': 10 }));
    ms.applyMbp10(mbp(at(100), { '4950': 10 }, { '4950.25': 10 }, false, 'ESZ5'));
    expect(ms.expiringContract).toBe('ESZ5');
    expect(ms.mid()).toBe(5000.25); // Q's record never touches F's book
    expect(ms.basis(at(100))).toBe(5000.25 - 4950.125);
    ms.applyMbp10(mbp(at(200), { '4951': 10 }, {}, false, 'ESZ5')); // one-sided: qTop unchanged
    expect(ms.basis(at(200))).toBe(5000.25 - 4950.125);
    expect(ms.basis(at(0) + 60n * S)).toBe(5000.25 - 4950.125);
    expect(ms.basis(at(1) + 60n * S)).toBeNull(); // F's book older than 60 s
    ms.applyFuturesTrade(fut(at(300), 1, 1, 5000.5));
    ms.applyOptionTrade(opt(at(300), 40, 1, { underlying: 'ESZ5', strike: 4950, right: 'P', symbol: 'E3Z5 P4950' }));
    const T = timeToExpiryYears(EXP_1600, at(300), DEFAULT_CONFIG);
    const fq = 5000.5 - (5000.25 - 4950.125);
    expect(ms.optionContracts()[0]?.iv).toBe(impliedVol(40, fq, 4950, T, 'P', DEFAULT_CONFIG));
    const off = new MarketState();
    off.applyMbp10(mbp(etToNs('2026-01-06', '10:00'), { '5000': 10 }, { '5000.5': 10 }, false, 'ESH6'));
    expect(off.expiringContract).toBeNull();
    expect(off.basis(etToNs('2026-01-06', '10:00'))).toBeNull();
  });
});

describe('MarketState advanceClock (§1.4)', () => {
  it('rejects a clock regression with a typed error', () => {
    const ms = new MarketState();
    ms.advanceClock(at(1000));
    expect(() => ms.applyFuturesTrade(fut(at(999), 1, 1, 5000))).toThrowError(MarketStateError);
    try {
      ms.advanceClock(at(1));
    } catch (e) {
      expect(MarketStateError.is(e)).toBe(true);
    }
  });

  it('trade-date rollover on the same contract keeps rings, resets PM/OR and options; contract roll clears all', () => {
    const d1 = '2026-01-06';
    const ms = new MarketState();
    ms.applyMbp10(mbp(etToNs(d1, '08:00'), { '6000': 10 }, { '6000.25': 10 }));
    ms.applyFuturesTrade(fut(etToNs(d1, '08:00'), 1, 1, 6000.25));
    ms.applyMbp10(mbp(etToNs(d1, '08:00') + 1n, { '6000': 12 }, { '6000.25': 10 }));
    ms.applyOptionTrade(opt(etToNs(d1, '09:00'), 10, 1, { expDate: d1, underlying: 'ESH6' }));
    ms.advanceClock(etToNs(d1, '10:00'));
    expect(ms.pmHigh()).toBe(6000.25);
    expect(ms.optionContracts()).toHaveLength(1);
    const next = etToNs(d1, '18:00');
    ms.advanceClock(next);
    expect(ms.session).toBe('2026-01-07');
    expect([ms.pmHigh(), ms.optionContracts().length, ms.spot(), ms.mid()]).toStrictEqual([null, 0, 6000.25, 6000.125]);
    expect(l1Rows(ms)).toHaveLength(0); // evicted (older than 300 s), not reset
    expect(ms.midRange()[1] - ms.midRange()[0]).toBe(1); // as-of anchor kept
    expect(ms.midAsOf(next)).toBe(6000.125);
    // Contract roll: ESZ5 → ESH6 on 2025-12-11.
    const r = new MarketState();
    r.applyMbp10(mbp(etToNs('2025-12-10', '15:59'), { '6000': 10 }, { '6000.25': 10 }, false, 'ESZ5'));
    r.applyFuturesTrade(fut(etToNs('2025-12-10', '15:59'), 1, 1, 6000.25, 'ESZ5'));
    expect(r.spot()).toBe(6000.25);
    r.applyFuturesTrade(fut(etToNs('2025-12-10', '18:00'), 1, 1, 6000.25, 'ESZ5'));
    expect(r.frontMonth).toBe('ESH6');
    expect([r.spot(), r.bookView(), r.bookTs, r.midRange(), r.tradeRange()]).toStrictEqual([
      null,
      null,
      null,
      [0, 0],
      [0, 0],
    ]);
    expect(r.tradeRange()).toStrictEqual([0, 0]);
  });

  it('2-min closes: kept across dates for the warm-up dates only, cleared at a contract roll', () => {
    const ms = new MarketState({ ...DEFAULT_CONFIG, SMA_WARMUP_DAYS: 1 });
    for (const d of ['2026-01-05', '2026-01-06', '2026-01-07']) {
      ms.applyFuturesTrade(fut(etToNs(d, '10:00'), 1, 1, 6000 + Number(d.slice(-1))));
      ms.advanceClock(etToNs(d, '10:02'));
    }
    expect(ms.smaCloses()).toStrictEqual([6006, 6007]);
    ms.advanceClock(etToNs('2026-01-07', '18:00')); // trade date 2026-01-08: warm-up date 01-07 only
    expect(ms.smaCloses()).toStrictEqual([6007]);
    ms.advanceClock(etToNs('2026-03-11', '18:00')); // roll date of ESH6 → ESM6
    expect(ms.frontMonth).toBe('ESM6');
    expect(ms.smaCloses()).toStrictEqual([]);
  });

  it('retention: rings grow and never lose a record inside the window; evict older ones at advanceClock', () => {
    const ms = new MarketState(DEFAULT_CONFIG, { ratePerSecond: 0.01 });
    ms.applyMbp10(mbp(at(0), { '5000': 1 }, { '5000.25': 1 }));
    for (let i = 1; i <= 500; i++) {
      ms.applyFuturesTrade(fut(at(i * 100), 1, 1, 5000.25));
      ms.applyMbp10(mbp(at(i * 100), { '5000': 1 + (i % 7) }, { '5000.25': 1 }));
    }
    expect(ms.tradeRange()[1] - ms.tradeRange()[0]).toBe(500);
    ms.advanceClock(at(60_000));
    const [from, to] = ms.tradeRange();
    expect(to - from).toBe(500); // (0, 60 s]: prints at 0.1 … 50 s, all inside
    ms.advanceClock(at(100_000));
    expect(ms.tradeRange()[1] - ms.tradeRange()[0]).toBe(100); // (40 s, 100 s] holds prints 40.1 … 50 s
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const arbSide = (lo: number, hi: number) =>
  fc.dictionary(
    fc.integer({ min: lo, max: hi }).map((k) => String(k * TICK)),
    fc.integer({ min: 1, max: 50 }),
    { maxKeys: 12 },
  );
const arbStep: fc.Arbitrary<{ dt: number; step: (ts: bigint) => Step }> = fc.record({
  dt: fc.constantFrom(0, 0, 100, 250, 1000, 7000),
  step: fc.oneof(
    fc
      .record({
        aggr: fc.constantFrom(-1, 0, 1),
        size: fc.integer({ min: 1, max: 40 }),
        k: fc.integer({ min: 19_992, max: 20_008 }),
      })
      .map((r) => (ts: bigint) => tr(ts, r.aggr, r.size, r.k * TICK)),
    fc
      .record({ bids: arbSide(19_988, 20_001), asks: arbSide(19_999, 20_012) })
      .map((r) => (ts: bigint) => bk(ts, r.bids, r.asks)),
    fc
      .record({ bids: arbSide(19_988, 20_001), asks: arbSide(19_999, 20_012) })
      .map((r) => (ts: bigint) => bk(ts, r.bids, r.asks, true)),
  ),
});
const arbSteps = fc.array(arbStep, { maxLength: 40 }).map((xs) => {
  let ts = T0;
  return xs.map((x) => {
    ts += BigInt(x.dt) * MS;
    return x.step(ts);
  });
});

describe('MarketState properties (§1)', () => {
  it('flow and L1 records equal the test-only reference (oracle), ring growth included', () => {
    fc.assert(
      fc.property(arbSteps, (steps) => {
        const ms = feed(steps);
        const ref = refOf(steps);
        expect(flowRows(ms)).toStrictEqual(ref.rows);
        expect(l1Rows(ms)).toStrictEqual(ref.l1);
      }),
      { numRuns: 300 },
    );
  });

  it('window sums equal the ring scans of the OFI and barrier engines at every step (ring growth and eviction)', () => {
    // Long runs with few ms between records make the rings regrow (capacity 16) and the windows drop records.
    // Occasional pauses of 45 s and 130 s empty the short windows while the long ones still hold records.
    const pause = fc.constantFrom(0n, 0n, 0n, 0n, 0n, 0n, 45_000n, 130_000n);
    // Half of the runs start at 17:57 ET and cross 18:00 (the trade-date rollover moves the rings' time origin).
    const start = fc.constantFrom(T0, etToNs('2025-12-16', '17:57'));
    const longSteps = fc
      .tuple(fc.array(fc.tuple(arbStep, pause), { minLength: 60, maxLength: 200 }), start)
      .map(([xs, t0]) => {
        let ts = t0;
        return xs.map(([x, gap]) => {
          ts += (BigInt(x.dt) * 2n + gap) * MS;
          return x.step(ts);
        });
      });
    const engine = new BarrierEngine();
    fc.assert(
      fc.property(longSteps, fc.integer({ min: 19_990, max: 20_010 }), (steps, k) => {
        const ms = new MarketState(DEFAULT_CONFIG, { ratePerSecond: 0.01 });
        const level = k * TICK;
        for (const s of steps) {
          feed([s], ms);
          const t = s.ts;
          const sums = ms.windowSums();
          expect(sums).not.toBeNull();
          if (sums === null) return;
          const [lf, lt] = ms.l1Range();
          const [ff, ft] = ms.flowRange();
          const flow = ms.flowView();
          expect(ofi.evaluateSums(sums)).toStrictEqual(ofi.evaluate(ms.l1OfiView(), lf, lt, flow, ff, ft, t));
          expect(ofi.nearLevelSums(sums, level)).toStrictEqual(ofi.nearLevel(flow, ff, ft, t, level));
          for (const dir of ['UP', 'DOWN'] as const) {
            expect(engine.evaluateSums(sums, ms.bookView(), level, dir)).toStrictEqual(
              engine.evaluate(flow, ff, ft, ms.bookView(), t, level, dir),
            );
          }
        }
        const ref = refOf(steps);
        expect(l1Rows(ms)).toStrictEqual(ref.l1.filter((r) => r.ts > (steps.at(-1)?.ts ?? 0n) - 300n * 1_000_000_000n));
      }),
      { numRuns: 60 },
    );
  });

  it('book sanity: sorted, populated, at most BOOK_DEPTH per side; mid only when valid', () => {
    fc.assert(
      fc.property(arbSteps, (steps) => {
        const ms = new MarketState();
        for (const s of steps) {
          feed([s], ms);
          const b = ms.bookView();
          if (b === null) continue;
          expect(b.bidCount).toBeLessThanOrEqual(DEPTH);
          expect(b.askCount).toBeLessThanOrEqual(DEPTH);
          for (let i = 0; i < b.bidCount; i++) {
            expect(b.bidSz[i]).toBeGreaterThan(0);
            if (i > 0) expect(b.bidPx[i] ?? 0).toBeLessThan(b.bidPx[i - 1] ?? 0);
          }
          for (let i = 0; i < b.askCount; i++) {
            expect(b.askSz[i]).toBeGreaterThan(0);
            if (i > 0) expect(b.askPx[i] ?? 0).toBeGreaterThan(b.askPx[i - 1] ?? 0);
          }
          const m = ms.mid();
          const valid = b.bidCount > 0 && b.askCount > 0 && (b.bidPx[0] ?? 0) < (b.askPx[0] ?? 0);
          expect(m === null).toBe(!valid);
        }
        const v = ms.midView();
        const [from, to] = ms.midRange();
        for (let i = from + 1; i < to; i++) expect(v.mid[i % v.ts.length]).not.toBe(v.mid[(i - 1) % v.ts.length]);
      }),
    );
  });

  it('flow conservation: one of added / filled+pulled per record; fills never exceed passive prints; depth reconciliation', () => {
    fc.assert(
      fc.property(arbSteps, (steps) => {
        const ms = new MarketState();
        let prevDepth: [number, number] | null = null;
        const passive = new Map<string, number>();
        for (const s of steps) {
          const before = flowRows(ms).length;
          if (s.kind === 'trade') {
            const k = `${s.aggr}:${Math.round(s.price / TICK)}`;
            passive.set(k, (passive.get(k) ?? 0) + s.size);
          }
          feed([s], ms);
          const rows = flowRows(ms).slice(before);
          for (const r of rows) {
            expect(r.added >= 0 && r.filled >= 0 && r.pulled >= 0).toBe(true);
            expect((r.added > 0 ? 1 : 0) + (r.filled + r.pulled > 0 ? 1 : 0)).toBe(1);
          }
          const b = ms.bookView();
          if (s.kind === 'book' && b !== null) {
            const depth: [number, number] = [0, 0];
            for (let i = 0; i < b.bidCount; i++) depth[0] += b.bidSz[i] ?? 0;
            for (let i = 0; i < b.askCount; i++) depth[1] += b.askSz[i] ?? 0;
            const small = Object.keys(s.bids).length < DEPTH && Object.keys(s.asks).length < DEPTH;
            if (prevDepth !== null && small && !s.snap && prevDepth[0] >= 0) {
              const net = (side: number) =>
                rows.filter((r) => r.side === side).reduce((a, r) => a + r.added - r.filled - r.pulled, 0);
              expect(net(FLOW_SIDE_BID)).toBe(depth[0] - prevDepth[0]);
              expect(net(FLOW_SIDE_ASK)).toBe(depth[1] - prevDepth[1]);
            }
            prevDepth = small ? depth : [-1, -1];
          }
        }
        // Σ filled per (side, tick) ≤ passive volume printed there (BUY prints fill asks, SELL bids; NONE either).
        const filled = new Map<string, number>();
        for (const r of flowRows(ms))
          filled.set(`${r.side}:${r.tick}`, (filled.get(`${r.side}:${r.tick}`) ?? 0) + r.filled);
        for (const [k, f] of filled) {
          const [side, tick] = k.split(':');
          const aggr = side === String(FLOW_SIDE_ASK) ? 1 : -1;
          const cap = (passive.get(`${aggr}:${tick}`) ?? 0) + (passive.get(`0:${tick}`) ?? 0);
          expect(f).toBeLessThanOrEqual(cap);
        }
      }),
    );
  });

  it('window oracle and causality: queries at t equal a brute-force filter and a replay of the prefix ts ≤ t', () => {
    fc.assert(
      fc.property(arbSteps, fc.nat(), fc.constantFrom(0.25, 1, 3, 30, 60), (steps, cut, W) => {
        if (steps.length === 0) return;
        const t = steps[cut % steps.length]?.ts ?? T0;
        const full = feed(steps);
        const prefix = feed(steps.filter((s) => s.ts <= t));
        prefix.advanceClock(t);
        const ref = refOf(steps);
        const lo = t - BigInt(W * 1e9);
        const inW = (ts: bigint) => lo < ts && ts <= t;
        const l1 = ref.l1.filter((r) => inW(r.ts)).reduce((a, r) => a + r.e, 0);
        const px = ref.rows
          .filter((r) => inW(r.ts))
          .reduce((a, r) => a + (r.side === FLOW_SIDE_BID ? 1 : -1) * (r.added - r.filled - r.pulled), 0);
        for (const ms of [full, prefix]) {
          expect(ms.ofiL1(t, W)).toBe(l1);
          expect(ms.ofiPrice(t, W)).toBe(px);
          expect(ms.tradesIn(t, W).length).toBe(steps.filter((s) => s.kind === 'trade' && inW(s.ts)).length);
        }
        expect(full.depthFlow(t, W, FLOW_SIDE_BID, 0, 1e9)).toStrictEqual(
          prefix.depthFlow(t, W, FLOW_SIDE_BID, 0, 1e9),
        );
        const k = new KinematicsEngine();
        expect(k.evaluate(full.midView(), ...full.midRange(), t, 5000, 1)).toStrictEqual(
          k.evaluate(prefix.midView(), ...prefix.midRange(), t, 5000, 1),
        );
      }),
    );
  });

  it('rings never lose records inside the retention (small capacity, advanceClock at random times)', () => {
    const params = { ...DEFAULT_CONFIG, TRADE_RETENTION_S: 2, FLOW_RETENTION_S: 5 };
    fc.assert(
      fc.property(arbSteps, fc.array(fc.nat({ max: 40 })), (steps, clocks) => {
        const ms = new MarketState(params, { ratePerSecond: 0.01 });
        const marks = new Set(clocks);
        steps.forEach((s, i) => {
          feed([s], ms);
          if (!marks.has(i)) return;
          const t = s.ts;
          ms.advanceClock(t);
          const keep = refOf(steps.slice(0, i + 1)).rows.filter((r) => r.ts <= t && r.ts > t - 5n * S);
          expect(flowRows(ms)).toStrictEqual(keep);
          const trades = steps.slice(0, i + 1).filter((x) => x.kind === 'trade' && x.ts > t - 2n * S).length;
          const [from, to] = ms.tradeRange();
          expect(to - from).toBe(trades);
        });
      }),
    );
  });

  it('determinism: two fresh states fed the same events answer every query identically', () => {
    fc.assert(
      fc.property(arbSteps, (steps) => {
        const snap = (ms: MarketState) => {
          const t = ms.clock ?? T0;
          return [flowRows(ms), l1Rows(ms), ms.spot(), ms.mid(), ms.tradesIn(t, 60), ms.midAsOf(t), ms.minuteCloses()];
        };
        expect(snap(feed(steps))).toStrictEqual(snap(feed(steps)));
      }),
    );
  });

  it('rollover resets: next trade date resets day-scoped items only; a contract roll resets everything', () => {
    fc.assert(
      fc.property(arbSteps, fc.boolean(), (steps, roll) => {
        const shift = roll ? etToNs('2025-12-10', '10:00') - T0 : 0n;
        const sym = roll ? 'ESZ5' : F;
        const ms = new MarketState();
        for (const s of steps) {
          if (s.kind === 'trade') ms.applyFuturesTrade(fut(s.ts + shift, s.aggr, s.size, s.price, sym));
          else ms.applyMbp10(mbp(s.ts + shift, s.bids, s.asks, s.snap ?? false, sym));
        }
        const before = [ms.spot(), ms.bookView() === null];
        const d = roll ? '2025-12-10' : '2025-12-16';
        ms.applyOptionTrade(opt(etToNs(d, '11:00'), 5, 1, { expDate: d, underlying: sym }));
        expect(ms.optionContracts()).toHaveLength(1);
        ms.advanceClock(etToNs(d, '18:00'));
        expect(ms.optionContracts()).toHaveLength(0);
        expect([ms.pmHigh(), ms.pmLow(), ms.orHigh(), ms.orLow()]).toStrictEqual([null, null, null, null]);
        if (roll) {
          expect([ms.spot(), ms.bookView(), ms.flowRange(), ms.l1Range(), ms.tradeRange()]).toStrictEqual([
            null,
            null,
            [0, 0],
            [0, 0],
            [0, 0],
          ]);
        } else {
          expect([ms.spot(), ms.bookView() === null]).toStrictEqual(before);
        }
      }),
    );
  });
});
