/**
 * Level events: how the market model reacts when price meets a structural level (MODEL.md §6). At a touch
 * anchor the planner may start a regime: a **bounce** (a wall of resting size at the level on the defending
 * side, refilled when hit — absorption — then a move away) or a **break** (the defending side pulls its
 * liquidity — a vacuum — and price runs through with sweeps). Minor regimes (a few points) happen at ordinary
 * touches; one to three **strong** regimes per RTH session move price 90–120 points within a few minutes,
 * so that the day has touches labelled BREAK and BOUNCE (75 points within 8 minutes, spec E). Before a strong
 * event is due, a gentle drift takes price to the nearest armed level (levels attract tests).
 *
 * All choices come from the planner's own random stream; nothing reads a clock.
 *
 * @module
 */
import type { Rng } from '../rng.js';
import { type LevelAnchor, type LevelTracker, MONITOR_BAND_TICKS } from './levels.js';

/** What the regime in force asks of the latent price, the order flow and the book (reused object). */
export interface MarketControl {
  /** Drift of the latent price, ticks per second. */
  drift: number;
  /** Multiplier of the latent price's volatility. */
  volMult: number;
  /** Multiplier of the message rate. */
  actMult: number;
  /** Multiplier of the share of trades among messages. */
  tradeMult: number;
  /** Highest latent price allowed (a wall above), ticks. */
  clampHi: number;
  /** Lowest latent price allowed (a wall below), ticks. */
  clampLo: number;
  /** Side whose liquidity is pulled: +1 asks (break up), −1 bids (break down), 0 none. */
  vacuumSide: 0 | 1 | -1;
  /** Depth multiplier on the pulled side. */
  vacuumMult: number;
  /** Probability that a price step is taken by a multi-level sweep. */
  sweepProb: number;
  /** Probability that a price step happens by cancellation (no trade). */
  cancelStep: number;
  /** Aggressors leaning on a wall: +1 buyers, −1 sellers, 0 none. */
  pushSign: 0 | 1 | -1;
  /** Side of the wall: +1 asks (resistance), −1 bids (support), 0 none. */
  wallSide: 0 | 1 | -1;
  /** Price of the wall, ticks. */
  wallTick: number;
  /** Size the wall is refilled to, lots. */
  wallSize: number;
}

/** A one-off book action a regime asks for when it starts. */
export type BookAction =
  | { readonly kind: 'pull'; readonly side: 1 | -1; readonly keep: number }
  | { readonly kind: 'wall'; readonly side: 1 | -1; readonly tick: number; readonly size: number };

/** Kind of a regime. */
export type RegimeKind = 'BREAK' | 'BOUNCE';

/** A regime that happened (for diagnostics and tests). */
export interface RegimeRecord {
  /** BREAK or BOUNCE. */
  kind: RegimeKind;
  /** Strong (≥ 90 points) or minor. */
  strong: boolean;
  /** Anchor time, ns offset from the window start. */
  t: number;
  /** Level kind of the anchor. */
  level: LevelAnchor['kind'];
  /** Level price, points. */
  price: number;
  /** Break direction of the anchor (+1 up, −1 down). */
  direction: 1 | -1;
}

/** Window offsets the planner needs, ns from the window start. */
export interface PlannerClock {
  rthStart: number;
  rthEnd: number;
  windowEnd: number;
}

const MINUTE = 60e9;
const SECOND = 1e9;
const IDLE = 0;
const ABSORB = 1;
const RUN = 2;
const COOL = 3;

