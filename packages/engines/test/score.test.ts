/** ScoreEngine (engines spec §7): examples S-1…S-8, edge cases and the §7 properties. */
import {
  BARRIER_STATES,
  type BarrierState,
  DEFAULT_CONFIG,
  type Direction,
  FUEL_EFFECTS,
  type FuelEffect,
  type SignalClass,
  type SweepDirection,
} from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompositeScore,
  compositeScore,
  confidenceTier,
  createCompositeScore,
  hedgeScore,
  liquidityScore,
  ScoreEngine,
  type ScoreInput,
  ScoreTimeError,
  type TapeScoreInput,
  TriggerMachine,
  tapeScore,
} from '../src/score.js';
import { registerEngineContract } from './contract.js';

/** Test-vector time base of §0.7: 2025-12-16 09:30:00 ET. */
const T0 = 1_765_895_400_000_000_000n;
const at = (seconds: number): bigint => T0 + BigInt(Math.round(seconds * 1e9));
const SNAP = 250_000_000n;
const HOLD = 3_000_000_000n;

/** §0.7 tolerance: relative 1e-9, absolute 1e-12 near zero. */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-12, 1e-9 * Math.abs(expected)));
}

interface Case {
  barrier: BarrierState;
  fuel: FuelEffect;
  direction: Direction;
  velocity?: number;
  imbalance?: number;
  sweep?: SweepDirection;
  distance?: number;
  volume?: number;
  conf?: readonly [number, number, number];
}

function input(c: Case, t: bigint): ScoreInput {
  const volume = c.volume ?? 0;
  const [cb, ct, cf] = c.conf ?? [0.5, 0.5, 0.5];
  return {
    barrier: { state: c.barrier, confidence: cb },
    tape: {
      velocity: c.velocity ?? 0,
      imbalance: c.imbalance ?? 0,
      sweep: { detected: c.sweep !== undefined && c.sweep !== 'NONE', direction: c.sweep ?? 'NONE' },
      buy_vol: Math.floor(volume / 2),
      sell_vol: volume - Math.floor(volume / 2),
      confidence: ct,
    },
    fuel: { effect: c.fuel, confidence: cf },
    direction: c.direction,
    distance: c.distance ?? 1,
    t,
  };
}

function score(c: Case): CompositeScore {
  return new ScoreEngine(DEFAULT_CONFIG).evaluate('PM_HIGH', input(c, T0));
}

