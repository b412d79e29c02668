/**
 * Silver `silver.features.es_pipeline.v1` (levels-pipeline-lake.md F.3): one row per touched episode,
 * 182 columns = 10 identity + 108 features + 64 labels, in the normative order. Gold training
 * (`training.es_pipeline.v1`, F.4) has the same columns and types.
 *
 * Feature floats are non-null and use NaN for "not available"; only the label times and `confirm_ts_ns`
 * are nullable.
 *
 * @module
 */
import { DIRECTIONS, LABEL_CLASSES, LEVEL_KINDS } from '../enums.js';
import { type FieldDef, field, nullable, type RowOf } from '../fields.js';
import { defineTable } from './table.js';

const f = (doc: string, unit?: string) => field.float64NaN(doc, unit ? { unit } : {});

/** Group 1, identity (10). */
const identity = {
  event_id: field.utf8('touch episode id <YYYYMMDD>_<KIND>_<cents>_<t0>_<UP|DOWN> (D.4-7)'),
  ts_ns: field.int64('anchor time t0', { unit: 'ns' }),
  timestamp: field.timestampNs('anchor time t0'),
  level_price: field.float64('level price at the anchor L(t0)', { unit: 'pt' }),
  level_kind: field.int8('level kind code (0, 1, 2, 3, 6, 12)'),
  level_kind_name: field.enum(LEVEL_KINDS, 'level kind'),
  direction: field.enum(DIRECTIONS, 'break direction fixed at episode start'),
  entry_price: field.float64('price of the trade that started the episode', { unit: 'pt' }),
  zone_width: field.float64('MONITOR_BAND', { unit: 'pt' }),
  date: field.utf8('session (trade) date YYYY-MM-DD'),
} as const;

/** Group 2, barrier physics (4). */
const barrier = {
  barrier_state: field.utf8('BarrierEngine state at the anchor'),
  barrier_delta_liq: f('net change of defending depth in the zone over W_b', 'contracts'),
  barrier_replenishment_ratio: f('min(R_MAX, A / (C + F))'),
  wall_ratio: f('largest defending queue in the zone / median queue of the book'),
} as const;

/** Group 3, tape physics (5). */
const tape = {
  tape_imbalance: f('aggressor imbalance near the level in W_t'),
  tape_buy_vol: field.int64('aggressive buy volume near the level in W_t', { unit: 'contracts' }),
  tape_sell_vol: field.int64('aggressive sell volume near the level in W_t', { unit: 'contracts' }),
  tape_velocity: f('OLS price slope over W_v', 'pt/s'),
  sweep_detected: field.bool('a qualifying sweep cluster near the level in W_t'),
} as const;

/** Group 4, fuel (2). */
const fuel = {
  gamma_exposure: f('net dealer gamma of placed strikes within FUEL_STRIKE_RANGE', 'USD/pt²'),
  fuel_effect: field.utf8('AMPLIFY | DAMPEN | NEUTRAL'),
} as const;

type KinWindow = 3 | 5 | 10 | 20;
type KinFields = {
  velocity_1min: FieldDef<'float64', false>;
  acceleration_1min: FieldDef<'float64', false>;
  jerk_1min: FieldDef<'float64', false>;
} & {
  [W in KinWindow as `velocity_${W}min` | `acceleration_${W}min` | `jerk_${W}min` | `momentum_trend_${W}min`]: FieldDef<
    'float64',
    false
  >;
};

function kinematics(): KinFields {
  const out: Record<string, FieldDef> = {
    velocity_1min: f('level-frame velocity, 1-minute window', 'pt/s'),
    acceleration_1min: f('level-frame acceleration, 1-minute window', 'pt/s²'),
    jerk_1min: f('level-frame jerk, 1-minute window', 'pt/s³'),
  };
  for (const w of [3, 5, 10, 20]) {
    out[`velocity_${w}min`] = f(`level-frame velocity, ${w}-minute window`, 'pt/s');
    out[`acceleration_${w}min`] = f(`level-frame acceleration, ${w}-minute window`, 'pt/s²');
    out[`jerk_${w}min`] = f(`level-frame jerk, ${w}-minute window`, 'pt/s³');
    out[`momentum_trend_${w}min`] = f(`velocity_1min − velocity_${w}min`, 'pt/s');
  }
  return out as unknown as KinFields;
}

