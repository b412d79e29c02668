/**
 * ScoreEngine — engines spec §7 (component scores §7.1, composite §7.2, per-level trigger state machine §7.3
 * [D18], confidence §7.4).
 *
 * Pure and deterministic: no I/O, no clock, no randomness. "Now" is the snap time `t` passed in. Timers are
 * exact integer ns. {@link ScoreEngine.evaluate} can write into a caller-owned result, so a snap allocates no
 * objects (a bigint is allocated only when an entry timer starts).
 *
 * @module
 */
import {
  type BarrierState,
  type Confidence,
  type Config,
  DEFAULT_CONFIG,
  type Direction,
  type FuelEffect,
  type SignalClass,
  type SweepDirection,
} from '@spymaster/schemas';
import { secondsToNs } from './internal/ns';

/** The parameters the ScoreEngine reads (spec §7 parameter table). */
export type ScoreParams = Pick<
  Config,
  | 'w_L'
  | 'w_H'
  | 'w_T'
  | 'TAPE_VELOCITY_NORM'
  | 'BREAK_SCORE_THRESHOLD'
  | 'BOUNCE_SCORE_THRESHOLD'
  | 'BREAK_RELEASE'
  | 'BOUNCE_RELEASE'
  | 'TRIGGER_HOLD_TIME'
  | 'CHOP_BAND'
  | 'CHOP_MIN_TAPE_VOLUME'
  | 'MONITOR_BAND'
  | 'TOUCH_BAND'
  | 'CONF_HIGH'
  | 'CONF_MEDIUM'
>;

/** The fields of `BarrierMetrics` (§2) that §7 reads. */
export interface BarrierScoreInput {
  /** Barrier state. */
  readonly state: BarrierState;
  /** Barrier confidence in [0, 1]. */
  readonly confidence: number;
}

/** The fields of `TapeMetrics` (§3) that §7 reads. */
export interface TapeScoreInput {
  /** OLS price slope, pt/s (positive = rising). */
  readonly velocity: number;
  /** Signed aggressor imbalance in [−1, 1]. */
  readonly imbalance: number;
  /** Sweep detection. */
  readonly sweep: {
    /** A qualifying sweep cluster exists. */
    readonly detected: boolean;
    /** Its direction; `NONE` when not detected. */
    readonly direction: SweepDirection;
  };
  /** Aggressive buy volume near the level, contracts. */
  readonly buy_vol: number;
  /** Aggressive sell volume near the level, contracts. */
  readonly sell_vol: number;
  /** Tape confidence in [0, 1]. */
  readonly confidence: number;
}

/** The fields of `FuelMetrics` (§4) that §7 reads. */
export interface FuelScoreInput {
  /** Dealer hedging effect. */
  readonly effect: FuelEffect;
  /** Fuel confidence in [0, 1]. */
  readonly confidence: number;
}

/** Everything §7 needs for one level at one snap. */
export interface ScoreInput {
  /** Barrier metrics of the level. */
  readonly barrier: BarrierScoreInput;
  /** Tape metrics of the level. */
  readonly tape: TapeScoreInput;
  /** Fuel metrics of the level. */
  readonly fuel: FuelScoreInput;
  /** Break direction: `UP` for RESISTANCE, `DOWN` for SUPPORT. */
  readonly direction: Direction;
  /** `|spot − L|`, pt. */
  readonly distance: number;
  /** Snap time, ns since the Unix epoch. */
  readonly t: bigint;
}

/** The three component scores, each in [0, 100]. */
export interface ScoreComponents {
  /** `S_L`, from the barrier state. */
  liquidity: number;
  /** `S_H`, from the fuel effect. */
  hedge: number;
  /** `S_T`, from sweep, velocity and imbalance in the break direction. */
  tape: number;
}

/** Output of the ScoreEngine for one level at one snap (spec §7 `CompositeScore`). */
export interface CompositeScore {
  /** Composite `S` in [0, 100]. */
  break_score_raw: number;
  /** Component scores. */
  components: ScoreComponents;
  /** Signal class after the trigger state machine. */
  signal: SignalClass;
  /** Confidence tier. */
  confidence: Confidence;
}

