/**
 * One simulated day of ES options: top of book (`mbp-1`) and customer trades (`trades`) for every listed option,
 * following the front-month path.
 *
 * Model:
 * - **Theoretical value**: Black-76 (engines.md §4.2) on the option's futures price (front mid + the contract's
 *   basis), the smile of {@link smileVol} around the caller's at-the-money volatility, trading-time `T` with the
 *   60 s floor, `r` = 0.045.
 * - **Quotes**: on the option price ladder (0.05 up to 5.00, 0.25 above), 1–4 ladder steps wide (narrow near the
 *   money, in the money, in the wings and before 09:30) and always containing the theoretical value: at every
 *   quote check (0DTE every second at full scale, 1DTE every 5 s; 30 s / 120 s at small scale) an option is
 *   requoted when its theoretical value left the quote or, for the tightest quotes, moved a full ladder step, so
 *   at every check mid − theo is within half the spread and put–call parity of same-strike mids holds within
 *   half the combined spread. Between checks a stale quote is refreshed as a customer order arrives. Options
 *   worth less than 0.05 show an offer at 0.05 and no bid. Sizes 10–500 (larger near the money); size-only
 *   refreshes (`M`) at random times. One record per change, its levels the new top of book, its
 *   action/side/price/size the side that improved (`A`) or backed off (`C`).
 * - **Customer trades**: a Poisson stream whose rate follows a U-shape over RTH (low overnight, a bump at
 *   08:30 ET), with minute-scale bursts; each trade picks an option by weight (near the money, out of the money,
 *   25-point strikes, 0DTE over 1DTE) and a side from three demands, `pBuy = ½ + ½·(bias·near − skew·tanh(z/0.5)
 *   − 0.6·tanh(net/inventoryScale))` with `z` the strike's distance from the underlying in units of 0.6 × the
 *   at-the-money width (`0.9·F·σ·√T`) and `near = e^(−z²/2)`: the day's **at-the-money bias** (customers net
 *   buyers of near-the-money options on some days — dealers short gamma, AMPLIFY — and net sellers on others —
 *   DAMPEN; strength 0.15–0.5), the day's **strike skew** (customers buy the strikes below spot — protective puts —
 *   and sell those above — overwritten calls; strength 0.4–0.8, reversed on 20 % of days), and **position
 *   closing** (customers trade against the contracts they hold). Dealer gamma therefore changes sign across
 *   strikes and the gamma flip usually lies within spot ± 75. Buys lift the offer (aggressor `B`), sells hit the
 *   bid (`A`); sizes mostly 1–20 lots with a heavy tail of blocks near the money, never more than the displayed
 *   size; the traded level shrinks (or moves one step away when emptied) in an `mbp-1` record of the same event.
 * - **Records**: `ts_event` non-decreasing, `ts_recv = ts_event` + a few microseconds (non-decreasing too),
 *   `sequence` increasing by one per instrument across both streams, `F_LAST` on every record (each is the
 *   only record of its event and instrument).
 *
 * @module
 */
import { type Mbp1Msg, type TradeMsg, UNDEF_PRICE } from '@spymaster/replay';
import { etToNs } from '@spymaster/schemas/time';
import type { Rng } from '../rng.js';
import {
  GLBX_PUBLISHER_ID,
  type OptionInstrument,
  type PricePath,
  priceAt,
  type Scale,
  type SessionWindow,
} from '../types.js';
import {
  black76Gamma,
  black76Price,
  DEFAULT_SMILE_SHAPE,
  MIN_EXPIRY_SECONDS,
  OPTION_RISK_FREE_RATE,
  type SmileParams,
  type SmileShape,
  smileVol,
  TRADING_YEAR_SECONDS,
} from './black76.js';

/** Per-scale parameters of the options day. */
export interface OptionsScaleParams {
  /** Seconds between quote checks of the date's 0DTE options: theoretical values are recomputed and quotes
   * that no longer contain them are replaced. */
  readonly quoteCheckSeconds: number;
  /** Seconds between quote checks of the later expiries (1DTE). */
  readonly laterQuoteCheckSeconds: number;
  /** Expected customer trades of a day of average activity over 04:00–13:30 ET. */
  readonly tradesPerDay: number;
  /** Size-only quote refreshes per second at average activity (whole chain). */
  readonly refreshesPerSecond: number;
  /** Multiplier of customer trade sizes: a small day is a thinned sample of a full one, its trades are larger
   * so that its dealer gamma near spot is of the same order as a full day's and crosses the ±1000 USD/pt²
   * thresholds (sizes stay capped by the displayed size). */
  readonly tradeSizeMultiplier: number;
  /** Net customer contracts of one option at which closing flow reaches 76 % (tanh 1) of its weight. */
  readonly inventoryScale: number;
}

