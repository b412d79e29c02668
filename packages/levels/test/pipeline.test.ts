/**
 * The whole pipeline: streaming LevelsPipeline equals batch runLevelsPipeline (levels, touches and labels) on
 * random multi-day paths, with and without a frontMonth function and a second contract in the input.
 */
import { tradeDate } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LevelsConfig, TradeInput } from '../src/config.js';
import type { RowLabels } from '../src/labels.js';
import { LevelsPipeline, runLevelsPipeline } from '../src/pipeline.js';
import type { TouchEpisode, TouchRow } from '../src/touch.js';
import { pathArb, SMALL } from './helpers.js';

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
