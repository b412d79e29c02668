/**
 * LevelUniverse — levels-pipeline-lake.md C.4.2–C.4.3: the C.7 examples (structural levels and the SMA scenario),
 * C.6 edge cases, C.8 properties against the spec-literal reference, streaming vs batch, prefix invariance, and
 * agreement with the engines' MarketState (PM/OR extremes and exact-tick SMA).
 */

import { MarketState } from '@spymaster/engines/market-state';
import { DEFAULT_CONFIG, LEVEL_KIND_CODE, LEVEL_KIND_PRIORITY, LEVEL_KINDS } from '@spymaster/schemas';
import { addDays, etToNs, tradeDateWindow } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KIND_CODE, KIND_PRIORITY, KINDS, LEVELS_DEFAULTS, type TradeInput } from '../src/config.js';
import { LevelsError } from '../src/errors.js';
import { HISTORY_DATES, LevelUniverse, levelsAtTrades } from '../src/level-universe.js';
import { DATES, futuresTrade, pathArb, queryTimes, S, SMALL, SMALL_FULL } from './helpers.js';
import { referenceLevelsAt } from './reference.js';

const D = '2025-12-16';
const ns = (s: string) => BigInt(s);

/** C.7 trades (ET, ns, price). */
const C7: TradeInput[] = [
  ['1765875599000000000', 5000.0],
  ['1765875600000000000', 5001.25],
  ['1765883710000000000', 5012.5],
  ['1765890120000000000', 4995.75],
  ['1765895399999000000', 5003.0],
  ['1765895400000000000', 5004.0],
  ['1765895832000000000', 5018.25],
  ['1765896299500000000', 4999.5],
  ['1765896300000000000', 5025.0],
].map(([ts, price]) => ({ ts_event_ns: ns(ts as string), price: price as number, size: 1, symbol: 'ESH6' }));

const brief = (levels: readonly { level_kind_name: string; price: number }[]) =>
  Object.fromEntries(levels.map((l) => [l.level_kind_name, l.price]));

describe('constants agree with @spymaster/schemas', () => {
  it('defaults equal DEFAULT_CONFIG, kinds/codes/priorities equal the schemas enums', () => {
    for (const [k, v] of Object.entries(LEVELS_DEFAULTS)) {
      expect(v, k).toEqual(DEFAULT_CONFIG[k as keyof typeof DEFAULT_CONFIG]);
    }
    expect(KINDS).toEqual(LEVEL_KINDS);
    expect(KIND_CODE).toEqual(LEVEL_KIND_CODE);
    expect(KIND_PRIORITY).toEqual(LEVEL_KIND_PRIORITY);
  });
});

describe('C.7 example: structural levels on 2025-12-16', () => {
  const u = new LevelUniverse();
  for (const t of C7.slice(0, 8)) u.onTrade(t);

  it('levelsAt(09:44:00) → PM only, from 09:30:00', () => {
    const at = u.levelsAt(etToNs(D, 9, 44));
    expect(brief(at)).toEqual({ PM_HIGH: 5012.5, PM_LOW: 4995.75 });
    expect(at.map((l) => l.available_from_ns)).toEqual([1765895400000000000n, 1765895400000000000n]);
    expect(at.every((l) => !l.dynamic && !l.suppressed && !l.provisional)).toBe(true);
    expect(at[0]).toMatchObject({ level_id: 'PM_HIGH', level_kind: 0 });
  });

  it('levelsAt(09:45:00) → PM and OR; the trade at exactly 09:45 is not in OR', () => {
    u.onTrade(C7[8] as TradeInput);
    const at = u.levelsAt(etToNs(D, 9, 45));
    expect(brief(at)).toEqual({ PM_HIGH: 5012.5, PM_LOW: 4995.75, OR_HIGH: 5018.25, OR_LOW: 4999.5 });
    expect(at[2]?.available_from_ns).toBe(1765896300000000000n);
  });

  it('nothing before 09:30; 03:59:59 excluded; 09:29:59.999 in PM; 09:30:00 in OR', () => {
    const v = new LevelUniverse();
    for (const t of C7.slice(0, 5)) v.onTrade(t);
    expect(v.levelsAt(1765895399999999999n)).toEqual([]);
    expect(brief(v.levelsAt(1765895400000000000n))).toEqual({ PM_HIGH: 5012.5, PM_LOW: 4995.75 });
    // PM_HIGH is 5012.50 although the 03:59:59 print (5000.00) and the 09:30:00 print (5004.00) were fed.
    const w = new LevelUniverse();
    w.onTrade({ ...(C7[0] as TradeInput), price: 6000 });
    for (const t of C7.slice(1, 6)) w.onTrade(t);
    w.onTrade({ ...(C7[5] as TradeInput), price: 6001 }); // 09:30:00 exactly: OR, not PM
    expect(brief(w.levelsAt(1765895400000000000n))).toEqual({ PM_HIGH: 5012.5, PM_LOW: 4995.75 });
  });
});

