/**
 * Front-month ES futures contract by the calendar roll (levels-pipeline-lake.md B.4.1), the roll window of
 * the expiring contract (B.4.3 "Roll window (amended)"), the futures record filter (B.4.1 item 4) and the
 * volume-dominance QA of B.4.2.
 *
 * Pure: dates are trade dates `YYYY-MM-DD` (`tradeDate` of `@spymaster/schemas/time`), never wall-clock time.
 *
 * @module
 */
import { CME_MONTH_CODES, type CmeMonthCode, type Config, DEFAULT_CONFIG } from '@spymaster/schemas/config';
import {
  addDays,
  nthWeekdayOfMonth,
  parseDate,
  type TimeWindow,
  tradeDate,
  tradeDateWindow,
} from '@spymaster/schemas/time';

/** The configuration parameters contract selection reads (spec README §5.2). */
export type ContractConfig = Pick<Config, 'FUTURES_ROOT' | 'QUARTERLY_MONTHS' | 'ROLL_DAYS_BEFORE_EXPIRY'>;

/** One quarterly futures contract of the front-month cycle. */
export interface FuturesContract {
  /** Exchange symbol: root + month code + last digit of the year, e.g. `ESZ5`. */
  readonly symbol: string;
  /** Product root, e.g. `ES`. */
  readonly root: string;
  /** CME month code, e.g. `Z`. */
  readonly monthCode: CmeMonthCode;
  /** Contract month 1–12 (12 for `Z`). */
  readonly contractMonth: number;
  /** Contract year, e.g. 2025. */
  readonly year: number;
  /** Expiry `E`: the third Friday of the contract month. */
  readonly expiry: string;
  /** Roll date `R = E − ROLL_DAYS_BEFORE_EXPIRY` (a Thursday by default): the first trade date on the next contract. */
  readonly rollDate: string;
}

/**
 * Third Friday of a month (first Friday + 14 days): the quarterly expiry.
 *
 * @example
 * ```ts
 * thirdFriday(2025, 12); // '2025-12-19'
 * ```
 */
export function thirdFriday(year: number, month: number): string {
  return nthWeekdayOfMonth(year, month, 5, 3);
}

function monthNumber(code: CmeMonthCode): number {
  return CME_MONTH_CODES.indexOf(code) + 1;
}

/**
 * The contract of a year and month code, with its expiry and roll date.
 *
 * @example
 * ```ts
 * futuresContract(2025, 'Z'); // { symbol: 'ESZ5', expiry: '2025-12-19', rollDate: '2025-12-11', year: 2025, ... }
 * ```
 */
export function futuresContract(
  year: number,
  monthCode: CmeMonthCode,
  config: ContractConfig = DEFAULT_CONFIG,
): FuturesContract {
  const contractMonth = monthNumber(monthCode);
  const expiry = thirdFriday(year, contractMonth);
  return {
    symbol: `${config.FUTURES_ROOT}${monthCode}${((year % 10) + 10) % 10}`,
    root: config.FUTURES_ROOT,
    monthCode,
    contractMonth,
    year,
    expiry,
    rollDate: addDays(expiry, -config.ROLL_DAYS_BEFORE_EXPIRY),
  };
}

/**
 * Front month `F = frontMonth(X)` of a trade date (B.4.1): the first contract of the cycle, in chronological
 * order from `X.year` on, whose roll date `R` is after `X`.
 *
 * @example
 * ```ts
 * frontMonth('2025-12-10').symbol; // 'ESZ5'
 * frontMonth('2025-12-11').symbol; // 'ESH6' (roll date of ESZ5)
 * ```
 */
export function frontMonth(tradeDate: string, config: ContractConfig = DEFAULT_CONFIG): FuturesContract {
  const { year } = parseDate(tradeDate);
  // The spec scans X.year and X.year + 1; later years are only reached with unusual configurations.
  for (let y = year; y <= year + 2; y++) {
    for (const code of config.QUARTERLY_MONTHS) {
      const contract = futuresContract(y, code, config);
      if (tradeDate < contract.rollDate) return contract;
    }
  }
  throw new RangeError(`frontMonth: no contract of ${config.QUARTERLY_MONTHS.join('')} rolls after ${tradeDate}`);
}

