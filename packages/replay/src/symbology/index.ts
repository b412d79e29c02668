/**
 * ES symbology for ingest (levels-pipeline-lake.md B.4.1–B.4.3, es-options-symbology.md): the front-month
 * contract by the calendar roll, roll windows and the futures record filter; the 0DTE option filter with its
 * QA reasons and canonical field mapping; instrument definitions keyed by (trade date, instrument id) and DBN
 * metadata symbol mappings; the roll-window calendar basis.
 *
 * Pure and browser-safe: no I/O, no clock, no randomness.
 *
 * @example
 * ```ts
 * import { frontMonth, zeroDteContext, classifyZeroDte } from '@spymaster/replay';
 *
 * frontMonth('2025-12-16').symbol; // 'ESH6'
 * const ctx = zeroDteContext('2025-12-16'); // front ESH6, expiring ESZ5 (roll window)
 * const decision = classifyZeroDte(definition, ctx); // { kept: true, role: 'expiring', fields } or { kept: false, reason }
 * ```
 *
 * @module
 */
export {
  basisMaxAgeNs,
  expiringUnderlyingPrice,
  isValidTopOfBook,
  placedStrike,
  placeStrike,
  RollBasisTracker,
  type TopOfBook,
  topOfBookFromLevels,
} from './basis.js';
export {
  type ContractConfig,
  type DominanceReport,
  type FuturesContract,
  FuturesRecordFilter,
  type FuturesRecordOptions,
  type FuturesRecordRole,
  frontMonth,
  futuresContract,
  futuresRecordRole,
  isFrontMonthFuturesRecord,
  isOutrightSymbol,
  nextContract,
  outrightSymbolPattern,
  parseContractSymbol,
  previousContract,
  type RollWindow,
  rollDominance,
  rollWindow,
  type TradeDateContracts,
  thirdFriday,
  tradeDateContracts,
} from './front-month.js';
export {
  type DefinitionRange,
  definitionTradeDate,
  InstrumentMap,
  type RecordTimes,
  SymbolMap,
  type SymbolMapping,
  type SymbolMappingInterval,
  SymbologyError,
} from './instrument-map.js';
export {
  classifyOptionRecord,
  classifyZeroDte,
  classifyZeroDteAt,
  type OptionContractFields,
  optionContractFields,
  ZERO_DTE_REJECT_REASONS,
  type ZeroDteContext,
  type ZeroDteDecision,
  type ZeroDteKept,
  type ZeroDteRejected,
  type ZeroDteRejectReason,
  zeroDteContext,
} from './zero-dte.js';
