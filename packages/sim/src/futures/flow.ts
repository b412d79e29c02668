/**
 * Order flow of the ES futures model: trade signs with long memory from split metaorders, and heavy-tailed
 * trade and limit-order sizes. See MODEL.md §4 (Lillo & Farmer 2004; Lillo, Mike & Farmer 2005).
 *
 * @module
 */
import type { Rng } from '../rng.js';

/** Tail exponent of metaorder lengths, P(L ≥ l) = l^−α (Lillo, Mike & Farmer 2005 find α ≈ 1.5). */
export const METAORDER_TAIL = 1.5;
/** Longest metaorder, in child trades. */
export const METAORDER_MAX = 600;
/** Probability that a child trade carries its metaorder's sign (the rest is uncorrelated noise flow). */
export const METAORDER_LOYALTY = 0.82;

/**
 * Trade signs as the superposition of split metaorders: a metaorder has a sign and a power-law number of
 * child trades; each trade carries the current metaorder's sign with probability {@link METAORDER_LOYALTY}.
 * New metaorders lean towards the price pressure, so order flow and price moves are correlated.
 *
 * @example
 * ```ts
 * const signs = new SignProcess(new Rng(1));
 * signs.next(0); // +1 or −1
 * ```
 */
export class SignProcess {
  readonly #rng: Rng;
  #sign: 1 | -1 = 1;
  #left = 0;

  constructor(rng: Rng) {
    this.#rng = rng;
  }

  /** Sign of the next trade; `pressure` in [−1, 1] tilts the sign of a new metaorder. */
  next(pressure: number): 1 | -1 {
    const rng = this.#rng;
    if (this.#left <= 0) {
      const p = Math.max(-1, Math.min(1, pressure));
      this.#sign = rng.next() < 0.5 + 0.3 * p ? 1 : -1;
      this.#left = Math.min(METAORDER_MAX, Math.floor((1 - rng.next()) ** (-1 / METAORDER_TAIL)));
    }
    this.#left--;
    return rng.next() < METAORDER_LOYALTY ? this.#sign : this.#sign === 1 ? -1 : 1;
  }

  /** Starts a metaorder of the given sign and length now (used by level events: buyers leaning on a wall). */
  force(sign: 1 | -1, length: number): void {
    this.#sign = sign;
    this.#left = length;
  }
}

/**
 * Size of one aggressive order in lots: mostly 1–10, mean ≈ 4, with a power-law tail (exponent 1.4) up to
 * 500 lots, the shape of ES trade sizes.
 */
export function tradeSize(rng: Rng): number {
  const u = rng.next();
  if (u < 0.36) return 1;
  if (u < 0.56) return 2;
  if (u < 0.94) return 2 + rng.geometric(3.5);
  return Math.min(500, Math.floor(8 * (1 - rng.next()) ** (-1 / 1.4)));
}

/** Size of one passive (limit) order in lots: mostly 1–10, mean ≈ 5, occasional 50–300 lot orders. */
export function orderSize(rng: Rng): number {
  const u = rng.next();
  if (u < 0.3) return 1;
  if (u < 0.92) return 1 + rng.geometric(4);
  return Math.min(300, Math.floor(10 * (1 - rng.next()) ** (-1 / 1.3)));
}