describe('§7 examples', () => {
  it('S-1: VACUUM, AMPLIFY, UP, v +0.25, imb +0.6 ⇒ 100/100/27.5, S = 85.5', () => {
    const out = score({ barrier: 'VACUUM', fuel: 'AMPLIFY', direction: 'UP', velocity: 0.25, imbalance: 0.6 });
    expect(out.components.liquidity).toBe(100);
    expect(out.components.hedge).toBe(100);
    expectClose(out.components.tape, 27.5);
    expectClose(out.break_score_raw, 85.5);
  });

  it('S-2: WALL, DAMPEN, DOWN, v +0.3, imb +0.4 ⇒ S_T = 0, S = 0', () => {
    const out = score({ barrier: 'WALL', fuel: 'DAMPEN', direction: 'DOWN', velocity: 0.3, imbalance: 0.4 });
    expect(out.components).toEqual({ liquidity: 0, hedge: 0, tape: 0 });
    expect(out.break_score_raw).toBe(0);
  });

  it('S-3: NEUTRAL, NEUTRAL, DOWN, sweep DOWN ⇒ S_T = 100, S = 60', () => {
    const out = score({ barrier: 'NEUTRAL', fuel: 'NEUTRAL', direction: 'DOWN', sweep: 'DOWN' });
    expect(out.components).toEqual({ liquidity: 50, hedge: 50, tape: 100 });
    expectClose(out.break_score_raw, 60);
  });

  it('S-4: CONSUMED, NEUTRAL, UP, v +1.0, imb +0.8 ⇒ S_T = 45, S = 53.5', () => {
    const out = score({ barrier: 'CONSUMED', fuel: 'NEUTRAL', direction: 'UP', velocity: 1.0, imbalance: 0.8 });
    expect(out.components.liquidity).toBe(60);
    expect(out.components.hedge).toBe(50);
    expectClose(out.components.tape, 45);
    expectClose(out.break_score_raw, 53.5);
  });

  it('S-5: sweep against the break direction gets no bonus ⇒ S_T = 22.5, S = 44.5', () => {
    const out = score({
      barrier: 'NEUTRAL',
      fuel: 'NEUTRAL',
      direction: 'DOWN',
      sweep: 'UP',
      velocity: -0.2,
      imbalance: -0.5,
    });
    expectClose(out.components.tape, 22.5);
    expectClose(out.break_score_raw, 44.5);
  });

  it('S-6: confidences 0.54, 0.044, 1.0 ⇒ c̄ = 0.528 ⇒ MEDIUM', () => {
    expect(confidenceTier(0.54, 0.044, 1.0, DEFAULT_CONFIG)).toBe('MEDIUM');
    const out = score({ barrier: 'NEUTRAL', fuel: 'NEUTRAL', direction: 'UP', conf: [0.54, 0.044, 1.0] });
    expect(out.confidence).toBe('MEDIUM');
  });

  it('S-7: BREAK trigger with hold and release (VACUUM, distance 3.0, volume 200)', () => {
    const engine = new ScoreEngine(DEFAULT_CONFIG);
    const base = { barrier: 'VACUUM', direction: 'UP', distance: 3.0, volume: 200 } as const;
    const amplify275: Case = { ...base, fuel: 'AMPLIFY', velocity: 0.25, imbalance: 0.6 }; // S_T 27.5
    const amplify0: Case = { ...base, fuel: 'AMPLIFY' }; // S_T 0
    const neutral475: Case = { ...base, fuel: 'NEUTRAL', velocity: 0.5, imbalance: 0.9 }; // S_T 47.5
    const neutral125: Case = { ...base, fuel: 'NEUTRAL', velocity: 0.25 }; // S_T 12.5
    const rows: [number, Case, number, number, SignalClass][] = [];
    for (let k = 0; k <= 3; k++) rows.push([k * 0.25, amplify275, 27.5, 85.5, 'NEUTRAL']);
    rows.push([1.0, amplify0, 0, 80, 'NEUTRAL']);
    for (let k = 5; k <= 16; k++) rows.push([k * 0.25, amplify275, 27.5, 85.5, 'NEUTRAL']);
    rows.push([4.25, amplify275, 27.5, 85.5, 'BREAK']);
    rows.push([4.5, neutral475, 47.5, 72, 'BREAK']);
    rows.push([4.75, neutral125, 12.5, 65, 'NEUTRAL']);
    rows.push([5.0, neutral125, 12.5, 65, 'NEUTRAL']);
    for (const [s, c, tape, total, signal] of rows) {
      const out = engine.evaluate('OR_HIGH', input(c, at(s)));
      expectClose(out.components.tape, tape);
      expectClose(out.break_score_raw, total);
      expect({ t: s, signal: out.signal }).toEqual({ t: s, signal });
      if (s === 1.0) expect(engine.machine('OR_HIGH')?.high_since).toBeNull(); // 80 is not > 80
      if (s === 4.0) expect(engine.machine('OR_HIGH')?.high_since).toBe(at(1.25));
    }
  });

  it('S-8: BOUNCE, release and CHOP (volume 1500)', () => {
    const engine = new ScoreEngine(DEFAULT_CONFIG);
    const wall25: Case = { barrier: 'WALL', fuel: 'DAMPEN', direction: 'DOWN', velocity: -0.5, volume: 1500 };
    const wallAmp0: Case = { barrier: 'WALL', fuel: 'AMPLIFY', direction: 'DOWN', volume: 1500, distance: 1.5 };
    const consumed45: Case = {
      barrier: 'CONSUMED',
      fuel: 'NEUTRAL',
      direction: 'DOWN',
      velocity: -1.0,
      imbalance: -0.8,
      volume: 1500,
      distance: 1.5,
    };
    const rows: [number, Case, number, number, SignalClass][] = [];
    for (let k = 40; k <= 51; k++) rows.push([k * 0.25, { ...wall25, distance: 1.5 }, 25, 5, 'NEUTRAL']);
    rows.push([13.0, { ...wall25, distance: 1.5 }, 25, 5, 'BOUNCE']);
    rows.push([13.25, { ...wall25, distance: 2.25 }, 25, 5, 'BOUNCE']);
    rows.push([13.5, wallAmp0, 0, 35, 'NEUTRAL']);
    rows.push([13.75, consumed45, 45, 53.5, 'CHOP']);
    for (const [s, c, tape, total, signal] of rows) {
      const out = engine.evaluate('PM_LOW', input(c, at(s)));
      expectClose(out.components.tape, tape);
      expectClose(out.break_score_raw, total);
      expect({ t: s, signal: out.signal }).toEqual({ t: s, signal });
    }
  });
});