/** Parameters per scale: `full` about 30–40 thousand trades and half a million quote records over 04:00–13:30
 * ET; `small` about 2–3 thousand trades (six-fold sizes) and 55–65 thousand quote records. */
export const OPTIONS_SCALE: Readonly<Record<Scale, OptionsScaleParams>> = Object.freeze({
  full: Object.freeze({
    quoteCheckSeconds: 1,
    laterQuoteCheckSeconds: 5,
    tradesPerDay: 38_000,
    refreshesPerSecond: 3,
    tradeSizeMultiplier: 1,
    inventoryScale: 1_500,
  }),
  small: Object.freeze({
    quoteCheckSeconds: 30,
    laterQuoteCheckSeconds: 120,
    tradesPerDay: 3_000,
    refreshesPerSecond: 0.05,
    tradeSizeMultiplier: 6,
    inventoryScale: 750,
  }),
});

/** Strength of the day's strike skew of customer demand (buyers below spot, sellers above), drawn per day. */
const SKEW: readonly [number, number] = [0.4, 0.8];
/** Strength of the day's at-the-money bias (its sign is a coin flip: customers net buyers or net sellers). */
const ATM_BIAS: readonly [number, number] = [0.15, 0.5];
/** Probability that a day's skew is reversed (sellers below spot, buyers above). */
const SKEW_REVERSED = 0.2;
/** Scale of the skew's tanh in units of the at-the-money demand width. */
const SKEW_SCALE = 0.5;
/** Weight of position closing in the side choice: customers trade against their open contracts. */
const INVENTORY_REVERSION = 0.6;
/** Width of the at-the-money demand (the day's bias) in units of the trade-weight width. */
const ATM_DEMAND_WIDTH = 0.6;

/** Half-width of the strike range around spot of the gamma summary, points (engines.md §4 `FUEL_STRIKE_RANGE`). */
export const GAMMA_SUMMARY_RANGE = 75;

/** Inputs of {@link simulateOptionsDay}. */
export interface OptionsDayOptions {
  /** The simulated window of the trade date. */
  readonly window: SessionWindow;
  /** `small` or `full`. */
  readonly scale: Scale;
  /** The options' random stream (forked into independent parts internally). */
  readonly rng: Rng;
  /** The listed options ({@link listOptionChain}). */
  readonly chain: readonly OptionInstrument[];
  /** Front-month mid price path (every second). */
  readonly path: PricePath;
  /** Points to add to the front price for a contract's price (0 for the front month). */
  readonly basisOf: (underlying: string) => number;
  /** At-the-money volatility at an instant (annualised, trading-time year). */
  readonly atmVol: (ts: bigint) => number;
}

/** Customer positioning near spot at one instant, in gamma terms (engines.md §4.4 sign convention). */
export interface GammaSnapshot {
  /** The instant (12:00 ET, or the last second of the window when it ends earlier), ns. */
  readonly ts: bigint;
  /** Front-month mid at that instant. */
  readonly spot: number;
  /** `Σ N_c·Γ_c·50` over the date's 0DTE options with placed strike within {@link GAMMA_SUMMARY_RANGE} of spot,
   * `N_c` the net customer contracts traded up to `ts`, USD/pt². */
  readonly customerGamma: number;
  /** `−customerGamma`: negative = dealers short gamma (AMPLIFY below −1000), positive = long (DAMPEN above +1000). */
  readonly dealerGamma: number;
}

