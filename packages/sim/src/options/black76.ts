/**
 * Black-76 pricing of options on futures (engines.md §4.2) with an equity-index volatility smile, and a normal
 * distribution function that stays relatively accurate deep in the tail.
 *
 * `N(x) = ½·erfc(−x/√2)` with W. J. Cody's rational Chebyshev approximations of `erfc` (Math. Comp. 23, 1969;
 * Netlib SPECFUN `CALERF`). In the tail the Gaussian factor `exp(−x²/2)` is evaluated from `x` itself with
 * Cody's split `x² = s² + (x − s)(x + s)` (`s` = `x` truncated to 1/16, so `s²` is exact), never as `1 − N(−x)`:
 * deep out-of-the-money 0DTE prices can be far below 1e-10 and keep full relative precision.
 *
 * Time is trading time: `T = max(expiry − t, 60 s) / YEAR_SECONDS` with a year of 252 × 6.5 h, as the
 * engines use it.
 *
 * @module
 */

/** Seconds in the trading-time year the engines use: 252 days × 6.5 h = 5 896 800 s (engines.md §4). */
export const TRADING_YEAR_SECONDS = 5_896_800;

/** Floor on the remaining time before expiry, seconds (engines.md §4 `T_MIN_S`). */
export const MIN_EXPIRY_SECONDS = 60;

/** Risk-free rate `r` of Black-76 (engines.md §4 `RISK_FREE_RATE`). */
export const OPTION_RISK_FREE_RATE = 0.045;

/** Right of an option: call or put. */
export type OptionRight = 'C' | 'P';

// Cody's coefficients (CALERF, double precision), written as the shortest decimals of the same doubles.
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707,
  2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247,
  3439.3676741437216, 1230.3393548037495,
];
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];
const SQRPI = 0.5641895835477563; // 1/√π
const XSMALL = 1.11e-16;
const XBIG = 26.543; // erfc(x) underflows beyond
const INV_SQRT_2PI = 0.3989422804014327;

function c(coefficients: readonly number[], i: number): number {
  return coefficients[i] as number;
}

/** `erf(y)` for `|y| ≤ 0.46875` (first interval of CALERF). */
function erfSmall(y: number): number {
  const ysq = Math.abs(y) > XSMALL ? y * y : 0;
  let xnum = c(A, 4) * ysq;
  let xden = ysq;
  for (let i = 0; i < 3; i++) {
    xnum = (xnum + c(A, i)) * ysq;
    xden = (xden + c(B, i)) * ysq;
  }
  return (y * (xnum + c(A, 3))) / (xden + c(B, 3));
}

/** `erfc(y)·exp(y²)` for `y > 0.46875` (second and third intervals of CALERF); 0 beyond the underflow bound. */
function erfcRational(y: number): number {
  if (y <= 4) {
    let xnum = c(C, 8) * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + c(C, i)) * y;
      xden = (xden + c(D, i)) * y;
    }
    return (xnum + c(C, 7)) / (xden + c(D, 7));
  }
  const ysq = 1 / (y * y);
  let xnum = c(P, 5) * ysq;
  let xden = ysq;
  for (let i = 0; i < 4; i++) {
    xnum = (xnum + c(P, i)) * ysq;
    xden = (xden + c(Q, i)) * ysq;
  }
  return (SQRPI - (ysq * (xnum + c(P, 4))) / (xden + c(Q, 4))) / y;
}

/** `exp(−a·s²)·exp(−a·(y − s)(y + s))` with `s` = `y` truncated to a multiple of 1/16: `exp(−a·y²)` without the
 * rounding error of `y²` (Cody's split; `s²` is exact). */
function expNegSquare(y: number, a: number): number {
  const s = Math.trunc(y * 16) / 16;
  const del = (y - s) * (y + s);
  return Math.exp(-a * s * s) * Math.exp(-a * del);
}

/**
 * The complementary error function `erfc(x) = 1 − erf(x)`, relatively accurate for large positive `x` (Cody's
 * CALERF, about 1e-16 relative over its range; 0 beyond x ≈ 26.5 where it underflows).
 *
 * @example
 * ```ts
 * erfc(0); // 1
 * erfc(5); // 1.537459794428035e-12
 * ```
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const tail = y >= XBIG ? 0 : expNegSquare(y, 1) * erfcRational(y);
  return x < 0 ? 2 - tail : tail;
}

/**
 * The standard normal distribution function `N(x) = ½·erfc(−x/√2)`; for negative `x` relatively accurate to
 * about 1e-15 down to the underflow near x ≈ −37.5 (engines.md §4.2 asks ≤ 1e-13).
 *
 * @example
 * ```ts
 * normCdf(0); // 0.5
 * normCdf(-10); // 7.619853024160525e-24 (exact: 7.619853024160527e-24)
 * ```
 */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const z = -x * Math.SQRT1_2;
  const y = Math.abs(z);
  if (y <= 0.46875) return 0.5 * (1 - erfSmall(z));
  // ½·erfc(|z|) = ½·exp(−x²/2)·R(|z|): the Gaussian factor from x directly, R is smooth in its argument.
  const tail = y >= XBIG ? 0 : 0.5 * expNegSquare(Math.abs(x), 0.5) * erfcRational(y);
  return x < 0 ? tail : 1 - tail;
}

/**
 * The standard normal density `φ(x)`.
 *
 * @example
 * ```ts
 * normPdf(0); // 0.3989422804014327
 * ```
 */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * expNegSquare(Math.abs(x), 0.5);
}

