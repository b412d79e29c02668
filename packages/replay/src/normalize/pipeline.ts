/**
 * The historical replay pipeline: DBN streams (any mix of futures and option files) → canonical events in
 * the one canonical order (levels-pipeline-lake.md B.4.6, B.4.8).
 *
 * Definitions are loaded first; each data stream is normalized, put in canonical order within a sort window
 * (vendor files are ordered by receive time, so event times can be slightly out of order), merged with the
 * others by canonical key, deduplicated, and option trades get their as-of quote. Everything dropped is
 * counted in {@link PipelineStats}.
 *
 * @module
 */
import { type Config, DEFAULT_CONFIG, type EventSource, type EventTypeTag, type MarketEvent } from '@spymaster/schemas';
import type { RecordCursor } from '../dbn/cursor.js';
import type { Metadata } from '../dbn/metadata.js';
import { DbnStream } from '../dbn/open.js';
import type { DbnRecord } from '../dbn/records.js';
import { InstrumentMap } from '../symbology/instrument-map.js';
import { DbnNormalizer, type DropReason, definitionFromDbn, OptionQuoteAttacher } from './normalizer.js';

/** A decoded DBN stream: records (bigint prices) and its metadata. `DbnStream` is one. */
export interface RecordSource {
  /** The stream's metadata (mappings resolve instrument ids), or null for a fragment. */
  readonly metadata: Metadata | null;
  [Symbol.asyncIterator](): AsyncIterator<DbnRecord<'bigint'>>;
}

/** What the pipeline did: events out, records dropped by reason, late and duplicate events. */
export interface PipelineStats {
  /** Canonical events produced by normalization, by type. */
  produced: Record<EventTypeTag, number>;
  /** DBN records not turned into events, by reason. */
  dropped: Partial<Record<DropReason, number>>;
  /** Events out of order by more than the sort window within their file (dropped, counted). */
  late: number;
  /** Events whose id had already been delivered (dropped). */
  duplicates: number;
  /** Instrument definitions loaded. */
  definitions: number;
}

/** Options of {@link canonicalEvents}. */
export interface PipelineOptions {
  /** `source` of the events (default `replay`). */
  source?: EventSource;
  /** Configuration (front month, lateness buffer). */
  config?: Config;
  /** Instrument definitions already loaded. */
  instruments?: InstrumentMap;
  /** Width of the per-file canonical sort window in ms (default `LATENESS_BUFFER_MS`). */
  sortWindowMs?: number;
  /** Receives the counters (filled in as the stream is read). */
  stats?: PipelineStats;
}

/** Fresh counters. */
export function emptyPipelineStats(): PipelineStats {
  return { produced: { FT: 0, OT: 0, MB: 0, ON: 0 }, dropped: {}, late: 0, duplicates: 0, definitions: 0 };
}

/** Load every definition record of some streams into an instrument map (other records are ignored). */
export async function loadDefinitions(
  sources: Iterable<AsyncIterable<DbnRecord<'bigint'>>>,
  instruments = new InstrumentMap(),
): Promise<InstrumentMap> {
  for (const source of sources) {
    for await (const record of source) {
      if (record.record_type.startsWith('InstrumentDefMsg')) instruments.add(definitionFromDbn(record as never));
    }
  }
  return instruments;
}

function add(into: Partial<Record<string, number>>, from: Partial<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + (v ?? 0);
}

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

/**
 * `a.event_id === b.event_id` for events of the normalizer, whose ids encode their `ts_event_ns` and `seq`:
 * those are compared first, so the ids (concatenated strings, which a comparison of contents first flattens)
 * are compared only for events that could be duplicates.
 */
function sameEventId(a: MarketEvent, b: MarketEvent): boolean {
  return a.ts_event_ns === b.ts_event_ns && a.seq === b.seq && a.event_id === b.event_id;
}

const BATCH = 1024;
/**
 * Records normalized per step of a `DbnStream` source: small steps keep the events waiting in the merge few,
 * so they die young (cheap garbage) instead of outliving collections.
 */
const BATCH_RECORDS = 256;

