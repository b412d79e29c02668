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
import { dedupeByEventIdAsync, mergeMarketEventsAsync } from '../replay/merge.js';
import { ReorderBuffer } from '../replay/reorder.js';
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

async function* sortedCanonical(
  source: RecordSource,
  normalizer: DbnNormalizer,
  windowMs: number,
  stats: PipelineStats,
): AsyncGenerator<MarketEvent> {
  const ready: MarketEvent[] = [];
  const buffer = new ReorderBuffer<MarketEvent>(
    (event, late) => {
      if (late) stats.late++;
      else ready.push(event);
    },
    { latenessBufferMs: windowMs },
  );
  for await (const record of source) {
    const event = normalizer.normalize(record);
    if (event === null) continue;
    buffer.push(event);
    if (ready.length > 0) yield* ready.splice(0);
  }
  buffer.flush();
  yield* ready.splice(0);
}

/**
 * Canonical events of many DBN streams, in canonical order, with deterministic ids.
 *
 * @example
 * ```ts
 * const instruments = await loadDefinitions([await openDbnFile('opts.definition.dbn.zst')]);
 * const sources = await Promise.all(['es.trades.dbn.zst', 'es.mbp-10.dbn.zst', 'opts.trades.dbn.zst', 'opts.mbp-1.dbn.zst'].map((f) => openDbnFile(f)));
 * const stats = emptyPipelineStats();
 * for await (const event of canonicalEvents(sources, { instruments, stats })) publish(event);
 * ```
 */
export async function* canonicalEvents(
  sources: readonly RecordSource[],
  options: PipelineOptions = {},
): AsyncGenerator<MarketEvent> {
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
  const window = options.sortWindowMs ?? config.LATENESS_BUFFER_MS;
  const streams = sources.map((s, i) => sortedCanonical(s, normalizers[i] as DbnNormalizer, window, stats));
  const quotes = new OptionQuoteAttacher();
  try {
    const merged = dedupeByEventIdAsync(mergeMarketEventsAsync(streams), {
      onDuplicate: () => {
        stats.duplicates++;
      },
    });
    for await (const event of merged) yield quotes.apply(event);
  } finally {
    for (const n of normalizers) {
      add(stats.produced, n.produced);
      add(stats.dropped, n.dropped);
    }
  }
}
