/**
 * Engine coverage on simulated data (issue #5): replay simulated sessions through the LevelSignalService and
 * count, over every level row of every emitted snap, the barrier states, fuel effects and signal classes, the
 * snaps with a gamma flip (`es.hvl`), and the sample §4.7 calibrates the fuel thresholds on (`|net_dealer_gamma|`
 * of monitored levels).
 *
 * Shared by `scripts/coverage.mts` (the full 4-day run) and `test/coverage.test.ts` (a shortened run).
 *
 * @module
 */
import { LevelSignalService } from '@spymaster/engines/level-signal-service';
import { canonicalEventBatches, emptyPipelineStats, loadDefinitions } from '@spymaster/replay';
import { openDbnFile } from '@spymaster/replay/node';
import {
  BARRIER_STATES,
  type Config,
  DEFAULT_CONFIG,
  FUEL_EFFECTS,
  type LevelsSignalsPayload,
  parseConfig,
  SIGNAL_CLASSES,
} from '@spymaster/schemas';
import { etToNs } from '@spymaster/schemas/time';
import type { SessionFiles } from '@spymaster/sim';

/** Values issue #5 requires to occur: every barrier state, both directional fuel effects, BREAK and BOUNCE. */
export const REQUIRED = {
  barrier: BARRIER_STATES,
  fuel: ['AMPLIFY', 'DAMPEN'] as const,
  signal: ['BREAK', 'BOUNCE'] as const,
};

/** Counts over the level rows of the emitted payloads. */
export interface CoverageCounts {
  /** Emitted payloads (snaps). */
  snaps: number;
  /** Snaps with a spot (their payloads carry levels). */
  snapsWithSpot: number;
  /** Snaps whose `es.hvl` is not null. */
  hvlSnaps: number;
  /** Level rows. */
  rows: number;
  /** Rows per barrier state. */
  barrier: Record<string, number>;
  /** Rows per fuel effect. */
  fuel: Record<string, number>;
  /** Rows per signal class. */
  signal: Record<string, number>;
  /** Signal onsets: rows whose signal differs from the same level's previous row (NEUTRAL excluded). */
  onsets: Record<string, number>;
  /** `|fuel.net_dealer_gamma|` of every monitored level row (engines.md §4.7 sample), USD/pt². */
  monitoredAbsGamma: number[];
  /** First snap (`ts_ns`) at which each value occurred, keyed `barrier:WALL`, `fuel:AMPLIFY`, `signal:BREAK`. */
  first: Record<string, string>;
}

/** Empty counters with every known value at 0. */
export function emptyCoverage(): CoverageCounts {
  const zero = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0]));
  return {
    snaps: 0,
    snapsWithSpot: 0,
    hvlSnaps: 0,
    rows: 0,
    barrier: zero(BARRIER_STATES),
    fuel: zero(FUEL_EFFECTS),
    signal: zero(SIGNAL_CLASSES),
    onsets: zero(SIGNAL_CLASSES.filter((s) => s !== 'NEUTRAL')),
    monitoredAbsGamma: [],
    first: {},
  };
}

/** A counter that adds payloads to {@link CoverageCounts}. */
export function coverageCounter(counts: CoverageCounts = emptyCoverage()): {
  counts: CoverageCounts;
  add(payload: LevelsSignalsPayload): void;
} {
  const previous = new Map<string, string>();
  let date = '';
  const inc = (table: Record<string, number>, key: string) => {
    table[key] = (table[key] ?? 0) + 1;
  };
  const seen = (key: string, ts: string) => {
    if (!(key in counts.first)) counts.first[key] = ts;
  };
  return {
    counts,
    add(p) {
      counts.snaps++;
      if (p.trade_date !== date) {
        previous.clear();
        date = p.trade_date;
      }
      if (p.es.spot !== null) counts.snapsWithSpot++;
      if (p.es.hvl !== null) counts.hvlSnaps++;
      for (const l of p.levels) {
        counts.rows++;
        inc(counts.barrier, l.barrier.state);
        inc(counts.fuel, l.fuel.effect);
        inc(counts.signal, l.signal);
        seen(`barrier:${l.barrier.state}`, p.ts_ns);
        seen(`fuel:${l.fuel.effect}`, p.ts_ns);
        seen(`signal:${l.signal}`, p.ts_ns);
        if (l.signal !== 'NEUTRAL' && previous.get(l.id) !== l.signal) inc(counts.onsets, l.signal);
        previous.set(l.id, l.signal);
        if (l.monitored) counts.monitoredAbsGamma.push(Math.abs(l.fuel.net_dealer_gamma));
      }
    },
  };
}

/** The required values that did not occur (`barrier:WALL`, `fuel:DAMPEN`, `signal:BREAK`, …). */
export function missingCoverage(counts: CoverageCounts): string[] {
  const missing: string[] = [];
  for (const s of REQUIRED.barrier) if (!(counts.barrier[s] ?? 0)) missing.push(`barrier:${s}`);
  for (const f of REQUIRED.fuel) if (!(counts.fuel[f] ?? 0)) missing.push(`fuel:${f}`);
  for (const s of REQUIRED.signal) if (!(counts.signal[s] ?? 0)) missing.push(`signal:${s}`);
  return missing;
}

/** The `q`-quantile (0–1) of a sample by linear interpolation between order statistics; NaN when empty. */
export function quantile(sample: readonly number[], q: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/** Options of {@link replaySessions}. */
export interface ReplaySessionsOptions {
  /** Engine parameters (default {@link DEFAULT_CONFIG}). */
  config?: Config;
  /** Replay each day only up to this ET time (`HH:MM`, exclusive, after `RTH_START`), e.g. the first hour of RTH:
   * events from then on are skipped and `RTH_END` is set to it, so no snap after it is computed or emitted and
   * every snap before it equals the full replay's. Default: the whole day. */
  until?: string;
}

/**
 * Replay simulated sessions, in order, through one LevelSignalService (state carries across trade dates as in a
 * continuous replay) and hand every emitted payload to `onPayload`.
 */
export async function replaySessions(
  days: readonly { readonly date: string; readonly files: SessionFiles }[],
  onPayload: (payload: LevelsSignalsPayload) => void,
  options: ReplaySessionsOptions = {},
): Promise<void> {
  const base = options.config ?? DEFAULT_CONFIG;
  const config = options.until === undefined ? base : parseConfig({ ...base, RTH_END: options.until });
  const service = new LevelSignalService(config);
  for (const day of days) {
    const { files } = day;
    const cutoff = options.until === undefined ? null : etToNs(day.date, options.until);
    const instruments = await loadDefinitions([await openDbnFile(files.definition)]);
    const sources = await Promise.all(
      [files.futuresTrades, files.futuresMbp10, files.optionsTrades, files.optionsMbp1].map((f) => openDbnFile(f)),
    );
    const stats = emptyPipelineStats();
    let last: bigint | null = null;
    replay: for await (const batch of canonicalEventBatches(sources, { instruments, stats, source: 'sim', config })) {
      for (const event of batch) {
        if (cutoff !== null && event.ts_event_ns >= cutoff) break replay;
        for (const payload of service.ingest(event)) onPayload(payload);
        last = event.ts_event_ns;
      }
    }
    if (last !== null) for (const payload of service.advanceTo(last)) onPayload(payload);
  }
}
