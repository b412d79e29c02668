/**
 * Instrument lookups (levels-pipeline-lake.md B.4.3, es-options-symbology.md "Listing conventions"):
 *
 * - {@link InstrumentMap}: instrument definitions keyed by (trade date, `instrument_id`); a record sees the
 *   latest definition of its key with `ts_recv ≤` its own `ts_recv`, honouring add / modify / delete.
 * - {@link SymbolMap}: DBN metadata symbol mappings, resolving (`instrument_id`, date) to a raw symbol.
 *
 * Instrument ids are reused across days, so neither map ever resolves an id without a date.
 *
 * @module
 */
import type { InstrumentDefinition } from '@spymaster/schemas/events';
import { dateToDayNumber, tradeDate, utcDate } from '@spymaster/schemas/time';

/** Error for malformed symbology input (a mapping interval or instrument id), naming the value and the fix. */
export class SymbologyError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/replay/SymbologyError');
  /** The rejected value as text. */
  readonly input: string;
  constructor(input: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SymbologyError';
    this.input = input;
  }
  /** True for a `SymbologyError` from any copy of this package. */
  static is(error: unknown): error is SymbologyError {
    return (
      error instanceof Error &&
      (error as { constructor?: { brand?: symbol } }).constructor?.brand === SymbologyError.brand
    );
  }
}

const MAX_U32 = 0xffff_ffff;

function checkInstrumentId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_U32) {
    throw new SymbologyError(String(id), `instrument id ${id} is not a u32 (an integer 0–4294967295)`);
  }
}

/** The times and id of a market record that selects its definition. */
export interface RecordTimes {
  /** Vendor instrument id. */
  readonly instrument_id: number;
  /** Exchange event time: gives the trade date. */
  readonly ts_event_ns: bigint;
  /** Vendor receive time: definitions with `ts_recv ≤` this are visible. */
  readonly ts_recv_ns: bigint;
}

/**
 * Trade date a definition is filed under: `tradeDate(ts_recv_ns)`, the time the definition was received (a
 * definition's `ts_event` can be far older than the session it describes).
 *
 * @example
 * ```ts
 * definitionTradeDate({ ...def, ts_recv_ns: 1765839600000000000n }); // '2025-12-16' (18:00 EST on 12-15)
 * ```
 */
export function definitionTradeDate(def: Pick<InstrumentDefinition, 'ts_recv_ns'>): string {
  return tradeDate(def.ts_recv_ns);
}

