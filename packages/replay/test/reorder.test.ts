import { type CanonicalKey, compareEventIds, DEFAULT_CONFIG, formatEventId } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReorderBuffer } from '../src/replay/index.js';

interface Ev {
  event_id: string;
  ts_event_ns: bigint;
}

interface Out {
  event: Ev;
  late: boolean;
}

const T0 = 1_765_897_231_000_000_000n;
const MS = 1_000_000n;

const ev = (key: CanonicalKey): Ev => ({ event_id: formatEventId(key), ts_event_ns: key.ts_event_ns });
const byKey = (a: Ev, b: Ev): number => compareEventIds(a.event_id, b.event_id);

/** Event times on a 100 ms grid (many same-timestamp groups) plus a 1 ns offset now and then. */
const keyArb: fc.Arbitrary<CanonicalKey> = fc.record({
  tag: fc.constantFrom('FT', 'OT', 'MB', 'ON'),
  symbol: fc.constantFrom('ESZ5', 'E1AZ5 C6850', 'EW3Z5 P6800'),
  ts_event_ns: fc
    .tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom(0n, 1n))
    .map(([step, ns]) => T0 + BigInt(step) * 100n * MS + ns),
  seq: fc.option(fc.bigInt({ min: 0n, max: 3n }), { nil: null }),
  dup_ordinal: fc.nat(1),
});

const eventsArb = fc.uniqueArray(keyArb, { selector: formatEventId, maxLength: 60 }).map((keys) => keys.map(ev));

/**
 * A feed: events arriving in order of `ts_event_ns + delay`, each delay in `[0, maxDelayNs]` (ties broken by a
 * random rank), so at most `maxDelayNs` of event-time disorder.
 */
function feedArb(maxDelayNs: fc.Arbitrary<bigint>): fc.Arbitrary<{ events: Ev[]; arrivals: Ev[] }> {
  return fc.tuple(eventsArb, maxDelayNs).chain(([events, maxDelay]) =>
    fc
      .array(fc.tuple(fc.bigInt({ min: 0n, max: maxDelay }), fc.nat()), {
        minLength: events.length,
        maxLength: events.length,
      })
      .map((delays) => {
        const timed = events.map((event, i) => {
          const [delay, rank] = delays[i] as [bigint, number];
          return { event, at: event.ts_event_ns + delay, rank };
        });
        timed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.rank - b.rank));
        return { events, arrivals: timed.map((t) => t.event) };
      }),
  );
}

type Step = { kind: 'push'; event: Ev } | { kind: 'advance'; watermarkNs: bigint };

/**
 * Drive a buffer and check, after every step, the B.4.8 invariants against a model:
 * - an event is flagged late iff a larger canonical key was released before it arrived;
 * - a non-late event is released only once `maxSeen − buffer ≥ its ts`;
 * - nothing held has `ts ≤ maxSeen − buffer` (held no longer than the lateness buffer).
 */