/**
 * The contract before `contract` in the cycle (the previous quarterly month, wrapping to the previous year).
 *
 * @example
 * ```ts
 * previousContract(frontMonth('2025-12-16')).symbol; // 'ESZ5'
 * ```
 */
export function previousContract(contract: FuturesContract, config: ContractConfig = DEFAULT_CONFIG): FuturesContract {
  const months = config.QUARTERLY_MONTHS;
  const i = months.indexOf(contract.monthCode);
  if (i > 0) return futuresContract(contract.year, months[i - 1] as CmeMonthCode, config);
  return futuresContract(contract.year - 1, months[months.length - 1] as CmeMonthCode, config);
}

/**
 * The contract after `contract` in the cycle.
 *
 * @example
 * ```ts
 * nextContract(futuresContract(2025, 'Z')).symbol; // 'ESH6'
 * ```
 */
export function nextContract(contract: FuturesContract, config: ContractConfig = DEFAULT_CONFIG): FuturesContract {
  const months = config.QUARTERLY_MONTHS;
  const i = months.indexOf(contract.monthCode);
  if (i >= 0 && i < months.length - 1) return futuresContract(contract.year, months[i + 1] as CmeMonthCode, config);
  return futuresContract(contract.year + 1, months[0] as CmeMonthCode, config);
}

/**
 * The outright-symbol pattern of B.4.1 item 4, built from the configuration: `^ES[HMUZ][0-9]$` by default.
 * Spreads (`ESZ5-ESH6`) and other months do not match.
 *
 * @example
 * ```ts
 * outrightSymbolPattern().source; // '^ES[HMUZ][0-9]$'
 * ```
 */
