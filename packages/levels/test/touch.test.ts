/**
 * TouchEngine — levels-pipeline-lake.md D.4: the D.7 example (rows, ids, prior_touches, clusters, the streaming
 * prior_touches view of engines example L-3), D.6 edge cases, D.8 properties, streaming vs batch, and agreement
 * with the touch detector inside the engines' LevelSignalService (prior_touches in the payload).
 */
import { fixedLevels, LevelSignalService } from '@spymaster/engines/level-signal-service';
import { etToNs } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVELS_DEFAULTS, type LevelsConfig, type TradeInput } from '../src/config.js';
import { LevelUniverse, levelsAtTrades } from '../src/level-universe.js';
import { detectTouches, TouchEngine, type TouchEpisode, type TouchLevel, type TouchRow } from '../src/touch.js';
import { futuresTrade, pathArb, S, SMALL, SMALL_FULL } from './helpers.js';

const D = '2025-12-16';
const PM_HIGH: TouchLevel = { level_kind_name: 'PM_HIGH', price: 5012.5, suppressed: false };

/** D.7 trades. */
const D7: TradeInput[] = [
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
].map(([ts, price]) => ({ ts_event_ns: ts as bigint, price: price as number, size: 1, symbol: 'ESH6' }));

function runFixed(
  trades: readonly TradeInput[],
  levels: readonly TouchLevel[],
  config: LevelsConfig = LEVELS_DEFAULTS,
) {
  return detectTouches(
    trades,
    trades.map(() => levels),
    config,
  );
}

describe('D.7 example (PM_HIGH = 5012.50, available and armed)', () => {
  const { rows, episodes } = runFixed(D7, [PM_HIGH]);

  it('row 1: UP, anchor 10:00:31, entry 5007.75, spot 5010.50, prior 0, cluster 1 / attempt 1', () => {
    expect(rows[0]).toEqual({
      event_id: '20251216_PM_HIGH_501250_1765897231000000000_UP',
      ts_ns: 1765897231000000000n,
      level_kind: 0,
      level_kind_name: 'PM_HIGH',
      level_price: 5012.5,
      direction: 'UP',
      direction_sign: 1,
      entry_price: 5007.75,
      spot: 5010.5,
      zone_width: 5,
      date: D,
      prior_touches: 0,
      attempt_cluster_id: 1,
      attempt_index: 1,
    });
  });

  it('row 2: DOWN, anchor 10:05:10, prior 1, cluster 1 / attempt 1 (group DOWN)', () => {
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      event_id: '20251216_PM_HIGH_501250_1765897510000000000_DOWN',
      direction: 'DOWN',
      direction_sign: -1,
      entry_price: 5016,
      spot: 5014.25,
      prior_touches: 1,
      attempt_cluster_id: 1,
      attempt_index: 1,
    });
  });

  it('episode 1 starts 10:00:09 and ends at 10:02:00 (EXIT); episode 2 runs to the session end', () => {
    expect(episodes).toEqual<TouchEpisode[]>([
      {
        episode_id: '20251216_PM_HIGH_501250_1765897231000000000_UP',
        level_kind_name: 'PM_HIGH',
        date: D,
        direction: 'UP',
        start_ts: 1765897209000000000n,
        entry_price: 5007.75,
        touch_ts: 1765897231000000000n,
        end_ts: 1765897320000000000n,
        end_reason: 'EXIT',
        touch_count: 1,
        suppressed: false,
      },
      {
        episode_id: '20251216_PM_HIGH_501250_1765897510000000000_DOWN',
        level_kind_name: 'PM_HIGH',
        date: D,
        direction: 'DOWN',
        start_ts: 1765897500000000000n,
        entry_price: 5016,
        touch_ts: 1765897510000000000n,
        end_ts: etToNs(D, '13:30'),
        end_reason: 'SESSION_END',
        touch_count: 1,
        suppressed: false,
      },
    ]);
  });

  it('state after each trade follows the table (IDLE, IDLE, ACTIVE, …, EXITING, ACTIVE)', () => {
    const e = new TouchEngine();
    const states = D7.map((t) => {
      e.onTrade(t, [PM_HIGH]);
      const open = e.openEpisode('PM_HIGH');
      return open === null ? 'IDLE' : open.direction;
    });
    // EXITING rows still have their open episode (within the dwell): the direction stays.
    expect(states).toEqual(['IDLE', 'IDLE', 'UP', 'UP', 'UP', 'UP', 'UP', 'UP', 'UP', 'UP', 'DOWN', 'DOWN']);
  });

  it('streaming prior_touches: 0 at every snap up to 10:03:00.000, 1 from 10:03:00.250 through episode 2', () => {
    const e = new TouchEngine();
    let i = 0;
    const views: [bigint, number][] = [];
    for (let t = etToNs(D, '10:00'); t <= 1765897520000000000n; t += 250_000_000n) {
      while (i < D7.length && (D7[i] as TradeInput).ts_event_ns <= t) e.onTrade(D7[i++] as TradeInput, [PM_HIGH]);
      views.push([t, e.priorTouches('PM_HIGH', t)]);
    }
    const at = (t: bigint) => views.find(([u]) => u === t)?.[1];
    expect(views.filter(([t]) => t <= 1765897380000000000n).every(([, n]) => n === 0)).toBe(true);
    expect(at(1765897380000000000n)).toBe(0); // 10:03:00.000
    expect(at(1765897380250000000n)).toBe(1); // 10:03:00.250
    expect(views.filter(([t]) => t >= 1765897380250000000n).every(([, n]) => n === 1)).toBe(true);
  });
});