describe('C.7 example: SMA scenario', () => {
  // 400 complete 2-minute bars before 09:30: 200 closes 5000.00 (older) then 200 closes 5010.00, one trade each,
  // bars ending exactly at 09:30; then the bar [09:30, 09:32) closing at 5030.00.
  const open = etToNs(D, '09:30');
  const bar = 120n * S;
  const trades: TradeInput[] = [];
  for (let i = 0; i < 400; i++) {
    const start = open - BigInt(400 - i) * bar;
    trades.push({ ts_event_ns: start + 30n * S, price: i < 200 ? 5000 : 5010, size: 1, symbol: 'ESH6' });
  }
  trades.push({ ts_event_ns: open + 10n * S, price: 5020, size: 1, symbol: 'ESH6' });
  trades.push({ ts_event_ns: open + 100n * S, price: 5030, size: 1, symbol: 'ESH6' });

  it('at 09:31:30 the bar [09:30, 09:32) is incomplete: SMA_200 = 5010.00, SMA_400 = 5005.00', () => {
    const u = new LevelUniverse();
    for (const t of trades) u.onTrade(t);
    const at = u.levelsAt(open + 90n * S);
    expect(brief(at)).toMatchObject({ SMA_200: 5010, SMA_400: 5005 });
    expect(at.find((l) => l.level_kind_name === 'SMA_200')).toMatchObject({ dynamic: true, level_kind: 6 });
  });

  it('from 09:32:00: SMA_200 = 5010.10, SMA_400 = 5005.075 (bit-identical to the spec formula)', () => {
    const u = new LevelUniverse();
    for (const t of trades) u.onTrade(t);
    expect(brief(u.levelsAt(open + 120n * S - 1n))).toMatchObject({ SMA_200: 5010, SMA_400: 5005 });
    const at = brief(u.levelsAt(open + 120n * S));
    expect(at.SMA_200).toBe(((199 * 5010 + 5030) * 4 * 0.25) / 200);
    expect(at.SMA_400).toBe(((199 * 5000 + 200 * 5010 + 5030) * 4 * 0.25) / 400);
    expect(at.SMA_200).toBeCloseTo(5010.1, 10);
    expect(at.SMA_400).toBeCloseTo(5005.075, 10);
  });

  it('the bar starting 09:30 has start_ns 1765895400000000000 and end_ns 1765895520000000000', () => {
    // The SMA changes exactly at end_ns of that bar and not a nanosecond before.
    const u = new LevelUniverse();
    for (const t of trades) u.onTrade(t);
    const before = brief(u.levelsAt(1765895519999999999n)).SMA_200;
    const after = brief(u.levelsAt(1765895520000000000n)).SMA_200;
    expect(before).toBe(5010);
    expect(after).not.toBe(5010);
  });
});

