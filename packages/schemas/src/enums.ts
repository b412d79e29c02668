/**
 * Enumerations shared by events, payloads and lake tables (spec README §3, levels-pipeline-lake.md §0).
 *
 * @module
 */
import * as z from 'zod';

/** The six level kinds, in priority order (spec: PM_HIGH < PM_LOW < OR_HIGH < OR_LOW < SMA_200 < SMA_400). */
export const LEVEL_KINDS = ['PM_HIGH', 'PM_LOW', 'OR_HIGH', 'OR_LOW', 'SMA_200', 'SMA_400'] as const;
/** A level kind; also the level id. */
export type LevelKind = (typeof LEVEL_KINDS)[number];
/** Zod schema of a level kind. */
export const LevelKindSchema = /* @__PURE__ */ z.enum(LEVEL_KINDS);

/** Integer code of each level kind (`level_kind` column), kept for schema compatibility. */
export const LEVEL_KIND_CODE: Readonly<Record<LevelKind, number>> = Object.freeze({
  PM_HIGH: 0,
  PM_LOW: 1,
  OR_HIGH: 2,
  OR_LOW: 3,
  SMA_200: 6,
  SMA_400: 12,
});

/** Priority of each level kind, 1 (highest) to 6: duplicate suppression and the tie-break wherever levels sort. */
export const LEVEL_KIND_PRIORITY: Readonly<Record<LevelKind, number>> = Object.freeze({
  PM_HIGH: 1,
  PM_LOW: 2,
  OR_HIGH: 3,
  OR_LOW: 4,
  SMA_200: 5,
  SMA_400: 6,
});

/** The level kind with a given `level_kind` code, or `undefined` for an unknown code. */
export function levelKindFromCode(code: number): LevelKind | undefined {
  return LEVEL_KINDS.find((kind) => LEVEL_KIND_CODE[kind] === code);
}

/** Streaming signal classes (engines §7.3). NEUTRAL means "no signal". */
export const SIGNAL_CLASSES = ['BREAK', 'BOUNCE', 'CHOP', 'NEUTRAL'] as const;
/** A streaming signal class. */
export type SignalClass = (typeof SIGNAL_CLASSES)[number];

/** Outcome label classes (levels-pipeline-lake.md E). UNDEFINED: unresolved and not fully observed. */
export const LABEL_CLASSES = ['BREAK', 'BOUNCE', 'CHOP', 'UNDEFINED'] as const;
/** An outcome label class. */
export type LabelClass = (typeof LABEL_CLASSES)[number];

/** Barrier states (engines §2). */
export const BARRIER_STATES = ['VACUUM', 'WALL', 'CONSUMED', 'ABSORPTION', 'WEAK', 'NEUTRAL'] as const;
/** A barrier state. */
export type BarrierState = (typeof BARRIER_STATES)[number];

/** Dealer hedging effects (engines §4). */
export const FUEL_EFFECTS = ['AMPLIFY', 'DAMPEN', 'NEUTRAL'] as const;
/** A fuel effect. */
export type FuelEffect = (typeof FUEL_EFFECTS)[number];

/** Signal confidence (engines §7.4). */
export const CONFIDENCES = ['HIGH', 'MEDIUM', 'LOW'] as const;
/** A confidence tier. */
export type Confidence = (typeof CONFIDENCES)[number];

/** Level roles: SUPPORT holds price up, RESISTANCE holds it down. */
export const ROLES = ['SUPPORT', 'RESISTANCE'] as const;
/** A level role. */
export type Role = (typeof ROLES)[number];

/** Break directions: UP for RESISTANCE, DOWN for SUPPORT. */
export const DIRECTIONS = ['UP', 'DOWN'] as const;
/** A break direction. */
export type Direction = (typeof DIRECTIONS)[number];

/** Sweep directions (engines §3): NONE when no sweep was detected. */
export const SWEEP_DIRECTIONS = ['UP', 'DOWN', 'NONE'] as const;
/** A sweep direction. */
export type SweepDirection = (typeof SWEEP_DIRECTIONS)[number];

/** Runway quality (engines §9.6). */
export const RUNWAY_QUALITIES = ['CLEAR', 'OBSTRUCTED'] as const;
/** A runway quality. */
export type RunwayQuality = (typeof RUNWAY_QUALITIES)[number];

/** Frontend bias (engines §11). */
export const BIASES = ['BREAK', 'BOUNCE', 'NEUTRAL'] as const;
/** A frontend bias. */
export type Bias = (typeof BIASES)[number];

/** Where a canonical event came from; never part of ids or features. */
export const EVENT_SOURCES = ['direct_feed', 'replay', 'sim'] as const;
/** An event source. */
export type EventSource = (typeof EVENT_SOURCES)[number];

/** Option rights: call or put. */
export const OPTION_RIGHTS = ['C', 'P'] as const;
/** An option right. */
export type OptionRight = (typeof OPTION_RIGHTS)[number];

/** Aggressor side of a print: +1 buyer lifted the ask, −1 seller hit the bid, 0 unknown (implied, spread leg). */
export const AGGRESSOR = Object.freeze({ BUY: 1, SELL: -1, NONE: 0 } as const);
/** An aggressor value. */
export type Aggressor = (typeof AGGRESSOR)[keyof typeof AGGRESSOR];

/** Touch episode end reasons (levels-pipeline-lake.md D.5). */
export const EPISODE_END_REASONS = ['EXIT', 'SESSION_END'] as const;
/** A touch episode end reason. */
export type EpisodeEndReason = (typeof EPISODE_END_REASONS)[number];

/** The `schema` value of every `levels.signals` payload (engines.md §9). */
export const LEVELS_SIGNALS_SCHEMA = 'levels.signals.v1';

/** CME month codes in calendar order. */
export const CME_MONTH_CODES = ['F', 'G', 'H', 'J', 'K', 'M', 'N', 'Q', 'U', 'V', 'X', 'Z'] as const;
/** A CME month code (F = January ... Z = December). */
export type CmeMonthCode = (typeof CME_MONTH_CODES)[number];

/** Labels of the kinematics windows, in payload order. */
export const KINEMATICS_WINDOW_LABELS = ['1m', '3m', '5m', '10m', '20m'] as const;
/** Labels of the OFI windows, in payload order. */
export const OFI_WINDOW_LABELS = ['30s', '60s', '120s', '300s'] as const;
