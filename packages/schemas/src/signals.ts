/**
 * The Core's published payloads: `levels.signals.v1` (engines §9) and `market.flow.v1` (engines §10.4).
 *
 * The zod objects list keys in the payload tables' order, and zod builds its output in shape order, so
 * `JSON.stringify(LevelsSignalsPayloadSchema.parse(x))` writes the normative key order of [D31].
 *
 * @module
 */
import * as z from 'zod';
import {
  BARRIER_STATES,
  CONFIDENCES,
  DIRECTIONS,
  FUEL_EFFECTS,
  LEVELS_SIGNALS_SCHEMA,
  LevelKindSchema,
  OPTION_RIGHTS,
  ROLES,
  RUNWAY_QUALITIES,
  SIGNAL_CLASSES,
  SWEEP_DIRECTIONS,
} from './enums.js';

const finite = z.number();
const nonNegative = z.number().min(0);
const count = z.int().min(0);
const score = z.number().min(0).max(100);
const unit01 = z.number().min(0).max(1);
const nsString = z.string().regex(/^(0|[1-9][0-9]*)$/, 'expected ns since the Unix epoch as a decimal string');
const tradeDate = z.iso.date();

/** Barrier output (engines §2 `BarrierMetrics`) with its smoothed values. */
export const BarrierPayloadSchema = z.strictObject({
  state: z.enum(BARRIER_STATES),
  delta_liq: z.int(),
  delta_liq_smooth: finite,
  replenishment_ratio: nonNegative,
  replenishment_ratio_smooth: nonNegative,
  added: count,
  canceled: count,
  filled: count,
  churn: count,
  depth_in_zone: count,
  zone_visible: z.boolean(),
  defending_quote: z.strictObject({ price: finite.nullable(), size: count }),
  wall_ratio: nonNegative,
  confidence: unit01,
});
/** Barrier block of a level. */
export type BarrierPayload = z.infer<typeof BarrierPayloadSchema>;

/** Sweep detected near a level (engines §3 step 5). */
export const SweepPayloadSchema = z.strictObject({
  detected: z.boolean(),
  direction: z.enum(SWEEP_DIRECTIONS),
  notional: nonNegative,
  num_prints: count,
  window_ms: nonNegative,
});

/** Tape output (engines §3 `TapeMetrics`) with its smoothed velocity. */
export const TapePayloadSchema = z.strictObject({
  imbalance: z.number().min(-1).max(1),
  buy_vol: count,
  sell_vol: count,
  velocity: finite,
  velocity_smooth: finite,
  sweep: SweepPayloadSchema,
  confidence: unit01,
});
/** Tape block of a level. */
export type TapePayload = z.infer<typeof TapePayloadSchema>;

/** A gamma wall: the placed strike with the largest dealer gamma on one side (engines §4). */
export const GammaWallSchema = z.strictObject({ strike: finite, net_gamma: finite, strength: finite });
/** A gamma wall. */
export type GammaWall = z.infer<typeof GammaWallSchema>;

/** Key of `gamma_by_strike`: a placed strike written with two decimals (`"5975.00"`). */
export const STRIKE_KEY = /^-?[0-9]+\.[0-9]{2}$/;

/** Fuel output (engines §4 `FuelMetrics`) with its smoothed dealer gamma. */
export const FuelPayloadSchema = z.strictObject({
  effect: z.enum(FUEL_EFFECTS),
  net_dealer_gamma: finite,
  net_dealer_gamma_smooth: finite,
  gamma_flow: finite,
  call_wall: GammaWallSchema.nullable(),
  put_wall: GammaWallSchema.nullable(),
  gamma_by_strike: z.record(z.string().regex(STRIKE_KEY, 'expected a strike key like "5975.00"'), finite),
  confidence: unit01,
});
/** Fuel block of a level. */
export type FuelPayload = z.infer<typeof FuelPayloadSchema>;

/** One kinematics window: velocity (pt/s), acceleration (pt/s²), jerk (pt/s³). */
export const KinematicsWindowSchema = z.strictObject({ velocity: finite, acceleration: finite, jerk: finite });

/** Kinematics output (engines §5); a window is null until it has its samples. */
export const KinematicsPayloadSchema = z.strictObject({
  position: finite.nullable(),
  windows: z.strictObject({
    '1m': KinematicsWindowSchema.nullable(),
    '3m': KinematicsWindowSchema.nullable(),
    '5m': KinematicsWindowSchema.nullable(),
    '10m': KinematicsWindowSchema.nullable(),
    '20m': KinematicsWindowSchema.nullable(),
  }),
});

/** Near-level OFI per window (engines §6), contracts. */
export const OfiNearLevelSchema = z.strictObject({ '30s': finite, '60s': finite, '120s': finite, '300s': finite });

/** Runway (engines §9.6). */
export const RunwaySchema = z.strictObject({
  direction: z.enum(DIRECTIONS),
  next_level_id: LevelKindSchema.nullable(),
  next_level_price: finite.nullable(),
  distance: nonNegative.nullable(),
  quality: z.enum(RUNWAY_QUALITIES),
});