describe('C.6 edge cases', () => {
  it('PM window with a single trade: PM_HIGH = PM_LOW and PM_LOW is suppressed', () => {
    const u = new LevelUniverse();
    u.onTrade({ ts_event_ns: etToNs(D, '05:00'), price: 5000.25, size: 1 });
    const at = u.levelsAt(etToNs(D, '09:30'));
    expect(at.map((l) => [l.level_kind_name, l.price, l.suppressed])).toEqual([
      ['PM_HIGH', 5000.25, false],
      ['PM_LOW', 5000.25, true],
    ]);
  });

  it('OR levels equal to a PM level (same cents) are suppressed; SMA never', () => {
    const u = new LevelUniverse();
    u.onTrade({ ts_event_ns: etToNs(D, '05:00'), price: 5000.25, size: 1 });
    u.onTrade({ ts_event_ns: etToNs(D, '06:00'), price: 5010, size: 1 });
    u.onTrade({ ts_event_ns: etToNs(D, '09:31'), price: 5010, size: 1 });
    u.onTrade({ ts_event_ns: etToNs(D, '09:32'), price: 5005, size: 1 });
    const at = u.levelsAt(etToNs(D, '09:45'));
    expect(at.map((l) => [l.level_kind_name, l.suppressed])).toEqual([
      ['PM_HIGH', false],
      ['PM_LOW', false],
      ['OR_HIGH', true],
      ['OR_LOW', false],
    ]);
  });

  it('prints outside PRICE_SANITY_MIN/MAX are ignored for levels', () => {
    const u = new LevelUniverse();
    u.onTrade({ ts_event_ns: etToNs(D, '05:00'), price: 5000, size: 1 });
    u.onTrade({ ts_event_ns: etToNs(D, '05:01'), price: 10_000.25, size: 1 });
    u.onTrade({ ts_event_ns: etToNs(D, '05:02'), price: 2999.75, size: 1 });
    expect(brief(u.levelsAt(etToNs(D, '09:30')))).toEqual({ PM_HIGH: 5000, PM_LOW: 5000 });
  });

  it('no PM trades: PM kinds absent for the session', () => {
    const u = new LevelUniverse();
    u.onTrade({ ts_event_ns: etToNs(D, '09:31'), price: 5000, size: 1 });
    expect(u.levelsAt(etToNs(D, '09:46'))).toHaveLength(2);
    expect(u.levelsAt(etToNs(D, '09:46')).map((l) => l.level_kind_name)).toEqual(['OR_HIGH', 'OR_LOW']);
  });

  it('clock regression and evicted history are typed errors', () => {
    const u = new LevelUniverse();
    u.onTrade({ ts_event_ns: etToNs(D, '09:31'), price: 5000, size: 1 });
    let err: unknown;
    try {
      u.onTrade({ ts_event_ns: etToNs(D, '09:30'), price: 5000, size: 1 });
    } catch (e) {
      err = e;
    }
    expect(LevelsError.is(err) && err.code === 'clock_regression' && err.ts_ns === etToNs(D, '09:30')).toBe(true);
    u.onTrade({ ts_event_ns: etToNs(addDays(D, HISTORY_DATES - 1), '09:31'), price: 5000, size: 1 });
    expect(brief(u.levelsAt(etToNs(D, '09:46')))).toEqual({ OR_HIGH: 5000, OR_LOW: 5000 }); // still kept
    u.onTrade({ ts_event_ns: etToNs(addDays(D, HISTORY_DATES), '09:31'), price: 5000, size: 1 });
    expect(() => u.levelsAt(etToNs(D, '09:46'))).toThrow(/no longer kept/);
  });
});

