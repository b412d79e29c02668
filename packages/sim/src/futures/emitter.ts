/**
 * Turns exchange events of the futures model into Databento-shaped records (dbn-format.md §6.2, §6.4, §6.5,
 * §7.3, §7.4): one `TradeMsg` per print and one `Mbp10Msg` per book change, grouped per exchange event with
 * `F_LAST` on the last record of each schema, a shared `ts_recv` per event (capture latency with a heavy
 * tail, never decreasing across the feed), `ts_in_delta`, and a per-instrument `sequence`.
 *
 * @module
 */
import { type BidAskPair, FLAGS, type Mbp10Msg, type TradeMsg, UNDEF_PRICE } from '@spymaster/replay';
import type { Rng } from '../rng.js';
import { GLBX_PUBLISHER_ID } from '../types.js';
import { type OrderBook, VISIBLE_LEVELS } from './book.js';

/** Fixed-point units (1e-9) per 0.25 tick. */
export const UNITS_PER_TICK = 250_000_000n;
/** `length` of an MBP-10 record (368 bytes / 4). */
const MBP10_LENGTH = 92;
/** `length` of a trade record (48 bytes / 4). */
const TRADE_LENGTH = 12;
const RTYPE_MBP10 = 0x0a;
const RTYPE_TRADE = 0x00;
const CACHE_SPAN = 1 << 16;

/** An instrument as the feed sees it: id, book and its sequence counter. */
export class FeedInstrument {
  readonly instrumentId: number;
  readonly book: OrderBook;
  /** Next sequence number (u32). */
  sequence: number;

  constructor(instrumentId: number, book: OrderBook, firstSequence: number) {
    this.instrumentId = instrumentId;
    this.book = book;
    this.sequence = firstSequence >>> 0;
  }
}

/** Bigint fixed-point prices of ticks, cached around a centre tick (prices repeat all day). */
export class PriceCache {
  readonly #base: number;
  readonly #cache: (bigint | undefined)[];

  constructor(centreTick: number) {
    this.#base = centreTick - CACHE_SPAN / 2;
    this.#cache = new Array<bigint | undefined>(CACHE_SPAN);
  }

  /** Fixed-point price of a tick. */
  get(tick: number): bigint {
    const i = tick - this.#base;
    if (i < 0 || i >= CACHE_SPAN) return BigInt(tick) * UNITS_PER_TICK;
    let v = this.#cache[i];
    if (v === undefined) {
      v = BigInt(tick) * UNITS_PER_TICK;
      this.#cache[i] = v;
    }
    return v;
  }
}

/** Record counts. */
export interface FeedCounts {
  mbp10: number;
  trades: number;
}

/**
 * Writes exchange events as records. Times are ns offsets from the window start (exact doubles); events get
 * strictly increasing times across the whole feed (a colliding event is moved 1 ns later).
 */
export class EventWriter {
  readonly #emit: (record: Mbp10Msg | TradeMsg) => void;
  readonly #startNs: bigint;
  readonly #rng: Rng;
  readonly #prices: PriceCache;
  readonly #trades: TradeMsg[] = [];
  readonly #books: Mbp10Msg[] = [];
  #inst: FeedInstrument | null = null;
  #tsEvent = 0n;
  #tsRecv = 0n;
  #inDelta = 0;
  #lastRecv = 0;
  /** Time of the last event, ns offset from the window start (−1 before the first). */
  lastT = -1;
  /** Records emitted so far. */
  readonly counts: FeedCounts = { mbp10: 0, trades: 0 };

  constructor(emit: (record: Mbp10Msg | TradeMsg) => void, startNs: bigint, rng: Rng, centreTick: number) {
    this.#emit = emit;
    this.#startNs = startNs;
    this.#rng = rng;
    this.#prices = new PriceCache(centreTick);
  }

  /** Fixed-point price of a tick. */
  price(tick: number): bigint {
    return this.#prices.get(tick);
  }

