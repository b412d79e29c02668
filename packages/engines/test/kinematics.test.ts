/**
 * KinematicsEngine — engines spec §5: examples K-1, K-2 and the properties (polynomial paths, sign flip,
 * translation invariance, monotone window availability, null windows before enough history, determinism,
 * causality, ring views).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BreakSign,
  emptyKinematics,
  type Kinematics,
  KinematicsEngine,
  type KinematicsWindowLabel,
  type MidHistoryView,
  midAsOf,
} from '../src/kinematics.js';

const T0 = 1_765_895_400_000_000_000n;
const S = 1_000_000_000n;
const LABELS: readonly KinematicsWindowLabel[] = ['1m', '3m', '5m', '10m', '20m'];
const WINDOWS_S = [60, 180, 300, 600, 1200] as const;

function expectClose(actual: number, expected: number): void {
  const tol = Math.max(1e-9 * Math.abs(expected), 1e-12);
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

function history(ts: readonly bigint[], mid: readonly number[]): MidHistoryView {
  return { ts: BigInt64Array.from(ts), mid: Float64Array.from(mid) };
}

const engine = new KinematicsEngine();
function evalAll(h: MidHistoryView, t: bigint, level: number, sign: BreakSign): Kinematics {
  return engine.evaluate(h, 0, h.ts.length, t, level, sign);
}

// Example book events of §5 (mid per record): T0+400 s … T0+599.5 s.
const EX = history(
  [T0 + 400n * S, T0 + 539n * S, T0 + 555n * S, T0 + 575n * S, T0 + 599n * S + 500_000_000n],
  [4998.0, 5000.0, 5001.0, 5002.5, 5004.5],
);
const T_EX = T0 + 600n * S;

describe('KinematicsEngine examples (§5)', () => {
  it('K-1: RESISTANCE at 5010 (s_L = +1)', () => {
    const k = evalAll(EX, T_EX, 5010, 1);
    expect(k.position).toBe(-5.5);
    const w1 = k.windows['1m'];
    expect(w1).not.toBeNull();
    expectClose(w1?.velocity ?? Number.NaN, 0.1);
    expectClose(w1?.acceleration ?? Number.NaN, 0.00125);
    expect(w1?.jerk).toBe(0);
    const w3 = k.windows['3m'];
    expectClose(w3?.velocity ?? Number.NaN, 0.075);
    expectClose(w3?.acceleration ?? Number.NaN, 2.5 / 3600);
    expectClose(w3?.jerk ?? Number.NaN, 0.5 / 216000);
    // The spec prints these as 0.00069444444 and 2.3148148e-6 (rounded); the exact values are 2.5/3600, 0.5/216000.
    expect(k.windows['5m']).toBeNull();
    expect(k.windows['10m']).toBeNull();
    expect(k.windows['20m']).toBeNull();
  });

  it('K-2: SUPPORT at 4995 (s_L = −1)', () => {
    const k = evalAll(EX, T_EX, 4995, -1);
    expect(k.position).toBe(-9.5);
    const w1 = k.windows['1m'];
    expectClose(w1?.velocity ?? Number.NaN, -0.1);
    expectClose(w1?.acceleration ?? Number.NaN, -0.00125);
    expect(w1?.jerk).toBe(0);
    const w3 = k.windows['3m'];
    expectClose(w3?.velocity ?? Number.NaN, -0.075);
    expectClose(w3?.acceleration ?? Number.NaN, -2.5 / 3600);
    expectClose(w3?.jerk ?? Number.NaN, -0.5 / 216000);
    expect(k.windows['5m']).toBeNull();
    expect(k.windows['10m']).toBeNull();
    expect(k.windows['20m']).toBeNull();
  });

  it('no valid mid yet: position and every window null', () => {
    expect(evalAll(history([], []), T_EX, 5010, 1)).toStrictEqual(emptyKinematics());
    expect(evalAll(EX, T0 + 399n * S, 5010, 1)).toStrictEqual(emptyKinematics());
  });

  it('midAsOf is the last mid at or before s', () => {
    const n = EX.ts.length;
    expect(midAsOf(EX, 0, n, T0 + 400n * S - 1n)).toBeNull();
    expect(midAsOf(EX, 0, n, T0 + 400n * S)).toBe(4998);
    expect(midAsOf(EX, 0, n, T0 + 554n * S)).toBe(5000);
    expect(midAsOf(EX, 0, n, T0 + 555n * S)).toBe(5001);
    expect(midAsOf(EX, 0, n, T0 + 10_000n * S)).toBe(5004.5);
  });

  it('reuses a caller-owned result (window objects kept, nulls refilled)', () => {
    const out = emptyKinematics();
    engine.evaluate(EX, 0, EX.ts.length, T_EX, 5010, 1, out);
    const w1 = out.windows['1m'];
    engine.evaluate(EX, 0, EX.ts.length, T_EX, 4995, -1, out);
    expect(out.windows['1m']).toBe(w1);
    expect(out).toStrictEqual(evalAll(EX, T_EX, 4995, -1));
    engine.evaluate(EX, 0, EX.ts.length, T0, 4995, -1, out);
    expect(out).toStrictEqual(emptyKinematics());
  });
});

// ---- properties ----------------------------------------------------------------------------------------------

const STEP = 20n * S; // every sample time of every window is a multiple of 20 s before t
const arbT = fc.bigInt({ min: T0, max: T0 + 86_400n * S }).map((x) => x - (x % 250_000_000n));
const arbSign = fc.constantFrom<BreakSign>(1, -1);
const arbLevel = fc.integer({ min: 19_000, max: 21_000 }).map((k) => k * 0.25);

/** History with one mid every 20 s on [t − 1200 s, t], mid(u) = base + 0.25·f(u), u = (s − t)/20 s. */
function polyHistory(t: bigint, base: number, f: (u: number) => number): MidHistoryView {
  const ts: bigint[] = [];
  const mid: number[] = [];
  for (let u = -60; u <= 0; u++) {
    ts.push(t + BigInt(u) * STEP);
    mid.push(base + 0.25 * f(u));
  }
  return history(ts, mid);
}

