/**
 * Smoothing — engines spec §8 (EWMA on irregular event time, time constants τ; reset rule [D25]).
 *
 * `y_1 = x_1`; later `Δt = (t_i − t_{i−1}) / 10⁹` s, `α = 1 − exp(−Δt / τ)`, `y_i = y_{i−1} + α·(x_i − y_{i−1})`.
 * `Δt = 0` gives `α = 0` (value unchanged). Pure: no I/O, no clock, no randomness; an update allocates no
 * objects (the only allocation is the engine's own bigint subtraction of the two timestamps).
 *
 * @module
 */
import { type Config, DEFAULT_CONFIG } from '@spymaster/schemas';

const NS_PER_S = 1e9;

/** Why a sample was rejected by an {@link Ewma}. */
export type SmoothingErrorReason = 'time_decreasing' | 'non_finite_value' | 'invalid_tau';

/**
 * A sample an {@link Ewma} cannot accept: a timestamp before the previous one (spec §8 needs non-decreasing
 * `t_i`), a value that is NaN or ±Infinity (outputs never contain them, §0.7), or a τ that is not a positive
 * finite number.
 */
export class SmoothingError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/engines/SmoothingError');
  /** What is wrong. */
  readonly reason: SmoothingErrorReason;
  /** The rejected value (sample value or τ). */
  readonly value: number;
  /** Timestamp of the rejected sample, ns (null for `invalid_tau`). */
  readonly ts_ns: bigint | null;
  /** Timestamp of the previous accepted sample, ns, or null. */
  readonly last_ts_ns: bigint | null;
  constructor(reason: SmoothingErrorReason, value: number, ts_ns: bigint | null, last_ts_ns: bigint | null) {
    super(
      reason === 'time_decreasing'
        ? `Ewma sample at ${ts_ns} ns is before the previous sample at ${last_ts_ns} ns; feed samples in non-decreasing time or reset() first`
        : reason === 'non_finite_value'
          ? `Ewma sample value ${value} at ${ts_ns} ns is not finite; pass a finite number`
          : `Ewma time constant tau = ${value} s is not a positive finite number of seconds`,
    );
    this.name = 'SmoothingError';
    this.reason = reason;
    this.value = value;
    this.ts_ns = ts_ns;
    this.last_ts_ns = last_ts_ns;
  }
  /** True for a `SmoothingError` from any copy of this package. */
  static is(error: unknown): error is SmoothingError {
    return (
      error instanceof Error &&
      (error as { constructor?: { brand?: symbol } }).constructor?.brand === SmoothingError.brand
    );
  }
}

/**
 * Exponentially weighted moving average on irregular event time (spec §8), with time constant τ in seconds
 * (the e-folding time; half-life = τ·ln 2).
 *
 * @example
 * ```ts
 * const ewma = new Ewma(2); // tau_score = 2 s
 * ewma.update(80, T0); // 80 (first sample initialises)
 * ewma.update(100, T0 + 250_000_000n); // 82.350062… (α = 1 − e^(−0.125))
 * ewma.reset(); // empty again: the next sample initialises
 * ```
 */
export class Ewma {
  /** Time constant τ, seconds. */
  readonly tau_s: number;
  #y = 0;
  #last: bigint | null = null;
  #cachedDtNs = -1;
  #cachedAlpha = 0;

  /** @param tau_s time constant τ in seconds (> 0, finite). */
  constructor(tau_s: number) {
    if (!(Number.isFinite(tau_s) && tau_s > 0)) throw new SmoothingError('invalid_tau', tau_s, null, null);
    this.tau_s = tau_s;
  }