/** Group 6, multi-window OFI (9). */
const ofi = {
  ofi_30s: f('best-level OFI over 30 s', 'contracts'),
  ofi_near_level_30s: f('near-level OFI over 30 s', 'contracts'),
  ofi_60s: f('best-level OFI over 60 s', 'contracts'),
  ofi_near_level_60s: f('near-level OFI over 60 s', 'contracts'),
  ofi_120s: f('best-level OFI over 120 s', 'contracts'),
  ofi_near_level_120s: f('near-level OFI over 120 s', 'contracts'),
  ofi_300s: f('best-level OFI over 300 s', 'contracts'),
  ofi_near_level_300s: f('near-level OFI over 300 s', 'contracts'),
  ofi_acceleration: f('ofi_30s/30 − ofi_120s/120', 'contracts/s'),
} as const;

/** Group 7, barrier evolution (7). */
const barrierEvolution = {
  barrier_delta_1min: f('top-5 depth now minus 1 min ago', 'contracts'),
  barrier_pct_change_1min: f('barrier_delta_1min / depth 1 min ago'),
  barrier_delta_3min: f('top-5 depth now minus 3 min ago', 'contracts'),
  barrier_pct_change_3min: f('barrier_delta_3min / depth 3 min ago'),
  barrier_delta_5min: f('top-5 depth now minus 5 min ago', 'contracts'),
  barrier_pct_change_5min: f('barrier_delta_5min / depth 5 min ago'),
  barrier_depth_current: f('top-5 bid + ask depth at the anchor', 'contracts'),
} as const;

type KindLower = Lowercase<(typeof LEVEL_KINDS)[number]>;
type DistanceFields = {
  [K in KindLower as `dist_to_${K}` | `dist_to_${K}_atr`]: FieldDef<'float64', false>;
} & {
  dist_to_tested_level: FieldDef<'float64', false>;
  level_stacking_2pt: FieldDef<'int8', false>;
  level_stacking_5pt: FieldDef<'int8', false>;
  level_stacking_10pt: FieldDef<'int8', false>;
};

function distances(): DistanceFields {
  const out: Record<string, FieldDef> = {};
  for (const kind of LEVEL_KINDS) {
    const k = kind.toLowerCase();
    out[`dist_to_${k}`] = f(`spot − ${kind} at the anchor (NaN if unavailable)`, 'pt');
    out[`dist_to_${k}_atr`] = f(`dist_to_${k} / (atr + ε)`);
  }
  out.dist_to_tested_level = f('spot − L', 'pt');
  for (const band of [2, 5, 10]) {
    out[`level_stacking_${band}pt`] = field.int8(`other available kinds within ${band} pt of L`);
  }
  return out as unknown as DistanceFields;
}

type Band = 1 | 2 | 3;
type GexFields = {
  [N in Band as
    | `gex_above_${N}strike`
    | `gex_below_${N}strike`
    | `call_gex_above_${N}strike`
    | `put_gex_below_${N}strike`]: FieldDef<'float64', false>;
} & {
  gex_asymmetry: FieldDef<'float64', false>;
  gex_ratio: FieldDef<'float64', false>;
  net_gex_2strike: FieldDef<'float64', false>;
};