function windowsOf(k: Kinematics) {
  return LABELS.map((l) => k.windows[l]);
}

describe('KinematicsEngine properties (§5)', () => {
  const arbBase = fc.integer({ min: 19_000, max: 21_000 }).map((k) => k * 0.25);

  it('constant mid: v = a = j = 0 for every available window', () => {
    fc.assert(
      fc.property(arbT, arbBase, arbLevel, arbSign, (t, base, level, sign) => {
        const k = evalAll(
          polyHistory(t, base, () => 0),
          t,
          level,
          sign,
        );
        for (const w of windowsOf(k)) {
          expect(w).not.toBeNull();
          expect(Math.abs(w?.velocity ?? 1) + Math.abs(w?.acceleration ?? 1) + Math.abs(w?.jerk ?? 1)).toBe(0);
        }
      }),
    );
  });

  it('linear path m = α + β·s: v = s_L·β, a = j = 0', () => {
    fc.assert(
      fc.property(arbT, arbBase, fc.integer({ min: -8, max: 8 }), arbLevel, arbSign, (t, base, b, level, sign) => {
        const k = evalAll(
          polyHistory(t, base, (u) => b * u),
          t,
          level,
          sign,
        );
        const beta = (0.25 * b) / 20; // pt/s
        for (const w of windowsOf(k)) {
          expectClose(w?.velocity ?? Number.NaN, sign * beta);
          expect(Math.sign(w?.velocity ?? Number.NaN) === Math.sign(sign * b)).toBe(true);
          expect(Math.abs(w?.acceleration ?? 1)).toBe(0);
          expect(Math.abs(w?.jerk ?? 1)).toBe(0);
        }
      }),
    );
  });

  it('quadratic path: a = 2·s_L·γ, j = 0; cubic path: j = 6·s_L·c₃', () => {
    fc.assert(
      fc.property(arbT, arbBase, fc.integer({ min: -4, max: 4 }), arbLevel, arbSign, (t, base, c, level, sign) => {
        const quad = evalAll(
          polyHistory(t, base, (u) => c * u * u),
          t,
          level,
          sign,
        );
        const gamma = (0.25 * c) / 400; // pt/s²
        for (const w of windowsOf(quad)) {
          expectClose(w?.acceleration ?? Number.NaN, 2 * sign * gamma);
          expect(Math.abs(w?.jerk ?? 1)).toBe(0);
        }
        const cubic = evalAll(
          polyHistory(t, base, (u) => c * u * u * u),
          t,
          level,
          sign,
        );
        const c3 = (0.25 * c) / 8000; // pt/s³
        for (const w of windowsOf(cubic)) expectClose(w?.jerk ?? Number.NaN, 6 * sign * c3);
      }),
    );
  });

  const arbHistory = fc
    .array(fc.record({ dt: fc.bigInt({ min: 0n, max: 400n * S }), tick: fc.integer({ min: 19_000, max: 21_000 }) }), {
      maxLength: 30,
    })
    .map((rows) => {
      const ts: bigint[] = [];
      const mid: number[] = [];
      let at = T0;
      for (const r of rows) {
        at += r.dt;
        ts.push(at);
        mid.push(r.tick * 0.25 + 0.125);
      }
      return { ts, mid };
    });
  const arbSnap = fc.bigInt({ min: T0, max: T0 + 6_000n * S });

  it('flipping s_L negates position, v, a, j', () => {
    fc.assert(
      fc.property(arbHistory, arbSnap, arbLevel, (h, t, level) => {
        const up = evalAll(history(h.ts, h.mid), t, level, 1);
        const down = evalAll(history(h.ts, h.mid), t, level, -1);
        expect(down.position === null ? null : -down.position + 0).toStrictEqual(up.position);
        for (const l of LABELS) {
          const a = up.windows[l];
          const b = down.windows[l];
          expect(b === null).toBe(a === null);
          if (a !== null && b !== null) {
            expect(-b.velocity + 0).toBe(a.velocity);
            expect(-b.acceleration + 0).toBe(a.acceleration);
            expect(-b.jerk + 0).toBe(a.jerk);
          }
        }
      }),
    );
  });

  it('adding a constant to every price and to L changes nothing', () => {
    fc.assert(
      fc.property(
        arbHistory,
        arbSnap,
        arbLevel,
        arbSign,
        fc.integer({ min: -400, max: 400 }),
        (h, t, level, sign, k) => {
          const c = k * 0.25;
          const base = evalAll(history(h.ts, h.mid), t, level, sign);
          const shifted = evalAll(
            history(
              h.ts,
              h.mid.map((m) => m + c),
            ),
            t,
            level + c,
            sign,
          );
          expect(shifted).toStrictEqual(base);
        },
      ),
    );
  });

  it('null windows before enough history; availability is monotone in W', () => {
    fc.assert(
      fc.property(arbHistory, arbSnap, arbLevel, arbSign, (h, t, level, sign) => {
        const k = evalAll(history(h.ts, h.mid), t, level, sign);
        const first = h.ts[0];
        expect(k.position === null).toBe(first === undefined || first > t);
        let seenNull = false;
        LABELS.forEach((l, i) => {
          const w = k.windows[l];
          const need = t - BigInt(WINDOWS_S[i] ?? 0) * S;
          expect(w === null).toBe(first === undefined || first > need);
          if (seenNull) expect(w).toBeNull();
          if (w === null) seenNull = true;
        });
      }),
    );
  });

  it('is deterministic and causal: appending mids after t changes nothing at t', () => {
    fc.assert(
      fc.property(arbHistory, arbSnap, arbLevel, arbSign, arbHistory, (h, t, level, sign, extra) => {
        const upTo = h.ts.findIndex((x) => x > t);
        const cut = upTo < 0 ? h.ts.length : upTo;
        const prefix = history(h.ts.slice(0, cut), h.mid.slice(0, cut));
        const expected = evalAll(prefix, t, level, sign);
        expect(evalAll(prefix, t, level, sign)).toStrictEqual(expected);
        const last = h.ts[cut - 1] ?? T0;
        const later = extra.ts.map((x) => x - T0 + (t > last ? t : last) + 1n);
        const full = history([...h.ts.slice(0, cut), ...later], [...h.mid.slice(0, cut), ...extra.mid]);
        expect(evalAll(full, t, level, sign)).toStrictEqual(expected);
      }),
    );
  });

  it('a ring view (wrapped logical range) gives the same result as the plain arrays', () => {
    fc.assert(
      fc.property(arbHistory, arbSnap, arbLevel, arbSign, fc.nat(), (h, t, level, sign, rot) => {
        const n = h.ts.length;
        const cap = n + 3;
        const head = rot % cap;
        const ts = new BigInt64Array(cap);
        const mid = new Float64Array(cap);
        for (let i = 0; i < n; i++) {
          ts[(head + i) % cap] = h.ts[i] ?? 0n;
          mid[(head + i) % cap] = h.mid[i] ?? 0;
        }
        const ring = engine.evaluate({ ts, mid }, head, head + n, t, level, sign);
        expect(ring).toStrictEqual(evalAll(history(h.ts, h.mid), t, level, sign));
      }),
    );
  });
});