/** Index of the first element with `ts_recv_ns > ts` in a list sorted by `ts_recv_ns` (upper bound). */
function upperBound(versions: readonly InstrumentDefinition[], ts: bigint): number {
  let lo = 0;
  let hi = versions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((versions[mid] as InstrumentDefinition).ts_recv_ns <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** {@link InstrumentMap.getAtWithRange}: the definition valid at a receive time and where that stays true. */
export interface DefinitionRange {
  /** What {@link InstrumentMap.getAt} returns. */
  readonly def: InstrumentDefinition | null;
  /** First receive time with this answer (the version's `ts_recv_ns`), or null: unbounded. */
  readonly from: bigint | null;
  /** First receive time past it (the next version's `ts_recv_ns`), or null: unbounded. */
  readonly until: bigint | null;
}

/**
 * Instrument definitions keyed by (trade date, `instrument_id`) (B.4.3). Each key keeps every version sorted by
 * `ts_recv_ns` (ties in insertion order), so definitions may be added in any order and lookups are as-of:
 * {@link InstrumentMap.getAt} returns the latest version with `ts_recv ≤` the record's, or null when there is
 * none or the latest is a delete (`update_action` D) — a later add (A) or modify (M) makes it visible again.
 *
 * @example
 * ```ts
 * const map = new InstrumentMap();
 * map.add(def); // filed under tradeDate(def.ts_recv_ns)
 * map.getForRecord({ instrument_id: def.instrument_id, ts_event_ns, ts_recv_ns }); // def, or null
 * ```
 */
export class InstrumentMap {
  private readonly byDate = new Map<string, Map<number, InstrumentDefinition[]>>();
  private count = 0;

  /** Number of stored definition versions. */
  get size(): number {
    return this.count;
  }

  /** Add a definition version (add, modify or delete) under its trade date {@link definitionTradeDate}. */
  add(def: InstrumentDefinition): void {
    checkInstrumentId(def.instrument_id);
    const date = definitionTradeDate(def);
    let ids = this.byDate.get(date);
    if (ids === undefined) {
      ids = new Map();
      this.byDate.set(date, ids);
    }
    const versions = ids.get(def.instrument_id);
    if (versions === undefined) {
      ids.set(def.instrument_id, [def]);
    } else {
      versions.splice(upperBound(versions, def.ts_recv_ns), 0, def);
    }
    this.count++;
  }

  private latest(instrument_id: number, date: string, ts_recv_ns: bigint): InstrumentDefinition | null {
    const versions = this.byDate.get(date)?.get(instrument_id);
    if (versions === undefined) return null;
    const i = upperBound(versions, ts_recv_ns);
    return i === 0 ? null : (versions[i - 1] as InstrumentDefinition);
  }

  /**
   * {@link InstrumentMap.getAt} and the receive times over which its answer holds: the versions of the key
   * do not change between `from` (inclusive) and `until` (exclusive), null meaning unbounded. For callers that
   * remember answers until the map's {@link size} changes.
   *
   * @example
   * ```ts
   * const { def, until } = map.getAtWithRange(42, '2025-12-16', ts_recv_ns); // until: the next version's ts_recv
   * ```
   */
  getAtWithRange(instrument_id: number, date: string, ts_recv_ns: bigint): DefinitionRange {
    const versions = this.byDate.get(date)?.get(instrument_id);
    if (versions === undefined) return { def: null, from: null, until: null };
    const i = upperBound(versions, ts_recv_ns);
    const latest = i === 0 ? null : (versions[i - 1] as InstrumentDefinition);
    return {
      def: latest === null || latest.update_action === 'D' ? null : latest,
      from: latest === null ? null : latest.ts_recv_ns,
      until: i === versions.length ? null : (versions[i] as InstrumentDefinition).ts_recv_ns,
    };
  }

  /** The definition of `instrument_id` on trade date `date` valid at receive time `ts_recv_ns`, or null. */
  getAt(instrument_id: number, date: string, ts_recv_ns: bigint): InstrumentDefinition | null {
    const def = this.latest(instrument_id, date, ts_recv_ns);
    return def === null || def.update_action === 'D' ? null : def;
  }

  /** Whether the latest version valid at `ts_recv_ns` is a delete (to tell `deleted` from `no_definition` in QA). */
  isDeletedAt(instrument_id: number, date: string, ts_recv_ns: bigint): boolean {
    return this.latest(instrument_id, date, ts_recv_ns)?.update_action === 'D';
  }

  /** {@link InstrumentMap.getAt} for a record: trade date of its `ts_event_ns`, visibility by its `ts_recv_ns`. */
  getForRecord(record: RecordTimes): InstrumentDefinition | null {
    return this.getAt(record.instrument_id, tradeDate(record.ts_event_ns), record.ts_recv_ns);
  }

  /** The latest non-deleted definition of every instrument filed under a trade date (e.g. to list a chain). */
  latestOn(date: string): InstrumentDefinition[] {
    const out: InstrumentDefinition[] = [];
    for (const versions of this.byDate.get(date)?.values() ?? []) {
      const last = versions[versions.length - 1];
      if (last !== undefined && last.update_action !== 'D') out.push(last);
    }
    return out;
  }

  /** Trade dates with stored definitions, ascending. */
  tradeDates(): string[] {
    return [...this.byDate.keys()].sort();
  }

  /** Forget every trade date before `date` (streaming use: keep memory bounded). */
  dropBefore(date: string): void {
    for (const [d, ids] of this.byDate) {
      if (d < date) {
        for (const versions of ids.values()) this.count -= versions.length;
        this.byDate.delete(d);
      }
    }
  }
}

/** One interval of a DBN metadata symbol mapping. */
export interface SymbolMappingInterval {
  /** First UTC date `YYYY-MM-DD` (inclusive). */
  readonly start_date: string;
  /** End UTC date `YYYY-MM-DD` (exclusive). */
  readonly end_date: string;
  /** The mapped value: the instrument id as text (empty in the old symbology format: ignored). */
  readonly symbol: string;
}

/** A DBN metadata symbol mapping (stype_in raw symbol → stype_out instrument id). */
export interface SymbolMapping {
  /** The raw symbol. */
  readonly raw_symbol: string;
  /** Date intervals with the instrument id the raw symbol had then. */
  readonly intervals: readonly SymbolMappingInterval[];
}

interface MappedRange {
  readonly start: number;
  readonly end: number;
  readonly rawSymbol: string;
}

const DIGITS = /^[0-9]+$/;

/**
 * Resolves (`instrument_id`, UTC date) to a raw symbol from DBN metadata symbol mappings, the way Databento's
 * `TsSymbolMap` does: an interval covers `[start_date, end_date)`, later insertions win on overlap, empty
 * interval symbols are skipped, `start_date = end_date` is ignored. Dates are UTC dates; a record resolves by
 * the UTC date of its index timestamp (`ts_recv`), see {@link SymbolMap.getAt}.
 *
 * @example
 * ```ts
 * const map = SymbolMap.fromMappings([
 *   { raw_symbol: 'ESZ5', intervals: [{ start_date: '2025-12-15', end_date: '2025-12-17', symbol: '294973' }] },
 * ]);
 * map.get(294973, '2025-12-16'); // 'ESZ5'
 * map.get(294973, '2025-12-17'); // null
 * ```
 */
export class SymbolMap {
  private readonly ranges = new Map<number, MappedRange[]>();

  /** Build a map from DBN metadata `mappings`; throws {@link SymbologyError} for a malformed interval. */
  static fromMappings(mappings: readonly SymbolMapping[]): SymbolMap {
    const map = new SymbolMap();
    for (const mapping of mappings) {
      for (const interval of mapping.intervals) {
        if (interval.symbol === '') continue;
        if (!DIGITS.test(interval.symbol)) {
          throw new SymbologyError(
            interval.symbol,
            `mapping of ${mapping.raw_symbol}: interval symbol ${JSON.stringify(interval.symbol)} is not an instrument id; expected metadata with stype_out = instrument_id`,
          );
        }
        map.insert(Number(interval.symbol), interval.start_date, interval.end_date, mapping.raw_symbol);
      }
    }
    return map;
  }

  /** Map `instrument_id` to `raw_symbol` on UTC dates `[start_date, end_date)`. */
  insert(instrument_id: number, start_date: string, end_date: string, raw_symbol: string): void {
    checkInstrumentId(instrument_id);
    const start = dateToDayNumber(start_date);
    const end = dateToDayNumber(end_date);
    if (start > end) {
      throw new SymbologyError(
        `${start_date}..${end_date}`,
        `mapping of ${raw_symbol} (instrument ${instrument_id}): start_date ${start_date} is after end_date ${end_date}`,
      );
    }
    if (start === end) return;
    const list = this.ranges.get(instrument_id);
    const range = { start, end, rawSymbol: raw_symbol };
    if (list === undefined) this.ranges.set(instrument_id, [range]);
    else list.push(range);
  }

  /** Raw symbol of `instrument_id` on a UTC date `YYYY-MM-DD`, or null. */
  get(instrument_id: number, date: string): string | null {
    const list = this.ranges.get(instrument_id);
    if (list === undefined) return null;
    const day = dateToDayNumber(date);
    for (let i = list.length - 1; i >= 0; i--) {
      const r = list[i] as MappedRange;
      if (day >= r.start && day < r.end) return r.rawSymbol;
    }
    return null;
  }

  /** Raw symbol of `instrument_id` for a record, by the UTC date of its index timestamp (`ts_recv_ns`). */
  getAt(instrument_id: number, ts_index_ns: bigint): string | null {
    return this.get(instrument_id, utcDate(ts_index_ns));
  }
}
