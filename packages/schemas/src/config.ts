/**
 * Every tunable parameter of the specification (spec README §5, the single parameter table), with its
 * default, unit, allowed range and meaning; {@link defineConfig} merges overrides and validates them.
 *
 * Names are the spec's names exactly (`W_b`, `tau_score`, `RTH_START`, ...), so a parameter can be found
 * in the spec by searching for its name.
 *
 * @module
 */
import * as z from 'zod';
import { DEFAULT_CONFIG, deepFreeze } from './defaults.js';
import { CME_MONTH_CODES, type CmeMonthCode, LEVEL_KINDS } from './enums.js';

/** Spec README §5 section a parameter belongs to. */
export type ConfigSection =
  | '5.1 Clock, calendar, windows'
  | '5.2 Ingest, contracts, replay'
  | '5.3 Market state, bars, levels'
  | '5.4 Proximity and touch episodes'
  | '5.5 Barrier'
  | '5.6 Tape'
  | '5.7 Fuel'
  | '5.8 Kinematics and OFI'
  | '5.9 Score, trigger, smoothing, confluence'
  | '5.10 Frontend derived metrics'
  | '5.11 Labels and Silver-only features'
  | '5.12 Lake and messaging';

/** Description of one parameter: the data behind the docs table, the zod schema and the error messages. */
export interface ParamSpec<V = unknown> {
  /** Default value. */
  readonly default: V;
  /** Unit (`s`, `pt`, `contracts`, `ET`, ...) or `—` for dimensionless values. */
  readonly unit: string;
  /** Spec README section. */
  readonly section: ConfigSection;
  /** Meaning and users. */
  readonly doc: string;
  /** Human-readable allowed values, used in error messages and docs. */
  readonly allowed: string;
  /** Builds the zod schema; `name` goes into every error message. */
  readonly schema: (name: string) => z.ZodType<V>;
}

interface NumberBounds {
  min: number;
  max: number;
  /** Exclusive lower bound (`min < x`). */
  gt?: boolean;
  integer?: boolean;
}

function describeBounds(bounds: NumberBounds, unit: string): string {
  const kind = bounds.integer ? 'an integer' : 'a number';
  const u = unit === '—' ? '' : ` ${unit}`;
  return `${kind} in ${bounds.gt ? '(' : '['}${bounds.min}, ${bounds.max}]${u}`;
}

function numberSchema(name: string, bounds: NumberBounds, unit: string): z.ZodType<number> {
  const allowed = describeBounds(bounds, unit);
  return z
    .number({ error: (issue) => `${name}: expected ${allowed}, got ${describeValue(issue.input)}` })
    .refine((x) => (bounds.integer ? Number.isInteger(x) : true), {
      error: (issue) => `${name}: ${issue.input} is not an integer; allowed: ${allowed}`,
    })
    .refine((x) => (bounds.gt ? x > bounds.min : x >= bounds.min) && x <= bounds.max, {
      error: (issue) => `${name}: ${issue.input} is out of range; allowed: ${allowed}`,
    });
}

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function num(
  section: ConfigSection,
  value: number,
  unit: string,
  bounds: NumberBounds,
  doc: string,
): ParamSpec<number> {
  return {
    default: value,
    unit,
    section,
    doc,
    allowed: describeBounds(bounds, unit),
    schema: (name) => numberSchema(name, bounds, unit),
  };
}

const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

function time(section: ConfigSection, value: string, doc: string): ParamSpec<string> {
  return {
    default: value,
    unit: 'ET',
    section,
    doc,
    allowed: 'an ET wall-clock time HH:MM from 00:00 to 23:59',
    schema: (name) =>
      z
        .string({
          error: (issue) => `${name}: expected an ET wall-clock time "HH:MM", got ${describeValue(issue.input)}`,
        })
        .regex(HHMM, {
          error: (issue) => `${name}: ${describeValue(issue.input)} is not an ET time "HH:MM" (00:00–23:59)`,
        }),
  };
}

function choice<const T extends readonly [string, ...string[]]>(
  section: ConfigSection,
  values: T,
  value: T[number],
  unit: string,
  doc: string,
): ParamSpec<T[number]> {
  const allowed = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return {
    default: value,
    unit,
    section,
    doc,
    allowed,
    schema: (name) =>
      z.enum(values, {
        error: (issue) => `${name}: ${describeValue(issue.input)} is not allowed; allowed: ${allowed}`,
      }),
  };
}

function text(section: ConfigSection, value: string, pattern: RegExp, allowed: string, doc: string): ParamSpec<string> {
  return {
    default: value,
    unit: '—',
    section,
    doc,
    allowed,
    schema: (name) =>
      z
        .string({ error: (issue) => `${name}: expected ${allowed}, got ${describeValue(issue.input)}` })
        .regex(pattern, { error: (issue) => `${name}: ${describeValue(issue.input)} is not ${allowed}` }),
  };
}

