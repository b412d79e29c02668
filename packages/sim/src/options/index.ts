/**
 * The ES options model of the simulator: the chain listed for a trade date with its instrument definitions,
 * Black-76 pricing with an equity-index smile, and a day of top-of-book quotes and customer trades whose
 * positioning leaves dealers short gamma on some days and long on others.
 *
 * @example
 * ```ts
 * import { listOptionChain, optionDefinitionRecord, simulateOptionsDay } from '@spymaster/sim';
 *
 * const chain = listOptionChain('2025-12-16', 6000, contracts, rng.fork('chain'), 'small');
 * const defs = chain.map((o) => optionDefinitionRecord(o, window.startNs - 1_000_000_000n));
 * simulateOptionsDay({ window, scale: 'small', rng: rng.fork('options'), chain, path, basisOf, atmVol }, emit);
 * ```
 *
 * @module
 */
export {
  black76Delta,
  black76Gamma,
  black76Price,
  DEFAULT_SMILE_SHAPE,
  erfc,
  MIN_EXPIRY_SECONDS,
  normCdf,
  normPdf,
  OPTION_RISK_FREE_RATE,
  type OptionRight,
  type SmileParams,
  type SmileShape,
  smileVol,
  TRADING_YEAR_SECONDS,
  yearsToExpiry,
} from './black76.js';
export {
  listedStrikes,
  listOptionChain,
  nextBusinessDay,
  OPTION_ID_RANGE,
  type OptionExpiry,
  optionExpiriesOn,
  optionInstrumentId,
  optionRawSymbol,
  STRIKE_GRIDS,
  type StrikeGrid,
  underlyingFor,
} from './chain.js';
export { futuresDefinitionRecord, optionDefinitionRecord } from './definitions.js';
export {
  GAMMA_SUMMARY_RANGE,
  type GammaSnapshot,
  OPTIONS_SCALE,
  type OptionsDayOptions,
  type OptionsDayResult,
  type OptionsScaleParams,
  simulateOptionsDay,
} from './model.js';
