/**
 * `@spymaster/sim`: a deterministic synthetic ES futures + 0DTE options market that writes real DBN files
 * shaped like Databento GLBX.MDP3 downloads (definitions, futures MBP-10 and trades, options trades and
 * MBP-1). Node.js only (it writes files).
 *
 * @example
 * ```ts
 * import { simulateSessions } from '@spymaster/sim';
 * simulateSessions({ start: '2025-12-16', days: 4, seed: 7, scale: 'small', outDir: 'data/sim' });
 * ```
 *
 * @packageDocumentation
 */
export * from './contracts.js';
export * from './facts.js';
export * from './futures/index.js';
export * from './options/index.js';
export * from './rng.js';
export * from './session.js';
export * from './types.js';
