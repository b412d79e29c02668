/**
 * OFIEngine — engines spec §6 (best-level OFI, depth-integrated OFI, near-level OFI, OFI acceleration, [D17]),
 * with the per-update L1 increment of §1.2 step 5 (Cont, Kukanov & Stoikov 2014) and its snapshot rule.
 *
 * Every window is the half-open interval `(t − W, t]` (§0.2), so window sums are additive over split intervals.
 * Records are read from MarketState's rings through column views ({@link L1OfiView}, {@link DepthFlowView})
 * addressed by a logical index range — a logical index `i` maps to element `i % length`, so a ring buffer
 * passes `(head, head + count)` and a plain array passes `(0, length)` — without copying. Pure: no I/O, no clock,
 * no randomness; sums run in record (time) order and allocate nothing.
 *
 * @module
 */
import { type Config, DEFAULT_CONFIG, type OFI_WINDOW_LABELS } from '@spymaster/schemas';
import { firstAfter } from './internal/ns';

const NS_PER_S = 1_000_000_000n;

/** Price of an empty bid side in the L1-OFI formula (§1.2 step 5: `P^B = −∞`, `q^B = 0`). */
export const EMPTY_BID_PRICE = Number.NEGATIVE_INFINITY;
/** Price of an empty ask side in the L1-OFI formula (§1.2 step 5: `P^A = +∞`, `q^A = 0`). */
export const EMPTY_ASK_PRICE = Number.POSITIVE_INFINITY;

/** Side code of a bid depth-flow record. */
export const FLOW_SIDE_BID = 1;
/** Side code of an ask depth-flow record. */
export const FLOW_SIDE_ASK = -1;

/**
 * Best-level OFI increment `e` of one book update (§1.2 step 5), from the best bid/ask price and size of the
 * old and the new state:
 * `e = 1[P^B_new ≥ P^B_old]·q^B_new − 1[P^B_new ≤ P^B_old]·q^B_old − 1[P^A_new ≤ P^A_old]·q^A_new
 *      + 1[P^A_new ≥ P^A_old]·q^A_old`.
 * A side whose size is not positive is empty (`P^B = −∞` resp. `P^A = +∞`, `q = 0`), whatever its price.
 * Prices may be in pt or in integer ticks (only compared).
 *
 * @example
 * ```ts
 * ofiL1Increment(5000, 20, 5000.25, 25, 5000, 25, 5000.25, 25); // 5 (bid queue grew)
 * ofiL1Increment(5000, 20, 5000.25, 25, 5000.25, 8, 5000.5, 30); // 8 + 25 = 33 (better bid, ask level cleared)
 * ```
 */
export function ofiL1Increment(
  oldBidPx: number,
  oldBidSz: number,
  oldAskPx: number,
  oldAskSz: number,
  newBidPx: number,
  newBidSz: number,
  newAskPx: number,
  newAskSz: number,
): number {
  const pbOld = oldBidSz > 0 ? oldBidPx : EMPTY_BID_PRICE;
  const qbOld = Math.max(oldBidSz, 0);
  const paOld = oldAskSz > 0 ? oldAskPx : EMPTY_ASK_PRICE;
  const qaOld = Math.max(oldAskSz, 0);
  const pbNew = newBidSz > 0 ? newBidPx : EMPTY_BID_PRICE;
  const qbNew = Math.max(newBidSz, 0);
  const paNew = newAskSz > 0 ? newAskPx : EMPTY_ASK_PRICE;
  const qaNew = Math.max(newAskSz, 0);
  let e = 0;
  if (pbNew >= pbOld) e += qbNew;
  if (pbNew <= pbOld) e -= qbOld;
  if (paNew <= paOld) e -= qaNew;
  if (paNew >= paOld) e += qaOld;
  return e;
}

/** Best bid and best ask of one book state; an empty side has size 0 (its price is then ignored). */
export interface BestQuotes {
  /** Best bid price (pt or ticks). */
  readonly bidPx: number;
  /** Best bid size, contracts (0 = empty bid side). */
  readonly bidSz: number;
  /** Best ask price (pt or ticks). */
  readonly askPx: number;
  /** Best ask size, contracts (0 = empty ask side). */
  readonly askSz: number;
}

/**
 * The L1-OFI record of one MBP-10 record (§1.2 steps 1 and 5): null — no record — for the first book
 * (`old = null`) and for an `is_snapshot` record (snapshot or book clear: a new baseline), else the increment
 * {@link ofiL1Increment}.
 *
 * @example
 * ```ts
 * ofiL1Record(null, next, false); // null (first book: baseline)
 * ofiL1Record(prev, next, true); // null (snapshot: baseline)
 * ofiL1Record(prev, prev, false); // 0 (duplicate record)
 * ```
 */
