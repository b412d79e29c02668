// Engine coverage on simulated data (issue #5): simulate consecutive `small` sessions, replay them through the
// LevelSignalService and print how often each barrier state, fuel effect and signal class occurs; exit 1 if a
// barrier state, AMPLIFY/DAMPEN, BREAK or BOUNCE never occurs.
//
//   node --conditions=@spymaster/source --import tsx scripts/coverage.mts [--start 2025-12-15] [--days 4] [--seed 1]
//        [--scale small] [--end 13:30] [--until HH:MM] [--out <dir>] [--json]
//
// --end ends the simulated window; --until replays each simulated day only up to that ET time.
//
// Defaults are those of `spymaster sim --start 2025-12-15 --days 4 --scale small` (seed 1).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type SessionResult, simulateSessions } from '@spymaster/sim';
import { coverageCounter, missingCoverage, quantile, replaySessions } from './coverage-counts.js';

const { values } = parseArgs({
  options: {
    start: { type: 'string', default: '2025-12-15' },
    days: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: 'small' },
    end: { type: 'string' },
    until: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const scale = values.scale === 'full' ? 'full' : 'small';
const out = values.out ?? mkdtempSync(join(tmpdir(), 'spymaster-coverage-'));
const t0 = performance.now();
const days: SessionResult[] = simulateSessions({
  start: values.start,
  days: Number(values.days),
  seed: values.seed,
  scale,
  outDir: out,
  ...(values.end ? { end: values.end } : {}),
});
const simSeconds = (performance.now() - t0) / 1000;
const counter = coverageCounter();
const perDay = new Map<string, ReturnType<typeof coverageCounter>>();
const t1 = performance.now();
await replaySessions(
  days,
  (payload) => {
    counter.add(payload);
    let day = perDay.get(payload.trade_date);
    if (!day) {
      day = coverageCounter();
      perDay.set(payload.trade_date, day);
    }
    day.add(payload);
  },
  values.until ? { until: values.until } : {},
);
const replaySeconds = (performance.now() - t1) / 1000;
if (!values.out) rmSync(out, { recursive: true, force: true });

const c = counter.counts;
const missing = missingCoverage(c);
const sample = c.monitoredAbsGamma;
const summary = {
  run: {
    start: values.start,
    days: days.map((d) => d.date),
    seed: values.seed,
    scale,
    end: values.end ?? '13:30',
    until: values.until ?? null,
  },
  seconds: { simulate: Number(simSeconds.toFixed(1)), replay: Number(replaySeconds.toFixed(1)) },
  snaps: c.snaps,
  hvlSnaps: c.hvlSnaps,
  rows: c.rows,
  barrier: c.barrier,
  fuel: c.fuel,
  signal: c.signal,
  onsets: c.onsets,
  monitoredAbsGamma: {
    n: sample.length,
    p10: quantile(sample, 0.1),
    median: quantile(sample, 0.5),
    p90: quantile(sample, 0.9),
  },
  perDay: Object.fromEntries(
    [...perDay].map(([date, d]) => [
      date,
      {
        snaps: d.counts.snaps,
        hvlSnaps: d.counts.hvlSnaps,
        fuel: d.counts.fuel,
        onsets: d.counts.onsets,
        medianMonitoredAbsGamma: quantile(d.counts.monitoredAbsGamma, 0.5),
        first: Object.fromEntries(
          Object.entries(d.counts.first)
            .filter(([k]) => !k.endsWith(':NEUTRAL'))
            .map(([k, ts]) => [k, etTime(BigInt(ts))]),
        ),
      },
    ]),
  ),
  missing,
};
if (values.json) console.log(JSON.stringify(summary, null, 2));
else {
  const row = (name: string, table: Record<string, number>) =>
    console.log(
      `${name.padEnd(8)} ${Object.entries(table)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  console.log(
    `run      ${summary.run.days.join(', ')} seed ${values.seed} ${scale} (04:00–${summary.run.end} ET` +
      `${values.until ? `, replayed until ${values.until}` : ''})`,
  );
  console.log(
    `time     simulate ${summary.seconds.simulate} s, replay through the engines ${summary.seconds.replay} s`,
  );
  console.log(`snaps    ${c.snaps} emitted, ${c.hvlSnaps} with es.hvl; ${c.rows} level rows`);
  row('barrier', c.barrier);
  row('fuel', c.fuel);
  row('signal', c.signal);
  row('onsets', c.onsets);
  const g = summary.monitoredAbsGamma;
  console.log(
    `|gamma|  monitored rows ${g.n}: p10 ${g.p10.toFixed(0)}, median ${g.median.toFixed(0)}, p90 ${g.p90.toFixed(0)} USD/pt²`,
  );
  for (const [date, d] of Object.entries(summary.perDay)) {
    console.log(
      `${date} first at (ET): ${Object.entries(d.first)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    console.log(
      `${date} hvl ${d.hvlSnaps}/${d.snaps}; fuel ${Object.entries(d.fuel)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; onsets ${Object.entries(d.onsets)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; median |gamma| ${d.medianMonitoredAbsGamma.toFixed(0)}`,
    );
  }
  console.log(missing.length === 0 ? 'coverage complete' : `MISSING: ${missing.join(', ')}`);
}
process.exit(missing.length === 0 ? 0 : 1);

/** HH:MM:SS in New York time of an epoch-ns instant. */
function etTime(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toLocaleTimeString('en-GB', { timeZone: 'America/New_York' });
}
