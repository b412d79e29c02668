/**
 * Event-time k-way merge (levels-pipeline-lake.md B.4.6 canonical order, B.4.8 "merge the per-type streams by
 * canonical key").
 *
 * - {@link mergeSorted} / {@link mergeSortedAsync}: generic, stable k-way merge of sorted sources over a binary
 *   heap. O(log k) per item; lazy: one item per source is buffered, and a source is read again only when the
 *   consumer asks for the item after the one it supplied (never more than one item ahead per source).
 * - {@link compareMarketEvents}, {@link mergeMarketEvents}, {@link mergeMarketEventsAsync}: the same merge in
 *   canonical order, using the key each `event_id` carries (B.4.7), parsed once per event.
 * - {@link SourceOrderError}: the optional per-source order check.
 * - {@link dedupeByEventId} / {@link dedupeByEventIdAsync}: drop adjacent duplicates after the merge.
 *
 * @module
 */
import { type CanonicalKey, compareCanonicalKeys, type MarketEvent, parseEventId } from '@spymaster/schemas';
import { MinHeap } from './heap.js';

/** A three-way comparison: negative when `a` sorts first, 0 when equal, positive when `b` sorts first. */
export type Comparator<T> = (a: T, b: T) => number;

/** Anything that carries a market event id (B.4.7), such as every `MarketEvent`. */
export interface EventIdentified {
  /** Deterministic market event id `<TT>-<SYM>-<ts_event_ns>-<seq|na>-<dup_ordinal>`. */
  readonly event_id: string;
}

/** Options of {@link mergeSorted} and {@link mergeSortedAsync}. */
export interface MergeOptions<T> {
  /**
   * Check that every source is sorted (each item compares ≥ the previous item of the same source) and throw a
   * {@link SourceOrderError} at the first violation. One extra comparison per item. Default `false`.
   */
  checkOrder?: boolean | undefined;
  /** How an item is named in a {@link SourceOrderError} message. Default: its `event_id`, else `String(item)`. */
  describe?: ((item: T) => string) | undefined;
}

/** Options of {@link mergeMarketEvents} and {@link mergeMarketEventsAsync}. */
export interface MarketMergeOptions {
  /** Check that every source is in canonical order ({@link SourceOrderError}). Default `true`. */
  checkOrder?: boolean | undefined;
}

/** Options of {@link dedupeByEventId} and {@link dedupeByEventIdAsync}. */
export interface DedupeOptions<T> {
  /** Called with each dropped duplicate (for counting). */
  onDuplicate?: ((event: T) => void) | undefined;
}

const SOURCE_ORDER_BRAND = Symbol.for('@spymaster/replay/SourceOrderError');

/**
 * A merge (or replay) source is not sorted: item `itemIndex` of source `sourceIndex` sorts before the item that
 * preceded it in the same source. `previous` and `next` name the two items (their event ids for market events).
 *
 * @example
 * ```ts
 * try {
 *   for (const event of mergeMarketEvents([trades, books])) publish(event);
 * } catch (error) {
 *   if (SourceOrderError.is(error)) console.error(error.sourceIndex, error.previous, error.next);
 *   else throw error;
 * }
 * ```
 */
export class SourceOrderError extends Error {
  /** Brand that survives duplicate installs of the package. */
  readonly [SOURCE_ORDER_BRAND] = true;
  /** 0-based index of the unsorted source in the merge's source list. */
  readonly sourceIndex: number;
  /** 0-based position, within that source, of the item that is out of order. */
  readonly itemIndex: number;
  /** The earlier item of the source (event id for market events). */
  readonly previous: string;
  /** The out-of-order item that followed it (event id for market events). */
  readonly next: string;

  /**
   * Create the error; the message names the source, the position and both items.
   *
   * @param sourceIndex - Index of the unsorted source.
   * @param itemIndex - Position of the out-of-order item within it.
   * @param previous - Description of the item before it.
   * @param next - Description of the out-of-order item.
   */
  constructor(sourceIndex: number, itemIndex: number, previous: string, next: string) {
    super(
      `source ${sourceIndex} is not sorted: item ${itemIndex} (${next}) sorts before the item before it (${previous}); ` +
        'sort each source in canonical order before merging or replaying it',
    );
    this.name = 'SourceOrderError';
    this.sourceIndex = sourceIndex;
    this.itemIndex = itemIndex;
    this.previous = previous;
    this.next = next;
  }