/**
 * Time to expiry in trading-time years: `max(expiry − t, 60 s) / 5 896 800` (engines.md §4.1); 0 once `t` has
 * reached the expiry (Γ is then 0).
 *
 * @example
 * ```ts
 * yearsToExpiry(etToNs('2025-12-16', '16:00'), etToNs('2025-12-16', '13:00')); // 10800 / 5896800
 * ```
 */
export function yearsToExpiry(expirationNs: bigint, ts: bigint): number {
  if (ts >= expirationNs) return 0;
  return Math.max(Number(expirationNs - ts) / 1e9, MIN_EXPIRY_SECONDS) / TRADING_YEAR_SECONDS;
}

/**
 * Black-76 price of a European option on a futures price `F` (engines.md §4.2):
 * `call = D·[F·N(d1) − K·N(d2)]`, `put = D·[K·N(−d2) − F·N(−d1)]`, `D = e^{−rT}`. With `T ≤ 0` or `σ ≤ 0` the
 * discounted intrinsic value.
 *
 * @param F - futures price (points)
 * @param K - strike (points)
 * @param T - time to expiry (years)
 * @param sigma - volatility (annualised)
 * @param r - risk-free rate
 * @param right - `'C'` or `'P'`
 * @example
 * ```ts
 * black76Price(20, 20, 4 / 12, 0.25, 0.09, 'P'); // 1.1166… (Hull: 1.12)
 * ```
 */
export function black76Price(F: number, K: number, T: number, sigma: number, r: number, right: OptionRight): number {
  const discount = Math.exp(-r * Math.max(T, 0));
  if (!(T > 0) || !(sigma > 0)) return discount * Math.max(0, right === 'C' ? F - K : K - F);
  const v = sigma * Math.sqrt(T);
  const d1 = (Math.log(F / K) + 0.5 * v * v) / v;
  const d2 = d1 - v;
  return right === 'C'
    ? discount * (F * normCdf(d1) - K * normCdf(d2))
    : discount * (K * normCdf(-d2) - F * normCdf(-d1));
}

/**
 * Black-76 delta `∂price/∂F`: `D·N(d1)` for a call, `−D·N(−d1)` for a put.
 *
 * @example
 * ```ts
 * black76Delta(6000, 6000, 0.002, 0.15, 0.045, 'C'); // ≈ 0.5013
 * ```
 */
export function black76Delta(F: number, K: number, T: number, sigma: number, r: number, right: OptionRight): number {
  const discount = Math.exp(-r * Math.max(T, 0));
  if (!(T > 0) || !(sigma > 0)) {
    if (right === 'C') return F > K ? discount : 0;
    return F < K ? -discount : 0;
  }
  const v = sigma * Math.sqrt(T);
  const d1 = (Math.log(F / K) + 0.5 * v * v) / v;
  return right === 'C' ? discount * normCdf(d1) : -discount * normCdf(-d1);
}

/**
 * Black-76 gamma `Γ = D·φ(d1) / (F·σ·√T)`, the same for calls and puts (1/point); 0 with `T ≤ 0` or `σ ≤ 0`.
 *
 * @example
 * ```ts
 * black76Gamma(6000, 6000, 10800 / 5896800, 0.15, 0.045); // 0.0103568061 (engines.md §4 examples)
 * ```
 */
export function black76Gamma(F: number, K: number, T: number, sigma: number, r: number): number {
  if (!(T > 0) || !(sigma > 0)) return 0;
  const v = sigma * Math.sqrt(T);
  const d1 = (Math.log(F / K) + 0.5 * v * v) / v;
  return (Math.exp(-r * T) * normPdf(d1)) / (F * v);
}

/** Shape of the volatility smile around the at-the-money volatility. */
export interface SmileShape {
  /** Slope in standardised log-moneyness `k = ln(K/F)/√T`; negative: puts (low strikes) richer than calls. */
  readonly skew: number;
  /** Curvature in `k` (wings richer than the money). */
  readonly curvature: number;
  /** `|k|` is clipped to this value (keeps the wings finite as `T` → 0). */
  readonly clip: number;
}

/** A smile: the at-the-money volatility and its shape. */
export interface SmileParams extends SmileShape {
  /** At-the-money volatility (annualised, trading-time year). */
  readonly atmVol: number;
}

/** The default equity-index smile: with 6.5 h to expiry a put 100 points below 6000 trades about 1.3× the
 * at-the-money volatility, the call 100 points above about 0.9×. */
export const DEFAULT_SMILE_SHAPE: SmileShape = Object.freeze({ skew: -0.8, curvature: 1.5, clip: 0.6 });

/**
 * Smile volatility `σ(k) = σ_atm·max(0.5, 1 + skew·k + curvature·k²)` with `k = ln(K/F)/√T` clipped to
 * `±clip` (`T` floored at 60 s of trading time).
 *
 * @example
 * ```ts
 * const params = { atmVol: 0.15, ...DEFAULT_SMILE_SHAPE };
 * smileVol(6000, 5900, 0.004, params) > smileVol(6000, 6100, 0.004, params); // true: puts richer
 * ```
 */
export function smileVol(F: number, K: number, T: number, params: SmileParams): number {
  const t = Math.max(T, MIN_EXPIRY_SECONDS / TRADING_YEAR_SECONDS);
  const raw = Math.log(K / F) / Math.sqrt(t);
  const k = Math.max(-params.clip, Math.min(params.clip, raw));
  return params.atmVol * Math.max(0.5, 1 + params.skew * k + params.curvature * k * k);
}
