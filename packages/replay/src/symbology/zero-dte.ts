/**
 * The 0DTE ES option filter (levels-pipeline-lake.md B.4.3, es-options-symbology.md "Selecting the 0DTE chain")
 * and the mapping of an instrument definition to the canonical option fields.
 *
 * Selection uses the instrument definition only: `instrument_class` C/P, `security_type` `OOF`, `underlying`
 * equal to the front month (or the expiring contract in a roll window), and the ET calendar date of
 * `expiration_ns` equal to the trade date of the event. The raw symbol and its root are never parsed.
 *
 * @module
 */
import { DEFAULT_CONFIG } from '@spymaster/schemas/config';
import type { InstrumentDefinition, OptionTrade } from '@spymaster/schemas/events';
import { addDays, etDate, etToNs, type TimeWindow, tradeDate } from '@spymaster/schemas/time';
import { type ContractConfig, tradeDateContracts } from './front-month.js';
import type { InstrumentMap, RecordTimes } from './instrument-map.js';

/** The canonical option fields an instrument definition maps to (B.4.3 field mapping, B.4.5). */
export type OptionContractFields = Pick<
  OptionTrade,
  'underlying' | 'underlying_contract' | 'option_symbol' | 'exp_date' | 'expiration_ns' | 'strike' | 'right'
>;

/**
 * Why an option record or definition is not kept, first failing rule first (for QA counts):
 * `no_definition` (no definition valid at the record), `deleted` (the valid definition is a delete),
 * `not_option` (`instrument_class` not C/P), `not_oof` (`security_type` ≠ `OOF`), `no_strike` (definition
 * without a strike), `wrong_underlying` (neither the front month nor, in a roll window, the expiring contract),
 * `not_0dte` (ET expiry date ≠ trade date).
 */
export type ZeroDteRejectReason =
  | 'no_definition'
  | 'deleted'
  | 'not_option'
  | 'not_oof'
  | 'no_strike'
  | 'wrong_underlying'
  | 'not_0dte';

/** Every {@link ZeroDteRejectReason}, in the order the rules are checked. */
export const ZERO_DTE_REJECT_REASONS: readonly ZeroDteRejectReason[] = Object.freeze([
  'no_definition',
  'deleted',
  'not_option',
  'not_oof',
  'no_strike',
  'wrong_underlying',
  'not_0dte',
]);

/** A kept option: which contract it references and its canonical fields. */
export interface ZeroDteKept {
  /** Kept. */
  readonly kept: true;
  /** `front`: underlying is the front month `F`; `expiring`: the expiring contract `Q` of a roll window (basis-mapped). */
  readonly role: 'front' | 'expiring';
  /** Canonical option fields. */
  readonly fields: OptionContractFields;
}

/** A rejected option with the first rule it fails. */
export interface ZeroDteRejected {
  /** Not kept. */
  readonly kept: false;
  /** The first failing rule. */
  readonly reason: ZeroDteRejectReason;
}

/** Outcome of the 0DTE filter. */
export type ZeroDteDecision = ZeroDteKept | ZeroDteRejected;

/** What the filter needs to know about one trade date; build it once per date with {@link zeroDteContext}. */
export interface ZeroDteContext {
  /** The trade date `D`. */
  readonly tradeDate: string;
  /** Raw symbol of the front month `F`. */
  readonly front: string;
  /** Raw symbol of the expiring contract `Q` on roll-window dates, else null. */
  readonly expiring: string | null;
  /** The ET calendar day `D` as instants `[00:00 ET of D, 00:00 ET of D + 1)`: `exp_date == D` iff `expiration_ns` lies in it. */
  readonly etDay: TimeWindow;
  /** Canonical `underlying` value (`FUTURES_ROOT`, `ES`). */
  readonly underlying: string;
}

/**
 * The 0DTE filter context of a trade date: front month, expiring contract in a roll window, ET day bounds.
 *
 * @example
 * ```ts
 * zeroDteContext('2025-12-16'); // { tradeDate: '2025-12-16', front: 'ESH6', expiring: 'ESZ5', ... }
 * ```
 */
export function zeroDteContext(date: string, config: ContractConfig = DEFAULT_CONFIG): ZeroDteContext {
  const contracts = tradeDateContracts(date, config);
  return {
    tradeDate: date,
    front: contracts.front.symbol,
    expiring: contracts.expiring?.symbol ?? null,
    etDay: { start: etToNs(date, 0, 0), end: etToNs(addDays(date, 1), 0, 0) },
    underlying: config.FUTURES_ROOT,
  };
}

const REJECTED: Readonly<Record<ZeroDteRejectReason, ZeroDteRejected>> = Object.freeze(
  Object.fromEntries(
    ZERO_DTE_REJECT_REASONS.map((reason) => [reason, Object.freeze({ kept: false, reason })]),
  ) as Record<ZeroDteRejectReason, ZeroDteRejected>,
);

