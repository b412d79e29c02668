/**
 * Structural levels of the trade date as the market sees them (levels-pipeline-lake.md C, D): premarket and
 * opening-range extremes, SMA_200/SMA_400 of completed 2-minute closes, and the touch-episode state machine
 * per level kind (arming, monitor band 5 pt, touch band 2 pt, 60 s exit dwell). Fed every front-month trade
 * in order; reports each touch anchor so the market model can react to it (walls, vacuums, level events).
 *
 * Times are ns offsets from the window start (exact doubles); prices are integer ticks of 0.25.
 *
 * @module
 */

/** The six level kinds, in priority order (spec README §3). */
export const LEVEL_KINDS = ['PM_HIGH', 'PM_LOW', 'OR_HIGH', 'OR_LOW', 'SMA_200', 'SMA_400'] as const;
/** A level kind. */
export type LevelKind = (typeof LEVEL_KINDS)[number];

/** `MONITOR_BAND` in ticks (5 points). */
export const MONITOR_BAND_TICKS = 20;
/** `TOUCH_BAND` in ticks (2 points). */
export const TOUCH_BAND_TICKS = 8;
/** `EXIT_DWELL_SECONDS` in ns. */
export const EXIT_DWELL_NS = 60e9;
/** `SMA_BAR_S` in ns. */
export const SMA_BAR_NS = 120e9;
/** Closes kept for the SMA levels (`SMA_SLOW_PERIOD`). */
export const MAX_CLOSES = 400;

/** A touch anchor: the first touching trade of an episode (spec D.4). */
export interface LevelAnchor {
  /** Level kind. */
  kind: LevelKind;
  /** Level value at the anchor, ticks (fractional for SMA levels). */
  level: number;
  /** Break direction: +1 (UP, approached from below) or −1 (DOWN). */
  direction: 1 | -1;
  /** Anchor time, ns offset. */
  t: number;
  /** Anchor trade price, ticks. */
  price: number;
}

/** Window offsets (ns from the window start) the tracker needs. */
export interface LevelClock {
  /** Start of the window as epoch ns modulo 120 s (aligns 2-minute buckets with the epoch). */
  startMod120: number;
  /** 04:00 ET. */
  pmStart: number;
  /** 09:30 ET. */
  rthStart: number;
  /** 09:45 ET. */
  orEnd: number;
  /** 13:30 ET. */
  rthEnd: number;
}

const IDLE = 0;
const ACTIVE = 1;
const EXITING = 2;

/**
 * Level values and touch episodes from the trades of one trade date.
 *
 * @example
 * ```ts
 * const tracker = new LevelTracker(clock, []);
 * const anchors = tracker.onTrade(t, 24000); // anchors of this trade (usually none)
 * ```
 */
export class LevelTracker {
  readonly #clock: LevelClock;
  /** Completed 2-minute closes (ticks), oldest first; carried ones first. */
  readonly #closes: number[];
  #sum200 = 0;
  #sum400 = 0;
  #bucket = Number.NaN;
  #lastTick = 0;
  #pmHigh = -Infinity;
  #pmLow = Infinity;
  #orHigh = -Infinity;
  #orLow = Infinity;
  readonly #state = new Int8Array(6);
  readonly #lastOut = new Int8Array(6);
  readonly #anchored = new Uint8Array(6);
  readonly #exitT = new Float64Array(6);
  readonly #dir = new Int8Array(6);
  readonly #suppressed = new Uint8Array(6);
  #staticReady = 0;
  readonly #anchors: LevelAnchor[] = [];

  constructor(clock: LevelClock, closes: readonly number[]) {
    this.#clock = clock;
    this.#closes = closes.slice(-MAX_CLOSES);
    const n = this.#closes.length;
    for (let i = 0; i < n; i++) {
      const c = this.#closes[i] as number;
      if (i >= n - 400) this.#sum400 += c;
      if (i >= n - 200) this.#sum200 += c;
    }
  }

  /** The completed closes in ticks (at most 400, oldest first). */
  closes(): number[] {
    return this.#closes.slice(-MAX_CLOSES);
  }

