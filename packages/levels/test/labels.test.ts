/**
 * Outcome labels — levels-pipeline-lake.md E.4: the E.7 example (all three horizons, and the truncated-coverage
 * variant), E.8 properties, streaming LabelEngine vs batch labelTouch on rows found by the touch engine, and
 * "labels depend only on the path within the horizon".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVELS_DEFAULTS, type LevelsConfig, type TradeInput } from '../src/config.js';
import {
  type LabelAnchor,
  LabelEngine,
  labelColumns,
  labelTouch,
  type OutcomeLabel,
  type RowLabels,
} from '../src/labels.js';
import { LevelUniverse } from '../src/level-universe.js';
import { TouchEngine } from '../src/touch.js';
import { pathArb, S, SMALL } from './helpers.js';

const T0 = 1765897231000000000n;
const ROW: LabelAnchor = {
  event_id: '20251216_PM_HIGH_501250_1765897231000000000_UP',
  ts_ns: T0,
  level_price: 5012.5,
  direction_sign: 1,
};
const E7: TradeInput[] = [
  [0, 5010.5],
  [30, 5020.0],
  [95, 5037.5],
  [150, 5030.0],
  [200, 4987.25],
  [300, 5060.0],
  [410, 5088.0],
  [480, 5080.0],
  [530, 5090.0],
].map(([s, price]) => ({ ts_event_ns: T0 + BigInt(s as number) * S, price: price as number, size: 1 }));

const label = (o: Partial<OutcomeLabel>): OutcomeLabel => ({
  outcome: 'CHOP',
  excursion_max: 0,
  excursion_min: 0,
  strength_signed: 0,
  strength_abs: 0,
  time_to_threshold_1: null,
  time_to_threshold_2: null,
  time_to_break_1: null,
  time_to_break_2: null,
  time_to_bounce_1: null,
  time_to_bounce_2: null,
  tradeable_1: 0,
  tradeable_2: 0,
  confirm_ts_ns: null,
  anchor_spot: 5010.5,
  future_price: 0,
  ...o,
});

const E7_2 = label({
  outcome: 'CHOP',
  time_to_break_1: 95,
  time_to_threshold_1: 95,
  tradeable_1: 1,
  excursion_max: 25,
  excursion_min: 2,
  strength_signed: 23,
  strength_abs: 25,
  future_price: 5037.5,
});
const E7_4 = label({
  outcome: 'CHOP',
  time_to_break_1: 95,
  time_to_bounce_1: 200,
  time_to_threshold_1: 95,
  tradeable_1: 1,
  excursion_max: 25,
  excursion_min: 25.25,
  strength_signed: -0.25,
  strength_abs: 25.25,
  future_price: 4987.25,
});
const E7_8 = label({
  outcome: 'BREAK',
  time_to_break_1: 95,
  time_to_bounce_1: 200,
  time_to_break_2: 410,
  time_to_threshold_1: 95,
  time_to_threshold_2: 410,
  tradeable_1: 1,
  tradeable_2: 1,
  excursion_max: 75.5,
  excursion_min: 25.25,
  strength_signed: 50.25,
  strength_abs: 75.5,
  confirm_ts_ns: 1765897641000000000n,
  future_price: 5080,
});

function streamed(
  trades: readonly TradeInput[],
  rows: readonly [LabelAnchor, number][],
  c: LevelsConfig = LEVELS_DEFAULTS,
) {
  const e = new LabelEngine(c);
  const out: RowLabels[] = [];
  trades.forEach((t, i) => {
    out.push(...e.onTrade(t));
    for (const [row, idx] of rows) if (idx === i) e.open(row, t.price);
  });
  out.push(...e.endOfData());
  return out;
}

describe('E.7 example (t0 10:00:31, L 5012.50, UP, anchor 5010.50)', () => {
  it('2, 4 and 8 minutes, batch and streaming', () => {
    const batch = labelTouch(ROW, E7, 0);
    expect(batch.by_horizon).toEqual([E7_2, E7_4, E7_8]);
    expect(batch.primary).toEqual(E7_8);
    expect(streamed(E7, [[ROW, 0]])).toEqual([batch]);
  });

  it('the 64 columns: suffixed copies per horizon, the unsuffixed copy equals 8 min', () => {
    const cols = labelColumns(labelTouch(ROW, E7, 0));
    expect(Object.keys(cols)).toHaveLength(64);
    expect(cols.outcome_2min).toBe('CHOP');
    expect(cols.outcome_8min).toBe('BREAK');
    expect(cols.outcome).toBe('BREAK');
    expect(cols.confirm_ts_ns).toBe(1765897641000000000n);
    expect(cols.time_to_bounce_1_4min).toBe(200);
  });

  it('truncated after +300 s: 2 and 4 min unchanged; 8 min UNDEFINED over the observed part', () => {
    const cut = E7.slice(0, 6);
    const batch = labelTouch(ROW, cut, 0);
    expect(batch.by_horizon[0]).toEqual(E7_2);
    expect(batch.by_horizon[1]).toEqual(E7_4);
    expect(batch.primary).toEqual(
      label({
        outcome: 'UNDEFINED',
        time_to_break_1: 95,
        time_to_bounce_1: 200,
        time_to_threshold_1: 95,
        tradeable_1: 1,
        tradeable_2: 0,
        excursion_max: 47.5,
        excursion_min: 25.25,
        strength_signed: 22.25,
        strength_abs: 47.5,
        future_price: 5060,
      }),
    );
    expect(streamed(cut, [[ROW, 0]])).toEqual([batch]);
  });

  it('mirror symmetry (E.8-5): reflecting prices about L and flipping direction leaves the labels unchanged', () => {
    const mirrored = E7.map((t) => ({ ...t, price: 2 * 5012.5 - t.price }));
    const m = labelTouch({ ...ROW, direction_sign: -1 }, mirrored, 0);
    const a = labelTouch(ROW, E7, 0);
    expect(m.by_horizon.map((l) => ({ ...l, anchor_spot: 0, future_price: 0 }))).toEqual(
      a.by_horizon.map((l) => ({ ...l, anchor_spot: 0, future_price: 0 })),
    );
  });
});

/** Small thresholds so random paths reach them. */
const LAB: LevelsConfig = { ...SMALL, OUTCOME_THRESHOLD: 6, STRENGTH_THRESHOLD_1: 2, STRENGTH_THRESHOLD_2: 6 };