describe('§7 edge cases and details', () => {
  it('baseline with no data: NEUTRAL barrier, NEUTRAL fuel, no prints ⇒ S = 40', () => {
    expectClose(score({ barrier: 'NEUTRAL', fuel: 'NEUTRAL', direction: 'UP' }).break_score_raw, 40);
  });

  it('component tables of §7.1', () => {
    expect(BARRIER_STATES.map(liquidityScore)).toEqual([100, 0, 60, 0, 75, 50]); // VACUUM WALL CONSUMED ABSORPTION WEAK NEUTRAL
    expect(FUEL_EFFECTS.map(hedgeScore)).toEqual([100, 0, 50]); // AMPLIFY DAMPEN NEUTRAL
  });

  it('velocity sub-score saturates at TAPE_VELOCITY_NORM; a NONE or undetected sweep gives no bonus', () => {
    const tape = (velocity: number, sweep: TapeScoreInput['sweep']) =>
      tapeScore({ velocity, imbalance: 0, sweep }, 'UP', 0.5);
    expect(tape(5, { detected: false, direction: 'NONE' })).toBe(25);
    expect(tape(0.5, { detected: false, direction: 'UP' })).toBe(25);
    expect(tape(0, { detected: true, direction: 'UP' })).toBe(100);
    expect(tape(-0.5, { detected: true, direction: 'DOWN' })).toBe(0);
  });

  it('confidence cut-offs are inclusive and compare the float mean (b + t + f) / 3 exactly as computed', () => {
    expect(confidenceTier(1, 1, 1, DEFAULT_CONFIG)).toBe('HIGH');
    expect(confidenceTier(0.9, 0.7, 0.5, DEFAULT_CONFIG)).toBe('HIGH'); // c̄ = 0.7000000000000001
    expect(confidenceTier(0.4, 0.4, 0.4, DEFAULT_CONFIG)).toBe('MEDIUM'); // c̄ = 0.4000000000000001
    expect(confidenceTier(0.6, 0.6, 0, DEFAULT_CONFIG)).toBe('LOW'); // c̄ = 0.39999999999999997
    // No epsilon: (0.7 + 0.7 + 0.7) / 3 = 0.6999999999999998 < 0.7 in binary64, so MEDIUM (deterministic).
    expect(confidenceTier(0.7, 0.7, 0.7, DEFAULT_CONFIG)).toBe('MEDIUM');
    expect(confidenceTier(0, 0, 0, DEFAULT_CONFIG)).toBe('LOW');
  });

  it('evaluate writes into and returns the given result object', () => {
    const engine = new ScoreEngine();
    const out = createCompositeScore();
    const back = engine.evaluate('SMA_200', input({ barrier: 'VACUUM', fuel: 'AMPLIFY', direction: 'UP' }, T0), out);
    expect(back).toBe(out);
    expect(out.break_score_raw).toBe(80);
  });

  it('the hold time is exact integer ns, also on an irregular snap grid', () => {
    const m = new TriggerMachine(DEFAULT_CONFIG);
    expect(m.step(T0, 90, 1, 'VACUUM', 0)).toBe('NEUTRAL');
    expect(m.step(T0 + HOLD - 1n, 90, 1, 'VACUUM', 0)).toBe('NEUTRAL');
    expect(m.step(T0 + HOLD, 90, 1, 'VACUUM', 0)).toBe('BREAK');
  });

  it('entry thresholds are strict, release thresholds and the CHOP band inclusive', () => {
    const m = new TriggerMachine(DEFAULT_CONFIG);
    expect(m.step(T0, 80, 1, 'VACUUM', 0)).toBe('NEUTRAL');
    expect(m.high_since).toBeNull();
    m.reset();
    expect(m.step(T0, 20, 1, 'WALL', 0)).toBe('NEUTRAL');
    expect(m.low_since).toBeNull();
    // BREAK held at exactly 70, released below.
    m.reset();
    m.step(T0, 81, 4, 'VACUUM', 0);
    expect(m.step(T0 + HOLD, 81, 4, 'VACUUM', 0)).toBe('BREAK');
    expect(m.step(T0 + HOLD + SNAP, 70, 4, 'VACUUM', 0)).toBe('BREAK');
    expect(m.step(T0 + HOLD + 2n * SNAP, 69.99, 4, 'VACUUM', 0)).toBe('NEUTRAL');
    // BOUNCE held at exactly 30 while monitored (not touching), released when no longer monitored.
    m.reset();
    m.step(T0, 19, 2, 'WALL', 0);
    expect(m.step(T0 + HOLD, 19, 2, 'WALL', 0)).toBe('BOUNCE');
    expect(m.step(T0 + HOLD + SNAP, 30, 5, 'WALL', 0)).toBe('BOUNCE');
    expect(m.step(T0 + HOLD + 2n * SNAP, 10, 5.25, 'WALL', 0)).toBe('NEUTRAL');
    // CHOP band [30, 70] inclusive, needs CONSUMED, monitored and CHOP_MIN_TAPE_VOLUME.
    m.reset();
    expect(m.step(T0, 30, 5, 'CONSUMED', 1000)).toBe('CHOP');
    expect(m.step(T0, 70, 5, 'CONSUMED', 1000)).toBe('CHOP');
    expect(m.step(T0, 70.01, 5, 'CONSUMED', 1000)).toBe('NEUTRAL');
    expect(m.step(T0, 50, 5, 'CONSUMED', 999)).toBe('NEUTRAL');
    expect(m.step(T0, 50, 5, 'WEAK', 5000)).toBe('NEUTRAL');
    expect(m.step(T0, 50, 5.01, 'CONSUMED', 5000)).toBe('NEUTRAL');
  });

  it('BREAK is released when the level is no longer monitored, and timers stop', () => {
    const m = new TriggerMachine(DEFAULT_CONFIG);
    m.step(T0, 90, 1, 'VACUUM', 0);
    expect(m.step(T0 + HOLD, 90, 1, 'VACUUM', 0)).toBe('BREAK');
    expect(m.step(T0 + HOLD + SNAP, 90, 5.25, 'VACUUM', 0)).toBe('NEUTRAL');
    expect(m.high_since).toBeNull();
    expect(m.low_since).toBeNull();
  });

  it('BREAK → BOUNCE directly per row 2 when lo has held for the hold time', () => {
    const m = new TriggerMachine({ ...DEFAULT_CONFIG, BREAK_RELEASE: 0 });
    m.step(T0, 90, 1, 'VACUUM', 0);
    expect(m.step(T0 + HOLD, 90, 1, 'VACUUM', 0)).toBe('BREAK');
    expect(m.step(T0 + HOLD + SNAP, 10, 1, 'WALL', 0)).toBe('BREAK'); // held: S ≥ BREAK_RELEASE = 0
    expect(m.step(T0 + 2n * HOLD + SNAP, 10, 1, 'WALL', 0)).toBe('BOUNCE');
  });

  it('a change of break direction (role change) resets the level; reset/resetLevel reset explicitly', () => {
    const engine = new ScoreEngine();
    const hot: Case = { barrier: 'VACUUM', fuel: 'AMPLIFY', direction: 'UP', velocity: 0.5, distance: 1 };
    engine.evaluate('PM_HIGH', input(hot, T0));
    expect(engine.evaluate('PM_HIGH', input(hot, T0 + HOLD)).signal).toBe('BREAK');
    const flipped = engine.evaluate('PM_HIGH', input({ ...hot, direction: 'DOWN', velocity: -0.5 }, T0 + HOLD + SNAP));
    expect(flipped.signal).toBe('NEUTRAL');
    expect(engine.machine('PM_HIGH')?.high_since).toBe(T0 + HOLD + SNAP);
    engine.resetLevel('PM_HIGH');
    expect(engine.machine('PM_HIGH')?.high_since).toBeNull();
    engine.evaluate('PM_LOW', input(hot, T0));
    engine.reset();
    expect(engine.machine('PM_LOW')?.high_since).toBeNull();
    expect(engine.machine('PM_LOW')?.signal).toBe('NEUTRAL');
    expect(engine.machine('SMA_400')).toBeUndefined();
    engine.resetLevel('SMA_400'); // unknown level: no-op
  });

  it('rejects a snap time before the previous one with a structured error', () => {
    const m = new TriggerMachine();
    m.step(at(1), 50, 1, 'NEUTRAL', 0);
    let caught: unknown;
    try {
      m.step(at(0.75), 50, 1, 'NEUTRAL', 0);
    } catch (e) {
      caught = e;
    }
    expect(ScoreTimeError.is(caught)).toBe(true);
    expect((caught as ScoreTimeError).t).toBe(at(0.75));
    expect((caught as ScoreTimeError).last_t).toBe(at(1));
    expect(ScoreTimeError.is(new Error('x'))).toBe(false);
  });
});