export function ofiL1Record(old: BestQuotes | null, next: BestQuotes, isSnapshot: boolean): number | null {
  if (old === null || isSnapshot) return null;
  return ofiL1Increment(old.bidPx, old.bidSz, old.askPx, old.askSz, next.bidPx, next.bidSz, next.askPx, next.askSz);
}

/**
 * Columns of the L1-OFI ring (§1 state): record `i` is `(ts[i], e[i])`, in non-decreasing `ts`.
 *
 * @example
 * ```ts
 * const l1: L1OfiView = { ts: BigInt64Array.of(T0 + 2_000_000_000n), e: Float64Array.of(5) };
 * ```
 */
export interface L1OfiView {
  /** `ts_event_ns` of each book update, ns since the Unix epoch. */
  readonly ts: ArrayLike<bigint>;
  /** Increment `e` of each book update, contracts. */
  readonly e: ArrayLike<number>;
}

/**
 * Columns of the depth-flow ring (§1 state): record `i` is `(ts, side, tick, added, filled, pulled)`, in
 * non-decreasing `ts`; `side` is {@link FLOW_SIDE_BID} or {@link FLOW_SIDE_ASK}, `tick = round(price / 0.25)`.
 *
 * @example
 * ```ts
 * const flow: DepthFlowView = {
 *   ts: [T0 + 2_000_000_000n], side: [FLOW_SIDE_BID], tick: [20000], added: [5], filled: [0], pulled: [0],
 * };
 * ```
 */
export interface DepthFlowView {
  /** `ts_event_ns` of each record, ns since the Unix epoch. */
  readonly ts: ArrayLike<bigint>;
  /** Side code: +1 bid, −1 ask. */
  readonly side: ArrayLike<number>;
  /** Price key `k(p) = round(p / TICK_SIZE)`. */
  readonly tick: ArrayLike<number>;
  /** Contracts added to the queue (≥ 0). */
  readonly added: ArrayLike<number>;
  /** Contracts removed by fills (≥ 0). */
  readonly filled: ArrayLike<number>;
  /** Contracts removed by cancellations (≥ 0). */
  readonly pulled: ArrayLike<number>;
}

/**
 * Sliding sums over the OFI windows `(t − W_i, t]` (`W_i` = `OFI_WINDOWS_S[i]`) that a state holder keeps up to
 * date record by record — the sums {@link OFIEngine.evaluate} and {@link OFIEngine.nearLevel} scan for, in O(1)
 * per window. `MarketState.windowSums()` provides them at its clock.
 */
export interface OfiWindowSums {
  /** Σ `e` of the L1-OFI records in window `i`. */
  l1(i: number): number;
  /** Σ signed depth change (bid `+`, ask `−`) over window `i`, all prices. */
  depth(i: number): number;
  /** Σ signed depth change over window `i` at price tick `tick` (`k(p) = round(p / TICK_SIZE)`). */
  depthAt(i: number, tick: number): number;
}

/**
 * Σ `e` over the L1-OFI records `[from, to)` of `view` with `lo < ts ≤ hi` — `ofiL1(t, W)` of §1 is
 * `ofiL1Sum(view, from, to, t − W_ns, t)`. Sums of split intervals add up exactly (integer-valued).
 *
 * @example
 * ```ts
 * ofiL1Sum(l1, 0, l1.ts.length, t - 30_000_000_000n, t); // ofi_30s
 * ```
 */
export function ofiL1Sum(view: L1OfiView, from: number, to: number, lo: bigint, hi: bigint): number {
  const cap = view.ts.length;
  const end = firstAfter(view.ts, from, to, hi);
  let sum = 0;
  for (let i = firstAfter(view.ts, from, end, lo); i < end; i++) sum += view.e[i % cap] ?? 0;
  return sum;
}

/**
 * `ofiPrice` (§1 queries, §6 steps 2–3): Σ over the depth-flow records `[from, to)` of `view` with
 * `lo < ts ≤ hi` and price `pLo ≤ tick·tickSize ≤ pHi` of `+Δ` (bid) or `−Δ` (ask), `Δ = added − filled −
 * pulled`. Prices are compared as floats exactly as written (§0.1); the default bounds take every price.
 *
 * @example
 * ```ts
 * ofiPriceSum(flow, 0, n, t - 30_000_000_000n, t); // ofi_integrated_30s
 * ofiPriceSum(flow, 0, n, t - 30_000_000_000n, t, L - 2, L + 2); // ofi_near_level 30s
 * ```
 */
