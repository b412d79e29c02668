// Internal event-time helpers: the allocation-free double time line equals the bigint arithmetic it replaces.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { highWord, nsSince } from '../src/internal/ns.js';

const TWO_32 = 4_294_967_296n;

describe('nsSince / highWord', () => {
  it('equal t − originHi·2³² exactly while the result stays below 2⁵³', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
        fc.integer({ min: -(2 ** 20), max: 2 ** 20 }),
        (t, back) => {
          const hi = highWord(t);
          expect(BigInt(hi)).toBe(t >> 32n);
          const origin = hi - back;
          expect(nsSince(t, origin)).toBe(Number(t - BigInt(origin) * TWO_32));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
