/**
 * `spymaster replay`: DBN files → canonical events in event time → every engine (LevelSignalService,
 * engines.md §9) → `levels.signals.v1` payloads as JSON Lines, with a progress bar and a summary of what the
 * engines said.
 *
 * @module
 */
import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AvailableLevel,
  fixedLevels,
  LateEventError,
  LevelSignalService,
  type LevelSource,
  LevelSourceError,
} from '@spymaster/engines/level-signal-service';
import { levelSource as universeSource } from '@spymaster/levels/level-source';
import { LevelUniverse } from '@spymaster/levels/level-universe';
import {
  canonicalEventBatches,
  DbnDecodeError,
  type DbnStream,
  emptyPipelineStats,
  loadDefinitions,
  openDbn,
  type PipelineStats,
} from '@spymaster/replay';
import { readFileChunks } from '@spymaster/replay/node';
import {
  BARRIER_STATES,
  CONFIDENCES,
  type Config,
  DEFAULT_CONFIG,
  defineConfig,
  FUEL_EFFECTS,
  type LevelsSignalsPayload,
  LevelsSignalsPayloadSchema,
  SIGNAL_CLASSES,
} from '@spymaster/schemas';
import { etToNs, tradeDate } from '@spymaster/schemas/time';
import type { CommandIo } from './dbn.js';
import { UsageError } from './dbn.js';
import { type LineSink, LineWriter } from './output.js';
import { createProgress, type Progress } from './progress.js';

/** Usage of `spymaster replay`. */
export const REPLAY_USAGE = `Usage:
  spymaster replay <files or dirs...> [--from T] [--to T] [--levels auto|FILE] [--out signals.jsonl]
                   [--summary text|json] [--validate]

Replays DBN files (a directory means every *.dbn and *.dbn.zst in it) in event time through every engine and
writes each levels.signals.v1 payload (one per 250 ms snap in RTH) as one JSON line, serialized as the
@spymaster/schemas payload schema writes it. The input needs the trade date's instrument definitions
(*.definition.dbn[.zst]); front month and 0DTE options are selected from them.

  --from T     first snap time written; earlier events are still replayed as warm-up (EMIT_FROM_NS)
  --to T       stop at event time T (exclusive): later events are not read, the last snap is before T
               T is HH:MM or HH:MM:SS (ET wall clock on the trade date of the first event), an ISO 8601
               instant with Z or an offset (2025-12-16T14:30:00Z, 2025-12-16T09:30:00-05:00, up to 9
               fraction digits), or integer ns since the Unix epoch
  --levels     auto (default): the service's own levels (PM/OR high/low, SMA-200/400, as each becomes
               available), or a JSON file of caller-given levels: [{"kind": "PM_HIGH", "price": 6010.25}, …]
               for every trade date, or {"2025-12-16": [{"kind": …, "price": …}, …], …} per trade date
               (kinds: PM_HIGH PM_LOW OR_HIGH OR_LOW SMA_200 SMA_400, each at most once)
  --out F      write the payloads to F (default, or -: stdout)
  --summary    format of the summary on stderr: text (default) or json
  --validate   check every payload against the levels.signals.v1 schema before writing it (slower)`;

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_MS = 1_000_000n;

/** Why the input cannot be replayed. */
export type ReplayInputErrorCode = 'no_files' | 'no_definitions' | 'no_data';

/** The replay input is unusable (exit code 1): no DBN files, no definitions, or only definitions. */
export class ReplayInputError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/cli/ReplayInputError');
  /** What is wrong. */
  readonly code: ReplayInputErrorCode;
  /** The files or directories given. */
  readonly inputs: readonly string[];
  constructor(code: ReplayInputErrorCode, inputs: readonly string[], message: string) {
    super(message);
    this.name = 'ReplayInputError';
    this.code = code;
    this.inputs = inputs;
  }
  /** True for a `ReplayInputError` from any copy of this package. */
  static is(error: unknown): error is ReplayInputError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { constructor?: { brand?: unknown } }).constructor?.brand === ReplayInputError.brand
    );
  }
}

