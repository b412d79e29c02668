import { DEFAULT_CONFIG } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  pacingDelayMs,
  type ReplayClock,
  type ReplayOptions,
  replay,
  replayTo,
  SourceOrderError,
  systemClock,
} from '../src/replay/index.js';

// ------------------------------------------------------------------------------------------------ helpers

/** Virtual wall clock: time moves only when the replay sleeps (plus an optional oversleep per sleep). */
class VirtualClock implements ReplayClock {
  t = 1_000;
  readonly sleeps: number[] = [];
  constructor(private readonly oversleepMs = 0) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms + this.oversleepMs;
    return Promise.resolve();
  }
}

/** A clock whose sleeps never end: only an abort can get a replay past one. */
class StuckClock implements ReplayClock {
  sleeping!: Promise<void>;
  private onSleep!: () => void;
  constructor() {
    this.sleeping = new Promise<void>((resolve) => {
      this.onSleep = resolve;
    });
  }
  now(): number {
    return 0;
  }
  sleep(): Promise<void> {
    this.onSleep();
    return new Promise<void>(() => {});
  }
}

/** A clock that fails the test if the replay ever sleeps. */
const noSleepClock: ReplayClock = {
  now: () => 0,
  sleep: (ms) => {
    throw new Error(`unexpected sleep of ${ms} ms`);
  },
};

interface Ev {
  ts_event_ns: bigint;
  n: number;
}

const T0 = 1_765_897_231_000_000_000n;

/** Non-decreasing event times: repeats (same-timestamp groups), sub-ms gaps, and gaps beyond the sleep cap. */
const eventsArb: fc.Arbitrary<Ev[]> = fc
  .array(
    fc.oneof(
      fc.constant(0n),
      fc.bigInt({ min: 1n, max: 999_999n }),
      fc.bigInt({ min: 1_000_000n, max: 2_000_000_000n }),
      fc.bigInt({ min: 1n, max: 20_000_000_000n }),
    ),
    { maxLength: 40 },
  )
  .map((deltas) => {
    let ts = T0;
    return deltas.map((delta, n) => {
      ts += delta;
      return { ts_event_ns: ts, n };
    });
  });

const speedArb = fc.oneof(
  fc.constantFrom(0.5, 1, 2, 10, 3.7),
  fc.double({ min: 0.01, max: 1000, noNaN: true, noDefaultInfinity: true }),
);
const maxSleepArb = fc.oneof(fc.constantFrom(5, 0.25, 1), fc.double({ min: 0.001, max: 10, noNaN: true }));

