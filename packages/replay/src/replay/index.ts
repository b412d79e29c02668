/**
 * Event-time merge, replay clock and live reorder buffer (levels-pipeline-lake.md B.4.6–B.4.8).
 *
 * - `merge`: stable, lazy k-way merge of sorted sources; canonical-order merge of market events; adjacent
 *   dedup by `event_id`; {@link SourceOrderError} for unsorted sources.
 * - `clock`: replay as fast as possible or paced at `REPLAY_SPEED` × event time (sleeps capped at
 *   `REPLAY_MAX_SLEEP_S`), within an event-time window, as an async iterator ({@link replay}) or a batch push API
 *   ({@link replayTo}), with an injectable {@link ReplayClock}.
 * - `reorder`: the live {@link ReorderBuffer} (`LATENESS_BUFFER_MS`), pure and clock-free.
 *
 * @example
 * ```ts
 * import { dedupeByEventId, mergeMarketEvents, replayTo } from '@spymaster/replay';
 *
 * const events = dedupeByEventId(mergeMarketEvents([futuresTrades, optionTrades, books, nbbo]));
 * const stats = await replayTo(events, (batch) => batch.forEach(publish), { speed: 1 });
 * ```
 *
 * @module
 */
export {
  DEFAULT_REPLAY_MAX_BATCH,
  pacingDelayMs,
  type ReplayClock,
  type ReplayOptions,
  type ReplayStats,
  replay,
  replayTo,
  systemClock,
  type Timed,
} from './clock.js';
export {
  type Comparator,
  canonicalKeyOf,
  compareMarketEvents,
  type DedupeOptions,
  dedupeByEventId,
  dedupeByEventIdAsync,
  describeItem,
  type EventIdentified,
  type MarketMergeOptions,
  type MergeOptions,
  mergeMarketEvents,
  mergeMarketEventsAsync,
  mergeSorted,
  mergeSortedAsync,
  SourceOrderError,
} from './merge.js';
export { ReorderBuffer, type ReorderOptions, type ReorderSink } from './reorder.js';