/** A payload the engines built does not satisfy the `levels.signals.v1` schema (an engine bug; exit code 1). */
export class PayloadSchemaError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/cli/PayloadSchemaError');
  /** Snap time of the payload, ns. */
  readonly ts_ns: string;
  constructor(ts_ns: string, cause: unknown) {
    super(
      `the levels.signals.v1 payload of snap ${ts_ns} does not satisfy its schema (an engine bug; nothing after it was written): ${(cause as Error).message}`,
      { cause },
    );
    this.name = 'PayloadSchemaError';
    this.ts_ns = ts_ns;
  }
  /** True for a `PayloadSchemaError` from any copy of this package. */
  static is(error: unknown): error is PayloadSchemaError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { constructor?: { brand?: unknown } }).constructor?.brand === PayloadSchemaError.brand
    );
  }
}

/**
 * The canonical serialization of a payload: `JSON.stringify` in the key order of the payload tables (engines.md
 * [D31]). LevelSignalService builds its payloads in that order, so the line equals `JSON.stringify` of the value
 * `LevelsSignalsPayloadSchema` parses (the replay tests check every line); `validate` also runs that schema check
 * (≈ 0.3 ms per payload, three times the serialization: off in the hot path, as the engines' contract says).
 * Payloads carry int64 values as decimal strings (`ts_ns`), so no bigint reaches `JSON.stringify`.
 * @throws {PayloadSchemaError} with `validate` if the payload violates the schema.
 */
export function serializeSignalsPayload(payload: LevelsSignalsPayload, validate = false): string {
  if (!validate) return JSON.stringify(payload);
  const parsed = LevelsSignalsPayloadSchema.safeParse(payload);
  if (!parsed.success) throw new PayloadSchemaError(payload.ts_ns, parsed.error);
  return JSON.stringify(parsed.data);
}

/** A time bound of `--from`/`--to`: exact, or an ET wall-clock time resolved on the first event's trade date. */
export type TimeBound = { readonly ns: bigint } | { readonly et: string; readonly seconds: number };

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const CLOCK = /^(\d{2}:\d{2})(?::(\d{2}))?$/;

/**
 * Parse a `--from`/`--to` value: `HH:MM[:SS]` (ET wall clock on the trade date), an ISO 8601 instant with `Z`
 * or an offset (nanosecond precision), or integer ns since the Unix epoch.
 * @throws {UsageError} on anything else.
 */
export function parseTimeBound(value: string, flag: string): TimeBound {
  if (/^\d+$/.test(value)) return { ns: BigInt(value) };
  const clock = CLOCK.exec(value);
  if (clock) {
    const seconds = Number(clock[2] ?? 0);
    const [hh, mm] = (clock[1] as string).split(':').map(Number) as [number, number];
    if (hh > 23 || mm > 59 || seconds > 59)
      throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a time of day`);
    return { et: clock[1] as string, seconds };
  }
  const iso = ISO.exec(value);
  if (iso) {
    const [y, mo, d, hh, mm, ss] = [1, 2, 3, 4, 5, 6].map((i) => Number(iso[i] ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const zone = iso[8] ?? 'Z';
    const sign = zone[0] === '-' ? -1 : 1;
    const offsetMinutes = zone === 'Z' ? 0 : sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    const ms = Date.UTC(y, mo - 1, d, hh, mm, ss) - offsetMinutes * 60_000;
    // Date.UTC rolls over (Feb 30 → Mar 2): accept only fields that come back unchanged.
    const day = new Date(Date.UTC(y, mo - 1, d));
    const valid = day.getUTCMonth() === mo - 1 && day.getUTCDate() === d && hh < 24 && mm < 60 && ss < 60;
    if (valid && Math.abs(offsetMinutes) < 24 * 60)
      return { ns: BigInt(ms) * NS_PER_MS + BigInt((iso[7] ?? '').padEnd(9, '0')) };
  }
  throw new UsageError(
    `${flag}: ${JSON.stringify(value)} is not HH:MM[:SS] (ET), an ISO 8601 instant with Z or an offset, or integer ns`,
  );
}

function resolveBound(bound: TimeBound, date: string): bigint {
  return 'ns' in bound ? bound.ns : etToNs(date, bound.et) + BigInt(bound.seconds) * NS_PER_SECOND;
}

/**
 * The DBN files of the inputs: files as given, directories expanded to their `*.dbn` and `*.dbn.zst` files in
 * name order (not recursive).
 * @throws {UsageError} for a path that cannot be read.
 */
export function expandInputs(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    let isDir: boolean;
    try {
      isDir = statSync(input).isDirectory();
    } catch (error) {
      throw new UsageError(
        `cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    if (!isDir) {
      files.push(input);
      continue;
    }
    const names = readdirSync(input)
      .filter((name) => name.endsWith('.dbn') || name.endsWith('.dbn.zst'))
      .sort();
    for (const name of names) files.push(join(input, name));
  }
  return files;
}

