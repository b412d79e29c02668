/**
 * KinematicsEngine — engines spec §5 (level-frame position, velocity, acceleration and jerk of the book mid
 * over the windows `KIN_WINDOWS_S`, [D16]).
 *
 * `p(s) = s_L · (midAsOf(s) − L)`; per window `W` with `h = W/3` and samples `p_k = p(t − k·h)`, `k = 0..3`:
 * `v = (p0 − p1)/h`, `a = (p0 − 2p1 + p2)/h²`, `j = (p0 − 3p1 + 3p2 − p3)/h³`; a window with any null sample
 * is null. Outputs never hold −0 (normalized to 0). Sample times are exact integer ns. Pure and stateless: no I/O, no clock, no randomness; the mid
 * history is read through a {@link MidHistoryView}, so a MarketState ring hands it over without copying, and
 * {@link KinematicsEngine.evaluate} can write into a caller-owned result.
 *
 * @module
 */
import { type Config, DEFAULT_CONFIG, KINEMATICS_WINDOW_LABELS } from '@spymaster/schemas';

const NS_PER_S = 1_000_000_000n;

/**
 * Columns of the mid history (§1 state "mid history"): entry `i` is `(ts[i], mid[i])`, entries in
 * non-decreasing `ts`, only valid mids recorded (§1.2 step 6). Both columns have the same length; a logical
 * index `i` maps to element `i % length`, so a ring buffer passes `(head, head + count)` and a plain array
 * passes `(0, length)` — no copy either way (the convention of `TradeView`, §3).
 *
 * @example
 * ```ts
 * const history: MidHistoryView = { ts: BigInt64Array.of(T0), mid: Float64Array.of(5000.25) };
 * ```
 */
export interface MidHistoryView {
  /** `ts_event_ns` of each recorded mid, ns since the Unix epoch. */
  readonly ts: ArrayLike<bigint>;
  /** Recorded mid, pt. */
  readonly mid: ArrayLike<number>;
}

/**
 * `midAsOf(s)` (§1 queries): the last recorded mid with `ts ≤ s` among the logical entries `[from, to)` of
 * `history`, or null if there is none. Binary search, O(log n), no allocation.
 *
 * @example
 * ```ts
 * const h = { ts: [T0], mid: [5000] };
 * midAsOf(h, 0, 1, T0 - 1n); // null
 * midAsOf(h, 0, 1, T0); // 5000
 * ```
 */
export function midAsOf(history: MidHistoryView, from: number, to: number, s: bigint): number | null {
  const cap = history.ts.length;
  // First logical index with ts > s (upper bound); the answer is the entry before it.
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const m = lo + ((hi - lo) >>> 1);
    if ((history.ts[m % cap] ?? 0n) <= s) lo = m + 1;
    else hi = m;
  }
  return lo === from ? null : (history.mid[(lo - 1) % cap] ?? null);
}

/** Window label of the kinematics output (`1m`, `3m`, `5m`, `10m`, `20m`). */
export type KinematicsWindowLabel = (typeof KINEMATICS_WINDOW_LABELS)[number];

/** Derivatives of the level-frame position over one window (§5 outputs). */
export interface KinematicsWindow {
  /** Velocity, pt/s (positive = moving toward / through the level in its break direction). */
  velocity: number;
  /** Acceleration, pt/s². */
  acceleration: number;
  /** Jerk, pt/s³. */
  jerk: number;
}

/** `Kinematics` (§5 outputs): position and one entry per window, null while a sample is missing. */
export interface Kinematics {
  /** Level-frame position `p(t) = s_L·(mid(t) − L)`, pt, or null without a valid mid. */
  position: number | null;
  /** Per window, or null if any of its four samples is null. */
  windows: Record<KinematicsWindowLabel, KinematicsWindow | null>;
}

/**
 * A fresh, all-null {@link Kinematics} result (the "no valid mid yet" output).
 *
 * @example
 * ```ts
 * const out = emptyKinematics(); // { position: null, windows: { '1m': null, ... } }
 * ```
 */
export function emptyKinematics(): Kinematics {
  return { position: null, windows: { '1m': null, '3m': null, '5m': null, '10m': null, '20m': null } };
}

/** Break-direction sign `s_L`: +1 for break direction UP (RESISTANCE), −1 for DOWN (SUPPORT). */
export type BreakSign = 1 | -1;

/** The parameters the KinematicsEngine reads (spec §5 parameter table). */
export type KinematicsParams = Pick<Config, 'KIN_WINDOWS_S' | 'KIN_SAMPLES'>;

/**
 * KinematicsEngine (§5): stateless queries of the mid history at snap time `t`.
 *
 * @example
 * ```ts
 * const kin = new KinematicsEngine();
 * const out = kin.evaluate(history, 0, history.ts.length, T0 + 600_000_000_000n, 5010, 1);
 * out.position; // −5.5
 * out.windows['1m']; // { velocity: 0.1, acceleration: 0.00125, jerk: 0 }
 * ```
 */
