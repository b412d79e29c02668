/**
 * Roll-window calendar basis (levels-pipeline-lake.md B.4.3 "Roll window (amended)" items 2–4): `b(t) = mid_F(t) −
 * mid_Q(t)` from the two contracts' current tops of book, and the mappings of options on the expiring contract
 * `Q` into the front month's price space.
 *
 * @module
 */
import { type Config, DEFAULT_CONFIG } from '@spymaster/schemas/config';
import type { BookLevel } from '@spymaster/schemas/events';
import { NS_PER_SECOND } from '@spymaster/schemas/time';

/** Best bid and ask of a book; null for an empty side. */
export interface TopOfBook {
  /** Best bid price (points), or null. */
  readonly bid: number | null;
  /** Best ask price (points), or null. */
  readonly ask: number | null;
}

/**
 * Whether a top of book is valid for the basis: both sides present and `bid < ask` (not one-sided, crossed or
 * locked).
 *
 * @example
 * ```ts
 * isValidTopOfBook(5010.25, 5010.5); // true
 * isValidTopOfBook(5010.5, 5010.5); // false (locked)
 * ```
 */
export function isValidTopOfBook(bid: number | null, ask: number | null): boolean {
  return bid !== null && ask !== null && Number.isFinite(bid) && Number.isFinite(ask) && bid < ask;
}

/**
 * Top of book of canonical MBP-10 levels: level 0, a side being empty when its size is 0 or its price ≤ 0
 * (the canonical empty entry is price 0.0, size 0).
 *
 * @example
 * ```ts
 * topOfBookFromLevels([{ bid_px: 5010.25, bid_sz: 3, ask_px: 5010.5, ask_sz: 7 }]); // { bid: 5010.25, ask: 5010.5 }
 * ```
 */
export function topOfBookFromLevels(levels: readonly BookLevel[]): TopOfBook {
  const best = levels[0];
  if (best === undefined) return { bid: null, ask: null };
  return {
    bid: best.bid_sz > 0 && best.bid_px > 0 ? best.bid_px : null,
    ask: best.ask_sz > 0 && best.ask_px > 0 ? best.ask_px : null,
  };
}

interface BookState {
  ts: bigint;
  bid: number | null;
  ask: number | null;
}

/**
 * Tracks the calendar basis of one roll window. Feed it every book record of the front month `F` and of the
 * expiring contract `Q` in event-time order; {@link RollBasisTracker.basis} at `t` (≥ the records fed) is
 * `mid_F − mid_Q` when both current tops of book are valid and neither latest record is older than
 * `BASIS_MAX_AGE_S` (age `t − ts ≤ 60 s` by default), else null. Only the latest state of each book counts:
 * an older two-sided state is never reused.
 *
 * @example
 * ```ts
 * const basis = new RollBasisTracker('ESH6', 'ESZ5');
 * basis.update('ESH6', 1765897200000000000n, 5060.25, 5060.5);
 * basis.update('ESZ5', 1765897201000000000n, 5010.0, 5010.25);
 * basis.basis(1765897230000000000n); // 50.25
 * basis.basis(1765897261000000001n); // null (ESH6 book older than 60 s)
 * ```
 */
export class RollBasisTracker {
  /** Front month `F` symbol. */
  readonly front: string;
  /** Expiring contract `Q` symbol. */
  readonly expiring: string;
  private readonly maxAgeNs: bigint;
  private frontBook: BookState | null = null;
  private expiringBook: BookState | null = null;

  constructor(front: string, expiring: string, config: Pick<Config, 'BASIS_MAX_AGE_S'> = DEFAULT_CONFIG) {
    if (front === expiring) throw new RangeError(`RollBasisTracker: front and expiring are both ${front}`);
    this.front = front;
    this.expiring = expiring;
    this.maxAgeNs = basisMaxAgeNs(config);
  }

  /** Record the top of book of `symbol` after a book record at `ts_ns`; returns false (ignored) for other symbols. */
  update(symbol: string, ts_ns: bigint, bid: number | null, ask: number | null): boolean {
    if (symbol === this.front) this.frontBook = { ts: ts_ns, bid, ask };
    else if (symbol === this.expiring) this.expiringBook = { ts: ts_ns, bid, ask };
    else return false;
    return true;
  }

  /** {@link RollBasisTracker.update} from a canonical MBP-10 event (its level 0). */
  updateFromMbp10(event: {
    readonly symbol: string;
    readonly ts_event_ns: bigint;
    readonly levels: readonly BookLevel[];
  }): boolean {
    const top = topOfBookFromLevels(event.levels);
    return this.update(event.symbol, event.ts_event_ns, top.bid, top.ask);
  }

  private midAt(book: BookState | null, t: bigint): number | null {
    if (book === null || t - book.ts > this.maxAgeNs) return null;
    if (!isValidTopOfBook(book.bid, book.ask)) return null;
    return ((book.bid as number) + (book.ask as number)) / 2;
  }

  /** Mid of `F` (`which = 'front'`) or `Q` at `t`, or null when its book is invalid or stale. */
  mid(which: 'front' | 'expiring', t: bigint): number | null {
    return this.midAt(which === 'front' ? this.frontBook : this.expiringBook, t);
  }

  /** Basis `b(t) = mid_F(t) − mid_Q(t)` in points, or null when unknown (B.4.3 item 2). */
  basis(t: bigint): number | null {
    const f = this.midAt(this.frontBook, t);
    if (f === null) return null;
    const q = this.midAt(this.expiringBook, t);
    return q === null ? null : f - q;
  }

  /** Forget both books. */
  reset(): void {
    this.frontBook = null;
    this.expiringBook = null;
  }
}

/**
 * The basis age limit `BASIS_MAX_AGE_S` in ns: a book record older than this at `t` makes the basis unknown.
 *
 * @example
 * ```ts
 * basisMaxAgeNs(); // 60000000000n
 * ```
 */
export function basisMaxAgeNs(config: Pick<Config, 'BASIS_MAX_AGE_S'> = DEFAULT_CONFIG): bigint {
  return BigInt(Math.round(config.BASIS_MAX_AGE_S * Number(NS_PER_SECOND)));
}

/**
 * Placed strike of an option on the expiring contract: `K_F = K + b(t)` (B.4.3 item 3), its position in the
 * front month's price space.
 *
 * @example
 * ```ts
 * placedStrike(6000, 50.25); // 6050.25
 * ```
 */
export function placedStrike(strike: number, basis: number): number {
  return strike + basis;
}

/**
 * Price of the expiring contract implied by the front month's spot: `F_Q(t) = spot(t) − b(t)` (B.4.3 item 3),
 * the underlying price for the greeks of options on `Q`.
 *
 * @example
 * ```ts
 * expiringUnderlyingPrice(6060.5, 50.25); // 6010.25
 * ```
 */
export function expiringUnderlyingPrice(spot: number, basis: number): number {
  return spot - basis;
}

/**
 * Placed strike of any kept option: the listed strike for options on the front month, `K + b(t)` for options
 * on the expiring contract, null when that basis is unknown (the option is left out and the snapshot flagged
 * `options_basis_missing`, B.4.3 item 4).
 *
 * @example
 * ```ts
 * placeStrike(6000, 'ESH6', 'ESH6', null); // 6000
 * placeStrike(6000, 'ESZ5', 'ESH6', 50.25); // 6050.25
 * placeStrike(6000, 'ESZ5', 'ESH6', null); // null
 * ```
 */
export function placeStrike(
  strike: number,
  underlyingContract: string,
  front: string,
  basis: number | null,
): number | null {
  if (underlyingContract === front) return strike;
  return basis === null ? null : strike + basis;
}