/**
 * A list that names columns or payload keys of a versioned schema (Silver v1, `levels.signals.v1`), so it
 * cannot change without a new schema version (docs/decisions.md).
 */
function fixedList<const T extends readonly number[]>(
  section: ConfigSection,
  value: T,
  unit: string,
  doc: string,
): ParamSpec<T> {
  const allowed = `exactly [${value.join(', ')}] (names columns of the v1 schemas)`;
  return {
    default: value,
    unit,
    section,
    doc,
    allowed,
    schema: (name) =>
      z.custom<T>(
        (input) =>
          Array.isArray(input) && input.length === value.length && input.every((x, i) => Object.is(x, value[i])),
        { error: (issue) => `${name}: ${describeValue(issue.input)} is not allowed; allowed: ${allowed}` },
      ),
  };
}

function pair(
  section: ConfigSection,
  value: readonly [number, number],
  unit: string,
  bounds: NumberBounds,
  doc: string,
): ParamSpec<readonly [number, number]> {
  const allowed = `[low, high] with low ≤ high, each ${describeBounds(bounds, unit)}`;
  return {
    default: value,
    unit,
    section,
    doc,
    allowed,
    schema: (name) =>
      z
        .tuple([numberSchema(`${name}[0]`, bounds, unit), numberSchema(`${name}[1]`, bounds, unit)], {
          error: (issue) => `${name}: expected ${allowed}, got ${describeValue(issue.input)}`,
        })
        .refine(([low, high]) => low <= high, {
          error: (issue) => `${name}: ${describeValue(issue.input)} has low > high; allowed: ${allowed}`,
        }) as unknown as z.ZodType<readonly [number, number]>,
  };
}

export { CME_MONTH_CODES, type CmeMonthCode } from './enums.js';

function months(
  section: ConfigSection,
  value: readonly CmeMonthCode[],
  doc: string,
): ParamSpec<readonly CmeMonthCode[]> {
  const allowed = 'a non-empty list of CME month codes (F G H J K M N Q U V X Z) in calendar order';
  return {
    default: value,
    unit: '—',
    section,
    doc,
    allowed,
    schema: (name) =>
      z
        .array(z.enum(CME_MONTH_CODES), {
          error: (issue) => `${name}: expected ${allowed}, got ${describeValue(issue.input)}`,
        })
        .min(1, { error: `${name}: empty; allowed: ${allowed}` })
        .refine(
          (list) =>
            list.every(
              (m, i) => i === 0 || CME_MONTH_CODES.indexOf(m) > CME_MONTH_CODES.indexOf(list[i - 1] as CmeMonthCode),
            ),
          {
            error: (issue) =>
              `${name}: ${describeValue(issue.input)} is not in calendar order without repeats; allowed: ${allowed}`,
          },
        ),
  };
}

/** Keys of the `FE_KIND_WEIGHTS` parameter: the six level kinds and `other`. */
export type KindWeightKey = (typeof LEVEL_KINDS)[number] | 'other';

function kindWeights(
  section: ConfigSection,
  value: Readonly<Record<KindWeightKey, number>>,
  doc: string,
): ParamSpec<Readonly<Record<KindWeightKey, number>>> {
  const allowed =
    'an object with a weight in [0, 10] for each of PM_HIGH, PM_LOW, OR_HIGH, OR_LOW, SMA_200, SMA_400, other';
  return {
    default: value,
    unit: '—',
    section,
    doc,
    allowed,
    schema: (name) => {
      const shape = Object.fromEntries(
        [...LEVEL_KINDS, 'other'].map((k) => [k, numberSchema(`${name}.${k}`, { min: 0, max: 10 }, '—')]),
      );
      return z.strictObject(shape, {
        error: (issue) => `${name}: expected ${allowed}, got ${describeValue(issue.input)}`,
      }) as unknown as z.ZodType<Readonly<Record<KindWeightKey, number>>>;
    },
  };
}

function optionalNs(section: ConfigSection, doc: string): ParamSpec<bigint | null> {
  const allowed = 'null or a bigint of ns since the Unix epoch, UTC, ≥ 0';
  return {
    default: null,
    unit: 'ns',
    section,
    doc,
    allowed,
    schema: (name) =>
      z
        .bigint({ error: (issue) => `${name}: expected ${allowed}, got ${describeValue(issue.input)}` })
        .min(0n, { error: (issue) => `${name}: ${describeValue(issue.input)} is negative; allowed: ${allowed}` })
        .nullable(),
  };
}

function fixed<const V extends string | number>(
  section: ConfigSection,
  value: V,
  unit: string,
  doc: string,
): ParamSpec<V> {
  const allowed = `exactly ${JSON.stringify(value)} (fixed by the spec)`;
  return {
    default: value,
    unit,
    section,
    doc,
    allowed,
    schema: (name) =>
      z.literal(value, {
        error: (issue) => `${name}: ${describeValue(issue.input)} is not allowed; allowed: ${allowed}`,
      }),
  };
}