  /** True for a `SourceOrderError` from any copy of this package. */
  static is(error: unknown): error is SourceOrderError {
    return (
      typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[SOURCE_ORDER_BRAND] === true
    );
  }
}

/**
 * Default item description for error messages: the `event_id` when there is one, else the `ts_event_ns`, else
 * `String(item)`.
 */
export function describeItem(item: unknown): string {
  if (typeof item === 'object' && item !== null) {
    const { event_id, ts_event_ns } = item as { event_id?: unknown; ts_event_ns?: unknown };
    if (typeof event_id === 'string') return event_id;
    if (typeof ts_event_ns === 'bigint') return `ts_event_ns=${ts_event_ns}`;
  }
  return String(item);
}

// ---------------------------------------------------------------------------------------------------------------
// Core: merge by an extracted key. The key of an item is computed once, when the item enters the heap.

/** One buffered item per source: the heap holds at most one cursor per open source, reused for every item. */
interface Cursor<T, K> {
  readonly source: number;
  /** Position of `value` within its source. */
  index: number;
  value: T;
  key: K;
}

interface Core<T, K> {
  keyOf: (item: T) => K;
  compareKeys: Comparator<K>;
  checkOrder: boolean;
  describe: (item: T) => string;
}

function cursorHeap<T, K>(compareKeys: Comparator<K>): MinHeap<Cursor<T, K>> {
  // Ties go to the lower source index; within a source, order is kept because a source has one cursor at a time.
  return new MinHeap<Cursor<T, K>>((a, b) => {
    const c = compareKeys(a.key, b.key);
    return c < 0 || (c === 0 && a.source < b.source);
  });
}

function checkStep<T, K>(core: Core<T, K>, cursor: Cursor<T, K>, next: T, nextKey: K): void {
  if (core.compareKeys(cursor.key, nextKey) > 0) {
    throw new SourceOrderError(cursor.source, cursor.index + 1, core.describe(cursor.value), core.describe(next));
  }
}

function* mergeCore<T, K>(sources: readonly Iterable<T>[], core: Core<T, K>): Generator<T, void, undefined> {
  // Open iterators that may need closing; an entry is cleared once its iterator finished or threw.
  const open: (Iterator<T> | undefined)[] = new Array<Iterator<T> | undefined>(sources.length).fill(undefined);
  const heap = cursorHeap<T, K>(core.compareKeys);
  const pull = (source: number): IteratorResult<T> => {
    const iterator = open[source] as Iterator<T>;
    open[source] = undefined; // a throwing or finished iterator is not closed again
    const result = iterator.next();
    if (!result.done) open[source] = iterator;
    return result;
  };
  try {
    for (let source = 0; source < sources.length; source++) {
      open[source] = (sources[source] as Iterable<T>)[Symbol.iterator]();
      const first = pull(source);
      if (!first.done) heap.push({ source, index: 0, value: first.value, key: core.keyOf(first.value) });
    }
    for (;;) {
      const top = heap.peek();
      if (top === undefined) return;
      yield top.value;
      // Read the replacement only now, when the consumer asked for the next item (one item ahead at most).
      const next = pull(top.source);
      if (next.done) {
        heap.pop();
        continue;
      }
      const key = core.keyOf(next.value);
      if (core.checkOrder) checkStep(core, top, next.value, key);
      top.index++;
      top.value = next.value;
      top.key = key;
      heap.replaceTop(top);
    }
  } finally {
    // Early exit (break/return/throw): close the sources still open, in order.
    for (const iterator of open) iterator?.return?.();
  }
}

type AnyIterator<T> = AsyncIterator<T> | Iterator<T>;

function openAny<T>(source: AsyncIterable<T> | Iterable<T>): AnyIterator<T> {
  return Symbol.asyncIterator in source
    ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (source as Iterable<T>)[Symbol.iterator]();
}