/**
 * Map a definition to the canonical option fields (B.4.3 field mapping): `right` = `instrument_class`,
 * `strike` = definition strike (points), `exp_date` = ET calendar date of `expiration_ns`, `expiration_ns`,
 * `underlying` = `FUTURES_ROOT`, `underlying_contract` = definition `underlying`, `option_symbol` = raw symbol.
 * Throws a `TypeError` for a definition that is not a call or put with a strike and an underlying.
 *
 * @example
 * ```ts
 * optionContractFields(def); // { right: 'C', strike: 6850, exp_date: '2025-11-03', underlying: 'ES', underlying_contract: 'ESZ5', ... }
 * ```
 */
export function optionContractFields(
  def: InstrumentDefinition,
  underlying = DEFAULT_CONFIG.FUTURES_ROOT,
): OptionContractFields {
  const right = def.instrument_class;
  if ((right !== 'C' && right !== 'P') || def.strike === null || def.underlying === null) {
    throw new TypeError(
      `instrument ${def.instrument_id} (${def.raw_symbol}) is not an option definition with a strike and an underlying`,
    );
  }
  return {
    underlying,
    underlying_contract: def.underlying,
    option_symbol: def.raw_symbol,
    exp_date: etDate(def.expiration_ns),
    expiration_ns: def.expiration_ns,
    strike: def.strike,
    right,
  };
}

/**
 * Apply the 0DTE filter (B.4.3 rules 1–3) to the definition valid at an event of trade date `ctx.tradeDate`.
 * The rules are checked in the order of {@link ZERO_DTE_REJECT_REASONS}; the first failing one is the reason.
 *
 * @example
 * ```ts
 * const ctx = zeroDteContext('2025-11-03');
 * classifyZeroDte(def, ctx); // { kept: true, role: 'front', fields: { strike: 6850, right: 'C', exp_date: '2025-11-03', ... } }
 * ```
 */
export function classifyZeroDte(def: InstrumentDefinition, ctx: ZeroDteContext): ZeroDteDecision {
  if (def.update_action === 'D') return REJECTED.deleted;
  const right = def.instrument_class;
  if (right !== 'C' && right !== 'P') return REJECTED.not_option;
  if (def.security_type !== 'OOF') return REJECTED.not_oof;
  if (def.strike === null || !Number.isFinite(def.strike)) return REJECTED.no_strike;
  let role: 'front' | 'expiring';
  if (def.underlying === ctx.front) role = 'front';
  else if (ctx.expiring !== null && def.underlying === ctx.expiring) role = 'expiring';
  else return REJECTED.wrong_underlying;
  if (def.expiration_ns < ctx.etDay.start || def.expiration_ns >= ctx.etDay.end) return REJECTED.not_0dte;
  return {
    kept: true,
    role,
    fields: {
      underlying: ctx.underlying,
      underlying_contract: def.underlying,
      option_symbol: def.raw_symbol,
      exp_date: ctx.tradeDate,
      expiration_ns: def.expiration_ns,
      strike: def.strike,
      right,
    },
  };
}

/**
 * {@link classifyZeroDte} for an event time: the context is built from `tradeDate(ts_event_ns)`.
 *
 * @example
 * ```ts
 * classifyZeroDteAt(def, 1762180200000000000n); // 2025-11-03 09:30 ET
 * ```
 */
export function classifyZeroDteAt(
  def: InstrumentDefinition,
  ts_event_ns: bigint,
  config: ContractConfig = DEFAULT_CONFIG,
): ZeroDteDecision {
  return classifyZeroDte(def, zeroDteContext(tradeDate(ts_event_ns), config));
}

/**
 * The whole option-record rule of B.4.3: look up the definition valid at the record (latest with `ts_recv ≤`
 * the record's, same trade date and instrument id) and apply the 0DTE filter; a record without one is
 * rejected as `no_definition`. `ctx` must be the context of the record's trade date (built when omitted).
 *
 * @example
 * ```ts
 * classifyOptionRecord(definitions, { instrument_id: 42, ts_event_ns, ts_recv_ns });
 * ```
 */
export function classifyOptionRecord(
  definitions: InstrumentMap,
  record: RecordTimes,
  ctx: ZeroDteContext = zeroDteContext(tradeDate(record.ts_event_ns)),
): ZeroDteDecision {
  const def = definitions.getAt(record.instrument_id, ctx.tradeDate, record.ts_recv_ns);
  if (def === null)
    return definitions.isDeletedAt(record.instrument_id, ctx.tradeDate, record.ts_recv_ns)
      ? REJECTED.deleted
      : REJECTED.no_definition;
  return classifyZeroDte(def, ctx);
}
