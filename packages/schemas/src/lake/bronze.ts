/**
 * Bronze tables (levels-pipeline-lake.md F.2): the canonical events exactly as published, all hours.
 * MBP-10 levels are flattened to `bid_px_1 … bid_sz_10, ask_px_1 … ask_sz_10` (level 1 = best).
 *
 * @module
 */
import {
  type BookLevel,
  type bookLevelFields,
  futuresTradeFields,
  type MBP10,
  MBP10_DEPTH,
  mbp10HeaderFields,
  optionNbboFields,
  optionTradeFields,
} from '../events.js';
import { type FieldDef, field, type RowOf } from '../fields.js';
import { defineTable } from './table.js';

const CANONICAL = { sortKey: ['ts_event_ns', 'event_id'], dedupKey: ['event_id'] } as const;

/** `bronze/futures/trades`: `futures.trades.v1`. */
export const BronzeFuturesTrades = defineTable('futures.trades.v1', 'bronze', futuresTradeFields, CANONICAL);

type Digit = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
type FlatBookFields = { [I in Digit as `bid_px_${I}`]: FieldDef<'float64', false> } & {
  [I in Digit as `bid_sz_${I}`]: FieldDef<'int32', false>;
} & { [I in Digit as `ask_px_${I}`]: FieldDef<'float64', false> } & {
  [I in Digit as `ask_sz_${I}`]: FieldDef<'int32', false>;
};

function flatBookFields(): FlatBookFields {
  const out: Record<string, FieldDef> = {};
  for (const side of ['bid', 'ask'] as const) {
    for (let i = 1; i <= MBP10_DEPTH; i++) {
      out[`${side}_px_${i}`] = field.float64(`${side} price at level ${i} (0 when empty)`, { unit: 'pt', min: 0 });
      out[`${side}_sz_${i}`] = field.int32(`${side} size at level ${i} (0 when empty)`, { unit: 'contracts', min: 0 });
    }
  }
  return out as unknown as FlatBookFields;
}

const { event_id, ts_event_ns, ts_recv_ns, source, symbol, is_snapshot, seq } = mbp10HeaderFields;

/** Fields of the Bronze MBP-10 table, in F.2 order. */
export const bronzeMbp10Fields = {
  event_id,
  ts_event_ns,
  ts_recv_ns,
  source,
  symbol,
  ...flatBookFields(),
  is_snapshot,
  seq,
} as const;

/** `bronze/futures/mbp10`: `futures.mbp10.v1`, flattened. */
export const BronzeMbp10 = defineTable('futures.mbp10.v1', 'bronze', bronzeMbp10Fields, CANONICAL);
/** A Bronze MBP-10 row. */
export type BronzeMbp10Row = RowOf<typeof bronzeMbp10Fields>;

/** `bronze/options/trades`: `options.trades.v1`. */
export const BronzeOptionTrades = defineTable('options.trades.v1', 'bronze', optionTradeFields, CANONICAL);

/** `bronze/options/nbbo`: `options.nbbo.v1`. */
export const BronzeOptionNbbo = defineTable('options.nbbo.v1', 'bronze', optionNbboFields, CANONICAL);

/** Flatten an {@link MBP10} event into a Bronze row. */
export function mbp10ToBronzeRow(event: MBP10): BronzeMbp10Row {
  const row: Record<string, unknown> = {
    event_id: event.event_id,
    ts_event_ns: event.ts_event_ns,
    ts_recv_ns: event.ts_recv_ns,
    source: event.source,
    symbol: event.symbol,
  };
  for (const side of ['bid', 'ask'] as const) {
    for (let i = 0; i < MBP10_DEPTH; i++) {
      const level = event.levels[i];
      row[`${side}_px_${i + 1}`] = level ? level[`${side}_px`] : 0;
      row[`${side}_sz_${i + 1}`] = level ? level[`${side}_sz`] : 0;
    }
  }
  row.is_snapshot = event.is_snapshot;
  row.seq = event.seq;
  return row as BronzeMbp10Row;
}

/** Rebuild the {@link MBP10} event of a Bronze row. */
export function bronzeRowToMbp10(row: BronzeMbp10Row): MBP10 {
  const flat = row as unknown as Record<string, number>;
  const levels: BookLevel[] = [];
  for (let i = 1; i <= MBP10_DEPTH; i++) {
    const level: Record<keyof typeof bookLevelFields, number> = {
      bid_px: flat[`bid_px_${i}`] as number,
      bid_sz: flat[`bid_sz_${i}`] as number,
      ask_px: flat[`ask_px_${i}`] as number,
      ask_sz: flat[`ask_sz_${i}`] as number,
    };
    levels.push(level);
  }
  return {
    event_id: row.event_id,
    ts_event_ns: row.ts_event_ns,
    ts_recv_ns: row.ts_recv_ns,
    source: row.source,
    symbol: row.symbol,
    levels,
    is_snapshot: row.is_snapshot,
    seq: row.seq,
  };
}