const S1 = '5.1 Clock, calendar, windows';
const S2 = '5.2 Ingest, contracts, replay';
const S3 = '5.3 Market state, bars, levels';
const S4 = '5.4 Proximity and touch episodes';
const S5 = '5.5 Barrier';
const S6 = '5.6 Tape';
const S7 = '5.7 Fuel';
const S8 = '5.8 Kinematics and OFI';
const S9 = '5.9 Score, trigger, smoothing, confluence';
const S10 = '5.10 Frontend derived metrics';
const S11 = '5.11 Labels and Silver-only features';
const S12 = '5.12 Lake and messaging';

const DAY_S = 86_400;
const POSITIVE_S = { min: 0, max: DAY_S, gt: true } as const;
const POINTS = { min: 0, max: 1000, gt: true } as const;
const CONTRACTS = { min: 0, max: 1e9, gt: true } as const;
const SCORE = { min: 0, max: 100 } as const;
const UNIT = { min: 0, max: 1 } as const;
const TAU = { min: 0, max: 3600, gt: true } as const;

/** The parameter table: name → spec. Object key order is the spec README's order. */
export const CONFIG_PARAMS = {
  // 5.1 Clock, calendar, windows
  TZ: fixed(S1, 'America/New_York', '—', 'zone of every ET conversion (rule-based US DST calendar, 2007 onward)'),
  TRADE_DATE_SHIFT: fixed(S1, 6, 'h', 'trade date = ET date of t + 6 h (CME Globex opens at 18:00 ET)'),
  PREMARKET_START: time(S1, '04:00', 'start of the premarket window [PREMARKET_START, RTH_START): PM_HIGH / PM_LOW'),
  RTH_START: time(S1, '09:30', 'RTH and opening-range start; timing context, emission, IV freshness'),
  OPENING_RANGE_MINUTES: num(
    S1,
    15,
    'min',
    { min: 1, max: 240, integer: true },
    'opening-range length: OR_HIGH / OR_LOW window',
  ),
  RTH_END: time(S1, '13:30', 'RTH end (excluded): touches, emission, bars_since_open clamp'),
  FIRST_MINUTES: num(S1, 15, 'min', { min: 0, max: 240, integer: true }, 'span of is_first_15m after RTH_START'),
  SNAP_INTERVAL_MS: num(
    S1,
    250,
    'ms',
    { min: 1, max: 60_000, integer: true },
    'snap grid: epoch-aligned multiples of this interval',
  ),
  EMIT_FROM_NS: optionalNs(S1, 'first emitted snap after a warm-up replay (null: no bound)'),
  // 5.2 Ingest, contracts, replay
  FUTURES_ROOT: text(
    S2,
    'ES',
    /^[A-Z][A-Z0-9]{0,5}$/,
    'an upper-case product root of 1–6 characters',
    'futures product root of the front month',
  ),
  QUARTERLY_MONTHS: months(
    S2,
    ['H', 'M', 'U', 'Z'],
    'contract months of the front-month cycle (H=Mar, M=Jun, U=Sep, Z=Dec)',
  ),
  ROLL_DAYS_BEFORE_EXPIRY: num(
    S2,
    8,
    'calendar days',
    { min: 0, max: 60, integer: true },
    'roll date R = expiry E minus this',
  ),
  DOMINANCE_THRESHOLD: num(
    S2,
    0.6,
    'fraction of RTH trade count',
    UNIT,
    'roll QA: minimum share of the dominant contract',
  ),
  BASIS_MAX_AGE_S: num(S2, 60, 's', POSITIVE_S, 'oldest top of book usable for the roll-window basis'),
  LATENESS_BUFFER_MS: num(S2, 500, 'ms', { min: 0, max: 600_000, integer: true }, 'live reorder buffer of the ingest'),
  REPLAY_SPEED: num(S2, 1.0, '× real time', { min: 0, max: 1e6 }, 'replay pacing; 0 = as fast as possible'),
  REPLAY_MAX_SLEEP_S: num(S2, 5, 's', { min: 0, max: 3600 }, 'longest sleep between two replayed events'),
  TICK_SIZE: num(S2, 0.25, 'pt', { min: 0, max: 100, gt: true }, 'futures tick: price keys and zones'),
  FUT_MULTIPLIER: num(
    S2,
    50,
    'USD/pt',
    { min: 0, max: 1e6, gt: true },
    'ES futures multiplier: reported sweep notional',
  ),
  OPTION_MULTIPLIER: num(
    S2,
    50,
    'USD/pt',
    { min: 0, max: 1e6, gt: true },
    'ES option multiplier: premium, dealer gamma, flow',
  ),
  ES_0DTE_STRIKE_SPACING: num(S2, 25, 'pt', POINTS, 'dominant 0DTE strike spacing: converts strike counts to points'),
  // 5.3 Market state, bars, levels
  BOOK_DEPTH: num(S3, 10, 'levels per side', { min: 1, max: 10, integer: true }, 'MBP-10 book depth used'),
  TRADE_RETENTION_S: num(S3, 60, 's', POSITIVE_S, 'trade ring retention, at least max(W_t, W_v)'),
  FLOW_RETENTION_S: num(
    S3,
    300,
    's',
    POSITIVE_S,
    'depth-flow and OFI ring retention, at least max(W_b, largest OFI window)',
  ),
  MID_RETENTION_S: num(S3, 1200, 's', POSITIVE_S, 'mid history retention, at least the largest kinematics window'),
  MINUTE_BAR_S: num(S3, 60, 's', { min: 1, max: 3600, integer: true }, '1-minute bars and closes: ATR, approach'),
  SMA_BAR_S: num(S3, 120, 's', { min: 1, max: 3600, integer: true }, 'SMA bar length (2-minute bars)'),
  SMA_FAST_PERIOD: num(S3, 200, '2-min bars', { min: 1, max: 10_000, integer: true }, 'SMA_200 period'),
  SMA_SLOW_PERIOD: num(S3, 400, '2-min bars', { min: 1, max: 10_000, integer: true }, 'SMA_400 period'),
  SMA_WARMUP_DAYS: num(
    S3,
    3,
    'trade dates',
    { min: 0, max: 30, integer: true },
    'earlier trade dates replayed to warm the SMAs',
  ),
  PRICE_SANITY_MIN: num(S3, 3000, 'pt', { min: 0, max: 1e6 }, 'bars and PM/OR levels ignore prints below'),
  PRICE_SANITY_MAX: num(S3, 10000, 'pt', { min: 0, max: 1e6 }, 'bars and PM/OR levels ignore prints above'),
  ATR_WINDOW_MINUTES: num(S3, 14, '1-minute bars', { min: 1, max: 1440, integer: true }, 'Silver atr window'),
  LOOKBACK_MINUTES: num(S3, 10, 'min', { min: 1, max: 240, integer: true }, 'approach context window'),
  // 5.4 Proximity and touch episodes
  MONITOR_BAND: num(S4, 5.0, 'pt', POINTS, 'interaction zone: monitored, episodes, signal gating'),
  TOUCH_BAND: num(S4, 2.0, 'pt', POINTS, 'precise contact: touching, anchors, BOUNCE entry'),
  EXIT_DWELL_SECONDS: num(
    S4,
    60,
    's',
    { min: 0, max: DAY_S },
    'episode end after price stays outside the band this long',
  ),
  TOUCH_CLUSTER_TIME_MINUTES: num(S4, 15, 'min', { min: 0, max: 1440 }, 'attempt clustering: time gap'),
  TOUCH_CLUSTER_PRICE_BAND: num(S4, 0.1, 'pt', { min: 0, max: 1000 }, 'attempt clustering: level move'),
  // 5.5 Barrier
  W_b: num(S5, 240, 's', POSITIVE_S, 'barrier window'),
  BARRIER_ZONE_TICKS: num(
    S5,
    8,
    'ticks',
    { min: 1, max: 400, integer: true },
    'barrier zone half-width in ticks (8 × 0.25 = 2.0 pt)',
  ),
  R_vac: num(S5, 0.3, '—', { min: 0, max: 100 }, 'VACUUM replenishment ceiling'),
  R_wall: num(S5, 1.5, '—', { min: 0, max: 100 }, 'WALL replenishment floor'),
  F_thresh: num(S5, 100, 'contracts', CONTRACTS, 'net liquidity threshold'),
  R_MAX: num(S5, 10, '—', { min: 0, max: 1e6, gt: true }, 'cap of the replenishment ratio'),
  WEAK_DEPTH_MIN: num(S5, 50, 'contracts', { min: 0, max: 1e9 }, 'WEAK below this visible depth'),
  BARRIER_CONF_SCALE: num(S5, 500, 'contracts', CONTRACTS, 'net activity (churn) for full barrier confidence'),
  // 5.6 Tape
  W_t: num(S6, 60, 's', POSITIVE_S, 'tape imbalance and sweep window'),
  TAPE_BAND: num(S6, 0.5, 'pt', { min: 0, max: 1000 }, '"near the level" for prints'),
  W_v: num(S6, 3, 's', POSITIVE_S, 'tape velocity window'),
  SWEEP_MAX_GAP_MS: num(S6, 100, 'ms', { min: 0, max: 60_000 }, 'largest gap inside a sweep cluster'),
  SWEEP_MIN_PRINTS: num(S6, 2, 'prints', { min: 1, max: 10_000, integer: true }, 'minimum sweep cluster size'),
  SWEEP_MIN_DISTINCT_PRICES: num(
    S6,
    2,
    'prices',
    { min: 1, max: 10_000, integer: true },
    'minimum price levels a sweep walks',
  ),
  SWEEP_MIN_CONTRACTS: num(S6, 50, 'contracts', { min: 0, max: 1e9 }, 'minimum total sweep size'),
  TAPE_CONF_SCALE: num(S6, 500, 'contracts', CONTRACTS, 'volume for full tape confidence'),
  // 5.7 Fuel
  FUEL_STRIKE_RANGE: num(S7, 75, 'pt', POINTS, 'placed strikes counted for a level; half-width of the es.hvl grid'),
  W_g: num(S7, 60, 's', POSITIVE_S, 'gamma_flow window and fuel-confidence volume window'),
  FUEL_GAMMA_THRESH: num(S7, 1000, 'USD/pt²', { min: 0, max: 1e12 }, 'AMPLIFY / DAMPEN threshold (provisional)'),
  WALL_MIN_GAMMA: num(
    S7,
    2000,
    'USD/pt²',
    { min: 0, max: 1e12, gt: true },
    'minimum dealer gamma of a wall (provisional)',
  ),
  RISK_FREE_RATE: num(S7, 0.045, '1/yr', { min: -0.1, max: 1 }, 'Black-76 discounting'),
  FUEL_IV_MODE: choice(
    S7,
    ['implied', 'fixed'] as const,
    'implied',
    '—',
    'implied: solve IV per trade; fixed: SIGMA_FIXED for all (tests)',
  ),
  SIGMA_DEFAULT: num(S7, 0.2, '1/√yr', { min: 0, max: 10, gt: true }, 'vol without a fresh solved IV'),
  SIGMA_FIXED: num(S7, 0.15, '1/√yr', { min: 0, max: 10, gt: true }, 'vol in fixed mode'),
  IV_BOUNDS: pair(S7, [0.01, 5.0], '1/√yr', { min: 0, max: 100, gt: true }, 'IV bisection bracket'),
  IV_ITERATIONS: num(S7, 64, '—', { min: 1, max: 1000, integer: true }, 'IV bisection steps'),
  IV_MAX_AGE: num(S7, 30, 'min', { min: 0, max: 1440 }, 'an IV solved before RTH_START is used only up to this age'),
  YEAR_SECONDS: num(S7, 5_896_800, 's', { min: 0, max: 31_622_400, gt: true }, 'trading-time year (252 × 6.5 h)'),
  T_MIN_S: num(S7, 60, 's', { min: 0, max: DAY_S, gt: true }, 'floor on time to expiry'),
  FUEL_CONF_SCALE: num(S7, 1000, 'contracts', CONTRACTS, 'option volume in range within W_g for full confidence'),
  // 5.8 Kinematics and OFI
  KIN_WINDOWS_S: fixedList(S8, [60, 180, 300, 600, 1200] as const, 's', 'kinematics windows 1m, 3m, 5m, 10m, 20m'),
  KIN_SAMPLES: fixed(S8, 4, 'samples', 'samples per kinematics window, spacing W/3'),
  OFI_WINDOWS_S: fixedList(S8, [30, 60, 120, 300] as const, 's', 'OFI windows'),
  OFI_NEAR_ZONE: num(S8, 2.0, 'pt', { min: 0, max: 1000 }, 'near-level OFI half-width'),
  // 5.9 Score, trigger, smoothing, confluence
  w_L: num(S9, 0.45, '—', UNIT, 'liquidity (barrier) weight of the composite score'),
  w_H: num(S9, 0.35, '—', UNIT, 'hedge (fuel) weight'),
  w_T: num(S9, 0.2, '—', UNIT, 'tape weight'),
  TAPE_VELOCITY_NORM: num(
    S9,
    0.5,
    'pt/s',
    { min: 0, max: 1000, gt: true },
    'velocity giving the full tape velocity sub-score',
  ),
  BREAK_SCORE_THRESHOLD: num(S9, 80, 'score', SCORE, 'BREAK entry (strictly above)'),
  BOUNCE_SCORE_THRESHOLD: num(S9, 20, 'score', SCORE, 'BOUNCE entry (strictly below)'),
  BREAK_RELEASE: num(S9, 70, 'score', SCORE, 'BREAK held while the score is at least this'),
  BOUNCE_RELEASE: num(S9, 30, 'score', SCORE, 'BOUNCE held while the score is at most this'),
  TRIGGER_HOLD_TIME: num(S9, 3, 's', { min: 0, max: 3600 }, 'continuous time an entry condition must hold'),
  CHOP_BAND: pair(S9, [30, 70], 'score', SCORE, 'CHOP score band (inclusive)'),
  CHOP_MIN_TAPE_VOLUME: num(S9, 1000, 'contracts', { min: 0, max: 1e9 }, 'tape volume needed for CHOP'),
  CONF_HIGH: num(S9, 0.7, '—', UNIT, 'confidence cut-off for HIGH'),
  CONF_MEDIUM: num(S9, 0.4, '—', UNIT, 'confidence cut-off for MEDIUM'),
  tau_score: num(S9, 2.0, 's', TAU, 'smoothing of break_score_raw'),
  tau_velocity: num(S9, 1.5, 's', TAU, 'smoothing of tape.velocity'),
  tau_delta_liq: num(S9, 3.0, 's', TAU, 'smoothing of barrier.delta_liq'),
  tau_replenish: num(S9, 3.0, 's', TAU, 'smoothing of barrier.replenishment_ratio'),
  tau_dealer_gamma: num(S9, 5.0, 's', TAU, 'smoothing of fuel.net_dealer_gamma'),
  CONFLUENCE_BAND: num(S9, 5.0, 'pt', POINTS, 'confluence neighbourhood'),
  CONFLUENCE_TREND_EPS: num(S9, 0.5, 'pt', { min: 0, max: 1000 }, 'SMA_200 vs SMA_400 separation that defines a trend'),
  // 5.10 Frontend derived metrics
  FE_CONFLUENCE_BAND: num(S10, 1.5, 'pt', { min: 0.5, max: 5.0 }, 'UI grouping band (user range [0.5, 5.0])'),
  FE_GROUP_SCORE_SCALE: num(S10, 3, 'weight units', { min: 0, max: 100, gt: true }, 'group strength = score / scale'),
  FE_KIND_WEIGHTS: kindWeights(
    S10,
    { PM_HIGH: 1.0, PM_LOW: 1.0, OR_HIGH: 1.0, OR_LOW: 1.0, SMA_200: 0.7, SMA_400: 0.7, other: 0.3 },
    'confluence group weights per level kind',
  ),
  // 5.11 Labels and Silver-only features
  OUTCOME_THRESHOLD: num(S11, 75, 'pt', POINTS, 'BREAK / BOUNCE label threshold (3 strikes)'),
  STRENGTH_THRESHOLD_1: num(S11, 25, 'pt', POINTS, 'time_to_*_1, tradeable_1 threshold (1 strike)'),
  STRENGTH_THRESHOLD_2: num(S11, 75, 'pt', POINTS, 'time_to_*_2, tradeable_2 threshold (3 strikes)'),
  LOOKFORWARD_MINUTES: fixed(S11, 8, 'min', 'primary (unsuffixed) label horizon'),
  LABEL_HORIZONS_MINUTES: fixedList(S11, [2, 4, 8] as const, 'min', 'label horizons'),
  GEX_BANDS: fixedList(S11, [25, 50, 75] as const, 'pt', 'Silver GEX bands (1/2/3 strikes)'),
  BARRIER_EVOLUTION_WINDOWS: fixedList(S11, [1, 3, 5] as const, 'min', 'Silver barrier evolution windows'),
  STACKING_BANDS: fixedList(S11, [2, 5, 10] as const, 'pt', 'Silver level stacking bands'),
  // 5.12 Lake and messaging
  BRONZE_FLUSH_EVENTS: num(
    S12,
    1000,
    'events',
    { min: 1, max: 1e7, integer: true },
    'Bronze writer flush size (per schema)',
  ),
  BRONZE_FLUSH_SECONDS: num(S12, 5, 's', POSITIVE_S, 'Bronze writer flush interval (per schema)'),
  GOLD_FLUSH_RECORDS: num(S12, 500, 'rows', { min: 1, max: 1e7, integer: true }, 'Gold streaming writer flush size'),
  GOLD_FLUSH_SECONDS: num(S12, 10, 's', POSITIVE_S, 'Gold streaming writer flush interval'),
  ZSTD_LEVEL: num(S12, 3, '—', { min: 1, max: 22, integer: true }, 'Parquet ZSTD compression level'),
  STREAM_MAX_AGE: num(S12, 24, 'h', { min: 0, max: 24 * 365, gt: true }, 'JetStream retention'),
  DUPLICATE_WINDOW: num(S12, 120, 's', POSITIVE_S, 'JetStream dedup window by Nats-Msg-Id'),
  ACK_WAIT: num(S12, 30, 's', POSITIVE_S, 'durable consumer ack wait'),
  MAX_ACK_PENDING: num(
    S12,
    10_000,
    'messages',
    { min: 1, max: 1e9, integer: true },
    'durable consumer max ack pending',
  ),
  TRAINING_DATASET: text(
    S12,
    'signals_production',
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
    'a file-name-safe dataset name',
    'Gold training file name',
  ),
} as const satisfies Record<string, ParamSpec<unknown>>;

