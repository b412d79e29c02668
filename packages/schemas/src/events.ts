/**
 * Canonical market events (levels-pipeline-lake.md B.4.5), instrument definitions, deterministic event ids
 * (B.4.7) and the canonical order (B.4.6).
 *
 * Field order follows the Bronze column order of F.2, which is also the key order of the JSON wire form.
 *
 * @module
 */
import * as z from 'zod';
import { EVENT_SOURCES, OPTION_RIGHTS } from './enums.js';
import {
  type AnyField,
  defineRecord,
  field,
  memorySchemaOf,
  nullable,
  type RowOf,
  type WireRowOf,
  wireSchemaOf,
} from './fields.js';

const eventId = field.utf8('deterministic market event id <TT>-<SYM>-<ts_event_ns>-<seq|na>-<dup_ordinal> (B.4.7)');
const tsEvent = field.int64('exchange matching-engine time, ns since the Unix epoch (UTC)', { unit: 'ns' });
const tsRecv = field.int64('vendor capture-server receive time (equals ts_event_ns when absent)', { unit: 'ns' });
const source = field.enum(EVENT_SOURCES, 'where the event came from; never part of ids or features');
const seq = nullable(field.int64('vendor sequence number'));
const conditions = nullable(field.listInt16('vendor condition codes (null for CME)'));
const aggressor = field.int8('+1 buyer lifted the ask, -1 seller hit the bid, 0 unknown', { min: -1, max: 1 });
const contracts = (doc: string) => field.int32(doc, { unit: 'contracts', min: 1 });

/** Fields of {@link FuturesTrade}. */
export const futuresTradeFields = {
  event_id: eventId,
  ts_event_ns: tsEvent,
  ts_recv_ns: tsRecv,
  source,
  symbol: field.utf8('futures contract, e.g. ESZ5'),
  price: field.float64('trade price, a multiple of the 0.25 tick', { unit: 'pt', min: Number.MIN_VALUE }),
  size: contracts('traded contracts, at least 1'),
  aggressor,
  exchange: nullable(field.utf8('exchange, CME')),
  conditions,
  seq,
} as const;

/** `FuturesTrade` (schema `futures.trades.v1`, subject `market.futures.trades`): one front-month ES print. */
export const FuturesTradeRecord = defineRecord('futures.trades.v1', futuresTradeFields);
/** One front-month ES futures print. */
export type FuturesTrade = RowOf<typeof futuresTradeFields>;
/** JSON wire form of {@link FuturesTrade} (int64 as decimal strings). */
export type FuturesTradeWire = WireRowOf<typeof futuresTradeFields>;

/** Fields of one MBP-10 book level (index 0 = best). Empty entry: price 0, size 0. */
export const bookLevelFields = {
  bid_px: field.float64('bid price (0 when the entry is empty)', { unit: 'pt', min: 0 }),
  bid_sz: field.int32('bid size (0 when the entry is empty)', { unit: 'contracts', min: 0 }),
  ask_px: field.float64('ask price (0 when the entry is empty)', { unit: 'pt', min: 0 }),
  ask_sz: field.int32('ask size (0 when the entry is empty)', { unit: 'contracts', min: 0 }),
} as const;

/** One MBP-10 book level. */
export const BookLevelRecord = defineRecord('futures.mbp10.level.v1', bookLevelFields);
/** One MBP-10 book level. */
export type BookLevel = RowOf<typeof bookLevelFields>;

/** Number of levels per side in an MBP-10 record. */
export const MBP10_DEPTH = 10;

/** Fields of {@link MBP10} other than `levels`. */
export const mbp10HeaderFields = {
  event_id: eventId,
  ts_event_ns: tsEvent,
  ts_recv_ns: tsRecv,
  source,
  symbol: field.utf8('front month; on roll-window dates also the expiring contract (basis only)'),
  is_snapshot: field.bool('vendor snapshot/recovery record or book clear: re-establishes the book'),
  seq,
} as const;

/** The fields of an {@link MBP10} event other than `levels`. */
export type MBP10Header = RowOf<typeof mbp10HeaderFields>;
/** JSON wire form of {@link MBP10Header}. */
export type MBP10HeaderWire = WireRowOf<typeof mbp10HeaderFields>;

/** `MBP10` (schema `futures.mbp10.v1`): the full top-10 book state after one exchange event. */
export type MBP10 = Omit<MBP10Header, 'is_snapshot' | 'seq'> & {
  levels: BookLevel[];
  is_snapshot: boolean;
  seq: bigint | null;
};
/** JSON wire form of {@link MBP10}. */
export type MBP10Wire = Omit<MBP10HeaderWire, 'is_snapshot' | 'seq'> & {
  levels: BookLevel[];
  is_snapshot: boolean;
  seq: string | null;
};

function mbp10Schema(schemaOf: (def: AnyField) => z.ZodType) {
  // The header fields come from the one definition; `levels` sits after `symbol`, where Bronze flattens it.
  const shape: Record<string, z.ZodType> = {};
  for (const [key, def] of Object.entries(mbp10HeaderFields)) {
    shape[key] = schemaOf(def);
    if (key === 'symbol') shape.levels = z.array(BookLevelRecord.schema).length(MBP10_DEPTH);
  }
  return z.strictObject(shape);
}

