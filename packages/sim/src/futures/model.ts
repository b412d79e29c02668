/**
 * The ES futures market model: one trade date of the front month (deep, active book) and a thin second
 * contract, written as Databento-shaped MBP-10 and trade records in event-time order. MODEL.md describes the
 * mechanisms and their references; this file wires them:
 *
 * - a latent price (ticks) moves each second by a Student-t innovation scaled by the annualised volatility,
 *   the intraday volatility profile and a two-component GARCH state, plus the drift of any level regime;
 *   inside the second it moves linearly, and trades move it a little (transient + permanent impact);
 * - the front book follows the latent price tick by tick: when the latent price is a full tick beyond the mid
 *   (hysteresis), aggressive flow takes the best queue (after part of it fades) and the aggressor's residual
 *   rests one tick further, or a sweep takes several levels at once;
 * - between price steps, Poisson message flow at the intraday activity rate adds, cancels and modifies
 *   orders towards queue-size targets that react to the price pressure (queue-reactive), and trades with
 *   metaorder-correlated signs take part of the best queue;
 * - the second contract re-quotes around latent price + basis, rarely and with a wider spread;
 * - structural levels are tracked from the front's trades; touches may start walls, vacuums and, once or
 *   twice a day, strong break/bounce regimes.
 *
 * @module
 */
import { FLAGS, type Mbp10Msg, type TradeMsg } from '@spymaster/replay';
import { etToNs } from '@spymaster/schemas/time';
import type { Rng } from '../rng.js';
import type { FuturesInstrument, MarketCarry, PricePath, Scale, SessionWindow } from '../types.js';
import { BOOK_CAPACITY, type BookSide, MIN_DEPTH, OrderBook, VISIBLE_LEVELS } from './book.js';
import { EventWriter, FeedInstrument } from './emitter.js';
import { type BookAction, LevelEventPlanner, type MarketControl, type RegimeRecord } from './events.js';
import { orderSize, SignProcess, tradeSize } from './flow.js';
import { LevelTracker, MAX_CLOSES } from './levels.js';
import {
  activityProfile,
  depthProfile,
  innovation,
  LONG_RUN_VOL,
  sigmaPerSecond,
  VolatilityState,
  volatilityProfile,
} from './process.js';

/** Options of {@link simulateFuturesDay}. */
export interface FuturesSimOptions {
  /** The simulated window (04:00–13:30 ET, or longer). */
  window: SessionWindow;
  /** `small` (≈ 100 k MBP-10 records, tests) or `full` (millions, realistic rates). */
  scale: Scale;
  /** Random stream of the day; forked per sub-model. */
  rng: Rng;
  /** Active contract. */
  front: FuturesInstrument;
  /** Thin second contract (trades at front price + `other.basis`). */
  other: FuturesInstrument;
  /** State of the previous day (price, volatility, 2-minute closes of `carry.contract`). */
  carry: MarketCarry;
}

/** What a simulated day leaves behind. */
export interface FuturesDayResult {
  /** State for the next day. */
  carry: MarketCarry;
  /** Front-month mid every second from the window start. */
  path: PricePath;
  /** Records emitted (both contracts). */
  counts: { mbp10: number; trades: number };
  /** Level regimes that started (diagnostics). */
  regimes: readonly RegimeRecord[];
}

/** Tick size, points. */
export const TICK_SIZE = 0.25;
/** Hysteresis of the mid against the latent price, ticks: the mid steps when the latent price is this far. */
export const MID_HYSTERESIS = 1;
const STEP_NS = 1e9;
const NS_120S = 120_000_000_000n;

/** Message rates and shares per scale. */
interface ScaleParams {
  /** Front-month messages per second at activity 1. */
  frontRate: number;
  /** Second-contract messages per second at activity 1. */
  otherRate: number;
  /** Share of trades among front messages. */
  tradeShare: number;
  /** Share of order modifications. */
  modifyShare: number;
  /** Probability that an oversized trade becomes a sweep of several levels. */
  bigOrder: number;
  /** Impact per √lot of a trade, ticks. */
  impact: number;
  /** Multiplier of sweep probabilities (few sweeps at small scale, where they would dominate volume). */
  sweeps: number;
}

const SCALES: Readonly<Record<Scale, ScaleParams>> = {
  full: {
    frontRate: 190,
    otherRate: 3.5,
    tradeShare: 0.125,
    modifyShare: 0.05,
    bigOrder: 0.02,
    impact: 0.012,
    sweeps: 1,
  },
  small: {
    frontRate: 7.5,
    otherRate: 0.3,
    tradeShare: 0.15,
    modifyShare: 0.05,
    bigOrder: 0.02,
    impact: 0.06,
    sweeps: 0.3,
  },
};