describe('DST: windows never shift by an hour', () => {
  it('on the Mondays after both 2025 switches PM/OR availability is 09:30/09:45 ET', () => {
    for (const d of ['2025-03-10', '2025-11-03', '2025-03-07', '2025-10-31']) {
      const u = new LevelUniverse();
      u.onTrade({ ts_event_ns: etToNs(d, '04:00'), price: 5000, size: 1 });
      u.onTrade({ ts_event_ns: etToNs(d, '09:44'), price: 5001, size: 1 });
      expect(u.levelsAt(etToNs(d, '09:30') - 1n), d).toEqual([]);
      expect(u.levelsAt(etToNs(d, '09:30')).map((l) => l.available_from_ns)).toEqual([
        etToNs(d, '09:30'),
        etToNs(d, '09:30'),
      ]);
      expect(u.levelsAt(etToNs(d, '09:45') - 1n)).toHaveLength(2);
      expect(u.levelsAt(etToNs(d, '09:45'))).toHaveLength(4);
    }
    // 09:30 ET is 13:30 UTC in EDT and 14:30 UTC in EST (A.7).
    expect(etToNs('2025-03-10', '09:30') % (24n * 3600n * S)).toBe(13n * 3600n * S + 30n * 60n * S);
    expect(etToNs('2025-11-03', '09:30') % (24n * 3600n * S)).toBe(14n * 3600n * S + 30n * 60n * S);
  });

  it('the trade date of Monday 2025-03-10 starts at Sunday 18:00 EDT, after the 02:00 switch', () => {
    expect(tradeDateWindow('2025-03-10').start).toBe(etToNs('2025-03-09', '18:00'));
    expect(tradeDateWindow('2025-03-10').end - tradeDateWindow('2025-03-10').start).toBe(24n * 3600n * S);
    // The trade date that contains the switch (Sunday 2025-03-09) is 23 h long; the autumn one 25 h.
    expect(tradeDateWindow('2025-03-09').end - tradeDateWindow('2025-03-09').start).toBe(23n * 3600n * S);
    expect(tradeDateWindow('2025-11-02').end - tradeDateWindow('2025-11-02').start).toBe(25n * 3600n * S);
  });
});

describe('DST property: level availability is 09:30 / 09:45 New York time on every date 2007–2040', () => {
  const ny = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const wall = (ns: bigint) => {
    const p = Object.fromEntries(ny.formatToParts(new Date(Number(ns / 1_000_000n))).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  };
  const dayArb = fc
    .integer({ min: 13_515, max: 25_932 }) // 2007-01-02 … 2040-12-31: trade date 2007-01-01 starts in 2006, which A.4 rejects
    .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));

  it('checked against the IANA zone (Intl), independent of the rule-based calendar', () => {
    fc.assert(
      fc.property(dayArb, (d) => {
        const u = new LevelUniverse();
        const pmTrade = etToNs(d, '04:00');
        u.onTrade({ ts_event_ns: pmTrade, price: 5000, size: 1 });
        u.onTrade({ ts_event_ns: etToNs(d, '09:44') + 59n * S, price: 5001, size: 1 });
        expect(wall(pmTrade)).toBe(`${d} 04:00:00`);
        const pm = u.levelsAt(etToNs(d, '09:45') - 1n);
        expect(pm.map((l) => l.level_kind_name)).toEqual(['PM_HIGH', 'PM_LOW']);
        expect(wall(pm[0]?.available_from_ns ?? 0n)).toBe(`${d} 09:30:00`);
        const or = u.levelsAt(etToNs(d, '09:45'));
        expect(wall(or[2]?.available_from_ns ?? 0n)).toBe(`${d} 09:45:00`);
        expect(u.levelsAt(etToNs(d, '09:45')).length).toBe(4);
      }),
      { numRuns: 500 },
    );
  });
});

