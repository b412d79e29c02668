/**
 * Session time (levels-pipeline-lake.md A): ET conversion by the rule-based US daylight-saving calendar
 * (2007 onward), the CME trade date, UTC partition dates, the session windows of a date and the timing
 * context of an instant.
 *
 * Pure and browser-safe: no `Date`, no clock, no time-zone database. Instants are `bigint` ns since the
 * Unix epoch (UTC); calendar dates are `YYYY-MM-DD` strings; all arithmetic on instants is exact integer
 * arithmetic. The rule-based offset is cross-checked against the IANA zone `America/New_York` in the tests
 * (A.8-1).
 *
 * @module
 */
import type { Config } from './config.js';

/** Nanoseconds per second. */
export const NS_PER_SECOND = 1_000_000_000n;
/**
 * A duration in seconds as integer ns (spec §0.1: `W_ns = W_s · 10⁹`): exact for whole seconds, rounded to the ns
 * otherwise.
 *
 * @example
 * ```ts
 * secondsToNs(240); // 240000000000n
 * secondsToNs(0.25); // 250000000n
 * ```
 */
export function secondsToNs(seconds: number): bigint {
  return Number.isInteger(seconds) ? BigInt(seconds) * NS_PER_SECOND : BigInt(Math.round(seconds * 1e9));
}

/** Nanoseconds per minute. */
export const NS_PER_MINUTE = 60n * NS_PER_SECOND;
/** Nanoseconds per hour. */
export const NS_PER_HOUR = 60n * NS_PER_MINUTE;
/** Nanoseconds per (UTC) day. */
export const NS_PER_DAY = 24n * NS_PER_HOUR;
/** The trade-date shift `TRADE_DATE_SHIFT` (6 h, fixed) in ns: trade date = ET date of `t + 6 h` (A.4-3). */
export const TRADE_DATE_SHIFT_NS = 6n * NS_PER_HOUR;
/** First year the rule-based ET calendar (second Sunday of March to first Sunday of November) covers. */
export const FIRST_RULE_YEAR = 2007;

/** UTC offset of ET in hours: −4 in daylight time (EDT), −5 in standard time (EST). */
export type EtOffsetHours = -4 | -5;

/** Day of the week, 0 = Sunday … 6 = Saturday (the JavaScript convention). */
export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** What a {@link SessionTimeError} rejected. */
export type SessionTimeErrorCode = 'invalid_date' | 'invalid_time' | 'before_2007';

/** Error for a malformed date or time, or a date/instant before 2007 that the ET rule does not cover. */
export class SessionTimeError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/schemas/SessionTimeError');
  /** Kind of problem. */
  readonly code: SessionTimeErrorCode;
  /** The rejected input as text (a date, a time, or an instant in ns). */
  readonly input: string;
  constructor(code: SessionTimeErrorCode, input: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionTimeError';
    this.code = code;
    this.input = input;
  }
  /** True for a `SessionTimeError` from any copy of this package. */
  static is(error: unknown): error is SessionTimeError {
    return (
      error instanceof Error &&
      (error as { constructor?: { brand?: symbol } }).constructor?.brand === SessionTimeError.brand
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Calendar arithmetic on day numbers (days since 1970-01-01), proleptic Gregorian (H. Hinnant's algorithms).
// ---------------------------------------------------------------------------------------------------------

/** A calendar date split into numbers. */
export interface CivilDate {
  /** Year, e.g. 2025. */
  readonly year: number;
  /** Month, 1–12. */
  readonly month: number;
  /** Day of the month, 1–31. */
  readonly day: number;
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FIRST_DAY = daysFromCivil(0, 1, 1);
const LAST_DAY = daysFromCivil(9999, 12, 31);

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Split a `YYYY-MM-DD` date into numbers; throws {@link SessionTimeError} (`invalid_date`) for anything that
 * is not a real calendar date.
 *
 * @example
 * ```ts
 * parseDate('2025-12-16'); // { year: 2025, month: 12, day: 16 }
 * ```
 */
export function parseDate(date: string): CivilDate {
  const m = ISO_DATE.exec(date);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return { year, month, day };
  }
  throw new SessionTimeError(
    'invalid_date',
    String(date),
    `invalid date ${JSON.stringify(date)}: expected a calendar date "YYYY-MM-DD", e.g. "2025-12-16"`,
  );
}

/**
 * Day number of a date: days since 1970-01-01 (negative before). Dates compare and subtract as day numbers.
 *
 * @example
 * ```ts
 * dateToDayNumber('1970-01-02'); // 1
 * ```
 */
export function dateToDayNumber(date: string): number {
  const { year, month, day } = parseDate(date);
  return daysFromCivil(year, month, day);
}

/**
 * The `YYYY-MM-DD` date of a day number (days since 1970-01-01); years 0000–9999.
 *
 * @example
 * ```ts
 * dayNumberToDate(20438); // '2025-12-16'
 * ```
 */
export function dayNumberToDate(dayNumber: number): string {
  if (!Number.isInteger(dayNumber) || dayNumber < FIRST_DAY || dayNumber > LAST_DAY) {
    throw new SessionTimeError(
      'invalid_date',
      String(dayNumber),
      `day number ${dayNumber} is not an integer day of the years 0000–9999`,
    );
  }
  const { year, month, day } = civilFromDays(dayNumber);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Add (or subtract) calendar days to a `YYYY-MM-DD` date.
 *
 * @example
 * ```ts
 * addDays('2025-12-19', -8); // '2025-12-11'
 * addDays('2024-02-28', 1); // '2024-02-29'
 * ```
 */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) {
    throw new SessionTimeError('invalid_date', String(days), `addDays: day count ${days} is not an integer`);
  }
  return dayNumberToDate(dateToDayNumber(date) + days);
}

/**
 * Calendar days from `from` to `to` (`to − from`; negative when `to` is earlier).
 *
 * @example
 * ```ts
 * daysBetween('2025-12-10', '2025-12-19'); // 9
 * ```
 */
export function daysBetween(from: string, to: string): number {
  return dateToDayNumber(to) - dateToDayNumber(from);
}

function dayOfWeekOfDayNumber(dayNumber: number): DayOfWeek {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumber + 4) % 7) + 7) % 7) as DayOfWeek;
}