/** What {@link simulateOptionsDay} produced besides the records. */
export interface OptionsDayResult {
  /** Records emitted: `mbp-1` quote records and trades. */
  readonly counts: { quotes: number; trades: number };
  /** The day's customer bias in [−1, 1]: > 0 customers net buyers of near-the-money options. */
  readonly customerBias: number;
  /** The day's strike skew of customer demand: > 0 customers net buyers below spot and net sellers above. */
  readonly customerSkew: number;
  /** The smile shape used (around `atmVol`). */
  readonly smile: SmileShape;
  /** Net customer contracts per instrument id at the end of the day (buys − sells). */
  readonly netCustomerContracts: ReadonlyMap<number, number>;
  /** Customer (and dealer) gamma near spot at 12:00 ET. */
  readonly customerNetGamma: GammaSnapshot;
  /** Spacing of the quote checks from the window start, ns (0DTE options, later expiries): at each check every
   * quote of the class contains the theoretical value of that instant. */
  readonly quoteCheckNs: { readonly zeroDte: bigint; readonly later: bigint };
}

const STEP_NS = 1_000_000_000;
const YEAR = TRADING_YEAR_SECONDS;
const MIN_T = MIN_EXPIRY_SECONDS;
const RATE = OPTION_RISK_FREE_RATE;
const F_LAST = 0x80;
const LADDER_BREAK = 100; // ladder index of 5.00: 0.05 steps below, 0.25 above
const PX_STEP_LOW = 50_000_000n;
const PX_STEP_HIGH = 250_000_000n;
const PX_BREAK = 5_000_000_000n;

/** Continuous ladder position of a price (0.05 per step up to 5.00, 0.25 above). */
function ladderPosition(price: number): number {
  return price <= 5 ? price / 0.05 : LADDER_BREAK + (price - 5) / 0.25;
}

/** Ladder index → fixed-point price. */
function ladderFixed(i: number): bigint {
  return i <= LADDER_BREAK ? BigInt(i) * PX_STEP_LOW : PX_BREAK + BigInt(i - LADDER_BREAK) * PX_STEP_HIGH;
}

/**
 * Round a theoretical option value to a quote `[bid, ask]` of ladder indices `spread` steps wide that contains
 * it (bid 0 = no bid: a value below 0.05 shows only an offer).
 */
function quoteAround(x: number, spread: number): [number, number] {
  if (x < 1) return [0, spread >= 3 ? 2 : 1];
  let bid: number;
  let ask: number;
  if (spread % 2 === 0) {
    const m = Math.round(x);
    bid = m - spread / 2;
    ask = m + spread / 2;
  } else {
    const b0 = Math.floor(x);
    bid = b0 - (spread - 1) / 2;
    ask = b0 + 1 + (spread - 1) / 2;
  }
  if (bid < 1) bid = 1;
  if (ask <= bid) ask = bid + 1;
  return [bid, ask];
}

interface Book {
  readonly option: OptionInstrument;
  readonly strike: number;
  readonly right: 'C' | 'P';
  /** Expiry, ns after the window start. */
  readonly expOffset: number;
  readonly underlying: number;
  readonly zeroDte: boolean;
  readonly expiryWeight: number;
  readonly strikeWeight: number;
  /** Quote check spacing, seconds. */
  readonly checkEvery: number;
  live: boolean;
  bid: number;
  ask: number;
  bidSz: number;
  askSz: number;
  bidCt: number;
  askCt: number;
  spread: number;
  /** Ladder position of the theoretical value at the last quote (NaN before the first). */
  x0: number;
  /** Ladder position at the latest check. */
  x: number;
  /** Distance of the placed strike from the underlying at the latest check or trade pick, points. */
  dist: number;
  /** Strike minus the underlying at the latest check or trade pick, points (signed {@link Book.dist}). */
  moneyness: number;
  /** Width of the at-the-money region at the latest trade pick (`0.9·F·σ·√T`, at least 12), points. */
  width: number;
  /** In the money at the latest check or trade pick. */
  itm: boolean;
  seq: number;
  net: number;
}

/** Kinds of the events of one second. */
const REQUOTE = 0;
const TRADE = 1;
const REFRESH = 2;
type Kind = typeof REQUOTE | typeof TRADE | typeof REFRESH;

interface StepEvent {
  offset: number;
  order: number;
  kind: Kind;
  book: Book;
}

