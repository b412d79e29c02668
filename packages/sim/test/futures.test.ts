// The ES futures market model: record shape, book sanity, ordering and the stylized facts of a `small` day
// (measured here from the emitted records, independently of the model's own bookkeeping).
import { createHash } from 'node:crypto';
import { decodeDbnPlain, encodeDbn, FLAGS, type Mbp10Msg, type TradeMsg, UNDEF_PRICE } from '@spymaster/replay';
import { etToNs } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { autocorrelation, excessKurtosis, type StructuralTouch, structuralTouchList } from '../src/facts.js';
import { BookSide, type FuturesDayResult, LevelTracker, simulateFuturesDay, TICK_SIZE } from '../src/futures/index.js';
import { Rng } from '../src/rng.js';
import type { FuturesInstrument, MarketCarry, SessionWindow } from '../src/types.js';

type FuturesRecord = Mbp10Msg | TradeMsg;

const DATE = '2025-12-16';
const PX = 1e9;
const UNITS_PER_TICK = 250_000_000n;
const MINUTE_NS = 60_000_000_000n;
const BAR_NS = 120_000_000_000n;

function sessionWindow(date: string, start = '04:00', end = '13:30'): SessionWindow {
  return {
    date,
    startNs: etToNs(date, start),
    endNs: etToNs(date, end),
    rthStartNs: etToNs(date, '09:30'),
    orEndNs: etToNs(date, '09:45'),
    rthEndNs: etToNs(date, '13:30'),
  };
}

// The roll window of December 2025: ESH6 is the front month, the expiring ESZ5 trades 48 points under it.
const FRONT: FuturesInstrument = {
  instrumentId: 42140878,
  symbol: 'ESH6',
  expiry: '2026-03-20',
  expirationNs: etToNs('2026-03-20', '09:30'),
  role: 'front',
  basis: 0,
};
const OTHER: FuturesInstrument = {
  instrumentId: 42005804,
  symbol: 'ESZ5',
  expiry: '2025-12-19',
  expirationNs: etToNs('2025-12-19', '09:30'),
  role: 'other',
  basis: -48,
};
const CARRY: MarketCarry = { price: 6850, vol: 0.15, contract: 'ESH6', closes2m: [] };

function points(price: bigint): number {
  return Number(price) / PX;
}

/** Problems of one MBP-10 record's book (empty array: sane). */
function bookProblems(r: Mbp10Msg): string[] {
  const problems: string[] = [];
  for (const side of ['bid', 'ask'] as const) {
    let empty = false;
    let previous: bigint | null = null;
    for (const level of r.levels) {
      const px = side === 'bid' ? level.bid_px : level.ask_px;
      const sz = side === 'bid' ? level.bid_sz : level.ask_sz;
      const ct = side === 'bid' ? level.bid_ct : level.ask_ct;
      if (px === UNDEF_PRICE) {
        empty = true;
        if (sz !== 0 || ct !== 0) problems.push(`${side}: empty level with size ${sz} / count ${ct}`);
        continue;
      }
      if (empty) problems.push(`${side}: populated level after an empty one`);
      if (sz <= 0 || ct <= 0 || ct > sz) problems.push(`${side}: size ${sz}, count ${ct} at ${px}`);
      if (px % UNITS_PER_TICK !== 0n) problems.push(`${side}: ${px} off the tick grid`);
      if (previous !== null && (side === 'bid' ? px >= previous : px <= previous)) problems.push(`${side}: not sorted`);
      previous = px;
    }
  }
  const bid = r.levels[0]?.bid_px ?? UNDEF_PRICE;
  const ask = r.levels[0]?.ask_px ?? UNDEF_PRICE;
  if (bid === UNDEF_PRICE || ask === UNDEF_PRICE) problems.push('one-sided book');
  else if (bid >= ask) problems.push(`crossed or locked: ${bid} >= ${ask}`);
  return problems;
}