export function ofiPriceSum(
  view: DepthFlowView,
  from: number,
  to: number,
  lo: bigint,
  hi: bigint,
  pLo: number = Number.NEGATIVE_INFINITY,
  pHi: number = Number.POSITIVE_INFINITY,
  tickSize: number = DEFAULT_CONFIG.TICK_SIZE,
): number {
  const cap = view.ts.length;
  const end = firstAfter(view.ts, from, to, hi);
  let sum = 0;
  for (let i = firstAfter(view.ts, from, end, lo); i < end; i++) {
    const j = i % cap;
    const p = (view.tick[j] ?? 0) * tickSize;
    if (!(pLo <= p && p <= pHi)) continue;
    const delta = (view.added[j] ?? 0) - (view.filled[j] ?? 0) - (view.pulled[j] ?? 0);
    sum += (view.side[j] ?? 0) === FLOW_SIDE_BID ? delta : -delta;
  }
  return sum;
}

/** Market-wide OFI block `es.ofi` (§6 outputs), contracts (acceleration in contracts/s). */
export interface OfiMetrics {
  /** Σ `e` over `(t − 30 s, t]`. */
  ofi_30s: number;
  /** Σ `e` over `(t − 60 s, t]`. */
  ofi_60s: number;
  /** Σ `e` over `(t − 120 s, t]`. */
  ofi_120s: number;
  /** Σ `e` over `(t − 300 s, t]`. */
  ofi_300s: number;
  /** Depth-integrated OFI over `(t − 30 s, t]`. */
  ofi_integrated_30s: number;
  /** Depth-integrated OFI over `(t − 60 s, t]`. */
  ofi_integrated_60s: number;
  /** Depth-integrated OFI over `(t − 120 s, t]`. */
  ofi_integrated_120s: number;
  /** Depth-integrated OFI over `(t − 300 s, t]`. */
  ofi_integrated_300s: number;
  /** `ofi_30s/30 − ofi_120s/120`, contracts/s (positive = buy pressure building). */
  ofi_acceleration: number;
}

/** OFI window label (`30s`, `60s`, `120s`, `300s`). */
export type OfiWindowLabel = (typeof OFI_WINDOW_LABELS)[number];

/** Per-level near-level OFI (§6 step 3), contracts per window. */
export type OfiNearLevel = Record<OfiWindowLabel, number>;

/**
 * A zeroed {@link OfiMetrics} (the value with no records in any window).
 *
 * @example
 * ```ts
 * const out = createOfiMetrics(); // every field 0
 * ```
 */
export function createOfiMetrics(): OfiMetrics {
  return {
    ofi_30s: 0,
    ofi_60s: 0,
    ofi_120s: 0,
    ofi_300s: 0,
    ofi_integrated_30s: 0,
    ofi_integrated_60s: 0,
    ofi_integrated_120s: 0,
    ofi_integrated_300s: 0,
    ofi_acceleration: 0,
  };
}

/**
 * A zeroed {@link OfiNearLevel}.
 *
 * @example
 * ```ts
 * const out = createOfiNearLevel(); // { '30s': 0, '60s': 0, '120s': 0, '300s': 0 }
 * ```
 */
export function createOfiNearLevel(): OfiNearLevel {
  return { '30s': 0, '60s': 0, '120s': 0, '300s': 0 };
}

/** The parameters the OFIEngine reads (spec §6 parameter table, and `TICK_SIZE` for price keys). */
export type OfiParams = Pick<Config, 'OFI_WINDOWS_S' | 'OFI_NEAR_ZONE' | 'TICK_SIZE'>;

/**
 * OFIEngine (§6): stateless window queries of the L1-OFI and depth-flow rings at snap time `t`.
 *
 * @example
 * ```ts
 * const ofi = new OFIEngine();
 * const es = ofi.evaluate(l1, 0, l1.ts.length, flow, 0, flow.ts.length, T0 + 6_000_000_000n);
 * es.ofi_30s; // 30 (example O-1)
 * ofi.nearLevel(flow, 0, flow.ts.length, T0 + 6_000_000_000n, 4997.75)['30s']; // −20
 * ```
 */
export class OFIEngine {
  readonly #nearZone: number;
  readonly #tickSize: number;
  /** Window lengths 30, 60, 120, 300 s in ns. */
  readonly #wNs: readonly [bigint, bigint, bigint, bigint];

  /** @param params `OFI_WINDOWS_S` (fixed [30, 60, 120, 300] s), `OFI_NEAR_ZONE` (pt), `TICK_SIZE` (pt). */
  constructor(params: OfiParams = DEFAULT_CONFIG) {
    const [w30, w60, w120, w300] = params.OFI_WINDOWS_S;
    this.#wNs = [BigInt(w30) * NS_PER_S, BigInt(w60) * NS_PER_S, BigInt(w120) * NS_PER_S, BigInt(w300) * NS_PER_S];
    this.#nearZone = params.OFI_NEAR_ZONE;
    this.#tickSize = params.TICK_SIZE;
  }