  /** Completes the bar in progress if it ended by `t` (end of day: the window end). */
  finish(t: number): void {
    if (Number.isNaN(this.#bucket)) return;
    const end = (this.#bucket + 1) * SMA_BAR_NS - this.#clock.startMod120;
    if (end <= t) {
      this.#push(this.#lastTick);
      this.#bucket = Number.NaN;
    }
  }

  #push(close: number): void {
    const closes = this.#closes;
    closes.push(close);
    const n = closes.length;
    this.#sum200 += close - (n > 200 ? (closes[n - 201] as number) : 0);
    this.#sum400 += close - (n > 400 ? (closes[n - 401] as number) : 0);
    if (n > 2 * MAX_CLOSES) {
      closes.splice(0, n - MAX_CLOSES);
    }
  }

  /** Value of a level kind at the current time in ticks, or NaN when not available. */
  level(k: number, t: number): number {
    const c = this.#clock;
    switch (k) {
      case 0:
        return t >= c.rthStart && this.#pmHigh > -Infinity ? this.#pmHigh : Number.NaN;
      case 1:
        return t >= c.rthStart && this.#pmLow < Infinity ? this.#pmLow : Number.NaN;
      case 2:
        return t >= c.orEnd && this.#orHigh > -Infinity ? this.#orHigh : Number.NaN;
      case 3:
        return t >= c.orEnd && this.#orLow < Infinity ? this.#orLow : Number.NaN;
      case 4:
        return this.#closes.length >= 200 ? this.#sum200 / 200 : Number.NaN;
      default:
        return this.#closes.length >= 400 ? this.#sum400 / 400 : Number.NaN;
    }
  }

  /** True when kind `k` is suppressed (a static duplicate of a higher-priority level, spec C.4.2). */
  suppressed(k: number): boolean {
    return this.#suppressed[k] === 1;
  }

  /** True when a touch of kind `k` at time `t` would anchor: armed, and no open episode that already has its
   * anchor. */
  ready(k: number, t: number): boolean {
    const s = this.#state[k];
    if (this.#lastOut[k] === 0) return false;
    const open = s === ACTIVE || (s === EXITING && t - (this.#exitT[k] as number) <= EXIT_DWELL_NS);
    return !open || this.#anchored[k] === 0;
  }

  /** Feeds one front-month trade; returns the anchors it made (a reused array, valid until the next call). */
  onTrade(t: number, tick: number): readonly LevelAnchor[] {
    const anchors = this.#anchors;
    anchors.length = 0;
    const c = this.#clock;
    const bucket = Math.floor((t + c.startMod120) / SMA_BAR_NS);
    if (bucket !== this.#bucket) {
      if (!Number.isNaN(this.#bucket)) this.#push(this.#lastTick);
      this.#bucket = bucket;
    }
    this.#lastTick = tick;
    if (t < c.rthStart) {
      if (t >= c.pmStart) {
        if (tick > this.#pmHigh) this.#pmHigh = tick;
        if (tick < this.#pmLow) this.#pmLow = tick;
      }
      return anchors;
    }
    if (t < c.orEnd) {
      if (tick > this.#orHigh) this.#orHigh = tick;
      if (tick < this.#orLow) this.#orLow = tick;
    }
    if (t >= c.rthEnd) return anchors;
    this.#updateSuppression(t);
    for (let k = 0; k < 6; k++) {
      const level = this.level(k, t);
      if (Number.isNaN(level)) continue;
      const x = tick - level;
      const ax = Math.abs(x);
      const monitored = ax <= MONITOR_BAND_TICKS;
      const touching = ax <= TOUCH_BAND_TICKS;
      let state = this.#state[k] as number;
      if (state === EXITING && t - (this.#exitT[k] as number) > EXIT_DWELL_NS) state = IDLE;
      if (!monitored) {
        this.#lastOut[k] = x > 0 ? 1 : -1;
        if (state === ACTIVE) {
          state = EXITING;
          this.#exitT[k] = t;
        }
        this.#state[k] = state;
        continue;
      }
      if (state === IDLE) {
        if (this.#lastOut[k] === 0) {
          this.#state[k] = IDLE;
          continue;
        }
        state = ACTIVE;
        this.#anchored[k] = 0;
        this.#dir[k] = this.#lastOut[k] === -1 ? 1 : -1;
      } else if (state === EXITING) {
        state = ACTIVE;
      }
      this.#state[k] = state;
      if (touching && this.#anchored[k] === 0) {
        this.#anchored[k] = 1;
        if (this.#suppressed[k] === 0) {
          anchors.push({
            kind: LEVEL_KINDS[k] as LevelKind,
            level,
            direction: this.#dir[k] === 1 ? 1 : -1,
            t,
            price: tick,
          });
        }
      }
    }
    return anchors;
  }

  #updateSuppression(t: number): void {
    const ready = (t >= this.#clock.rthStart ? 1 : 0) + (t >= this.#clock.orEnd ? 1 : 0);
    if (ready === this.#staticReady) return;
    this.#staticReady = ready;
    for (let k = 1; k < 4; k++) {
      const v = this.level(k, t);
      if (Number.isNaN(v)) continue;
      for (let j = 0; j < k; j++) if (this.level(j, t) === v) this.#suppressed[k] = 1;
    }
  }
}