/** A fresh {@link CompositeScore} (score 0, NEUTRAL, LOW) to reuse as the `out` of {@link ScoreEngine.evaluate}. */
export function createCompositeScore(): CompositeScore {
  return { break_score_raw: 0, components: { liquidity: 0, hedge: 0, tape: 0 }, signal: 'NEUTRAL', confidence: 'LOW' };
}

/**
 * Liquidity score `S_L` of a barrier state (§7.1): VACUUM 100, WEAK 75, CONSUMED 60, NEUTRAL 50,
 * ABSORPTION 0, WALL 0.
 *
 * @example
 * ```ts
 * liquidityScore('WEAK'); // 75
 * ```
 */
export function liquidityScore(state: BarrierState): number {
  switch (state) {
    case 'VACUUM':
      return 100;
    case 'WEAK':
      return 75;
    case 'CONSUMED':
      return 60;
    case 'NEUTRAL':
      return 50;
    case 'ABSORPTION':
      return 0;
    case 'WALL':
      return 0;
  }
}

/**
 * Hedge score `S_H` of a fuel effect (§7.1): AMPLIFY 100, NEUTRAL 50, DAMPEN 0, whatever the direction.
 *
 * @example
 * ```ts
 * hedgeScore('AMPLIFY'); // 100
 * ```
 */
export function hedgeScore(effect: FuelEffect): number {
  switch (effect) {
    case 'AMPLIFY':
      return 100;
    case 'NEUTRAL':
      return 50;
    case 'DAMPEN':
      return 0;
  }
}

/**
 * Tape score `S_T` (§7.1): 100 for a sweep in the break direction, otherwise
 * `25·min(1, |velocity|/norm)·1[d·velocity > 0] + 25·|imbalance|·1[d·imbalance > 0]` with `d = ±1` for UP/DOWN.
 *
 * @param velocityNorm `TAPE_VELOCITY_NORM`, pt/s.
 * @example
 * ```ts
 * tapeScore({ velocity: 0.25, imbalance: 0.6, sweep: { detected: false, direction: 'NONE' } }, 'UP', 0.5); // 27.5
 * ```
 */
export function tapeScore(
  tape: Pick<TapeScoreInput, 'velocity' | 'imbalance' | 'sweep'>,
  direction: Direction,
  velocityNorm: number,
): number {
  if (tape.sweep.detected && tape.sweep.direction === direction) return 100;
  const d = direction === 'UP' ? 1 : -1;
  let s = 0;
  if (d * tape.velocity > 0) s += 25 * Math.min(1, Math.abs(tape.velocity) / velocityNorm);
  if (d * tape.imbalance > 0) s += 25 * Math.abs(tape.imbalance);
  return s;
}

/**
 * Composite break score (§7.2): `clamp(w_L·S_L + w_H·S_H + w_T·S_T, 0, 100)`, summed left to right.
 *
 * @example
 * ```ts
 * compositeScore(100, 100, 27.5, DEFAULT_CONFIG); // 85.5 (S-1)
 * ```
 */
export function compositeScore(
  liquidity: number,
  hedge: number,
  tape: number,
  weights: Pick<Config, 'w_L' | 'w_H' | 'w_T'>,
): number {
  const s = weights.w_L * liquidity + weights.w_H * hedge + weights.w_T * tape;
  return Math.min(100, Math.max(0, s));
}

/**
 * Confidence tier (§7.4): mean `c̄` of the three engine confidences; HIGH if `c̄ ≥ CONF_HIGH`, MEDIUM if
 * `c̄ ≥ CONF_MEDIUM`, else LOW.
 *
 * @example
 * ```ts
 * confidenceTier(0.54, 0.044, 1.0, DEFAULT_CONFIG); // 'MEDIUM' (S-6, c̄ = 0.528)
 * ```
 */
export function confidenceTier(
  barrier: number,
  tape: number,
  fuel: number,
  params: Pick<Config, 'CONF_HIGH' | 'CONF_MEDIUM'>,
): Confidence {
  const c = (barrier + tape + fuel) / 3;
  if (c >= params.CONF_HIGH) return 'HIGH';
  if (c >= params.CONF_MEDIUM) return 'MEDIUM';
  return 'LOW';
}