function gex(): GexFields {
  const out: Record<string, FieldDef> = {};
  for (const n of [1, 2, 3]) {
    out[`gex_above_${n}strike`] = f(`dealer gamma of placed strikes in (L, L + ${n * 25}]`, 'USD/pt²');
    out[`gex_below_${n}strike`] = f(`dealer gamma of placed strikes in [L − ${n * 25}, L)`, 'USD/pt²');
    out[`call_gex_above_${n}strike`] = f(`call dealer gamma in (L, L + ${n * 25}]`, 'USD/pt²');
    out[`put_gex_below_${n}strike`] = f(`put dealer gamma in [L − ${n * 25}, L)`, 'USD/pt²');
  }
  out.gex_asymmetry = f('gex_above_3strike − gex_below_3strike', 'USD/pt²');
  out.gex_ratio = f('gex_above_3strike / (|gex_below_3strike| + ε)');
  out.net_gex_2strike = f('dealer gamma of placed strikes within ±50 pt', 'USD/pt²');
  return out as unknown as GexFields;
}

/** Groups 10–15 (3 + 5 + 2 + 4 + 11 + 6). */
const tail = {
  // 10. Force/mass
  predicted_accel: f('0.01 · force / mass'),
  accel_residual: f('acceleration_1min − predicted_accel'),
  force_mass_ratio: f('force / mass'),
  // 11. Approach context
  atr: f('average true range of 1-minute bars (ATR_WINDOW_MINUTES)', 'pt'),
  approach_velocity: f('signed close-to-close speed over LOOKBACK_MINUTES', 'pt/min'),
  approach_bars: field.int32('consecutive 1-minute closes moving toward the break'),
  approach_distance: f('|C_last − C_first| over LOOKBACK_MINUTES', 'pt'),
  prior_touches: field.int32('anchored episodes of the kind earlier in the trade date'),
  // 12. Session timing
  minutes_since_open: f('minutes since 09:30 ET', 'min'),
  bars_since_open: field.int32('clamp(floor(minutes_since_open), 0, 240)'),
  // 13. Sparse transforms
  wall_ratio_nonzero: field.int8('wall_ratio ≠ 0'),
  wall_ratio_log: f('sign · ln(1 + |wall_ratio|)'),
  barrier_delta_liq_nonzero: field.int8('barrier_delta_liq ≠ 0'),
  barrier_delta_liq_log: f('sign · ln(1 + |barrier_delta_liq|)'),
  // 14. Normalized
  spot: f('anchor trade price', 'pt'),
  distance_signed: f('spot − L', 'pt'),
  distance_signed_atr: f('distance_signed / (atr + ε)'),
  distance_signed_pct: f('distance_signed / (spot + ε)'),
  dist_to_pm_high_pct: f('dist_to_pm_high / (spot + ε)'),
  dist_to_pm_low_pct: f('dist_to_pm_low / (spot + ε)'),
  dist_to_sma_200_pct: f('dist_to_sma_200 / (spot + ε)'),
  dist_to_sma_400_pct: f('dist_to_sma_400 / (spot + ε)'),
  approach_distance_atr: f('approach_distance / (atr + ε)'),
  approach_distance_pct: f('approach_distance / (spot + ε)'),
  level_price_pct: f('(L − spot) / (spot + ε)'),
  // 15. Attempt clustering
  attempt_index: field.int64('row number within its attempt cluster, from 1'),
  attempt_cluster_id: field.int64('attempt cluster number within (date, kind, direction), from 1'),
  barrier_replenishment_trend: f('row value minus the first row of its cluster'),
  barrier_delta_liq_trend: f('row value minus the first row of its cluster'),
  tape_velocity_trend: f('row value minus the first row of its cluster'),
  tape_imbalance_trend: f('row value minus the first row of its cluster'),
} as const;