/** Score components (engines §7.1), each in [0, 100]. */
export const ScoreComponentsSchema = z.strictObject({ liquidity: score, hedge: score, tape: score });

/** One level of a `levels.signals.v1` payload (engines §9 "Per level"). */
export const LevelSignalPayloadSchema = z.strictObject({
  id: LevelKindSchema,
  kind: LevelKindSchema,
  price: finite,
  role: z.enum(ROLES),
  direction: z.enum(DIRECTIONS),
  distance: nonNegative,
  distance_signed: finite,
  monitored: z.boolean(),
  touching: z.boolean(),
  break_score_raw: score,
  break_score_smooth: score,
  components: ScoreComponentsSchema,
  signal: z.enum(SIGNAL_CLASSES),
  confidence: z.enum(CONFIDENCES),
  barrier: BarrierPayloadSchema,
  tape: TapePayloadSchema,
  fuel: FuelPayloadSchema,
  kinematics: KinematicsPayloadSchema,
  ofi_near_level: OfiNearLevelSchema,
  approach_velocity: finite,
  approach_bars: count,
  approach_distance: nonNegative,
  prior_touches: count,
  runway: RunwaySchema,
  confluence_count: count,
  confluence_pressure: z.number().min(0).lt(1),
  confluence_alignment: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
  note: z.string(),
});
/** One level of a `levels.signals.v1` payload. */
export type LevelSignalPayload = z.infer<typeof LevelSignalPayloadSchema>;

/** Market-wide OFI block `es.ofi` (engines §6). */
export const MarketOfiSchema = z.strictObject({
  ofi_30s: finite,
  ofi_60s: finite,
  ofi_120s: finite,
  ofi_300s: finite,
  ofi_integrated_30s: finite,
  ofi_integrated_60s: finite,
  ofi_integrated_120s: finite,
  ofi_integrated_300s: finite,
  ofi_acceleration: finite,
});

/** Market block `es` of a payload. */
export const MarketBlockSchema = z.strictObject({
  spot: finite.nullable(),
  bid: finite.nullable(),
  ask: finite.nullable(),
  mid: finite.nullable(),
  basis: finite.nullable(),
  hvl: finite.nullable(),
  ofi: MarketOfiSchema,
});
/** Market block `es` of a payload. */
export type MarketBlock = z.infer<typeof MarketBlockSchema>;

/** The `levels.signals.v1` payload: one per emitted 250 ms snap in RTH (engines §9). */
export const LevelsSignalsPayloadSchema = z.strictObject({
  schema: z.literal(LEVELS_SIGNALS_SCHEMA),
  ts: z.int().min(0),
  ts_ns: nsString,
  trade_date: tradeDate,
  es: MarketBlockSchema,
  options_basis_missing: z.boolean(),
  levels: z.array(LevelSignalPayloadSchema).max(6),
});
/** The `levels.signals.v1` payload. */
export type LevelsSignalsPayload = z.infer<typeof LevelsSignalsPayloadSchema>;

/** One contract of a `market.flow.v1` snapshot (engines §10.4). */
export const FlowContractSchema = z.strictObject({
  underlying_contract: z.string(),
  type: z.enum(OPTION_RIGHTS),
  contract_strike: finite,
  strike_price: finite,
  expiration: nsString,
  cumulative_volume: count,
  cumulative_premium: finite,
  last_price: finite,
  last_timestamp: z.int().min(0),
  delta: finite,
  gamma: finite,
  net_delta_flow: finite,
  net_gamma_flow: finite,
});
/** One contract of a `market.flow.v1` snapshot. */
export type FlowContract = z.infer<typeof FlowContractSchema>;

/** Schema tag of the option-flow snapshot. */
export const MARKET_FLOW_SCHEMA = 'market.flow.v1';

/** The `market.flow.v1` option-flow snapshot published next to each emitted snap (engines §10.4). */
export const MarketFlowPayloadSchema = z.strictObject({
  schema: z.literal(MARKET_FLOW_SCHEMA),
  ts: z.int().min(0),
  ts_ns: nsString,
  trade_date: tradeDate,
  options_basis_missing: z.boolean(),
  contracts: z.record(z.string(), FlowContractSchema),
});
/** The `market.flow.v1` snapshot. */
export type MarketFlowPayload = z.infer<typeof MarketFlowPayloadSchema>;

/** NATS subjects (levels-pipeline-lake.md F.7). */
export const SUBJECTS = Object.freeze({
  futuresTrades: 'market.futures.trades',
  futuresMbp10: 'market.futures.mbp10',
  optionsTrades: 'market.options.trades',
  optionsNbbo: 'market.options.nbbo',
  levelsSignals: 'levels.signals',
  marketFlow: 'market.flow',
} as const);

/** `Nats-Msg-Id` of a levels payload: `LS-<ts_ns>`. */
export function levelsSignalsMessageId(tsNs: bigint | string): string {
  return `LS-${tsNs}`;
}

/** `Nats-Msg-Id` of a flow snapshot: `MF-<ts_ns>`. */
export function marketFlowMessageId(tsNs: bigint | string): string {
  return `MF-${tsNs}`;
}