/** A snap time that went backwards for one level's trigger machine. */
export class ScoreTimeError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/engines/ScoreTimeError');
  /** Rejected snap time, ns. */
  readonly t: bigint;
  /** Previous snap time of the machine, ns. */
  readonly last_t: bigint;
  constructor(t: bigint, last_t: bigint) {
    super(
      `trigger machine stepped at ${t} ns after ${last_t} ns; snap times must be non-decreasing (reset the level first)`,
    );
    this.name = 'ScoreTimeError';
    this.t = t;
    this.last_t = last_t;
  }
  /** True for a `ScoreTimeError` from any copy of this package. */
  static is(error: unknown): error is ScoreTimeError {
    return (
      error instanceof Error &&
      (error as { constructor?: { brand?: symbol } }).constructor?.brand === ScoreTimeError.brand
    );
  }
}

/**
 * The per-level trigger state machine of §7.3 [D18]: entry needs `hi` (`S > BREAK_SCORE_THRESHOLD` while
 * monitored) or `lo` (`S < BOUNCE_SCORE_THRESHOLD` while touching) on every snap for `TRIGGER_HOLD_TIME`
 * (exact ns); BREAK is held while `S ≥ BREAK_RELEASE` and monitored, BOUNCE while `S ≤ BOUNCE_RELEASE` and
 * monitored; CHOP for a monitored, CONSUMED level with `S` in `CHOP_BAND` and enough tape volume.
 *
 * @example
 * ```ts
 * const m = new TriggerMachine(DEFAULT_CONFIG);
 * m.step(T0, 85.5, 3, 'VACUUM', 200); // 'NEUTRAL' (timer starts)
 * m.step(T0 + 3_000_000_000n, 85.5, 3, 'VACUUM', 200); // 'BREAK' (held 3 s; snaps in between omitted here)
 * ```
 */
export class TriggerMachine {
  readonly #p: ScoreParams;
  readonly #holdNs: bigint;
  #signal: SignalClass = 'NEUTRAL';
  #highSince: bigint | null = null;
  #lowSince: bigint | null = null;
  #highDue: bigint | null = null;
  #lowDue: bigint | null = null;
  #lastT: bigint | null = null;

  /** @param params the §7 parameters; defaults to the spec's defaults. */
  constructor(params: ScoreParams = DEFAULT_CONFIG) {
    this.#p = params;
    this.#holdNs = secondsToNs(params.TRIGGER_HOLD_TIME);
  }