/** Counts of one enum-valued output field. */
export type Tally<K extends string = string> = Record<K, number>;

/** What a replay did: inputs, throughput, payloads and what the engines said. */
export interface ReplaySummary {
  files: { definitions: string[]; data: string[] };
  /** Trade dates of the snaps written. */
  trade_dates: string[];
  /** Instrument definitions loaded. */
  definitions: number;
  /** Canonical events fed to the service (before `--to`), by type (FT, MB, OT, ON). */
  events: number;
  events_by_type: Record<string, number>;
  /** Events the service rejected as late (LateEventError), by reason; counted, not applied. */
  late_events: Record<string, number>;
  /** The replay pipeline's own counters (dropped records, sort-window late events, duplicates). */
  pipeline: Pick<PipelineStats, 'dropped' | 'late' | 'duplicates'>;
  first_event_ns: string | null;
  last_event_ns: string | null;
  /** Payloads written (one per emitted snap). */
  payloads: number;
  /** Payloads with no level (no spot yet, or no level available). */
  payloads_without_levels: number;
  first_snap_ns: string | null;
  last_snap_ns: string | null;
  /** Level entries over all payloads. */
  level_rows: number;
  monitored: number;
  touching: number;
  levels_by_kind: Tally;
  signals: Tally;
  confidence: Tally;
  barrier_states: Tally;
  fuel_effects: Tally;
  /** Level rows whose tape saw a sweep, by sweep direction. */
  tape_sweeps: Tally;
  /** Payloads with `options_basis_missing`. */
  options_basis_missing: number;
  seconds: number;
  events_per_second: number;
  payloads_per_second: number;
}

/** Options of {@link replaySignals}. */
export interface ReplaySignalsOptions {
  /** DBN files (already expanded). */
  files: readonly string[];
  /** First snap time written; earlier events are replayed as warm-up. */
  from?: TimeBound;
  /** Events at or after this time are not replayed. */
  to?: TimeBound;
  /** Receives each payload's canonical JSON line (omit it to consume payload objects through `onPayload` only). */
  write?: (line: string) => Promise<void> | void;
  /** Receives each payload object as the service emitted it (no serialization), after `write`. */
  onPayload?: (payload: LevelsSignalsPayload) => void;
  /** Progress over the bytes of the input files. */
  progress?: Progress;
  /** Makes the service from the configuration (default `new LevelSignalService(config)`; tests wrap it). */
  createService?: (config: Config) => SignalService;
  /** Caller-given levels (default: the service's own). */
  levels?: LevelSource;
  /** Check every payload against `LevelsSignalsPayloadSchema` before writing it (default false). */
  validate?: boolean;
}

/** What the replay needs of a {@link LevelSignalService}. */
export type SignalService = Pick<LevelSignalService, 'ingest' | 'advanceTo'>;

function tally<K extends string>(keys: readonly K[]): Tally<K> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Tally<K>;
}

/** Open a DBN file with its bytes counted for the progress bar; errors name the file. */
async function openCounted(path: string, counter: { bytes: number }, progress: Progress): Promise<DbnStream> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of readFileChunks(path)) {
      counter.bytes += chunk.length;
      progress.update(counter.bytes);
      yield chunk;
    }
  }
  try {
    return await openDbn(chunks(), { file: path });
  } catch (error) {
    throw DbnDecodeError.is(error) && !error.file ? error.withFile(path) : error;
  }
}

/**
 * Replay DBN files through the LevelSignalService and hand each payload's canonical JSON line to `write`.
 * Definition files (metadata schema `definition`) are loaded first; all other files are merged in canonical
 * event order. Late events are counted, never fatal.
 * @throws {ReplayInputError} without DBN files, definitions or data files.
 * @throws {DbnDecodeError} on corrupt input (with file and byte offset).
 */