/** A stable digest of a record stream (bigints as decimal strings). */
function digest(records: Iterable<FuturesRecord>): string {
  const hash = createHash('sha256');
  for (const r of records) hash.update(JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  return hash.digest('hex');
}

function runDigest(window: SessionWindow, seed: string, carry = CARRY): { digest: string; count: number } {
  const hash = createHash('sha256');
  let count = 0;
  simulateFuturesDay({ window, scale: 'small', rng: new Rng(seed), front: FRONT, other: OTHER, carry }, (r) => {
    count++;
    hash.update(JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  });
  return { digest: hash.digest('hex'), count };
}

/** Everything measured on one small day, streamed (MBP-10 records are not kept). */
interface DayStats {
  result: FuturesDayResult;
  counts: Record<'frontBook' | 'frontTrades' | 'otherBook' | 'otherTrades', number>;
  problems: string[];
  rthStates: number;
  rthOneTick: number;
  rthConsistentStates: number;
  rthConsistentOneTick: number;
  minuteMids: Map<bigint, number>;
  frontTrades: { ts: bigint; price: number; size: number; side: string }[];
  sweepEvents: number;
  tenLevelStates: number;
  frontLevelSizes: number[];
  otherTopSizes: number[];
  firstFrontMid: number;
  lastFrontMid: number;
  snapshots: FuturesRecord[];
  sample: FuturesRecord[];
}

function simulateAndMeasure(window: SessionWindow, seed: string, carry: MarketCarry): DayStats {
  const s: DayStats = {
    result: undefined as unknown as FuturesDayResult,
    counts: { frontBook: 0, frontTrades: 0, otherBook: 0, otherTrades: 0 },
    problems: [],
    rthStates: 0,
    rthOneTick: 0,
    rthConsistentStates: 0,
    rthConsistentOneTick: 0,
    minuteMids: new Map(),
    frontTrades: [],
    sweepEvents: 0,
    tenLevelStates: 0,
    frontLevelSizes: [],
    otherTopSizes: [],
    firstFrontMid: Number.NaN,
    lastFrontMid: Number.NaN,
    snapshots: [],
    sample: [],
  };
  const problem = (text: string): void => {
    if (s.problems.length < 20) s.problems.push(text);
  };
  let lastTs = -1n;
  const lastSequence = new Map<number, number>();
  // The open exchange event (one instrument, one ts_event): its records, to check grouping and flags.
  let group: FuturesRecord[] = [];
  const closeGroup = (): void => {
    if (group.length === 0) return;
    const trades = group.filter((r) => r.record_type === 'TradeMsg');
    const books = group.filter((r) => r.record_type === 'Mbp10Msg');
    const lastOf = (rs: FuturesRecord[]) => rs[rs.length - 1];
    for (const r of group) {
      const isLast = r === lastOf(r.record_type === 'TradeMsg' ? trades : books);
      if (((r.flags & FLAGS.F_LAST) !== 0) !== isLast) problem(`F_LAST misplaced at ${r.ts_event}`);
    }
    const firstBook = group.findIndex((r) => r.record_type === 'Mbp10Msg');
    if (firstBook >= 0 && group.slice(firstBook).some((r) => r.record_type === 'TradeMsg'))
      problem(`trade after a book record at ${group[0]?.ts_event}`);
    if (books.length === 0) problem(`event without a book record at ${group[0]?.ts_event}`);
    if (group[0]?.instrument_id === FRONT.instrumentId && new Set(trades.map((t) => t.price)).size >= 2)
      s.sweepEvents++;
    group = [];
  };
  s.result = simulateFuturesDay(
    { window, scale: 'small', rng: new Rng(seed), front: FRONT, other: OTHER, carry },
    (r) => {
      if (s.sample.length < 3000) s.sample.push(r);
      const ts = r.ts_event;
      if (ts < lastTs) problem(`ts_event decreased at ${ts}`);
      if (ts < window.startNs || ts >= window.endNs) problem(`ts_event ${ts} outside the window`);
      if (r.ts_recv <= ts) problem(`ts_recv ${r.ts_recv} not after ts_event ${ts}`);
      if (r.ts_in_delta <= 0 || BigInt(r.ts_in_delta) > r.ts_recv - ts) problem(`ts_in_delta ${r.ts_in_delta}`);
      const previous = lastSequence.get(r.instrument_id);
      if (previous !== undefined && r.sequence !== previous + 1) problem(`sequence ${r.sequence} after ${previous}`);
      lastSequence.set(r.instrument_id, r.sequence);
      if (r.publisher_id !== 1) problem(`publisher ${r.publisher_id}`);
      if (r.price % UNITS_PER_TICK !== 0n) problem(`price ${r.price} off the tick grid`);
      if (r.size <= 0) problem(`size ${r.size}`);
      if (r.side !== 'A' && r.side !== 'B') problem(`side ${r.side}`);
      const head = group[0];
      if (head && (head.ts_event !== ts || head.instrument_id !== r.instrument_id)) closeGroup();
      group.push(r);
      lastTs = ts;
      const front = r.instrument_id === FRONT.instrumentId;
      if (!front && r.instrument_id !== OTHER.instrumentId) problem(`instrument ${r.instrument_id}`);
      if (r.record_type === 'TradeMsg') {
        if (r.length !== 12 || r.rtype !== 0 || r.action !== 'T') problem('trade header/action');
        if ((r.flags & FLAGS.F_SNAPSHOT) !== 0) problem('snapshot flag on a trade');
        if (front) {
          s.counts.frontTrades++;
          s.frontTrades.push({ ts, price: points(r.price), size: r.size, side: r.side });
        } else s.counts.otherTrades++;
        return;
      }
      if (r.length !== 92 || r.rtype !== 10 || !'ACM'.includes(r.action)) problem('book header/action');
      if (r.depth > 9) problem(`depth ${r.depth}`);
      const snapshot = (r.flags & FLAGS.F_SNAPSHOT) !== 0;
      if (snapshot) s.snapshots.push(r);
      const issues = bookProblems(r);
      if (issues.length > 0) problem(`book at ${ts} (${r.action}${r.side}): ${issues.join('; ')}`);
      if (front) s.counts.frontBook++;
      else s.counts.otherBook++;
      const level0 = r.levels[0];
      if (!level0 || level0.bid_px === UNDEF_PRICE || level0.ask_px === UNDEF_PRICE) return;
      const bid = points(level0.bid_px);
      const ask = points(level0.ask_px);
      if (!front) {
        if (ts >= window.rthStartNs && ts < window.rthEndNs) s.otherTopSizes.push(level0.bid_sz, level0.ask_sz);
        return;
      }
      const mid = (bid + ask) / 2;
      if (Number.isNaN(s.firstFrontMid)) s.firstFrontMid = mid;
      s.lastFrontMid = mid;
      if (ts >= window.rthStartNs && ts < window.rthEndNs) {
        s.minuteMids.set((ts - window.startNs) / MINUTE_NS, mid);
        const oneTick = ask - bid === TICK_SIZE;
        s.rthStates++;
        if (oneTick) s.rthOneTick++;
        if ((r.flags & FLAGS.F_LAST) !== 0) {
          s.rthConsistentStates++;
          if (oneTick) s.rthConsistentOneTick++;
        }
        if (r.levels.every((l) => l.bid_px !== UNDEF_PRICE && l.ask_px !== UNDEF_PRICE)) s.tenLevelStates++;
        if (s.rthStates % 97 === 0) for (const l of r.levels) s.frontLevelSizes.push(l.bid_sz, l.ask_sz);
      }
    },
  );
  closeGroup();
  return s;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

describe('simulateFuturesDay on a small day (2025-12-16, 04:00–13:30 ET)', () => {
  const window = sessionWindow(DATE);
  let day: DayStats;
  let rthReturns: number[];
  let rthSigns: number[];
  let buckets: number[];
  let touches: StructuralTouch[];

  beforeAll(() => {
    day = simulateAndMeasure(window, 'test', CARRY);
    const minutes = [...day.minuteMids.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, mid]) => mid);
    rthReturns = minutes.slice(1).map((m, i) => m - (minutes[i] as number));
    const rth = day.frontTrades.filter((t) => t.ts >= window.rthStartNs && t.ts < window.rthEndNs);
    rthSigns = rth.map((t) => (t.side === 'B' ? 1 : -1));
    buckets = new Array<number>(8).fill(0);
    for (const t of rth) {
      const b = Number((t.ts - window.rthStartNs) / (30n * MINUTE_NS));
      buckets[b] = (buckets[b] as number) + t.size;
    }
    touches = structuralTouchList(day.frontTrades, window, CARRY.closes2m);
  });

  it('emits enough activity at small scale', () => {
    expect(day.result.counts.mbp10).toBe(day.counts.frontBook + day.counts.otherBook);
    expect(day.result.counts.mbp10).toBeGreaterThanOrEqual(50_000);
    expect(day.result.counts.trades).toBeGreaterThanOrEqual(10_000);
    expect(day.counts.frontTrades + day.counts.otherTrades).toBe(day.result.counts.trades);
  });

  it('emits well-formed records: ordering, latency, sequences, flags, event grouping, sane books', () => {
    expect(day.problems).toEqual([]);
  });

  it('starts each contract with one snapshot record at the window start', () => {
    expect(day.snapshots.map((r) => r.instrument_id).sort()).toEqual([OTHER.instrumentId, FRONT.instrumentId].sort());
    for (const r of day.snapshots) {
      expect(r.ts_event - window.startNs).toBeLessThan(1000n);
      expect(r.flags).toBe(FLAGS.F_SNAPSHOT | FLAGS.F_LAST);
    }
    // The mid of a one-tick book is half a tick off the grid: within 1/8 point of the carried price.
    expect(Math.abs(day.firstFrontMid - CARRY.price)).toBeLessThanOrEqual(0.125);
  });

  it('keeps the front spread at one tick in at least 90 % of RTH book states', () => {
    expect(day.rthStates).toBeGreaterThan(20_000);
    expect(day.rthOneTick / day.rthStates).toBeGreaterThanOrEqual(0.9);
    // Consistent states (after the F_LAST record of an event) are one tick wide almost always.
    expect(day.rthConsistentOneTick / day.rthConsistentStates).toBeGreaterThanOrEqual(0.97);
  });

  it('shows a deep front book (10 levels, typically 20–400 lots) and a thin second contract', () => {
    expect(day.tenLevelStates / day.rthStates).toBeGreaterThan(0.99);
    const sizes = day.frontLevelSizes;
    const inRange = sizes.filter((x) => x >= 20 && x <= 400).length / sizes.length;
    expect(inRange).toBeGreaterThan(0.75);
    expect(median(sizes)).toBeGreaterThan(40);
    expect(median(day.otherTopSizes)).toBeLessThan(15);
    expect(day.counts.otherBook).toBeLessThan(0.1 * day.counts.frontBook);
    expect(day.counts.otherBook).toBeGreaterThan(500);
  });

  it('has fat-tailed 1-minute mid returns (excess kurtosis > 1)', () => {
    expect(rthReturns.length).toBeGreaterThan(230);
    expect(excessKurtosis(rthReturns)).toBeGreaterThan(1);
  });

  it('clusters volatility: absolute 1-minute returns autocorrelate at lags 1–5', () => {
    const abs = rthReturns.map(Math.abs);
    for (const lag of [1, 2, 3, 4, 5]) expect(autocorrelation(abs, lag), `lag ${lag}`).toBeGreaterThan(0);
  });

  it('has clustered trade signs (positive lag-1 autocorrelation)', () => {
    expect(rthSigns.length).toBeGreaterThan(5_000);
    expect(autocorrelation(rthSigns, 1)).toBeGreaterThan(0.05);
  });

  it('trades the most volume in the first 30 RTH minutes (intraday U-shape)', () => {
    expect(buckets[0]).toBeGreaterThan(Math.max(...buckets.slice(1)));
  });

  it('has trade sizes of mostly 1–10 lots with a heavy tail, and occasional multi-level sweeps', () => {
    const sizes = day.frontTrades.map((t) => t.size);
    const small = sizes.filter((x) => x <= 10).length / sizes.length;
    expect(small).toBeGreaterThan(0.75);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(50);
    expect(day.sweepEvents).toBeGreaterThan(5);
  });

  it('has RTH touches of structural levels that end in BREAK and in BOUNCE', () => {
    const outcomes = new Set(touches.map((t) => t.outcome));
    expect(touches.length).toBeGreaterThanOrEqual(2);
    expect(outcomes.has('BREAK')).toBe(true);
    expect(outcomes.has('BOUNCE')).toBe(true);
  });

  it('returns the 1-second mid path, the carry and the regimes', () => {
    const { path, carry, regimes } = day.result;
    expect(path.startNs).toBe(window.startNs);
    expect(path.stepNs).toBe(1_000_000_000n);
    expect(path.mids.length).toBe(Number((window.endNs - window.startNs) / 1_000_000_000n));
    expect(path.mids[0]).toBeCloseTo(day.firstFrontMid, 9);
    for (const m of path.mids) expect(Math.abs(m - CARRY.price)).toBeLessThan(1000);
    expect(carry.contract).toBe(FRONT.symbol);
    expect(carry.price).toBe(day.lastFrontMid);
    expect(carry.vol).toBeGreaterThan(0.05);
    expect(carry.vol).toBeLessThan(0.7);
    expect(carry.closes2m.length).toBeGreaterThan(250);
    expect(carry.closes2m.length).toBeLessThanOrEqual(400);
    for (const c of carry.closes2m) expect((c / TICK_SIZE) % 1).toBe(0);
    expect(regimes.filter((r) => r.strong).map((r) => r.kind)).toEqual(expect.arrayContaining(['BREAK', 'BOUNCE']));
  });

  it('emits records the DBN encoder writes and the decoder reads back unchanged', () => {
    const bytes = encodeDbn(null, day.sample, { version: 3 });
    const decoded = decodeDbnPlain(bytes, { fragment: true, version: 3 }).records;
    expect(decoded.length).toBe(day.sample.length);
    expect(digest(decoded as FuturesRecord[])).toBe(digest(day.sample));
  });
});

describe('determinism', () => {
  it('same seed and window → identical records; another seed → different records', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 18 }), fc.string({ minLength: 1, maxLength: 8 }), (halfHour, seed) => {
        const start = etToNs(DATE, '04:00') + BigInt(halfHour) * 30n * MINUTE_NS;
        const window = { ...sessionWindow(DATE), startNs: start, endNs: start + 30n * MINUTE_NS };
        const a = runDigest(window, seed);
        const b = runDigest(window, seed);
        expect(a.count).toBeGreaterThan(100);
        expect(b).toEqual(a);
        expect(runDigest(window, `${seed}/other`).digest).not.toBe(a.digest);
      }),
      { numRuns: 5, seed: 20251216 },
    );
  });
});