async function* mergeCoreAsync<T, K>(
  sources: readonly (AsyncIterable<T> | Iterable<T>)[],
  core: Core<T, K>,
): AsyncGenerator<T, void, undefined> {
  const open: (AnyIterator<T> | undefined)[] = new Array<AnyIterator<T> | undefined>(sources.length).fill(undefined);
  const heap = cursorHeap<T, K>(core.compareKeys);
  const pull = async (source: number): Promise<IteratorResult<T>> => {
    const iterator = open[source] as AnyIterator<T>;
    open[source] = undefined;
    const result = await iterator.next();
    if (!result.done) open[source] = iterator;
    return result;
  };
  try {
    // Prime every source concurrently (one item each); the first failure, by source index, wins.
    const firsts = await Promise.allSettled(
      sources.map((src, source) => {
        open[source] = openAny(src);
        return pull(source);
      }),
    );
    for (let source = 0; source < firsts.length; source++) {
      const settled = firsts[source] as PromiseSettledResult<IteratorResult<T>>;
      if (settled.status === 'rejected') throw settled.reason;
      const first = settled.value;
      if (!first.done) heap.push({ source, index: 0, value: first.value, key: core.keyOf(first.value) });
    }
    for (;;) {
      const top = heap.peek();
      if (top === undefined) return;
      yield top.value;
      const next = await pull(top.source);
      if (next.done) {
        heap.pop();
        continue;
      }
      const key = core.keyOf(next.value);
      if (core.checkOrder) checkStep(core, top, next.value, key);
      top.index++;
      top.value = next.value;
      top.key = key;
      heap.replaceTop(top);
    }
  } finally {
    await Promise.allSettled(open.map((iterator) => iterator?.return?.()));
  }
}

const identity = <T>(item: T): T => item;

/**
 * Stable k-way merge of sorted sources: yields every item of every source, sorted by `compare`; items that
 * compare equal come out in source order (lower source index first, then their order within the source), exactly
 * as a stable sort of the concatenated sources would. Lazy, O(log k) per item, and never more than one item
 * ahead per source. Breaking out of the loop closes every source still open.
 *
 * @param sources - Each sorted by `compare` (checked only with `options.checkOrder`).
 * @param compare - Three-way comparison of two items.
 * @param options - {@link MergeOptions}.
 *
 * @example
 * ```ts
 * const merged = [...mergeSorted([[1, 4, 9], [2, 3], [4]], (a, b) => a - b)];
 * // [1, 2, 3, 4, 4, 9]
 * ```
 */
export function mergeSorted<T>(
  sources: readonly Iterable<T>[],
  compare: Comparator<T>,
  options: MergeOptions<T> = {},
): Generator<T, void, undefined> {
  return mergeCore<T, T>(sources, {
    keyOf: identity,
    compareKeys: compare,
    checkOrder: options.checkOrder ?? false,
    describe: options.describe ?? describeItem,
  });
}

/**
 * Async variant of {@link mergeSorted}: merges async (or sync) iterables. The first item of every source is
 * requested concurrently; afterwards exactly one source is read per item delivered. Same order, stability and
 * one-item-ahead bound as the sync merge.
 *
 * @example
 * ```ts
 * for await (const event of mergeSortedAsync([readTrades(), readBooks()], compareMarketEvents)) publish(event);
 * ```
 */
