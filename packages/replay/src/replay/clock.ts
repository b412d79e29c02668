/**
 * The replay clock (levels-pipeline-lake.md B.4.8, historical replay): delivers events that are already in
 * canonical order either as fast as possible (`speed` 0) or paced at `speed` × event time, sleeping
 * `min((Δts_event / 1e9) / REPLAY_SPEED, REPLAY_MAX_SLEEP_S)` seconds between consecutive events, optionally
 * restricted to an event-time window `[startNs, endNs)`.
 *
 * Pacing is scheduled against the instant the first event went out: each sleep is shortened by how far the
 * wall clock already ran past the schedule (slow consumers, timer overshoot), so drift does not accumulate.
 * Events sharing one `ts_event_ns` go out together, with no sleep between them.
 *
 * Two interfaces: {@link replay} (an async generator, one event at a time) and {@link replayTo} (a push API for
 * hot paths: one synchronous callback per same-timestamp group, or per batch of up to `maxBatch` events at
 * speed 0, with no `await` per event). The wall clock is injected ({@link ReplayClock}) so tests run on a
 * virtual clock; it is used for pacing only, never for event data.
 *
 * @module
 */
import { DEFAULT_CONFIG, type MarketEvent } from '@spymaster/schemas';
import { describeItem, SourceOrderError } from './merge.js';

/** Anything with an event time: every canonical market event. */
export interface Timed {
  /** Exchange event time, ns since the Unix epoch (UTC). */
  readonly ts_event_ns: bigint;
}

/**
 * The wall clock a replay paces itself against. Inject a virtual clock in tests so pacing is exact and instant.
 *
 * @example
 * ```ts
 * class VirtualClock implements ReplayClock {
 *   t = 0;
 *   now() { return this.t; }
 *   async sleep(ms: number) { this.t += ms; }
 * }
 * ```
 */
