/**
 * The canonical order of events (levels-pipeline-lake.md B.4.6) as the replay pipeline applies it: the
 * comparison, numeric time keys that make most comparisons number comparisons, and the per-file sort window.
 * Internal to the pipeline.
 *
 * @module
 * @internal
 */
import type { MarketEvent } from '@spymaster/schemas';

/** Held events are compacted once this many were released from the front (and at least half the array). */
const COMPACT_AFTER = 1024;

/**
 * The type rank (FT 0 < OT 1 < MB 2 < ON 3) of an event, told by its fields: the id's two-letter tag says the
 * same, but reading a character of an id built by concatenation first flattens the whole string.
 */
function rankOf(event: MarketEvent): number {
  if ('levels' in event) return 2;
  if ('option_symbol' in event) return 'bid_sz' in event ? 3 : 1;
  return 0;
}

function dupOrdinal(id: string): number {
  return Number(id.slice(id.lastIndexOf('-') + 1));
}

/**
 * The canonical order (B.4.6) read from the events' own fields, so ids are parsed only for the rare full ties
 * (the dup ordinal): time, type rank, seq (absent last), symbol byte-wise, dup ordinal.
 */
export function compareCanonicalEvents(a: MarketEvent, b: MarketEvent): number {
  if (a.ts_event_ns !== b.ts_event_ns) return a.ts_event_ns < b.ts_event_ns ? -1 : 1;
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra - rb;
  if (a.seq !== b.seq) {
    if (a.seq === null) return 1;
    if (b.seq === null) return -1;
    return a.seq < b.seq ? -1 : 1;
  }
  const sa = 'symbol' in a ? a.symbol : a.option_symbol;
  const sb = 'symbol' in b ? b.symbol : b.option_symbol;
  if (sa !== sb) return sa < sb ? -1 : 1;
  return dupOrdinal(a.event_id) - dupOrdinal(b.event_id);
}

const TWO_32 = 4294967296;
/** Keys are kept below 2^52 in magnitude, so a key minus a sort window (< 2^40 ns) is still exact. */
const KEY_HI_RANGE = 0x100000;

/**
 * Event times as numbers for the sort windows and the merge, which compare every event a few times: a number
 * comparison is an instruction, a bigint one a call. A key is `ts_event_ns` minus a base time shared by the
 * sources of one pipeline (the first event's time), exact within 2^52 ns (52 days) of the base, and NaN
 * beyond, where every comparison falls back to the bigints (NaN compares false both ways).
 */
export class TimeKeys {
  #baseHi = -1;
  #baseLo = 0;

  /** The key of a time given as its u32 halves. */
  ofHalves(hi: number, lo: number): number {
    if (this.#baseHi < 0) {
      this.#baseHi = hi;
      this.#baseLo = lo;
    }
    const dh = hi - this.#baseHi;
    return dh > -KEY_HI_RANGE && dh < KEY_HI_RANGE ? dh * TWO_32 + (lo - this.#baseLo) : Number.NaN;
  }

  /** The key of a bigint time (`ts_event_ns` is a u64). */
  of(ts: bigint): number {
    return this.ofHalves(Number(ts >> 32n), Number(ts & 0xffffffffn));
  }
}

/** {@link compareCanonicalEvents} of two events given with their time keys: the keys decide unless equal or NaN. */
export function compareKeyed(a: MarketEvent, ka: number, b: MarketEvent, kb: number): number {
  if (ka < kb) return -1;
  if (ka > kb) return 1;
  return compareCanonicalEvents(a, b);
}

/** Events of one source in canonical order and their time keys (same length). */
export interface KeyedBatch {
  readonly events: MarketEvent[];
  readonly keys: number[];
}

/**
 * One file's events put in canonical order: an event is held until the newest event time is `windowNs` past
 * it (vendor files are ordered by receive time, so event times are only nearly sorted); an event that sorts
 * before the last released one is late: dropped and counted (the merge needs sorted inputs).
 *
 * The held events are a sorted array released from the front; a new event is inserted from the back, which
 * for nearly sorted input is one comparison: O(1) amortized per event instead of a heap's O(log n). Events
 * travel with their {@link TimeKeys} keys.
 */
export class SortWindow {
  readonly #windowNs: bigint;
  readonly #windowKey: number;
  readonly #stats: { late: number };
  #items: MarketEvent[] = [];
  #keys: number[] = [];
  #head = 0;
  #last: MarketEvent | undefined;
  #lastKey = 0;
  /** The event with the newest time so far, and its key. */
  #newest: MarketEvent | undefined;
  #newestKey = 0;

  constructor(windowNs: bigint, stats: { late: number }) {
    this.#windowNs = windowNs;
    this.#windowKey = Number(windowNs);
    this.#stats = stats;
  }

  /** Add an event and append to `out` the events it lets go, in canonical order. */
  push(event: MarketEvent, key: number, out: KeyedBatch): void {
    const last = this.#last;
    if (last !== undefined && compareKeyed(event, key, last, this.#lastKey) < 0) {
      this.#stats.late++;
      return;
    }
    const items = this.#items;
    const keys = this.#keys;
    const head = this.#head;
    let i = items.length;
    items.push(event);
    keys.push(key);
    // Equal events stay in arrival order (the heap this replaces never saw two: ids are unique per file).
    while (i > head && compareKeyed(items[i - 1] as MarketEvent, keys[i - 1] as number, event, key) > 0) {
      items[i] = items[i - 1] as MarketEvent;
      keys[i] = keys[i - 1] as number;
      i--;
    }
    items[i] = event;
    keys[i] = key;
    const newest = this.#newest;
    if (newest === undefined || isLater(event, key, newest, this.#newestKey)) {
      this.#newest = event;
      this.#newestKey = key;
    }
    this.#release(out, false);
  }

  /** Append every held event to `out` (end of input). */
  flush(out: KeyedBatch): void {
    this.#release(out, true);
  }

  /** Whether a held event is `windowNs` or more behind the newest time (`ts ≤ newest − windowNs`). */
  #due(event: MarketEvent, key: number): boolean {
    const newestKey = this.#newestKey;
    if (!Number.isNaN(key) && !Number.isNaN(newestKey)) return key <= newestKey - this.#windowKey;
    return event.ts_event_ns <= (this.#newest as MarketEvent).ts_event_ns - this.#windowNs;
  }

  #release(out: KeyedBatch, all: boolean): void {
    const items = this.#items;
    const keys = this.#keys;
    let head = this.#head;
    const n = items.length;
    while (head < n && (all || this.#due(items[head] as MarketEvent, keys[head] as number))) {
      out.events.push(items[head] as MarketEvent);
      out.keys.push(keys[head] as number);
      head++;
    }
    if (head === this.#head) return;
    this.#last = items[head - 1];
    this.#lastKey = keys[head - 1] as number;
    if (head === n) {
      items.length = 0;
      keys.length = 0;
      head = 0;
    } else if (head >= COMPACT_AFTER && head * 2 >= n) {
      items.copyWithin(0, head);
      keys.copyWithin(0, head);
      items.length = n - head;
      keys.length = n - head;
      head = 0;
    }
    this.#head = head;
  }
}

/** Whether `a`'s time is after `b`'s. */
function isLater(a: MarketEvent, ka: number, b: MarketEvent, kb: number): boolean {
  if (!Number.isNaN(ka) && !Number.isNaN(kb)) return ka > kb;
  return a.ts_event_ns > b.ts_event_ns;
}

/** A fresh batch to fill. */
export function keyedBatch(): KeyedBatch {
  return { events: [], keys: [] };
}
