/**
 * The whole pipeline: streaming LevelsPipeline equals batch runLevelsPipeline (levels, touches and labels) on
 * random multi-day paths, with and without a frontMonth function and a second contract in the input.
 */

import { BronzeFuturesTrades } from '@spymaster/schemas';
import { rowsToArrowTable } from '@spymaster/schemas/arrow';
import { tradeDate } from '@spymaster/schemas/time';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LevelsConfig, TradeInput } from '../src/config.js';
import { ContextEngine } from '../src/context.js';
import { LevelsError } from '../src/errors.js';
import type { RowLabels } from '../src/labels.js';
import { LevelsPipeline, runLevelsPipeline, tradesFromColumns } from '../src/pipeline.js';
import type { TouchEpisode, TouchRow } from '../src/touch.js';
import { futuresTrade, pathArb, SMALL } from './helpers.js';

const LAB: LevelsConfig = { ...SMALL, OUTCOME_THRESHOLD: 6, STRENGTH_THRESHOLD_1: 2, STRENGTH_THRESHOLD_2: 6 };

function stream(trades: readonly TradeInput[], options = {}) {
  const p = new LevelsPipeline(LAB, options);
  const rows: TouchRow[] = [];
  const episodes: TouchEpisode[] = [];
  const labels: RowLabels[] = [];
  for (const step of [...trades.map((t) => p.onTrade(t)), p.finish()]) {
    rows.push(...step.rows);
    episodes.push(...step.episodes);
    labels.push(...step.labels);
  }
  const order = new Map(rows.map((r, i) => [r.event_id, i]));
  labels.sort((a, b) => (order.get(a.event_id) ?? 0) - (order.get(b.event_id) ?? 0));
  return { rows, episodes, labels };
}

describe('LevelsPipeline (streaming) equals runLevelsPipeline (batch)', () => {
  it('on random multi-day paths', () => {
    fc.assert(
      fc.property(pathArb({ maxPerSegment: 30 }), (trades) => {
        const batch = runLevelsPipeline(trades, LAB);
        expect(stream(trades)).toEqual(batch);
        expect(batch.labels.map((l) => l.event_id)).toEqual(batch.rows.map((r) => r.event_id));
      }),
      { numRuns: 100 },
    );
  });

  it('with a frontMonth function and a back contract trading alongside', () => {
    const front = () => 'ESH5';
    fc.assert(
      fc.property(pathArb({ maxPerSegment: 30 }), fc.nat(), (trades, seed) => {
        const mixed: TradeInput[] = [];
        trades.forEach((t, i) => {
          mixed.push(t);
          if ((i + seed) % 2 === 0) mixed.push({ ...t, symbol: 'ESM5', price: t.price + 7 });
        });
        const batch = runLevelsPipeline(mixed, LAB, { frontMonth: front });
        expect(stream(mixed, { frontMonth: front })).toEqual(batch);
        expect(batch).toEqual(runLevelsPipeline(trades, LAB, { frontMonth: front }));
        for (const r of batch.rows) expect(tradeDate(r.ts_ns)).toBe(r.date);
      }),
      { numRuns: 60 },
    );
  });
});

describe('end to end: C.7 premarket/opening trades, then the D.7 trades (levels from the universe, not given)', () => {
  const ts = (s: string, price: number): TradeInput => ({ ts_event_ns: BigInt(s), price, size: 1, symbol: 'ESH6' });
  const trades: TradeInput[] = [
    ts('1765875599000000000', 5000.0),
    ts('1765875600000000000', 5001.25),
    ts('1765883710000000000', 5012.5),
    ts('1765890120000000000', 4995.75),
    ts('1765895399999000000', 5003.0),
    ts('1765895400000000000', 5004.0),
    ts('1765895832000000000', 5018.25),
    ts('1765896299500000000', 4999.5),
    ts('1765896300000000000', 5025.0),
    ts('1765897200000000000', 5004.0),
    ts('1765897205000000000', 5006.5),
    ts('1765897209000000000', 5007.75),
    ts('1765897220000000000', 5009.75),
    ts('1765897231000000000', 5010.5),
    ts('1765897240000000000', 5013.0),
    ts('1765897260000000000', 5018.0),
    ts('1765897290000000000', 5016.75),
    ts('1765897320000000000', 5019.0),
    ts('1765897360000000000', 5020.5),
    ts('1765897500000000000', 5016.0),
    ts('1765897510000000000', 5014.25),
  ];

  it('PM_HIGH rows 1 and 2 of D.7 and the F.9 context of row 1 (distance −2.00, 30.516… min, bar 30)', () => {
    const { rows } = runLevelsPipeline(trades);
    const pm = rows.filter((r) => r.level_kind_name === 'PM_HIGH');
    expect(
      pm.map((r) => [r.event_id, r.entry_price, r.spot, r.prior_touches, r.attempt_cluster_id, r.attempt_index]),
    ).toEqual([
      ['20251216_PM_HIGH_501250_1765897231000000000_UP', 5007.75, 5010.5, 0, 1, 1],
      ['20251216_PM_HIGH_501250_1765897510000000000_DOWN', 5016, 5014.25, 1, 1, 1],
    ]);
    const ctx = new ContextEngine();
    for (const t of trades.slice(0, 14)) ctx.onTrade(t);
    const t0 = 1765897231000000000n;
    const near = ctx.nearbyLevels(ctx.spotAt(t0) as number, t0);
    expect(near.find((n) => n.level.level_kind_name === 'PM_HIGH')?.distance_signed).toBe(-2);
    expect(ctx.timing(t0)).toMatchObject({ bars_since_open: 30, is_first_15m: false, session_phase: 3 });
    expect(ctx.timing(t0).minutes_since_open).toBeCloseTo(30.516666, 5);
    expect(pm[0]?.zone_width).toBe(5);
  });
});

describe('batch over Arrow columns', () => {
  it('a Bronze futures.trades.v1 Arrow table, read back from IPC, gives the same levels, touches and labels', () => {
    fc.assert(
      fc.property(pathArb({ maxPerSegment: 20 }), (trades) => {
        const table = tableFromIPC(
          tableToIPC(
            rowsToArrowTable(
              BronzeFuturesTrades,
              trades.map((t, i) => futuresTrade(t, i)),
            ),
            'file',
          ),
        );
        const column = (name: string) => {
          const child = table.getChild(name);
          if (child === null) throw new Error(`no column ${name}`);
          return child.toArray();
        };
        const fromColumns = tradesFromColumns({
          ts_event_ns: column('ts_event_ns'),
          price: column('price'),
          size: column('size'),
          symbol: column('symbol'),
        });
        expect(fromColumns).toEqual(trades.map((t) => ({ ...t, symbol: t.symbol ?? 'ESH5' })));
        expect(runLevelsPipeline(fromColumns, LAB)).toEqual(stream(fromColumns));
      }),
      { numRuns: 25 },
    );
  });

  it('refuses columns of different lengths or types, naming the column', () => {
    const ok = { ts_event_ns: [1n, 2n], price: [5000, 5001], size: [1, 2] };
    expect(() => tradesFromColumns({ ...ok, size: [1] })).toThrow(/column size has 1 values, ts_event_ns has 2/);
    expect(() => tradesFromColumns({ ...ok, ts_event_ns: [1n, 2 as unknown as bigint] })).toThrow(LevelsError);
  });
});