  /** Opens an exchange event of `inst` at offset `t` (moved after the previous event if needed); returns its time. */
  begin(inst: FeedInstrument, t: number): number {
    const time = Math.max(Math.floor(t), this.lastT + 1);
    this.lastT = time;
    this.#inst = inst;
    const latency = this.#latency();
    const recv = Math.max(time + latency, this.#lastRecv);
    this.#lastRecv = recv;
    const wire = recv - time;
    // The venue stamps its send time a little after matching; ts_in_delta is the wire time after that.
    const engine = Math.floor(wire * (0.08 + 0.3 * this.#rng.next()));
    this.#inDelta = Math.max(1, wire - engine);
    this.#tsEvent = this.#startNs + BigInt(time);
    this.#tsRecv = this.#startNs + BigInt(recv);
    return time;
  }

  /** Capture latency in ns: 2–80 µs mostly, occasionally up to a few ms (bursts, queueing). */
  #latency(): number {
    const rng = this.#rng;
    if (rng.next() < 0.985) return 2_000 + Math.min(78_000, Math.floor(rng.exponential(1 / 12_000)));
    return 80_000 + Math.floor(rng.exponential(1 / 600_000));
  }

  /** Adds a trade print to the open event. */
  trade(tick: number, size: number, side: 'A' | 'B', depth: number): void {
    const inst = this.#inst as FeedInstrument;
    this.#trades.push({
      length: TRADE_LENGTH,
      rtype: RTYPE_TRADE,
      publisher_id: GLBX_PUBLISHER_ID,
      instrument_id: inst.instrumentId,
      ts_event: this.#tsEvent,
      record_type: 'TradeMsg',
      price: this.#prices.get(tick),
      size,
      action: 'T',
      side,
      flags: 0,
      depth,
      ts_recv: this.#tsRecv,
      ts_in_delta: this.#inDelta,
      sequence: 0,
    });
  }

  /** Adds a book change (already applied to the book) to the open event, with the book as it is now. */
  book(action: 'A' | 'C' | 'M', side: 'A' | 'B', tick: number, size: number, depth: number): void {
    const inst = this.#inst as FeedInstrument;
    const { bids, asks } = inst.book;
    const prices = this.#prices;
    const levels: BidAskPair[] = new Array(VISIBLE_LEVELS);
    for (let i = 0; i < VISIBLE_LEVELS; i++) {
      const hasBid = i < bids.n;
      const hasAsk = i < asks.n;
      levels[i] = {
        bid_px: hasBid ? prices.get(bids.px[i] as number) : UNDEF_PRICE,
        ask_px: hasAsk ? prices.get(asks.px[i] as number) : UNDEF_PRICE,
        bid_sz: hasBid ? (bids.sz[i] as number) : 0,
        ask_sz: hasAsk ? (asks.sz[i] as number) : 0,
        bid_ct: hasBid ? (bids.ct[i] as number) : 0,
        ask_ct: hasAsk ? (asks.ct[i] as number) : 0,
      };
    }
    this.#books.push({
      length: MBP10_LENGTH,
      rtype: RTYPE_MBP10,
      publisher_id: GLBX_PUBLISHER_ID,
      instrument_id: inst.instrumentId,
      ts_event: this.#tsEvent,
      record_type: 'Mbp10Msg',
      price: prices.get(tick),
      size,
      action,
      side,
      flags: 0,
      depth,
      ts_recv: this.#tsRecv,
      ts_in_delta: this.#inDelta,
      sequence: 0,
      levels,
    });
  }

  /** True when the open event has records. */
  get pending(): boolean {
    return this.#trades.length + this.#books.length > 0;
  }

  /** Closes the event: `F_LAST` on the last trade and the last book record, sequences, emission. */
  end(extraFlags = 0): void {
    const inst = this.#inst as FeedInstrument;
    const trades = this.#trades;
    const books = this.#books;
    for (let i = 0; i < trades.length; i++) {
      const r = trades[i] as TradeMsg;
      if (i === trades.length - 1) r.flags = FLAGS.F_LAST;
      r.sequence = inst.sequence;
      inst.sequence = (inst.sequence + 1) >>> 0;
      this.#emit(r);
    }
    for (let i = 0; i < books.length; i++) {
      const r = books[i] as Mbp10Msg;
      r.flags = (i === books.length - 1 ? FLAGS.F_LAST : 0) | extraFlags;
      r.sequence = inst.sequence;
      inst.sequence = (inst.sequence + 1) >>> 0;
      this.#emit(r);
    }
    this.counts.trades += trades.length;
    this.counts.mbp10 += books.length;
    trades.length = 0;
    books.length = 0;
    this.#inst = null;
  }
}