// ---- properties ----

const direction = fc.constantFrom<Direction>('UP', 'DOWN');
const barrierState = fc.constantFrom(...BARRIER_STATES);
const fuelEffect = fc.constantFrom(...FUEL_EFFECTS);
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const tapeArb: fc.Arbitrary<TapeScoreInput> = fc.record({
  velocity: fc.double({ min: -1e3, max: 1e3, noNaN: true }),
  imbalance: fc.double({ min: -1, max: 1, noNaN: true }),
  sweep: fc.oneof(
    fc.constant({ detected: false, direction: 'NONE' as SweepDirection }),
    fc.record({ detected: fc.constant(true), direction: fc.constantFrom<SweepDirection>('UP', 'DOWN') }),
  ),
  buy_vol: fc.nat({ max: 3000 }),
  sell_vol: fc.nat({ max: 3000 }),
  confidence: unit,
});
/** One snap's inputs, `t` filled in by the sequence arbitrary. */
const snapArb = fc.record({
  // biased toward the directional states so BREAK and BOUNCE entries (and their releases) are common
  barrier: fc.record({
    state: fc.oneof({ arbitrary: fc.constantFrom<BarrierState>('VACUUM', 'WALL'), weight: 2 }, barrierState),
    confidence: unit,
  }),
  tape: tapeArb,
  fuel: fc.record({
    effect: fc.oneof({ arbitrary: fc.constantFrom<FuelEffect>('AMPLIFY', 'DAMPEN'), weight: 2 }, fuelEffect),
    confidence: unit,
  }),
  direction,
  distance: fc.constantFrom(0, 1.5, 2, 2.25, 5, 5.25, 8),
});
/** A snap sequence on the 250 ms grid with occasional gaps; inputs persist for runs so triggers can fire. */
const snapSeq = fc
  .array(fc.tuple(snapArb, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 2 })), { maxLength: 12 })
  .map((runs) => {
    const out: ScoreInput[] = [];
    let t = T0;
    for (const [snap, len, step] of runs) {
      for (let i = 0; i < len; i++) {
        out.push({ ...snap, t });
        t += BigInt(step) * SNAP;
      }
    }
    return out;
  });