/** Name of a configuration parameter. */
export type ConfigKey = keyof typeof CONFIG_PARAMS;

/** The full configuration: every parameter of the spec with its value. */
export type Config = {
  readonly [K in ConfigKey]: (typeof CONFIG_PARAMS)[K] extends ParamSpec<infer V> ? V : never;
};

/** A partial configuration: the overrides passed to {@link defineConfig}. */
export type ConfigOverrides = { readonly [K in ConfigKey]?: Config[K] };

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function issue(ctx: z.core.$RefinementCtx, path: ConfigKey, message: string): void {
  ctx.addIssue({ code: 'custom', path: [path], message: `${path}: ${message}` });
}

function crossFieldRules(c: Config, ctx: z.core.$RefinementCtx): void {
  if (minutesOf(c.PREMARKET_START) >= minutesOf(c.RTH_START)) {
    issue(ctx, 'PREMARKET_START', `${c.PREMARKET_START} must be before RTH_START ${c.RTH_START}`);
  }
  if (minutesOf(c.RTH_START) >= minutesOf(c.RTH_END)) {
    issue(ctx, 'RTH_END', `${c.RTH_END} must be after RTH_START ${c.RTH_START}`);
  }
  if (minutesOf(c.RTH_END) >= 18 * 60 || minutesOf(c.PREMARKET_START) < 3 * 60) {
    issue(ctx, 'RTH_END', 'session windows must lie within 03:00–18:00 ET, inside one trade date');
  }
  if (minutesOf(c.RTH_START) + c.OPENING_RANGE_MINUTES > minutesOf(c.RTH_END)) {
    issue(ctx, 'OPENING_RANGE_MINUTES', `${c.OPENING_RANGE_MINUTES} min runs past RTH_END ${c.RTH_END}`);
  }
  if (c.TOUCH_BAND > c.MONITOR_BAND) {
    issue(ctx, 'TOUCH_BAND', `${c.TOUCH_BAND} pt must not exceed MONITOR_BAND ${c.MONITOR_BAND} pt`);
  }
  if (c.TRADE_RETENTION_S < Math.max(c.W_t, c.W_v)) {
    issue(
      ctx,
      'TRADE_RETENTION_S',
      `${c.TRADE_RETENTION_S} s must be at least max(W_t, W_v) = ${Math.max(c.W_t, c.W_v)} s`,
    );
  }
  const flowNeed = Math.max(c.W_b, ...c.OFI_WINDOWS_S);
  if (c.FLOW_RETENTION_S < flowNeed) {
    issue(ctx, 'FLOW_RETENTION_S', `${c.FLOW_RETENTION_S} s must be at least max(W_b, OFI windows) = ${flowNeed} s`);
  }
  const midNeed = Math.max(...c.KIN_WINDOWS_S);
  if (c.MID_RETENTION_S < midNeed) {
    issue(ctx, 'MID_RETENTION_S', `${c.MID_RETENTION_S} s must be at least the largest kinematics window ${midNeed} s`);
  }
  if (c.SMA_FAST_PERIOD >= c.SMA_SLOW_PERIOD) {
    issue(ctx, 'SMA_FAST_PERIOD', `${c.SMA_FAST_PERIOD} must be below SMA_SLOW_PERIOD ${c.SMA_SLOW_PERIOD}`);
  }
  if (c.SMA_BAR_S % c.MINUTE_BAR_S !== 0) {
    issue(ctx, 'SMA_BAR_S', `${c.SMA_BAR_S} s must be a multiple of MINUTE_BAR_S ${c.MINUTE_BAR_S} s`);
  }
  if (c.PRICE_SANITY_MIN >= c.PRICE_SANITY_MAX) {
    issue(ctx, 'PRICE_SANITY_MIN', `${c.PRICE_SANITY_MIN} pt must be below PRICE_SANITY_MAX ${c.PRICE_SANITY_MAX} pt`);
  }
  if (c.R_vac >= c.R_wall) {
    issue(ctx, 'R_vac', `${c.R_vac} must be below R_wall ${c.R_wall}`);
  }
  if (Math.abs(c.w_L + c.w_H + c.w_T - 1) > 1e-9) {
    issue(
      ctx,
      'w_L',
      `w_L + w_H + w_T = ${c.w_L + c.w_H + c.w_T}; the weights must sum to 1 so the score stays in [0, 100]`,
    );
  }
  if (c.BREAK_RELEASE > c.BREAK_SCORE_THRESHOLD) {
    issue(ctx, 'BREAK_RELEASE', `${c.BREAK_RELEASE} must not exceed BREAK_SCORE_THRESHOLD ${c.BREAK_SCORE_THRESHOLD}`);
  }
  if (c.BOUNCE_RELEASE < c.BOUNCE_SCORE_THRESHOLD) {
    issue(
      ctx,
      'BOUNCE_RELEASE',
      `${c.BOUNCE_RELEASE} must not be below BOUNCE_SCORE_THRESHOLD ${c.BOUNCE_SCORE_THRESHOLD}`,
    );
  }
  if (c.BOUNCE_SCORE_THRESHOLD >= c.BREAK_SCORE_THRESHOLD) {
    issue(
      ctx,
      'BOUNCE_SCORE_THRESHOLD',
      `${c.BOUNCE_SCORE_THRESHOLD} must be below BREAK_SCORE_THRESHOLD ${c.BREAK_SCORE_THRESHOLD}`,
    );
  }
  if (c.CONF_MEDIUM > c.CONF_HIGH) {
    issue(ctx, 'CONF_MEDIUM', `${c.CONF_MEDIUM} must not exceed CONF_HIGH ${c.CONF_HIGH}`);
  }
  if (c.SIGMA_DEFAULT < c.IV_BOUNDS[0] || c.SIGMA_DEFAULT > c.IV_BOUNDS[1]) {
    issue(ctx, 'SIGMA_DEFAULT', `${c.SIGMA_DEFAULT} must lie inside IV_BOUNDS [${c.IV_BOUNDS.join(', ')}]`);
  }
  if (c.STRENGTH_THRESHOLD_1 > c.STRENGTH_THRESHOLD_2) {
    issue(
      ctx,
      'STRENGTH_THRESHOLD_1',
      `${c.STRENGTH_THRESHOLD_1} pt must not exceed STRENGTH_THRESHOLD_2 ${c.STRENGTH_THRESHOLD_2} pt`,
    );
  }
  if (c.WALL_MIN_GAMMA < c.FUEL_GAMMA_THRESH) {
    issue(ctx, 'WALL_MIN_GAMMA', `${c.WALL_MIN_GAMMA} must be at least FUEL_GAMMA_THRESH ${c.FUEL_GAMMA_THRESH}`);
  }
}