/** Relative customer activity by time of day: low overnight, a bump at 08:30 ET, a U-shape over 09:30–16:00. */
function activityProfile(minutesFromOpen: number): number {
  const m = minutesFromOpen;
  if (m < 0) {
    const z = (m + 58) / 6;
    return 0.07 + 0.12 * Math.exp(m / 45) + 0.15 * Math.exp(-z * z);
  }
  if (m < 390) return 0.45 + 1.6 * Math.exp(-m / 20) + 0.9 * Math.exp(-(390 - m) / 35);
  return 0.05;
}

function logUniform(rng: Rng, lo: number, hi: number): number {
  return Math.round(Math.exp(rng.uniform(Math.log(lo), Math.log(hi))));
}

/**
 * Simulate one day of ES options quotes and customer trades. Records go to `emit` in non-decreasing
 * `ts_event` order, `Mbp1Msg` (top of book) and `TradeMsg` (trades) interleaved; the caller splits them by
 * `record_type`. Deterministic: the same inputs give the same records.
 *
 * @example
 * ```ts
 * const result = simulateOptionsDay(
 *   { window, scale: 'small', rng: rng.fork('options'), chain, path, basisOf: () => 0, atmVol: () => 0.15 },
 *   (record) => (record.record_type === 'TradeMsg' ? trades.push(record) : quotes.push(record)),
 * );
 * result.customerNetGamma.dealerGamma; // < −1000 on an AMPLIFY day
 * ```
 */