export interface ReplayClock {
  /** Current wall-clock time in milliseconds from an arbitrary origin (monotonic). */
  now(): number;
  /**
   * Resolve after `ms` milliseconds. May reject with `signal.reason` when `signal` aborts (the replay also races
   * the sleep against the signal, so a clock may ignore it).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock: `performance.now()` and `setTimeout`, with abortable sleeps.
 *
 * @example
 * ```ts
 * await replayTo(events, publishBatch, { speed: 10, clock: systemClock });
 * ```
 */
export const systemClock: ReplayClock = /* @__PURE__ */ Object.freeze({
  now: (): number => performance.now(),
  sleep: (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
});

/** Options of {@link replay} and {@link replayTo}. */
export interface ReplayOptions {
  /** × real time; 0 = as fast as possible. Default `DEFAULT_CONFIG.REPLAY_SPEED` (1). */
  speed?: number | undefined;
  /** Longest sleep between two events, seconds. Default `DEFAULT_CONFIG.REPLAY_MAX_SLEEP_S` (5). */
  maxSleepS?: number | undefined;
  /** First event time delivered (inclusive), ns. Earlier events are read and skipped. */
  startNs?: bigint | undefined;
  /** End of the window (exclusive), ns: the first event at or after it ends the replay and closes the source. */
  endNs?: bigint | undefined;
  /** Wall clock used for pacing. Default {@link systemClock}. */
  clock?: ReplayClock | undefined;
  /** Stops the replay: the iterator throws / the promise rejects with `signal.reason`, and the source is closed. */
  signal?: AbortSignal | undefined;
  /**
   * Largest batch handed to `onBatch` by {@link replayTo} (a larger same-timestamp group is split into
   * consecutive batches with no sleep between them), and the number of events after which both APIs yield to the
   * event loop when no sleep has done so (speed 0, or catching up), so timers, I/O and aborts can run.
   * Default 1024.
   */
  maxBatch?: number | undefined;
}

/** What a {@link replayTo} run did. */
export interface ReplayStats {
  /** Events delivered. */
  delivered: number;
  /** Calls of `onBatch`. */
  batches: number;
  /** Events read before `startNs` and skipped. */
  skipped: number;
  /** Number of sleeps. */
  sleeps: number;
  /** Total sleep requested, ms. */
  sleptMs: number;
}

/** Default {@link ReplayOptions.maxBatch}. */
export const DEFAULT_REPLAY_MAX_BATCH = 1024;

const NS_PER_MS = 1e6;

/**
 * The B.4.8 pause between two consecutive replayed events, in milliseconds:
 * `min((Δts_event / 1e9) / speed, maxSleepS) × 1000`; 0 when `speed` is 0 or `Δ ≤ 0`.
 *
 * @example
 * ```ts
 * pacingDelayMs(1_500_000_000n, 2, 5); // 750
 * pacingDelayMs(60_000_000_000n, 1, 5); // 5000 (capped)
 * ```
 */
export function pacingDelayMs(deltaNs: bigint, speed: number, maxSleepS: number): number {
  if (speed <= 0 || deltaNs <= 0n) return 0;
  return Math.min(Number(deltaNs) / NS_PER_MS / speed, maxSleepS * 1000);
}

interface Resolved {
  speed: number;
  maxSleepS: number;
  startNs: bigint | undefined;
  endNs: bigint | undefined;
  clock: ReplayClock;
  signal: AbortSignal | undefined;
  maxBatch: number;
}

function resolveOptions(options: ReplayOptions): Resolved {
  const speed = options.speed ?? DEFAULT_CONFIG.REPLAY_SPEED;
  const maxSleepS = options.maxSleepS ?? DEFAULT_CONFIG.REPLAY_MAX_SLEEP_S;
  const maxBatch = options.maxBatch ?? DEFAULT_REPLAY_MAX_BATCH;
  if (!(Number.isFinite(speed) && speed >= 0)) {
    throw new RangeError(`replay speed must be a finite number ≥ 0 (0 = as fast as possible), got ${speed}`);
  }
  if (!(Number.isFinite(maxSleepS) && maxSleepS >= 0)) {
    throw new RangeError(`replay maxSleepS must be a finite number of seconds ≥ 0, got ${maxSleepS}`);
  }
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) {
    throw new RangeError(`replay maxBatch must be an integer ≥ 1, got ${maxBatch}`);
  }
  return {
    speed,
    maxSleepS,
    startNs: options.startNs,
    endNs: options.endNs,
    clock: options.clock ?? systemClock,
    signal: options.signal,
    maxBatch,
  };
}

/** Next macrotask: lets timers, I/O and abort handlers run during a replay that never sleeps. */
function macrotask(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** `clock.sleep(ms)`, settled early with `signal.reason` when the signal aborts (whatever the clock does). */
function sleepUnlessAborted(clock: ReplayClock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return clock.sleep(ms);
  signal.throwIfAborted();
  const sleeping = clock.sleep(ms, signal);
  sleeping.catch(() => {}); // a clock rejecting on abort must not leave an unhandled rejection behind
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([sleeping, aborted]).finally(() => {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  });
}

const CONTINUE = 0;
const SKIP = 1;
const STOP = 2;
type Admission = typeof CONTINUE | typeof SKIP | typeof STOP;

/**
 * Per-run state shared by both APIs: the order check, the window, and the pacing schedule.
 *
 * Schedule: `due` is when the previous delivered event was due on the wall clock (the first event is due when it
 * is read). Before an event `Δ` later in event time, the replay sleeps `d − lag` where `d` is the B.4.8 pause
 * and `lag = now − due` is how late the previous event went out; then `due += d`. On a clock that never runs
 * late every sleep is exactly `d`.
 */
class Schedule<T extends Timed> {
  private readonly o: Resolved;
  private readonly paced: boolean;
  /** Whether batches are same-timestamp groups (speed > 0) rather than runs of mixed timestamps (speed 0). */
  readonly groupsByTime: boolean;
  private read = 0;
  private lastReadTs: bigint | undefined;
  private lastRead: T | undefined;
  private lastDeliveredTs: bigint | undefined;
  private due = 0;
  /** Events delivered since the last await of a sleep or macrotask. */
  sinceYield = 0;
  readonly stats: ReplayStats = { delivered: 0, batches: 0, skipped: 0, sleeps: 0, sleptMs: 0 };

  constructor(o: Resolved) {
    this.o = o;
    this.paced = o.speed > 0 && o.maxSleepS > 0;
    this.groupsByTime = o.speed > 0;
  }

  /** Order check and window: whether to deliver, skip, or stop at `event`. */
  admit(event: T): Admission {
    this.o.signal?.throwIfAborted();
    const ts = event.ts_event_ns;
    const index = this.read++;
    if (this.lastReadTs !== undefined && ts < this.lastReadTs) {
      throw new SourceOrderError(0, index, describeItem(this.lastRead), describeItem(event));
    }
    this.lastReadTs = ts;
    this.lastRead = event;
    if (this.o.endNs !== undefined && ts >= this.o.endNs) return STOP;
    if (this.o.startNs !== undefined && ts < this.o.startNs) {
      this.stats.skipped++;
      return SKIP;
    }
    return CONTINUE;
  }

  /** Milliseconds to sleep before delivering an admitted event at `ts` (0: deliver now). */
  waitBefore(ts: bigint): number {
    const previous = this.lastDeliveredTs;
    this.lastDeliveredTs = ts;
    if (!this.paced) return 0;
    if (previous === undefined) {
      this.due = this.o.clock.now();
      return 0;
    }
    if (ts === previous) return 0;
    const d = pacingDelayMs(ts - previous, this.o.speed, this.o.maxSleepS);
    if (d <= 0) return 0;
    const lag = this.o.clock.now() - this.due;
    this.due += d;
    const wait = d - lag;
    return Math.max(wait, 0);
  }

  /** Sleep `ms` (abortable), counting it. */
  sleep(ms: number): Promise<void> {
    this.stats.sleeps++;
    this.stats.sleptMs += ms;
    this.sinceYield = 0;
    return sleepUnlessAborted(this.o.clock, ms, this.o.signal);
  }

  /** A macrotask when `maxBatch` events went out without any await that reached the event loop, else undefined. */
  maybeYield(): Promise<void> | undefined {
    if (this.sinceYield < this.o.maxBatch) return undefined;
    this.sinceYield = 0;
    return macrotask();
  }
}

function isAsyncIterable<T>(source: AsyncIterable<T> | Iterable<T>): source is AsyncIterable<T> {
  return Symbol.asyncIterator in source;
}

/**
 * Replay events (in canonical order) as an async generator, paced per B.4.8 (see the module notes), within the
 * optional window `[startNs, endNs)`. Throws {@link SourceOrderError} if event times decrease, `signal.reason`
 * when aborted. Breaking out of the loop closes the source.
 *
 * @param events - Events in canonical order (sync or async iterable), e.g. from {@link mergeMarketEvents}.
 * @param options - {@link ReplayOptions}.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * for await (const event of replay(mergeMarketEvents(sources), { speed: 10, signal: controller.signal })) {
 *   publish(event);
 * }
 * ```
 */
export async function* replay<T extends Timed = MarketEvent>(
  events: AsyncIterable<T> | Iterable<T>,
  options: ReplayOptions = {},
): AsyncGenerator<T, void, undefined> {
  const o = resolveOptions(options);
  const schedule = new Schedule<T>(o);
  const step = async (event: T): Promise<Admission> => {
    const admission = schedule.admit(event);
    if (admission !== CONTINUE) return admission;
    const wait = schedule.waitBefore(event.ts_event_ns);
    if (wait > 0) await schedule.sleep(wait);
    else {
      const yielding = schedule.maybeYield();
      if (yielding !== undefined) await yielding;
    }
    o.signal?.throwIfAborted();
    schedule.sinceYield++;
    schedule.stats.delivered++;
    return CONTINUE;
  };
  if (isAsyncIterable(events)) {
    for await (const event of events) {
      const admission = await step(event);
      if (admission === STOP) return;
      if (admission === CONTINUE) yield event;
    }
  } else {
    for (const event of events) {
      const admission = await step(event);
      if (admission === STOP) return;
      if (admission === CONTINUE) yield event;
    }
  }
}

/**
 * Push API for hot paths: replays like {@link replay} but hands events to `onBatch` synchronously, one call per
 * same-timestamp group when paced (split at `maxBatch`), or per batch of up to `maxBatch` events at speed 0,
 * without an `await` per event (a sync source is read synchronously between sleeps). Each batch array is new and
 * owned by the callee. Resolves with {@link ReplayStats}; rejects with {@link SourceOrderError}, an error thrown
 * by `onBatch`, or `signal.reason` when aborted (a batch not yet delivered is dropped).
 *
 * @param events - Events in canonical order (sync or async iterable).
 * @param onBatch - Receives each batch, in order; never called with an empty array.
 * @param options - {@link ReplayOptions}.
 *
 * @example
 * ```ts
 * const stats = await replayTo(mergeMarketEvents(sources), (batch) => {
 *   for (const event of batch) nats.publish(subjectOf(event), encode(event), { msgID: event.event_id });
 * }, { speed: 0, maxBatch: 4096 });
 * ```
 */
export async function replayTo<T extends Timed = MarketEvent>(
  events: AsyncIterable<T> | Iterable<T>,
  onBatch: (events: T[]) => void,
  options: ReplayOptions = {},
): Promise<ReplayStats> {
  const o = resolveOptions(options);
  const schedule = new Schedule<T>(o);
  const stats = schedule.stats;
  let batch: T[] = [];
  let batchTs: bigint | undefined;
  const flush = (): void => {
    if (batch.length === 0) return;
    o.signal?.throwIfAborted();
    const out = batch;
    batch = [];
    stats.batches++;
    stats.delivered += out.length;
    schedule.sinceYield += out.length;
    onBatch(out);
  };
  /** Take one event; returns a promise to await before the next one (a sleep or a yield), STOP, or undefined. */
  const accept = (event: T): Promise<void> | typeof STOP | undefined => {
    const admission = schedule.admit(event);
    if (admission === STOP) return STOP;
    if (admission === SKIP) return undefined;
    const ts = event.ts_event_ns;
    // Paced: one batch per same-timestamp group. Speed 0: batches of mixed timestamps. Both bounded by maxBatch.
    if (batch.length > 0 && (batch.length >= o.maxBatch || (schedule.groupsByTime && ts !== batchTs))) flush();
    // Measured after the flush, so the time onBatch took counts as lag and is taken off the sleep.
    const wait = schedule.waitBefore(ts);
    // The event joins the next batch now; that batch is delivered only after the sleep, at its next flush.
    batch.push(event);
    batchTs = ts;
    return wait > 0 ? schedule.sleep(wait) : schedule.maybeYield();
  };
  if (isAsyncIterable(events)) {
    for await (const event of events) {
      const next = accept(event);
      if (next === STOP) break;
      if (next !== undefined) await next;
    }
  } else {
    for (const event of events) {
      const next = accept(event);
      if (next === STOP) break;
      if (next !== undefined) await next;
    }
  }
  flush();
  return stats;
}