function buildSchema() {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(CONFIG_PARAMS) as [string, ParamSpec][]) {
    shape[name] = spec.schema(name);
  }
  return z
    .strictObject(shape, {
      error: (i) =>
        i.code === 'unrecognized_keys'
          ? `unknown configuration parameter${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')} (names are the spec's, e.g. W_b, tau_score, RTH_START)`
          : 'configuration must be an object',
    })
    .superRefine((value, ctx) => crossFieldRules(value as unknown as Config, ctx)) as unknown as z.ZodType<Config>;
}

/** Zod schema of a complete {@link Config}, including the cross-field rules; messages name the field and allowed range. */
export const ConfigSchema: z.ZodType<Config> = buildSchema();

/** The spec's defaults, frozen (plain data in `defaults.ts`, generated from {@link CONFIG_PARAMS}). */
export { DEFAULT_CONFIG };

/** One rejected configuration value. */
export interface ConfigIssue {
  /** Parameter name (with `[i]` or `.key` for a part of a list or object). */
  field: string;
  /** What is wrong and what is allowed. */
  message: string;
}

/** Error thrown by {@link defineConfig}: every rejected field, each with what is wrong and what is allowed. */
export class ConfigError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/schemas/ConfigError');
  /** The rejected fields. */
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
  /** True for a `ConfigError` from any copy of this package. */
  static is(error: unknown): error is ConfigError {
    return (
      error instanceof Error && (error as { constructor?: { brand?: symbol } }).constructor?.brand === ConfigError.brand
    );
  }
}