/** Queue-size targets of the front by tick distance from the best price, lots (RTH). */
const FRONT_TARGET = [
  45, 70, 95, 115, 130, 140, 150, 160, 170, 175, 180, 185, 190, 190, 195, 195, 200, 200, 200, 200, 200, 200, 200, 200,
];
/** Queue-size targets of the second contract, lots. */
const OTHER_TARGET = [4, 6, 7, 8, 9, 10, 10, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 14, 14, 14, 14];
/** Where passive messages land: weights by tick distance from the own best (cumulative). */
const DEPTH_WEIGHTS = cumulative([0.25, 0.16, 0.12, 0.1, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.02, 0.02]);

function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (const w of weights) sum += w;
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w / sum;
    out[i] = acc;
  });
  return out;
}

function pickCumulative(cdf: Float64Array, u: number): number {
  let i = 0;
  while (i < cdf.length - 1 && u > (cdf[i] as number)) i++;
  return i;
}

function sideChar(isBid: boolean): 'A' | 'B' {
  return isBid ? 'B' : 'A';
}

/**
 * Simulate one trade date of ES futures and emit its MBP-10 and trade records in non-decreasing `ts_event`
 * order (trades of an event before its book records). Deterministic: the same options give the same records.
 *
 * @example
 * ```ts
 * const day = simulateFuturesDay({ window, scale: 'small', rng: new Rng('2025-12-16'), front, other, carry }, (r) => writer.write(r));
 * day.carry; // state for the next day
 * ```
 */
export function simulateFuturesDay(
  options: FuturesSimOptions,
  emit: (record: Mbp10Msg | TradeMsg) => void,
): FuturesDayResult {
  return new FuturesDaySimulator(options, emit).run();
}

class FuturesDaySimulator {
  readonly #o: FuturesSimOptions;
  readonly #p: ScaleParams;
  readonly #len: number;
  readonly #rthStart: number;
  readonly #rPrice: Rng;
  readonly #rFront: Rng;
  readonly #rOther: Rng;
  readonly #writer: EventWriter;
  readonly #front: FeedInstrument;
  readonly #other: FeedInstrument;
  readonly #tracker: LevelTracker;
  readonly #planner: LevelEventPlanner;
  readonly #signs: SignProcess;
  readonly #vol = new VolatilityState();
  readonly #dayVol: number;
  readonly #busy: number;
  readonly #sigma: number;
  readonly #basis: number;
  #ctl: MarketControl;
  // Latent price within the current second: fair(u) = f0 + slope·(u − t0) + impact (ticks).
  #f0 = 0;
  #slope = 0;
  #t0 = 0;
  #impact = 0;
  #depth = 1;
  #liquidity = 0;
  #blocked = false;
  #openTrades = 1;
  readonly #prints = new Int32Array(BOOK_CAPACITY + 2);
  #frontTimes = new Float64Array(4096);
  #otherTimes = new Float64Array(256);