/** Zod schemas of {@link MBP10}: `schema` (in memory) and `wire` (JSON codec). */
export const MBP10Record = Object.freeze({
  name: 'futures.mbp10.v1',
  schema: mbp10Schema(memorySchemaOf) as unknown as z.ZodType<MBP10, MBP10>,
  wire: mbp10Schema(wireSchemaOf) as unknown as z.ZodType<MBP10, MBP10Wire>,
});

const optionContractFields = {
  underlying: field.utf8('underlying product, ES'),
  underlying_contract: field.utf8(
    'underlying futures contract, e.g. ESZ5 (front month, or the expiring one in a roll window)',
  ),
  option_symbol: field.utf8('vendor raw symbol; never parsed for expiry'),
  exp_date: field.date32('ET expiry date (equals the trade date: 0DTE)'),
  expiration_ns: field.int64('expiry instant from the instrument definition', { unit: 'ns' }),
  strike: field.float64('listed strike', { unit: 'pt', min: 0 }),
  right: field.enum(OPTION_RIGHTS, 'C call, P put'),
} as const;

/** Fields of {@link OptionTrade}. */
export const optionTradeFields = {
  event_id: eventId,
  ts_event_ns: tsEvent,
  ts_recv_ns: tsRecv,
  source,
  ...optionContractFields,
  price: field.float64('premium per option', { unit: 'pt', min: Number.MIN_VALUE }),
  size: contracts('traded contracts, at least 1'),
  opt_bid: nullable(field.float64('as-of best bid strictly before the trade', { unit: 'pt' })),
  opt_ask: nullable(field.float64('as-of best ask strictly before the trade', { unit: 'pt' })),
  aggressor,
  conditions,
  seq,
} as const;

/** `OptionTrade` (schema `options.trades.v1`, subject `market.options.trades`): one 0DTE ES option print. */
export const OptionTradeRecord = defineRecord('options.trades.v1', optionTradeFields);
/** One 0DTE ES option print. */
export type OptionTrade = RowOf<typeof optionTradeFields>;
/** JSON wire form of {@link OptionTrade}. */
export type OptionTradeWire = WireRowOf<typeof optionTradeFields>;

/** Fields of {@link OptionNBBO}. */
export const optionNbboFields = {
  event_id: eventId,
  ts_event_ns: tsEvent,
  ts_recv_ns: tsRecv,
  source,
  ...optionContractFields,
  bid_px: nullable(field.float64('best bid premium (null if the side is empty)', { unit: 'pt' })),
  ask_px: nullable(field.float64('best ask premium (null if the side is empty)', { unit: 'pt' })),
  bid_sz: field.int32('best bid size (0 if the side is empty)', { unit: 'contracts', min: 0 }),
  ask_sz: field.int32('best ask size (0 if the side is empty)', { unit: 'contracts', min: 0 }),
  seq,
} as const;

/** `OptionNBBO` (schema `options.nbbo.v1`, subject `market.options.nbbo`): an option's top of book (`mbp-1`). */
export const OptionNBBORecord = defineRecord('options.nbbo.v1', optionNbboFields);
/** One 0DTE ES option top-of-book update. */
export type OptionNBBO = RowOf<typeof optionNbboFields>;
/** JSON wire form of {@link OptionNBBO}. */
export type OptionNBBOWire = WireRowOf<typeof optionNbboFields>;

/** Instrument classes of a definition the SDK distinguishes (vendor `instrument_class`). */
export const INSTRUMENT_CLASSES = ['F', 'C', 'P', 'S', 'B', 'O'] as const;

/** Fields of {@link InstrumentDefinition}. */
export const instrumentDefinitionFields = {
  instrument_id: field.uint32('vendor numeric instrument id (reusable across days)'),
  ts_event_ns: tsEvent,
  ts_recv_ns: tsRecv,
  raw_symbol: field.utf8('vendor raw symbol, e.g. ESZ5 or E1AZ5 C6850'),
  instrument_class: field.utf8('F future, C call, P put, S spread, B bond, O other'),
  security_type: field.utf8('FUT future, OOF option on future, ...'),
  asset: field.utf8('product root, e.g. ES, E1A, EW'),
  underlying: nullable(field.utf8('underlying contract of an option, e.g. ESZ5')),
  strike: nullable(field.float64('strike of an option', { unit: 'pt' })),
  right: nullable(field.enum(OPTION_RIGHTS, 'C call, P put; null for futures')),
  expiration_ns: field.int64('last eligible trade instant (options: the expiry instant)', { unit: 'ns' }),
  exp_date: field.date32('ET calendar date of expiration_ns'),
  min_price_increment: nullable(field.float64('tick size', { unit: 'pt' })),
  contract_multiplier: nullable(field.float64('USD per point')),
  update_action: field.enum(['A', 'M', 'D'] as const, 'security update action: add, modify, delete'),
} as const;

/** `InstrumentDefinition`: the fields of a vendor definition that symbology and 0DTE selection need. */
export const InstrumentDefinitionRecord = defineRecord('instruments.definitions.v1', instrumentDefinitionFields);
/** A futures or option instrument definition. */
export type InstrumentDefinition = RowOf<typeof instrumentDefinitionFields>;

/** Any canonical market event. */
export type MarketEvent = FuturesTrade | MBP10 | OptionTrade | OptionNBBO;

export * from './event-id.js';
