/**
 * MarketState — engines spec §1: the single stateful store of market data. Applies canonical-order events
 * (§1.1 futures trades, §1.2 MBP-10 book updates, §1.3 option trades; option NBBO is accepted and ignored),
 * derives the per-event flow records (depth flow with the passive-fill pool, best-level OFI, mid history),
 * keeps the day-scoped context (PM/OR extremes, minute and 2-minute closes, option inventory) and performs
 * trade-date rollover, contract roll, bar finalization and retention eviction in `advanceClock` (§1.4).
 * The roll-window basis follows levels-pipeline-lake.md B.4.3.
 *
 * The engines read the data through column views with a logical `[from, to)` range where index `i` reads
 * element `i % length` (`TradeView`, `DepthFlowView`, `L1OfiView`, `MidHistoryView`) and through the current
 * book as a `BarrierBookView`. Rings are typed-array columns sized from the retention windows; they grow
 * geometrically when full (never dropping a record inside the retention) and are evicted only in
 * `advanceClock`. A view object is replaced when its ring grows: fetch it after applying events.
 *
 * @module
 */
import {
  CME_MONTH_CODES,
  type Config,
  DEFAULT_CONFIG,
  type FuturesTrade,
  type MBP10,
  type OptionNBBO,
  type OptionRight,
  type OptionTrade,
} from '@spymaster/schemas';
import {
  addDays,
  dateToDayNumber,
  nthWeekdayOfMonth,
  parseDate,
  sessionWindows,
  tradeDate,
  tradeDateWindow,
} from '@spymaster/schemas/time';
import type { BarrierBookView, BarrierWindowSums } from './barrier.js';
import { impliedVol, ivInputPrice, timeToExpiryYears } from './black76.js';
import { highWord, nsSince, secondsToNs } from './internal/ns';
import { FlowWindowSums, L1WindowSums } from './internal/window-sums';
import type { MidHistoryView } from './kinematics.js';
import {
  type DepthFlowView,
  FLOW_SIDE_ASK,
  FLOW_SIDE_BID,
  type L1OfiView,
  type OfiWindowSums,
  ofiL1Increment,
  ofiL1Sum,
  ofiPriceSum,
} from './ofi.js';
import type { TradeView } from './tape.js';

/** The configuration parameters MarketState reads (spec §1 parameters, contract selection of B.4.1). */
export type MarketStateParams = Pick<
  Config,
  | 'TICK_SIZE'
  | 'BOOK_DEPTH'
  | 'TRADE_RETENTION_S'
  | 'FLOW_RETENTION_S'
  | 'OFI_WINDOWS_S'
  | 'W_b'
  | 'MID_RETENTION_S'
  | 'PREMARKET_START'
  | 'RTH_START'
  | 'RTH_END'
  | 'OPENING_RANGE_MINUTES'
  | 'FIRST_MINUTES'
  | 'MINUTE_BAR_S'
  | 'SMA_BAR_S'
  | 'SMA_SLOW_PERIOD'
  | 'SMA_WARMUP_DAYS'
  | 'PRICE_SANITY_MIN'
  | 'PRICE_SANITY_MAX'
  | 'LOOKBACK_MINUTES'
  | 'BASIS_MAX_AGE_S'
  | 'OPTION_MULTIPLIER'
  | 'W_g'
  | 'FUEL_IV_MODE'
  | 'T_MIN_S'
  | 'YEAR_SECONDS'
  | 'RISK_FREE_RATE'
  | 'IV_BOUNDS'
  | 'IV_ITERATIONS'
  | 'FUTURES_ROOT'
  | 'QUARTERLY_MONTHS'
  | 'ROLL_DAYS_BEFORE_EXPIRY'
>;

/** Construction options that do not change any result (capacity hints only). */
export interface MarketStateOptions {
  /**
   * Expected records per second used to size the rings from their retention windows (default 16). Rings grow
   * geometrically when a window holds more, so this only trades memory against regrowth.
   */
  readonly ratePerSecond?: number;
}

/** `{price, size}` of a best populated book level. */
export interface Quote {
  /** Price, pt. */
  readonly price: number;
  /** Size, contracts. */
  readonly size: number;
}

/** One 1-minute close (§1 `minuteCloses`). */
export interface MinuteClose {
  /** Bucket start, ns since the Unix epoch. */
  readonly start: bigint;
  /** Last trade price of the bucket, pt. */
  readonly close: number;
}

/** Per-tick depth-flow sums of `depthFlow` (§1 queries). */
export interface TickFlow {
  /** Price key `k(p)`. */
  readonly tick: number;
  /** Net change `Σ (added − filled − pulled)`, contracts. */
  readonly n: number;
  /** `Σ filled`, contracts. */
  readonly f: number;
}

/** One 0DTE contract of the option inventory (§1.3), keyed by `option_symbol`. */
export interface OptionContractState {
  /** Vendor raw symbol (the key). */
  readonly option_symbol: string;
  /** Underlying futures contract (`F`, or `Q` in a roll window). */
  readonly underlying_contract: string;
  /** Listed strike, pt. */
  readonly strike: number;
  /** `C` or `P`. */
  readonly right: OptionRight;
  /** Expiry instant, ns since the Unix epoch. */
  readonly expiration_ns: bigint;
  /** Net customer contracts, signed. */
  N: number;
  /** Volume, contracts. */
  V: number;
  /** Premium, USD. */
  premium: number;
  /** Last trade price, pt. */
  lastPrice: number;
  /** Last trade time, ns. */
  lastTs: bigint;
  /** Last solved implied vol, or null. */
  iv: number | null;
  /** Solve time of `iv`, or null. */
  ivTs: bigint | null;
}

/** Per-contract option-flow sums of `optionFlowIn` (§1 queries). */
export interface OptionFlowSum {
  /** The inventory entry. */
  readonly contract: OptionContractState;
  /** Σ signed size (customer BUY +, SELL −, unsigned 0). */
  readonly signed: number;
  /** Σ size. */
  readonly size: number;
}

/** Columns of the option flow ring: `(ts, contract, signed size, size)`; `contract` indexes `optionContracts()`. */
export interface OptionFlowView {
  /** `ts_event_ns` of each option trade. */
  readonly ts: ArrayLike<bigint>;
  /** Index of the contract in `optionContracts()`. */
  readonly contract: ArrayLike<number>;
  /** Signed size `u`. */
  readonly signed: ArrayLike<number>;
  /** Size. */
  readonly size: ArrayLike<number>;
}

/**
 * Per-contract option-flow sums of {@link MarketState.optionFlowSums}: element `i` belongs to contract `i` of
 * `optionContracts()` (0 for a contract without entries in the window).
 */
export interface OptionFlowSums {
  /** Σ signed size per contract (customer BUY +, SELL −, unsigned 0). */
  readonly signed: Float64Array;
  /** Σ size per contract. */
  readonly size: Float64Array;
}

/** Any canonical event MarketState accepts. */
export type MarketEvent = FuturesTrade | MBP10 | OptionTrade | OptionNBBO;

/** What went wrong in {@link MarketStateError}. */
export type MarketStateErrorReason = 'clock_regression';

/** Input MarketState cannot apply: an event or clock time earlier than the current clock (§0.5). */
export class MarketStateError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/engines/MarketStateError');
  /** What is wrong. */
  readonly reason: MarketStateErrorReason;
  /** The rejected time, ns. */
  readonly ts: bigint;
  /** The current clock, ns. */
  readonly clock: bigint;
  constructor(reason: MarketStateErrorReason, ts: bigint, clock: bigint) {
    super(
      `MarketState time ${ts} is earlier than its clock ${clock}; feed events in canonical order (non-decreasing ts_event_ns) and call advanceClock with non-decreasing times`,
    );
    this.name = 'MarketStateError';
    this.reason = reason;
    this.ts = ts;
    this.clock = clock;
  }
  /** True for a `MarketStateError` from any copy of this package. */
  static is(error: unknown): error is MarketStateError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { constructor?: { brand?: unknown } }).constructor?.brand === MarketStateError.brand
    );
  }
}

/** "No timestamp" (no book record yet, no pruning bound): below every int64 ns. */
const NO_TS = -(2n ** 63n);
/** Later than any int64 clock. */
const NO_DUE = 2n ** 63n;
/** Maximum MBP-10 levels per side of a record. */
const MAX_LEVELS = 10;
const DEFAULT_RATE = 16;
const MIN_CAPACITY = 16;

// ---------------------------------------------------------------------------------------------------------
// Rings

interface Column<T> {
  readonly length: number;
  subarray(begin: number, end: number): Column<T>;
  set(array: ArrayLike<T>, offset?: number): void;
}