/** The 16 label base fields (E.4), in order. */
const labelBase = {
  outcome: field.enum(LABEL_CLASSES, 'BREAK | BOUNCE | CHOP | UNDEFINED'),
  excursion_max: field.float64('max(0, max break progress)', { unit: 'pt' }),
  excursion_min: field.float64('max(0, max bounce progress)', { unit: 'pt' }),
  strength_signed: field.float64('excursion_max − excursion_min', { unit: 'pt' }),
  strength_abs: field.float64('max(excursion_max, excursion_min)', { unit: 'pt' }),
  time_to_threshold_1: nullable(field.float64('min(time_to_break_1, time_to_bounce_1)', { unit: 's' })),
  time_to_threshold_2: nullable(field.float64('min(time_to_break_2, time_to_bounce_2)', { unit: 's' })),
  time_to_break_1: nullable(field.float64('seconds to STRENGTH_THRESHOLD_1 through the level', { unit: 's' })),
  time_to_break_2: nullable(field.float64('seconds to STRENGTH_THRESHOLD_2 through the level', { unit: 's' })),
  time_to_bounce_1: nullable(field.float64('seconds to STRENGTH_THRESHOLD_1 away from the level', { unit: 's' })),
  time_to_bounce_2: nullable(field.float64('seconds to STRENGTH_THRESHOLD_2 away from the level', { unit: 's' })),
  tradeable_1: field.int8('1 iff time_to_threshold_1 is non-null', { min: 0, max: 1 }),
  tradeable_2: field.int8('1 iff time_to_threshold_2 is non-null', { min: 0, max: 1 }),
  confirm_ts_ns: nullable(field.int64('time of the deciding barrier trade', { unit: 'ns' })),
  anchor_spot: field.float64('anchor trade price', { unit: 'pt' }),
  future_price: field.float64('price of the last trade in the horizon', { unit: 'pt' }),
} as const;

type LabelBase = typeof labelBase;
type LabelBlock<S extends string> = { [K in keyof LabelBase as `${K & string}${S}`]: LabelBase[K] };

function labelBlock<S extends '_2min' | '_4min' | '_8min' | ''>(suffix: S): LabelBlock<S> {
  const out: Record<string, FieldDef> = {};
  for (const [name, def] of Object.entries(labelBase)) out[`${name}${suffix}`] = def;
  return out as LabelBlock<S>;
}

/** The 108 feature columns (groups 2–15), in order. */
export const silverFeatureFields = {
  ...barrier,
  ...tape,
  ...fuel,
  ...kinematics(),
  ...ofi,
  ...barrierEvolution,
  ...distances(),
  ...gex(),
  ...tail,
} as const;

/** The 64 label columns (group 16): `_2min`, `_4min`, `_8min`, then the unsuffixed primary horizon. */
export const silverLabelFields = {
  ...labelBlock('_2min'),
  ...labelBlock('_4min'),
  ...labelBlock('_8min'),
  ...labelBlock(''),
} as const;

/** All 182 Silver columns, in F.3 order. */
export const silverFields = { ...identity, ...silverFeatureFields, ...silverLabelFields } as const;

const SILVER_KEYS = { sortKey: ['ts_ns', 'level_kind', 'event_id'], dedupKey: ['event_id'] } as const;

/** `silver/features/es_pipeline`: `silver.features.es_pipeline.v1`. */
export const SilverFeatures = defineTable('silver.features.es_pipeline.v1', 'silver', silverFields, SILVER_KEYS);
/** One Silver row. */
export type SilverFeaturesRow = RowOf<typeof silverFields>;

/** `gold/training/<dataset>`: `training.es_pipeline.v1`, the same 182 columns as Silver. */
export const GoldTraining = defineTable('training.es_pipeline.v1', 'gold', silverFields, SILVER_KEYS);

/** Names of the feature columns (the model's input vector; never a label). */
export const SILVER_FEATURE_COLUMNS: readonly string[] = Object.freeze(Object.keys(silverFeatureFields));
/** Names of the label columns (forward-looking; excluded from every feature vector). */
export const SILVER_LABEL_COLUMNS: readonly string[] = Object.freeze(Object.keys(silverLabelFields));