export async function replaySignals(options: ReplaySignalsOptions): Promise<ReplaySummary> {
  const started = performance.now();
  const NONE: Progress = { update() {}, finish() {} };
  const progress = options.progress ?? NONE;
  const files = options.files;
  if (files.length === 0) throw new ReplayInputError('no_files', files, 'no DBN files (*.dbn, *.dbn.zst) in the input');
  const counter = { bytes: 0 };
  const definitionFiles: string[] = [];
  const dataFiles: string[] = [];
  const sources: DbnStream[] = [];
  const opened: DbnStream[] = [];
  try {
    const definitionStreams: DbnStream[] = [];
    for (const file of files) {
      const stream = await openCounted(file, counter, progress);
      opened.push(stream);
      if (stream.metadata?.schema === 'definition') {
        definitionFiles.push(file);
        definitionStreams.push(stream);
      } else {
        dataFiles.push(file);
        sources.push(stream);
      }
    }
    const instruments = await loadDefinitions(definitionStreams);
    if (instruments.size === 0)
      throw new ReplayInputError(
        'no_definitions',
        files,
        `no instrument definitions in ${files.length} file(s): add the trade date's *.definition.dbn[.zst] file (front month and 0DTE options are selected from it)`,
      );
    if (sources.length === 0)
      throw new ReplayInputError(
        'no_data',
        files,
        'only definition files in the input: add the futures and options data files',
      );

    const stats = emptyPipelineStats();
    const summary = newSummary(definitionFiles, dataFiles);
    const lateReasons: Record<string, number> = {};
    const byType: Record<string, number> = {};
    const dates = new Set<string>();
    const levelSource = options.levels;
    // --levels auto: the live level list comes from @spymaster/levels (fed every front-month trade the service
    // accepts); it equals the service's own MarketState levels payload for payload.
    const auto: { universe: LevelUniverse | null } = { universe: null };
    const createService =
      options.createService ??
      ((config: Config) => {
        if (levelSource !== undefined) return new LevelSignalService(config, { levels: levelSource });
        auto.universe = new LevelUniverse(config);
        return new LevelSignalService(config, { levels: universeSource(auto.universe) });
      });
    let service: SignalService | null = null;
    let to: bigint | null = null;
    let lastTs: bigint | null = null;
    let stoppedAtTo = false;

    const emit = async (payloads: LevelsSignalsPayload[]): Promise<void> => {
      for (const payload of payloads) {
        if (options.write) await options.write(serializeSignalsPayload(payload, options.validate ?? false));
        options.onPayload?.(payload);
        count(summary, payload);
        dates.add(payload.trade_date);
      }
    };

    outer: for await (const batch of canonicalEventBatches(sources, { instruments, stats, source: 'replay' })) {
      for (const event of batch) {
        const ts = event.ts_event_ns;
        if (service === null) {
          // Clock times of --from/--to refer to the trade date of the first event.
          const date = tradeDate(ts);
          const from = options.from ? resolveBound(options.from, date) : null;
          to = options.to ? resolveBound(options.to, date) : null;
          if (from !== null && to !== null && to <= from)
            throw new UsageError(`--to (${to} ns) must be after --from (${from} ns) on trade date ${date}`);
          service = createService(from === null ? DEFAULT_CONFIG : defineConfig({ EMIT_FROM_NS: from }));
          summary.first_event_ns = ts.toString();
        }
        if (to !== null && ts >= to) {
          stoppedAtTo = true;
          break outer;
        }
        summary.events++;
        const tag = event.event_id.slice(0, 2);
        byType[tag] = (byType[tag] ?? 0) + 1;
        lastTs = ts;
        let due: LevelsSignalsPayload[];
        try {
          due = service.ingest(event);
        } catch (error) {
          if (!LateEventError.is(error)) throw error;
          lateReasons[error.reason] = (lateReasons[error.reason] ?? 0) + 1;
          continue;
        }
        // Front-month futures trades (the pipeline drops other contracts' prints) feed the level universe.
        if (auto.universe !== null && 'aggressor' in event && !('option_symbol' in event)) auto.universe.onTrade(event);
        if (due.length > 0) await emit(due);
      }
    }
    if (service !== null && lastTs !== null) {
      // Stopped at --to: no event before `to` is still to come, so every snap before it is due.
      await emit(service.advanceTo(stoppedAtTo && to !== null ? to - 1n : lastTs));
    }
    summary.last_event_ns = lastTs?.toString() ?? null;
    summary.definitions = instruments.size;
    summary.events_by_type = byType;
    summary.late_events = lateReasons;
    summary.pipeline = { dropped: stats.dropped, late: stats.late, duplicates: stats.duplicates };
    summary.trade_dates = [...dates].sort();
    summary.seconds = (performance.now() - started) / 1000;
    summary.events_per_second = summary.seconds > 0 ? summary.events / summary.seconds : 0;
    summary.payloads_per_second = summary.seconds > 0 ? summary.payloads / summary.seconds : 0;
    return summary;
  } finally {
    // Also releases the files of a replay stopped early (--to) or by an error.
    for (const stream of opened) await stream.close();
    progress.finish();
  }
}