/** Copy the logical contents `[head, head + count)` of `col` to the start of a new column of `cap`. */
function regrow<C extends Column<T>, T>(col: C, make: (n: number) => C, head: number, count: number, cap: number): C {
  const out = make(cap);
  const first = Math.min(count, col.length - head);
  out.set(col.subarray(head, head + first) as unknown as ArrayLike<T>, 0);
  if (count > first) out.set(col.subarray(0, count - first) as unknown as ArrayLike<T>, first);
  return out;
}

/** Head/count bookkeeping of a ring over typed-array columns; subclasses own the columns. */
abstract class Ring {
  head = 0;
  count = 0;
  /** Absolute sequence number of the record at `head` (records ever dropped). */
  base = 0;
  /** Records `evict` always keeps (the mid history keeps its as-of anchor). */
  keep = 0;
  /** Called when a push finds the ring full, before it grows: the owner evicts what left the retention. */
  onFull: (() => void) | null = null;
  /** Origin (high word) of the double time line, shared by MarketState's rings. */
  epoch: { hi: number } = { hi: 0 };
  /** `ts` as ns since the epoch (doubles, exact): what eviction compares, allocation-free. */
  rel: Float64Array;
  cap: number;
  ts: BigInt64Array;
  constructor(cap: number) {
    this.cap = Math.max(MIN_CAPACITY, cap);
    this.ts = new BigInt64Array(this.cap);
    this.rel = new Float64Array(this.cap);
  }
  /** Logical start of the retained records. */
  get from(): number {
    return this.head;
  }
  /** Logical end (exclusive). */
  get to(): number {
    return this.head + this.count;
  }
  /** Physical slot for a new record at `ts` (`rel`: the same time as ns since the epoch; grows when full). */
  protected slot(ts: bigint, rel: number): number {
    if (this.count === this.cap) this.onFull?.();
    if (this.count === this.cap) {
      const cap = this.cap * 2;
      this.ts = regrow(this.ts, (n) => new BigInt64Array(n), this.head, this.count, cap);
      this.rel = regrow(this.rel, (n) => new Float64Array(n), this.head, this.count, cap);
      this.growColumns(cap);
      this.head = 0;
      this.cap = cap;
    }
    const j = (this.head + this.count) % this.cap;
    this.ts[j] = ts;
    this.rel[j] = rel;
    this.count++;
    return j;
  }
  /** The epoch moved forward by `delta` ns: shift the retained records' epoch times. */
  rebase(delta: number): void {
    for (let i = 0; i < this.count; i++) {
      const j = (this.head + i) % this.cap;
      this.rel[j] = (this.rel[j] as number) - delta;
    }
  }
  protected abstract growColumns(cap: number): void;
  /** Drop records with `ts ≤ cutoff` (epoch ns), keeping `keep` newest ones at least. */
  evict(cutoff: number, keep = 0): void {
    while (this.count > keep && (this.rel[this.head] as number) <= cutoff) {
      if (keep > 0 && this.count > 1 && (this.rel[(this.head + 1) % this.cap] as number) > cutoff) break;
      this.head = (this.head + 1) % this.cap;
      this.count--;
      this.base++;
    }
  }
  clear(): void {
    this.base += this.count;
    this.head = 0;
    this.count = 0;
  }
  /** `[from, to)` of the records with `lo < ts ≤ hi`. */
  range(lo: bigint, hi: bigint): [number, number] {
    const to = this.firstAfter(this.from, this.to, hi);
    return [this.firstAfter(this.from, to, lo), to];
  }
  firstAfter(from: number, to: number, x: bigint): number {
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const m = lo + ((hi - lo) >>> 1);
      if ((this.ts[m % this.cap] ?? 0n) <= x) lo = m + 1;
      else hi = m;
    }
    return lo;
  }
}

class TradeRing extends Ring implements TradeView {
  price: Float64Array;
  size: Float64Array;
  aggressor: Int8Array;
  constructor(cap: number) {
    super(cap);
    this.price = new Float64Array(this.cap);
    this.size = new Float64Array(this.cap);
    this.aggressor = new Int8Array(this.cap);
  }
  push(ts: bigint, rel: number, price: number, size: number, aggressor: number): void {
    const j = this.slot(ts, rel);
    this.price[j] = price;
    this.size[j] = size;
    this.aggressor[j] = aggressor;
  }
  protected growColumns(cap: number): void {
    const { head, count } = this;
    this.price = regrow(this.price, (n) => new Float64Array(n), head, count, cap);
    this.size = regrow(this.size, (n) => new Float64Array(n), head, count, cap);
    this.aggressor = regrow(this.aggressor, (n) => new Int8Array(n), head, count, cap);
  }
}

class FlowRing extends Ring implements DepthFlowView {
  side: Int8Array;
  tick: Int32Array;
  added: Float64Array;
  filled: Float64Array;
  pulled: Float64Array;
  constructor(cap: number) {
    super(cap);
    this.side = new Int8Array(this.cap);
    this.tick = new Int32Array(this.cap);
    this.added = new Float64Array(this.cap);
    this.filled = new Float64Array(this.cap);
    this.pulled = new Float64Array(this.cap);
  }
  push(ts: bigint, rel: number, side: number, tick: number, added: number, filled: number, pulled: number): void {
    const j = this.slot(ts, rel);
    this.side[j] = side;
    this.tick[j] = tick;
    this.added[j] = added;
    this.filled[j] = filled;
    this.pulled[j] = pulled;
  }
  protected growColumns(cap: number): void {
    const { head, count } = this;
    this.side = regrow(this.side, (n) => new Int8Array(n), head, count, cap);
    this.tick = regrow(this.tick, (n) => new Int32Array(n), head, count, cap);
    this.added = regrow(this.added, (n) => new Float64Array(n), head, count, cap);
    this.filled = regrow(this.filled, (n) => new Float64Array(n), head, count, cap);
    this.pulled = regrow(this.pulled, (n) => new Float64Array(n), head, count, cap);
  }
}

/** A ring of `(ts, value)`: the L1-OFI ring (`e`) and the mid history (`mid`) share it. */
class ValueRing extends Ring implements L1OfiView, MidHistoryView {
  value: Float64Array;
  constructor(cap: number) {
    super(cap);
    this.value = new Float64Array(this.cap);
  }
  get e(): Float64Array {
    return this.value;
  }
  get mid(): Float64Array {
    return this.value;
  }
  push(ts: bigint, rel: number, value: number): void {
    // slot() may regrow the ring and replace `value`: take the slot before reading the column.
    const j = this.slot(ts, rel);
    this.value[j] = value;
  }
  protected growColumns(cap: number): void {
    this.value = regrow(this.value, (n) => new Float64Array(n), this.head, this.count, cap);
  }
}

class OptionFlowRing extends Ring implements OptionFlowView {
  contract: Int32Array;
  signed: Float64Array;
  size: Float64Array;
  constructor(cap: number) {
    super(cap);
    this.contract = new Int32Array(this.cap);
    this.signed = new Float64Array(this.cap);
    this.size = new Float64Array(this.cap);
  }
  push(ts: bigint, rel: number, contract: number, signed: number, size: number): void {
    const j = this.slot(ts, rel);
    this.contract[j] = contract;
    this.signed[j] = signed;
    this.size[j] = size;
  }
  /**
   * {@link Ring.evict} that first subtracts the dropped entries from the per-contract running sums; returns how
   * many dropped entries were not exact integers.
   */
  evictSums(cutoff: number, signed: Float64Array, size: Float64Array): number {
    let inexact = 0;
    let i = this.head;
    for (let k = 0; k < this.count && (this.rel[i] as number) <= cutoff; k++) {
      const c = this.contract[i] as number;
      const u = this.signed[i] as number;
      const v = this.size[i] as number;
      if (!(exactAddend(u) && exactAddend(v))) inexact++;
      signed[c] = (signed[c] as number) - u;
      size[c] = (size[c] as number) - v;
      if (++i === this.cap) i = 0;
    }
    this.evict(cutoff);
    return inexact;
  }
  protected growColumns(cap: number): void {
    const { head, count } = this;
    this.contract = regrow(this.contract, (n) => new Int32Array(n), head, count, cap);
    this.signed = regrow(this.signed, (n) => new Float64Array(n), head, count, cap);
    this.size = regrow(this.size, (n) => new Float64Array(n), head, count, cap);
  }
}