export function simulateOptionsDay(
  options: OptionsDayOptions,
  emit: (record: Mbp1Msg | TradeMsg) => void,
): OptionsDayResult {
  const { window, chain, path, basisOf, atmVol } = options;
  const params = OPTIONS_SCALE[options.scale];
  const dayRng = options.rng.fork('day');
  const quoteRng = options.rng.fork('quotes');
  const flowRng = options.rng.fork('flow');
  const wireRng = options.rng.fork('wire');
  const startNs = window.startNs;
  const spanNs = Number(window.endNs - startNs);
  const steps = Math.max(0, Math.ceil(spanNs / STEP_NS));
  const checkZeroDte = Math.max(1, Math.round(params.quoteCheckSeconds));
  const checkLater = Math.max(1, Math.round(params.laterQuoteCheckSeconds));
  const rthOffset = Number(window.rthStartNs - startNs);

  // The day: at-the-money bias (sign and strength), activity level, smile, strike skew.
  const biasSign = dayRng.chance(0.5) ? 1 : -1;
  const dayBias = biasSign * dayRng.uniform(ATM_BIAS[0], ATM_BIAS[1]);
  const dayActivity = Math.min(1.6, Math.max(0.65, Math.exp(0.3 * dayRng.normal())));
  const smile: SmileShape = Object.freeze({
    skew: DEFAULT_SMILE_SHAPE.skew * dayRng.uniform(0.8, 1.2),
    curvature: DEFAULT_SMILE_SHAPE.curvature * dayRng.uniform(0.8, 1.2),
    clip: DEFAULT_SMILE_SHAPE.clip,
  });
  const skew = (dayRng.chance(SKEW_REVERSED) ? -1 : 1) * dayRng.uniform(SKEW[0], SKEW[1]);

  const underlyings = [...new Set(chain.map((o) => o.underlying))].sort();
  const underlyingPrice = new Float64Array(underlyings.length);
  const books: Book[] = chain.map((option) => {
    const zeroDte = option.expDate === window.date;
    return {
      option,
      strike: option.strike,
      right: option.right,
      expOffset: Number(option.expirationNs - startNs),
      underlying: underlyings.indexOf(option.underlying),
      zeroDte,
      expiryWeight: !zeroDte ? 0.12 : option.root === 'ES' ? 0.06 : 1,
      strikeWeight: option.strike % 25 === 0 ? 2.2 : option.strike % 10 === 0 ? 1.2 : 1,
      checkEvery: zeroDte ? checkZeroDte : checkLater,
      live: option.expirationNs > startNs,
      bid: 0,
      ask: 0,
      bidSz: 0,
      askSz: 0,
      bidCt: 0,
      askCt: 0,
      spread: 2,
      x0: Number.NaN,
      x: 0,
      dist: 0,
      moneyness: 0,
      width: 12,
      itm: false,
      seq: 1 + quoteRng.int(2_000_000),
      net: 0,
    };
  });

  // Trade intensity per second: profile × day activity, normalised to the scale's trades per day.
  const profile = new Float64Array(steps);
  let profileSum = 0;
  for (let s = 0; s < steps; s++) {
    const p = activityProfile((s * STEP_NS - rthOffset) / 60e9);
    profile[s] = p;
    profileSum += p;
  }
  const tradeScale = profileSum > 0 ? (params.tradesPerDay * dayActivity) / profileSum : 0;
  const refreshScale = profileSum > 0 ? (params.refreshesPerSecond * steps) / profileSum : 0;

  const snapNs = (() => {
    const noon = etToNs(window.date, '12:00');
    const last = window.endNs - BigInt(STEP_NS);
    const t = noon < last ? noon : last;
    return t < startNs ? startNs : t;
  })();
  const snapStep = Number((snapNs - startNs) / BigInt(STEP_NS));
  let snapshot: GammaSnapshot | null = null;

  let quotes = 0;
  let trades = 0;
  let lastRecv = -1;
  let minuteZ = 0;
  let biasZ = 0;
  let bias = dayBias;
  let activity = 1;
  const events: StepEvent[] = [];
  let weightsAt = -1; // second of the last trade-weight computation (weights move slowly: kept for 5 s)
  let weightsTotal = 0;
  const weights = new Float64Array(books.length);
  const smileParams = { atmVol: 0.15, skew: smile.skew, curvature: smile.curvature, clip: smile.clip };
  const pxCache: bigint[] = [];
  const ladderPx = (i: number): bigint => {
    let px = pxCache[i];
    if (px === undefined) {
      px = ladderFixed(i);
      pxCache[i] = px;
    }
    return px;
  };

  // Theoretical value of a book at the start of a second (underlying prices and smile of that second): sets its
  // ladder position, distance and moneyness; true when its quote no longer contains the value (or, for the
  // tightest quotes, the value moved a full ladder step since it was quoted).
  const mark = (b: Book, stepStart: number): boolean => {
    const F = underlyingPrice[b.underlying] as number;
    const T = Math.max((b.expOffset - stepStart) / 1e9, MIN_T) / YEAR;
    const x = ladderPosition(black76Price(F, b.strike, T, smileVol(F, b.strike, T, smileParams), RATE, b.right));
    b.x = x;
    b.moneyness = b.strike - F;
    b.dist = Math.abs(b.moneyness);
    b.itm = b.right === 'C' ? b.strike < F : b.strike > F;
    if (b.ask === 0) return true;
    if (b.bid === 0) return x >= 1 || x > b.ask;
    return x < b.bid || x > b.ask || Math.abs(x - b.x0) >= Math.max(1, (b.ask - b.bid) / 2);
  };

  const updateUnderlyings = (tNs: bigint): number => {
    const front = priceAt(path, tNs);
    for (let u = 0; u < underlyings.length; u++) underlyingPrice[u] = front + basisOf(underlyings[u] as string);
    return front;
  };

  // One wire latency per event: ts_recv − ts_event of a few microseconds, ts_recv kept non-decreasing.
  let eventTs = 0n;
  let eventRecv = 0n;
  let eventInDelta = 0;
  const stampEvent = (offsetNs: number): void => {
    const latency = 1_500 + Math.floor(wireRng.exponential(1 / 6_000));
    let recv = offsetNs + latency;
    if (recv < lastRecv) recv = lastRecv;
    lastRecv = recv;
    eventTs = startNs + BigInt(offsetNs);
    eventRecv = startNs + BigInt(recv);
    eventInDelta = Math.min(recv - offsetNs - 1, Math.floor(latency * 0.8));
  };

  const quoteRecord = (b: Book, action: string, side: string, price: bigint, size: number, flags: number): void => {
    const record: Mbp1Msg = {
      length: 20,
      rtype: 1,
      publisher_id: GLBX_PUBLISHER_ID,
      instrument_id: b.option.instrumentId,
      ts_event: eventTs,
      record_type: 'Mbp1Msg',
      price,
      size,
      action,
      side,
      flags,
      depth: 0,
      ts_recv: eventRecv,
      ts_in_delta: eventInDelta,
      sequence: b.seq >>> 0,
      levels: [
        {
          bid_px: b.bid > 0 ? ladderPx(b.bid) : UNDEF_PRICE,
          ask_px: b.ask > 0 ? ladderPx(b.ask) : UNDEF_PRICE,
          bid_sz: b.bid > 0 ? b.bidSz : 0,
          ask_sz: b.ask > 0 ? b.askSz : 0,
          bid_ct: b.bid > 0 ? b.bidCt : 0,
          ask_ct: b.ask > 0 ? b.askCt : 0,
        },
      ],
    };
    b.seq++;
    quotes++;
    emit(record);
  };

  // 0 at the money, 1 far away (in-the-money options count double: their quotes are wider).
  const farness = (b: Book): number => Math.min(1, (b.itm ? 2 * b.dist : b.dist) / 150);
  const drawSize = (b: Book): number => {
    const f = farness(b);
    return logUniform(quoteRng, 40 - 30 * f, 500 - 350 * f);
  };
  const drawCount = (size: number): number => 1 + quoteRng.int(1 + Math.floor(size / 25));

  const setSide = (b: Book, isBid: boolean, index: number): void => {
    const size = index > 0 ? drawSize(b) : 0;
    const count = index > 0 ? drawCount(size) : 0;
    if (isBid) {
      b.bid = index;
      b.bidSz = size;
      b.bidCt = count;
    } else {
      b.ask = index;
      b.askSz = size;
      b.askCt = count;
    }
  };

  // Replace the quote of a book around its latest theoretical value: one record whose levels carry the new top
  // of book; its action/side/price/size describe the side that improved ('A', new price and size) or, when
  // no side improved, the side that backed off ('C', old price and size).
  const requote = (b: Book, inRth: boolean): void => {
    if (Number.isNaN(b.x0) || quoteRng.chance(0.25)) {
      const widest = Math.min(4, 2 + Math.round(2 * farness(b)) + (inRth ? 0 : 1));
      b.spread = 1 + quoteRng.int(widest);
    }
    const [bid, ask] = quoteAround(b.x, b.spread);
    if (b.ask === 0) weightsAt = -1; // first quote: the book becomes tradable
    b.x0 = b.x;
    const oldBid = b.bid;
    const oldAsk = b.ask;
    const oldBidSz = b.bidSz;
    const oldAskSz = b.askSz;
    if (bid === oldBid && ask === oldAsk) return;
    if (bid !== oldBid) setSide(b, true, bid);
    if (ask !== oldAsk) setSide(b, false, ask);
    const bidImproves = bid > 0 && (oldBid === 0 || bid > oldBid);
    const askImproves = ask > 0 && (oldAsk === 0 || ask < oldAsk);
    if (bidImproves) quoteRecord(b, 'A', 'B', ladderPx(bid), b.bidSz, F_LAST);
    else if (askImproves) quoteRecord(b, 'A', 'A', ladderPx(ask), b.askSz, F_LAST);
    else if (bid !== oldBid) quoteRecord(b, 'C', 'B', ladderPx(oldBid), oldBidSz, F_LAST);
    else quoteRecord(b, 'C', 'A', ladderPx(oldAsk), oldAskSz, F_LAST);
  };

  const trade = (b: Book): void => {
    const z = b.moneyness / (ATM_DEMAND_WIDTH * b.width);
    const near = Math.exp(-0.5 * z * z);
    const demand =
      bias * near - skew * Math.tanh(z / SKEW_SCALE) - INVENTORY_REVERSION * Math.tanh(b.net / params.inventoryScale);
    const pBuy = Math.min(0.98, Math.max(0.02, 0.5 + 0.5 * demand));
    let buy = flowRng.chance(pBuy);
    if (!buy && b.bid === 0) buy = true;
    const levelSize = buy ? b.askSz : b.bidSz;
    const level = buy ? b.ask : b.bid;
    const u = flowRng.next();
    let size: number;
    if (u < 0.8) size = Math.min(20, flowRng.geometric(2.8));
    else if (u < 0.97) size = 5 + flowRng.geometric(9);
    else size = near > 0.3 ? logUniform(flowRng, 25, 500) : 10 + flowRng.geometric(10);
    const qty = Math.max(1, Math.min(levelSize, size * params.tradeSizeMultiplier));
    const price = ladderPx(level);
    const record: TradeMsg = {
      length: 12,
      rtype: 0,
      publisher_id: GLBX_PUBLISHER_ID,
      instrument_id: b.option.instrumentId,
      ts_event: eventTs,
      record_type: 'TradeMsg',
      price,
      size: qty,
      action: 'T',
      side: buy ? 'B' : 'A',
      flags: F_LAST,
      depth: 0,
      ts_recv: eventRecv,
      ts_in_delta: eventInDelta,
      sequence: b.seq >>> 0,
    };
    b.seq++;
    trades++;
    b.net += buy ? qty : -qty;
    emit(record);
    // The resting level shrinks; when emptied, the next level (one step further away) becomes the top.
    const remaining = levelSize - qty;
    if (buy) {
      if (remaining > 0) {
        b.askSz = remaining;
        b.askCt = Math.max(1, Math.min(b.askCt, remaining));
      } else {
        b.ask = level + 1;
        b.askSz = drawSize(b);
        b.askCt = drawCount(b.askSz);
      }
      quoteRecord(b, 'C', 'A', price, qty, F_LAST);
    } else {
      if (remaining > 0) {
        b.bidSz = remaining;
        b.bidCt = Math.max(1, Math.min(b.bidCt, remaining));
      } else {
        b.bid = level - 1;
        b.bidSz = b.bid > 0 ? drawSize(b) : 0;
        b.bidCt = b.bid > 0 ? drawCount(b.bidSz) : 0;
      }
      quoteRecord(b, 'C', 'B', price, qty, F_LAST);
    }
  };

  const refresh = (b: Book): void => {
    const side: 'B' | 'A' = b.bid > 0 && quoteRng.chance(0.5) ? 'B' : 'A';
    const size = drawSize(b);
    if (side === 'B') {
      b.bidSz = size;
      b.bidCt = drawCount(size);
    } else {
      b.askSz = size;
      b.askCt = drawCount(size);
    }
    quoteRecord(b, 'M', side, ladderPx(side === 'B' ? b.bid : b.ask), size, F_LAST);
  };

  // Trade weights of the quoted books: near the money (a width that shrinks with the time left), out of the
  // money, round strikes, 0DTE over later expiries. Returns their sum.
  const tradeWeights = (stepStart: number, sigma: number): number => {
    let total = 0;
    for (let i = 0; i < books.length; i++) {
      const b = books[i] as Book;
      let w = 0;
      if (b.live && b.ask > 0) {
        const F = underlyingPrice[b.underlying] as number;
        const remaining = Math.max((b.expOffset - stepStart) / 1e9, MIN_T) / YEAR;
        const width = Math.max(12, 0.9 * F * sigma * Math.sqrt(remaining));
        b.width = width;
        const d = b.strike - F;
        b.moneyness = d;
        b.dist = Math.abs(d);
        b.itm = b.right === 'C' ? d < 0 : d > 0;
        const z = d / width;
        w = b.expiryWeight * b.strikeWeight * (Math.exp(-0.5 * z * z) + 0.02) * (b.itm ? 0.3 : 1);
        if (b.bid === 0) w *= 0.3;
      }
      weights[i] = w;
      total += w;
    }
    return total;
  };

  // Pick a book by the latest trade weights; null when none is quoted.
  const pick = (rng: Rng, total: number): Book | null => {
    if (!(total > 0)) return null;
    let r = rng.next() * total;
    for (let i = 0; i < books.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return books[i] as Book;
    }
    for (let i = books.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return books[i] as Book;
    return null;
  };

  let order = 0;
  for (let s = 0; s < steps; s++) {
    const stepStart = s * STEP_NS;
    const stepLen = Math.min(STEP_NS, spanNs - stepStart);
    const tNs = startNs + BigInt(stepStart);
    const inRth = stepStart >= rthOffset;
    if (s === snapStep)
      snapshot = gammaSnapshot(books, tNs, updateUnderlyings(tNs), underlyingPrice, atmVol(tNs), smile);
    if (s % 60 === 0) {
      minuteZ = 0.85 * minuteZ + 0.527 * flowRng.normal();
      activity = Math.exp(0.45 * minuteZ - 0.10125);
    }
    if (s % 600 === 0) {
      biasZ = 0.9 * biasZ + 0.436 * flowRng.normal();
      bias = Math.max(-0.95, Math.min(0.95, dayBias + 0.15 * biasZ));
    }
    for (const b of books) {
      if (b.live && stepStart >= b.expOffset) {
        b.live = false;
        weightsAt = -1;
      }
    }
    events.length = 0;
    let front = Number.NaN;

    if (s % checkZeroDte === 0 || s % checkLater === 0) {
      front = updateUnderlyings(tNs);
      smileParams.atmVol = atmVol(tNs);
      for (const b of books) {
        if (!b.live || s % b.checkEvery !== 0 || !mark(b, stepStart)) continue;
        const latency = 40_000 + Math.floor(quoteRng.exponential(1 / 2_500_000));
        events.push({ offset: Math.min(stepLen - 1, latency), order: order++, kind: REQUOTE, book: b });
      }
    }

    const nTrades = flowRng.poisson(tradeScale * (profile[s] as number) * activity);
    const nRefresh = quoteRng.poisson(refreshScale * (profile[s] as number));
    if (nTrades > 0 || nRefresh > 0) {
      if (Number.isNaN(front)) {
        front = updateUnderlyings(tNs);
        smileParams.atmVol = atmVol(tNs);
      }
      if (weightsAt < 0 || s - weightsAt >= 5) {
        weightsAt = s;
        weightsTotal = tradeWeights(stepStart, smileParams.atmVol);
      }
      const total = weightsTotal;
      for (let k = 0; k < nTrades; k++) {
        const b = pick(flowRng, total);
        if (!b) break;
        events.push({ offset: 1 + flowRng.int(stepLen - 1), order: order++, kind: TRADE, book: b });
      }
      for (let k = 0; k < nRefresh; k++) {
        const b = pick(quoteRng, total);
        if (!b) break;
        events.push({ offset: 1 + quoteRng.int(stepLen - 1), order: order++, kind: REFRESH, book: b });
      }
    }

    if (events.length > 1) events.sort((a, b) => a.offset - b.offset || a.order - b.order);
    for (const e of events) {
      const b = e.book;
      const at = stepStart + e.offset;
      if (!b.live || at >= b.expOffset) continue;
      if (e.kind !== REQUOTE && b.ask === 0) continue;
      if (e.kind === TRADE && s % b.checkEvery !== 0 && mark(b, stepStart)) {
        // Between checks the market maker refreshes a stale quote as the customer order arrives.
        stampEvent(at);
        requote(b, inRth);
      }
      stampEvent(at);
      if (e.kind === REQUOTE) requote(b, inRth);
      else if (e.kind === TRADE) trade(b);
      else refresh(b);
    }
  }

  if (snapshot === null) {
    snapshot = gammaSnapshot(books, snapNs, updateUnderlyings(snapNs), underlyingPrice, atmVol(snapNs), smile);
  }
  const net = new Map<number, number>();
  for (const b of books) if (b.net !== 0) net.set(b.option.instrumentId, b.net);
  return {
    counts: { quotes, trades },
    customerBias: dayBias,
    customerSkew: skew,
    smile,
    netCustomerContracts: net,
    customerNetGamma: snapshot,
    quoteCheckNs: { zeroDte: BigInt(checkZeroDte * STEP_NS), later: BigInt(checkLater * STEP_NS) },
  };
}

/** Customer gamma of the 0DTE books within {@link GAMMA_SUMMARY_RANGE} of spot (placed strikes) at `ts`. */
function gammaSnapshot(
  books: readonly Book[],
  ts: bigint,
  spot: number,
  underlyingPrice: Float64Array,
  atmVol: number,
  smile: SmileShape,
): GammaSnapshot {
  const params: SmileParams = { atmVol, ...smile };
  let customerGamma = 0;
  for (const b of books) {
    if (!b.zeroDte || b.net === 0 || b.option.expirationNs <= ts) continue;
    const F = underlyingPrice[b.underlying] as number;
    const placed = b.strike + (spot - F);
    if (Math.abs(placed - spot) > GAMMA_SUMMARY_RANGE) continue;
    const T = Math.max(Number(b.option.expirationNs - ts) / 1e9, MIN_T) / YEAR;
    customerGamma += b.net * black76Gamma(F, b.strike, T, smileVol(F, b.strike, T, params), RATE) * 50;
  }
  return { ts, spot, customerGamma, dealerGamma: -customerGamma };
}