/** Reference model written straight from the §7.3 table (bigint arithmetic, no cached deadlines). */
function referenceSignals(inputs: readonly ScoreInput[]): SignalClass[] {
  const p = DEFAULT_CONFIG;
  let signal: SignalClass = 'NEUTRAL';
  let highSince: bigint | null = null;
  let lowSince: bigint | null = null;
  let dir: Direction | null = null;
  return inputs.map((x) => {
    if (dir !== null && dir !== x.direction) {
      signal = 'NEUTRAL';
      highSince = null;
      lowSince = null;
    }
    dir = x.direction;
    const s = compositeScore(
      liquidityScore(x.barrier.state),
      hedgeScore(x.fuel.effect),
      tapeScore(x.tape, x.direction, p.TAPE_VELOCITY_NORM),
      p,
    );
    const monitored = x.distance <= p.MONITOR_BAND;
    const touching = x.distance <= p.TOUCH_BAND;
    const hi = s > p.BREAK_SCORE_THRESHOLD && monitored;
    const lo = s < p.BOUNCE_SCORE_THRESHOLD && touching;
    highSince = hi ? (highSince ?? x.t) : null;
    lowSince = lo ? (lowSince ?? x.t) : null;
    const hold = BigInt(p.TRIGGER_HOLD_TIME) * 1_000_000_000n;
    if (hi && highSince !== null && x.t - highSince >= hold) signal = 'BREAK';
    else if (lo && lowSince !== null && x.t - lowSince >= hold) signal = 'BOUNCE';
    else if (signal === 'BREAK' && s >= p.BREAK_RELEASE && monitored) signal = 'BREAK';
    else if (signal === 'BOUNCE' && s <= p.BOUNCE_RELEASE && monitored) signal = 'BOUNCE';
    else if (
      monitored &&
      s >= p.CHOP_BAND[0] &&
      s <= p.CHOP_BAND[1] &&
      x.barrier.state === 'CONSUMED' &&
      x.tape.buy_vol + x.tape.sell_vol >= p.CHOP_MIN_TAPE_VOLUME
    )
      signal = 'CHOP';
    else signal = 'NEUTRAL';
    return signal;
  });
}

