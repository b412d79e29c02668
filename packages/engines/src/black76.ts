/**
 * Black-76 pricing, gamma and implied volatility for options on ES futures — engines.md §4.1–4.3
 * (FuelEngine: time to expiry, Black-76, implied vol by bisection).
 *
 * The normal CDF is `N(x) = ½·erfc(−x/√2)` with W. J. Cody's rational Chebyshev approximations of `erfc`
 * (relative accuracy ~1e-16 in each region, including the far tail), never `1 − N(−x)`: deep out-of-the-money
 * 0DTE prices are far below 1e-10 and must keep their relative precision.
 *
 * Pure: no I/O, no clock, no randomness.
 *
 * @module
 */
import type { Config, OptionRight } from '@spymaster/schemas';

// Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969), as in CALERF.
const ERF_A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const ERFC_C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707,
  2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const ERFC_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247,
  3439.3676741437216, 1230.3393548037495,
];
const ERFC_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 6.587491615298378e-4,
  0.016315387137302097,
];
const ERFC_Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];
/** 1/√π. */
const SQRT_PI_INV = 0.5641895835477563;
/** Boundary of Cody's first region. */
const ERF_THRESH = 0.46875;
/** Below this `|x|`, `x²` is negligible in the first region. */
const ERF_XSMALL = 1.11e-16;
/** Above this argument `erfc` underflows (the result would be subnormal); Cody returns 0. */
const ERFC_XBIG = 26.543;
/** √2. */
const SQRT2 = Math.SQRT2;
/** 1/√(2π). */
const INV_SQRT_2PI = 0.3989422804014327;

function c(coefficients: readonly number[], i: number): number {
  return coefficients[i] as number;
}

/** `exp(−y²)` evaluated as `exp(−ŷ²)·exp(−(y−ŷ)(y+ŷ))` with `ŷ = trunc(16y)/16` (Cody), exact-ish for large y. */
function expMinusSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/**
 * `erfc(y)·e^{y²}` for `y > 0.46875` (Cody's second and third regions; the scaled complementary error function).
 */
function erfcScaledTail(y: number): number {
  if (y <= 4) {
    let xnum = c(ERFC_C, 8) * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + c(ERFC_C, i)) * y;
      xden = (xden + c(ERFC_D, i)) * y;
    }
    return (xnum + c(ERFC_C, 7)) / (xden + c(ERFC_D, 7));
  }
  const ysq = 1 / (y * y);
  let xnum = c(ERFC_P, 5) * ysq;
  let xden = ysq;
  for (let i = 0; i < 4; i++) {
    xnum = (xnum + c(ERFC_P, i)) * ysq;
    xden = (xden + c(ERFC_Q, i)) * ysq;
  }
  const r = (ysq * (xnum + c(ERFC_P, 4))) / (xden + c(ERFC_Q, 4));
  return (SQRT_PI_INV - r) / y;
}

/** `1 − erfc(x)` for `|x| ≤ 0.46875` (Cody's first region: `erf(x)` as a rational function of `x²`). */
function erfSmall(x: number): number {
  const y = Math.abs(x);
  const ysq = y > ERF_XSMALL ? y * y : 0;
  let xnum = c(ERF_A, 4) * ysq;
  let xden = ysq;
  for (let i = 0; i < 3; i++) {
    xnum = (xnum + c(ERF_A, i)) * ysq;
    xden = (xden + c(ERF_B, i)) * ysq;
  }
  return (x * (xnum + c(ERF_A, 3))) / (xden + c(ERF_B, 3));
}

/**
 * Complementary error function `erfc(x) = 1 − erf(x)` (W. J. Cody's CALERF), relatively accurate to about 1e-15
 * over the whole range, including the tail where `erfc(x)` is tiny. Returns 0 for `x ≥ 26.543` (underflow), 2
 * for very negative `x`, and NaN for NaN.
 *
 * @example
 * ```ts
 * erfc(0); // 1
 * erfc(5); // 1.5374597944280349e-12
 * ```
 */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= ERF_THRESH) return 1 - erfSmall(x);
  const result = y >= ERFC_XBIG ? 0 : erfcScaledTail(y) * expMinusSquare(y);
  return x < 0 ? 2 - result : result;
}

/**
 * Standard normal CDF `N(x) = ½·erfc(−x/√2)` (engines.md §4.2): ≤ 1e-14 absolute error everywhere and ≤ 1e-13
 * relative error for negative `x` (until `N` becomes subnormal below about `x = −37.5`).
 *
 * In the lower tail the Gaussian factor `e^{−x²/2}` is evaluated from `x` itself (split as in Cody, so the
 * large part of the exponent is exact) instead of from the rounded `x/√2`, which keeps the relative error near
 * 1e-15 even at `x = −37`.
 *
 * @example
 * ```ts
 * normCdf(1); // 0.8413447460685429
 * normCdf(-10); // 7.619853024160527e-24
 * ```
 */