  /**
   * Advance the machine to snap `t` and return the signal. Positional arguments keep the per-snap path free
   * of allocations.
   *
   * @param t snap time, ns.
   * @param s raw composite score `S`.
   * @param distance `|spot − L|`, pt.
   * @param barrierState barrier state (CHOP needs CONSUMED).
   * @param tapeVolume `buy_vol + sell_vol`, contracts (CHOP needs at least `CHOP_MIN_TAPE_VOLUME`).
   * @throws {@link ScoreTimeError} if `t` is before the previous snap (state unchanged).
   */
  step(t: bigint, s: number, distance: number, barrierState: BarrierState, tapeVolume: number): SignalClass {
    const p = this.#p;
    if (this.#lastT !== null && t < this.#lastT) throw new ScoreTimeError(t, this.#lastT);
    this.#lastT = t;
    const monitored = distance <= p.MONITOR_BAND;
    const touching = distance <= p.TOUCH_BAND;
    const hi = s > p.BREAK_SCORE_THRESHOLD && monitored;
    const lo = s < p.BOUNCE_SCORE_THRESHOLD && touching;
    if (!hi) {
      this.#highSince = null;
      this.#highDue = null;
    } else if (this.#highSince === null) {
      this.#highSince = t;
      this.#highDue = t + this.#holdNs;
    }
    if (!lo) {
      this.#lowSince = null;
      this.#lowDue = null;
    } else if (this.#lowSince === null) {
      this.#lowSince = t;
      this.#lowDue = t + this.#holdNs;
    }
    const prev = this.#signal;
    let next: SignalClass;
    if (hi && this.#highDue !== null && t >= this.#highDue) next = 'BREAK';
    else if (lo && this.#lowDue !== null && t >= this.#lowDue) next = 'BOUNCE';
    else if (prev === 'BREAK' && s >= p.BREAK_RELEASE && monitored) next = 'BREAK';
    else if (prev === 'BOUNCE' && s <= p.BOUNCE_RELEASE && monitored) next = 'BOUNCE';
    else if (
      monitored &&
      s >= p.CHOP_BAND[0] &&
      s <= p.CHOP_BAND[1] &&
      barrierState === 'CONSUMED' &&
      tapeVolume >= p.CHOP_MIN_TAPE_VOLUME
    )
      next = 'CHOP';
    else next = 'NEUTRAL';
    this.#signal = next;
    return next;
  }

  /** The signal of the last step (NEUTRAL initially and after a reset). */
  get signal(): SignalClass {
    return this.#signal;
  }

  /** Start of the current continuous `hi` run, ns, or null. */
  get high_since(): bigint | null {
    return this.#highSince;
  }

  /** Start of the current continuous `lo` run, ns, or null. */
  get low_since(): bigint | null {
    return this.#lowSince;
  }

  /** Back to NEUTRAL with both timers null (role change or trade-date rollover, §7.3). */
  reset(): void {
    this.#signal = 'NEUTRAL';
    this.#highSince = null;
    this.#lowSince = null;
    this.#highDue = null;
    this.#lowDue = null;
    this.#lastT = null;
  }
}

interface LevelState {
  readonly machine: TriggerMachine;
  direction: Direction;
}

/**
 * ScoreEngine (§7): per level id, component scores, composite `break_score_raw`, a {@link TriggerMachine} and
 * the confidence tier. A level's machine is reset automatically when its break direction changes (the
 * direction is a function of the role, so this is the role-change reset of §7.3); call
 * {@link ScoreEngine.resetLevel} or {@link ScoreEngine.reset} for explicit role changes and rollover.
 *
 * @example
 * ```ts
 * const engine = new ScoreEngine(DEFAULT_CONFIG);
 * const out = createCompositeScore();
 * engine.evaluate('PM_HIGH', { barrier, tape, fuel, direction: 'UP', distance: 3, t }, out);
 * out.break_score_raw; // e.g. 85.5
 * out.signal; // 'NEUTRAL' until S > 80 has held for 3 s
 * ```
 */
export class ScoreEngine {
  readonly #p: ScoreParams;
  readonly #levels = new Map<string, LevelState>();

  /** @param params the §7 parameters; defaults to the spec's defaults. */
  constructor(params: ScoreParams = DEFAULT_CONFIG) {
    this.#p = params;
  }

  /**
   * Score one level at snap `input.t` and step its trigger machine. Writes into `out` (allocated when
   * omitted) and returns it.
   *
   * @throws {@link ScoreTimeError} if `t` is before the level's previous snap.
   */
  evaluate(levelId: string, input: ScoreInput, out: CompositeScore = createCompositeScore()): CompositeScore {
    const p = this.#p;
    let level = this.#levels.get(levelId);
    if (level === undefined) {
      level = { machine: new TriggerMachine(p), direction: input.direction };
      this.#levels.set(levelId, level);
    } else if (level.direction !== input.direction) {
      level.machine.reset();
      level.direction = input.direction;
    }
    const liquidity = liquidityScore(input.barrier.state);
    const hedge = hedgeScore(input.fuel.effect);
    const tape = tapeScore(input.tape, input.direction, p.TAPE_VELOCITY_NORM);
    const s = compositeScore(liquidity, hedge, tape, p);
    const signal = level.machine.step(
      input.t,
      s,
      input.distance,
      input.barrier.state,
      input.tape.buy_vol + input.tape.sell_vol,
    );
    out.break_score_raw = s;
    out.components.liquidity = liquidity;
    out.components.hedge = hedge;
    out.components.tape = tape;
    out.signal = signal;
    out.confidence = confidenceTier(input.barrier.confidence, input.tape.confidence, input.fuel.confidence, p);
    return out;
  }

  /** The trigger machine of a level, or `undefined` if the level was never evaluated. */
  machine(levelId: string): TriggerMachine | undefined {
    return this.#levels.get(levelId)?.machine;
  }

  /** Reset one level's machine (role change, §7.3). */
  resetLevel(levelId: string): void {
    this.#levels.get(levelId)?.machine.reset();
  }

  /** Reset every level (trade-date rollover, §7.3). */
  reset(): void {
    for (const level of this.#levels.values()) level.machine.reset();
  }
}