/** The sleeps B.4.8 prescribes between consecutive delivered events: min(Δ/1e9/N, max) s, in ms, none for Δ = 0. */
function expectedSleeps(events: readonly Ev[], speed: number, maxSleepS: number): number[] {
  const sleeps: number[] = [];
  for (let i = 1; i < events.length; i++) {
    const delta = (events[i] as Ev).ts_event_ns - (events[i - 1] as Ev).ts_event_ns;
    if (delta === 0n) continue;
    // Same float expression as the implementation so the comparison can be exact; the spec's own form
    // min((Δ / 1e9) / N, max) × 1000 is checked to agree to rounding below.
    const ms = Math.min(Number(delta) / 1e6 / speed, maxSleepS * 1000);
    const spec = Math.min(Number(delta) / 1e9 / speed, maxSleepS) * 1000;
    expect(Math.abs(ms - spec)).toBeLessThanOrEqual(1e-9 * Math.max(1, spec));
    sleeps.push(ms);
  }
  return sleeps;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

/** A sync source that counts reads and records whether it was closed. */
function probe<T>(items: readonly T[]) {
  const state = { read: 0, closed: false };
  const iterable: Iterable<T> = {
    [Symbol.iterator]: () => ({
      next: (): IteratorResult<T> => {
        if (state.read >= items.length) return { done: true, value: undefined };
        return { done: false, value: items[state.read++] as T };
      },
      return: (): IteratorResult<T> => {
        state.closed = true;
        return { done: true, value: undefined };
      },
    }),
  };
  return { iterable, state };
}

// ------------------------------------------------------------------------------------------------ pacing

describe('pacingDelayMs', () => {
  it('is the B.4.8 pause (examples)', () => {
    expect(pacingDelayMs(1_500_000_000n, 2, 5)).toBe(750);
    expect(pacingDelayMs(60_000_000_000n, 1, 5)).toBe(5000);
    expect(pacingDelayMs(250_000_000n, 1, 5)).toBe(250);
    expect(pacingDelayMs(0n, 1, 5)).toBe(0);
    expect(pacingDelayMs(-5n, 1, 5)).toBe(0);
    expect(pacingDelayMs(1_000_000_000n, 0, 5)).toBe(0);
  });
});

describe('replay (async iterator)', () => {
  it('sleeps exactly Σ min(Δ/N, max) on a virtual clock, never between equal timestamps', async () => {
    await fc.assert(
      fc.asyncProperty(eventsArb, speedArb, maxSleepArb, async (events, speed, maxSleepS) => {
        const clock = new VirtualClock();
        const out = await collect(replay(events, { speed, maxSleepS, clock }));
        expect(out).toEqual(events);
        const expected = expectedSleeps(events, speed, maxSleepS);
        expect(clock.sleeps).toEqual(expected);
        expect(sum(clock.sleeps)).toBe(sum(expected));
      }),
    );
  });

  it('uses REPLAY_SPEED and REPLAY_MAX_SLEEP_S by default', async () => {
    const events = [0n, 0n, 1_000_000_000n, 11_000_000_000n].map((d, n) => ({ ts_event_ns: T0 + d, n }));
    const clock = new VirtualClock();
    await collect(replay(events, { clock }));
    expect(DEFAULT_CONFIG.REPLAY_SPEED).toBe(1);
    expect(clock.sleeps).toEqual([1000, DEFAULT_CONFIG.REPLAY_MAX_SLEEP_S * 1000]);
  });

  it('never sleeps between events of one timestamp', async () => {
    const events = Array.from({ length: 50 }, (_, n) => ({ ts_event_ns: T0, n }));
    const out = await collect(replay(events, { speed: 1, clock: noSleepClock }));
    expect(out).toEqual(events);
  });

  it('speed 0 never sleeps', async () => {
    await fc.assert(
      fc.asyncProperty(eventsArb, async (events) => {
        expect(await collect(replay(events, { speed: 0, clock: noSleepClock }))).toEqual(events);
        expect(await collect(replay(toAsync(events), { speed: 0, clock: noSleepClock, maxBatch: 3 }))).toEqual(events);
      }),
    );
  });

  it('does not accumulate drift: each sleep is shortened by the lag behind schedule', async () => {
    const events = Array.from({ length: 20 }, (_, n) => ({ ts_event_ns: T0 + BigInt(n) * 100_000_000n, n }));
    const clock = new VirtualClock(3); // every sleep overshoots by 3 ms
    const start = clock.t;
    await collect(replay(events, { speed: 1, clock }));
    expect(clock.sleeps).toEqual([100, ...Array.from({ length: 18 }, () => 97)]);
    expect(clock.t - start).toBe(19 * 100 + 3); // one overshoot, not 19
  });

  it('a slow consumer is not slowed further: time spent consuming counts against the next sleep', async () => {
    const events = Array.from({ length: 5 }, (_, n) => ({ ts_event_ns: T0 + BigInt(n) * 1_000_000_000n, n }));
    const clock = new VirtualClock();
    for await (const _ of replay(events, { speed: 1, clock })) clock.t += 400; // 400 ms of work per event
    expect(clock.sleeps).toEqual([600, 600, 600, 600]);
  });

  it('filters a window [startNs, endNs) and stops reading at endNs', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsArb,
        fc.bigInt({ min: 0n, max: 50_000_000_000n }),
        fc.bigInt({ min: 0n, max: 50_000_000_000n }),
        speedArb,
        async (events, a, b, speed) => {
          const [lo = 0n, hi = 0n] = [a, b].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)); // bigints: no Math.min
          const startNs = T0 + lo;
          const endNs = T0 + hi;
          const inWindow = events.filter((e) => e.ts_event_ns >= startNs && e.ts_event_ns < endNs);
          const clock = new VirtualClock();
          const source = probe(events);
          const out = await collect(replay(source.iterable, { speed, maxSleepS: 5, startNs, endNs, clock }));
          expect(out).toEqual(inWindow);
          // Pacing only between delivered events: nothing for the skipped lead-in.
          expect(clock.sleeps).toEqual(expectedSleeps(inWindow, speed, 5));
          // Reads stop at the first event at or after endNs.
          const firstAfter = events.findIndex((e) => e.ts_event_ns >= endNs);
          expect(source.state.read).toBe(firstAfter === -1 ? events.length : firstAfter + 1);
          if (firstAfter !== -1) expect(source.state.closed).toBe(true);
        },
      ),
    );
  });

  it('throws SourceOrderError when event times decrease', async () => {
    const events = [T0, T0 + 5n, T0 + 4n].map((ts, n) => ({ ts_event_ns: ts, n }));
    const error = await collect(replay(events, { speed: 0 })).catch((e: unknown) => e);
    expect(SourceOrderError.is(error)).toBe(true);
    if (!SourceOrderError.is(error)) throw error;
    expect(error.itemIndex).toBe(2);
    expect(error.next).toBe(`ts_event_ns=${T0 + 4n}`);
  });

  it('abort during a sleep stops promptly, even with a clock that never wakes, and closes the source', async () => {
    const events = [0n, 1_000_000_000n, 2_000_000_000n].map((d, n) => ({ ts_event_ns: T0 + d, n }));
    const clock = new StuckClock();
    const controller = new AbortController();
    const source = probe(events);
    const iterator = replay(source.iterable, { speed: 1, clock, signal: controller.signal });
    expect((await iterator.next()).value).toEqual(events[0]);
    const pending = iterator.next();
    await clock.sleeping;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(source.state.closed).toBe(true);
    expect(source.state.read).toBe(2);
  });

  it('abort between events stops before the next one', async () => {
    const controller = new AbortController();
    const events = Array.from({ length: 10 }, (_, n) => ({ ts_event_ns: T0 + BigInt(n), n }));
    const seen: number[] = [];
    const run = (async () => {
      for await (const e of replay(events, { speed: 0, signal: controller.signal })) {
        seen.push(e.n);
        if (e.n === 3) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('rejects invalid options', async () => {
    const bad: ReplayOptions[] = [{ speed: -1 }, { speed: Number.NaN }, { maxSleepS: -1 }, { maxBatch: 0 }];
    for (const options of bad) {
      await expect(replay([], options).next()).rejects.toThrow(RangeError);
      await expect(replayTo([], () => {}, options)).rejects.toThrow(RangeError);
    }
  });
});

// ------------------------------------------------------------------------------------------------ push API

describe('replayTo (push API)', () => {
  it('delivers the same sequence and sleeps as the iterator, one batch per timestamp group', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsArb,
        speedArb,
        maxSleepArb,
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        async (events, speed, maxSleepS, maxBatch, asyncSource) => {
          const iterClock = new VirtualClock();
          const viaIterator = await collect(replay(events, { speed, maxSleepS, clock: iterClock }));
          const clock = new VirtualClock();
          const batches: Ev[][] = [];
          const stats = await replayTo(asyncSource ? toAsync(events) : events, (batch) => batches.push(batch), {
            speed,
            maxSleepS,
            clock,
            maxBatch,
          });
          expect(batches.flat()).toEqual(viaIterator);
          expect(clock.sleeps).toEqual(iterClock.sleeps);
          expect(stats).toMatchObject({ delivered: events.length, batches: batches.length, skipped: 0 });
          expect(stats.sleeps).toBe(clock.sleeps.length);
          expect(stats.sleptMs).toBe(sum(clock.sleeps));
          for (const [i, batch] of batches.entries()) {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(maxBatch);
            expect(new Set(batch.map((e) => e.ts_event_ns)).size).toBe(1); // one timestamp per batch
            const previous = batches[i - 1];
            // A group is split only at maxBatch.
            if (previous !== undefined && previous[0]?.ts_event_ns === batch[0]?.ts_event_ns) {
              expect(previous.length).toBe(maxBatch);
            }
          }
        },
      ),
    );
  });

  it('delivers each group before sleeping towards the next (virtual time of each delivery)', async () => {
    const deltas = [0n, 0n, 2_000_000_000n, 2_000_000_000n, 3_000_000_000n];
    const events = deltas.map((d, n) => ({ ts_event_ns: T0 + d, n }));
    const clock = new VirtualClock();
    const start = clock.t;
    const deliveries: [number, number[]][] = [];
    await replayTo(events, (batch) => deliveries.push([clock.t - start, batch.map((e) => e.n)]), { speed: 2, clock });
    expect(deliveries).toEqual([
      [0, [0, 1]],
      [1000, [2, 3]],
      [1500, [4]],
    ]);
  });

  it('speed 0: never sleeps, batches of mixed timestamps up to maxBatch', async () => {
    await fc.assert(
      fc.asyncProperty(eventsArb, fc.integer({ min: 1, max: 16 }), async (events, maxBatch) => {
        const batches: Ev[][] = [];
        const stats = await replayTo(events, (batch) => batches.push(batch), {
          speed: 0,
          clock: noSleepClock,
          maxBatch,
        });
        expect(batches.flat()).toEqual(events);
        expect(batches.map((b) => b.length)).toEqual(
          Array.from({ length: Math.ceil(events.length / maxBatch) }, (_, i) =>
            Math.min(maxBatch, events.length - i * maxBatch),
          ),
        );
        expect(stats.sleeps).toBe(0);
      }),
    );
  });

  it('reads a sync source without awaiting per event: a whole group is delivered in one synchronous pass', async () => {
    const events = Array.from({ length: 100 }, (_, n) => ({ ts_event_ns: T0, n }));
    const batches: number[] = [];
    let resolved = false;
    const done = replayTo(events, (batch) => batches.push(batch.length), { speed: 1, clock: noSleepClock }).then(() => {
      resolved = true;
    });
    // No event-loop turn has happened yet, and the only group was already delivered.
    expect(batches).toEqual([100]);
    expect(resolved).toBe(false);
    await done;
  });

  it('applies the window and counts skipped events', async () => {
    const events = Array.from({ length: 10 }, (_, n) => ({ ts_event_ns: T0 + BigInt(n) * 1_000_000n, n }));
    const batches: number[][] = [];
    const stats = await replayTo(events, (b) => batches.push(b.map((e) => e.n)), {
      speed: 0,
      startNs: T0 + 3_000_000n,
      endNs: T0 + 7_000_000n,
    });
    expect(batches.flat()).toEqual([3, 4, 5, 6]);
    expect(stats).toMatchObject({ delivered: 4, skipped: 3 });
  });

  it('abort during a sleep rejects promptly and closes the source', async () => {
    const events = [0n, 1_000_000_000n].map((d, n) => ({ ts_event_ns: T0 + d, n }));
    const clock = new StuckClock();
    const controller = new AbortController();
    const source = probe(events);
    const batches: number[][] = [];
    const run = replayTo(source.iterable, (b) => batches.push(b.map((e) => e.n)), {
      speed: 1,
      clock,
      signal: controller.signal,
    });
    await clock.sleeping;
    controller.abort(new Error('operator stop'));
    await expect(run).rejects.toThrow('operator stop');
    expect(source.state.closed).toBe(true);
    expect(batches).toEqual([[0]]); // the group before the sleep went out, the one after it never does
  });

  it('abort from inside onBatch stops before the next batch', async () => {
    const controller = new AbortController();
    const events = Array.from({ length: 100 }, (_, n) => ({ ts_event_ns: T0 + BigInt(n), n }));
    let calls = 0;
    const run = replayTo(
      events,
      () => {
        calls++;
        if (calls === 2) controller.abort();
      },
      { speed: 0, maxBatch: 10, signal: controller.signal },
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(2);
  });

  it('an endless speed-0 replay yields to the event loop, so an abort from a timer stops it', async () => {
    function* endless(): Generator<Ev> {
      for (let n = 0; ; n++) yield { ts_event_ns: T0 + BigInt(n), n };
    }
    const controller = new AbortController();
    let delivered = 0;
    const run = replayTo(
      endless(),
      (batch) => {
        delivered += batch.length;
      },
      { speed: 0, maxBatch: 256, signal: controller.signal },
    );
    setImmediate(() => controller.abort());
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(delivered).toBeGreaterThan(0);

    const iterated = (async () => {
      for await (const _ of replay(endless(), { speed: 0, maxBatch: 256, signal: controller.signal })) {
        // consume
      }
    })();
    await expect(iterated).rejects.toMatchObject({ name: 'AbortError' }); // already aborted: stops at once
  });

  it('an error thrown by onBatch rejects the run and closes the source', async () => {
    const source = probe(Array.from({ length: 10 }, (_, n) => ({ ts_event_ns: T0 + BigInt(n), n })));
    const run = replayTo(
      source.iterable,
      () => {
        throw new Error('publish failed');
      },
      { speed: 0, maxBatch: 2 },
    );
    await expect(run).rejects.toThrow('publish failed');
    expect(source.state.closed).toBe(true);
  });
});

describe('systemClock', () => {
  it('sleep honours an aborted signal and resolves otherwise (no timing assertions)', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(systemClock.sleep(60_000, controller.signal)).rejects.toThrow('stop');
    const live = new AbortController();
    const long = systemClock.sleep(60_000, live.signal);
    live.abort(new Error('cancelled'));
    await expect(long).rejects.toThrow('cancelled');
    await expect(systemClock.sleep(0)).resolves.toBeUndefined();
    const a = systemClock.now();
    expect(systemClock.now()).toBeGreaterThanOrEqual(a);
  });
});