describe('D.4 rules and D.6 edge cases', () => {
  const at = (hhmm: string, sec: number, price: number): TradeInput => ({
    ts_event_ns: etToNs(D, hhmm) + BigInt(sec) * S,
    price,
    size: 1,
  });
  const L: TouchLevel = { level_kind_name: 'OR_HIGH', price: 5000, suppressed: false };

  it('a level that appears with price inside the band waits until price has been outside once (arming)', () => {
    const { rows } = runFixed(
      [at('10:00', 0, 5001), at('10:00', 1, 5000), at('10:00', 2, 4990), at('10:00', 3, 4999)],
      [L],
    );
    expect(rows.map((r) => [r.ts_ns, r.direction])).toEqual([[etToNs(D, '10:00') + 3n * S, 'UP']]);
  });

  it('a jump across the whole band (no trade inside) creates no episode', () => {
    const { rows, episodes } = runFixed([at('10:00', 0, 4990), at('10:00', 1, 5010), at('10:00', 2, 4990)], [L]);
    expect(rows).toEqual([]);
    expect(episodes).toEqual([]);
  });

  it('an episode without a touch gives no row; its episode record has touch_ts null', () => {
    const { rows, episodes } = runFixed([at('10:00', 0, 4990), at('10:00', 1, 4996), at('10:00', 2, 4990)], [L]);
    expect(rows).toEqual([]);
    expect(episodes).toMatchObject([
      { episode_id: null, touch_ts: null, end_ts: etToNs(D, '10:00') + 2n * S, end_reason: 'EXIT', touch_count: 0 },
    ]);
  });

  it('exit on the far side flips the approach: re-entry after the dwell starts a DOWN episode', () => {
    const { rows } = runFixed(
      [at('10:00', 0, 4990), at('10:00', 1, 4999), at('10:00', 2, 5010), at('10:01', 10, 5001)],
      [L],
    );
    expect(rows.map((r) => r.direction)).toEqual(['UP', 'DOWN']);
  });

  it('re-entry exactly EXIT_DWELL_SECONDS after the exit revives the episode; 1 ns later it does not', () => {
    const base = [at('10:00', 0, 4990), at('10:00', 1, 4999), at('10:00', 2, 4990)];
    const exit = etToNs(D, '10:00') + 2n * S;
    const revive = runFixed([...base, { ts_event_ns: exit + 60n * S, price: 4999, size: 1 }], [L]);
    const fresh = runFixed([...base, { ts_event_ns: exit + 60n * S + 1n, price: 4999, size: 1 }], [L]);
    expect(revive.rows).toHaveLength(1);
    expect(revive.episodes[0]?.touch_count).toBe(2);
    expect(fresh.rows).toHaveLength(2);
    expect(fresh.episodes[0]).toMatchObject({ end_ts: exit, end_reason: 'EXIT' });
  });

  it('session end: no starts or anchors from 13:30; EXITING with elapsed dwell ends EXIT, else SESSION_END', () => {
    const { rows, episodes } = runFixed(
      [
        at('13:27', 0, 4990),
        at('13:27', 1, 4999),
        at('13:27', 2, 4990),
        at('13:29', 30, 4990),
        at('13:29', 31, 4997),
        at('13:30', 0, 5000),
      ],
      [L],
    );
    expect(rows.map((r) => r.ts_ns)).toEqual([etToNs(D, '13:27') + S]);
    expect(episodes.map((e) => [e.end_reason, e.end_ts, e.touch_ts !== null])).toEqual([
      ['EXIT', etToNs(D, '13:27') + 2n * S, true],
      ['SESSION_END', etToNs(D, '13:30'), false],
    ]);
  });

  it('several kinds touched by one trade each give a row; a suppressed kind gives none but counts', () => {
    const levels: TouchLevel[] = [
      { level_kind_name: 'PM_HIGH', price: 5000, suppressed: false },
      { level_kind_name: 'OR_HIGH', price: 5000, suppressed: true },
      { level_kind_name: 'SMA_200', price: 5001.3, suppressed: false },
    ];
    const e = new TouchEngine();
    e.onTrade(at('10:00', 0, 4990), levels);
    const rows = e.onTrade(at('10:00', 1, 5000), levels);
    expect(rows.map((r) => [r.level_kind_name, r.level_price])).toEqual([
      ['PM_HIGH', 5000],
      ['SMA_200', 5001.3],
    ]);
    expect(rows[1]?.event_id).toBe(`20251216_SMA_200_500130_${etToNs(D, '10:00') + S}_UP`);
    e.onTrade(at('10:00', 2, 4990), levels);
    expect(e.priorTouches('OR_HIGH', etToNs(D, '10:01') + 3n * S)).toBe(1);
  });

  it('attempt clustering: >15 min or |ΔL| > 0.10 opens a new cluster; ΔL = 0.10 exactly does not', () => {
    const mk = (min: number, price: number): TradeInput[] => [
      { ts_event_ns: etToNs(D, '10:00') + BigInt(min) * 60n * S, price: price - 10, size: 1 },
      { ts_event_ns: etToNs(D, '10:00') + BigInt(min) * 60n * S + S, price, size: 1 },
      { ts_event_ns: etToNs(D, '10:00') + BigInt(min) * 60n * S + 2n * S, price: price - 10, size: 1 },
    ];
    const e = new TouchEngine();
    const rows: TouchRow[] = [];
    const plan: [number, number][] = [
      [0, 5000],
      [5, 5000.1],
      [10, 5000.35],
      [30, 5000.35],
      [32, 5000.25],
    ];
    for (const [min, L] of plan) {
      const level: TouchLevel = { level_kind_name: 'SMA_200', price: L, suppressed: false };
      for (const t of mk(min, L)) rows.push(...e.onTrade(t, [level]));
    }
    expect(rows.map((r) => [r.attempt_cluster_id, r.attempt_index])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [3, 1],
      [3, 2],
    ]);
    // The float differences are 0.1000000000003638 (5000.1 − 5000, 5000.35 − 5000.25): still "not above 0.10".
    expect(5000.1 - 5000).toBeGreaterThan(0.1);
  });
});