export function normCdf(x: number): number {
  const y = -x / SQRT2;
  if (Math.abs(y) <= ERF_THRESH) return 0.5 - 0.5 * erfSmall(y);
  if (y > 0) {
    // Lower tail: ½·erfcx(y)·e^{−x²/2}, with e^{−x²/2} = e^{−x̂²/2}·e^{−(x−x̂)(x+x̂)/2}, x̂ = trunc(16x)/16 exact.
    const a = -x;
    const ar = Math.trunc(a * 16) / 16;
    const gauss = Math.exp((-ar * ar) / 2) * Math.exp((-(a - ar) * (a + ar)) / 2);
    return 0.5 * erfcScaledTail(y) * gauss;
  }
  return 1 - 0.5 * erfc(-y);
}

/**
 * Standard normal density `φ(x) = e^{−x²/2}/√(2π)`.
 *
 * @example
 * ```ts
 * normPdf(0); // 0.3989422804014327
 * ```
 */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Black-76 price of a European option on a futures contract (engines.md §4.2), in points per option:
 * `call = D_r·[F·N(d1) − K·N(d2)]`, `put = D_r·[K·N(−d2) − F·N(−d1)]`, `D_r = e^{−rT}`.
 * With `σ√T = 0` (expired, or zero vol) the discounted intrinsic value is returned.
 *
 * @param F - futures price (pt, > 0)
 * @param K - strike (pt, > 0)
 * @param T - time to expiry in years (≥ 0)
 * @param sigma - volatility (1/√yr, ≥ 0)
 * @param r - risk-free rate (1/yr), `RISK_FREE_RATE`
 * @param right - `C` or `P`
 *
 * @example
 * ```ts
 * black76Price(6000, 6000, 10800 / 5896800, 0.15, 0.045, 'C'); // ≈ 15.3686
 * ```
 */
export function black76Price(F: number, K: number, T: number, sigma: number, r: number, right: OptionRight): number {
  const dr = Math.exp(-r * T);
  const sqrtT = Math.sqrt(T);
  const sst = sigma * sqrtT;
  if (!(sst > 0)) {
    return right === 'C' ? dr * Math.max(F - K, 0) : dr * Math.max(K - F, 0);
  }
  const d1 = (Math.log(F / K) + (sigma * sigma * T) / 2) / sst;
  const d2 = d1 - sst;
  return right === 'C' ? dr * (F * normCdf(d1) - K * normCdf(d2)) : dr * (K * normCdf(-d2) - F * normCdf(-d1));
}

/**
 * Black-76 delta `∂price/∂F`: `D_r·N(d1)` for a call, `−D_r·N(−d1)` for a put. With `σ√T = 0` the delta of the
 * discounted intrinsic value (at `F = K`: half of it).
 *
 * @example
 * ```ts
 * black76Delta(6000, 6000, 10800 / 5896800, 0.15, 0.045, 'P'); // ≈ −0.4957
 * ```
 */
export function black76Delta(F: number, K: number, T: number, sigma: number, r: number, right: OptionRight): number {
  const dr = Math.exp(-r * T);
  const sst = sigma * Math.sqrt(T);
  if (!(sst > 0)) {
    const itm = F === K ? 0.5 : 1;
    if (right === 'C') return F >= K ? dr * itm : 0;
    return F <= K ? -dr * itm : 0;
  }
  const d1 = (Math.log(F / K) + (sigma * sigma * T) / 2) / sst;
  return right === 'C' ? dr * normCdf(d1) : -dr * normCdf(-d1);
}

/**
 * Black-76 gamma `Γ = D_r·φ(d1)/(F·σ·√T)` in 1/pt (engines.md §4.2), identical for calls and puts. Returns 0
 * when `T ≤ 0` (expired, §4.1), `σ ≤ 0`, or `F`/`K` is not positive.
 *
 * @example
 * ```ts
 * black76Gamma(6000, 6000, 10800 / 5896800, 0.15, 0.045); // ≈ 0.0103568061
 * ```
 */