/**
 * Day of the week of a date, 0 = Sunday … 6 = Saturday.
 *
 * @example
 * ```ts
 * dayOfWeek('2025-12-19'); // 5 (Friday)
 * ```
 */
export function dayOfWeek(date: string): DayOfWeek {
  return dayOfWeekOfDayNumber(dateToDayNumber(date));
}

function nthWeekdayDayNumber(year: number, month: number, weekday: DayOfWeek, n: number): number {
  const first = daysFromCivil(year, month, 1);
  return first + ((weekday - dayOfWeekOfDayNumber(first) + 7) % 7) + 7 * (n - 1);
}

/**
 * The `n`-th given weekday of a month (n = 1…5); throws when the month has no such day (a fifth weekday).
 *
 * @example
 * ```ts
 * nthWeekdayOfMonth(2025, 12, 5, 3); // '2025-12-19' (third Friday: ESZ5 expiry)
 * nthWeekdayOfMonth(2025, 3, 0, 2); // '2025-03-09' (second Sunday of March: DST starts)
 * ```
 */
export function nthWeekdayOfMonth(year: number, month: number, weekday: DayOfWeek, n: number): string {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new SessionTimeError(
      'invalid_date',
      `${year}-${month}`,
      `nthWeekdayOfMonth: invalid year/month ${year}-${month}`,
    );
  }
  if (!Number.isInteger(n) || n < 1 || n > 5) {
    throw new SessionTimeError('invalid_date', String(n), `nthWeekdayOfMonth: n must be 1–5, got ${n}`);
  }
  const dayNumber = nthWeekdayDayNumber(year, month, weekday, n);
  if (dayNumber >= daysFromCivil(year, month, 1) + daysInMonth(year, month)) {
    throw new SessionTimeError(
      'invalid_date',
      `${year}-${month}`,
      `${year}-${pad2(month)} has no weekday #${n} of kind ${weekday}`,
    );
  }
  return dayNumberToDate(dayNumber);
}

// ---------------------------------------------------------------------------------------------------------
// The ET rule (A.4-1, A.4-3).
// ---------------------------------------------------------------------------------------------------------

function requireRuleYear(year: number, input: string): void {
  if (year < FIRST_RULE_YEAR) {
    throw new SessionTimeError(
      'before_2007',
      input,
      `${input} is before ${FIRST_RULE_YEAR}: the rule-based ET calendar (second Sunday of March to first Sunday of November) starts in ${FIRST_RULE_YEAR}; use data from ${FIRST_RULE_YEAR} onward`,
    );
  }
}