/** Passive-fill pool (§1.1 step 3): one FIFO over all `(side, tick)` in print order; `rem` is consumed. */
class PoolRing extends Ring {
  side: Int8Array;
  tick: Int32Array;
  rem: Float64Array;
  constructor(cap: number) {
    super(cap);
    this.side = new Int8Array(this.cap);
    this.tick = new Int32Array(this.cap);
    this.rem = new Float64Array(this.cap);
  }
  push(ts: bigint, rel: number, side: number, tick: number, size: number): void {
    const j = this.slot(ts, rel);
    this.side[j] = side;
    this.tick[j] = tick;
    this.rem[j] = size;
  }
  /** Drop entries with `ts < pruneTs` (prints are in non-decreasing ts, so a prefix). */
  prune(pruneTs: bigint): void {
    while (this.count > 0 && (this.ts[this.head] ?? 0n) < pruneTs) {
      this.head = (this.head + 1) % this.cap;
      this.count--;
    }
  }
  /** Consume up to `lost` contracts FIFO from the entries of `(side, tick)`; returns the amount consumed. */
  consume(side: number, tick: number, lost: number): number {
    let filled = 0;
    for (let i = this.head; i < this.head + this.count && filled < lost; i++) {
      const j = i % this.cap;
      if (this.side[j] !== side || this.tick[j] !== tick) continue;
      const rem = this.rem[j] ?? 0;
      const take = Math.min(rem, lost - filled);
      this.rem[j] = rem - take;
      filled += take;
    }
    return filled;
  }
  protected growColumns(cap: number): void {
    const { head, count } = this;
    this.side = regrow(this.side, (n) => new Int8Array(n), head, count, cap);
    this.tick = regrow(this.tick, (n) => new Int32Array(n), head, count, cap);
    this.rem = regrow(this.rem, (n) => new Float64Array(n), head, count, cap);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Book

/** One book state: populated levels per side, best first, with their tick keys. */
class BookState implements BarrierBookView {
  readonly bidPx = new Float64Array(MAX_LEVELS);
  readonly bidSz = new Float64Array(MAX_LEVELS);
  readonly bidTick = new Int32Array(MAX_LEVELS);
  bidCount = 0;
  readonly askPx = new Float64Array(MAX_LEVELS);
  readonly askSz = new Float64Array(MAX_LEVELS);
  readonly askTick = new Int32Array(MAX_LEVELS);
  askCount = 0;

  /** Load a record's levels: empty entries skipped, sorted by price, equal prices merged, best `depth` kept. */
  load(levels: MBP10['levels'], tickSize: number, depth: number): void {
    this.bidCount = 0;
    this.askCount = 0;
    const n = Math.min(levels.length, MAX_LEVELS);
    for (let i = 0; i < n; i++) {
      const l = levels[i];
      if (l === undefined) continue;
      if (l.bid_px > 0 && l.bid_sz > 0)
        this.bidCount = insert(this.bidPx, this.bidSz, this.bidCount, l.bid_px, l.bid_sz, -1);
      if (l.ask_px > 0 && l.ask_sz > 0)
        this.askCount = insert(this.askPx, this.askSz, this.askCount, l.ask_px, l.ask_sz, 1);
    }
    this.bidCount = Math.min(this.bidCount, depth);
    this.askCount = Math.min(this.askCount, depth);
    for (let i = 0; i < this.bidCount; i++) this.bidTick[i] = Math.round((this.bidPx[i] ?? 0) / tickSize);
    for (let i = 0; i < this.askCount; i++) this.askTick[i] = Math.round((this.askPx[i] ?? 0) / tickSize);
  }
}

/** An addend whose running sums stay exact: an integer of magnitude below 2³² (sums stay far below 2⁵³). */
function exactAddend(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x) < 4294967296;
}

/** Index of price `p` in the first `n` entries of `px`, or −1. */
function indexOf(px: Float64Array, n: number, p: number): number {
  for (let k = 0; k < n; k++) if (px[k] === p) return k;
  return -1;
}

/** A size the in-place book update may add exactly: a positive safe integer. */
function sizeOk(q: number): boolean {
  return q > 0 && Number.isSafeInteger(q);
}

/** Every populated raw entry (offset 0 bid, 2 ask) at price `px` among the first `n` levels has an integer size. */
function integerEntriesAt(raw: Float64Array, n: number, side: number, px: number): boolean {
  for (let j = 0; j < n; j++) {
    const r = 4 * j + side;
    const q = raw[r + 1] as number;
    if (raw[r] === px && q > 0 && !Number.isSafeInteger(q)) return false;
  }
  return true;
}

/** Insert `(p, q)` into the sorted prefix (ascending for `dir = 1`, descending for −1); returns the new count. */
function insert(px: Float64Array, sz: Float64Array, n: number, p: number, q: number, dir: number): number {
  let i = n;
  while (i > 0 && ((px[i - 1] ?? 0) - p) * dir > 0) i--;
  if (i > 0 && px[i - 1] === p) {
    sz[i - 1] = (sz[i - 1] ?? 0) + q;
    return n;
  }
  for (let k = n; k > i; k--) {
    px[k] = px[k - 1] ?? 0;
    sz[k] = sz[k - 1] ?? 0;
  }
  px[i] = p;
  sz[i] = q;
  return n + 1;
}

// ---------------------------------------------------------------------------------------------------------
// Contracts (levels-pipeline-lake.md B.4.1, B.4.3)

interface SessionContracts {
  readonly front: string;
  readonly expiring: string | null;
}

/** Front month of a trade date and, on roll-window dates `R ≤ D ≤ E`, the expiring contract `Q`. */
function sessionContracts(date: string, p: MarketStateParams): SessionContracts {
  const { year } = parseDate(date);
  let prev: { symbol: string; expiry: string; roll: string } | null = null;
  for (let y = year - 1; y <= year + 2; y++) {
    for (const code of p.QUARTERLY_MONTHS) {
      const expiry = nthWeekdayOfMonth(y, CME_MONTH_CODES.indexOf(code) + 1, 5, 3);
      const c = {
        symbol: `${p.FUTURES_ROOT}${code}${((y % 10) + 10) % 10}`,
        expiry,
        roll: addDays(expiry, -p.ROLL_DAYS_BEFORE_EXPIRY),
      };
      if (date < c.roll) {
        const expiring = prev !== null && prev.roll <= date && date <= prev.expiry ? prev.symbol : null;
        return { front: c.symbol, expiring };
      }
      prev = c;
    }
  }
  throw new RangeError(`MarketState: no ${p.FUTURES_ROOT} contract rolls after ${date}; check QUARTERLY_MONTHS`);
}

// ---------------------------------------------------------------------------------------------------------
// MarketState

/**
 * MarketState of spec §1. Feed canonical events in canonical order ({@link MarketState.apply} or the typed
 * `apply*` methods) and call {@link MarketState.advanceClock} before each snap; the engines then read the views.
 *
 * @example
 * ```ts
 * const ms = new MarketState();
 * ms.applyMbp10(book); ms.applyFuturesTrade(trade);
 * ms.advanceClock(t);
 * const [from, to] = ms.flowRange(t, 240);
 * barrier.evaluate(ms.flowView(), from, to, ms.bookView(), t, level, 'DOWN');
 * ```
 */
export class MarketState {
  readonly params: MarketStateParams;
  readonly #tick: number;
  readonly #depth: number;
  readonly #tradeNs: bigint;
  readonly #flowNs: bigint;
  readonly #midNs: bigint;
  readonly #wgNs: bigint;
  readonly #minuteNs: bigint;
  readonly #smaNs: bigint;
  readonly #basisNs: bigint;