/** Random RTH paths around one static level. */
const rthPath = fc
  .array(
    fc.record({
      dtMs: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 120_000 })),
      d: fc.integer({ min: -6, max: 6 }),
    }),
    { maxLength: 300 },
  )
  .map((steps) => {
    let ts = etToNs(D, '09:30');
    let tick = 20_000;
    const out: TradeInput[] = [];
    for (const s of steps) {
      ts += BigInt(s.dtMs) * 1_000_000n;
      tick += s.d;
      out.push({ ts_event_ns: ts, price: tick * 0.25, size: 1 });
    }
    return out;
  });
const LVL: TouchLevel = { level_kind_name: 'PM_LOW', price: 5000, suppressed: false };

describe('D.8 properties', () => {
  it('D.8-1/2/6: touch within TOUCH_BAND in RTH, start before anchor, approach side, disjoint episodes, dwell', () => {
    fc.assert(
      fc.property(rthPath, (trades) => {
        const { rows, episodes, anchorIndex } = runFixed(trades, [LVL]);
        const rth = [etToNs(D, '09:30'), etToNs(D, '13:30')];
        expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
        rows.forEach((r, i) => {
          expect(Math.abs(r.spot - r.level_price)).toBeLessThanOrEqual(2);
          expect(r.ts_ns >= (rth[0] as bigint) && r.ts_ns < (rth[1] as bigint)).toBe(true);
          const ep = episodes.find((e) => e.episode_id === r.event_id) as TouchEpisode;
          expect(ep.start_ts <= r.ts_ns).toBe(true);
          expect(Math.abs(ep.entry_price - 5000)).toBeLessThanOrEqual(5);
          const startIdx = trades.findIndex((t) => t.ts_event_ns === ep.start_ts && t.price === ep.entry_price);
          const lastOut = trades
            .slice(0, startIdx)
            .reverse()
            .find((t) => Math.abs(t.price - 5000) > 5) as TradeInput;
          expect(Math.sign(lastOut.price - 5000)).toBe(-r.direction_sign);
          expect(trades[anchorIndex[i] as number]?.ts_event_ns).toBe(r.ts_ns);
        });
        for (let i = 1; i < episodes.length; i++) {
          const a = episodes[i - 1] as TouchEpisode;
          const b = episodes[i] as TouchEpisode;
          expect((a.end_ts as bigint) < b.start_ts).toBe(true);
          if (a.end_reason === 'EXIT') expect(b.start_ts - (a.end_ts as bigint) > 60n * S).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('D.8-3 prefix invariance: rows with t0 ≤ T are unchanged by altering trades after T', () => {
    fc.assert(
      fc.property(rthPath, fc.nat(), fc.integer({ min: -30, max: 30 }), (trades, k, shift) => {
        if (trades.length === 0) return;
        const T = (trades[k % trades.length] as TradeInput).ts_event_ns;
        const altered = trades.map((t) => (t.ts_event_ns > T ? { ...t, price: t.price + shift * 0.25 } : t));
        const a = runFixed(trades, [LVL]).rows.filter((r) => r.ts_ns <= T);
        const b = runFixed(altered, [LVL]).rows.filter((r) => r.ts_ns <= T);
        expect(b).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it('D.8-4: segmentation does not depend on TOUCH_BAND; a smaller band anchors a subset, never earlier', () => {
    fc.assert(
      fc.property(rthPath, fc.constantFrom(0, 0.5, 1, 1.5), (trades, band) => {
        const wide = runFixed(trades, [LVL]);
        const narrow = runFixed(trades, [LVL], { ...LEVELS_DEFAULTS, TOUCH_BAND: band });
        const seg = (e: TouchEpisode) => [e.start_ts, e.end_ts, e.direction];
        expect(narrow.episodes.map(seg)).toEqual(wide.episodes.map(seg));
        narrow.episodes.forEach((e, i) => {
          const w = wide.episodes[i] as TouchEpisode;
          if (e.touch_ts !== null) expect(w.touch_ts !== null && w.touch_ts <= e.touch_ts).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('D.8-5 mirror symmetry: p → 2L − p maps UP rows to DOWN rows with identical t0 and episode bounds', () => {
    fc.assert(
      fc.property(rthPath, (trades) => {
        const a = runFixed(trades, [LVL]);
        const b = runFixed(
          trades.map((t) => ({ ...t, price: 2 * 5000 - t.price })),
          [LVL],
        );
        expect(b.rows.map((r) => [r.ts_ns, -r.direction_sign])).toEqual(a.rows.map((r) => [r.ts_ns, r.direction_sign]));
        expect(b.episodes.map((e) => [e.start_ts, e.end_ts])).toEqual(a.episodes.map((e) => [e.start_ts, e.end_ts]));
      }),
      { numRuns: 300 },
    );
  });
});

describe('streaming equals batch with the level universe on random multi-day paths', () => {
  it('rows, episodes and the prior_touches view agree; queries and advances interleaved at random', () => {
    fc.assert(
      fc.property(pathArb(), fc.array(fc.boolean(), { maxLength: 400 }), (trades, pokes) => {
        const batch = detectTouches(trades, levelsAtTrades(trades, SMALL), SMALL);
        const u = new LevelUniverse(SMALL);
        const e = new TouchEngine(SMALL);
        const rows: TouchRow[] = [];
        const episodes: TouchEpisode[] = [];
        trades.forEach((t, i) => {
          if (pokes[i] && t.ts_event_ns - 1n >= e.clock) {
            e.priorTouches('PM_HIGH', t.ts_event_ns - 1n);
            u.levelsAt(t.ts_event_ns - 1n);
          }
          u.onTrade(t);
          rows.push(...e.onTrade(t, u.levelsAt(t.ts_event_ns)));
          episodes.push(...e.takeClosed());
        });
        e.finish();
        episodes.push(...e.takeClosed());
        expect(rows).toEqual(batch.rows);
        expect(episodes).toEqual(batch.episodes);
      }),
      { numRuns: 100 },
    );
  });
});

describe('agreement with the engines LevelSignalService touch detector', () => {
  it('payload prior_touches equals TouchEngine.priorTouches at every emitted snap (fixed levels, random RTH paths)', () => {
    const levels = [
      { kind: 'PM_HIGH' as const, price: 5005 },
      { kind: 'PM_LOW' as const, price: 4995 },
      { kind: 'OR_HIGH' as const, price: 5001.25 },
    ];
    const touch = levels.map((l) => ({ level_kind_name: l.kind, price: l.price, suppressed: false }));
    fc.assert(
      fc.property(rthPath, (trades) => {
        const symbol = 'ESH6';
        const service = new LevelSignalService(SMALL_FULL, { levels: fixedLevels(levels) });
        const e = new TouchEngine(SMALL);
        const payloads = [];
        trades.forEach((t, i) => {
          payloads.push(...service.ingest(futuresTrade({ ...t, symbol }, i)));
        });
        const end = (trades[trades.length - 1]?.ts_event_ns ?? etToNs(D, '09:30')) + 90n * S;
        payloads.push(...service.advanceTo(end));
        let i = 0;
        let compared = 0;
        for (const p of payloads) {
          const t = BigInt(p.ts_ns);
          while (i < trades.length && (trades[i] as TradeInput).ts_event_ns <= t)
            e.onTrade(trades[i++] as TradeInput, touch);
          for (const row of p.levels) {
            expect(row.prior_touches, `${row.id} at ${t}`).toBe(e.priorTouches(row.id, t));
            compared++;
          }
        }
        expect(compared).toBe(payloads.length * levels.length);
      }),
      { numRuns: 25 },
    );
  });
});

describe('causality by truncation (levels from the universe, random multi-day paths)', () => {
  it('rows with t0 ≤ T, episodes closed by T and prior_touches at T are the same when the input ends at T', () => {
    fc.assert(
      fc.property(pathArb(), fc.nat(), (trades, k) => {
        if (trades.length === 0) return;
        const T = (trades[k % trades.length] as TradeInput).ts_event_ns;
        const run = (list: readonly TradeInput[]) => {
          const u = new LevelUniverse(SMALL);
          const e = new TouchEngine(SMALL);
          const rows: TouchRow[] = [];
          const closed: TouchEpisode[] = [];
          for (const t of list) {
            u.onTrade(t);
            rows.push(...e.onTrade(t, u.levelsAt(t.ts_event_ns)));
            if (t.ts_event_ns <= T) closed.push(...e.takeClosed());
          }
          if (e.clock <= T) {
            e.advanceTo(T);
            closed.push(...e.takeClosed());
          }
          return { rows: rows.filter((r) => r.ts_ns <= T), closed };
        };
        const full = run(trades);
        const cut = run(trades.filter((t) => t.ts_event_ns <= T));
        expect(cut.rows).toEqual(full.rows);
        expect(cut.closed).toEqual(full.closed);
      }),
      { numRuns: 150 },
    );
  });
});
