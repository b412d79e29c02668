/**
 * Event-time helpers shared by the engines (internal: not a public subpath).
 * @internal
 * @module
 */

/** ns per second as a float, for converting ns differences to seconds. */
export const NS_PER_S = 1e9;

/** Exact integer ns of a duration in seconds (§0.1: `W_ns = W_s · 10⁹`): one definition, in `@spymaster/schemas/time`. */
export { secondsToNs } from '@spymaster/schemas/time';

/**
 * First logical index in `[from, to)` of a ring column whose timestamp is greater than `x` (`to` if none);
 * O(log n). Logical index `i` lives at physical slot `i % ts.length`; timestamps are non-decreasing in `[from, to)`.
 */
export function firstAfter(ts: ArrayLike<bigint>, from: number, to: number, x: bigint): number {
  const cap = ts.length;
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const m = lo + ((hi - lo) >>> 1);
    if ((ts[m % cap] ?? 0n) <= x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** True when `[from, to)` is a valid logical range of a ring of `capacity` slots (integers, ordered, ≤ capacity long). */
export function isRingRange(from: number, to: number, capacity: number): boolean {
  return Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && to >= from && to - from <= capacity;
}

/** Scratch for splitting an int64 into 32-bit words without allocating a BigInt (typed arrays: ~2 ns). */
const INT64 = /* @__PURE__ */ new BigInt64Array(1);
const UINT32 = /* @__PURE__ */ new Uint32Array(INT64.buffer);
const INT32 = /* @__PURE__ */ new Int32Array(INT64.buffer);
/** Index of the low word (the platform's byte order). */
const LO = /* @__PURE__ */ new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** The signed high 32-bit word of an int64 time. */
export function highWord(t: bigint): number {
  INT64[0] = t;
  return INT32[1 - LO] as number;
}

/**
 * `t − originHi·2³²` in ns as a double, without allocating: exact while the result is below 2⁵³ ns (~104 days),
 * so comparisons and window arithmetic on it equal the bigint ones. Hot paths keep times this way; the origin
 * moves with the trade date.
 */
export function nsSince(t: bigint, originHi: number): number {
  INT64[0] = t;
  return ((INT32[1 - LO] as number) - originHi) * 4294967296 + (UINT32[LO] as number);
}