/** Plans and runs level regimes. */
export class LevelEventPlanner {
  readonly #rng: Rng;
  readonly #queue: { kind: RegimeKind; earliest: number; gap: number }[] = [];
  readonly #latestStart: number;
  readonly #excluded = new Float64Array(6);
  readonly #control: MarketControl = {
    drift: 0,
    volMult: 1,
    actMult: 1,
    tradeMult: 1,
    clampHi: Infinity,
    clampLo: -Infinity,
    vacuumSide: 0,
    vacuumMult: 1,
    sweepProb: 0,
    cancelStep: 0,
    pushSign: 0,
    wallSide: 0,
    wallTick: 0,
    wallSize: 0,
  };
  /** Book actions waiting to be executed by the model. */
  readonly actions: BookAction[] = [];
  /** Regimes started so far. */
  readonly history: RegimeRecord[] = [];
  #phase = IDLE;
  #kind: RegimeKind = 'BREAK';
  #strong = false;
  #dir: 1 | -1 = 1;
  #target = 0;
  #absorbEnd = 0;
  #runStart = 0;
  #runEnd = 0;
  #wallUntil = 0;
  #coolStart = 0;
  #coolEnd = 0;
  #minorAfter = 0;
  #nearSince = -1;
  #approachKind = -1;

  constructor(rng: Rng, clock: PlannerClock) {
    this.#rng = rng;
    this.#latestStart = Math.min(clock.rthEnd, clock.windowEnd) - 24 * MINUTE;
    const first: RegimeKind = rng.chance(0.5) ? 'BREAK' : 'BOUNCE';
    const second: RegimeKind = first === 'BREAK' ? 'BOUNCE' : 'BREAK';
    const kinds: RegimeKind[] = [first, second];
    if (rng.chance(0.35)) kinds.push(rng.chance(0.5) ? 'BREAK' : 'BOUNCE');
    for (const kind of kinds) this.#queue.push({ kind, earliest: Infinity, gap: rng.uniform(5, 35) * MINUTE });
    (this.#queue[0] as { earliest: number }).earliest = clock.rthStart + rng.uniform(55, 85) * MINUTE;
    this.#minorAfter = clock.rthStart;
  }

  /** The control in force (updated by {@link control} and by anchors). */
  get current(): MarketControl {
    return this.#control;
  }

  /** True while a strong event waits for a touch. */
  #strongDue(t: number): boolean {
    const next = this.#queue[0];
    return next !== undefined && t >= next.earliest && t < this.#latestStart;
  }

  /**
   * The control for the second starting at `t`, given the latent price (ticks) and the levels. Also advances
   * the regime's phases.
   */
  control(t: number, fair: number, tracker: LevelTracker): MarketControl {
    const c = this.#control;
    c.drift = 0;
    c.volMult = 1;
    c.actMult = 1;
    c.tradeMult = 1;
    c.sweepProb = 0;
    c.cancelStep = 0.25;
    c.pushSign = 0;
    c.vacuumSide = 0;
    c.vacuumMult = 1;
    if (this.#phase === ABSORB && t >= this.#absorbEnd) {
      this.#phase = RUN;
      this.#runEnd = t + (this.#runEnd - this.#runStart);
      this.#runStart = t;
    }
    if (this.#phase === RUN && t >= this.#runEnd) this.#enterCool(t);
    if (this.#phase === COOL && t >= this.#coolEnd) this.#phase = IDLE;
    if (c.wallSide !== 0 && t >= this.#wallUntil) this.#dropWall();
    switch (this.#phase) {
      case ABSORB: {
        // Aggressors lean on the wall; the latent price presses against it but cannot pass.
        c.drift = this.#dir * 0.8;
        c.pushSign = this.#dir;
        c.tradeMult = this.#strong ? 1.6 : 1.4;
        c.actMult = this.#strong ? 1.2 : 1.1;
        break;
      }
      case RUN: {
        const left = Math.max(25 * SECOND, this.#runEnd - t) / SECOND;
        c.drift = (this.#target - fair) / left;
        c.volMult = this.#strong ? 1.25 : 1.1;
        c.cancelStep = this.#strong ? 0.6 : 0.3;
        c.actMult = this.#strong ? 1.3 : 1.1;
        if (this.#kind === 'BREAK') {
          c.vacuumSide = this.#dir;
          c.vacuumMult = this.#strong ? 0.2 : 0.45;
          c.sweepProb = this.#strong ? 0.3 : 0.08;
        }
        break;
      }
      case COOL: {
        const left = (this.#coolEnd - t) / (this.#coolEnd - this.#coolStart);
        c.actMult = 1 + (this.#strong ? 0.15 : 0.05) * left;
        break;
      }
      default:
        if (this.#strongDue(t)) this.#approach(t, fair, tracker);
    }
    return c;
  }

  /** Drift towards an armed level while a strong event is due (the target is kept until touched or given up). */
  #approach(t: number, fair: number, tracker: LevelTracker): void {
    let target = this.#approachKind;
    const usable = (k: number): boolean => {
      const level = tracker.level(k, t);
      if (Number.isNaN(level) || tracker.suppressed(k) || (this.#excluded[k] as number) > t) return false;
      return tracker.ready(k, t) || Math.abs(level - fair) > MONITOR_BAND_TICKS + 4;
    };
    if (target < 0 || !usable(target)) {
      target = -1;
      let bestDist = Infinity;
      for (let k = 0; k < 6; k++) {
        if (!usable(k)) continue;
        const dist = Math.abs(tracker.level(k, t) - fair);
        if (dist < bestDist) {
          bestDist = dist;
          target = k;
        }
      }
      this.#approachKind = target;
      this.#nearSince = -1;
    }
    if (target < 0) return;
    const dist = tracker.level(target, t) - fair;
    const soft = t > this.#latestStart - 35 * MINUTE;
    const speed = Math.min(soft ? 3 : 1.2, Math.max(0.3, Math.abs(dist) / (soft ? 150 : 420)));
    this.#control.drift = Math.abs(dist) < 1 ? 0 : Math.sign(dist) * speed;
    // A level price sits at without a touch that anchors is given up for a while.
    if (Math.abs(dist) < 8) {
      if (this.#nearSince < 0) this.#nearSince = t;
      else if (t - this.#nearSince > 120 * SECOND) {
        this.#excluded[target] = t + 10 * MINUTE;
        this.#approachKind = -1;
      }
    } else {
      this.#nearSince = -1;
    }
  }

  /**
   * A touch anchor at time `t`; `bestBid`/`bestAsk` in ticks. May start a regime (and queue book actions).
   */
  onAnchor(anchor: LevelAnchor, t: number, bestBid: number, bestAsk: number): void {
    if (this.#phase !== IDLE) return;
    const rng = this.#rng;
    let kind: RegimeKind;
    let strong = false;
    if (this.#strongDue(t)) {
      kind = (this.#queue[0] as { kind: RegimeKind }).kind;
      strong = true;
    } else {
      if (t < this.#minorAfter || !rng.chance(0.5)) return;
      kind = rng.chance(0.55) ? 'BOUNCE' : 'BREAK';
    }
    const d = anchor.direction;
    this.#approachKind = -1;
    this.#kind = kind;
    this.#strong = strong;
    this.#dir = d;
    this.history.push({ kind, strong, t, level: anchor.kind, price: anchor.level * 0.25, direction: d });
    const move = (strong ? rng.uniform(92, 118) : rng.uniform(4, 20)) * 4;
    const c = this.#control;
    if (kind === 'BREAK') {
      this.#target = anchor.level + d * move;
      this.#phase = RUN;
      this.#runStart = t;
      this.#runEnd = t + (strong ? rng.uniform(270, 400) : rng.uniform(40, 140)) * SECOND;
      this.actions.push({ kind: 'pull', side: d, keep: strong ? 0.12 : 0.4 });
    } else {
      this.#target = anchor.level - d * move;
      const absorb = (strong ? rng.uniform(15, 35) : rng.uniform(4, 14)) * SECOND;
      this.#phase = ABSORB;
      this.#absorbEnd = t + absorb;
      this.#runStart = t + absorb;
      this.#runEnd = this.#runStart + (strong ? rng.uniform(270, 380) : rng.uniform(45, 150)) * SECOND;
      this.#wallUntil = this.#runStart + (strong ? 45 : 15) * SECOND;
      // The wall sits at the level on the defending side, or at the touch if price is already past it.
      let tick = d > 0 ? Math.ceil(anchor.level - 1e-9) : Math.floor(anchor.level + 1e-9);
      if (d > 0 && tick <= bestBid) tick = bestAsk;
      if (d < 0 && tick >= bestAsk) tick = bestBid;
      const size = Math.round(strong ? rng.uniform(600, 1500) : rng.uniform(150, 500));
      c.wallSide = d;
      c.wallTick = tick;
      c.wallSize = size;
      if (d > 0) c.clampHi = tick - 0.5;
      else c.clampLo = tick + 0.5;
      this.actions.push({ kind: 'wall', side: d, tick, size });
    }
  }

  #dropWall(): void {
    const c = this.#control;
    c.wallSide = 0;
    c.clampHi = Infinity;
    c.clampLo = -Infinity;
  }

  #enterCool(t: number): void {
    this.#phase = COOL;
    this.#coolStart = t;
    this.#coolEnd = t + (this.#strong ? this.#rng.uniform(8, 15) : this.#rng.uniform(1, 3)) * MINUTE;
    this.#minorAfter = this.#coolEnd + this.#rng.uniform(2, 10) * MINUTE;
    this.#dropWall();
    if (this.#strong) {
      this.#queue.shift();
      const next = this.#queue[0];
      if (next) next.earliest = this.#coolEnd + next.gap;
    }
  }
}