  /**
   * Market-wide OFI at snap time `t` (ns) from the L1-OFI records `[l1From, l1To)` and the depth-flow records
   * `[flowFrom, flowTo)`. Writes into `out` if given and returns it.
   */
  evaluate(
    l1: L1OfiView,
    l1From: number,
    l1To: number,
    flow: DepthFlowView,
    flowFrom: number,
    flowTo: number,
    t: bigint,
    out: OfiMetrics = createOfiMetrics(),
  ): OfiMetrics {
    const [w30, w60, w120, w300] = this.#wNs;
    const ts = this.#tickSize;
    const inf = Number.POSITIVE_INFINITY;
    out.ofi_30s = ofiL1Sum(l1, l1From, l1To, t - w30, t);
    out.ofi_60s = ofiL1Sum(l1, l1From, l1To, t - w60, t);
    out.ofi_120s = ofiL1Sum(l1, l1From, l1To, t - w120, t);
    out.ofi_300s = ofiL1Sum(l1, l1From, l1To, t - w300, t);
    out.ofi_integrated_30s = ofiPriceSum(flow, flowFrom, flowTo, t - w30, t, -inf, inf, ts);
    out.ofi_integrated_60s = ofiPriceSum(flow, flowFrom, flowTo, t - w60, t, -inf, inf, ts);
    out.ofi_integrated_120s = ofiPriceSum(flow, flowFrom, flowTo, t - w120, t, -inf, inf, ts);
    out.ofi_integrated_300s = ofiPriceSum(flow, flowFrom, flowTo, t - w300, t, -inf, inf, ts);
    out.ofi_acceleration = out.ofi_30s / 30 - out.ofi_120s / 120;
    return out;
  }

  /**
   * Near-level OFI of level `level` (pt) at snap time `t` (ns): `ofiPrice` over the zone
   * `[level − OFI_NEAR_ZONE, level + OFI_NEAR_ZONE]` per window, from the depth-flow records `[from, to)`.
   * Writes into `out` if given and returns it.
   */
  nearLevel(
    flow: DepthFlowView,
    from: number,
    to: number,
    t: bigint,
    level: number,
    out: OfiNearLevel = createOfiNearLevel(),
  ): OfiNearLevel {
    const [w30, w60, w120, w300] = this.#wNs;
    const lo = level - this.#nearZone;
    const hi = level + this.#nearZone;
    const ts = this.#tickSize;
    out['30s'] = ofiPriceSum(flow, from, to, t - w30, t, lo, hi, ts);
    out['60s'] = ofiPriceSum(flow, from, to, t - w60, t, lo, hi, ts);
    out['120s'] = ofiPriceSum(flow, from, to, t - w120, t, lo, hi, ts);
    out['300s'] = ofiPriceSum(flow, from, to, t - w300, t, lo, hi, ts);
    return out;
  }

  /**
   * {@link evaluate} from sliding sums kept at the snap time `t` (same values: the sums add the same integer
   * contract counts).
   */
  evaluateSums(sums: OfiWindowSums, out: OfiMetrics = createOfiMetrics()): OfiMetrics {
    out.ofi_30s = sums.l1(0);
    out.ofi_60s = sums.l1(1);
    out.ofi_120s = sums.l1(2);
    out.ofi_300s = sums.l1(3);
    out.ofi_integrated_30s = sums.depth(0);
    out.ofi_integrated_60s = sums.depth(1);
    out.ofi_integrated_120s = sums.depth(2);
    out.ofi_integrated_300s = sums.depth(3);
    out.ofi_acceleration = out.ofi_30s / 30 - out.ofi_120s / 120;
    return out;
  }

  /** {@link nearLevel} from sliding sums: the ticks whose price `k·TICK_SIZE` lies in the zone, summed. */
  nearLevelSums(sums: OfiWindowSums, level: number, out: OfiNearLevel = createOfiNearLevel()): OfiNearLevel {
    const lo = level - this.#nearZone;
    const hi = level + this.#nearZone;
    const ts = this.#tickSize;
    const kLo = Math.floor(lo / ts) - 1;
    const kHi = Math.ceil(hi / ts) + 1;
    let s30 = 0;
    let s60 = 0;
    let s120 = 0;
    let s300 = 0;
    for (let k = kLo; k <= kHi; k++) {
      const p = k * ts;
      if (!(lo <= p && p <= hi)) continue;
      s30 += sums.depthAt(0, k);
      s60 += sums.depthAt(1, k);
      s120 += sums.depthAt(2, k);
      s300 += sums.depthAt(3, k);
    }
    out['30s'] = s30;
    out['60s'] = s60;
    out['120s'] = s120;
    out['300s'] = s300;
    return out;
  }
}
