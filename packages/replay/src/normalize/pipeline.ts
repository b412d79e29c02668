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
import { TRADE_MSG } from '../dbn/layouts.js';
import type { Metadata } from '../dbn/metadata.js';
import { DbnStream } from '../dbn/open.js';
import type { DbnRecord } from '../dbn/records.js';
import { InstrumentMap } from '../symbology/instrument-map.js';
import {
  compareCanonicalEvents,
  compareKeyed,
  type KeyedBatch,
  keyedBatch,
  SortWindow,
  TimeKeys,
} from './canonical-order.js';
import { DbnNormalizer, type DropReason, definitionFromDbn, OptionQuoteAttacher } from './normalizer.js';

export { compareCanonicalEvents };

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
 * `a.event_id === b.event_id` for events of the normalizer, whose ids encode their `ts_event_ns` and `seq`:
 * those are compared first, so the ids (concatenated strings, which a comparison of contents first flattens)
 * are compared only for events that could be duplicates.
 */
function sameEventId(a: MarketEvent, b: MarketEvent): boolean {
  return a.ts_event_ns === b.ts_event_ns && a.seq === b.seq && a.event_id === b.event_id;
}

const BATCH = 1024;
/** Offset of `ts_event` in every record (the record header's). */
const TS_EVENT = TRADE_MSG.byName.ts_event?.offset as number;
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
 * One source's canonical events in canonical order, in batches. A `DbnStream` is normalized straight from its
 * zero-copy cursor, one decompressed chunk per step; other sources through record objects. Stopping the
 * generator stops (and closes) the source.
 */
async function* sortedCanonical(
  source: RecordSource,
  normalizer: DbnNormalizer,
  windowNs: bigint,
  stats: PipelineStats,
  times: TimeKeys,
): AsyncGenerator<KeyedBatch> {
  const window = new SortWindow(windowNs, stats);
  let out = keyedBatch();
  if (source instanceof DbnStream) {
    const visit = (cursor: RecordCursor) => {
      const event = normalizer.normalizeCursor(cursor);
      if (event === null) return;
      // The key from the record's ts_event halves (the event's bigint is the same time).
      const at = cursor.offset + TS_EVENT;
      window.push(event, times.ofHalves(cursor.view.getUint32(at + 4, true), cursor.view.getUint32(at, true)), out);
    };
    for await (const _ of (source as DbnStream).visitChunks(visit, BATCH_RECORDS)) {
      if (out.events.length > 0) {
        yield out;
        out = keyedBatch();
      }
    }
  } else {
    for await (const batch of recordBatches(source)) {
      for (const record of batch) {
        const event = normalizer.normalize(record);
        if (event !== null) window.push(event, times.of(event.ts_event_ns), out);
      }
      if (out.events.length > 0) {
        yield out;
        out = keyedBatch();
      }
    }
  }
  window.flush(out);
  if (out.events.length > 0) yield out;
}

/**
 * Merge sorted batch streams (stable by source index), drop repeated ids (adjacent after the merge) and attach
 * the as-of quote to option trades; batches cut every 1024 merged events. The source holding the smallest
 * event is drained while its events sort before every other source's next event, so a long run from one file
 * costs one comparison per event; awaits only to refill a source.
 */
async function* mergeCanonical(
  sources: AsyncIterator<KeyedBatch>[],
  stats: PipelineStats,
): AsyncGenerator<MarketEvent[]> {
  const buffers: KeyedBatch[] = sources.map(keyedBatch);
  const positions = sources.map(() => 0);
  const refill = async (i: number): Promise<boolean> => {
    for (;;) {
      const next = await (sources[i] as AsyncIterator<KeyedBatch>).next();
      if (next.done) return false;
      if (next.value.events.length > 0) {
        buffers[i] = next.value;
        positions[i] = 0;
        return true;
      }
    }
  };
  /** Whether source `s`'s next event sorts before source `t`'s. */
  const before = (s: number, t: number): boolean => {
    const a = buffers[s] as KeyedBatch;
    const b = buffers[t] as KeyedBatch;
    const i = positions[s] as number;
    const j = positions[t] as number;
    return (
      compareKeyed(a.events[i] as MarketEvent, a.keys[i] as number, b.events[j] as MarketEvent, b.keys[j] as number) < 0
    );
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
      if (before(s, best)) {
        second = best;
        best = s;
      } else if (second < 0 || before(s, second)) {
        second = s;
      }
    }
    const bound =
      second < 0 ? undefined : ((buffers[second] as KeyedBatch).events[positions[second] as number] as MarketEvent);
    const boundKey = second < 0 ? 0 : ((buffers[second] as KeyedBatch).keys[positions[second] as number] as number);
    const { events, keys } = buffers[best] as KeyedBatch;
    let p = positions[best] as number;
    for (;;) {
      const event = events[p] as MarketEvent;
      if (bound !== undefined) {
        const c = compareKeyed(event, keys[p] as number, bound, boundKey);
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
      if (p === events.length) break;
    }
    positions[best] = p;
    if (p === events.length && !(await refill(best))) live.splice(live.indexOf(best), 1);
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
  const times = new TimeKeys();
  const streams = sources.map((s, i) => sortedCanonical(s, normalizers[i] as DbnNormalizer, windowNs, stats, times));
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