/** Day number of the second Sunday of March (DST start) of a year. */
function dstStartDay(year: number): number {
  return nthWeekdayDayNumber(year, 3, 0, 2);
}

/** Day number of the first Sunday of November (DST end) of a year. */
function dstEndDay(year: number): number {
  return nthWeekdayDayNumber(year, 11, 0, 1);
}

/**
 * Dates of the daylight-saving period of a year (2007 onward): `start` = second Sunday of March, `end` =
 * first Sunday of November. Dates `start ≤ D < end` are EDT days (A.4-1).
 *
 * @example
 * ```ts
 * dstDates(2025); // { start: '2025-03-09', end: '2025-11-02' }
 * ```
 */
export function dstDates(year: number): { readonly start: string; readonly end: string } {
  requireRuleYear(year, `year ${year}`);
  return { start: dayNumberToDate(dstStartDay(year)), end: dayNumberToDate(dstEndDay(year)) };
}

/**
 * The two instants of a year (2007 onward) at which the ET offset changes: `start` = second Sunday of March
 * 07:00 UTC (02:00 EST → 03:00 EDT), `end` = first Sunday of November 06:00 UTC (02:00 EDT → 01:00 EST).
 *
 * @example
 * ```ts
 * dstTransitions(2025); // { start: 1741503600000000000n, end: 1762063200000000000n }
 * ```
 */
export function dstTransitions(year: number): { readonly start: bigint; readonly end: bigint } {
  requireRuleYear(year, `year ${year}`);
  return {
    start: BigInt(dstStartDay(year)) * NS_PER_DAY + 7n * NS_PER_HOUR,
    end: BigInt(dstEndDay(year)) * NS_PER_DAY + 6n * NS_PER_HOUR,
  };
}

function offsetOfDayNumber(dayNumber: number, input: string): EtOffsetHours {
  const { year } = civilFromDays(dayNumber);
  requireRuleYear(year, input);
  return dayNumber >= dstStartDay(year) && dayNumber < dstEndDay(year) ? -4 : -5;
}

/**
 * UTC offset of ET for the wall-clock times 03:00–24:00 of a date (A.4-1): −4 h from the second Sunday of
 * March up to (excluding) the first Sunday of November, else −5 h. Throws `before_2007` for earlier dates.
 *
 * @example
 * ```ts
 * etOffsetHoursForDate('2025-03-10'); // -4
 * etOffsetHoursForDate('2025-11-03'); // -5
 * ```
 */