describe('continuity between days', () => {
  it('day 2 starts at day 1 carry price and keeps the SMA closes of the same contract', () => {
    const day1Window = sessionWindow(DATE, '04:00', '06:00');
    const day1 = simulateFuturesDay(
      { window: day1Window, scale: 'small', rng: new Rng('continuity/1'), front: FRONT, other: OTHER, carry: CARRY },
      () => {},
    );
    expect(day1.carry.closes2m.length).toBe(60);
    let first: Mbp10Msg | undefined;
    const day2 = simulateFuturesDay(
      {
        window: sessionWindow('2025-12-17', '04:00', '04:30'),
        scale: 'small',
        rng: new Rng('continuity/2'),
        front: FRONT,
        other: OTHER,
        carry: day1.carry,
      },
      (r) => {
        if (!first && r.record_type === 'Mbp10Msg' && r.instrument_id === FRONT.instrumentId) first = r;
      },
    );
    const level0 = first?.levels[0];
    expect(level0).toBeDefined();
    expect((points(level0?.bid_px ?? 0n) + points(level0?.ask_px ?? 0n)) / 2).toBe(day1.carry.price);
    expect(day2.path.mids[0]).toBe(day1.carry.price);
    expect(day2.carry.closes2m.slice(0, 60)).toEqual(day1.carry.closes2m);
    expect(day2.carry.closes2m.length).toBe(75);
  });

  it('starts from the carry price plus the roll gap, with fresh closes, when the front contract changed', () => {
    const carry: MarketCarry = { price: 6802.125, vol: 0.14, contract: OTHER.symbol, closes2m: [6800, 6801.25] };
    const day = simulateFuturesDay(
      {
        window: sessionWindow(DATE, '04:00', '04:10'),
        scale: 'small',
        rng: new Rng('roll'),
        front: FRONT,
        other: OTHER,
        carry,
      },
      () => {},
    );
    expect(day.path.mids[0]).toBe(carry.price - OTHER.basis);
    expect(day.carry.contract).toBe(FRONT.symbol);
    expect(day.carry.closes2m.length).toBe(5);
  });
});