  /**
   * Add the sample `(ts_ns, value)` and return the smoothed value after it. Timestamps must be
   * non-decreasing; an equal timestamp leaves the value unchanged (α = 0).
   *
   * @throws {@link SmoothingError} on a decreasing timestamp or a non-finite value (state unchanged).
   */
  update(value: number, ts_ns: bigint): number {
    if (!Number.isFinite(value)) throw new SmoothingError('non_finite_value', value, ts_ns, this.#last);
    const last = this.#last;
    if (last === null) {
      this.#y = value;
      this.#last = ts_ns;
      return value;
    }
    if (ts_ns < last) throw new SmoothingError('time_decreasing', value, ts_ns, last);
    const dtNs = Number(ts_ns - last);
    let alpha: number;
    if (dtNs === this.#cachedDtNs) {
      alpha = this.#cachedAlpha;
    } else {
      const dt_s = dtNs / NS_PER_S;
      alpha = 1 - Math.exp(-dt_s / this.tau_s);
      this.#cachedDtNs = dtNs;
      this.#cachedAlpha = alpha;
    }
    this.#y = this.#y + alpha * (value - this.#y);
    this.#last = ts_ns;
    return this.#y;
  }

  /** The smoothed value after the last sample, or `null` while empty. */
  get value(): number | null {
    return this.#last === null ? null : this.#y;
  }

  /** Timestamp of the last sample, ns, or `null` while empty. */
  get last_ts_ns(): bigint | null {
    return this.#last;
  }

  /** True until the first sample after construction or {@link Ewma.reset}. */
  get isEmpty(): boolean {
    return this.#last === null;
  }

  /** Empty the smoother ([D25]: on a role change and at trade-date rollover); the next sample initialises it. */
  reset(): void {
    this.#y = 0;
    this.#last = null;
  }
}

/** The time constants a {@link SmootherSet} reads (spec §8 parameter table). */
export type SmoothingParams = Pick<
  Config,
  'tau_score' | 'tau_velocity' | 'tau_delta_liq' | 'tau_replenish' | 'tau_dealer_gamma'
>;

/** Names of the five smoothed quantities of spec §8, in the order of its parameter table. */
export const SMOOTHED_QUANTITIES = [
  'break_score',
  'velocity',
  'delta_liq',
  'replenishment_ratio',
  'net_dealer_gamma',
] as const;

/** One of the five smoothed quantities of spec §8. */
export type SmoothedQuantity = (typeof SMOOTHED_QUANTITIES)[number];

/**
 * The five smoothers of one level (spec §8): `break_score_raw` (τ = `tau_score`), `tape.velocity`
 * (`tau_velocity`), `barrier.delta_liq` (`tau_delta_liq`), `barrier.replenishment_ratio` (`tau_replenish`) and
 * `fuel.net_dealer_gamma` (`tau_dealer_gamma`). Reset them together on a role change or rollover ([D25]).
 *
 * @example
 * ```ts
 * const set = new SmootherSet(DEFAULT_CONFIG);
 * const break_score_smooth = set.break_score.update(score.break_score_raw, t);
 * const velocity_smooth = set.velocity.update(tape.velocity, t);
 * set.reset(); // role change
 * ```
 */
export class SmootherSet {
  /** `break_score_raw` → `break_score_smooth`. */
  readonly break_score: Ewma;
  /** `tape.velocity` → `tape.velocity_smooth`. */
  readonly velocity: Ewma;
  /** `barrier.delta_liq` → `barrier.delta_liq_smooth`. */
  readonly delta_liq: Ewma;
  /** `barrier.replenishment_ratio` → `barrier.replenishment_ratio_smooth`. */
  readonly replenishment_ratio: Ewma;
  /** `fuel.net_dealer_gamma` → `fuel.net_dealer_gamma_smooth`. */
  readonly net_dealer_gamma: Ewma;

  /** @param params the five time constants; defaults to the spec's defaults. */
  constructor(params: SmoothingParams = DEFAULT_CONFIG) {
    this.break_score = new Ewma(params.tau_score);
    this.velocity = new Ewma(params.tau_velocity);
    this.delta_liq = new Ewma(params.tau_delta_liq);
    this.replenishment_ratio = new Ewma(params.tau_replenish);
    this.net_dealer_gamma = new Ewma(params.tau_dealer_gamma);
  }

  /** Empty all five smoothers ([D25]). */
  reset(): void {
    this.break_score.reset();
    this.velocity.reset();
    this.delta_liq.reset();
    this.replenishment_ratio.reset();
    this.net_dealer_gamma.reset();
  }
}