export class KinematicsEngine {
  readonly #labels: readonly KinematicsWindowLabel[];
  /** Sample spacing `h = W/3` per window, ns. */
  readonly #hNs: readonly bigint[];
  /** Sample spacing `h = W/3` per window, s. */
  readonly #hS: readonly number[];

  /** @param params `KIN_WINDOWS_S` (fixed [60, 180, 300, 600, 1200] s) and `KIN_SAMPLES` (fixed 4). */
  constructor(params: KinematicsParams = DEFAULT_CONFIG) {
    const windows = params.KIN_WINDOWS_S;
    this.#labels = windows.map((_, i) => KINEMATICS_WINDOW_LABELS[i] ?? '1m');
    // W_s is an integer number of seconds, so W_ns = W_s·10⁹ and h = W_ns/3 are exact integers.
    this.#hNs = windows.map((w) => (BigInt(w) * NS_PER_S) / BigInt(params.KIN_SAMPLES - 1));
    this.#hS = windows.map((w) => w / (params.KIN_SAMPLES - 1));
  }

  /**
   * Kinematics of level `level` (pt) with break sign `breakSign` at snap time `t` (ns), from the logical
   * entries `[from, to)` of `history` (which must include the as-of anchor of the longest window). Writes into
   * `out` if given (reusing its window objects where they exist) and returns it.
   */
  evaluate(
    history: MidHistoryView,
    from: number,
    to: number,
    t: bigint,
    level: number,
    breakSign: BreakSign,
    out: Kinematics = emptyKinematics(),
  ): Kinematics {
    return this.evaluateSamples(this.sampleMids(history, from, to, t), level, breakSign, out);
  }

  /**
   * The mids a snap at `t` reads: `midAsOf(t)` and, per window, `midAsOf(t − k·h)` for `k = 1..3` (null where
   * missing). They do not depend on the level, so a snap samples once and evaluates every level from them.
   *
   * @example
   * ```ts
   * const mids = kin.sampleMids(history, 0, history.ts.length, t);
   * const out = kin.evaluateSamples(mids, 5010, 1);
   * ```
   */
  sampleMids(history: MidHistoryView, from: number, to: number, t: bigint): MidSamples {
    const m0 = midAsOf(history, from, to, t);
    const n = this.#labels.length;
    const mids: (number | null)[] = new Array(3 * n);
    for (let i = 0; i < n; i++) {
      const hNs = this.#hNs[i] ?? 0n;
      const m1 = m0 === null ? null : midAsOf(history, from, to, t - hNs);
      const m2 = m1 === null ? null : midAsOf(history, from, to, t - 2n * hNs);
      const m3 = m2 === null ? null : midAsOf(history, from, to, t - 3n * hNs);
      mids[3 * i] = m1;
      mids[3 * i + 1] = m2;
      mids[3 * i + 2] = m3;
    }
    return { m0, mids };
  }

  /** {@link evaluate} from {@link sampleMids} (the same operations, so the same bits). */
  evaluateSamples(
    samples: MidSamples,
    level: number,
    breakSign: BreakSign,
    out: Kinematics = emptyKinematics(),
  ): Kinematics {
    const m0 = samples.m0;
    // `+ 0` turns −0 into 0 (outputs are compared and serialized; −0 carries no meaning here).
    const p0 = m0 === null ? null : breakSign * (m0 - level) + 0;
    out.position = p0;
    const windows = out.windows;
    for (let i = 0; i < this.#labels.length; i++) {
      const label = this.#labels[i] ?? '1m';
      const h = this.#hS[i] ?? 0;
      const m1 = samples.mids[3 * i] ?? null;
      const m2 = samples.mids[3 * i + 1] ?? null;
      const m3 = samples.mids[3 * i + 2] ?? null;
      if (p0 === null || m1 === null || m2 === null || m3 === null) {
        windows[label] = null;
        continue;
      }
      const p1 = breakSign * (m1 - level);
      const p2 = breakSign * (m2 - level);
      const p3 = breakSign * (m3 - level);
      const w = windows[label] ?? { velocity: 0, acceleration: 0, jerk: 0 };
      w.velocity = (p0 - p1) / h + 0;
      w.acceleration = (p0 - 2 * p1 + p2) / (h * h) + 0;
      w.jerk = (p0 - 3 * p1 + 3 * p2 - p3) / (h * h * h) + 0;
      windows[label] = w;
    }
    return out;
  }
}

/**
 * The level-independent mids of one snap ({@link KinematicsEngine.sampleMids}): `m0 = midAsOf(t)` and, for window
 * `i`, `mids[3i + k − 1] = midAsOf(t − k·h_i)`, `k = 1..3` (null once a sample is missing, and after it).
 */
export interface MidSamples {
  /** `midAsOf(t)`, or null. */
  readonly m0: number | null;
  /** Three samples per window, in `KIN_WINDOWS_S` order. */
  readonly mids: readonly (number | null)[];
}
