/**
 * The ES options listed for a trade date, as a Databento GLBX.MDP3 `definition` file of that date would show
 * the part we need (es-options-symbology.md): every root expiring on the date (0DTE) and on the next business
 * day (1DTE, so the 0DTE filter has something to reject), calls and puts on a 5-point grid near the money and a
 * 25-point grid further out, each on the futures contract the roll rule of levels-pipeline-lake.md B.4.3 gives.
 *
 * Roots (the digit is the week of the month, i.e. which occurrence of that weekday in the month it is):
 * `E{n}A`–`E{n}D` Monday–Thursday weeklies, `EW{n}` Friday weeklies, `EW` end-of-month (it replaces the weekly
 * on the last business day of the month), `ES` quarterly (AM-settled on the third Friday of Mar/Jun/Sep/Dec,
 * listed beside the PM-settled `EW3`). Business days are Monday–Friday: exchange holidays are not modelled.
 *
 * @module
 */

import { thirdFriday } from '@spymaster/replay';
import { CME_MONTH_CODES } from '@spymaster/schemas/config';
import { addDays, dayOfWeek, etToNs, parseDate } from '@spymaster/schemas/time';
import { hash32, type Rng } from '../rng.js';
import type { FuturesInstrument, OptionInstrument, Scale } from '../types.js';

/** One expiry cycle expiring on a date. */
export interface OptionExpiry {
  /** CME root (product), e.g. `E3C`, `EW2`, `EW`, `ES`. */
  readonly root: string;
  /** ET expiry date `YYYY-MM-DD`. */
  readonly expDate: string;
  /** Expiry instant: 16:00 ET (PM-settled weeklies and end-of-month) or 09:30 ET (AM-settled quarterly), ns. */
  readonly expirationNs: bigint;
  /** `PM` for weeklies and end-of-month, `AM` for the quarterly `ES` options. */
  readonly settlement: 'AM' | 'PM';
  /** Week of the month of a weekly (1–5), null for `EW` and `ES`. */
  readonly week: number | null;
}

/** Strike grid of a scale: 5-point strikes within `fineRange` of the centre, 25-point strikes out to `wideRange`. */
export interface StrikeGrid {
  /** Half-width of the 5-point grid, points. */
  readonly fineRange: number;
  /** Half-width of the 25-point grid, points. */
  readonly wideRange: number;
}

/** Strike grids per scale: ±100 / ±300 points at both (a `small` day moves as far as a `full` one, and its
 * customers trade the strikes near wherever spot went). */
export const STRIKE_GRIDS: Readonly<Record<Scale, StrikeGrid>> = Object.freeze({
  full: Object.freeze({ fineRange: 100, wideRange: 300 }),
  small: Object.freeze({ fineRange: 100, wideRange: 300 }),
});

/** First and last option instrument id (Databento-like seven-digit ids; futures ids lie elsewhere). */
export const OPTION_ID_RANGE: readonly [number, number] = Object.freeze([1_000_000, 9_999_999]) as readonly [
  number,
  number,
];

const QUARTERLY_MONTHS = new Set([3, 6, 9, 12]);
const WEEKDAY_LETTERS: readonly string[] = ['', 'A', 'B', 'C', 'D'];

/** Whether a date is Monday–Friday. */
function isBusinessDay(date: string): boolean {
  const d = dayOfWeek(date);
  return d >= 1 && d <= 5;
}

/**
 * The next business day (Monday–Friday) after a date.
 *
 * @example
 * ```ts
 * nextBusinessDay('2025-12-19'); // '2025-12-22' (Friday → Monday)
 * ```
 */
export function nextBusinessDay(date: string): string {
  let d = addDays(date, 1);
  while (!isBusinessDay(d)) d = addDays(d, 1);
  return d;
}

/**
 * The expiry cycles expiring on a date (none on weekends), AM before PM.
 *
 * @example
 * ```ts
 * optionExpiriesOn('2025-12-17').map((e) => e.root); // ['E3C'] (third Wednesday)
 * optionExpiriesOn('2025-12-19').map((e) => e.root); // ['ES', 'EW3'] (quarterly expiry Friday)
 * optionExpiriesOn('2025-10-31').map((e) => e.root); // ['EW'] (last business day of October, a Friday)
 * ```
 */
export function optionExpiriesOn(date: string): OptionExpiry[] {
  const weekday = dayOfWeek(date);
  if (weekday < 1 || weekday > 5) return [];
  const { year, month, day } = parseDate(date);
  const week = Math.floor((day - 1) / 7) + 1;
  const expiries: OptionExpiry[] = [];
  if (QUARTERLY_MONTHS.has(month) && date === thirdFriday(year, month)) {
    expiries.push({ root: 'ES', expDate: date, expirationNs: etToNs(date, '09:30'), settlement: 'AM', week: null });
  }
  const pm = etToNs(date, '16:00');
  const lastBusinessDay = parseDate(nextBusinessDay(date)).month !== month;
  if (lastBusinessDay) {
    expiries.push({ root: 'EW', expDate: date, expirationNs: pm, settlement: 'PM', week: null });
  } else if (weekday === 5) {
    // A fifth Friday is always the last business day of its month, so Friday weeklies run EW1–EW4.
    expiries.push({ root: `EW${week}`, expDate: date, expirationNs: pm, settlement: 'PM', week });
  } else {
    expiries.push({
      root: `E${week}${WEEKDAY_LETTERS[weekday] ?? ''}`,
      expDate: date,
      expirationNs: pm,
      settlement: 'PM',
      week,
    });
  }
  return expiries;
}