export function mergeSortedAsync<T>(
  sources: readonly (AsyncIterable<T> | Iterable<T>)[],
  compare: Comparator<T>,
  options: MergeOptions<T> = {},
): AsyncGenerator<T, void, undefined> {
  return mergeCoreAsync<T, T>(sources, {
    keyOf: identity,
    compareKeys: compare,
    checkOrder: options.checkOrder ?? false,
    describe: options.describe ?? describeItem,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical events.

interface CachedKey {
  readonly id: string;
  readonly key: CanonicalKey;
}

/** Parsed keys by event object. Pure memoisation: an entry is reused only while the event keeps the same id. */
const keyCache = new WeakMap<object, CachedKey>();

/**
 * The canonical key (B.4.6) an event carries in its `event_id`, parsed once per event object and cached
 * (weakly, so the cache never keeps an event alive). Throws `EventIdError` for a malformed id.
 *
 * @example
 * ```ts
 * canonicalKeyOf(trade).ts_event_ns; // 1765897231000000000n
 * ```
 */
export function canonicalKeyOf(event: EventIdentified): CanonicalKey {
  const cached = keyCache.get(event);
  if (cached !== undefined && cached.id === event.event_id) return cached.key;
  const key = parseEventId(event.event_id);
  keyCache.set(event, { id: event.event_id, key });
  return key;
}

/**
 * Compare two market events in canonical order (B.4.6) by the key carried in their event ids:
 * `ts_event_ns`, type rank (FT < OT < MB < ON), `seq` (missing last), symbol byte-wise, `dup_ordinal`.
 * Ids are parsed once per event object (cached), so sorting with it does not re-parse.
 *
 * @example
 * ```ts
 * events.sort(compareMarketEvents);
 * ```
 */
export function compareMarketEvents(a: EventIdentified, b: EventIdentified): number {
  if (a.event_id === b.event_id) return 0;
  return compareCanonicalKeys(canonicalKeyOf(a), canonicalKeyOf(b));
}

const parseKeyOf = (event: EventIdentified): CanonicalKey => parseEventId(event.event_id);
const describeEvent = (event: EventIdentified): string => event.event_id;

/**
 * Merge per-type (or per-file) event streams, each in canonical order, into one stream in canonical order
 * (B.4.8 historical replay). Each id is parsed once, when its event enters the merge. Events with the same id
 * (duplicates) come out adjacent, lower source index first; pipe through {@link dedupeByEventId} to drop them.
 * With `checkOrder` (default) an unsorted source throws {@link SourceOrderError}.
 *
 * @example
 * ```ts
 * for (const event of dedupeByEventId(mergeMarketEvents([futuresTrades, optionTrades, books, nbbo]))) {
 *   publish(event);
 * }
 * ```
 */
export function mergeMarketEvents<T extends EventIdentified = MarketEvent>(
  sources: readonly Iterable<T>[],
  options: MarketMergeOptions = {},
): Generator<T, void, undefined> {
  return mergeCore<T, CanonicalKey>(sources, {
    keyOf: parseKeyOf,
    compareKeys: compareCanonicalKeys,
    checkOrder: options.checkOrder ?? true,
    describe: describeEvent,
  });
}

/**
 * Async variant of {@link mergeMarketEvents} for async (or sync) sources, e.g. file readers or consumers.
 *
 * @example
 * ```ts
 * for await (const event of mergeMarketEventsAsync([readBronze('trades'), readBronze('mbp10')])) publish(event);
 * ```
 */
export function mergeMarketEventsAsync<T extends EventIdentified = MarketEvent>(
  sources: readonly (AsyncIterable<T> | Iterable<T>)[],
  options: MarketMergeOptions = {},
): AsyncGenerator<T, void, undefined> {
  return mergeCoreAsync<T, CanonicalKey>(sources, {
    keyOf: parseKeyOf,
    compareKeys: compareCanonicalKeys,
    checkOrder: options.checkOrder ?? true,
    describe: describeEvent,
  });
}

/**
 * Drop adjacent duplicates by `event_id` from a stream in canonical order (where duplicates are always adjacent):
 * the first copy is kept. Streaming, O(1) memory.
 *
 * @example
 * ```ts
 * let dropped = 0;
 * const unique = [...dedupeByEventId(mergeMarketEvents([a, b]), { onDuplicate: () => dropped++ })];
 * ```
 */
export function* dedupeByEventId<T extends EventIdentified>(
  events: Iterable<T>,
  options: DedupeOptions<T> = {},
): Generator<T, void, undefined> {
  const onDuplicate = options.onDuplicate;
  let last: string | undefined;
  for (const event of events) {
    if (event.event_id === last) {
      onDuplicate?.(event);
      continue;
    }
    last = event.event_id;
    yield event;
  }
}

/**
 * Async variant of {@link dedupeByEventId}.
 *
 * @example
 * ```ts
 * for await (const event of dedupeByEventIdAsync(mergeMarketEventsAsync(sources))) publish(event);
 * ```
 */
export async function* dedupeByEventIdAsync<T extends EventIdentified>(
  events: AsyncIterable<T> | Iterable<T>,
  options: DedupeOptions<T> = {},
): AsyncGenerator<T, void, undefined> {
  const onDuplicate = options.onDuplicate;
  let last: string | undefined;
  for await (const event of events) {
    if (event.event_id === last) {
      onDuplicate?.(event);
      continue;
    }
    last = event.event_id;
    yield event;
  }
}