/** Rows and anchor indices from the touch engine over a multi-day path. */
function rowsOf(trades: readonly TradeInput[]): [LabelAnchor, number][] {
  const u = new LevelUniverse(LAB);
  const e = new TouchEngine(LAB);
  const out: [LabelAnchor, number][] = [];
  trades.forEach((t, i) => {
    u.onTrade(t);
    for (const r of e.onTrade(t, u.levelsAt(t.ts_event_ns))) out.push([r, i]);
  });
  return out;
}

/** Batch labels: per row, the trades of its trade date, coverage = the last trade of that date. */
function batchOf(trades: readonly TradeInput[], rows: readonly [LabelAnchor, number][]): RowLabels[] {
  return rows.map(([row, idx]) => {
    const date = (row as { date?: string }).date as string;
    const end = trades.reduce((m, t, j) => (j >= idx && sameDate(t, date) ? t.ts_event_ns : m), row.ts_ns);
    const dayTrades = trades.slice(idx).filter((t) => sameDate(t, date));
    return labelTouch(row, dayTrades, 0, end, LAB);
  });
}

import { tradeDate } from '@spymaster/schemas/time';

const sameDate = (t: TradeInput, date: string) => tradeDate(t.ts_event_ns) === date;

describe('E.8 properties on rows found by the touch engine (random multi-day paths)', () => {
  it('streaming equals batch; outcome rules, tradeable ⇔ time, times in [0, h], horizon monotonicity', () => {
    fc.assert(
      fc.property(pathArb({ maxPerSegment: 30 }), (trades) => {
        const rows = rowsOf(trades);
        const batch = batchOf(trades, rows);
        const stream = streamed(trades, rows, LAB);
        const byId = new Map(stream.map((r) => [r.event_id, r]));
        expect(stream).toHaveLength(rows.length);
        for (const b of batch) {
          expect(byId.get(b.event_id)).toEqual(b);
          b.by_horizon.forEach((l, i) => {
            const h = (b.horizons_minutes[i] as number) * 60;
            expect(l.tradeable_1 === 1).toBe(l.time_to_threshold_1 !== null);
            expect(l.tradeable_2 === 1).toBe(l.time_to_threshold_2 !== null);
            expect(l.tradeable_2).toBeLessThanOrEqual(l.tradeable_1);
            for (const v of [l.time_to_break_1, l.time_to_break_2, l.time_to_bounce_1, l.time_to_bounce_2]) {
              if (v !== null) expect(v >= 0 && v <= h).toBe(true);
            }
            if (l.time_to_break_1 !== null && l.time_to_break_2 !== null)
              expect(l.time_to_break_1).toBeLessThanOrEqual(l.time_to_break_2);
            if (l.outcome === 'BREAK') expect(l.excursion_max).toBeGreaterThanOrEqual(LAB.OUTCOME_THRESHOLD);
            if (l.outcome === 'BOUNCE') expect(l.excursion_min).toBeGreaterThanOrEqual(LAB.OUTCOME_THRESHOLD);
            if (l.outcome === 'CHOP' || l.outcome === 'UNDEFINED') {
              expect(l.excursion_max).toBeLessThan(LAB.OUTCOME_THRESHOLD);
              expect(l.excursion_min).toBeLessThan(LAB.OUTCOME_THRESHOLD);
            }
            const next = b.by_horizon[i + 1];
            if (next !== undefined) {
              if (l.outcome === 'BREAK' || l.outcome === 'BOUNCE') expect(next.outcome).toBe(l.outcome);
              if (next.outcome === 'CHOP') expect(l.outcome).toBe('CHOP');
              expect(next.excursion_max).toBeGreaterThanOrEqual(l.excursion_max);
              expect(next.excursion_min).toBeGreaterThanOrEqual(l.excursion_min);
            }
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('labels depend only on the path within the horizon (altering later trades of the date changes nothing)', () => {
    fc.assert(
      fc.property(pathArb({ maxPerSegment: 30 }), fc.integer({ min: -40, max: 40 }), fc.nat(), (trades, shift, k) => {
        const rows = rowsOf(trades);
        if (rows.length === 0) return;
        const [row, idx] = rows[k % rows.length] as [LabelAnchor, number];
        const date = (row as { date?: string }).date as string;
        const day = trades.slice(idx).filter((t) => sameDate(t, date));
        const end = day[day.length - 1]?.ts_event_ns ?? row.ts_ns;
        LAB.LABEL_HORIZONS_MINUTES.forEach((m, i) => {
          const h = row.ts_ns + BigInt(m) * 60n * S;
          // Keep the last trade (coverage); move every other trade after t0 + h.
          const altered = day.map((t, j) =>
            t.ts_event_ns > h && j < day.length - 1 ? { ...t, price: t.price + shift * 0.25 } : t,
          );
          const a = labelTouch(row, day, 0, end, LAB).by_horizon[i];
          const b = labelTouch(row, altered, 0, end, LAB).by_horizon[i];
          expect(b).toEqual(a);
        });
      }),
      { numRuns: 150 },
    );
  });
});