function drive(steps: readonly Step[], latenessBufferMs: number): { out: Out[]; buffer: ReorderBuffer<Ev> } {
  const out: Out[] = [];
  const buffer = new ReorderBuffer<Ev>((event, late) => out.push({ event, late }), { latenessBufferMs });
  const bufferNs = BigInt(latenessBufferMs) * MS;
  const pending = new Set<Ev>();
  let maxSeen: bigint | undefined;
  let maxReleased: Ev | undefined;
  for (const step of steps) {
    const before = out.length;
    let expectLate = false;
    if (step.kind === 'push') {
      const { event } = step;
      expectLate = maxReleased !== undefined && byKey(event, maxReleased) < 0;
      if (!expectLate && (maxSeen === undefined || event.ts_event_ns > maxSeen)) maxSeen = event.ts_event_ns;
      pending.add(event);
      buffer.push(event);
    } else {
      if (maxSeen === undefined || step.watermarkNs > maxSeen) maxSeen = step.watermarkNs;
      buffer.advanceTo(step.watermarkNs);
    }
    expect(buffer.maxSeenNs).toBe(maxSeen);
    const threshold = (maxSeen as bigint) - bufferNs;
    for (const released of out.slice(before)) {
      expect(pending.delete(released.event)).toBe(true); // released once, and only after it arrived
      if (step.kind === 'push' && released.event === step.event) expect(released.late).toBe(expectLate);
      else expect(released.late).toBe(false);
      if (!released.late) {
        expect(released.event.ts_event_ns).toBeLessThanOrEqual(threshold);
        if (maxReleased === undefined || byKey(released.event, maxReleased) > 0) maxReleased = released.event;
      }
    }
    if (step.kind === 'push' && expectLate) expect(out.at(-1)).toEqual({ event: step.event, late: true });
    for (const held of pending) expect(held.ts_event_ns).toBeGreaterThan(threshold);
    expect(buffer.size).toBe(pending.size);
  }
  const beforeFlush = out.length;
  buffer.flush();
  const flushed = out.slice(beforeFlush);
  expect(flushed.map((o) => o.event)).toEqual([...pending].sort(byKey));
  expect(flushed.every((o) => !o.late)).toBe(true);
  expect(buffer.size).toBe(0);
  return { out, buffer };
}

const isSorted = (events: readonly Ev[]): boolean =>
  events.every((e, i) => i === 0 || byKey(events[i - 1] as Ev, e) < 0);

