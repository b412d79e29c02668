/**
 * The futures contracts of a simulated trade date: the front month (active) and a second contract (thin):
 * the expiring contract inside a roll window (so options on it exercise the basis rule), else the next
 * quarterly. Instrument ids are stable per contract across days.
 *
 * @module
 */
import { frontMonth, futuresContract, nextContract, rollWindow } from '@spymaster/replay';
import { daysBetween, etToNs } from '@spymaster/schemas/time';
import { hash32 } from './rng.js';
import type { FuturesInstrument, SessionWindow } from './types.js';

/** Carry (interest minus dividends) that sets the calendar basis between quarterly contracts, per year. */
export const CARRY_RATE = 0.032;

/** Stable numeric instrument id of a futures contract (Databento ids of ES contracts are of this size). */
export function futuresInstrumentId(symbol: string): number {
  return 40_000_000 + (hash32(`fut/${symbol}`) % 9_000_000);
}

/** Calendar basis (later contract minus earlier) in points, rounded to the 0.25 tick. */
export function calendarBasis(price: number, earlierExpiry: string, laterExpiry: string): number {
  const years = daysBetween(earlierExpiry, laterExpiry) / 365;
  return Math.round(price * CARRY_RATE * years * 4) / 4;
}

function instrument(symbol: string, expiry: string, role: 'front' | 'other', basis: number): FuturesInstrument {
  return {
    instrumentId: futuresInstrumentId(symbol),
    symbol,
    expiry,
    expirationNs: etToNs(expiry, '09:30'),
    role,
    basis,
  };
}

/** The front month and the second contract of a trade date, with the basis of the second at `price`. */
export function sessionContracts(date: string, price: number): { front: FuturesInstrument; other: FuturesInstrument } {
  const window = rollWindow(date);
  const front = window ? window.front : frontMonth(date);
  const second = window ? window.expiring : nextContract(front);
  const basis =
    second.expiry < front.expiry
      ? -calendarBasis(price, second.expiry, front.expiry)
      : calendarBasis(price, front.expiry, second.expiry);
  return {
    front: instrument(front.symbol, front.expiry, 'front', 0),
    other: instrument(second.symbol, second.expiry, 'other', basis),
  };
}

/** The contract object for a symbol's month code and year (re-exported for the options model). */
export { futuresContract };

/** The simulated window of a trade date: 04:00 ET to `end` (default 13:30 ET). */
export function sessionWindow(date: string, end = '13:30'): SessionWindow {
  return {
    date,
    startNs: etToNs(date, '04:00'),
    endNs: etToNs(date, end),
    rthStartNs: etToNs(date, '09:30'),
    orEndNs: etToNs(date, '09:45'),
    rthEndNs: etToNs(date, '13:30'),
  };
}
