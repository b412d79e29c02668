/**
 * The latent (efficient) price of the ES futures model: intraday activity and volatility profiles (U-shape),
 * a two-component GARCH volatility state with Student-t innovations, and the annualised volatility scale.
 * See MODEL.md §1–§2 (Bollerslev 1986; Engle & Lee 1999; Andersen & Bollerslev 1997; Cont 2001).
 *
 * @module
 */
import type { Rng } from '../rng.js';

/** Trading-time year in seconds (252 days × 6.5 h), the spec's `YEAR_SECONDS`. */
export const YEAR_SECONDS = 5_896_800;
/** Degrees of freedom of the Student-t innovations (fat tails, finite variance). */
export const INNOVATION_NU = 5;
/** Long-run annualised volatility that the daily volatility state reverts to. */
export const LONG_RUN_VOL = 0.15;

/**
 * Relative message activity at `m` minutes from the 09:30 ET open (negative before it): a quiet premarket
 * rising into the 08:30 data releases, a spike at the open decaying over ~20 minutes, a lunch trough and a
 * rise into the 16:00 close (Andersen & Bollerslev 1997; Admati & Pfleiderer 1988). RTH mean ≈ 1.
 *
 * @example
 * ```ts
 * activityProfile(0); // ≈ 3.1 at the open
 * activityProfile(180); // ≈ 0.5 at 12:30
 * ```
 */
export function activityProfile(m: number): number {
  if (m < -330) return 0.15;
  if (m < 0) {
    let a = 0.2;
    if (m > -150) a += (0.22 * (m + 150)) / 150;
    if (m >= -60) a += 0.5 * Math.exp(-(m + 60) / 9);
    return a;
  }
  if (m < 390) {
    const z = (m - 180) / 55;
    return 0.7 + 2.4 * Math.exp(-m / 20) - 0.2 * Math.exp(-z * z) + 0.7 * Math.exp(-(390 - m) / 22);
  }
  return 0.25;
}

/** Relative volatility at `m` minutes from the open: the activity profile to the power 0.8 (the volume–volatility
 * relation of Clark 1973 and Tauchen & Pitts 1983), scaled so that 1 ≈ the RTH average. */
export function volatilityProfile(m: number): number {
  return 0.56 * activityProfile(m) ** 0.8;
}

/** Relative book depth at `m` minutes from the open: thin premarket, full in RTH. */
export function depthProfile(m: number): number {
  if (m < -60) return 0.42;
  if (m < 0) return 0.42 + (0.25 * (m + 60)) / 60;
  if (m < 10) return 0.67 + (0.33 * m) / 10;
  return 1;
}

/**
 * Volatility state: the product of a fast (half-life ≈ 4 min) and a slow (half-life ≈ 1 h) GARCH(1,1)
 * multiplier, each of unit mean, fed by the standardised one-second return. Two components approximate the
 * slowly decaying autocorrelation of absolute returns (Engle & Lee 1999; Cont 2001 fact 8).
 */
export class VolatilityState {
  /** Fast component. */
  fast = 1;
  /** Slow component. */
  slow = 1;

  /** The variance multiplier h = fast × slow. */
  get h(): number {
    return this.fast * this.slow;
  }

  /** Updates with the squared standardised return of the last second (capped, so one jump cannot explode h). */
  update(z2: number): void {
    const x = Math.min(z2, 40);
    this.fast = 0.003 + 0.026 * x * this.fast + 0.971 * this.fast;
    this.slow = 0.0002 + 0.0024 * x * this.slow + 0.9974 * this.slow;
    this.fast = Math.min(this.fast, 12);
    this.slow = Math.min(Math.max(this.slow, 0.25), 4);
  }
}

/** Per-second standard deviation in points of a price at an annualised volatility. */
export function sigmaPerSecond(price: number, annualVol: number): number {
  return (price * annualVol) / Math.sqrt(YEAR_SECONDS);
}

/** One Student-t innovation of unit variance. */
export function innovation(rng: Rng): number {
  return rng.studentT(INNOVATION_NU);
}
