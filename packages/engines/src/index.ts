/**
 * `@spymaster/engines`: the physics engines of Spymaster (engines.md). Pure, deterministic, causal and
 * browser-safe; each engine is also importable on its own (`@spymaster/engines/score`, ...).
 *
 * Built so far: MarketState (§1), the BarrierEngine (§2), the TapeEngine (§3), Black-76 and implied vol
 * (§4.1–4.3), dealer gamma aggregates and the gamma flip (§4.4–4.6), the KinematicsEngine (§5), OFI (§1.2 step 5,
 * §6), the ScoreEngine with its trigger state machine (§7), EWMA smoothing on event time (§8)
 * and the LevelSignalService with its snap clock and `levels.signals` payload (§9).
 *
 * @example
 * ```ts
 * import { ScoreEngine, SmootherSet } from '@spymaster/engines';
 * const score = new ScoreEngine();
 * ```
 *
 * @packageDocumentation
 */
export * from './barrier.js';
export * from './black76.js';
export * from './gamma.js';
export { GammaFlipTracker, type GammaFlipTrackerStats } from './gamma-flip.js';
export * from './kinematics.js';
export * from './level-signal-service.js';
export * from './market-state.js';
export * from './ofi.js';
export * from './score.js';
export * from './smoothing.js';
export * from './tape.js';