export function outrightSymbolPattern(config: ContractConfig = DEFAULT_CONFIG): RegExp {
  const root = config.FUTURES_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${root}[${config.QUARTERLY_MONTHS.join('')}][0-9]$`);
}

/**
 * Whether a raw symbol is an outright quarterly contract of the configured root (B.4.1 item 4).
 *
 * @example
 * ```ts
 * isOutrightSymbol('ESZ5'); // true
 * isOutrightSymbol('ESZ5-ESH6'); // false
 * ```
 */
export function isOutrightSymbol(symbol: string, config: ContractConfig = DEFAULT_CONFIG): boolean {
  return outrightSymbolPattern(config).test(symbol);
}

/**
 * Read an outright symbol back into its contract (B.4.1 item 3): the year is the unique year in
 * `[X.year − 1, X.year + 8]` with the symbol's last digit, `X` being the reference trade date. Returns null for
 * anything that is not an outright quarterly symbol of the configured root.
 *
 * @example
 * ```ts
 * parseContractSymbol('ESH6', '2025-12-16')?.year; // 2026
 * parseContractSymbol('ESZ4', '2025-01-02')?.year; // 2024 (X.year − 1)
 * ```
 */
export function parseContractSymbol(
  symbol: string,
  referenceTradeDate: string,
  config: ContractConfig = DEFAULT_CONFIG,
): FuturesContract | null {
  if (!isOutrightSymbol(symbol, config)) return null;
  const code = symbol.charAt(symbol.length - 2) as CmeMonthCode;
  const digit = Number(symbol.charAt(symbol.length - 1));
  const low = parseDate(referenceTradeDate).year - 1;
  const year = low + ((((digit - low) % 10) + 10) % 10);
  return futuresContract(year, code, config);
}

/** A roll window: trade dates `R ≤ D ≤ E` of the contract `Q` that was front month before its roll date `R`. */
export interface RollWindow {
  /** The front month `F` of the date. */
  readonly front: FuturesContract;
  /** The expiring contract `Q` (front month before `R`), whose 0DTE options and book are still used. */
  readonly expiring: FuturesContract;
}

/**
 * The roll window a trade date lies in, or null (B.4.3): on dates `R ≤ D ≤ E` of the previous contract `Q`,
 * options on `Q` are accepted and mapped into `F`'s prices by the calendar basis.
 *
 * @example
 * ```ts
 * const w = rollWindow('2025-12-16'); // { front: ESH6…, expiring: ESZ5… }
 * rollWindow('2025-12-22'); // null (after ESZ5's expiry 2025-12-19)
 * ```
 */
export function rollWindow(tradeDate: string, config: ContractConfig = DEFAULT_CONFIG): RollWindow | null {
  const front = frontMonth(tradeDate, config);
  const expiring = previousContract(front, config);
  return expiring.rollDate <= tradeDate && tradeDate <= expiring.expiry ? { front, expiring } : null;
}

/** What a futures record is for, when it is kept: the front month, or the expiring contract's basis-only book. */
export type FuturesRecordRole = 'front' | 'expiring_book';

/** Options of the futures record filter. */
export interface FuturesRecordOptions {
  /**
   * Accept the expiring contract `Q` on roll-window dates (B.4.1 item 4 exception, B.4.3 item 1). Set it for
   * MBP-10 book records only: `Q`'s trades are never kept. Default false.
   */
  readonly acceptExpiringBook?: boolean;
  /** Contract parameters; `DEFAULT_CONFIG` when absent. */
  readonly config?: ContractConfig;
}

/**
 * Role of a futures record (B.4.1 item 4): `front` if the raw symbol is an outright equal to
 * `frontMonth(tradeDate(ts_event_ns))`; `expiring_book` if `acceptExpiringBook` is set and the symbol is the
 * expiring contract of a roll window; otherwise null (the record is dropped).
 *
 * @example
 * ```ts
 * futuresRecordRole('ESZ5', 1765895400000000000n); // null (2025-12-16: front month is ESH6)
 * futuresRecordRole('ESZ5', 1765895400000000000n, { acceptExpiringBook: true }); // 'expiring_book'
 * ```
 */
export function futuresRecordRole(
  symbol: string,
  ts_event_ns: bigint,
  options: FuturesRecordOptions = {},
): FuturesRecordRole | null {
  const config = options.config ?? DEFAULT_CONFIG;
  if (!isOutrightSymbol(symbol, config)) return null;
  const date = tradeDate(ts_event_ns);
  if (!options.acceptExpiringBook) return frontMonth(date, config).symbol === symbol ? 'front' : null;
  const window = rollWindow(date, config);
  const front = window ? window.front : frontMonth(date, config);
  if (front.symbol === symbol) return 'front';
  return window && window.expiring.symbol === symbol ? 'expiring_book' : null;
}

/**
 * Whether a futures record is kept (B.4.1 item 4): an outright symbol equal to the front month of the record's
 * trade date, or, with `acceptExpiringBook` (MBP-10 records only), the expiring contract in a roll window.
 *
 * @example
 * ```ts
 * isFrontMonthFuturesRecord('ESH6', 1765895400000000000n); // true (2025-12-16)
 * isFrontMonthFuturesRecord('ESZ5-ESH6', 1765895400000000000n); // false (spread)
 * ```
 */
export function isFrontMonthFuturesRecord(
  symbol: string,
  ts_event_ns: bigint,
  options: FuturesRecordOptions = {},
): boolean {
  return futuresRecordRole(symbol, ts_event_ns, options) !== null;
}

/** The contracts in force during one trade date, as cached by {@link FuturesRecordFilter}. */
export interface TradeDateContracts {
  /** The trade date. */
  readonly tradeDate: string;
  /** Its instants `[18:00 ET of the day before, 18:00 ET)`. */
  readonly window: TimeWindow;
  /** Front month `F`. */
  readonly front: FuturesContract;
  /** Expiring contract `Q` on roll-window dates, else null. */
  readonly expiring: FuturesContract | null;
}

/**
 * The contracts in force on a trade date: front month and, in a roll window, the expiring contract.
 *
 * @example
 * ```ts
 * tradeDateContracts('2025-12-16').expiring?.symbol; // 'ESZ5'
 * ```
 */
export function tradeDateContracts(date: string, config: ContractConfig = DEFAULT_CONFIG): TradeDateContracts {
  const window = rollWindow(date, config);
  return {
    tradeDate: date,
    window: tradeDateWindow(date),
    front: window ? window.front : frontMonth(date, config),
    expiring: window ? window.expiring : null,
  };
}

/**
 * The futures record filter of B.4.1 item 4 for a stream in event-time order: the same answers as
 * {@link futuresRecordRole}, with the contracts of the current trade date cached (records of one trade date
 * cost two bigint comparisons and a string comparison).
 *
 * @example
 * ```ts
 * const filter = new FuturesRecordFilter();
 * filter.role('ESH6', 1765895400000000000n, false); // 'front'
 * filter.role('ESZ5', 1765895400000000000n, true); // 'expiring_book' (MBP-10 record in the Dec roll window)
 * ```
 */
export class FuturesRecordFilter {
  private readonly config: ContractConfig;
  private readonly pattern: RegExp;
  private current: TradeDateContracts | null = null;

  constructor(config: ContractConfig = DEFAULT_CONFIG) {
    this.config = config;
    this.pattern = outrightSymbolPattern(config);
  }

  /** The contracts of the trade date of `ts_event_ns` (cached while consecutive records share a trade date). */
  contractsAt(ts_event_ns: bigint): TradeDateContracts {
    const cur = this.current;
    if (cur && ts_event_ns >= cur.window.start && ts_event_ns < cur.window.end) return cur;
    const next = tradeDateContracts(tradeDate(ts_event_ns), this.config);
    this.current = next;
    return next;
  }

  /** Role of a record, or null when it is dropped; `isBook` enables the expiring-contract exception. */
  role(symbol: string, ts_event_ns: bigint, isBook: boolean): FuturesRecordRole | null {
    if (!this.pattern.test(symbol)) return null;
    const c = this.contractsAt(ts_event_ns);
    if (symbol === c.front.symbol) return 'front';
    return isBook && c.expiring !== null && symbol === c.expiring.symbol ? 'expiring_book' : null;
  }
}

/** Result of the volume-dominance QA of one session (B.4.2); the field names are the sidecar's. */
export interface DominanceReport {
  /** The session date. */
  readonly date: string;
  /** `frontMonth(date)`. */
  readonly front_month: string;
  /** Contract with the most RTH trades (tie → earlier expiry), or null without trades. */
  readonly dominant: string | null;
  /** `count(dominant) / total`; 0 without trades. */
  readonly dominance_ratio: number;
  /** RTH trades of all outright contracts. */
  readonly total_trades: number;
  /** `dominance_ratio < DOMINANCE_THRESHOLD OR dominant ≠ frontMonth(date)` (true without trades). */
  readonly roll_contaminated: boolean;
}

/**
 * Volume-dominance QA (B.4.2, diagnostic only): from RTH trade counts per raw symbol (before filtering; non-
 * outright symbols are ignored), the dominant contract, its share and the `roll_contaminated` flag.
 *
 * @example
 * ```ts
 * rollDominance({ ESZ5: 700, ESH6: 300, 'ESZ5-ESH6': 50 }, '2025-12-10');
 * // { dominant: 'ESZ5', dominance_ratio: 0.7, roll_contaminated: false, front_month: 'ESZ5', total_trades: 1000, ... }
 * ```
 */
export function rollDominance(
  tradeCounts: Readonly<Record<string, number>> | ReadonlyMap<string, number>,
  date: string,
  config: ContractConfig & Pick<Config, 'DOMINANCE_THRESHOLD'> = DEFAULT_CONFIG,
): DominanceReport {
  const entries = tradeCounts instanceof Map ? [...tradeCounts] : Object.entries(tradeCounts);
  let total = 0;
  let best: { symbol: string; count: number; expiry: string } | null = null;
  for (const [symbol, count] of entries) {
    const contract = parseContractSymbol(symbol, date, config);
    if (contract === null || !(count > 0)) continue;
    total += count;
    if (best === null || count > best.count || (count === best.count && contract.expiry < best.expiry)) {
      best = { symbol, count, expiry: contract.expiry };
    }
  }
  const front = frontMonth(date, config).symbol;
  const ratio = best === null ? 0 : best.count / total;
  return {
    date,
    front_month: front,
    dominant: best?.symbol ?? null,
    dominance_ratio: ratio,
    total_trades: total,
    roll_contaminated: best === null || ratio < config.DOMINANCE_THRESHOLD || best.symbol !== front,
  };
}
