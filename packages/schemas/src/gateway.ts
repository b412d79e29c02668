/**
 * The gateway → frontend contract (engines §10): the WebSocket frame and the flat `LevelSignal` record.
 *
 * The gateway passes unknown enum strings through (except `signal`, which it maps to NEUTRAL), so the
 * enum-like fields here are plain strings; `signal` and `direction` are closed sets.
 *
 * @module
 */
import * as z from 'zod';
import { DIRECTIONS, SIGNAL_CLASSES } from './enums.js';
import { MarketBlockSchema, MarketFlowPayloadSchema, ScoreComponentsSchema } from './signals.js';

const finite = z.number();

/** ML predictions of a viewport target, copied through by the gateway (engines §10 step 3). */
export const MlPredictionsSchema = z.strictObject({
  p_tradeable_2: finite,
  p_no_trade: finite,
  p_break: finite,
  p_bounce: finite,
  strength_signed: finite,
  strength_abs: finite,
  utility_score: finite,
  stage: z.string(),
  time_to_threshold: finite,
  retrieval: z.unknown(),
});
/** ML predictions of one level. */
export type MlPredictions = z.infer<typeof MlPredictionsSchema>;

/** The frontend's flat level record, in the order of the engines §10 table. */
export const FrontendLevelSignalSchema = z.strictObject({
  id: z.string(),
  level_price: finite,
  level_kind_name: z.string(),
  direction: z.enum(DIRECTIONS),
  distance: finite,
  is_first_15m: z.boolean(),
  bars_since_open: z.int().min(0).max(240),
  barrier_state: z.string(),
  barrier_delta_liq: finite,
  barrier_replenishment_ratio: finite,
  wall_ratio: finite,
  tape_imbalance: finite,
  tape_velocity: finite,
  tape_buy_vol: finite,
  tape_sell_vol: finite,
  sweep_detected: z.boolean(),
  sweep_direction: z.string(),
  gamma_exposure: finite,
  fuel_effect: z.string(),
  approach_velocity: finite,
  approach_bars: finite,
  approach_distance: finite,
  prior_touches: finite,
  break_score_raw: finite,
  break_score_smooth: finite,
  components: ScoreComponentsSchema.extend({ liquidity: finite, hedge: finite, tape: finite }),
  signal: z.enum(SIGNAL_CLASSES),
  confidence: z.string(),
  note: z.string().nullable(),
  confluence_count: finite,
  confluence_pressure: finite,
  confluence_alignment: finite,
  ml_predictions: MlPredictionsSchema.optional(),
});
/** The frontend's flat level record. */
export type FrontendLevelSignal = z.infer<typeof FrontendLevelSignalSchema>;

/** The `levels` part of a gateway frame. `spy` is a deprecated alias of `es` ([D26]). */
export const FrontendLevelsBlockSchema = z.strictObject({
  ts: z.int().min(0),
  ts_ns: z.string().regex(/^(0|[1-9][0-9]*)$/),
  trade_date: z.iso.date(),
  options_basis_missing: z.boolean(),
  es: MarketBlockSchema,
  spy: MarketBlockSchema,
  levels: z.array(FrontendLevelSignalSchema),
});

/** A frame sent to WebSocket clients: the latest cached part of each kind. */
export const GatewayFrameSchema = z.strictObject({
  levels: FrontendLevelsBlockSchema,
  flow: MarketFlowPayloadSchema.optional(),
  viewport: z.record(z.string(), z.unknown()).optional(),
});
/** A frame sent to WebSocket clients. */
export type GatewayFrame = z.infer<typeof GatewayFrameSchema>;