  constructor(options: FuturesSimOptions, emit: (record: Mbp10Msg | TradeMsg) => void) {
    const { window, rng, front, other, carry } = options;
    this.#o = options;
    this.#p = SCALES[options.scale];
    this.#len = Number(window.endNs - window.startNs);
    this.#rthStart = Number(window.rthStartNs - window.startNs);
    this.#rPrice = rng.fork('futures/price');
    this.#rFront = rng.fork('futures/front-book');
    this.#rOther = rng.fork('futures/other-book');
    const rEvents = rng.fork('futures/level-events');
    this.#signs = new SignProcess(rng.fork('futures/flow'));
    const sameContract = carry.contract === front.symbol;
    const rollGap = carry.contract === other.symbol ? -other.basis : 0;
    const startPrice = sameContract ? carry.price : carry.price + rollGap;
    this.#f0 = startPrice / TICK_SIZE;
    this.#dayVol = Math.max(0.05, Math.min(0.8, carry.vol));
    this.#sigma = sigmaPerSecond(startPrice, this.#dayVol) / TICK_SIZE;
    this.#busy = Math.max(0.7, Math.min(2.5, this.#dayVol / LONG_RUN_VOL));
    this.#basis = Math.round(other.basis / TICK_SIZE);
    const feedRng = rng.fork('futures/feed');
    this.#writer = new EventWriter(emit, window.startNs, feedRng, Math.round(this.#f0));
    this.#front = new FeedInstrument(front.instrumentId, new OrderBook(), 1_000_000 + feedRng.int(50_000_000));
    this.#other = new FeedInstrument(other.instrumentId, new OrderBook(), 1_000_000 + feedRng.int(50_000_000));
    const offset = (ns: bigint): number => Number(ns - window.startNs);
    const closes = sameContract ? carry.closes2m.map((p) => Math.round(p / TICK_SIZE)) : [];
    this.#tracker = new LevelTracker(
      {
        startMod120: Number(((window.startNs % NS_120S) + NS_120S) % NS_120S),
        pmStart: offset(etToNs(window.date, '04:00')),
        rthStart: this.#rthStart,
        orEnd: offset(window.orEndNs),
        rthEnd: offset(window.rthEndNs),
      },
      closes,
    );
    this.#planner = new LevelEventPlanner(rEvents, {
      rthStart: this.#rthStart,
      rthEnd: offset(window.rthEndNs),
      windowEnd: this.#len,
    });
    this.#ctl = this.#planner.current;
  }

  run(): FuturesDayResult {
    const len = this.#len;
    const steps = Math.max(1, Math.ceil(len / STEP_NS));
    const mids = new Float64Array(steps);
    const book = this.#front.book;
    this.#depth = depthProfile((0 - this.#rthStart) / 60e9);
    this.#initialBooks();
    for (let k = 0; k < steps; k++) {
      const t0 = k * STEP_NS;
      const t1 = Math.min(len, t0 + STEP_NS);
      mids[k] = book.mid * TICK_SIZE;
      this.#step(t0, t1);
    }
    this.#tracker.finish(len);
    const { window, front } = this.#o;
    const slowVol = this.#dayVol * Math.sqrt(this.#vol.slow);
    const vol = Math.exp(0.85 * Math.log(slowVol) + 0.15 * Math.log(LONG_RUN_VOL));
    const closes = this.#tracker.closes();
    return {
      carry: {
        price: book.mid * TICK_SIZE,
        vol: Math.max(0.06, Math.min(0.6, vol)),
        contract: front.symbol,
        closes2m: closes.slice(-MAX_CLOSES).map((c) => c * TICK_SIZE),
      },
      path: { startNs: window.startNs, stepNs: 1_000_000_000n, mids },
      counts: { mbp10: this.#writer.counts.mbp10, trades: this.#writer.counts.trades },
      regimes: this.#planner.history,
    };
  }

  // ---------------------------------------------------------------- latent price and the step loop

  #fairAt(u: number): number {
    const f = this.#f0 + this.#slope * (u - this.#t0) + this.#impact;
    const c = this.#ctl;
    return Math.min(c.clampHi, Math.max(c.clampLo, f));
  }

  #step(t0: number, t1: number): void {
    if (t1 <= t0) return;
    const rp = this.#rPrice;
    const m = (t0 - this.#rthStart) / 60e9;
    const act = activityProfile(m);
    const volU = volatilityProfile(m);
    // Slow liquidity regimes (log-OU, ~20 min) on top of the depth profile.
    this.#liquidity = this.#liquidity * 0.99917 + 0.0082 * rp.normal();
    this.#depth = depthProfile(m) * Math.exp(this.#liquidity);
    const ctl = this.#planner.control(t0, this.#fairAt(t0), this.#tracker);
    this.#ctl = ctl;
    this.#runActions(t0);
    const dt = (t1 - t0) / STEP_NS;
    const h = this.#vol.h;
    const sd = this.#sigma * volU * Math.sqrt(h * dt);
    const z = innovation(rp);
    const noise = sd * ctl.volMult * z;
    const df = noise + ctl.drift * dt;
    // A regime's drift feeds the volatility state only in part: big moves raise volatility, not explode it.
    const standardised = (noise + 0.35 * ctl.drift * dt) / (sd > 0 ? sd : 1);
    this.#vol.update(standardised * standardised);
    let start = this.#fairAt(t0) - this.#impact;
    let end = start + df;
    if (end > ctl.clampHi) end = ctl.clampHi;
    if (end < ctl.clampLo) end = ctl.clampLo;
    if (start > ctl.clampHi) start = ctl.clampHi;
    if (start < ctl.clampLo) start = ctl.clampLo;
    this.#f0 = start;
    this.#t0 = t0;
    this.#slope = (end - start) / (t1 - t0);
    this.#blocked = false;

    // Message arrivals of this second.
    const p = this.#p;
    // Busier when volatility is high: in proportion to the day's volatility and the slow volatility regime
    // (so price steps stay a small share of messages), less than proportionally to short bursts.
    const vol = this.#vol;
    const intensity = act * ctl.actMult * this.#busy * Math.sqrt(vol.slow) * Math.min(vol.fast, 3) ** 0.2 * dt;
    // Opening flows are trade-heavy (the open's volume peak is larger than its volatility peak).
    this.#openTrades = m >= 0 ? 1 + 1.1 * Math.exp(-m / 12) : 1;
    const nf = this.#rFront.poisson(p.frontRate * intensity);
    const no = this.#rOther.poisson(p.otherRate * intensity);
    const ft = this.#times('front', nf, t0, t1, this.#rFront);
    const ot = this.#times('other', no, t0, t1, this.#rOther);
    let i = 0;
    let j = 0;
    let guard = 0;
    const writer = this.#writer;
    for (;;) {
      const now = Math.max(writer.lastT, t0);
      const tf = i < nf ? (ft[i] as number) : Infinity;
      const to = j < no ? (ot[j] as number) : Infinity;
      const tc = this.#blocked || guard > 2000 ? Infinity : this.#nextCrossing(now, t1);
      if (tc === Infinity && tf === Infinity && to === Infinity) break;
      if (tc <= tf && tc <= to) {
        guard++;
        this.#crossing(tc);
      } else if (tf <= to) {
        i++;
        this.#frontMessage(tf);
      } else {
        j++;
        this.#otherMessage(to);
      }
    }
    // End of the second: the latent price is where the line ends; transient impact decays.
    this.#f0 = end;
    this.#slope = 0;
    this.#t0 = t1;
    this.#impact *= 0.9847; // half-life 45 s
  }

  #times(which: 'front' | 'other', n: number, t0: number, t1: number, rng: Rng): Float64Array {
    let buf = which === 'front' ? this.#frontTimes : this.#otherTimes;
    if (buf.length < n) {
      buf = new Float64Array(Math.max(n, buf.length * 2));
      if (which === 'front') this.#frontTimes = buf;
      else this.#otherTimes = buf;
    }
    const span = t1 - t0 - 2;
    for (let k = 0; k < n; k++) buf[k] = t0 + 1 + Math.floor(rng.next() * span);
    const view = buf.subarray(0, n);
    view.sort();
    return view;
  }

  /** Time of the next tick step of the front (the latent price a full tick from the mid), or Infinity. */
  #nextCrossing(now: number, t1: number): number {
    const book = this.#front.book;
    const mid = book.mid;
    const up = mid + MID_HYSTERESIS;
    const down = mid - MID_HYSTERESIS;
    const f = this.#fairAt(now);
    if (f >= up - 1e-9 || f <= down + 1e-9) {
      const t = now + 1_000 + this.#rFront.int(40_000);
      return t < t1 ? t : Infinity;
    }
    const slope = this.#slope;
    const c = this.#ctl;
    let u = Infinity;
    if (slope > 0 && up <= c.clampHi) u = this.#t0 + (up - this.#impact - this.#f0) / slope;
    else if (slope < 0 && down >= c.clampLo) u = this.#t0 + (down - this.#impact - this.#f0) / slope;
    if (!(u < t1)) return Infinity;
    const t = Math.ceil(Math.max(u, now + 1));
    return t < t1 ? t : Infinity;
  }

  // ---------------------------------------------------------------- front: price steps

  #crossing(t: number): void {
    const book = this.#front.book;
    const f = this.#fairAt(t);
    const mid = book.mid;
    const dir: 1 | -1 | 0 = f >= mid + MID_HYSTERESIS - 1e-6 ? 1 : f <= mid - MID_HYSTERESIS + 1e-6 ? -1 : 0;
    if (dir === 0) {
      // Rounding left the latent price a hair short of the threshold: nudge it.
      this.#impact += (f > mid ? 1 : -1) * 1e-6;
      return;
    }
    const before = book.mid2;
    this.#priceStep(t, dir, Math.abs(f - mid));
    if (book.mid2 === before) this.#blocked = true;
  }

  /** The front's mid moves one tick (or several, by a sweep) in direction `dir`. */
  #priceStep(t: number, dir: 1 | -1, gap: number): void {
    const rf = this.#rFront;
    const book = this.#front.book;
    const opp = book.opposite(dir);
    const ctl = this.#ctl;
    const fast = Math.abs(this.#slope) * STEP_NS > 4 ? 0.03 : 0;
    let levels = 1;
    if (ctl.wallSide === dir && opp.px[0] === ctl.wallTick) return; // a wall holds the price
    if (rf.next() < ctl.cancelStep) {
      this.#cancelStep(t, dir);
      return;
    }
    if (rf.next() < (ctl.sweepProb + fast) * this.#p.sweeps)
      levels = 2 + rf.int(Math.min(4, Math.max(1, Math.floor(gap + 1.5))));
    levels = Math.min(levels, opp.n - 1);
    // Never sweep through a wall.
    if (ctl.wallSide === dir) {
      for (let k = 0; k < levels; k++) {
        if (opp.px[k] === ctl.wallTick) {
          levels = k;
          break;
        }
      }
    }
    if (levels < 1) return;
    let time = t;
    if (levels === 1) {
      const queue = opp.sz[0] as number;
      const size = tradeSize(rf);
      if (queue > size) {
        // Part of the queue fades (cancels) just before the last lots are taken.
        time = this.#writer.begin(this.#front, time);
        const tick = opp.px[0] as number;
        opp.reduce(0, queue - size);
        this.#writer.book('C', sideChar(opp.isBid), tick, queue - size, 0);
        this.#writer.end();
        time += 1_000 + rf.int(150_000);
      }
      const sameEvent = rf.next() < 0.93;
      const residual = sameEvent ? this.#newLevelSize(rf) : 0;
      const tick = opp.px[0] as number;
      this.#aggress(time, dir, 1, residual);
      if (!sameEvent) {
        // Liquidity providers step in at the vacated price a moment later.
        const own = book.own(dir);
        const at = this.#writer.lastT + 5_000 + rf.int(1_500_000);
        const size = this.#newLevelSize(rf);
        if (opp.n === 0 || (dir > 0 ? tick < opp.best : tick > opp.best)) {
          this.#writer.begin(this.#front, at);
          const idx = own.add(tick, size);
          this.#writer.book('A', sideChar(own.isBid), tick, size, idx);
          this.#writer.end();
        }
      }
    } else {
      this.#aggress(time, dir, levels, this.#newLevelSize(rf) + orderSize(rf));
    }
    this.#alignAfterStep(this.#writer.lastT, dir);
  }

  /** The mid steps without a trade: the rest of the best queue is cancelled and the other side steps up. */
  #cancelStep(t: number, dir: 1 | -1): void {
    const rf = this.#rFront;
    const book = this.#front.book;
    const opp = book.opposite(dir);
    const own = book.own(dir);
    const writer = this.#writer;
    const tick = opp.px[0] as number;
    const q = opp.sz[0] as number;
    writer.begin(this.#front, t);
    opp.removeAt(0);
    this.#fillDepth(opp, true);
    writer.book('C', sideChar(opp.isBid), tick, q, 0);
    const size = this.#newLevelSize(rf);
    const idx = own.add(tick, size);
    writer.book('A', sideChar(own.isBid), tick, size, idx);
    writer.end();
  }

  /** After an aggressive step the latent price is at least near the new mid (permanent impact of a sweep). */
  #alignAfterStep(t: number, dir: 1 | -1): void {
    const mid = this.#front.book.mid;
    const f = this.#fairAt(t);
    const floor = mid - dir * (MID_HYSTERESIS - 0.3);
    if (dir > 0 && f < floor) this.#f0 += floor - f;
    if (dir < 0 && f > floor) this.#f0 -= f - floor;
  }

  /**
   * One aggressive order of sign `dir` taking `levels` whole levels of the opposite side; its `residual`
   * (lots, 0 = none) rests at the last price taken. Prints first, then the book changes, in one event.
   */
  #aggress(t: number, dir: 1 | -1, levels: number, residual: number): void {
    const writer = this.#writer;
    const book = this.#front.book;
    const opp = book.opposite(dir);
    const own = book.own(dir);
    const time = writer.begin(this.#front, t);
    const aggressor = dir > 0 ? 'B' : 'A';
    const prints = this.#prints;
    for (let k = 0; k < levels; k++) {
      writer.trade(opp.px[k] as number, opp.sz[k] as number, aggressor, k);
      prints[k] = opp.px[k] as number;
    }
    const oppChar = sideChar(opp.isBid);
    let last = 0;
    for (let k = 0; k < levels; k++) {
      last = opp.px[0] as number;
      const q = opp.sz[0] as number;
      opp.removeAt(0);
      this.#fillDepth(opp, true);
      writer.book('C', oppChar, last, q, 0);
    }
    if (residual > 0) {
      const idx = own.add(last, residual);
      writer.book('A', sideChar(own.isBid), last, residual, idx);
    }
    writer.end();
    for (let k = 0; k < levels; k++) this.#onFrontTrade(time, prints[k] as number);
  }

  #newLevelSize(rng: Rng): number {
    return Math.max(1, Math.round((FRONT_TARGET[0] as number) * this.#depth * (0.25 + 0.55 * rng.next())));
  }

  // ---------------------------------------------------------------- front: messages between price steps

  #frontTarget(d: number, isBid: boolean, pressure: number): number {
    let target = (FRONT_TARGET[Math.min(d, FRONT_TARGET.length - 1)] as number) * this.#depth;
    if (d === 0) target *= Math.max(0.15, 1 + (isBid ? 0.5 : -0.5) * pressure);
    const ctl = this.#ctl;
    if (ctl.vacuumSide !== 0 && d < 8 && ctl.vacuumSide > 0 !== isBid) target *= ctl.vacuumMult;
    return target;
  }

  #frontMessage(t: number): void {
    const rf = this.#rFront;
    const book = this.#front.book;
    const f = this.#fairAt(t);
    if (book.spread > 1 && rf.next() < 0.95) {
      this.#fillSpread(t, f);
      return;
    }
    const pressure = Math.max(-1, Math.min(1, (f - book.mid) / MID_HYSTERESIS));
    const u = rf.next();
    const p = this.#p;
    const trade = p.tradeShare * this.#ctl.tradeMult * this.#openTrades;
    if (u < trade) this.#noiseTrade(t, pressure);
    else if (u < trade + p.modifyShare) this.#modify(this.#front, t, rf);
    else this.#addOrCancel(t, pressure);
  }

  /** A spread wider than a tick is closed by new orders at the latent price. */
  #fillSpread(t: number, f: number): void {
    const book = this.#front.book;
    const writer = this.#writer;
    const bid = book.bids.best;
    const ask = book.asks.best;
    const target = Math.max(bid, Math.min(ask - 1, Math.floor(f)));
    writer.begin(this.#front, t);
    if (target > bid) {
      const size = this.#newLevelSize(this.#rFront);
      const idx = book.bids.add(target, size);
      writer.book('A', 'B', target, size, idx);
    }
    if (target + 1 < ask) {
      const size = this.#newLevelSize(this.#rFront);
      const idx = book.asks.add(target + 1, size);
      writer.book('A', 'A', target + 1, size, idx);
    }
    writer.end();
  }

  #noiseTrade(t: number, pressure: number): void {
    const rf = this.#rFront;
    const ctl = this.#ctl;
    const book = this.#front.book;
    const sign: 1 | -1 = ctl.pushSign !== 0 && rf.next() < 0.75 ? ctl.pushSign : this.#signs.next(pressure);
    const opp = book.opposite(sign);
    const tick = opp.px[0] as number;
    const queue = opp.sz[0] as number;
    const isWall = ctl.wallSide === sign && tick === ctl.wallTick;
    let size = tradeSize(rf);
    if (size >= queue) {
      if (!isWall && rf.next() < this.#p.bigOrder && ctl.wallSide !== sign) {
        this.#bigOrder(t, sign, size);
        return;
      }
      size = queue - 1;
      if (size < 1) {
        // A one-lot queue: someone joins it instead.
        this.#addAt(t, opp, tick, orderSize(rf));
        return;
      }
    }
    const writer = this.#writer;
    const time = writer.begin(this.#front, t);
    writer.trade(tick, size, sign > 0 ? 'B' : 'A', 0);
    opp.reduce(0, size);
    writer.book('C', sideChar(opp.isBid), tick, size, 0);
    if (isWall && (opp.sz[0] as number) < ctl.wallSize) {
      // The wall refills what was taken (iceberg-like replenishment): absorption.
      const refill = ctl.wallSize - (opp.sz[0] as number);
      opp.add(tick, refill);
      writer.book('A', sideChar(opp.isBid), tick, refill, 0);
    }
    writer.end();
    const impact = sign * this.#p.impact * Math.sqrt(size);
    this.#impact += 0.8 * impact;
    this.#f0 += 0.2 * impact;
    this.#onFrontTrade(time, tick);
  }

  /** An order larger than the best queue: it takes whole levels while it can, the rest rests. */
  #bigOrder(t: number, sign: 1 | -1, size: number): void {
    const opp = this.#front.book.opposite(sign);
    let left = size;
    let levels = 0;
    while (levels < Math.min(6, opp.n - 1) && left >= (opp.sz[levels] as number)) {
      left -= opp.sz[levels] as number;
      levels++;
    }
    this.#aggress(t, sign, Math.max(1, levels), Math.max(1, left));
    this.#alignAfterStep(this.#writer.lastT, sign);
  }

  #addAt(t: number, side: BookSide, tick: number, size: number): void {
    const idx = side.add(tick, size);
    if (idx < 0 || idx >= VISIBLE_LEVELS) return;
    this.#writer.begin(this.#front, t);
    this.#writer.book('A', sideChar(side.isBid), tick, size, idx);
    this.#writer.end();
  }

  #addOrCancel(t: number, pressure: number): void {
    const rf = this.#rFront;
    const book = this.#front.book;
    const isBid = rf.next() < 0.5 + 0.2 * pressure;
    const side = isBid ? book.bids : book.asks;
    const d = pickCumulative(DEPTH_WEIGHTS, rf.next());
    const tick = isBid ? side.best - d : side.best + d;
    const idx = side.indexOf(tick);
    const size = idx < 0 ? 0 : (side.sz[idx] as number);
    const target = this.#frontTarget(d, isBid, pressure);
    const ctl = this.#ctl;
    const isWall = ctl.wallSide !== 0 && ctl.wallSide > 0 !== isBid && tick === ctl.wallTick;
    const writer = this.#writer;
    if (isWall || rf.next() * (target + size) < target) {
      const q = orderSize(rf);
      const at = side.add(tick, q);
      if (at < 0 || at >= VISIBLE_LEVELS) {
        this.#fillDepth(side, true);
        return;
      }
      writer.begin(this.#front, t);
      writer.book('A', sideChar(isBid), tick, q, at);
      writer.end();
      return;
    }
    let q = Math.min(orderSize(rf), size - (idx === 0 ? 1 : 0));
    if (q < 1) return;
    if (idx > 0 && rf.next() < 0.03) q = size; // occasionally the whole level leaves at once
    side.reduce(idx, q);
    this.#fillDepth(side, true);
    if (idx >= VISIBLE_LEVELS) return;
    writer.begin(this.#front, t);
    writer.book('C', sideChar(isBid), tick, q, idx);
    writer.end();
  }

  #modify(inst: FeedInstrument, t: number, rng: Rng): void {
    const book = inst.book;
    const isBid = rng.next() < 0.5;
    const side = isBid ? book.bids : book.asks;
    const idx = Math.min(side.n - 1, Math.min(VISIBLE_LEVELS - 1, Math.floor(rng.exponential(0.35))));
    if (idx < 0) return;
    let delta = Math.max(1, Math.round(orderSize(rng) / 2)) * (rng.next() < 0.5 ? 1 : -1);
    if ((side.sz[idx] as number) + delta < 1) delta = -delta;
    side.modify(idx, delta);
    this.#writer.begin(inst, t);
    this.#writer.book('M', sideChar(isBid), side.px[idx] as number, Math.abs(delta), idx);
    this.#writer.end();
  }

  /** Keeps at least {@link MIN_DEPTH} levels on a side by adding levels beyond the visible ten (no record). */
  #fillDepth(side: BookSide, front: boolean): void {
    if (side.n >= MIN_DEPTH) return;
    const rng = front ? this.#rFront : this.#rOther;
    const targets = front ? FRONT_TARGET : OTHER_TARGET;
    const gapP = front ? 0.01 : 0.25;
    while (side.n < MIN_DEPTH) {
      const stepTicks = rng.next() < gapP ? 2 : 1;
      const tick = side.isBid ? side.worst - stepTicks : side.worst + stepTicks;
      const d = Math.min(targets.length - 1, Math.abs(tick - side.best));
      const ctl = this.#ctl;
      const thinned = front && ctl.vacuumSide !== 0 && ctl.vacuumSide > 0 !== side.isBid;
      const scale = front ? this.#depth * (thinned ? ctl.vacuumMult : 1) : 1;
      side.add(
        tick,
        Math.max(1, Math.round((targets[d] as number) * scale * (0.6 + 0.8 * rng.next()))),
        1 + rng.int(3),
      );
    }
  }

  // ---------------------------------------------------------------- level events

  #onFrontTrade(t: number, tick: number): void {
    const anchors = this.#tracker.onTrade(t, tick);
    if (anchors.length === 0) return;
    const book = this.#front.book;
    for (const anchor of anchors) this.#planner.onAnchor(anchor, t, book.bids.best, book.asks.best);
    this.#runActions(t);
  }

  #runActions(t: number): void {
    const actions = this.#planner.actions;
    while (actions.length > 0) {
      const action = actions.shift() as BookAction;
      if (action.kind === 'pull') this.#pull(t, action.side, action.keep);
      else this.#wall(t, action.side, action.tick, action.size);
    }
  }

  /** Liquidity on the defending side is pulled (vacuum): one event cancelling most of the top levels. */
  #pull(t: number, dir: 1 | -1, keep: number): void {
    const side = this.#front.book.opposite(dir);
    const writer = this.#writer;
    writer.begin(this.#front, t + 2_000 + this.#rFront.int(200_000));
    for (let k = 0; k < Math.min(6, side.n); k++) {
      const size = side.sz[k] as number;
      const q = size - Math.max(1, Math.round(size * keep));
      if (q < 1) continue;
      side.reduce(k, q);
      writer.book('C', sideChar(side.isBid), side.px[k] as number, q, k);
    }
    writer.end();
  }

  /** A wall is built at the level on the defending side, in two or three orders. */
  #wall(t: number, dir: 1 | -1, tick: number, size: number): void {
    const side = this.#front.book.opposite(dir);
    const rf = this.#rFront;
    const parts = 2 + rf.int(2);
    let left = size;
    let time = t;
    for (let k = 0; k < parts; k++) {
      const q = k === parts - 1 ? left : Math.round(size / parts);
      left -= q;
      time += 20_000 + rf.int(5_000_000);
      this.#addAt(time, side, tick, q);
    }
  }

  // ---------------------------------------------------------------- the second contract

  #otherMessage(t: number): void {
    const ro = this.#rOther;
    const inst = this.#other;
    const book = inst.book;
    const target = this.#fairAt(t) + this.#basis;
    if (Math.abs(target - book.mid) > book.spread / 2 + 1) {
      this.#requote(t, target);
      return;
    }
    const u = ro.next();
    const writer = this.#writer;
    if (u < 0.12) {
      const sign: 1 | -1 = ro.next() < 0.5 + 0.3 * Math.max(-1, Math.min(1, target - book.mid)) ? 1 : -1;
      const opp = book.opposite(sign);
      const queue = opp.sz[0] as number;
      const size = Math.min(queue - 1, 1 + ro.int(4));
      if (size < 1) return;
      const tick = opp.px[0] as number;
      writer.begin(inst, t);
      writer.trade(tick, size, sign > 0 ? 'B' : 'A', 0);
      opp.reduce(0, size);
      writer.book('C', sideChar(opp.isBid), tick, size, 0);
      writer.end();
      return;
    }
    if (u < 0.17) {
      this.#modify(inst, t, ro);
      return;
    }
    const isBid = ro.next() < 0.5;
    const side = isBid ? book.bids : book.asks;
    const idx = Math.min(side.n - 1, VISIBLE_LEVELS - 1, Math.floor(ro.exponential(0.25)));
    const d = Math.abs((side.px[idx] as number) - side.best);
    const have = side.sz[idx] as number;
    const want = OTHER_TARGET[Math.min(d, OTHER_TARGET.length - 1)] as number;
    const tick = side.px[idx] as number;
    writer.begin(inst, t);
    if (ro.next() * (want + have) < want || (idx === 0 && have <= 1)) {
      const q = 1 + ro.int(4);
      side.add(tick, q);
      writer.book('A', sideChar(isBid), tick, q, idx);
    } else {
      const q = Math.min(have - (idx === 0 ? 1 : 0), 1 + ro.int(4));
      side.reduce(idx, q);
      this.#fillDepth(side, false);
      writer.book('C', sideChar(isBid), tick, q, idx);
    }
    writer.end();
  }

  /** The thin contract's quoters move their quotes to the latent price + basis. */
  #requote(t: number, target: number): void {
    const ro = this.#rOther;
    const book = this.#other.book;
    const writer = this.#writer;
    const u = ro.next();
    const spread = u < 0.5 ? 1 : u < 0.85 ? 2 : 3;
    const bid = Math.floor(target - spread / 2 + 0.5);
    const ask = bid + spread;
    writer.begin(this.#other, t);
    let removed = 0;
    while (book.asks.n > 0 && book.asks.best <= bid && removed < 40) {
      const tick = book.asks.best;
      const q = book.asks.sz[0] as number;
      book.asks.removeAt(0);
      this.#fillDepth(book.asks, false);
      writer.book('C', 'A', tick, q, 0);
      removed++;
    }
    while (book.bids.n > 0 && book.bids.best >= ask && removed < 80) {
      const tick = book.bids.best;
      const q = book.bids.sz[0] as number;
      book.bids.removeAt(0);
      this.#fillDepth(book.bids, false);
      writer.book('C', 'B', tick, q, 0);
      removed++;
    }
    // New quotes go in at the top of the book (index 0).
    if (book.bids.n === 0 || book.bids.best < bid) {
      const q = 1 + ro.int(6);
      book.bids.add(bid, q);
      writer.book('A', 'B', bid, q, 0);
    }
    if (book.asks.n === 0 || book.asks.best > ask) {
      const q = 1 + ro.int(6);
      book.asks.add(ask, q);
      writer.book('A', 'A', ask, q, 0);
    }
    this.#fillDepth(book.bids, false);
    this.#fillDepth(book.asks, false);
    writer.end();
  }

  // ---------------------------------------------------------------- start of the window

  #initialBooks(): void {
    const rf = this.#rFront;
    const ro = this.#rOther;
    const front = this.#front.book;
    const bid = Math.floor(this.#f0);
    this.#seedSide(front.bids, bid, FRONT_TARGET, this.#depth, 0.03, rf);
    this.#seedSide(front.asks, bid + 1, FRONT_TARGET, this.#depth, 0.03, rf);
    const other = this.#other.book;
    const otherBid = Math.floor(this.#f0 + this.#basis - 0.5);
    this.#seedSide(other.bids, otherBid, OTHER_TARGET, 1, 0.25, ro);
    this.#seedSide(other.asks, otherBid + 1 + ro.int(2), OTHER_TARGET, 1, 0.25, ro);
    for (const inst of [this.#front, this.#other]) {
      const b = inst.book.bids;
      this.#writer.begin(inst, 0);
      this.#writer.book('A', 'B', b.best, b.sz[0] as number, 0);
      this.#writer.end(FLAGS.F_SNAPSHOT); // the book as of the window start
    }
  }

  #seedSide(side: BookSide, best: number, targets: readonly number[], scale: number, gapP: number, rng: Rng): void {
    side.clear();
    let tick = best;
    for (let k = 0; k < MIN_DEPTH; k++) {
      const d = Math.abs(tick - best);
      const size = Math.max(
        1,
        Math.round((targets[Math.min(d, targets.length - 1)] as number) * scale * (0.5 + rng.next())),
      );
      side.add(tick, size, 1 + Math.floor(size / 8));
      tick += (side.isBid ? -1 : 1) * (rng.next() < gapP ? 2 : 1);
    }
  }
}
