// LevelSignalService (engines.md §9): examples L-1…L-5 and properties 1–9.
import {
  type BookLevel,
  DEFAULT_CONFIG,
  type FuturesTrade,
  LEVEL_KIND_PRIORITY,
  type LevelsSignalsPayload,
  LevelsSignalsPayloadSchema,
  type MBP10,
  type OptionTrade,
} from '@spymaster/schemas';
import { etToNs } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { black76Gamma, timeToExpiryYears } from '../src/black76.js';
import {
  approachContext,
  contractSigmas,
  fixedLevels,
  LateEventError,
  LevelSignalService,
  LevelSourceError,
  levelConfluence,
  levelNote,
  levelRunway,
} from '../src/level-signal-service.js';
import { type MarketEvent, MarketState } from '../src/market-state.js';

const T0 = 1_765_895_400_000_000_000n; // 2025-12-16 09:30:00 ET
const MS = 1_000_000n;
const S = 1_000_000_000n;
const F = 'ESH6';
const D = '2025-12-16';
const at = (ms: number) => T0 + BigInt(ms) * MS;
const et = (hhmm: string, seconds = 0, millis = 0) => etToNs(D, hhmm) + BigInt(seconds) * S + BigInt(millis) * MS;

function fut(ts: bigint, price: number, aggressor = 1, size = 1, dup = 0): FuturesTrade {
  return {
    event_id: `FT-${F}-${ts}-na-${dup}`,
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
function mbp(ts: bigint, bid: number, bidSz: number, ask: number, askSz: number, dup = 0): MBP10 {
  const levels: BookLevel[] = [];
  for (let i = 0; i < 10; i++) {
    levels.push({ bid_px: bid - i * 0.25, bid_sz: bidSz, ask_px: ask + i * 0.25, ask_sz: askSz });
  }
  return {
    event_id: `MB-${F}-${ts}-na-${dup}`,
    ts_event_ns: ts,
    ts_recv_ns: ts,
    source: 'sim',
    symbol: F,
    levels,
    is_snapshot: false,
    seq: null,
  };
}

/** Every payload validates and re-serializes byte-identically through the schema (property 9). */
function checkSerialization(payloads: readonly LevelsSignalsPayload[]): void {
  for (const p of payloads) {
    const json = JSON.stringify(p);
    const parsed = LevelsSignalsPayloadSchema.safeParse(p);
    if (!parsed.success) throw new Error(`${p.ts_ns}: ${parsed.error.message}`);
    expect(JSON.stringify(parsed.data)).toBe(json);
    expect(JSON.stringify(LevelsSignalsPayloadSchema.parse(JSON.parse(json)))).toBe(json);
    expect(json).not.toMatch(/NaN|Infinity/);
  }
}

function run(events: readonly MarketEvent[], watermark: bigint, params = DEFAULT_CONFIG): LevelsSignalsPayload[] {
  const service = new LevelSignalService(params);
  const out: LevelsSignalsPayload[] = [];
  for (const e of events) out.push(...service.ingest(e));
  out.push(...service.advanceTo(watermark));
  return out;
}

const level = (p: LevelsSignalsPayload, kind: string) => p.levels.find((l) => l.kind === kind);

describe('L-1 snap clock', () => {
  it('applies groups in canonical order and emits the due grid points', () => {
    const service = new LevelSignalService();
    const book = mbp(at(100), 6002.75, 10, 6003, 10);
    const trade = fut(at(100), 6003, 1, 2);
    expect(service.ingest(book)).toStrictEqual([]);
    expect(service.ingest(trade)).toStrictEqual([]);
    const third = service.ingest(fut(at(600), 6003.25));
    expect(third.map((p) => p.ts_ns)).toStrictEqual([at(250).toString(), at(500).toString()]);
    // Trade before MBP: with no book yet, the trade is not pooled (§1.1); MBP-first would have pooled it.
    expect(service.marketState.poolSize()).toBe(0);
    const reference = new MarketState();
    reference.apply(book);
    reference.apply(trade);
    expect(reference.poolSize()).toBe(1);
    expect(third[0]?.es.spot).toBe(6003);
    expect(third[0]?.es.bid).toBe(6002.75);
    const fourth = service.ingest(mbp(at(1300), 6003, 10, 6003.25, 10));
    expect(fourth.map((p) => p.ts_ns)).toStrictEqual([at(750), at(1000), at(1250)].map(String));
    expect(fourth[2]?.es.spot).toBe(6003.25);
    expect(fourth[2]?.es.bid).toBe(6002.75);
    const last = service.advanceTo(at(1500));
    expect(last.map((p) => p.ts_ns)).toStrictEqual([at(1500).toString()]);
    expect(last[0]?.es.bid).toBe(6003);
    expect(last[0]?.ts).toBe(1765895401500);
    expect(last[0]?.trade_date).toBe(D);
    checkSerialization([...third, ...fourth, ...last]);
    let caught: unknown;
    try {
      service.ingest(fut(at(1500), 6003));
    } catch (error) {
      caught = error;
    }
    expect(LateEventError.is(caught)).toBe(true);
    expect((caught as LateEventError).reason).toBe('not_after_watermark');
    expect(service.ingest(fut(at(1501), 6003))).toStrictEqual([]);
    expect(() => service.ingest(fut(at(1400), 6003))).toThrow(LateEventError);
  });

  it('property: late events are rejected exactly by the §0.5 rule (open group, last watermark)', () => {
    type Step = { kind: 'event'; ms: number; dup: number } | { kind: 'watermark'; ms: number };
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('event' as const),
          ms: fc.integer({ min: 0, max: 40 }),
          dup: fc.nat(2),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('watermark' as const), ms: fc.integer({ min: 0, max: 40 }) }),
      },
    );
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const service = new LevelSignalService();
        // The rule as §0.5/§9.1 state it.
        let groupTs: bigint | null = null;
        let applied: bigint | null = null;
        for (const step of steps) {
          const ts = at(step.ms);
          if (step.kind === 'watermark') {
            service.advanceTo(ts);
            if (groupTs !== null && groupTs <= ts) {
              groupTs = null;
            }
            if (applied === null || ts > applied) applied = ts;
            continue;
          }
          const e = fut(ts, 6000, 1, 1, step.dup);
          let reason: string | null = null;
          try {
            service.ingest(e);
          } catch (error) {
            expect(LateEventError.is(error)).toBe(true);
            reason = (error as LateEventError).reason;
          }
          const expected =
            groupTs !== null && ts < groupTs
              ? 'before_open_group'
              : applied !== null && ts <= applied
                ? 'not_after_watermark'
                : null;
          expect(reason).toBe(expected);
          if (expected !== null) continue;
          if (groupTs === null || ts !== groupTs) {
            groupTs = ts;
            applied = ts - 1n;
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('drops a redelivered event of the open group', () => {
    const a = run([fut(at(100), 6003), fut(at(100), 6003), fut(at(100), 6004, 1, 1, 1)], at(500));
    const b = run([fut(at(100), 6003), fut(at(100), 6004, 1, 1, 1)], at(500));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('emits nothing before 09:30 ET and PM levels from the 09:30:00.000 snap', () => {
    const out = run([fut(et('09:00'), 6001), fut(et('09:10'), 6001)], et('09:30', 0, 500));
    expect(out.map((p) => p.ts_ns)).toStrictEqual([et('09:30'), et('09:30', 0, 250), et('09:30', 0, 500)].map(String));
    expect(out[0]?.levels.map((l) => l.kind)).toStrictEqual(['PM_HIGH', 'PM_LOW']);
    // Spot exactly on the level at its first snap, no open episode ⇒ RESISTANCE / UP.
    expect(level(out[0] as LevelsSignalsPayload, 'PM_HIGH')).toMatchObject({ role: 'RESISTANCE', direction: 'UP' });
    expect(level(out[0] as LevelsSignalsPayload, 'PM_HIGH')?.distance_signed).toBe(0);
    checkSerialization(out);
  });

  it('publishes levels = [] while spot is null, and honours EMIT_FROM_NS', () => {
    const noSpot = run([mbp(at(100), 6002.75, 10, 6003, 10)], at(500));
    expect(noSpot.map((p) => [p.es.spot, p.es.mid, p.levels.length])).toStrictEqual([
      [null, 6002.875, 0],
      [null, 6002.875, 0],
    ]);
    checkSerialization(noSpot);
    const late = run([fut(at(100), 6003)], at(1500), { ...DEFAULT_CONFIG, EMIT_FROM_NS: at(1000) });
    expect(late.map((p) => p.ts_ns)).toStrictEqual([at(1000), at(1250), at(1500)].map(String));
  });
});

/** The market of L-2: PM 6010.50 / 5998, OR 6004.25 / 5995.50, SMA_200 = 6002.10 (as sma(5)), spot 6003. */
const L2_PARAMS = { ...DEFAULT_CONFIG, SMA_FAST_PERIOD: 5 };
function l2Events(): MarketEvent[] {
  return [
    fut(et('08:00'), 6010.5),
    fut(et('08:30'), 5998),
    mbp(et('09:00'), 6002.75, 20, 6003, 20),
    fut(et('09:31'), 5995.5),
    fut(et('09:32'), 6004.25),
    fut(et('09:45', 30), 6002),
    fut(et('09:47', 30), 6002),
    fut(et('09:49', 30), 6002),
    fut(et('09:51', 30), 6002.25),
    fut(et('09:53', 30), 6002.25),
    fut(et('09:55', 30), 6003),
  ];
}

describe('L-2 level set, role, direction, bands, order', () => {
  it('orders by (distance, priority) with the expected roles and flags', () => {
    const out = run(l2Events(), et('09:55', 45), L2_PARAMS);
    checkSerialization(out);
    const snap = out[out.length - 1] as LevelsSignalsPayload;
    expect(snap.ts_ns).toBe(et('09:55', 45).toString());
    expect(snap.es.spot).toBe(6003);
    const rows = snap.levels.map((l) => [l.kind, l.role, l.direction, l.monitored, l.touching]);
    expect(rows).toStrictEqual([
      ['SMA_200', 'SUPPORT', 'DOWN', true, true],
      ['OR_HIGH', 'RESISTANCE', 'UP', true, true],
      ['PM_LOW', 'SUPPORT', 'DOWN', true, false],
      ['PM_HIGH', 'RESISTANCE', 'UP', false, false],
      ['OR_LOW', 'SUPPORT', 'DOWN', false, false],
    ]);
    expect(snap.levels.map((l) => l.price)).toStrictEqual([6002.1, 6004.25, 5998, 6010.5, 5995.5]);
    expect(snap.levels[0]?.distance).toBeCloseTo(0.9, 9);
    expect(snap.levels.slice(1).map((l) => l.distance)).toStrictEqual([1.25, 5, 7.5, 7.5]);
    expect(snap.levels[1]?.distance_signed).toBe(-1.25);
  });
});

describe('caller-given levels', () => {
  it('a source returning the service’s own levels reproduces the default output byte for byte', () => {
    const own = run(l2Events(), et('09:55', 45), L2_PARAMS);
    const service: LevelSignalService = new LevelSignalService(L2_PARAMS, {
      levels: () => {
        const ms = service.marketState;
        return [
          { kind: 'PM_HIGH', price: ms.pmHigh() ?? Number.NaN },
          { kind: 'PM_LOW', price: ms.pmLow() ?? Number.NaN },
          { kind: 'OR_HIGH', price: ms.orHigh() ?? Number.NaN },
          { kind: 'OR_LOW', price: ms.orLow() ?? Number.NaN },
          { kind: 'SMA_200', price: ms.sma(L2_PARAMS.SMA_FAST_PERIOD) ?? Number.NaN },
          { kind: 'SMA_400', price: ms.sma(L2_PARAMS.SMA_SLOW_PERIOD) ?? Number.NaN },
        ];
      },
    });
    const out: LevelsSignalsPayload[] = [];
    for (const e of l2Events()) out.push(...service.ingest(e));
    out.push(...service.advanceTo(et('09:55', 45)));
    expect(out.map((p) => JSON.stringify(p))).toStrictEqual(own.map((p) => JSON.stringify(p)));
  });

  it('fixedLevels publishes the given prices (per trade date) and detects touches on them', () => {
    const service = new LevelSignalService(DEFAULT_CONFIG, {
      levels: fixedLevels({
        [D]: [
          { kind: 'OR_HIGH', price: 6001 },
          { kind: 'SMA_400', price: 5990 },
        ],
      }),
    });
    const events = [
      fut(et('09:00'), 6000),
      fut(at(500), 5994), // outside OR_HIGH's MONITOR_BAND: arms its touch detector (§9.4)
      fut(at(1_000), 6000.5),
      fut(at(2_000), 6001), // touches 6001
      fut(at(40_000), 6010), // leaves MONITOR_BAND: the episode closes after EXIT_DWELL_SECONDS away
      fut(at(100_000), 6009),
    ];
    const out: LevelsSignalsPayload[] = [];
    for (const e of events) out.push(...service.ingest(e));
    out.push(...service.advanceTo(at(120_000)));
    checkSerialization(out);
    const last = out[out.length - 1] as LevelsSignalsPayload;
    expect(last.levels.map((l) => [l.kind, l.price])).toStrictEqual([
      ['OR_HIGH', 6001],
      ['SMA_400', 5990],
    ]);
    expect(level(last, 'OR_HIGH')?.prior_touches).toBe(1);
    expect(level(last, 'SMA_400')?.prior_touches).toBe(0);
    // Another trade date has no list: no levels.
    expect(fixedLevels({ [D]: [{ kind: 'PM_HIGH', price: 1 }] })('2025-12-17', 0n)).toStrictEqual([]);
  });

  it('refuses unknown and repeated kinds with a LevelSourceError naming the kind', () => {
    expect(() => fixedLevels([{ kind: 'VWAP' as 'PM_HIGH', price: 1 }])).toThrow(LevelSourceError);
    expect(() =>
      fixedLevels([
        { kind: 'PM_HIGH', price: 1 },
        { kind: 'PM_HIGH', price: 2 },
      ]),
    ).toThrow(/PM_HIGH given twice/);
    const service = new LevelSignalService(DEFAULT_CONFIG, { levels: () => [{ kind: 'X' as 'PM_LOW', price: 1 }] });
    service.ingest(fut(et('09:00'), 6000));
    // The 09:30:00.000 snap falls due when the next event arrives: the source is consulted there.
    expect(() => service.ingest(fut(at(100), 6000))).toThrow(LevelSourceError);
  });
});

describe('L-3 touches and prior_touches', () => {
  it('counts closed anchored episodes at the listed snaps', () => {
    const trades: [string, number, number][] = [
      ['10:00', 0, 5004],
      ['10:00', 5, 5006.5],
      ['10:00', 9, 5007.75],
      ['10:00', 20, 5009.75],
      ['10:00', 31, 5010.5],
      ['10:00', 40, 5013],
      ['10:01', 0, 5018],
      ['10:01', 30, 5016.75],
      ['10:02', 0, 5019],
      ['10:02', 40, 5020.5],
      ['10:05', 0, 5016],
      ['10:05', 10, 5014.25],
    ];
    const events: MarketEvent[] = [fut(et('08:00'), 5012.5), fut(et('08:01'), 5000)];
    for (const [hhmm, s, price] of trades) events.push(fut(et(hhmm, s), price));
    const service = new LevelSignalService();
    const byTs = new Map<string, LevelsSignalsPayload>();
    const collect = (ps: LevelsSignalsPayload[]) => {
      for (const p of ps) byTs.set(p.ts_ns, p);
    };
    service.ingest(events[0] as MarketEvent);
    service.ingest(events[1] as MarketEvent);
    // Jump to 09:59:59 quickly: the snaps of 09:30–10:00 are emitted but not needed here.
    collect(service.advanceTo(et('09:59', 59)));
    for (const e of events.slice(2)) collect(service.ingest(e));
    collect(service.advanceTo(et('10:05', 10)));
    const prior = (hhmm: string, s: number, ms: number) =>
      level(byTs.get(et(hhmm, s, ms).toString()) as LevelsSignalsPayload, 'PM_HIGH')?.prior_touches;
    expect(prior('10:00', 30, 750)).toBe(0);
    expect(prior('10:00', 31, 0)).toBe(0);
    expect(prior('10:03', 0, 0)).toBe(0);
    expect(prior('10:03', 0, 250)).toBe(1);
    expect(prior('10:05', 10, 0)).toBe(1);
    // The open episode fixes the role: UP/RESISTANCE through the overshoot above the level, then DOWN/SUPPORT.
    const role = (hhmm: string, s: number) =>
      level(byTs.get(et(hhmm, s).toString()) as LevelsSignalsPayload, 'PM_HIGH');
    expect(role('10:00', 45)).toMatchObject({ role: 'RESISTANCE', direction: 'UP' });
    expect(role('10:02', 59)).toMatchObject({ role: 'RESISTANCE', direction: 'UP' });
    expect(role('10:04', 0)).toMatchObject({ role: 'SUPPORT', direction: 'DOWN' });
    expect(role('10:05', 5)).toMatchObject({ role: 'SUPPORT', direction: 'DOWN' });
    // Property 6: non-decreasing, at most +1 per snap.
    const series = [...byTs.values()].map((p) => level(p, 'PM_HIGH')?.prior_touches ?? 0);
    for (let i = 1; i < series.length; i++) {
      const step = (series[i] ?? 0) - (series[i - 1] ?? 0);
      expect(step === 0 || step === 1).toBe(true);
    }
    checkSerialization([...byTs.values()].slice(-2000));
  });
});

describe('L-4 approach', () => {
  const closes = [5990, 5991, 5993, 5992, 5994, 5995, 5997].map((close, i) => ({
    start: T0 + BigInt(i) * 60n * S,
    close,
  }));
  it('break UP', () => {
    const a = approachContext(closes, 'UP');
    expect(a.velocity).toBeCloseTo(7 / 6, 12);
    expect(a.bars).toBe(3);
    expect(a.distance).toBe(7);
  });
  it('break DOWN', () => {
    const a = approachContext(closes, 'DOWN');
    expect(a.velocity).toBeCloseTo(-7 / 6, 12);
    expect(a.bars).toBe(0);
    expect(a.distance).toBe(7);
  });
  it('fewer than two closes', () => {
    expect(approachContext(closes.slice(0, 1), 'UP')).toStrictEqual({ velocity: 0, bars: 0, distance: 0 });
  });
});

describe('L-5 runway, confluence, note', () => {
  const levels = [
    { kind: 'PM_HIGH', price: 6010.5 },
    { kind: 'PM_LOW', price: 5998 },
    { kind: 'OR_HIGH', price: 6004.25 },
    { kind: 'OR_LOW', price: 5995.5 },
    { kind: 'SMA_200', price: 6002.1 },
  ] as const;
  const noWalls = { call_wall: null, put_wall: null };
  const band = { CONFLUENCE_BAND: 5, CONFLUENCE_TREND_EPS: 0.5 };
  it('runway', () => {
    expect(levelRunway('OR_HIGH', 6004.25, 'UP', levels, noWalls)).toStrictEqual({
      direction: 'UP',
      next_level_id: 'PM_HIGH',
      next_level_price: 6010.5,
      distance: 6.25,
      quality: 'CLEAR',
    });
    const wall = { strike: 6005, net_gamma: -5000, strength: 1 };
    expect(levelRunway('OR_HIGH', 6004.25, 'UP', levels, { call_wall: wall, put_wall: null }).quality).toBe(
      'OBSTRUCTED',
    );
    const bounce = levelRunway('PM_LOW', 5998, 'UP', levels, noWalls);
    expect(bounce.next_level_id).toBe('SMA_200');
    expect(bounce.distance).toBeCloseTo(4.1, 9);
  });
  it('confluence', () => {
    const orHigh = levelConfluence('OR_HIGH', 6004.25, 'RESISTANCE', levels, band);
    expect(orHigh.count).toBe(1);
    expect(orHigh.pressure).toBeCloseTo((0.8 * 0.57) / 5.4, 9);
    expect(orHigh.alignment).toBe(0);
    const sma = levelConfluence('SMA_200', 6002.1, 'SUPPORT', levels, band);
    expect(sma.count).toBe(2);
    expect(sma.pressure).toBeCloseTo((0.9 * 0.57 + 1.0 * 0.18) / 5.4, 9);
    const pmLow = levelConfluence('PM_LOW', 5998, 'SUPPORT', levels, band);
    expect(pmLow.count).toBe(2);
    expect(pmLow.pressure).toBeCloseTo(0.11, 9);
    const trend = [...levels, { kind: 'SMA_400', price: 6000 } as const];
    expect(levelConfluence('PM_LOW', 5998, 'SUPPORT', trend, band).alignment).toBe(1);
    expect(levelConfluence('OR_HIGH', 6004.25, 'RESISTANCE', trend, band).alignment).toBe(-1);
  });
  it('note', () => {
    expect(levelNote('VACUUM', 'AMPLIFY', true, 'UP', 'UP')).toBe(
      'liquidity pulled; dealers short gamma; sweep with break',
    );
    expect(levelNote('NEUTRAL', 'NEUTRAL', false, 'NONE', 'UP')).toBe('monitoring');
    expect(levelNote('WALL', 'DAMPEN', true, 'UP', 'DOWN')).toBe(
      'wall defending; dealers long gamma; sweep against break',
    );
  });
  it('the service publishes the same runway and confluence for the L-2 market', () => {
    const out = run(l2Events(), et('09:55', 45), L2_PARAMS);
    const snap = out[out.length - 1] as LevelsSignalsPayload;
    const orHigh = level(snap, 'OR_HIGH');
    expect(orHigh?.signal).toBe('NEUTRAL');
    expect(orHigh?.runway).toStrictEqual({
      direction: 'UP',
      next_level_id: 'PM_HIGH',
      next_level_price: 6010.5,
      distance: 6.25,
      quality: 'CLEAR',
    });
    expect(orHigh?.confluence_count).toBe(1);
    expect(orHigh?.confluence_pressure).toBeCloseTo((0.8 * 0.57) / 5.4, 9);
    expect(level(snap, 'SMA_200')?.confluence_count).toBe(2);
    expect(level(snap, 'PM_LOW')?.confluence_pressure).toBeCloseTo(0.11, 9);
  });
});

describe('IV freshness (§4.4, example F-5) as used by the service', () => {
  const c = (strike: number, right: 'C' | 'P', iv: number | null, ivTs: bigint | null) => ({
    option_symbol: `E3Z5 ${right}${strike}`,
    underlying_contract: F,
    strike,
    right,
    iv,
    ivTs,
  });
  const inventory = [
    c(6000, 'C', 0.18, et('09:05')),
    c(6010, 'P', 0.16, et('09:31')),
    c(6020, 'C', 0.17, et('08:00')),
    c(6015, 'C', null, null),
  ];
  const rth = et('09:30');
  it('uses own fresh IVs, else the nearest fresh one, else SIGMA_DEFAULT', () => {
    expect(contractSigmas(inventory, et('09:34'), rth, F, null, DEFAULT_CONFIG)).toStrictEqual([
      0.18, 0.16, 0.16, 0.16,
    ]);
    expect(contractSigmas(inventory, et('09:36'), rth, F, null, DEFAULT_CONFIG)).toStrictEqual([
      0.16, 0.16, 0.16, 0.16,
    ]);
    const stale = [c(6000, 'C', 0.18, et('08:00'))];
    expect(contractSigmas(stale, et('09:36'), rth, F, null, DEFAULT_CONFIG)).toStrictEqual([0.2]);
    const fixed = { ...DEFAULT_CONFIG, FUEL_IV_MODE: 'fixed' as const };
    expect(contractSigmas(stale, et('09:36'), rth, F, null, fixed)).toStrictEqual([fixed.SIGMA_FIXED]);
  });

  it('the service switches a pre-RTH IV to the fallback exactly when it turns stale (IV_MAX_AGE after its solve)', () => {
    // One 0DTE call traded at 09:05 ET (IV solved then, before RTH): fresh through 09:35:00.000, stale after.
    const expiry = etToNs(D, '16:00');
    const call: OptionTrade = {
      event_id: `OT-E3Z5_C6000-${et('09:05')}-na-0`,
      ts_event_ns: et('09:05'),
      ts_recv_ns: et('09:05'),
      source: 'sim',
      underlying: 'ES',
      underlying_contract: F,
      option_symbol: 'E3Z5 C6000',
      exp_date: D,
      expiration_ns: expiry,
      strike: 6000,
      right: 'C',
      price: 20,
      size: 40,
      opt_bid: 19.75,
      opt_ask: 20.25,
      aggressor: 1,
      conditions: null,
      seq: null,
    };
    const service = new LevelSignalService();
    const out: LevelsSignalsPayload[] = [];
    for (const e of [fut(et('09:00'), 6000), call, fut(et('09:10'), 6000)]) out.push(...service.ingest(e));
    out.push(...service.advanceTo(et('09:35', 1)));
    const iv = service.marketState.optionContracts()[0]?.iv as number;
    expect(iv).toBeGreaterThan(0);
    expect(iv).not.toBe(DEFAULT_CONFIG.SIGMA_DEFAULT);
    const gammaAt = (ts: bigint) => {
      const p = out.find((x) => x.ts_ns === ts.toString()) as LevelsSignalsPayload;
      return p.levels[0]?.fuel.net_dealer_gamma;
    };
    const expected = (ts: bigint, sigma: number) =>
      -40 *
      black76Gamma(6000, 6000, timeToExpiryYears(expiry, ts, DEFAULT_CONFIG), sigma, DEFAULT_CONFIG.RISK_FREE_RATE) *
      50;
    const fresh = et('09:35');
    const stale = fresh + 250n * MS;
    expect(gammaAt(fresh)).toBeCloseTo(expected(fresh, iv), 6);
    expect(gammaAt(stale)).toBeCloseTo(expected(stale, DEFAULT_CONFIG.SIGMA_DEFAULT), 6);
    expect(gammaAt(fresh)).not.toBeCloseTo(gammaAt(stale) as number, 3);
  });

  it('picks what the §4.4 rule picks on random inventories (nearest placed strike, then lower, later, contract order)', () => {
    // The rule as written, scanning every fresh contract: the oracle for the sorted/binary-search implementation.
    const oracle = (inv: ReturnType<typeof c>[], t: bigint, basis: number | null): number[] => {
      const maxAge = BigInt(Math.round(DEFAULT_CONFIG.IV_MAX_AGE * 60)) * S;
      const placedOf = (x: (typeof inv)[number]) =>
        x.underlying_contract === F ? x.strike : basis === null ? null : x.strike + basis;
      const fresh = inv.flatMap((x, i) => {
        const k = placedOf(x);
        return k !== null && x.iv !== null && x.ivTs !== null && (x.ivTs >= rth || t - x.ivTs <= maxAge)
          ? [{ k, iv: x.iv, ts: x.ivTs, i }]
          : [];
      });
      const order = (a: (typeof fresh)[number], b: (typeof fresh)[number]) => {
        const x = inv[a.i] as (typeof inv)[number];
        const y = inv[b.i] as (typeof inv)[number];
        return (
          a.k - b.k ||
          (x.right < y.right ? -1 : x.right > y.right ? 1 : 0) ||
          (x.underlying_contract < y.underlying_contract
            ? -1
            : x.underlying_contract > y.underlying_contract
              ? 1
              : 0) ||
          (x.option_symbol < y.option_symbol ? -1 : x.option_symbol > y.option_symbol ? 1 : 0)
        );
      };
      return inv.map((x, i) => {
        const own = fresh.find((f) => f.i === i);
        if (own) return own.iv;
        const k = placedOf(x);
        if (k === null || fresh.length === 0) return DEFAULT_CONFIG.SIGMA_DEFAULT;
        const ranked = [...fresh].sort(
          (a, b) =>
            Math.abs(a.k - k) - Math.abs(b.k - k) ||
            a.k - b.k ||
            (a.ts > b.ts ? -1 : a.ts < b.ts ? 1 : 0) ||
            order(a, b),
        );
        return (ranked[0] as (typeof fresh)[number]).iv;
      });
    };
    const arb = fc.array(
      fc.record({
        strike: fc.integer({ min: 1195, max: 1205 }).map((k) => k * 5),
        right: fc.constantFrom<'C' | 'P'>('C', 'P'),
        q: fc.boolean(),
        iv: fc.option(fc.integer({ min: 10, max: 40 }).map((v) => v / 100)),
        minute: fc.integer({ min: 0, max: 90 }),
      }),
      { maxLength: 25 },
    );
    fc.assert(
      fc.property(arb, fc.option(fc.constantFrom(0, 2.5, 5, 12.5)), (raw, basis) => {
        const seen = new Set<string>();
        const inv = raw
          .map((r) => ({
            option_symbol: `${r.q ? 'E3Z5' : 'E3H6'} ${r.right}${r.strike}`,
            underlying_contract: r.q ? 'ESZ5' : F,
            strike: r.strike,
            right: r.right,
            iv: r.iv,
            ivTs: r.iv === null ? null : et('08:30') + BigInt(r.minute) * 60n * S,
          }))
          .filter((x) => !seen.has(x.option_symbol) && seen.add(x.option_symbol));
        const t = et('09:40');
        expect(contractSigmas(inv, t, rth, F, basis, DEFAULT_CONFIG)).toStrictEqual(oracle(inv, t, basis));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

/** Small random streams in RTH: trades and books at T0 + k·100 ms, with PM levels from two premarket prints. */
const streamArb = fc
  .array(
    fc.record({
      k: fc.integer({ min: 0, max: 40 }),
      book: fc.boolean(),
      tick: fc.integer({ min: -30, max: 30 }),
      aggressor: fc.constantFrom(1, -1, 0),
      size: fc.integer({ min: 1, max: 60 }),
    }),
    { minLength: 1, maxLength: 30 },
  )
  .map((raw) => {
    const sorted = [...raw].sort((a, b) => a.k - b.k);
    const events: MarketEvent[] = [fut(et('09:00'), 6004), fut(et('09:10'), 5996)];
    const dups = new Map<string, number>();
    for (const r of sorted) {
      const ts = at(r.k * 100);
      const key = `${r.book}-${ts}`;
      const dup = dups.get(key) ?? 0;
      dups.set(key, dup + 1);
      const px = 6000 + r.tick * 0.25;
      events.push(r.book ? mbp(ts, px - 0.25, r.size, px, r.size + 1, dup) : fut(ts, px, r.aggressor, r.size, dup));
    }
    return events;
  });
const END = at(4500);

describe('properties', () => {
  it('1/7/9: determinism, validity and serialization', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const a = run(events, END);
        const b = run(events, END);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        checkSerialization(a);
      }),
      { numRuns: 25 },
    );
  });

  it('2: causality (appending later events; truncating and advancing)', () => {
    fc.assert(
      fc.property(streamArb, fc.integer({ min: 0, max: 4400 }), (events, cutMs) => {
        const full = run(events, END);
        const cut = at(cutMs);
        const prefix = run(
          events.filter((e) => e.ts_event_ns <= cut),
          cut,
        );
        const upTo = full.filter((p) => BigInt(p.ts_ns) <= cut);
        expect(JSON.stringify(prefix)).toBe(JSON.stringify(upTo));
      }),
      { numRuns: 25 },
    );
  });

  it('3: grid', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const out = run(events, END);
        const first = events[0]?.ts_event_ns ?? 0n;
        const start = ((first + 250n * MS - 1n) / (250n * MS)) * 250n * MS;
        const expected: string[] = [];
        for (let t = start > T0 ? start : T0; t <= END; t += 250n * MS) expected.push(t.toString());
        expect(out.map((p) => p.ts_ns)).toStrictEqual(expected);
      }),
      { numRuns: 15 },
    );
  });

  it('4: permutation of same-timestamp groups', () => {
    fc.assert(
      fc.property(streamArb, fc.integer({ min: 0, max: 1000 }), (events, seed) => {
        const groups = new Map<bigint, MarketEvent[]>();
        for (const e of events) groups.set(e.ts_event_ns, [...(groups.get(e.ts_event_ns) ?? []), e]);
        let s = seed;
        const shuffled: MarketEvent[] = [];
        for (const g of groups.values()) {
          const copy = [...g];
          for (let i = copy.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) % 2147483648;
            const j = s % (i + 1);
            [copy[i], copy[j]] = [copy[j] as MarketEvent, copy[i] as MarketEvent];
          }
          shuffled.push(...copy);
        }
        expect(JSON.stringify(run(shuffled, END))).toBe(JSON.stringify(run(events, END)));
      }),
      { numRuns: 25 },
    );
  });

  it('5: role, direction and flags are consistent', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        for (const p of run(events, END)) {
          const kinds = p.levels.map((l) => l.kind);
          expect(new Set(kinds).size).toBe(kinds.length);
          for (let i = 1; i < p.levels.length; i++) {
            const a = p.levels[i - 1];
            const b = p.levels[i];
            if (a === undefined || b === undefined) continue;
            const ordered =
              a.distance < b.distance ||
              (a.distance === b.distance && LEVEL_KIND_PRIORITY[a.kind] < LEVEL_KIND_PRIORITY[b.kind]);
            expect(ordered).toBe(true);
          }
          for (const l of p.levels) {
            expect(l.role === 'SUPPORT').toBe(l.direction === 'DOWN');
            expect(l.monitored).toBe(l.distance <= 5);
            if (l.touching) expect(l.monitored).toBe(true);
            expect(l.distance).toBe(Math.abs(l.distance_signed));
          }
        }
      }),
      { numRuns: 20 },
    );
  });

  it('8: smoothers restart exactly where the role changes', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const last = new Map<string, string>();
        for (const p of run(events, END)) {
          for (const l of p.levels) {
            const prev = last.get(l.kind);
            if (prev === undefined || prev !== l.role) {
              expect(l.break_score_smooth).toBe(l.break_score_raw);
              expect(l.barrier.delta_liq_smooth).toBe(l.barrier.delta_liq);
              expect(l.tape.velocity_smooth).toBe(l.tape.velocity);
            }
            last.set(l.kind, l.role);
          }
        }
      }),
      { numRuns: 20 },
    );
  });
});

