// The pipeline's numeric time keys and sort window give exactly what the plain bigint definitions give,
// also for times too far apart for exact keys (NaN keys fall back to the bigints).
import { formatEventId, type MarketEvent } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareCanonicalEvents,
  compareKeyed,
  keyedBatch,
  SortWindow,
  TimeKeys,
} from '../src/normalize/canonical-order.js';

const T = 1_762_182_000_000_000_000n;
/** Time offsets: mostly near each other (ties, late events), some beyond 2^52 ns from the first (no exact key). */
const offsetArb = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 3_000_000_000n }) },
  { weight: 1, arbitrary: fc.constantFrom(2n ** 52n, 2n ** 52n - 1n, 2n ** 52n + 1_000_000_000n, 2n ** 60n) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }) },
  // Where a double no longer holds every integer: keys must not be used there.
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 9n }).map((d) => 2n ** 54n + d) },
);

/** Futures trades reduced to what the order reads (ids unique per time, seq and dup ordinal). */
const eventArb = fc
  .record({ offset: offsetArb, seq: fc.option(fc.bigInt({ min: 0n, max: 3n })), dup: fc.nat(2) })
  .map(({ offset, seq, dup }) => {
    const ts = T + offset;
    const event_id = formatEventId({ tag: 'FT', symbol: 'ESZ5', ts_event_ns: ts, seq, dup_ordinal: dup });
    return { event_id, ts_event_ns: ts, symbol: 'ESZ5', seq } as unknown as MarketEvent;
  });

/** The sort window as defined: bigint times, a sorted list, release what is `windowNs` behind the newest. */
function plainWindow(events: MarketEvent[], windowNs: bigint): { out: MarketEvent[]; late: number } {
  const out: MarketEvent[] = [];
  const held: MarketEvent[] = [];
  let late = 0;
  let newest: bigint | undefined;
  for (const event of events) {
    const last = out[out.length - 1];
    if (last !== undefined && compareCanonicalEvents(event, last) < 0) {
      late++;
      continue;
    }
    let i = held.length;
    while (i > 0 && compareCanonicalEvents(held[i - 1] as MarketEvent, event) > 0) i--;
    held.splice(i, 0, event);
    if (newest === undefined || event.ts_event_ns > newest) newest = event.ts_event_ns;
    while (held.length > 0 && (held[0] as MarketEvent).ts_event_ns <= newest - windowNs)
      out.push(held.shift() as MarketEvent);
  }
  out.push(...held);
  return { out, late };
}

describe('canonical order with time keys', () => {
  it('compareKeyed orders as compareCanonicalEvents', () => {
    fc.assert(
      fc.property(eventArb, eventArb, eventArb, (first, a, b) => {
        const keys = new TimeKeys();
        keys.of(first.ts_event_ns); // the base
        const ka = keys.of(a.ts_event_ns);
        const kb = keys.of(b.ts_event_ns);
        expect(Math.sign(compareKeyed(a, ka, b, kb))).toBe(Math.sign(compareCanonicalEvents(a, b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('SortWindow releases, orders and drops late events as the plain definition', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 120 }),
        fc.constantFrom(0n, 1n, 500_000_000n, 2_000_000_000n),
        (events, windowNs) => {
          const keys = new TimeKeys();
          const stats = { late: 0 };
          const window = new SortWindow(windowNs, stats);
          const out = keyedBatch();
          for (const event of events) window.push(event, keys.of(event.ts_event_ns), out);
          window.flush(out);
          const expected = plainWindow(events, windowNs);
          expect(out.events.map((e) => e.event_id)).toEqual(expected.out.map((e) => e.event_id));
          expect(out.keys).toEqual(out.events.map((e) => keys.of(e.ts_event_ns)));
          expect(stats.late).toBe(expected.late);
        },
      ),
      { numRuns: 500 },
    );
  });
});