/** Record batches of a source: `batches()` when the source offers it, else one at a time. */
async function* recordBatches(source: RecordSource): AsyncGenerator<DbnRecord<'bigint'>[]> {
  const batched = (source as { batches?: () => AsyncIterable<DbnRecord<'bigint'>[]> }).batches;
  if (typeof batched === 'function') {
    yield* batched.call(source);
    return;
  }
  let batch: DbnRecord<'bigint'>[] = [];
  for await (const record of source) {
    batch.push(record);
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * One file's events put in canonical order: an event is held until the newest event time is `windowNs` past
 * it (vendor files are ordered by receive time, so event times are only nearly sorted); an event that sorts
 * before the last released one is late: dropped and counted (the merge needs sorted inputs).
 *
 * The held events are a sorted array released from the front; a new event is inserted from the back, which
 * for nearly sorted input is one comparison: O(1) amortized per event instead of a heap's O(log n).
 */
class SortWindow {
  readonly #windowNs: bigint;
  readonly #stats: PipelineStats;
  #items: MarketEvent[] = [];
  #head = 0;
  #last: MarketEvent | undefined;
  #maxTs: bigint | undefined;
  /** Events with `ts_event_ns ≤` this are released: `maxTs - windowNs`. */
  #releaseTs = 0n;

  constructor(windowNs: bigint, stats: PipelineStats) {
    this.#windowNs = windowNs;
    this.#stats = stats;
  }

  /** Add an event and append to `out` the events it lets go, in canonical order. */
  push(event: MarketEvent, out: MarketEvent[]): void {
    const last = this.#last;
    if (last !== undefined && compareCanonicalEvents(event, last) < 0) {
      this.#stats.late++;
      return;
    }
    const items = this.#items;
    const head = this.#head;
    let i = items.length;
    items.push(event);
    // Equal events stay in arrival order (the heap this replaces never saw two: ids are unique per file).
    while (i > head && compareCanonicalEvents(items[i - 1] as MarketEvent, event) > 0) {
      items[i] = items[i - 1] as MarketEvent;
      i--;
    }
    items[i] = event;
    const ts = event.ts_event_ns;
    if (this.#maxTs === undefined || ts > this.#maxTs) {
      this.#maxTs = ts;
      this.#releaseTs = ts - this.#windowNs;
    }
    this.#release(out, this.#releaseTs);
  }

  /** Append every held event to `out` (end of input). */
  flush(out: MarketEvent[]): void {
    this.#release(out, null);
  }

  #release(out: MarketEvent[], upTo: bigint | null): void {
    const items = this.#items;
    let head = this.#head;
    const n = items.length;
    while (head < n && (upTo === null || (items[head] as MarketEvent).ts_event_ns <= upTo)) {
      out.push(items[head] as MarketEvent);
      head++;
    }
    if (head === this.#head) return;
    this.#last = items[head - 1];
    if (head === n) {
      items.length = 0;
      head = 0;
    } else if (head >= BATCH && head * 2 >= n) {
      items.copyWithin(0, head);
      items.length = n - head;
      head = 0;
    }
    this.#head = head;
  }
}

/**
 * One source's canonical events in canonical order, in batches. A `DbnStream` is normalized straight from its
 * zero-copy cursor, one decompressed chunk per step; other sources through record objects. Stopping the
 * generator stops (and closes) the source.
 */
async function* sortedCanonical(
  source: RecordSource,
  normalizer: DbnNormalizer,
  windowNs: bigint,
  stats: PipelineStats,
): AsyncGenerator<MarketEvent[]> {
  const window = new SortWindow(windowNs, stats);
  let out: MarketEvent[] = [];
  if (source instanceof DbnStream) {
    const visit = (cursor: RecordCursor) => {
      const event = normalizer.normalizeCursor(cursor);
      if (event !== null) window.push(event, out);
    };
    for await (const _ of (source as DbnStream).visitChunks(visit, BATCH_RECORDS)) {
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  } else {
    for await (const batch of recordBatches(source)) {
      for (const record of batch) {
        const event = normalizer.normalize(record);
        if (event !== null) window.push(event, out);
      }
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  }
  window.flush(out);
  if (out.length > 0) yield out;
}

/**
 * Merge sorted batch streams (stable by source index), drop repeated ids (adjacent after the merge) and attach
 * the as-of quote to option trades; batches cut every 1024 merged events. The source holding the smallest
 * event is drained while its events sort before every other source's next event, so a long run from one file
 * costs one comparison per event; awaits only to refill a source.
 */
async function* mergeCanonical(
  sources: AsyncIterator<MarketEvent[]>[],
  stats: PipelineStats,
): AsyncGenerator<MarketEvent[]> {
  const buffers: MarketEvent[][] = sources.map(() => []);
  const positions = sources.map(() => 0);
  const refill = async (i: number): Promise<boolean> => {
    for (;;) {
      const next = await (sources[i] as AsyncIterator<MarketEvent[]>).next();
      if (next.done) return false;
      if (next.value.length > 0) {
        buffers[i] = next.value;
        positions[i] = 0;
        return true;
      }
    }
  };
  /** Sources with events, ascending index (ties go to the lower index). */
  const live: number[] = [];
  for (let i = 0; i < sources.length; i++) if (await refill(i)) live.push(i);
  const quotes = new OptionQuoteAttacher();
  let last: MarketEvent | undefined;
  let merged = 0;
  let out: MarketEvent[] = [];
  while (live.length > 0) {
    // The source with the smallest next event and the runner-up (the bound of the run).
    let best = live[0] as number;
    let second = -1;
    for (let j = 1; j < live.length; j++) {
      const s = live[j] as number;
      const head = (buffers[s] as MarketEvent[])[positions[s] as number] as MarketEvent;
      if (
        compareCanonicalEvents(head, (buffers[best] as MarketEvent[])[positions[best] as number] as MarketEvent) < 0
      ) {
        second = best;
        best = s;
      } else if (
        second < 0 ||
        compareCanonicalEvents(head, (buffers[second] as MarketEvent[])[positions[second] as number] as MarketEvent) < 0
      ) {
        second = s;
      }
    }
    const bound =
      second < 0 ? undefined : ((buffers[second] as MarketEvent[])[positions[second] as number] as MarketEvent);
    const buffer = buffers[best] as MarketEvent[];
    let p = positions[best] as number;
    for (;;) {
      const event = buffer[p] as MarketEvent;
      if (bound !== undefined) {
        const c = compareCanonicalEvents(event, bound);
        if (c > 0 || (c === 0 && best > second)) break;
      }
      p++;
      // Equal ids are adjacent after the merge: drop the repeats (redeliveries, overlapping files).
      if (last !== undefined && sameEventId(event, last)) stats.duplicates++;
      else {
        last = event;
        // Only option events (OT, ON: the ones with an option symbol) concern the quote attacher.
        out.push('option_symbol' in event ? quotes.apply(event) : event);
      }
      if (++merged === BATCH) {
        merged = 0;
        if (out.length > 0) {
          yield out;
          out = [];
        }
      }
      if (p === buffer.length) break;
    }
    positions[best] = p;
    if (p === buffer.length && !(await refill(best))) live.splice(live.indexOf(best), 1);
  }
  if (out.length > 0) yield out;
}

/**
 * Canonical events of many DBN streams, in canonical order, with deterministic ids, in batches of up to 1024
 * (the fast path: no await per event). `DbnStream` sources are normalized from the decoder's zero-copy
 * cursor. Stopping early (`break`, `return()`) closes every source. Events are immutable: MBP-10 events of
 * one symbol share the `BookLevel` objects of unchanged levels (see `DbnNormalizer.normalizeCursor`).
 *
 * @example
 * ```ts
 * const instruments = await loadDefinitions([await openDbnFile('opts.definition.dbn.zst')]);
 * const sources = await Promise.all(['es.trades.dbn.zst', 'es.mbp-10.dbn.zst', 'opts.trades.dbn.zst', 'opts.mbp-1.dbn.zst'].map((f) => openDbnFile(f)));
 * const stats = emptyPipelineStats();
 * for await (const batch of canonicalEventBatches(sources, { instruments, stats })) for (const event of batch) apply(event);
 * ```
 */
export async function* canonicalEventBatches(
  sources: readonly RecordSource[],
  options: PipelineOptions = {},
): AsyncGenerator<MarketEvent[]> {
  const config = options.config ?? DEFAULT_CONFIG;
  const stats = options.stats ?? emptyPipelineStats();
  const instruments = options.instruments ?? new InstrumentMap();
  stats.definitions = instruments.size;
  const normalizers = sources.map(
    (s) =>
      new DbnNormalizer({
        source: options.source ?? 'replay',
        config,
        instruments,
        mappings: s.metadata?.mappings ?? [],
      }),
  );
  const windowNs = BigInt(options.sortWindowMs ?? config.LATENESS_BUFFER_MS) * 1_000_000n;
  const streams = sources.map((s, i) => sortedCanonical(s, normalizers[i] as DbnNormalizer, windowNs, stats));
  try {
    yield* mergeCanonical(streams, stats);
  } finally {
    // Close the sources (and their files) when the consumer stopped early or a source failed.
    await Promise.allSettled(streams.map((s) => s.return(undefined)));
    for (const n of normalizers) {
      add(stats.produced, n.produced);
      add(stats.dropped, n.dropped);
    }
  }
}

/**
 * Canonical events of many DBN streams, in canonical order, one at a time (see {@link canonicalEventBatches}
 * for the faster batch form).
 *
 * @example
 * ```ts
 * for await (const event of canonicalEvents(sources, { instruments, stats })) publish(event);
 * ```
 */
export async function* canonicalEvents(
  sources: readonly RecordSource[],
  options: PipelineOptions = {},
): AsyncGenerator<MarketEvent> {
  for await (const batch of canonicalEventBatches(sources, options)) yield* batch;
}