describe('rollover', () => {
  it('clears per-level state and touch counts at the next trade date and skips the closed hours', () => {
    const day2 = '2025-12-17';
    const service = new LevelSignalService();
    service.ingest(fut(et('08:00'), 5012.5));
    service.ingest(fut(et('08:01'), 5000));
    for (const [s, px] of [
      [0, 5004],
      [10, 5011],
      [20, 5020],
    ] as const) {
      service.ingest(fut(et('10:00', s), px));
    }
    const day1 = service.advanceTo(et('10:02'));
    expect(level(day1[day1.length - 1] as LevelsSignalsPayload, 'PM_HIGH')?.prior_touches).toBe(1);
    expect(service.ingest(fut(etToNs(day2, '08:00'), 5012.5)).length).toBe((3.5 * 3600 - 120) * 4 - 1); // 10:02:00.250 … 13:29:59.750
    service.ingest(fut(etToNs(day2, '08:01'), 5000));
    const out = service.advanceTo(etToNs(day2, '09:30'));
    expect(out.map((p) => p.ts_ns)).toStrictEqual([etToNs(day2, '09:30').toString()]);
    expect(out[0]?.trade_date).toBe(day2);
    expect(level(out[0] as LevelsSignalsPayload, 'PM_HIGH')?.prior_touches).toBe(0);
    checkSerialization(out);
  });
});