export function etOffsetHoursForDate(date: string): EtOffsetHours {
  return offsetOfDayNumber(dateToDayNumber(date), date);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function dayNumberOfInstant(ts: bigint): number {
  return Number(floorDiv(ts, NS_PER_DAY));
}

/**
 * UTC offset of ET at an instant (A.4-3): −4 h if `secondSundayOfMarch(Y) 07:00 UTC ≤ t <
 * firstSundayOfNovember(Y) 06:00 UTC` (Y = UTC year of `t`), else −5 h. Throws `before_2007` for instants
 * before 2007-01-01 00:00 UTC.
 *
 * @example
 * ```ts
 * etOffsetHoursAt(1741503600000000000n - 1n); // -5 (2025-03-09 01:59:59.999999999 EST)
 * etOffsetHoursAt(1741503600000000000n); // -4 (2025-03-09 03:00 EDT)
 * ```
 */
export function etOffsetHoursAt(ts: bigint): EtOffsetHours {
  const { year } = civilFromDays(dayNumberOfInstant(ts));
  requireRuleYear(year, `instant ${ts} ns`);
  const { start, end } = dstTransitions(year);
  return ts >= start && ts < end ? -4 : -5;
}

// ---------------------------------------------------------------------------------------------------------
// Wall clock ↔ instant (A.4-2), trade date (A.4-3), UTC partitions (A.4-4).
// ---------------------------------------------------------------------------------------------------------

const HHMM = /^(\d{2}):(\d{2})$/;

/**
 * Minutes after midnight of an ET wall-clock time `HH:MM` (00:00–23:59, and 24:00 for the end of a day).
 *
 * @example
 * ```ts
 * parseHhMm('09:30'); // 570
 * ```
 */
export function parseHhMm(time: string): number {
  const m = HHMM.exec(time);
  if (m) {
    const minutes = Number(m[1]) * 60 + Number(m[2]);
    if (Number(m[2]) < 60 && minutes <= 24 * 60) return minutes;
  }
  throw new SessionTimeError(
    'invalid_time',
    String(time),
    `invalid time ${JSON.stringify(time)}: expected an ET wall-clock time "HH:MM" from 00:00 to 24:00`,
  );
}

function minutesOf(time: string | number, minute: number): number {
  if (typeof time === 'string') {
    if (minute !== 0) {
      throw new SessionTimeError(
        'invalid_time',
        `${time} +${minute}`,
        'etToNs: give either "HH:MM" or hour and minute',
      );
    }
    return parseHhMm(time);
  }
  const total = time * 60 + minute;
  if (!Number.isInteger(time) || !Number.isInteger(minute) || minute < 0 || minute > 59 || total < 0 || total > 1440) {
    throw new SessionTimeError(
      'invalid_time',
      `${time}:${minute}`,
      `invalid time ${time}:${minute}: expected integer hour 0–24 and minute 0–59, at most 24:00`,
    );
  }
  return total;
}

const DAYTIME_MINUTES = 3 * 60;

/**
 * The instant of an ET wall-clock time on a date (A.4-2): `utcMidnight(D) + (hh·60 + mm − offset(D)·60)
 * minutes`. The time is `"HH:MM"` or an hour and a minute; 00:00–24:00 are accepted. Times from 03:00 on use
 * the rule of the date exactly as the spec writes it. Before 03:00 on a switch day (never a session time) a
 * time in the spring gap (02:00–02:59) maps one hour later, and an ambiguous autumn time (01:00–01:59) maps to
 * its first (EDT) occurrence, as `Temporal` does with `disambiguation: 'compatible'`.
 *
 * @example
 * ```ts
 * etToNs('2025-12-16', '09:30'); // 1765895400000000000n
 * etToNs('2025-07-15', 4, 0); // 1752566400000000000n
 * ```
 */
export function etToNs(date: string, time: string | number, minute = 0): bigint {
  const dayNumber = dateToDayNumber(date);
  const minutes = minutesOf(time, minute);
  const wallAsUtc = BigInt(dayNumber) * NS_PER_DAY + BigInt(minutes) * NS_PER_MINUTE;
  if (minutes >= DAYTIME_MINUTES) {
    return wallAsUtc - BigInt(offsetOfDayNumber(dayNumber, date)) * NS_PER_HOUR;
  }
  // Early morning: pick the offset that is actually in force at the resulting instant.
  requireRuleYear(civilFromDays(dayNumber).year, date);
  const edt = wallAsUtc + 4n * NS_PER_HOUR;
  const est = wallAsUtc + 5n * NS_PER_HOUR;
  if (etOffsetHoursAt(edt) === -4) return edt; // EDT, or the earlier of two occurrences
  return est; // EST, or a time in the spring gap (shifted forward by the gap)
}

/** An instant seen on the ET wall clock. */
export interface EtDateTime {
  /** ET calendar date `YYYY-MM-DD`. */
  readonly date: string;
  /** Hour 0–23. */
  readonly hour: number;
  /** Minute 0–59. */
  readonly minute: number;
  /** Second 0–59. */
  readonly second: number;
  /** Nanoseconds within the second, 0–999 999 999. */
  readonly nanosecond: number;
  /** The offset in force (−4 EDT, −5 EST). */
  readonly offsetHours: EtOffsetHours;
}

function etLocalNs(ts: bigint): { local: bigint; offset: EtOffsetHours } {
  const offset = etOffsetHoursAt(ts);
  return { local: ts + BigInt(offset) * NS_PER_HOUR, offset };
}

/**
 * ET wall-clock reading of an instant.
 *
 * @example
 * ```ts
 * toEt(1765897231000000000n); // { date: '2025-12-16', hour: 10, minute: 0, second: 31, nanosecond: 0, offsetHours: -5 }
 * ```
 */
export function toEt(ts: bigint): EtDateTime {
  const { local, offset } = etLocalNs(ts);
  const dayNumber = floorDiv(local, NS_PER_DAY);
  const ofDay = local - dayNumber * NS_PER_DAY;
  return {
    date: dayNumberToDate(Number(dayNumber)),
    hour: Number(ofDay / NS_PER_HOUR),
    minute: Number((ofDay % NS_PER_HOUR) / NS_PER_MINUTE),
    second: Number((ofDay % NS_PER_MINUTE) / NS_PER_SECOND),
    nanosecond: Number(ofDay % NS_PER_SECOND),
    offsetHours: offset,
  };
}

/**
 * ET calendar date of an instant (the date on a New York wall clock).
 *
 * @example
 * ```ts
 * etDate(1765839600000000000n); // '2025-12-15' (18:00 EST)
 * ```
 */
export function etDate(ts: bigint): string {
  const { local } = etLocalNs(ts);
  return dayNumberToDate(Number(floorDiv(local, NS_PER_DAY)));
}

/**
 * Trade date `D(t)` (A.4-3): the ET calendar date of `t + 6 h`, i.e. the UTC date of `u + offset(u)` with
 * `u = t + 6 h`. The CME Globex trade date `D` starts at 18:00 ET of the previous calendar day.
 *
 * @example
 * ```ts
 * tradeDate(1765839599000000000n); // '2025-12-15' (17:59:59 EST)
 * tradeDate(1765839600000000000n); // '2025-12-16' (18:00:00 EST)
 * ```
 */
export function tradeDate(ts: bigint): string {
  return etDate(ts + TRADE_DATE_SHIFT_NS);
}

/**
 * The instants of trade date `D` as a half-open window: `[etToNs(D − 1, 18:00), etToNs(D, 18:00))`.
 *
 * @example
 * ```ts
 * tradeDateWindow('2025-07-15'); // { start: 1752530400000000000n, end: 1752616800000000000n }
 * ```
 */
export function tradeDateWindow(date: string): TimeWindow {
  return { start: etToNs(addDays(date, -1), '18:00'), end: etToNs(date, '18:00') };
}

/**
 * UTC calendar date of an instant; names storage partitions only (A.4-4). Works for any int64 instant.
 *
 * @example
 * ```ts
 * utcDate(1765839600000000000n); // '2025-12-15' (23:00 UTC)
 * ```
 */
export function utcDate(ts: bigint): string {
  return dayNumberToDate(dayNumberOfInstant(ts));
}

/**
 * UTC hour (0–23) of an instant; names storage partitions only (A.4-4).
 *
 * @example
 * ```ts
 * utcHour(1765839600000000000n); // 23
 * ```
 */
export function utcHour(ts: bigint): number {
  return Number((ts - floorDiv(ts, NS_PER_DAY) * NS_PER_DAY) / NS_PER_HOUR);
}

// ---------------------------------------------------------------------------------------------------------
// Session windows (A.4-5) and timing context (A.4-6).
// ---------------------------------------------------------------------------------------------------------

/** A half-open window of instants `[start, end)`, ns since the Unix epoch. */
export interface TimeWindow {
  /** First instant inside, ns. */
  readonly start: bigint;
  /** First instant after the window (excluded), ns. */
  readonly end: bigint;
}

/**
 * Whether an instant lies in a half-open window `[start, end)`.
 *
 * @example
 * ```ts
 * inWindow({ start: 10n, end: 20n }, 20n); // false
 * ```
 */
export function inWindow(window: TimeWindow, ts: bigint): boolean {
  return ts >= window.start && ts < window.end;
}

/** The configuration parameters session time reads (spec README §5.1). */
export type SessionTimeConfig = Pick<
  Config,
  'PREMARKET_START' | 'RTH_START' | 'OPENING_RANGE_MINUTES' | 'RTH_END' | 'FIRST_MINUTES'
>;

/**
 * The spec defaults of {@link SessionTimeConfig}: the same values as `DEFAULT_CONFIG` (a test pins them), kept
 * here so that `@spymaster/schemas/time` bundles without zod (importing `DEFAULT_CONFIG` pulls in the
 * configuration schema). Any full `Config` can be passed wherever a `SessionTimeConfig` is expected.
 *
 * @example
 * ```ts
 * SESSION_TIME_DEFAULTS.RTH_END; // '13:30'
 * ```
 */
export const SESSION_TIME_DEFAULTS: SessionTimeConfig = Object.freeze({
  PREMARKET_START: '04:00',
  RTH_START: '09:30',
  OPENING_RANGE_MINUTES: 15,
  RTH_END: '13:30',
  FIRST_MINUTES: 15,
});

/** The windows of session date `D` (A.4-5), all half-open, ET wall-clock times on `D`. */
export interface SessionWindows {
  /** The session date `D`. */
  readonly date: string;
  /** Premarket `[PREMARKET_START, RTH_START)`: 04:00–09:30 by default. */
  readonly premarket: TimeWindow;
  /** Opening range `[RTH_START, RTH_START + OPENING_RANGE_MINUTES)`: 09:30–09:45 by default. */
  readonly openingRange: TimeWindow;
  /** RTH / analysis window `[RTH_START, RTH_END)`: 09:30–13:30 by default, 13:30 excluded. */
  readonly rth: TimeWindow;
}

/**
 * Session windows of a date (A.4-5), from `PREMARKET_START`, `RTH_START`, `OPENING_RANGE_MINUTES` and
 * `RTH_END` of a configuration ({@link SESSION_TIME_DEFAULTS}, equal to `DEFAULT_CONFIG`, by default).
 *
 * @example
 * ```ts
 * const w = sessionWindows('2025-12-16');
 * w.rth; // { start: 1765895400000000000n, end: 1765909800000000000n }
 * ```
 */
export function sessionWindows(date: string, config: SessionTimeConfig = SESSION_TIME_DEFAULTS): SessionWindows {
  const pm = etToNs(date, config.PREMARKET_START);
  const open = etToNs(date, config.RTH_START);
  const close = etToNs(date, config.RTH_END);
  return {
    date,
    premarket: { start: pm, end: open },
    openingRange: { start: open, end: open + BigInt(config.OPENING_RANGE_MINUTES) * NS_PER_MINUTE },
    rth: { start: open, end: close },
  };
}

/**
 * Whether an instant lies in the RTH window of its own trade date (the snap emission window).
 *
 * @example
 * ```ts
 * isInRth(1765895400000000000n); // true (2025-12-16 09:30 EST)
 * ```
 */
export function isInRth(ts: bigint, config: SessionTimeConfig = SESSION_TIME_DEFAULTS): boolean {
  return inWindow(sessionWindows(tradeDate(ts), config).rth, ts);
}

/** Session phase (A.4-6): 0 before the open; 1 [0, 15); 2 [15, 30); 3 [30, 60); 4 [60, 120); 5 [120, 240); 6 ≥ 240 minutes. */
export type SessionPhase = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Timing context of an instant for a session (A.4-6). Field names are the spec's. */
export interface TimingContext {
  /** `(t − open) / 60e9`, float64 minutes, negative before the open. */
  readonly minutes_since_open: number;
  /** `clamp(floor(minutes_since_open), 0, RTH length in minutes)` (0–240 by default), computed exactly. */
  readonly bars_since_open: number;
  /** `open ≤ t < open + FIRST_MINUTES`. */
  readonly is_first_15m: boolean;
  /** {@link SessionPhase}. */
  readonly session_phase: SessionPhase;
}

/** Upper minute bounds (exclusive) of session phases 1–5; phase 6 from 240 minutes on. */
const PHASE_BOUNDS_NS = [15n, 30n, 60n, 120n, 240n].map((m) => m * NS_PER_MINUTE);

/**
 * Timing context of instant `t` for session `date` (default: the trade date of `t`), with `open =
 * etToNs(date, RTH_START)`.
 *
 * @example
 * ```ts
 * timingContext(1765897231000000000n, '2025-12-16');
 * // { minutes_since_open: 30.516666666666666, bars_since_open: 30, is_first_15m: false, session_phase: 3 }
 * ```
 */
export function timingContext(
  t: bigint,
  date: string = tradeDate(t),
  config: SessionTimeConfig = SESSION_TIME_DEFAULTS,
): TimingContext {
  const open = etToNs(date, config.RTH_START);
  const since = t - open;
  const rthMinutes = BigInt(parseHhMm(config.RTH_END) - parseHhMm(config.RTH_START));
  const wholeMinutes = floorDiv(since, NS_PER_MINUTE);
  const bars = wholeMinutes < 0n ? 0n : wholeMinutes > rthMinutes ? rthMinutes : wholeMinutes;
  let phase = 0;
  if (since >= 0n) {
    phase = 1;
    for (const bound of PHASE_BOUNDS_NS) {
      if (since < bound) break;
      phase += 1;
    }
  }
  return {
    minutes_since_open: Number(since) / 60e9,
    bars_since_open: Number(bars),
    is_first_15m: since >= 0n && since < BigInt(config.FIRST_MINUTES) * NS_PER_MINUTE,
    session_phase: phase as SessionPhase,
  };
}
