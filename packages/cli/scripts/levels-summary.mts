// Levels summary of simulated days (issue #6): levels per trade date, touches per level kind and label classes,
// from the front-month trades of a `spymaster sim` run replayed through @spymaster/replay and the
// @spymaster/levels pipeline (streaming; the batch form gives the same results, see the levels tests).
// Run: node --conditions=@spymaster/source --import tsx scripts/levels-summary.mts [--start D] [--days N]
//      [--seed S] [--scale small|full]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LevelsPipeline } from '@spymaster/levels/pipeline';
import { canonicalEventBatches, emptyPipelineStats, loadDefinitions } from '@spymaster/replay';
import { openDbnFile } from '@spymaster/replay/node';
import { tradeDate } from '@spymaster/schemas/time';
import { simulateSessions } from '@spymaster/sim';

const { values } = parseArgs({
  options: {
    start: { type: 'string', default: '2025-12-15' },
    days: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: 'small' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'spymaster-levels-summary-'));
try {
  const t0 = performance.now();
  const days = simulateSessions({
    start: values.start as string,
    days: Number(values.days),
    seed: values.seed as string,
    scale: values.scale as 'small' | 'full',
    outDir: dir,
  });
  const simSeconds = (performance.now() - t0) / 1000;
  const pipeline = new LevelsPipeline();
  const levelsPerDay = new Map<string, Set<string>>();
  const touches = new Map<string, number>();
  const labels = new Map<string, number>();
  let trades = 0;
  let rows = 0;
  const t1 = performance.now();
  for (const day of days) {
    const instruments = await loadDefinitions([await openDbnFile(day.files.definition)]);
    const sources = await Promise.all([day.files.futuresTrades].map((f) => openDbnFile(f)));
    for await (const batch of canonicalEventBatches(sources, { instruments, stats: emptyPipelineStats() })) {
      for (const e of batch) {
        if (!('aggressor' in e) || 'option_symbol' in e) continue;
        trades++;
        const step = pipeline.onTrade(e);
        const date = tradeDate(e.ts_event_ns);
        let seen = levelsPerDay.get(date);
        if (seen === undefined) {
          seen = new Set();
          levelsPerDay.set(date, seen);
        }
        for (const l of pipeline.universe.levelsAt(e.ts_event_ns)) seen.add(l.level_kind_name);
        for (const r of step.rows) {
          rows++;
          touches.set(r.level_kind_name, (touches.get(r.level_kind_name) ?? 0) + 1);
        }
        for (const l of step.labels) labels.set(l.primary.outcome, (labels.get(l.primary.outcome) ?? 0) + 1);
      }
    }
  }
  for (const l of pipeline.finish().labels) labels.set(l.primary.outcome, (labels.get(l.primary.outcome) ?? 0) + 1);
  const fmt = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  console.log(
    `run      ${values.start} +${values.days} days, seed ${values.seed}, ${values.scale}: simulate ${simSeconds.toFixed(1)} s, levels ${((performance.now() - t1) / 1000).toFixed(1)} s over ${trades} front-month trades`,
  );
  for (const [date, kinds] of levelsPerDay) console.log(`levels   ${date}: ${kinds.size} (${[...kinds].join(' ')})`);
  console.log(`touches  ${rows}: ${fmt(touches)}`);
  console.log(`labels   ${fmt(labels)} (primary horizon)`);
  if (!labels.get('BREAK') || !labels.get('BOUNCE')) {
    console.error('missing BREAK or BOUNCE labels');
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