describe('LevelTracker (spec D.7 example)', () => {
  it('anchors PM_HIGH touches with their directions and episodes', () => {
    const start = etToNs(DATE, '04:00');
    const at = (ns: bigint): number => Number(ns - start);
    const tracker = new LevelTracker(
      {
        startMod120: Number(start % BAR_NS),
        pmStart: 0,
        rthStart: at(etToNs(DATE, '09:30')),
        orEnd: at(etToNs(DATE, '09:45')),
        rthEnd: at(etToNs(DATE, '13:30')),
      },
      [],
    );
    const tick = (price: number): number => price / TICK_SIZE;
    expect(tracker.onTrade(at(1765883710000000000n), tick(5012.5))).toEqual([]); // 06:15:10, PM high = low
    const trades: [bigint, number][] = [
      [1765897200000000000n, 5004.0],
      [1765897205000000000n, 5006.5],
      [1765897209000000000n, 5007.75],
      [1765897220000000000n, 5009.75],
      [1765897231000000000n, 5010.5],
      [1765897240000000000n, 5013.0],
      [1765897260000000000n, 5018.0],
      [1765897290000000000n, 5016.75],
      [1765897320000000000n, 5019.0],
      [1765897360000000000n, 5020.5],
      [1765897500000000000n, 5016.0],
      [1765897510000000000n, 5014.25],
    ];
    const anchors = trades.flatMap(([ts, price]) => tracker.onTrade(at(ts), tick(price)).map((a) => ({ ...a })));
    // PM_LOW equals PM_HIGH (one premarket trade) and is suppressed: PM_HIGH alone anchors.
    expect(anchors.map((a) => [a.kind, a.t, a.direction, a.price * TICK_SIZE])).toEqual([
      ['PM_HIGH', at(1765897231000000000n), 1, 5010.5],
      ['PM_HIGH', at(1765897510000000000n), -1, 5014.25],
    ]);
    expect(tracker.suppressed(1)).toBe(true);
  });
});

describe('BookSide', () => {
  it('keeps levels sorted with positive sizes and counts within [1, size] under any adds and reductions', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 60 })), {
          maxLength: 200,
        }),
        (isBid, ops) => {
          const side = new BookSide(isBid);
          for (const [isAdd, where, qty] of ops) {
            if (isAdd || side.n === 0) side.add(24_000 + where, qty);
            else side.reduce(where % side.n, qty);
            for (let i = 0; i < side.n; i++) {
              const sz = side.sz[i] as number;
              const ct = side.ct[i] as number;
              expect(sz).toBeGreaterThan(0);
              expect(ct).toBeGreaterThanOrEqual(1);
              expect(ct).toBeLessThanOrEqual(sz);
              if (i > 0) expect(side.better(side.px[i - 1] as number, side.px[i] as number)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
