/**
 * Shapes shared by the parts of the simulator: instruments, the session window, scales and the state carried
 * from one simulated day to the next.
 *
 * @module
 */

/** How much data: `small` (seconds to generate, tests and the demo) or `full` (realistic message counts). */
export type Scale = 'small' | 'full';

/** Publisher id of CME Globex MDP 3.0 in Databento data. */
export const GLBX_PUBLISHER_ID = 1;

/** An ES futures contract the simulator trades. */
export interface FuturesInstrument {
  /** Numeric instrument id (stable per contract). */
  readonly instrumentId: number;
  /** Raw symbol, e.g. `ESZ5`. */
  readonly symbol: string;
  /** Quarterly expiry date (third Friday), `YYYY-MM-DD`. */
  readonly expiry: string;
  /** Expiry instant (09:30 ET on the expiry date), ns. */
  readonly expirationNs: bigint;
  /** `front`: the active front month of the trade date; `other`: the thin second contract. */
  readonly role: 'front' | 'other';
  /** Calendar basis of this contract over the front month in points (0 for the front; the other contract
   * trades at front price + basis). */
  readonly basis: number;
}

/** An ES option listed for the session. */
export interface OptionInstrument {
  /** Numeric instrument id. */
  readonly instrumentId: number;
  /** Raw symbol, e.g. `E3CZ5 C6850`. */
  readonly rawSymbol: string;
  /** CME root (product), e.g. `E3C`, `EW3`, `EW`, `ES`. */
  readonly root: string;
  /** Right. */
  readonly right: 'C' | 'P';
  /** Strike in points. */
  readonly strike: number;
  /** Expiry instant (16:00 ET for weeklies and end-of-month, 09:30 ET for quarterlies), ns. */
  readonly expirationNs: bigint;
  /** ET expiry date `YYYY-MM-DD`. */
  readonly expDate: string;
  /** Underlying futures contract symbol, e.g. `ESZ5`. */
  readonly underlying: string;
}

/** The simulated part of one trade date, as ns instants. */
export interface SessionWindow {
  /** Trade date `YYYY-MM-DD`. */
  readonly date: string;
  /** First simulated instant (04:00 ET). */
  readonly startNs: bigint;
  /** End of the simulation (exclusive; 13:30 ET by default, up to 16:00 ET). */
  readonly endNs: bigint;
  /** 09:30 ET. */
  readonly rthStartNs: bigint;
  /** 09:45 ET (end of the opening range). */
  readonly orEndNs: bigint;
  /** 13:30 ET. */
  readonly rthEndNs: bigint;
}

/** State carried from one simulated day to the next, so consecutive days are continuous. */
export interface MarketCarry {
  /** Last front-month mid of the previous day, points. */
  readonly price: number;
  /** Volatility state (annualised) at the end of the previous day. */
  readonly vol: number;
  /** Front-month symbol the closes below belong to (closes restart at a contract roll). */
  readonly contract: string;
  /** Completed 2-minute closes of that contract, oldest first (at most 400 kept). */
  readonly closes2m: readonly number[];
}

/** The front-month mid price path of a day at a fixed step, for models that follow the futures. */
export interface PricePath {
  /** Instant of the first sample, ns. */
  readonly startNs: bigint;
  /** Sample spacing, ns. */
  readonly stepNs: bigint;
  /** Front-month mid at each step, points. */
  readonly mids: Float64Array;
}

/** The mid of a {@link PricePath} at an instant (the last sample at or before it; clamped to the ends). */
export function priceAt(path: PricePath, ts: bigint): number {
  const i = Number((ts - path.startNs) / path.stepNs);
  const clamped = Math.max(0, Math.min(path.mids.length - 1, i));
  return path.mids[clamped] as number;
}