/** Validate a complete configuration object; returns it frozen or throws {@link ConfigError}. */
export function parseConfig(value: unknown): Config {
  const result = ConfigSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({
        field:
          i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : n === 0 ? String(p) : `.${String(p)}`)).join('') ||
          '(root)',
        message: i.message,
      })),
    );
  }
  return deepFreeze(structuredCloneConfig(result.data));
}

function structuredCloneConfig(config: Config): Config {
  // Detach arrays and objects from the caller's overrides so freezing never touches their values.
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v && typeof v === 'object' ? { ...v } : v]),
  ) as unknown as Config;
}

/**
 * Merge overrides into {@link DEFAULT_CONFIG} and validate the result. Out-of-range, mistyped or unknown
 * values are rejected with a {@link ConfigError} whose messages name the field and the allowed range.
 *
 * @example
 * ```ts
 * const config = defineConfig({ MONITOR_BAND: 4, tau_score: 1.5 });
 * defineConfig({ W_b: -1 }); // throws ConfigError: "W_b: -1 is out of range; allowed: a number in (0, 86400] s"
 * ```
 */
export function defineConfig(overrides: ConfigOverrides = {}): Config {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new ConfigError([{ field: '(root)', message: 'configuration overrides must be an object' }]);
  }
  return parseConfig({ ...DEFAULT_CONFIG, ...overrides });
}