function runLevel(inputs: readonly ScoreInput[], engine = new ScoreEngine(DEFAULT_CONFIG), id = 'PM_HIGH') {
  return inputs.map((x) => {
    const out = engine.evaluate(id, x);
    return { s: out.break_score_raw, signal: out.signal };
  });
}

describe('§7 properties', () => {
  it('1. S and every component lie in [0, 100]; equal components c give S = c', () => {
    fc.assert(
      fc.property(snapArb, (snap) => {
        const out = new ScoreEngine().evaluate('PM_HIGH', { ...snap, t: T0 });
        for (const v of [out.break_score_raw, out.components.liquidity, out.components.hedge, out.components.tape]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(100);
        }
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), (c) => {
        expectClose(compositeScore(c, c, c, DEFAULT_CONFIG), c);
      }),
    );
  });

  it('2. monotonicity: a higher S_L or S_H never lowers S', () => {
    fc.assert(
      fc.property(barrierState, barrierState, fuelEffect, fuelEffect, tapeArb, direction, (b1, b2, f1, f2, tape, d) => {
        const sT = tapeScore(tape, d, DEFAULT_CONFIG.TAPE_VELOCITY_NORM);
        const s = (b: BarrierState, f: FuelEffect) =>
          compositeScore(liquidityScore(b), hedgeScore(f), sT, DEFAULT_CONFIG);
        if (liquidityScore(b2) >= liquidityScore(b1)) expect(s(b2, f1)).toBeGreaterThanOrEqual(s(b1, f1));
        if (hedgeScore(f2) >= hedgeScore(f1)) expect(s(b1, f2)).toBeGreaterThanOrEqual(s(b1, f1));
      }),
    );
  });

  it('3. direction symmetry: negating velocity, imbalance, sweep and direction leaves S_T unchanged', () => {
    const flip = (d: SweepDirection): SweepDirection => (d === 'UP' ? 'DOWN' : d === 'DOWN' ? 'UP' : 'NONE');
    fc.assert(
      fc.property(tapeArb, direction, (tape, d) => {
        const mirrored = {
          velocity: -tape.velocity,
          imbalance: -tape.imbalance,
          sweep: { detected: tape.sweep.detected, direction: flip(tape.sweep.direction) },
        };
        const other: Direction = d === 'UP' ? 'DOWN' : 'UP';
        expect(tapeScore(mirrored, other, 0.5)).toBe(tapeScore(tape, d, 0.5));
      }),
    );
  });

  it('4. hold time: no BREAK/BOUNCE entry unless hi/lo held on the 13 consecutive snaps of the last 3 s', () => {
    const p = DEFAULT_CONFIG;
    const entries = { BREAK: 0, BOUNCE: 0 };
    fc.assert(
      fc.property(snapSeq, (inputs) => {
        const outs = runLevel(inputs);
        outs.forEach((o, i) => {
          const prev = i === 0 ? 'NEUTRAL' : outs[i - 1]?.signal;
          if (o.signal === prev || (o.signal !== 'BREAK' && o.signal !== 'BOUNCE')) return;
          entries[o.signal]++;
          const x = inputs[i] as ScoreInput;
          const from = x.t - HOLD;
          // every snap in [t − 3 s, t] satisfied the entry condition, and one lies exactly at or before t − 3 s
          let earliest = x.t;
          for (let j = i; j >= 0; j--) {
            const y = inputs[j] as ScoreInput;
            const s = outs[j]?.s as number;
            const cond =
              o.signal === 'BREAK'
                ? s > p.BREAK_SCORE_THRESHOLD && y.distance <= p.MONITOR_BAND
                : s < p.BOUNCE_SCORE_THRESHOLD && y.distance <= p.TOUCH_BAND;
            expect(cond).toBe(true);
            earliest = y.t;
            if (y.t <= from) break;
          }
          expect(earliest <= from).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
    // the property must not pass vacuously
    expect(entries.BREAK).toBeGreaterThan(0);
    expect(entries.BOUNCE).toBeGreaterThan(0);
  });

  it('4b. hold time on the default grid: 12 snaps of hi give nothing, the 13th gives BREAK', () => {
    const m = new TriggerMachine();
    for (let k = 0n; k < 12n; k++) expect(m.step(T0 + k * SNAP, 85, 1, 'VACUUM', 0)).toBe('NEUTRAL');
    expect(m.step(T0 + 12n * SNAP, 85, 1, 'VACUUM', 0)).toBe('BREAK');
  });

  it('the engine matches a reference model of the §7.3 table on random snap sequences', () => {
    fc.assert(
      fc.property(snapSeq, (inputs) => {
        expect(runLevel(inputs).map((o) => o.signal)).toEqual(referenceSignals(inputs));
      }),
      { numRuns: 300 },
    );
  });

  it('5. no signal other than NEUTRAL for a level that is not monitored', () => {
    fc.assert(
      fc.property(snapSeq, (inputs) => {
        runLevel(inputs).forEach((o, i) => {
          if ((inputs[i] as ScoreInput).distance > DEFAULT_CONFIG.MONITOR_BAND) expect(o.signal).toBe('NEUTRAL');
        });
      }),
    );
  });

  it('6. per-level independence: interleaving another level changes nothing', () => {
    fc.assert(
      fc.property(snapSeq, snapSeq, (a, b) => {
        const shared = new ScoreEngine();
        const outA: SignalClass[] = [];
        const outB: SignalClass[] = [];
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
          const x = a[i];
          const y = b[i];
          if (x) outA.push(shared.evaluate('PM_HIGH', x).signal);
          if (y) outB.push(shared.evaluate('OR_LOW', y).signal);
        }
        expect(outA).toEqual(runLevel(a).map((o) => o.signal));
        expect(outB).toEqual(runLevel(b).map((o) => o.signal));
      }),
    );
  });

  it('7. reachability table of §7.2 (default weights)', () => {
    const w = DEFAULT_CONFIG;
    const range = (b: BarrierState, f: FuelEffect) => {
      const s = (t: number) => compositeScore(liquidityScore(b), hedgeScore(f), t, w);
      return { lo: s(0), hi: s(50), sweep: s(100) };
    };
    for (const b of BARRIER_STATES) {
      for (const f of FUEL_EFFECTS) {
        const r = range(b, f);
        const breakNoSweep = r.hi > 80;
        const breakSweep = r.sweep > 80;
        const bounce = r.lo < 20;
        const key = `${b},${f}`;
        const expected: Record<string, [boolean, boolean, boolean]> = {
          'VACUUM,AMPLIFY': [true, true, false],
          'VACUUM,NEUTRAL': [false, true, false],
          'WEAK,AMPLIFY': [false, true, false],
          'CONSUMED,AMPLIFY': [false, true, false],
          'WALL,DAMPEN': [false, false, true],
          'ABSORPTION,DAMPEN': [false, false, true],
          'WALL,NEUTRAL': [false, false, true],
          'ABSORPTION,NEUTRAL': [false, false, true],
        };
        expect([breakNoSweep, breakSweep, bounce], key).toEqual(expected[key] ?? [false, false, false]);
      }
    }
    expectClose(range('WALL', 'NEUTRAL').lo, 17.5);
    expectClose(range('VACUUM', 'AMPLIFY').lo, 80);
  });
});

registerEngineContract({
  name: 'ScoreEngine',
  create: () => new ScoreEngine(DEFAULT_CONFIG),
  step: (engine: ScoreEngine, x: ScoreInput) => structuredClone(engine.evaluate('PM_HIGH', x)),
  reset: (engine) => engine.reset(),
  inputs: snapSeq,
  numRuns: 100,
});