  #clock = NO_TS;
  // Session
  #session: string | null = null;
  #day = 0;
  #sessionEnd = NO_TS;
  #front: string | null = null;
  #expiring: string | null = null;
  #pmStart = NO_TS;
  #pmEnd = NO_TS;
  #orStart = NO_TS;
  #orEnd = NO_TS;
  // Book
  #book = new BookState();
  #next = new BookState();
  #hasBook = false;
  #bookTs = NO_TS;
  #pruneTs = NO_TS;
  #lastMid = Number.NaN;
  /** Raw entries `(bid_px, bid_sz, ask_px, ask_sz)` of the last applied record of `F`; `#rawN` entries, −1: none. */
  readonly #raw = new Float64Array(4 * MAX_LEVELS);
  #rawN = -1;
  // qTop of the expiring contract
  #qBid = 0;
  #qAsk = 0;
  #qTs = NO_TS;
  // Trades
  #spot: number | null = null;
  #spotTs = NO_TS;
  readonly #trades: TradeRing;
  readonly #pool: PoolRing;
  readonly #flow: FlowRing;
  readonly #l1: ValueRing;
  readonly #flowSums: FlowWindowSums;
  /**
   * Retention eviction is pending at the clock: the rings and window sums are brought to the clock lazily, by
   * the first query that reads them or a push into a full ring ({@link #settle}), so an event costs no
   * eviction work. Eviction is monotone in the clock, so the result equals evicting at every `advanceClock`.
   */
  #unsettled = false;
  /** Origin of the rings' double time line: the high word of the trade date's start (moved at each rollover). */
  readonly #epoch = { hi: 0 };
  /** The clock in epoch ns. */
  #clockRel = 0;
  #tradeNsRel = 0;
  #flowNsRel = 0;
  #midNsRel = 0;
  #wgNsRel = 0;
  readonly #l1Sums: L1WindowSums;
  readonly #windowSums: OfiWindowSums & BarrierWindowSums;
  readonly #mids: ValueRing;
  // Minute closes: last LOOKBACK_MINUTES buckets with trades
  readonly #minBucket: Float64Array;
  readonly #minClose: Float64Array;
  #minHead = 0;
  #minCount = 0;
  // 2-min closes (ticks) tagged with their trade-date day number
  readonly #smaTick: Float64Array;
  readonly #smaDay: Float64Array;
  #smaHead = 0;
  #smaCount = 0;
  /** Bumped whenever the SMA closes change; {@link sma} results are memoized per revision. */
  #smaRevision = 0;
  #smaMemoRevision = -1;
  readonly #smaMemo = new Map<number, number | null>();
  /** End (exclusive) of the open bar's 2-minute bucket, NO_DUE without an open bar. */
  #barEnd = NO_DUE;
  /** `[start, end)` of the last trade's 2-minute and 1-minute buckets: no bigint division while a trade stays in them. */
  #smaStart = NO_DUE;
  #smaEnd = NO_DUE;
  #smaIndex = 0;
  #minuteStart = NO_DUE;
  #minuteEnd = NO_DUE;
  #minuteIndex = 0;
  #barTick = 0;
  #barDay = 0;
  #minAllowedDay = Number.NEGATIVE_INFINITY;
  /** Distinct trade dates (day numbers) with front-month trades, ascending, newest last. */
  readonly #tradeDays: number[] = [];
  // PM / OR
  #pmHigh = Number.NEGATIVE_INFINITY;
  #pmLow = Number.POSITIVE_INFINITY;
  #orHigh = Number.NEGATIVE_INFINITY;
  #orLow = Number.POSITIVE_INFINITY;
  // Options
  #contracts: OptionContractState[] = [];
  #optionRevision = 0;
  readonly #contractIndex = new Map<string, number>();
  readonly #optFlow: OptionFlowRing;
  /**
   * Running per-contract sums of the option flow ring's retained entries, i.e. over `(clock − W_g, clock]` once
   * settled: added at each push, subtracted when the ring drops the entry. `#optInexact` counts retained entries
   * that are not exact integer addends (then {@link optionFlowSums} sums the ring instead).
   */
  #optSigned = new Float64Array(64);
  #optSize = new Float64Array(64);
  #optInexact = 0;
  /** An inexact addend went through the running sums: rebuild them from the ring once none is retained. */
  #optRebuild = false;

