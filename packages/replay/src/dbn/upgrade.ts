/**
 * Upgrading version 1 and 2 records to their version 3 layouts (dbn-format.md §9.2), as the official
 * decoders' `UpgradeToV3` policy does. Records that are identical in every version pass through untouched.
 *
 * @module
 */
import { UNDEF_PRICE, UNDEF_STAT_QUANTITY, UNDEF_STAT_QUANTITY_V1 } from './constants.js';
import {
  type AnyRecordLayout,
  ERROR_MSG_V1,
  ERROR_MSG_V2,
  INSTRUMENT_DEF_MSG_V1,
  INSTRUMENT_DEF_MSG_V2,
  INSTRUMENT_DEF_MSG_V3,
  STAT_MSG_V1,
  STAT_MSG_V3,
  SYMBOL_MAPPING_MSG_V1,
  SYMBOL_MAPPING_MSG_V2,
  SYSTEM_MSG_V1,
  SYSTEM_MSG_V2,
} from './layouts.js';

/** The version 3 layout a layout upgrades to, or undefined when it is already current. */
export function upgradeTarget(layout: AnyRecordLayout): AnyRecordLayout | undefined {
  switch (layout) {
    case INSTRUMENT_DEF_MSG_V1:
    case INSTRUMENT_DEF_MSG_V2:
      return INSTRUMENT_DEF_MSG_V3;
    case STAT_MSG_V1:
      return STAT_MSG_V3;
    case SYMBOL_MAPPING_MSG_V1:
      return SYMBOL_MAPPING_MSG_V2;
    case ERROR_MSG_V1:
      return ERROR_MSG_V2;
    case SYSTEM_MSG_V1:
      return SYSTEM_MSG_V2;
    default:
      return undefined;
  }
}

const V3_DEFINITION_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  leg_price: UNDEF_PRICE,
  leg_delta: UNDEF_PRICE,
  leg_instrument_id: 0,
  leg_ratio_price_numerator: 0,
  leg_ratio_price_denominator: 0,
  leg_ratio_qty_numerator: 0,
  leg_ratio_qty_denominator: 0,
  leg_underlying_id: 0,
  leg_count: 0,
  leg_index: 0,
  leg_raw_symbol: '',
  leg_instrument_class: '\u0000',
  leg_side: 'N',
});

/** The `code` of a version 1 ErrorMsg, guessed from its text (§9.2). */
export function errorCodeFromText(text: string): number {
  if (text === 'User or API key deactivated') return 2;
  if (text === 'User has reached their open connection limit') return 3;
  if (text.startsWith('Failed to resolve symbol')) return 4;
  if (text === 'Internal error') return 6;
  if (text.startsWith('Slow client detected for ')) return 7;
  return 255;
}

/** The `code` of a version 1 SystemMsg, guessed from its text (§9.2). */
export function systemCodeFromText(text: string): number {
  if (text === 'Heartbeat') return 0;
  if (text.startsWith('Subscription request ') && text.endsWith(' succeeded')) return 1;
  if (text.startsWith('Warning: slow reading')) return 2;
  if (text.startsWith('Finished ') && text.endsWith(' replay')) return 3;
  if (text.startsWith('End of interval for ')) return 4;
  return 255;
}

/**
 * Upgrade a record object (bigint prices) of an old layout to the object of `target`, with keys in the
 * target layout's order. `ts_out` is carried over.
 */
export function upgradeRecordObject(
  record: Record<string, unknown>,
  from: AnyRecordLayout,
  target: AnyRecordLayout,
): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  if (from === INSTRUMENT_DEF_MSG_V1 || from === INSTRUMENT_DEF_MSG_V2) {
    Object.assign(extra, V3_DEFINITION_DEFAULTS, { raw_instrument_id: BigInt(record.raw_instrument_id as number) });
  } else if (from === STAT_MSG_V1) {
    const q = record.quantity as number;
    extra.quantity = q === UNDEF_STAT_QUANTITY_V1 ? UNDEF_STAT_QUANTITY : BigInt(q);
  } else if (from === SYMBOL_MAPPING_MSG_V1) {
    Object.assign(extra, { stype_in: 255, stype_out: 255 });
  } else if (from === ERROR_MSG_V1) {
    Object.assign(extra, { code: errorCodeFromText(record.err as string), is_last: 255 });
  } else if (from === SYSTEM_MSG_V1) {
    extra.code = systemCodeFromText(record.msg as string);
  }
  const out: Record<string, unknown> = {};
  for (const f of target.fields) {
    if (f.type.startsWith('r')) continue;
    if (f.name === 'length') out.length = target.size / 4 + (record.ts_out === undefined ? 0 : 2);
    else out[f.name] = f.name in extra ? extra[f.name] : record[f.name];
    if (f.name === 'ts_event') out.record_type = target.name;
  }
  if (record.ts_out !== undefined) out.ts_out = record.ts_out;
  return out;
}
