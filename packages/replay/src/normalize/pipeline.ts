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
import type { Metadata } from '../dbn/metadata.js';
import type { DbnRecord } from '../dbn/records.js';
import { MinHeap } from '../replay/heap.js';
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

const TYPE_RANK: Readonly<Record<string, number>> = { FT: 0, OT: 1, MB: 2, ON: 3 };

function dupOrdinal(id: string): number {
  return Number(id.slice(id.lastIndexOf('-') + 1));
}

/**
 * The canonical order (B.4.6) read from the events' own fields, so ids are parsed only for the rare full ties
 * (the dup ordinal): time, type rank, seq (absent last), symbol byte-wise, dup ordinal.
 */
export function compareCanonicalEvents(a: MarketEvent, b: MarketEvent): number {
  if (a.ts_event_ns !== b.ts_event_ns) return a.ts_event_ns < b.ts_event_ns ? -1 : 1;
  const ra = TYPE_RANK[a.event_id.slice(0, 2)] as number;
  const rb = TYPE_RANK[b.event_id.slice(0, 2)] as number;
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

const BATCH = 1024;

/** Record batches of a source: `batches()` when the source offers it (DbnStream), else one at a time. */
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
 * One file's canonical events in canonical order, in batches: events are held in a heap until the newest
 * event time is `windowNs` past them (vendor files are ordered by receive time); an event older than the
 * last released one is late: dropped and counted (the merge needs sorted inputs).
 */
async function* sortedCanonical(
  source: RecordSource,
  normalizer: DbnNormalizer,
  windowNs: bigint,
  stats: PipelineStats,
): AsyncGenerator<MarketEvent[]> {
  const heap = new MinHeap<MarketEvent>((a, b) => compareCanonicalEvents(a, b) < 0);
  let maxTs: bigint | undefined;
  let last: MarketEvent | undefined;
  const release = (out: MarketEvent[], upTo: bigint | null) => {
    for (let top = heap.peek(); top !== undefined && (upTo === null || top.ts_event_ns <= upTo); top = heap.peek()) {
      heap.pop();
      out.push(top);
      last = top;
    }
  };
  for await (const batch of recordBatches(source)) {
    const out: MarketEvent[] = [];
    for (const record of batch) {
      const event = normalizer.normalize(record);
      if (event === null) continue;
      if (last !== undefined && compareCanonicalEvents(event, last) < 0) {
        stats.late++;
        continue;
      }
      heap.push(event);
      if (maxTs === undefined || event.ts_event_ns > maxTs) maxTs = event.ts_event_ns;
      release(out, maxTs - windowNs);
    }
    if (out.length > 0) yield out;
  }
  const out: MarketEvent[] = [];
  release(out, null);
  if (out.length > 0) yield out;
}

/** Merge sorted batch streams into sorted batches (stable by source index); awaits only to refill a source. */
async function* mergeBatches(sources: AsyncIterator<MarketEvent[]>[]): AsyncGenerator<MarketEvent[]> {
  const buffers: MarketEvent[][] = sources.map(() => []);
  const positions = sources.map(() => 0);
  const heap = new MinHeap<number>((a, b) => {
    const c = compareCanonicalEvents(
      buffers[a]?.[positions[a] as number] as MarketEvent,
      buffers[b]?.[positions[b] as number] as MarketEvent,
    );
    return c < 0 || (c === 0 && a < b);
  });
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
  for (let i = 0; i < sources.length; i++) if (await refill(i)) heap.push(i);
  let out: MarketEvent[] = [];
  while (heap.size > 0) {
    const i = heap.pop() as number;
    const buffer = buffers[i] as MarketEvent[];
    out.push(buffer[positions[i] as number] as MarketEvent);
    positions[i] = (positions[i] as number) + 1;
    if ((positions[i] as number) < buffer.length || (await refill(i))) heap.push(i);
    if (out.length >= BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/**
 * Canonical events of many DBN streams, in canonical order, with deterministic ids, in batches of up to 1024
 * (the fast path: no await per event).
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
  const quotes = new OptionQuoteAttacher();
  let lastId = '';
  try {
    for await (const batch of mergeBatches(streams)) {
      const out: MarketEvent[] = [];
      for (const event of batch) {
        // Equal ids are adjacent after the merge: drop the repeats (redeliveries, overlapping files).
        if (event.event_id === lastId) {
          stats.duplicates++;
          continue;
        }
        lastId = event.event_id;
        out.push(quotes.apply(event));
      }
      if (out.length > 0) yield out;
    }
  } finally {
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