function newSummary(definitions: string[], data: string[]): ReplaySummary {
  return {
    files: { definitions, data },
    trade_dates: [],
    definitions: 0,
    events: 0,
    events_by_type: {},
    late_events: {},
    pipeline: { dropped: {}, late: 0, duplicates: 0 },
    first_event_ns: null,
    last_event_ns: null,
    payloads: 0,
    payloads_without_levels: 0,
    first_snap_ns: null,
    last_snap_ns: null,
    level_rows: 0,
    monitored: 0,
    touching: 0,
    levels_by_kind: {},
    signals: tally(SIGNAL_CLASSES),
    confidence: tally(CONFIDENCES),
    barrier_states: tally(BARRIER_STATES),
    fuel_effects: tally(FUEL_EFFECTS),
    tape_sweeps: { UP: 0, DOWN: 0 },
    options_basis_missing: 0,
    seconds: 0,
    events_per_second: 0,
    payloads_per_second: 0,
  };
}

function bump(t: Tally, key: string): void {
  t[key] = (t[key] ?? 0) + 1;
}

function count(s: ReplaySummary, p: LevelsSignalsPayload): void {
  s.payloads++;
  s.first_snap_ns ??= p.ts_ns;
  s.last_snap_ns = p.ts_ns;
  if (p.options_basis_missing) s.options_basis_missing++;
  if (p.levels.length === 0) s.payloads_without_levels++;
  for (const level of p.levels) {
    s.level_rows++;
    if (level.monitored) s.monitored++;
    if (level.touching) s.touching++;
    bump(s.levels_by_kind, level.kind);
    bump(s.signals, level.signal);
    bump(s.confidence, level.confidence);
    bump(s.barrier_states, level.barrier.state);
    bump(s.fuel_effects, level.fuel.effect);
    if (level.tape.sweep.detected) bump(s.tape_sweeps, level.tape.sweep.direction);
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

function isoOf(ns: string | null): string {
  if (ns === null) return '-';
  const t = BigInt(ns);
  const fraction = (t % NS_PER_SECOND).toString().padStart(9, '0').replace(/0+$/, '');
  return `${new Date(Number(t / NS_PER_MS)).toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

function tallyLine(t: Tally): string {
  return Object.entries(t)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(' · ');
}

/** The summary as the text `spymaster replay` prints on stderr. */
export function formatReplaySummary(s: ReplaySummary, out: string): string {
  const late = Object.values(s.late_events).reduce((a, b) => a + b, 0);
  const dropped = Object.values(s.pipeline.dropped).reduce((a, b) => a + (b ?? 0), 0);
  return [
    `files       ${s.files.definitions.length} definition + ${s.files.data.length} data; ${fmt(s.definitions)} instruments defined`,
    `events      ${fmt(s.events)} (${tallyLine(s.events_by_type)}) ${isoOf(s.first_event_ns)} → ${isoOf(s.last_event_ns)}`,
    `throughput  ${fmt(Math.round(s.events_per_second))} events/s, ${fmt(Math.round(s.payloads_per_second))} payloads/s (${s.seconds.toFixed(1)} s)`,
    `payloads    ${fmt(s.payloads)} levels.signals.v1 → ${out}; trade dates ${s.trade_dates.join(', ') || '-'}; snaps ${isoOf(s.first_snap_ns)} → ${isoOf(s.last_snap_ns)}`,
    `            ${fmt(s.level_rows)} level rows (${tallyLine(s.levels_by_kind) || 'none'}); ${fmt(s.payloads_without_levels)} payloads without levels; ${fmt(s.options_basis_missing)} with options_basis_missing`,
    `rejected    ${fmt(late)} late events (${tallyLine(s.late_events) || 'none'}); pipeline: ${fmt(dropped)} records dropped (${tallyLine(s.pipeline.dropped as Tally) || 'none'}), ${fmt(s.pipeline.late)} late, ${fmt(s.pipeline.duplicates)} duplicates`,
    `signals     ${tallyLine(s.signals)}; confidence ${tallyLine(s.confidence)}`,
    `            ${fmt(s.monitored)} monitored, ${fmt(s.touching)} touching level rows`,
    `barrier     ${tallyLine(s.barrier_states)}`,
    `fuel        ${tallyLine(s.fuel_effects)}`,
    `tape        sweeps ${tallyLine(s.tape_sweeps)}`,
  ].join('\n');
}

/** A file sink for `--out`: a write stream whose end is awaited. */
function fileSink(path: string): { sink: LineSink; close: () => Promise<void> } {
  const stream = createWriteStream(path);
  let failure: Error | null = null;
  stream.on('error', (error) => {
    failure = error;
  });
  return {
    sink: stream,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (failure) {
          reject(failure);
          return;
        }
        stream.once('error', reject);
        stream.end(() => resolve());
      }),
  };
}

/**
 * Read a `--levels` file: a JSON array of `{kind, price}` for every trade date, or an object mapping trade dates
 * (`YYYY-MM-DD`) to such arrays.
 * @throws {UsageError} naming the file and the offending entry.
 */
export function readLevelsFile(path: string): LevelSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--levels ${path}: cannot read the file (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--levels ${path}: not JSON (${(error as Error).message})`);
  }
  const list = (value: unknown, where: string): AvailableLevel[] => {
    if (!Array.isArray(value)) throw new UsageError(`--levels ${path}: ${where} must be an array of {kind, price}`);
    return value.map((entry: unknown, i) => {
      const e = entry as { kind?: unknown; price?: unknown } | null;
      if (typeof e !== 'object' || e === null || typeof e.kind !== 'string' || typeof e.price !== 'number')
        throw new UsageError(`--levels ${path}: ${where}[${i}] must be {"kind": string, "price": number}`);
      return { kind: e.kind as AvailableLevel['kind'], price: e.price };
    });
  };
  try {
    if (Array.isArray(json)) return fixedLevels(list(json, 'the top level'));
    if (typeof json !== 'object' || json === null)
      throw new UsageError(`--levels ${path}: expected an array of levels or an object of trade dates`);
    const byDate: Record<string, AvailableLevel[]> = {};
    for (const [date, value] of Object.entries(json)) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
        throw new UsageError(`--levels ${path}: key ${JSON.stringify(date)} is not a trade date (YYYY-MM-DD)`);
      byDate[date] = list(value, JSON.stringify(date));
    }
    return fixedLevels(byDate);
  } catch (error) {
    if (error instanceof LevelSourceError) throw new UsageError(`--levels ${path}: ${error.message}`);
    throw error;
  }
}