describe('ReorderBuffer', () => {
  it('releases in canonical order once the lateness buffer has passed (example, 500 ms)', () => {
    const t = T0;
    const key = (tag: CanonicalKey['tag'], dts: bigint, seq: bigint): Ev =>
      ev({
        tag,
        symbol: tag === 'FT' || tag === 'MB' ? 'ESZ5' : 'E1AZ5 C6850',
        ts_event_ns: t + dts,
        seq,
        dup_ordinal: 0,
      });
    const out: string[] = [];
    const buffer = new ReorderBuffer<Ev>((event, late) => out.push(`${event.event_id.slice(0, 2)}${late ? '!' : ''}`));
    expect(buffer.bufferNs).toBe(BigInt(DEFAULT_CONFIG.LATENESS_BUFFER_MS) * MS);
    buffer.push(key('MB', 0n, 100n)); // the book update arrives before the trade it follows
    buffer.push(key('FT', 0n, 100n));
    buffer.push(key('FT', 499n * MS, 101n));
    expect(out).toEqual([]);
    buffer.push(key('MB', 500n * MS, 102n)); // max seen − 500 ms = t: the group at t is released
    expect(out).toEqual(['FT', 'MB']);
    buffer.push(key('OT', 0n, 98n)); // sorts before the released MB at t: late, passed through
    expect(out).toEqual(['FT', 'MB', 'OT!']);
    buffer.push(key('ON', 0n, 99n)); // sorts after everything released: not late, released at once
    expect(out).toEqual(['FT', 'MB', 'OT!', 'ON']);
    expect(buffer.lateCount).toBe(1);
    buffer.advanceTo(t + 999n * MS); // event time reached t + 999 ms: the print at t + 499 ms goes
    expect(out).toEqual(['FT', 'MB', 'OT!', 'ON', 'FT']);
    buffer.advanceTo(t); // an older watermark changes nothing
    buffer.flush();
    expect(out).toEqual(['FT', 'MB', 'OT!', 'ON', 'FT', 'MB']);
    expect(buffer.releasedCount).toBe(6);
    expect(buffer.size).toBe(0);
  });

  it('disorder within the buffer: nothing is late and the output is exactly the canonical order', () => {
    const bufferMs = 300;
    fc.assert(
      fc.property(feedArb(fc.bigInt({ min: 0n, max: BigInt(bufferMs) * MS - 1n })), ({ events, arrivals }) => {
        const { out, buffer } = drive(
          arrivals.map((event) => ({ kind: 'push', event })),
          bufferMs,
        );
        expect(buffer.lateCount).toBe(0);
        expect(out.map((o) => o.event)).toEqual([...events].sort(byKey));
      }),
    );
  });

  it('any disorder: every event exactly once, late ones flagged and counted, the rest in canonical order', () => {
    fc.assert(
      fc.property(
        feedArb(fc.bigInt({ min: 0n, max: 3000n * MS })),
        fc.constantFrom(0, 1, 100, 250, 500),
        ({ events, arrivals }, bufferMs) => {
          const { out, buffer } = drive(
            arrivals.map((event) => ({ kind: 'push', event })),
            bufferMs,
          );
          // Exactly once.
          expect(out).toHaveLength(events.length);
          expect(new Set(out.map((o) => o.event))).toEqual(new Set(events));
          // Late ones counted; the others in canonical order.
          expect(buffer.lateCount).toBe(out.filter((o) => o.late).length);
          expect(buffer.releasedCount).toBe(events.length);
          expect(isSorted(out.filter((o) => !o.late).map((o) => o.event))).toBe(true);
          // Whenever no event is late, the whole output is the canonical order.
          if (buffer.lateCount === 0) expect(out.map((o) => o.event)).toEqual([...events].sort(byKey));
        },
      ),
    );
  });

  it('with watermarks interleaved, the same invariants hold', () => {
    fc.assert(
      fc.property(
        feedArb(fc.bigInt({ min: 0n, max: 1500n * MS })),
        fc.array(fc.tuple(fc.nat(60), fc.bigInt({ min: 0n, max: 5000n * MS }))),
        fc.constantFrom(0, 200, 500),
        ({ events, arrivals }, watermarks, bufferMs) => {
          const steps: Step[] = arrivals.map((event) => ({ kind: 'push', event }));
          for (const [at, offset] of watermarks) {
            steps.splice(Math.min(at, steps.length), 0, { kind: 'advance', watermarkNs: T0 + offset });
          }
          const { out, buffer } = drive(steps, bufferMs);
          expect(new Set(out.map((o) => o.event))).toEqual(new Set(events));
          expect(isSorted(out.filter((o) => !o.late).map((o) => o.event))).toBe(true);
          expect(buffer.lateCount).toBe(out.filter((o) => o.late).length);
        },
      ),
    );
  });

  it('a zero buffer releases each event on arrival when arrivals are already in canonical order', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const sorted = [...events].sort(byKey);
        const out: Ev[] = [];
        const buffer = new ReorderBuffer<Ev>((event) => out.push(event), { latenessBufferMs: 0 });
        for (const event of sorted) {
          buffer.push(event);
          expect(out.at(-1)).toBe(event);
        }
        expect(buffer.size).toBe(0);
        expect(buffer.lateCount).toBe(0);
      }),
    );
  });

  it('keeps duplicates (same id) adjacent and in arrival order; deduplication is not its job', () => {
    const a = ev({ tag: 'FT', symbol: 'ESZ5', ts_event_ns: T0, seq: 1n, dup_ordinal: 0 });
    const copy = { ...a };
    const b = ev({ tag: 'FT', symbol: 'ESZ5', ts_event_ns: T0, seq: 0n, dup_ordinal: 0 });
    const out: Ev[] = [];
    const buffer = new ReorderBuffer<Ev>((event) => out.push(event), { latenessBufferMs: 10 });
    buffer.push(a);
    buffer.push(copy);
    buffer.push(b);
    buffer.flush();
    expect(out).toEqual([b, a, copy]);
    expect(out[1]).toBe(a);
    expect(out[2]).toBe(copy);
  });

  it('rejects a negative or fractional buffer', () => {
    expect(() => new ReorderBuffer<Ev>(() => {}, { latenessBufferMs: -1 })).toThrow(RangeError);
    expect(() => new ReorderBuffer<Ev>(() => {}, { latenessBufferMs: 0.5 })).toThrow(RangeError);
  });
});