export function black76Gamma(F: number, K: number, T: number, sigma: number, r: number): number {
  if (!(T > 0 && sigma > 0 && F > 0 && K > 0)) return 0;
  const dr = Math.exp(-r * T);
  const sqrtT = Math.sqrt(T);
  const sst = sigma * sqrtT;
  // ln F − ln K rather than ln(F/K): a grid of many contracts at one F (es.hvl) then shares ln F; the two differ
  // by a few ulps of ln F, ~1e-11 of Γ at the smallest 0DTE σ√T.
  const d1 = (Math.log(F) - Math.log(K) + (sigma * sigma * T) / 2) / sst;
  return (dr * normPdf(d1)) / (F * sigma * sqrtT);
}

/**
 * Time to expiry in years (engines.md §4.1): 0 once `t_ns ≥ expiration_ns` (the contract's Γ is then 0), else
 * `max(expiry − t, T_MIN_S) / YEAR_SECONDS` with the difference in seconds.
 *
 * @param expiration_ns - the contract's expiration instant, ns since the Unix epoch
 * @param t_ns - the snap (or trade) time, ns since the Unix epoch
 * @param config - uses `T_MIN_S` and `YEAR_SECONDS`
 *
 * @example
 * ```ts
 * timeToExpiryYears(1765918800000000000n, 1765908000000000000n, DEFAULT_CONFIG); // 10800 / 5896800
 * ```
 */
export function timeToExpiryYears(
  expiration_ns: bigint,
  t_ns: bigint,
  config: Pick<Config, 'T_MIN_S' | 'YEAR_SECONDS'>,
): number {
  if (t_ns >= expiration_ns) return 0;
  const seconds = Number(expiration_ns - t_ns) / 1e9;
  return Math.max(seconds, config.T_MIN_S) / config.YEAR_SECONDS;
}

/**
 * Input price of an IV solve (engines.md §4.3 step 1): the mid `(bid + ask)/2` when both quotes are present and
 * `bid ≤ ask`, else the trade price.
 *
 * @example
 * ```ts
 * ivInputPrice(15.5, 15.25, 15.45); // 15.35
 * ivInputPrice(15.5, null, 15.45); // 15.5
 * ```
 */
export function ivInputPrice(price: number, bid: number | null | undefined, ask: number | null | undefined): number {
  if (bid != null && ask != null && bid <= ask) return (bid + ask) / 2;
  return price;
}

/**
 * Implied Black-76 volatility by bisection (engines.md §4.3), or `null` when unsolvable.
 *
 * An in-the-money option is solved as its out-of-the-money twin of the other right at the same strike, priced by
 * put–call parity (`call − put = D_r·(F − K)`); calls with `K ≥ F` and puts with `K ≤ F` are solved as they are.
 * With `P_lo`, `P_hi` the model prices at the bracket ends `IV_BOUNDS`, the IV is unsolvable unless
 * `P_lo < P < P_hi`; otherwise `IV_ITERATIONS` halvings of `[lo, hi]` (`m = (lo+hi)/2`; `price(m) < P` ⇒ `lo = m`,
 * else `hi = m`) give `(lo + hi)/2`.
 *
 * @param price - the input price (see {@link ivInputPrice}), pt per option
 * @param F - futures price of the option's underlying at the trade
 * @param K - listed strike
 * @param T - time to expiry in years at the trade (see {@link timeToExpiryYears})
 * @param right - `C` or `P` of the traded option
 * @param config - uses `RISK_FREE_RATE`, `IV_BOUNDS`, `IV_ITERATIONS`
 *
 * @example
 * ```ts
 * impliedVol(15.36, 6000, 6000, 10800 / 5896800, 'C', DEFAULT_CONFIG); // ≈ 0.14995562
 * ```
 */
export function impliedVol(
  price: number,
  F: number,
  K: number,
  T: number,
  right: OptionRight,
  config: Pick<Config, 'RISK_FREE_RATE' | 'IV_BOUNDS' | 'IV_ITERATIONS'>,
): number | null {
  const r = config.RISK_FREE_RATE;
  const dr = Math.exp(-r * T);
  let solveRight: OptionRight = right;
  let target = price;
  if (right === 'C' && K < F) {
    solveRight = 'P';
    target = price - dr * (F - K);
  } else if (right === 'P' && K > F) {
    solveRight = 'C';
    target = price + dr * (F - K);
  }
  let lo = config.IV_BOUNDS[0];
  let hi = config.IV_BOUNDS[1];
  const pLo = black76Price(F, K, T, lo, r, solveRight);
  const pHi = black76Price(F, K, T, hi, r, solveRight);
  if (!(pLo < target && target < pHi)) return null;
  for (let i = 0; i < config.IV_ITERATIONS; i++) {
    const m = (lo + hi) / 2;
    if (black76Price(F, K, T, m, r, solveRight) < target) lo = m;
    else hi = m;
  }
  return (lo + hi) / 2;
}