/** `spymaster replay ...`. */
export async function replayCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      levels: { type: 'string' },
      out: { type: 'string', short: 'o' },
      summary: { type: 'string' },
      validate: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stderr.write(`${REPLAY_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`expected DBN files or directories\n\n${REPLAY_USAGE}`);
  const levelsArg = values.levels ?? 'auto';
  const levels = levelsArg === 'auto' ? undefined : readLevelsFile(levelsArg);
  const summaryFormat = values.summary ?? 'text';
  if (summaryFormat !== 'text' && summaryFormat !== 'json')
    throw new UsageError(`--summary must be text or json, got ${JSON.stringify(summaryFormat)}`);
  const from = values.from === undefined ? undefined : parseTimeBound(values.from, '--from');
  const to = values.to === undefined ? undefined : parseTimeBound(values.to, '--to');
  if (from && to && 'ns' in from && 'ns' in to && to.ns <= from.ns) throw new UsageError('--to must be after --from');
  const files = expandInputs(positionals);
  const total = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const toStdout = values.out === undefined || values.out === '-';
  const target = toStdout ? null : fileSink(values.out as string);
  const out = new LineWriter(target ? target.sink : io.stdout);
  const progress = createProgress('replaying', total, io.stderr as NodeJS.WriteStream);
  let summary: ReplaySummary;
  try {
    summary = await replaySignals({
      files,
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      write: (line) => out.line(line),
      progress,
      validate: values.validate ?? false,
      ...(levels ? { levels } : {}),
    });
  } finally {
    await out.flush();
    await target?.close();
  }
  io.stderr.write(
    summaryFormat === 'json'
      ? `${JSON.stringify(summary)}\n`
      : `${formatReplaySummary(summary, toStdout ? 'stdout' : (values.out as string))}\n`,
  );
  return 0;
}
