/**
 * The live reorder buffer (levels-pipeline-lake.md B.4.8, live publishing): hold arriving events and release
 * each one, in canonical order (B.4.6), once `max ts_event_ns seen − LATENESS_BUFFER_MS ≥ its ts_event_ns`.
 * An event arriving after an event with a larger canonical key was released is passed through at once, flagged
 * late and counted ("published anyway and counted as late"; Bronze keeps it, batch rebuilds place it).
 *
 * Sans-I/O and clock-free: it moves only on arrivals ({@link ReorderBuffer.push}), on an explicit event-time
 * watermark ({@link ReorderBuffer.advanceTo}) and at end of stream ({@link ReorderBuffer.flush}).
 *
 * @module
 */
import {
  type CanonicalKey,
  compareCanonicalKeys,
  DEFAULT_CONFIG,
  type MarketEvent,
  parseEventId,
} from '@spymaster/schemas';
import type { Timed } from './clock.js';
import { MinHeap } from './heap.js';
import type { EventIdentified } from './merge.js';

/**
 * Receives every event the buffer releases, exactly once, in release order. `late` is true for an event that
 * arrived after an event with a larger canonical key had been released (it is out of canonical order).
 */
export type ReorderSink<T> = (event: T, late: boolean) => void;

/** Options of {@link ReorderBuffer}. */
export interface ReorderOptions {
  /** How long, in event time, an event is held for stragglers, ms (integer ≥ 0). Default `LATENESS_BUFFER_MS` (500). */
  latenessBufferMs?: number | undefined;
}

interface Held<T> {
  readonly key: CanonicalKey;
  readonly event: T;
  /** Arrival number: keeps equal keys (duplicate ids) in arrival order. */
  readonly arrival: number;
}

const NS_PER_MS = 1_000_000n;

/**
 * Live reorder buffer of B.4.8. Events go in with {@link ReorderBuffer.push} in arrival order and come out
 * through the sink in canonical order, each as soon as the newest event time seen is at least the lateness
 * buffer past it. Every event comes out exactly once; only late ones (see {@link ReorderSink}) break the order.
 *
 * @example
 * ```ts
 * const buffer = new ReorderBuffer<MarketEvent>((event, late) => publish(event, { late }), {
 *   latenessBufferMs: 500,
 * });
 * for await (const event of feed) buffer.push(event);
 * buffer.flush();
 * console.log(buffer.lateCount);
 * ```
 */
export class ReorderBuffer<T extends Timed & EventIdentified = MarketEvent> {
  /** The lateness buffer in ns. */
  readonly bufferNs: bigint;
  private readonly sink: ReorderSink<T>;
  private readonly heap = new MinHeap<Held<T>>((a, b) => {
    const c = compareCanonicalKeys(a.key, b.key);
    return c < 0 || (c === 0 && a.arrival < b.arrival);
  });
  private arrivals = 0;
  private maxSeen: bigint | undefined;
  private lastReleased: CanonicalKey | undefined;
  private released = 0;
  private late = 0;

  /**
   * Create an empty buffer.
   *
   * @param sink - Receives each released event and whether it is late.
   * @param options - {@link ReorderOptions}.
   */
  constructor(sink: ReorderSink<T>, options: ReorderOptions = {}) {
    const ms = options.latenessBufferMs ?? DEFAULT_CONFIG.LATENESS_BUFFER_MS;
    if (!(Number.isInteger(ms) && ms >= 0)) {
      throw new RangeError(`latenessBufferMs must be an integer number of milliseconds ≥ 0, got ${ms}`);
    }
    this.sink = sink;
    this.bufferNs = BigInt(ms) * NS_PER_MS;
  }

  /** Events held, not yet released. */
  get size(): number {
    return this.heap.size;
  }

  /** Events released so far (late ones included). */
  get releasedCount(): number {
    return this.released;
  }

  /** Events released flagged late so far. */
  get lateCount(): number {
    return this.late;
  }

  /** Newest event time seen (arrivals and watermarks), ns; `undefined` before the first. */
  get maxSeenNs(): bigint | undefined {
    return this.maxSeen;
  }

  /**
   * Take one arriving event: a late event (its canonical key sorts before the last released one) is released at
   * once flagged late; otherwise it is held, and every held event now at least the lateness buffer older than
   * the newest event time seen is released in canonical order. Throws `EventIdError` for a malformed id.
   */
  push(event: T): void {
    const key = parseEventId(event.event_id);
    if (this.lastReleased !== undefined && compareCanonicalKeys(key, this.lastReleased) < 0) {
      this.late++;
      this.released++;
      this.sink(event, true);
      return;
    }
    this.heap.push({ key, event, arrival: this.arrivals++ });
    if (this.maxSeen === undefined || key.ts_event_ns > this.maxSeen) this.maxSeen = key.ts_event_ns;
    this.releaseUpTo(this.maxSeen - this.bufferNs);
  }

  /**
   * Declare that the feed has reached event time `watermarkNs` (for example from an exchange heartbeat) without
   * an event: acts as an arrival at that time, releasing held events with `ts_event_ns ≤ watermarkNs − buffer`.
   * A watermark older than the newest event time seen changes nothing.
   */
  advanceTo(watermarkNs: bigint): void {
    if (this.maxSeen !== undefined && watermarkNs <= this.maxSeen) return;
    this.maxSeen = watermarkNs;
    this.releaseUpTo(watermarkNs - this.bufferNs);
  }

  /** End of stream: release every held event in canonical order. */
  flush(): void {
    for (;;) {
      const held = this.heap.pop();
      if (held === undefined) return;
      this.emit(held);
    }
  }

  private releaseUpTo(thresholdNs: bigint): void {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || top.key.ts_event_ns > thresholdNs) return;
      this.heap.pop();
      this.emit(top);
    }
  }

  private emit(held: Held<T>): void {
    this.lastReleased = held.key;
    this.released++;
    this.sink(held.event, false);
  }
}
