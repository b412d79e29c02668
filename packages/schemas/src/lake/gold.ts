/**
 * Gold streaming signals (`levels.signals.v1` rows, levels-pipeline-lake.md F.4): one row per level in
 * each `levels.signals` payload. Names shared with Silver or the frontend contract mean the same there;
 * the others flatten the payload path with `_`.
 *
 * @module
 */
import { LEVEL_KIND_CODE } from '../enums.js';
import { field, nullable, type RowOf } from '../fields.js';
import type { LevelsSignalsPayload } from '../signals.js';
import { defineTable } from './table.js';

const f = (doc: string, unit?: string) => nullable(field.float64(doc, unit ? { unit } : {}));
const s = (doc: string) => nullable(field.utf8(doc));
const i64 = (doc: string) => nullable(field.int64(doc, { unit: 'contracts' }));

/** Columns of the Gold streaming table, in F.4 order. */
export const goldSignalFields = {
  ts_ns: field.int64('snap time (payload ts_ns)', { unit: 'ns' }),
  trade_date: s('trade date YYYY-MM-DD'),
  underlying: field.utf8('ES'),
  spot: f('last front-month print', 'pt'),
  bid: f('best bid', 'pt'),
  ask: f('best ask', 'pt'),
  hvl: f('market-wide gamma flip (equal on every row of one snap)', 'pt'),
  level_id: field.utf8('level id (payload id)'),
  level_kind: nullable(field.int8('level kind code')),
  level_kind_name: s('level kind (payload kind)'),
  level_price: f('level price', 'pt'),
  role: s('SUPPORT | RESISTANCE'),
  direction: s('UP | DOWN, the break direction'),
  distance: f('|spot − level|', 'pt'),
  distance_signed: f('spot − level', 'pt'),
  break_score_raw: f('composite break score 0–100'),
  break_score_smooth: f('smoothed break score 0–100'),
  signal: s('BREAK | BOUNCE | CHOP | NEUTRAL'),
  confidence: s('HIGH | MEDIUM | LOW'),
  barrier_state: s('barrier state'),
  barrier_delta_liq: f('barrier.delta_liq', 'contracts'),
  barrier_replenishment_ratio: f('barrier.replenishment_ratio'),
  barrier_added: i64('barrier.added'),
  barrier_canceled: i64('barrier.canceled'),
  barrier_filled: i64('barrier.filled'),
  wall_ratio: f('barrier.wall_ratio'),
  tape_imbalance: f('tape.imbalance'),
  tape_buy_vol: i64('tape.buy_vol'),
  tape_sell_vol: i64('tape.sell_vol'),
  tape_velocity: f('tape.velocity', 'pt/s'),
  sweep_detected: nullable(field.bool('tape.sweep.detected')),
  sweep_direction: s('tape.sweep.direction'),
  sweep_notional: f('tape.sweep.notional', 'USD'),
  fuel_effect: s('fuel.effect'),
  gamma_exposure: f('fuel.net_dealer_gamma', 'USD/pt²'),
  fuel_call_wall: f('fuel.call_wall.strike', 'pt'),
  fuel_put_wall: f('fuel.put_wall.strike', 'pt'),
  prior_touches: nullable(field.int32('prior_touches')),
  runway_direction: s('runway.direction'),
  runway_next_level_id: s('runway.next_level_id'),
  runway_next_level_price: f('runway.next_level_price', 'pt'),
  runway_distance: f('runway.distance', 'pt'),
  runway_quality: s('runway.quality'),
  note: s('note'),
  options_basis_missing: nullable(field.bool('options on the expiring contract left out: basis unknown')),
} as const;

/** `gold/levels/signals`: the streaming tier. */
export const GoldLevelSignals = defineTable('levels.signals.v1', 'gold', goldSignalFields, {
  sortKey: ['ts_ns', 'level_id'],
  dedupKey: ['ts_ns', 'level_id'],
});
/** One Gold streaming row. */
export type GoldLevelSignalRow = RowOf<typeof goldSignalFields>;

/** Flatten a `levels.signals.v1` payload into its Gold streaming rows, one per level, in payload order. */
export function goldRowsFromPayload(payload: LevelsSignalsPayload): GoldLevelSignalRow[] {
  const ts = BigInt(payload.ts_ns);
  return payload.levels.map((level) => ({
    ts_ns: ts,
    trade_date: payload.trade_date,
    underlying: 'ES',
    spot: payload.es.spot,
    bid: payload.es.bid,
    ask: payload.es.ask,
    hvl: payload.es.hvl,
    level_id: level.id,
    level_kind: LEVEL_KIND_CODE[level.kind],
    level_kind_name: level.kind,
    level_price: level.price,
    role: level.role,
    direction: level.direction,
    distance: level.distance,
    distance_signed: level.distance_signed,
    break_score_raw: level.break_score_raw,
    break_score_smooth: level.break_score_smooth,
    signal: level.signal,
    confidence: level.confidence,
    barrier_state: level.barrier.state,
    barrier_delta_liq: level.barrier.delta_liq,
    barrier_replenishment_ratio: level.barrier.replenishment_ratio,
    barrier_added: BigInt(level.barrier.added),
    barrier_canceled: BigInt(level.barrier.canceled),
    barrier_filled: BigInt(level.barrier.filled),
    wall_ratio: level.barrier.wall_ratio,
    tape_imbalance: level.tape.imbalance,
    tape_buy_vol: BigInt(level.tape.buy_vol),
    tape_sell_vol: BigInt(level.tape.sell_vol),
    tape_velocity: level.tape.velocity,
    sweep_detected: level.tape.sweep.detected,
    sweep_direction: level.tape.sweep.direction,
    sweep_notional: level.tape.sweep.notional,
    fuel_effect: level.fuel.effect,
    gamma_exposure: level.fuel.net_dealer_gamma,
    fuel_call_wall: level.fuel.call_wall?.strike ?? null,
    fuel_put_wall: level.fuel.put_wall?.strike ?? null,
    prior_touches: level.prior_touches,
    runway_direction: level.runway.direction,
    runway_next_level_id: level.runway.next_level_id,
    runway_next_level_price: level.runway.next_level_price,
    runway_distance: level.runway.distance,
    runway_quality: level.runway.quality,
    note: level.note,
    options_basis_missing: payload.options_basis_missing,
  }));
}