describe('C.8 properties on random multi-day paths (spring DST switch inside)', () => {
  it('streaming levelsAt equals the spec-literal reference at every trade, trade − 1 ns and window edge', () => {
    fc.assert(
      fc.property(pathArb({ maxPerSegment: 12 }), (trades) => {
        const u = new LevelUniverse(SMALL);
        let i = 0;
        for (const t of queryTimes(trades)) {
          while (i < trades.length && (trades[i] as TradeInput).ts_event_ns <= t) u.onTrade(trades[i++] as TradeInput);
          expect(u.levelsAt(t), `t=${t}`).toEqual(referenceLevelsAt(trades, t, SMALL));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('prefix invariance: levelsAt(t) is unchanged by altering every trade after t; past queries from the log agree', () => {
    fc.assert(
      fc.property(pathArb({ maxPerSegment: 15 }), fc.nat(), fc.integer({ min: -40, max: 40 }), (trades, k, shift) => {
        if (trades.length === 0) return;
        const cut = (trades[k % trades.length] as TradeInput).ts_event_ns;
        const altered = trades.map((t) => (t.ts_event_ns > cut ? { ...t, price: t.price + shift * 0.25 } : t));
        const full = new LevelUniverse(SMALL);
        const prefix = new LevelUniverse(SMALL);
        for (const t of trades) full.onTrade(t);
        for (const t of altered) if (t.ts_event_ns <= cut) prefix.onTrade(t);
        const now = prefix.levelsAt(cut);
        let past: unknown;
        try {
          past = full.levelsAt(cut);
        } catch (e) {
          if (!(LevelsError.is(e) && e.code === 'history_evicted')) throw e;
          return;
        }
        expect(past).toEqual(now);
      }),
      { numRuns: 100 },
    );
  });

  it('streaming (queries interleaved) equals batch levelsAtTrades', () => {
    fc.assert(
      fc.property(pathArb(), (trades) => {
        const batch = levelsAtTrades(trades, SMALL);
        const u = new LevelUniverse(SMALL);
        trades.forEach((t, i) => {
          u.levelsAt(t.ts_event_ns - 1n > u.clock ? t.ts_event_ns - 1n : u.clock);
          u.onTrade(t);
          expect(u.levelsAt(t.ts_event_ns)).toEqual(batch[i]);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('PM_HIGH ≥ PM_LOW, OR_HIGH ≥ OR_LOW, SMA within the min/max of the closes', () => {
    fc.assert(
      fc.property(pathArb(), (trades) => {
        const u = new LevelUniverse(SMALL);
        for (const t of trades) {
          u.onTrade(t);
          const m = brief(u.levelsAt(t.ts_event_ns));
          if (m.PM_HIGH !== undefined) expect(m.PM_HIGH).toBeGreaterThanOrEqual(m.PM_LOW as number);
          if (m.OR_HIGH !== undefined) expect(m.OR_HIGH).toBeGreaterThanOrEqual(m.OR_LOW as number);
          const closes = u.smaCloses();
          for (const [k, n] of [
            ['SMA_200', SMALL.SMA_FAST_PERIOD],
            ['SMA_400', SMALL.SMA_SLOW_PERIOD],
          ] as const) {
            const v = m[k];
            if (v === undefined) continue;
            const last = closes.slice(closes.length - n);
            expect(v).toBeGreaterThanOrEqual(Math.min(...last));
            expect(v).toBeLessThanOrEqual(Math.max(...last));
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('agreement with the engines MarketState (same rule implemented twice)', () => {
  it('PM/OR extremes and SMA_200/SMA_400 equal MarketState at every trade of random multi-day paths', () => {
    fc.assert(
      fc.property(pathArb({ symbol: 'ESH5' }), (trades) => {
        const ms = new MarketState(SMALL_FULL);
        const u = new LevelUniverse(SMALL);
        trades.forEach((t, i) => {
          ms.applyFuturesTrade(futuresTrade(t, i));
          u.onTrade(t);
          const m = brief(u.levelsAt(t.ts_event_ns));
          expect(m.PM_HIGH ?? null).toBe(ms.pmHigh());
          expect(m.PM_LOW ?? null).toBe(ms.pmLow());
          expect(m.OR_HIGH ?? null).toBe(ms.orHigh());
          expect(m.OR_LOW ?? null).toBe(ms.orLow());
          expect(m.SMA_200 ?? null).toBe(ms.sma(SMALL.SMA_FAST_PERIOD));
          expect(m.SMA_400 ?? null).toBe(ms.sma(SMALL.SMA_SLOW_PERIOD));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('DATES cover the spring switch', () => {
    expect(DATES).toContain('2025-03-07');
    expect(DATES).toContain('2025-03-10');
  });
});
