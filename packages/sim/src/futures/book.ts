/**
 * Price-level order book of one futures contract: two sides of at most {@link BOOK_CAPACITY} levels each,
 * prices as integer ticks, sizes and order counts as integers, best level at index 0. The first
 * {@link VISIBLE_LEVELS} levels are what an MBP-10 record shows; deeper levels are kept so that a level
 * coming into view after a sweep has a history. Nothing here allocates after construction.
 *
 * @module
 */

/** Levels kept per side (10 visible + hidden depth). */
export const BOOK_CAPACITY = 24;
/** Levels shown by MBP-10. */
export const VISIBLE_LEVELS = 10;
/** Minimum populated levels per side; deeper levels are filled silently (they are beyond MBP-10's view). */
export const MIN_DEPTH = 14;

/** One side of the book. Bids are sorted by descending price, asks by ascending price. */
export class BookSide {
  /** Prices in ticks (price / 0.25). */
  readonly px = new Int32Array(BOOK_CAPACITY);
  /** Aggregate sizes in lots. */
  readonly sz = new Int32Array(BOOK_CAPACITY);
  /** Order counts. */
  readonly ct = new Int32Array(BOOK_CAPACITY);
  /** Populated levels. */
  n = 0;
  /** True for the bid side. */
  readonly isBid: boolean;

  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  /** Best price in ticks (the side must not be empty). */
  get best(): number {
    return this.px[0] as number;
  }

  /** Worst populated price in ticks. */
  get worst(): number {
    return this.px[this.n - 1] as number;
  }

  /** True when price `a` is strictly better than `b` on this side. */
  better(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b;
  }

  /** Index where a level at `tick` is or would be inserted. */
  rank(tick: number): number {
    const px = this.px;
    let i = 0;
    if (this.isBid) while (i < this.n && (px[i] as number) > tick) i++;
    else while (i < this.n && (px[i] as number) < tick) i++;
    return i;
  }

  /** Index of the level at `tick`, or −1. */
  indexOf(tick: number): number {
    const i = this.rank(tick);
    return i < this.n && this.px[i] === tick ? i : -1;
  }

  /** Size at `tick` (0 when absent). */
  sizeAt(tick: number): number {
    const i = this.indexOf(tick);
    return i < 0 ? 0 : (this.sz[i] as number);
  }

  /** Adds `qty` lots (`orders` orders) at `tick`; returns the level index, or −1 if it falls beyond capacity. */
  add(tick: number, qty: number, orders = 1): number {
    const i = this.rank(tick);
    const { px, sz, ct } = this;
    if (i < this.n && px[i] === tick) {
      sz[i] = (sz[i] as number) + qty;
      ct[i] = (ct[i] as number) + orders;
      return i;
    }
    if (i >= BOOK_CAPACITY) return -1;
    const last = Math.min(this.n, BOOK_CAPACITY - 1);
    for (let j = last; j > i; j--) {
      px[j] = px[j - 1] as number;
      sz[j] = sz[j - 1] as number;
      ct[j] = ct[j - 1] as number;
    }
    px[i] = tick;
    sz[i] = qty;
    ct[i] = Math.max(1, Math.min(orders, qty));
    this.n = Math.min(this.n + 1, BOOK_CAPACITY);
    return i;
  }

  /** Removes `qty` lots from level `i` (orders leave roughly in proportion); deletes the level at zero.
   * Returns true when the level was deleted. */
  reduce(i: number, qty: number): boolean {
    const size = this.sz[i] as number;
    if (qty >= size) {
      this.removeAt(i);
      return true;
    }
    const orders = this.ct[i] as number;
    const left = size - qty;
    const gone = Math.max(1, Math.round((qty * orders) / size));
    this.sz[i] = left;
    this.ct[i] = Math.max(1, Math.min(left, orders - gone));
    return false;
  }

  /** Deletes level `i`. */
  removeAt(i: number): void {
    const { px, sz, ct } = this;
    for (let j = i; j < this.n - 1; j++) {
      px[j] = px[j + 1] as number;
      sz[j] = sz[j + 1] as number;
      ct[j] = ct[j + 1] as number;
    }
    this.n--;
  }

  /** Changes level `i` by `delta` lots (positive: one more order; negative: keeps at least one lot). */
  modify(i: number, delta: number): void {
    const size = Math.max(1, (this.sz[i] as number) + delta);
    this.sz[i] = size;
    this.ct[i] = Math.max(1, Math.min(size, this.ct[i] as number));
  }

  /** Empties the side. */
  clear(): void {
    this.n = 0;
  }
}

/** The two sides of one contract's book. */
export class OrderBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);

  /** Best bid + best ask in ticks (twice the mid); both sides must be populated. */
  get mid2(): number {
    return this.bids.best + this.asks.best;
  }

  /** Mid in ticks. */
  get mid(): number {
    return (this.bids.best + this.asks.best) / 2;
  }

  /** Spread in ticks. */
  get spread(): number {
    return this.asks.best - this.bids.best;
  }

  /** The side for a sign: +1 → asks (what buyers lift), −1 → bids. */
  opposite(sign: 1 | -1): BookSide {
    return sign > 0 ? this.asks : this.bids;
  }

  /** The side a participant of sign `sign` rests on: +1 → bids, −1 → asks. */
  own(sign: 1 | -1): BookSide {
    return sign > 0 ? this.bids : this.asks;
  }
}