/**
 * Raw symbol as CME and Databento write it: `<root><month code><year digit> <C|P><strike>`, month and year of
 * the option's expiry.
 *
 * @example
 * ```ts
 * optionRawSymbol('E3C', '2025-12-17', 'C', 6850); // 'E3CZ5 C6850'
 * ```
 */
export function optionRawSymbol(root: string, expDate: string, right: 'C' | 'P', strike: number): string {
  const { year, month } = parseDate(expDate);
  return `${root}${CME_MONTH_CODES[month - 1]}${year % 10} ${right}${strike}`;
}

/**
 * Strikes listed around a centre price: every multiple of 5 within `fineRange`, every multiple of 25 within
 * `wideRange`, ascending.
 *
 * @example
 * ```ts
 * listedStrikes(6002, { fineRange: 10, wideRange: 50 }); // [5975, 5995, 6000, 6005, 6010, 6025, 6050]
 * ```
 */
export function listedStrikes(center: number, grid: StrikeGrid): number[] {
  const strikes: number[] = [];
  const lo = Math.ceil((center - grid.wideRange) / 5) * 5;
  for (let k = Math.max(5, lo); k <= center + grid.wideRange; k += 5) {
    const d = Math.abs(k - center);
    if (d <= grid.fineRange || (k % 25 === 0 && d <= grid.wideRange)) strikes.push(k);
  }
  return strikes;
}

/**
 * The futures contract an option expiring on `expDate` references (B.4.3 roll rule): the contract with the
 * earliest expiry on or after the option's (an option expiring on or before the quarterly expiry of the
 * expiring contract references it, later ones the next contract); the front month if none qualifies.
 *
 * @example
 * ```ts
 * underlyingFor('2025-12-16', sessionContracts('2025-12-16', 6000)).symbol; // 'ESZ5' (roll window)
 * ```
 */
export function underlyingFor(
  expDate: string,
  contracts: { readonly front: FuturesInstrument; readonly other: FuturesInstrument },
): FuturesInstrument {
  const ordered = [contracts.front, contracts.other].sort((a, b) => (a.expiry < b.expiry ? -1 : 1));
  return ordered.find((c) => c.expiry >= expDate) ?? contracts.front;
}

/**
 * Stable instrument id of an option raw symbol: FNV-1a hash into {@link OPTION_ID_RANGE}. Collisions are
 * resolved by {@link listOptionChain} (next free id in the chain's order).
 *
 * @example
 * ```ts
 * optionInstrumentId('E3CZ5 C6850'); // a number in [1_000_000, 9_999_999]
 * ```
 */
export function optionInstrumentId(rawSymbol: string): number {
  const [lo, hi] = OPTION_ID_RANGE;
  return lo + (hash32(`opt/${rawSymbol}`) % (hi - lo + 1));
}

/**
 * The options listed for trade date `date` that a Databento definition file for it would hold for our
 * purposes: the 0DTE expiries of the date and the next business day's (1DTE), calls and puts, strikes around
 * the underlying's price (`spot` plus the contract's basis) on the grid of the scale, the underlying by the roll
 * rule. Sorted by expiry, root, strike, call before put; instrument ids unique within the day and distinct
 * from the futures ids.
 *
 * The result depends on the date, spot and contracts only; `rng` is accepted so callers hand every model a
 * stream, and is not drawn from.
 *
 * @example
 * ```ts
 * const chain = listOptionChain('2025-12-16', 6000, sessionContracts('2025-12-16', 6000), rng, 'small');
 * chain[0].rawSymbol; // 'E3BZ5 C5825' (third Tuesday of December, on ESZ5, centred on its price)
 * ```
 */
export function listOptionChain(
  date: string,
  spot: number,
  contracts: { readonly front: FuturesInstrument; readonly other: FuturesInstrument },
  _rng: Rng,
  scale: Scale,
): OptionInstrument[] {
  const grid = STRIKE_GRIDS[scale];
  const expiries = [...optionExpiriesOn(date), ...optionExpiriesOn(nextBusinessDay(date))];
  const used = new Set<number>([contracts.front.instrumentId, contracts.other.instrumentId]);
  const [lo, hi] = OPTION_ID_RANGE;
  const chain: OptionInstrument[] = [];
  for (const expiry of expiries) {
    const underlying = underlyingFor(expiry.expDate, contracts);
    for (const strike of listedStrikes(spot + underlying.basis, grid)) {
      for (const right of ['C', 'P'] as const) {
        const rawSymbol = optionRawSymbol(expiry.root, expiry.expDate, right, strike);
        let id = optionInstrumentId(rawSymbol);
        while (used.has(id)) id = id === hi ? lo : id + 1;
        used.add(id);
        chain.push({
          instrumentId: id,
          rawSymbol,
          root: expiry.root,
          right,
          strike,
          expirationNs: expiry.expirationNs,
          expDate: expiry.expDate,
          underlying: underlying.symbol,
        });
      }
    }
  }
  return chain;
}