  constructor(params: MarketStateParams = DEFAULT_CONFIG, options: MarketStateOptions = {}) {
    this.params = params;
    this.#tick = params.TICK_SIZE;
    this.#depth = Math.min(params.BOOK_DEPTH, MAX_LEVELS);
    this.#tradeNs = secondsToNs(params.TRADE_RETENTION_S);
    this.#flowNs = secondsToNs(params.FLOW_RETENTION_S);
    this.#midNs = secondsToNs(params.MID_RETENTION_S);
    this.#wgNs = secondsToNs(params.W_g);
    this.#minuteNs = secondsToNs(params.MINUTE_BAR_S);
    this.#smaNs = secondsToNs(params.SMA_BAR_S);
    this.#basisNs = secondsToNs(params.BASIS_MAX_AGE_S);
    const rate = options.ratePerSecond ?? DEFAULT_RATE;
    const size = (s: number) => Math.ceil(s * rate);
    this.#trades = new TradeRing(size(params.TRADE_RETENTION_S));
    this.#pool = new PoolRing(MIN_CAPACITY);
    this.#flow = new FlowRing(size(params.FLOW_RETENTION_S));
    this.#l1 = new ValueRing(size(params.FLOW_RETENTION_S));
    const ofiNs = params.OFI_WINDOWS_S.map(secondsToNs);
    this.#flowSums = new FlowWindowSums(ofiNs, secondsToNs(params.W_b));
    this.#l1Sums = new L1WindowSums(ofiNs);
    const flowSums = this.#flowSums;
    const l1Sums = this.#l1Sums;
    // Every read settles pending eviction first (a caller may keep this object across advanceClock calls).
    const settle = () => this.#settle();
    this.#windowSums = {
      l1: (i) => {
        settle();
        return l1Sums.sum(i);
      },
      depth: (i) => {
        settle();
        return flowSums.total(i);
      },
      depthAt: (i, tick) => {
        settle();
        return flowSums.signedAt(i, tick);
      },
      netAt: (side, tick) => {
        settle();
        return flowSums.netAt(side, tick);
      },
      fillAt: (side, tick) => {
        settle();
        return flowSums.fillAt(side, tick);
      },
    };
    this.#mids = new ValueRing(size(params.MID_RETENTION_S));
    this.#mids.keep = 1;
    this.#optFlow = new OptionFlowRing(size(params.W_g));
    for (const ring of [this.#trades, this.#flow, this.#l1, this.#mids, this.#optFlow]) ring.onFull = settle;
    for (const ring of this.#rings()) ring.epoch = this.#epoch;
    this.#tradeNsRel = Number(this.#tradeNs);
    this.#flowNsRel = Number(this.#flowNs);
    this.#midNsRel = Number(this.#midNs);
    this.#wgNsRel = Number(this.#wgNs);
    this.#minBucket = new Float64Array(params.LOOKBACK_MINUTES);
    this.#minClose = new Float64Array(params.LOOKBACK_MINUTES);
    this.#smaTick = new Float64Array(params.SMA_SLOW_PERIOD);
    this.#smaDay = new Float64Array(params.SMA_SLOW_PERIOD);
  }

  /** Every ring (they share the epoch of the double time line). */
  #rings(): Ring[] {
    return [this.#trades, this.#pool, this.#flow, this.#l1, this.#mids, this.#optFlow];
  }

  // -------------------------------------------------------------------------------------------------------
  // Events

  /** Apply any canonical event (dispatch on its fields). */
  apply(event: MarketEvent): void {
    if ('levels' in event) this.applyMbp10(event);
    else if ('opt_bid' in event) this.applyOptionTrade(event);
    else if ('option_symbol' in event) this.applyOptionNbbo(event);
    else this.applyFuturesTrade(event);
  }

  /** §1.1: a futures print of the front month (others are ignored). */
  applyFuturesTrade(ev: FuturesTrade): void {
    const ts = ev.ts_event_ns;
    this.advanceClock(ts);
    if (ev.symbol !== this.#front) return;
    const price = ev.price;
    // Step 1: passive side (quote rule at the touch for NONE prints).
    let side = ev.aggressor === 1 ? FLOW_SIDE_ASK : ev.aggressor === -1 ? FLOW_SIDE_BID : 0;
    const b = this.#book;
    if (ev.aggressor === 0 && this.#hasBook && b.bidCount > 0 && b.askCount > 0) {
      const bb = b.bidPx[0] ?? 0;
      const ba = b.askPx[0] ?? 0;
      if (bb < ba) side = price >= ba ? FLOW_SIDE_ASK : price <= bb ? FLOW_SIDE_BID : 0;
    }
    // Step 2: spot and trade ring.
    this.#spot = price;
    this.#spotTs = ts;
    this.#trades.push(ts, this.#clockRel, price, ev.size, ev.aggressor);
    // Step 3: passive pool.
    if (this.#hasBook && side !== 0) this.#pool.push(ts, this.#clockRel, side, Math.round(price / this.#tick), ev.size);
    // Step 4: context.
    const day = this.#day;
    const days = this.#tradeDays;
    if (days[days.length - 1] !== day) {
      days.push(day);
      if (days.length > this.params.SMA_WARMUP_DAYS + 1) days.shift();
    }
    if (!(this.params.PRICE_SANITY_MIN <= price && price <= this.params.PRICE_SANITY_MAX)) return;
    const tick = Math.round(price / this.#tick);
    if (!(ts >= this.#minuteStart && ts < this.#minuteEnd)) {
      this.#minuteIndex = Number(ts / this.#minuteNs);
      this.#minuteStart = BigInt(this.#minuteIndex) * this.#minuteNs;
      this.#minuteEnd = this.#minuteStart + this.#minuteNs;
    }
    const minute = this.#minuteIndex;
    const lb = this.#minBucket.length;
    const last = (this.#minHead + this.#minCount - 1) % lb;
    if (this.#minCount > 0 && this.#minBucket[last] === minute) this.#minClose[last] = price;
    else if (lb > 0) {
      const j = (this.#minHead + this.#minCount) % lb;
      this.#minBucket[j] = minute;
      this.#minClose[j] = price;
      if (this.#minCount < lb) this.#minCount++;
      else this.#minHead = (this.#minHead + 1) % lb;
    }
    if (!(ts >= this.#smaStart && ts < this.#smaEnd)) {
      this.#smaIndex = Number(ts / this.#smaNs);
      this.#smaStart = BigInt(this.#smaIndex) * this.#smaNs;
      this.#smaEnd = this.#smaStart + this.#smaNs;
    }
    this.#barEnd = this.#smaEnd;
    this.#barTick = tick;
    this.#barDay = day;
    if (ts >= this.#pmStart && ts < this.#pmEnd) {
      this.#pmHigh = Math.max(this.#pmHigh, price);
      this.#pmLow = Math.min(this.#pmLow, price);
    }
    if (ts >= this.#orStart && ts < this.#orEnd) {
      this.#orHigh = Math.max(this.#orHigh, price);
      this.#orLow = Math.min(this.#orLow, price);
    }
  }

  /** §1.2: an MBP-10 record (front month: book, flow, OFI, mid; expiring contract: `qTop` only). */
  applyMbp10(ev: MBP10): void {
    const ts = ev.ts_event_ns;
    this.advanceClock(ts);
    if (ev.symbol !== this.#front) {
      if (ev.symbol === this.#expiring && this.#expiring !== null) this.#applyQ(ev);
      return;
    }
    if (this.#bookTs === NO_TS || ts > this.#bookTs) {
      this.#pruneTs = this.#bookTs;
      this.#bookTs = ts;
    }
    const old = this.#book;
    const levels = ev.levels;
    if (this.#hasBook && !ev.is_snapshot) {
      this.#pool.prune(this.#pruneTs);
      // Most records change one raw entry's size (or nothing visible): update the book in place. The raw
      // entries are compared by value (never by object identity), so this path is exact for any input.
      if (this.#rawN === levels.length && this.#applySizeChange(ts, levels)) return;
      const next = this.#next;
      this.#loadRaw(next, levels);
      this.#diff(ts, old, next);
      this.#pushL1(ts, old, next);
      this.#book = next;
      this.#next = old;
      this.#pushMid(ts, next);
      return;
    }
    const next = this.#next;
    this.#loadRaw(next, levels);
    this.#pool.clear();
    this.#book = next;
    this.#next = old;
    this.#hasBook = true;
    this.#pushMid(ts, next);
  }

  /** Load `levels` into `book` and remember the raw entries for {@link #applySizeChange}. */
  #loadRaw(book: BookState, levels: MBP10['levels']): void {
    book.load(levels, this.#tick, this.#depth);
    const n = levels.length;
    const raw = this.#raw;
    this.#rawN = n <= MAX_LEVELS ? n : -1;
    for (let i = 0; i < n && i < MAX_LEVELS; i++) {
      const l = levels[i];
      if (l === undefined) {
        this.#rawN = -1;
        return;
      }
      raw[4 * i] = l.bid_px;
      raw[4 * i + 1] = l.bid_sz;
      raw[4 * i + 2] = l.ask_px;
      raw[4 * i + 3] = l.ask_sz;
    }
  }

  /**
   * §1.2 steps 3–6 when the record differs from the previous raw entries in at most one entry and only in the
   * sizes of populated prices (integers): the populated prices, the visible bounds and the mid are unchanged, so
   * the only depth-flow record is `Δ` at that price per side, exactly what {@link #diff} of the full states
   * gives. Returns false (nothing changed) when the record needs the full path.
   */
  #applySizeChange(ts: bigint, levels: MBP10['levels']): boolean {
    const raw = this.#raw;
    const n = levels.length;
    let changed = -1;
    for (let i = 0; i < n; i++) {
      const l = levels[i];
      if (l === undefined) return false;
      const r = 4 * i;
      if (l.bid_px !== raw[r] || l.bid_sz !== raw[r + 1] || l.ask_px !== raw[r + 2] || l.ask_sz !== raw[r + 3]) {
        if (changed >= 0) return false;
        changed = i;
      }
    }
    const book = this.#book;
    const bidPx0 = book.bidPx[0] as number;
    const bidSz0 = book.bidCount > 0 ? (book.bidSz[0] as number) : 0;
    const askPx0 = book.askPx[0] as number;
    const askSz0 = book.askCount > 0 ? (book.askSz[0] as number) : 0;
    if (changed >= 0) {
      const l = levels[changed] as MBP10['levels'][number];
      const r = 4 * changed;
      const bq = raw[r + 1] as number;
      const aq = raw[r + 3] as number;
      const bidDelta = l.bid_sz !== bq;
      const askDelta = l.ask_sz !== aq;
      // Same prices, populated before and after, integer sizes: otherwise the full path.
      if (l.bid_px !== raw[r] || l.ask_px !== raw[r + 2]) return false;
      if (bidDelta && !(l.bid_px > 0 && sizeOk(l.bid_sz) && sizeOk(bq))) return false;
      if (askDelta && !(l.ask_px > 0 && sizeOk(l.ask_sz) && sizeOk(aq))) return false;
      // The book merges entries of equal price by summing them in level order; adding Δ to that sum is exact only
      // when every entry at the price is an integer (a fractional one would round the sums differently).
      if (bidDelta && !integerEntriesAt(raw, n, 0, l.bid_px)) return false;
      if (askDelta && !integerEntriesAt(raw, n, 2, l.ask_px)) return false;
      if (bidDelta) {
        raw[r + 1] = l.bid_sz;
        const k = indexOf(book.bidPx, book.bidCount, l.bid_px);
        if (k >= 0) {
          const q = l.bid_sz - bq;
          book.bidSz[k] = (book.bidSz[k] as number) + q;
          this.#record(ts, FLOW_SIDE_BID, book.bidTick[k] as number, q);
        }
      }
      if (askDelta) {
        raw[r + 3] = l.ask_sz;
        const k = indexOf(book.askPx, book.askCount, l.ask_px);
        if (k >= 0) {
          const q = l.ask_sz - aq;
          book.askSz[k] = (book.askSz[k] as number) + q;
          this.#record(ts, FLOW_SIDE_ASK, book.askTick[k] as number, q);
        }
      }
    }
    const e = ofiL1Increment(
      bidPx0,
      bidSz0,
      askPx0,
      askSz0,
      book.bidPx[0] as number,
      book.bidCount > 0 ? (book.bidSz[0] as number) : 0,
      book.askPx[0] as number,
      book.askCount > 0 ? (book.askSz[0] as number) : 0,
    );
    this.#l1.push(ts, this.#clockRel, e);
    this.#l1Sums.add(this.#clockRel, e);
    this.#pushMid(ts, book);
    return true;
  }

  /** §1.2 step 5: the best-level OFI of `old → next`. */
  #pushL1(ts: bigint, old: BookState, next: BookState): void {
    const e = ofiL1Increment(
      old.bidPx[0] as number,
      old.bidCount > 0 ? (old.bidSz[0] as number) : 0,
      old.askPx[0] as number,
      old.askCount > 0 ? (old.askSz[0] as number) : 0,
      next.bidPx[0] as number,
      next.bidCount > 0 ? (next.bidSz[0] as number) : 0,
      next.askPx[0] as number,
      next.askCount > 0 ? (next.askSz[0] as number) : 0,
    );
    this.#l1.push(ts, this.#clockRel, e);
    this.#l1Sums.add(this.#clockRel, e);
  }

  /** §1.2 step 6: append the mid when the book is valid and its mid changed. */
  #pushMid(ts: bigint, book: BookState): void {
    if (book.bidCount > 0 && book.askCount > 0) {
      const bb = book.bidPx[0] as number;
      const ba = book.askPx[0] as number;
      if (bb < ba) {
        const mid = (bb + ba) / 2;
        if (mid !== this.#lastMid) {
          this.#mids.push(ts, this.#clockRel, mid);
          this.#lastMid = mid;
        }
      }
    }
  }

  /** §1.3: a 0DTE option trade on `F` (or `Q` in a roll window). */
  applyOptionTrade(ev: OptionTrade): void {
    const ts = ev.ts_event_ns;
    this.advanceClock(ts);
    if (ev.exp_date !== this.#session) return;
    const onQ = ev.underlying_contract === this.#expiring && this.#expiring !== null;
    if (ev.underlying_contract !== this.#front && !onQ) return;
    let u = 0;
    if (ev.aggressor === 1) u = ev.size;
    else if (ev.aggressor === -1) u = -ev.size;
    else if (ev.opt_bid !== null && ev.opt_ask !== null && ev.opt_bid < ev.opt_ask) {
      if (ev.price >= ev.opt_ask) u = ev.size;
      else if (ev.price <= ev.opt_bid) u = -ev.size;
    }
    let index = this.#contractIndex.get(ev.option_symbol);
    if (index === undefined) {
      index = this.#contracts.length;
      this.#contractIndex.set(ev.option_symbol, index);
      this.#contracts.push({
        option_symbol: ev.option_symbol,
        underlying_contract: ev.underlying_contract,
        strike: ev.strike,
        right: ev.right,
        expiration_ns: ev.expiration_ns,
        N: 0,
        V: 0,
        premium: 0,
        lastPrice: ev.price,
        lastTs: ts,
        iv: null,
        ivTs: null,
      });
    }
    const c = this.#contracts[index] as OptionContractState;
    this.#optionRevision++;
    c.N += u;
    c.V += ev.size;
    c.premium += ev.price * ev.size * this.params.OPTION_MULTIPLIER;
    c.lastPrice = ev.price;
    c.lastTs = ts;
    if (this.params.FUEL_IV_MODE === 'implied' && this.#spot !== null) {
      let f: number | null = this.#spot;
      if (onQ) {
        const b = this.basis(ts);
        f = b === null ? null : this.#spot - b;
      }
      if (f !== null) {
        const T = timeToExpiryYears(c.expiration_ns, ts, this.params);
        const iv = impliedVol(ivInputPrice(ev.price, ev.opt_bid, ev.opt_ask), f, c.strike, T, c.right, this.params);
        if (iv !== null) {
          c.iv = iv;
          c.ivTs = ts;
        }
      }
    }
    this.#optFlow.push(ts, this.#clockRel, index, u, ev.size);
    if (index >= this.#optSigned.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(2 * a.length);
        b.set(a);
        return b;
      };
      this.#optSigned = grow(this.#optSigned);
      this.#optSize = grow(this.#optSize);
    }
    this.#optSigned[index] = (this.#optSigned[index] as number) + u;
    this.#optSize[index] = (this.#optSize[index] as number) + ev.size;
    if (!(exactAddend(u) && exactAddend(ev.size))) {
      this.#optInexact++;
      this.#optRebuild = true;
    }
  }

  /** Option NBBO: accepted and ordered (advances the clock), otherwise ignored (§0.4). */
  applyOptionNbbo(ev: OptionNBBO): void {
    this.advanceClock(ev.ts_event_ns);
  }

  /**
   * §1.4: trade-date rollover (and contract roll), 2-minute bar finalization and retention eviction at `t`.
   * Called implicitly before every event; `t` must not decrease.
   *
   * @throws {MarketStateError} when `t` is earlier than the current clock.
   */
  advanceClock(t: bigint): void {
    if (t === this.#clock) return; // idempotent at the same time
    if (t < this.#clock) throw new MarketStateError('clock_regression', t, this.#clock);
    this.#clock = t;
    if (this.#session === null || t >= this.#sessionEnd) this.#rollover(t);
    // Bar finalization.
    if (t >= this.#barEnd) {
      if (this.#barDay >= this.#minAllowedDay) this.#pushClose(this.#barTick, this.#barDay);
      this.#barEnd = NO_DUE;
    }
    // Eviction runs on the double time line (exact; no bigint allocated per event), lazily (#settle).
    this.#clockRel = nsSince(t, this.#epoch.hi);
    this.#unsettled = true;
  }

  /** §1.4 step 3 at the clock: the window sums subtract what leaves their windows, then the rings drop it. */
  #settle(): void {
    if (!this.#unsettled) return;
    this.#unsettled = false;
    const tr = this.#clockRel;
    this.#flowSums.evict(this.#flow, tr);
    this.#l1Sums.evict(this.#l1, tr);
    this.#trades.evict(tr - this.#tradeNsRel);
    this.#flow.evict(tr - this.#flowNsRel);
    this.#l1.evict(tr - this.#flowNsRel);
    this.#mids.evict(tr - this.#midNsRel, 1);
    this.#optInexact -= this.#optFlow.evictSums(tr - this.#wgNsRel, this.#optSigned, this.#optSize);
  }

  #rollover(t: bigint): void {
    const date = tradeDate(t);
    const window = tradeDateWindow(date);
    // Move the epoch to this trade date (the double times stay far below 2⁵³ ns) and shift what the rings hold.
    const hi = highWord(window.start);
    if (hi !== this.#epoch.hi) {
      const delta = (hi - this.#epoch.hi) * 4294967296;
      this.#epoch.hi = hi;
      for (const ring of this.#rings()) ring.rebase(delta);
      this.#flowSums.rebase(delta);
      this.#l1Sums.rebase(delta);
    }
    const contracts = sessionContracts(date, this.params);
    const roll = this.#front !== null && contracts.front !== this.#front;
    this.#session = date;
    this.#sessionEnd = window.end;
    this.#front = contracts.front;
    this.#expiring = contracts.expiring;
    const w = sessionWindows(date, this.params);
    this.#pmStart = w.premarket.start;
    this.#pmEnd = w.premarket.end;
    this.#orStart = w.openingRange.start;
    this.#orEnd = w.openingRange.end;
    this.#pmHigh = Number.NEGATIVE_INFINITY;
    this.#pmLow = Number.POSITIVE_INFINITY;
    this.#orHigh = Number.NEGATIVE_INFINITY;
    this.#orLow = Number.POSITIVE_INFINITY;
    this.#contracts = [];
    this.#optionRevision++;
    this.#contractIndex.clear();
    this.#optFlow.clear();
    this.#optSigned.fill(0);
    this.#optSize.fill(0);
    this.#optInexact = 0;
    this.#optRebuild = false;
    this.#qTs = NO_TS;
    if (roll) {
      this.#hasBook = false;
      this.#book.bidCount = 0;
      this.#book.askCount = 0;
      this.#bookTs = NO_TS;
      this.#pruneTs = NO_TS;
      this.#spot = null;
      this.#spotTs = NO_TS;
      this.#pool.clear();
      this.#trades.clear();
      this.#flow.clear();
      this.#l1.clear();
      this.#flowSums.clear();
      this.#l1Sums.clear();
      this.#mids.clear();
      this.#lastMid = Number.NaN;
      this.#minHead = 0;
      this.#minCount = 0;
      this.#smaHead = 0;
      this.#smaCount = 0;
      this.#smaRevision++;
      this.#barEnd = NO_DUE;
      this.#tradeDays.length = 0;
    }
    // Warm-up rule: keep closes of D and of the SMA_WARMUP_DAYS most recent earlier dates with trades.
    const day = dateToDayNumber(date);
    this.#day = day;
    const earlier = this.#tradeDays.filter((d) => d < day);
    const warm = this.params.SMA_WARMUP_DAYS;
    this.#minAllowedDay = warm > 0 && earlier.length > 0 ? (earlier[Math.max(0, earlier.length - warm)] ?? day) : day;
    while (this.#smaCount > 0 && (this.#smaDay[this.#smaHead] ?? 0) < this.#minAllowedDay) {
      this.#smaHead = (this.#smaHead + 1) % this.#smaTick.length;
      this.#smaCount--;
      this.#smaRevision++;
    }
  }

  #pushClose(tick: number, day: number): void {
    const cap = this.#smaTick.length;
    if (cap === 0) return;
    const j = (this.#smaHead + this.#smaCount) % cap;
    this.#smaTick[j] = tick;
    this.#smaDay[j] = day;
    if (this.#smaCount < cap) this.#smaCount++;
    else this.#smaHead = (this.#smaHead + 1) % cap;
    this.#smaRevision++;
  }

  #applyQ(ev: MBP10): void {
    let bid = Number.NEGATIVE_INFINITY;
    let ask = Number.POSITIVE_INFINITY;
    for (const l of ev.levels) {
      if (l.bid_px > 0 && l.bid_sz > 0 && l.bid_px > bid) bid = l.bid_px;
      if (l.ask_px > 0 && l.ask_sz > 0 && l.ask_px < ask) ask = l.ask_px;
    }
    if (bid === Number.NEGATIVE_INFINITY || ask === Number.POSITIVE_INFINITY) return;
    this.#qBid = bid;
    this.#qAsk = ask;
    this.#qTs = ev.ts_event_ns;
  }

  /** §1.2 steps 3–4: records of one update, bids before asks, ascending price. */
  #diff(ts: bigint, old: BookState, next: BookState): void {
    const depth = this.#depth;
    // Bids: arrays are descending; walk from the end (ascending tick).
    const floorOld = old.bidCount >= depth ? (old.bidTick[old.bidCount - 1] ?? 0) : Number.NEGATIVE_INFINITY;
    const floorNew = next.bidCount >= depth ? (next.bidTick[next.bidCount - 1] ?? 0) : Number.NEGATIVE_INFINITY;
    const bidMin = Math.max(floorOld, floorNew);
    let i = old.bidCount - 1;
    let j = next.bidCount - 1;
    while (i >= 0 || j >= 0) {
      const ko = i >= 0 ? (old.bidTick[i] ?? 0) : Number.POSITIVE_INFINITY;
      const kn = j >= 0 ? (next.bidTick[j] ?? 0) : Number.POSITIVE_INFINITY;
      const k = Math.min(ko, kn);
      const qo = ko === k ? (old.bidSz[i--] ?? 0) : 0;
      const qn = kn === k ? (next.bidSz[j--] ?? 0) : 0;
      if (k >= bidMin) this.#record(ts, FLOW_SIDE_BID, k, qn - qo);
    }
    const ceilOld = old.askCount >= depth ? (old.askTick[old.askCount - 1] ?? 0) : Number.POSITIVE_INFINITY;
    const ceilNew = next.askCount >= depth ? (next.askTick[next.askCount - 1] ?? 0) : Number.POSITIVE_INFINITY;
    const askMax = Math.min(ceilOld, ceilNew);
    i = 0;
    j = 0;
    while (i < old.askCount || j < next.askCount) {
      const ko = i < old.askCount ? (old.askTick[i] ?? 0) : Number.POSITIVE_INFINITY;
      const kn = j < next.askCount ? (next.askTick[j] ?? 0) : Number.POSITIVE_INFINITY;
      const k = Math.min(ko, kn);
      if (k > askMax) break;
      const qo = ko === k ? (old.askSz[i++] ?? 0) : 0;
      const qn = kn === k ? (next.askSz[j++] ?? 0) : 0;
      this.#record(ts, FLOW_SIDE_ASK, k, qn - qo);
    }
  }

  #record(ts: bigint, side: number, tick: number, delta: number): void {
    if (delta > 0) {
      this.#flow.push(ts, this.#clockRel, side, tick, delta, 0, 0);
      this.#flowSums.add(this.#clockRel, side, tick, delta, 0, 0);
    } else if (delta < 0) {
      const lost = -delta;
      const filled = this.#pool.consume(side, tick, lost);
      this.#flow.push(ts, this.#clockRel, side, tick, 0, filled, lost - filled);
      this.#flowSums.add(this.#clockRel, side, tick, 0, filled, lost - filled);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Queries

  /** The current clock (time of the last `advanceClock` or event), ns; null before any. */
  get clock(): bigint | null {
    return this.#clock === NO_TS ? null : this.#clock;
  }
  /** Current trade date `D`, or null before any event. */
  get session(): string | null {
    return this.#session;
  }
  /** Front month `F` of the current trade date, or null. */
  get frontMonth(): string | null {
    return this.#front;
  }
  /** Expiring contract `Q` on a roll-window date, else null. */
  get expiringContract(): string | null {
    return this.#expiring;
  }
  /** `ts_event_ns` of the last applied MBP-10 record of `F`, or null. */
  get bookTs(): bigint | null {
    return this.#bookTs === NO_TS ? null : this.#bookTs;
  }
  /** Latest MBP-10 timestamp strictly before `bookTs`, or null. */
  get pruneTs(): bigint | null {
    return this.#pruneTs === NO_TS ? null : this.#pruneTs;
  }
  /** Last futures trade price (spot), or null. */
  spot(): number | null {
    return this.#spot;
  }
  /** Time of the last futures trade, or null. */
  spotTs(): bigint | null {
    return this.#spotTs === NO_TS ? null : this.#spotTs;
  }
  /** Best populated bid, or null. */
  bestBid(): Quote | null {
    const b = this.#book;
    return this.#hasBook && b.bidCount > 0 ? { price: b.bidPx[0] ?? 0, size: b.bidSz[0] ?? 0 } : null;
  }
  /** Best populated ask, or null. */
  bestAsk(): Quote | null {
    const b = this.#book;
    return this.#hasBook && b.askCount > 0 ? { price: b.askPx[0] ?? 0, size: b.askSz[0] ?? 0 } : null;
  }
  /** Mid of the current book if valid (both sides, bid < ask), else null. */
  mid(): number | null {
    const b = this.#book;
    if (!this.#hasBook || b.bidCount === 0 || b.askCount === 0) return null;
    const bb = b.bidPx[0] ?? 0;
    const ba = b.askPx[0] ?? 0;
    return bb < ba ? (bb + ba) / 2 : null;
  }
  /** The current book (best first per side), or null before the first record. Reused: read, don't keep. */
  bookView(): BarrierBookView | null {
    return this.#hasBook ? this.#book : null;
  }
  /** Number of passive-fill pool entries (diagnostics and tests). */
  poolSize(): number {
    return this.#pool.count;
  }
  /** Remaining pooled contracts at `(side, tick)` (tests and diagnostics). */
  pooled(side: number, tick: number): number {
    const p = this.#pool;
    let s = 0;
    for (let i = p.head; i < p.head + p.count; i++) {
      const j = i % p.cap;
      if (p.side[j] === side && p.tick[j] === tick) s += p.rem[j] ?? 0;
    }
    return s;
  }

  /** Trade ring columns (`TradeView`). */
  tradeView(): TradeView {
    this.#settle();
    return this.#trades;
  }
  /** `[from, to)` of the trades in `(t − W, t]` (`W` in s); without arguments all retained trades. */
  tradeRange(t?: bigint, W?: number): [number, number] {
    this.#settle();
    return rangeOf(this.#trades, t, W);
  }
  /** Depth-flow ring columns (`DepthFlowView`). */
  flowView(): DepthFlowView {
    this.#settle();
    return this.#flow;
  }
  /** `[from, to)` of the depth-flow records in `(t − W, t]`; without arguments all retained records. */
  flowRange(t?: bigint, W?: number): [number, number] {
    this.#settle();
    return rangeOf(this.#flow, t, W);
  }
  /** L1-OFI ring columns (`L1OfiView`). */
  l1OfiView(): L1OfiView {
    this.#settle();
    return this.#l1;
  }
  /** `[from, to)` of the L1-OFI records in `(t − W, t]`; without arguments all retained records. */
  l1Range(t?: bigint, W?: number): [number, number] {
    this.#settle();
    return rangeOf(this.#l1, t, W);
  }
  /**
   * Sliding sums of the depth flow and L1 OFI over the OFI windows and the barrier window `(t − W, t]` at the
   * clock `t` (the last event or {@link advanceClock}), for {@link OFIEngine.evaluateSums},
   * {@link OFIEngine.nearLevelSums} and {@link BarrierEngine.evaluateSums}; null when they cannot be exact (a
   * non-integer size reached the flow through the typed API): scan the rings then.
   */
  windowSums(): (OfiWindowSums & BarrierWindowSums) | null {
    this.#settle();
    return this.#flowSums.exact && this.#l1Sums.exact ? this.#windowSums : null;
  }
  /** Mid history columns (`MidHistoryView`). */
  midView(): MidHistoryView {
    this.#settle();
    return this.#mids;
  }
  /** `[from, to)` of the retained mid history (including the as-of anchor). */
  midRange(): [number, number] {
    this.#settle();
    return [this.#mids.from, this.#mids.to];
  }
  /** Option flow ring columns. */
  optionFlowView(): OptionFlowView {
    this.#settle();
    return this.#optFlow;
  }
  /** `[from, to)` of the option flow entries in `(t − W, t]`; without arguments all retained entries. */
  optionFlowRange(t?: bigint, W?: number): [number, number] {
    this.#settle();
    return rangeOf(this.#optFlow, t, W);
  }

  /** `midAsOf(s)`: last recorded valid mid with `ts ≤ s`, or null. */
  midAsOf(s: bigint): number | null {
    this.#settle();
    const r = this.#mids;
    const i = r.firstAfter(r.from, r.to, s);
    return i === r.from ? null : (r.value[(i - 1) % r.cap] ?? null);
  }
  /** `ofiL1(t, W)`: Σ `e` over `(t − W, t]`. */
  ofiL1(t: bigint, W: number): number {
    this.#settle();
    return ofiL1Sum(this.#l1, this.#l1.from, this.#l1.to, t - secondsToNs(W), t);
  }
  /** `ofiPrice(t, W, lo?, hi?)`: Σ ±(added − filled − pulled) over `(t − W, t]`, optionally price-filtered. */
  ofiPrice(t: bigint, W: number, lo = Number.NEGATIVE_INFINITY, hi = Number.POSITIVE_INFINITY): number {
    this.#settle();
    const f = this.#flow;
    return ofiPriceSum(f, f.from, f.to, t - secondsToNs(W), t, lo, hi, this.#tick);
  }
  /** `depthFlow(t, W, side, lo, hi)`: per tick with records, ascending tick. */
  depthFlow(t: bigint, W: number, side: number, lo: number, hi: number): TickFlow[] {
    this.#settle();
    const f = this.#flow;
    const [from, to] = f.range(t - secondsToNs(W), t);
    const sums = new Map<number, { n: number; f: number }>();
    for (let i = from; i < to; i++) {
      const j = i % f.cap;
      const tick = f.tick[j] ?? 0;
      const p = tick * this.#tick;
      if (f.side[j] !== side || !(lo <= p && p <= hi)) continue;
      const s = sums.get(tick) ?? { n: 0, f: 0 };
      s.n += (f.added[j] ?? 0) - (f.filled[j] ?? 0) - (f.pulled[j] ?? 0);
      s.f += f.filled[j] ?? 0;
      sums.set(tick, s);
    }
    return [...sums].sort((a, b) => a[0] - b[0]).map(([tick, s]) => ({ tick, n: s.n, f: s.f }));
  }
  /** `tradesIn(t, W, lo?, hi?)` as row objects (tests and diagnostics; engines read the view). */
  tradesIn(
    t: bigint,
    W: number,
    lo = Number.NEGATIVE_INFINITY,
    hi = Number.POSITIVE_INFINITY,
  ): { ts: bigint; price: number; size: number; aggressor: number }[] {
    this.#settle();
    const r = this.#trades;
    const [from, to] = r.range(t - secondsToNs(W), t);
    const out: { ts: bigint; price: number; size: number; aggressor: number }[] = [];
    for (let i = from; i < to; i++) {
      const j = i % r.cap;
      const price = r.price[j] ?? 0;
      if (lo <= price && price <= hi) {
        out.push({ ts: r.ts[j] ?? 0n, price, size: r.size[j] ?? 0, aggressor: r.aggressor[j] ?? 0 });
      }
    }
    return out;
  }

  /** `minuteCloses(t)` at the clock: closes of the last `LOOKBACK_MINUTES` minute buckets, oldest first. */
  minuteCloses(): MinuteClose[] {
    const out: MinuteClose[] = [];
    if (this.#clock === NO_TS) return out;
    const now = Number(this.#clock / this.#minuteNs);
    const lb = this.#minBucket.length;
    for (let i = 0; i < this.#minCount; i++) {
      const j = (this.#minHead + i) % lb;
      const m = this.#minBucket[j] ?? 0;
      if (m >= now - (lb - 1) && m <= now) {
        out.push({ start: BigInt(m) * this.#minuteNs, close: this.#minClose[j] ?? 0 });
      }
    }
    return out;
  }
  /** Completed 2-minute closes (pt), oldest first. */
  smaCloses(): number[] {
    const out: number[] = [];
    const cap = this.#smaTick.length;
    for (let i = 0; i < this.#smaCount; i++) out.push((this.#smaTick[(this.#smaHead + i) % cap] ?? 0) * this.#tick);
    return out;
  }
  /** `sma(N)`: `(Σ of the last N closes in ticks) · TICK_SIZE / N`, or null with fewer than `N` closes. */
  sma(N: number): number | null {
    // Asked at every snap and front-month trade; the closes change once per bar, so memoize per revision.
    if (this.#smaMemoRevision !== this.#smaRevision) {
      this.#smaMemo.clear();
      this.#smaMemoRevision = this.#smaRevision;
    }
    const memo = this.#smaMemo.get(N);
    if (memo !== undefined) return memo;
    const value = this.#smaOf(N);
    if (this.#smaMemo.size < 16) this.#smaMemo.set(N, value);
    return value;
  }

  #smaOf(N: number): number | null {
    if (!(N >= 1) || N > this.#smaCount) return null;
    const cap = this.#smaTick.length;
    let sum = 0;
    for (let i = this.#smaCount - N; i < this.#smaCount; i++) sum += this.#smaTick[(this.#smaHead + i) % cap] ?? 0;
    return (sum * this.#tick) / N;
  }
  /** PM high, available from `RTH_START` on if a PM trade exists. */
  pmHigh(): number | null {
    return this.#clock >= this.#pmEnd && this.#pmHigh !== Number.NEGATIVE_INFINITY ? this.#pmHigh : null;
  }
  /** PM low, available from `RTH_START` on if a PM trade exists. */
  pmLow(): number | null {
    return this.#clock >= this.#pmEnd && this.#pmLow !== Number.POSITIVE_INFINITY ? this.#pmLow : null;
  }
  /** OR high, available from the end of the opening range on if an OR trade exists. */
  orHigh(): number | null {
    return this.#clock >= this.#orEnd && this.#orHigh !== Number.NEGATIVE_INFINITY ? this.#orHigh : null;
  }
  /** OR low, available from the end of the opening range on if an OR trade exists. */
  orLow(): number | null {
    return this.#clock >= this.#orEnd && this.#orLow !== Number.POSITIVE_INFINITY ? this.#orLow : null;
  }
  /** `basis(t) = mid_F − mid_Q` (B.4.3), or null outside a roll window, if a book is missing or stale. */
  basis(t: bigint): number | null {
    if (this.#expiring === null || this.#qTs === NO_TS || !(this.#qBid < this.#qAsk)) return null;
    const m = this.mid();
    if (m === null || t - this.#bookTs > this.#basisNs || t - this.#qTs > this.#basisNs) return null;
    return m - (this.#qBid + this.#qAsk) / 2;
  }
  /**
   * Changes whenever the option inventory changes (a contract added or updated by a trade, the trade-date reset):
   * values derived from {@link optionContracts} alone can be kept until it moves.
   */
  get optionRevision(): number {
    return this.#optionRevision;
  }
  /** Inventory entries of the current trade date, in first-trade order. */
  optionContracts(): readonly OptionContractState[] {
    return this.#contracts;
  }
  /**
   * `optionFlowIn(t, W)` as per-contract columns: `signed[i]` and `size[i]` are Σ signed size and Σ size of the
   * option-flow entries of contract `i` of {@link optionContracts} in `(t − W, t]` (0 without entries), exactly
   * what {@link optionFlowIn} gives (integer sums). At the clock with `W = W_g` (the snap's fuel window) it reads
   * running sums kept as entries arrive and leave, O(contracts); any other `(t, W)`, or sizes that are not exact
   * integers, sum the ring. The arrays are views of buffers the next event or call reuses: read, don't keep.
   *
   * @example
   * ```ts
   * ms.advanceClock(t);
   * const { signed, size } = ms.optionFlowSums(t, config.W_g);
   * ms.optionContracts().forEach((c, i) => console.log(c.option_symbol, signed[i], size[i]));
   * ```
   */
  optionFlowSums(t: bigint, W: number): OptionFlowSums {
    this.#settle();
    const n = this.#contracts.length;
    const wNs = secondsToNs(W);
    if (t === this.#clock && wNs === this.#wgNs && this.#optInexact === 0) {
      if (this.#optRebuild) this.#rebuildOptionSums();
      return { signed: this.#optSigned.subarray(0, n), size: this.#optSize.subarray(0, n) };
    }
    const signed = new Float64Array(n);
    const size = new Float64Array(n);
    const r = this.#optFlow;
    const [from, to] = r.range(t - wNs, t);
    for (let i = from; i < to; i++) {
      const j = i % r.cap;
      const c = r.contract[j] as number;
      if (c >= n) continue;
      signed[c] = (signed[c] as number) + (r.signed[j] as number);
      size[c] = (size[c] as number) + (r.size[j] as number);
    }
    return { signed, size };
  }
  /** Recompute the running option-flow sums from the retained entries (all exact integers again). */
  #rebuildOptionSums(): void {
    this.#optRebuild = false;
    const signed = this.#optSigned.fill(0);
    const size = this.#optSize.fill(0);
    const r = this.#optFlow;
    for (let i = r.from; i < r.to; i++) {
      const j = i % r.cap;
      const c = r.contract[j] as number;
      signed[c] = (signed[c] as number) + (r.signed[j] as number);
      size[c] = (size[c] as number) + (r.size[j] as number);
    }
  }

  /** `optionFlowIn(t, W)`: per contract with entries in `(t − W, t]`, Σ signed size and Σ size. */
  optionFlowIn(t: bigint, W: number): OptionFlowSum[] {
    this.#settle();
    const r = this.#optFlow;
    const [from, to] = r.range(t - secondsToNs(W), t);
    const signed = new Map<number, OptionFlowSum>();
    for (let i = from; i < to; i++) {
      const j = i % r.cap;
      const c = r.contract[j] ?? 0;
      const prev = signed.get(c);
      const contract = this.#contracts[c];
      if (contract === undefined) continue;
      signed.set(c, {
        contract,
        signed: (prev?.signed ?? 0) + (r.signed[j] ?? 0),
        size: (prev?.size ?? 0) + (r.size[j] ?? 0),
      });
    }
    return [...signed.values()];
  }
}

function rangeOf(ring: Ring, t: bigint | undefined, W: number | undefined): [number, number] {
  if (t === undefined) return [ring.from, ring.to];
  if (W === undefined) return ring.range(NO_TS, t);
  return ring.range(t - secondsToNs(W), t);
}
