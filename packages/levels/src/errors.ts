/**
 * Errors of the levels pipeline: structured fields, a message that says what to do, and a `Symbol.for` brand so
 * `LevelsError.is` works across duplicate installs.
 *
 * @module
 */

/** What a {@link LevelsError} rejected. */
export type LevelsErrorCode =
  /** An event or query earlier than the engine's clock (input must be in canonical order). */
  | 'clock_regression'
  /** A query for an instant whose history is no longer kept. */
  | 'history_evicted'
  /** A parameter value the engine cannot work with. */
  | 'invalid_config'
  /** Columnar input whose columns differ in length or hold a value of the wrong type. */
  | 'invalid_columns';

/** Error of the levels pipeline. */
export class LevelsError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/levels/LevelsError');
  /** Kind of problem. */
  readonly code: LevelsErrorCode;
  /** The offending instant (ns) for clock errors, else null. */
  readonly ts_ns: bigint | null;
  /** The engine clock (ns) when the error was raised, else null. */
  readonly clock_ns: bigint | null;
  constructor(
    code: LevelsErrorCode,
    message: string,
    fields: { ts_ns?: bigint | null; clock_ns?: bigint | null; cause?: unknown } = {},
  ) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'LevelsError';
    this.code = code;
    this.ts_ns = fields.ts_ns ?? null;
    this.clock_ns = fields.clock_ns ?? null;
  }
  /**
   * True for a `LevelsError` from any copy of this package.
   *
   * @example
   * ```ts
   * try { universe.onTrade(late); } catch (e) { if (LevelsError.is(e) && e.code === 'clock_regression') skip(); }
   * ```
   */
  static is(error: unknown): error is LevelsError {
    return (
      error instanceof Error && (error as { constructor?: { brand?: symbol } }).constructor?.brand === LevelsError.brand
    );
  }
}

/** Throw `clock_regression` when `t < clock`. */
export function checkClock(engine: string, t: bigint, clock: bigint): void {
  if (t < clock) {
    throw new LevelsError(
      'clock_regression',
      `${engine}: time ${t} ns is before the engine clock ${clock} ns; feed events in canonical order (non-decreasing ts_event_ns) and query at or after the last event`,
      { ts_ns: t, clock_ns: clock },
    );
  }
}
