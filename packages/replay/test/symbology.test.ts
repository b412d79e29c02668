// ES symbology (levels-pipeline-lake.md B.4.1–B.4.3, B.6–B.8; es-options-symbology.md): B.7 examples and
// B.8 properties for the front month, roll window, futures filter, 0DTE filter, instrument map and basis.
import { DEFAULT_CONFIG } from '@spymaster/schemas/config';
import type { InstrumentDefinition } from '@spymaster/schemas/events';
import {
  addDays,
  dateToDayNumber,
  dayNumberToDate,
  dayOfWeek,
  daysBetween,
  etDate,
  etToNs,
  NS_PER_DAY,
  NS_PER_HOUR,
  NS_PER_SECOND,
  tradeDate,
} from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  basisMaxAgeNs,
  classifyOptionRecord,
  classifyZeroDte,
  classifyZeroDteAt,
  expiringUnderlyingPrice,
  FuturesRecordFilter,
  frontMonth,
  futuresContract,
  futuresRecordRole,
  InstrumentMap,
  isFrontMonthFuturesRecord,
  isOutrightSymbol,
  isValidTopOfBook,
  nextContract,
  optionContractFields,
  outrightSymbolPattern,
  parseContractSymbol,
  placedStrike,
  placeStrike,
  previousContract,
  RollBasisTracker,
  rollDominance,
  rollWindow,
  SymbolMap,
  SymbologyError,
  thirdFriday,
  topOfBookFromLevels,
  ZERO_DTE_REJECT_REASONS,
  type ZeroDteRejectReason,
  zeroDteContext,
} from '../src/symbology/index.js';

const dayNumber = fc.integer({ min: dateToDayNumber('2007-01-02'), max: dateToDayNumber('2040-12-31') });
const date = dayNumber.map(dayNumberToDate);
const instant = fc.bigInt({
  min: BigInt(dateToDayNumber('2007-01-02')) * NS_PER_DAY,
  max: BigInt(dateToDayNumber('2041-01-01')) * NS_PER_DAY - 1n,
});

function definition(overrides: Partial<InstrumentDefinition> = {}): InstrumentDefinition {
  const expiration_ns = overrides.expiration_ns ?? 1762203600000000000n;
  return {
    instrument_id: 42,
    ts_event_ns: 1762142400000000000n,
    ts_recv_ns: 1762142400000000000n,
    raw_symbol: 'E1AX5 C6850',
    instrument_class: 'C',
    security_type: 'OOF',
    asset: 'E1A',
    underlying: 'ESZ5',
    strike: 6850,
    right: 'C',
    expiration_ns,
    exp_date: etDate(expiration_ns),
    min_price_increment: 0.05,
    contract_multiplier: 50,
    update_action: 'A',
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------------
// B.4.1 front month
// ---------------------------------------------------------------------------------------------------------

describe('B.7 front month by date', () => {
  const table: [string, string][] = [
    ['2025-03-12', 'ESH5'],
    ['2025-03-13', 'ESM5'],
    ['2025-06-11', 'ESM5'],
    ['2025-06-12', 'ESU5'],
    ['2025-09-10', 'ESU5'],
    ['2025-09-11', 'ESZ5'],
    ['2025-11-03', 'ESZ5'],
    ['2025-12-10', 'ESZ5'],
    ['2025-12-11', 'ESH6'],
    ['2025-12-22', 'ESH6'],
    ['2026-03-11', 'ESH6'],
    ['2026-03-12', 'ESM6'],
  ];
  it.each(table)('%s → %s', (d, symbol) => {
    expect(frontMonth(d).symbol).toBe(symbol);
  });

  it('roll and expiry dates of the examples', () => {
    expect(frontMonth('2025-12-10')).toEqual({
      symbol: 'ESZ5',
      root: 'ES',
      monthCode: 'Z',
      contractMonth: 12,
      year: 2025,
      expiry: '2025-12-19',
      rollDate: '2025-12-11',
    });
    expect(futuresContract(2025, 'H')).toMatchObject({ expiry: '2025-03-21', rollDate: '2025-03-13' });
    expect(frontMonth('2025-03-13')).toMatchObject({ symbol: 'ESM5', year: 2025, contractMonth: 6 });
    expect(frontMonth('2025-12-11')).toMatchObject({ symbol: 'ESH6', year: 2026, expiry: '2026-03-20' });
    expect(thirdFriday(2025, 12)).toBe('2025-12-19');
    expect(dayOfWeek(futuresContract(2025, 'Z').rollDate)).toBe(4); // a Thursday
    expect(previousContract(frontMonth('2025-12-16')).symbol).toBe('ESZ5');
    expect(nextContract(futuresContract(2025, 'Z')).symbol).toBe('ESH6');
  });

  it('outright symbols and reading a symbol back', () => {
    expect(outrightSymbolPattern().source).toBe('^ES[HMUZ][0-9]$');
    for (const s of ['ESH5', 'ESM0', 'ESU9', 'ESZ5']) expect(isOutrightSymbol(s), s).toBe(true);
    for (const s of ['ESZ5-ESH6', 'ESF5', 'ESZ25', 'MESZ5', 'ES Z5', 'esz5', 'E1AZ5 C6850', 'ESZ', '']) {
      expect(isOutrightSymbol(s), s).toBe(false);
    }
    expect(parseContractSymbol('ESH6', '2025-12-16')?.year).toBe(2026);
    expect(parseContractSymbol('ESZ4', '2025-01-02')?.year).toBe(2024); // X.year − 1
    expect(parseContractSymbol('ESZ3', '2025-01-02')?.year).toBe(2033); // X.year + 8
    expect(parseContractSymbol('ESZ5-ESH6', '2025-12-16')).toBeNull();
    expect(isOutrightSymbol('NQZ5', { ...DEFAULT_CONFIG, FUTURES_ROOT: 'NQ' })).toBe(true);
  });

  it('B.8-1 over random dates 2007–2040: non-decreasing, changes only on roll dates, E − X ≥ 9', () => {
    fc.assert(
      fc.property(date, (x) => {
        const f = frontMonth(x);
        const next = frontMonth(addDays(x, 1));
        expect(next.expiry >= f.expiry).toBe(true);
        if (next.symbol !== f.symbol) {
          expect(addDays(x, 1)).toBe(f.rollDate);
          expect(next).toEqual(nextContract(f));
        }
        expect(daysBetween(x, f.expiry)).toBeGreaterThanOrEqual(9);
        expect(x < f.rollDate).toBe(true);
        expect(previousContract(f).rollDate <= x).toBe(true);
        expect(dayOfWeek(f.expiry)).toBe(5);
        expect(f.expiry.slice(8) >= '15' && f.expiry.slice(8) <= '21').toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('B.8-1 exhaustively: every date 2007–2040, each contract front on one contiguous range', () => {
    let previous = frontMonth('2007-01-01');
    const seen = new Set([previous.symbol + previous.year]);
    for (let n = dateToDayNumber('2007-01-02'); n <= dateToDayNumber('2040-12-31'); n++) {
      const x = dayNumberToDate(n);
      const f = frontMonth(x);
      if (f.symbol !== previous.symbol) {
        expect(x).toBe(previous.rollDate);
        expect(f.expiry > previous.expiry).toBe(true);
        expect(seen.has(f.symbol + f.year)).toBe(false);
        seen.add(f.symbol + f.year);
      }
      expect(daysBetween(x, f.expiry)).toBeGreaterThanOrEqual(9);
      previous = f;
    }
    expect(seen.size).toBe(34 * 4 + 1);
  });

  it('reading a symbol back gives the contract for every year in [X.year − 1, X.year + 8]', () => {
    fc.assert(
      fc.property(
        date,
        fc.integer({ min: -1, max: 8 }),
        fc.constantFrom('H', 'M', 'U', 'Z' as const),
        (x, dy, code) => {
          const contract = futuresContract(Number(x.slice(0, 4)) + dy, code);
          expect(parseContractSymbol(contract.symbol, x)).toEqual(contract);
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Roll window and the futures record filter
// ---------------------------------------------------------------------------------------------------------

describe('roll window (B.4.3) and the futures record filter (B.4.1 item 4)', () => {
  it('dates R ≤ D ≤ E of the expiring contract', () => {
    const w = rollWindow('2025-12-16');
    expect(w?.front.symbol).toBe('ESH6');
    expect(w?.expiring.symbol).toBe('ESZ5');
    expect(rollWindow('2025-12-10')).toBeNull();
    expect(rollWindow('2025-12-11')?.expiring.symbol).toBe('ESZ5'); // R
    expect(rollWindow('2025-12-19')?.expiring.symbol).toBe('ESZ5'); // E
    expect(rollWindow('2025-12-20')).toBeNull();
    expect(rollWindow('2025-12-22')).toBeNull();
    expect(rollWindow('2025-11-03')).toBeNull();
    expect(rollWindow('2025-03-13')?.expiring.symbol).toBe('ESH5');
  });

  it('keeps the front month only; the expiring book only when asked', () => {
    const t = etToNs('2025-12-16', '10:00');
    expect(isFrontMonthFuturesRecord('ESH6', t)).toBe(true);
    expect(isFrontMonthFuturesRecord('ESZ5', t)).toBe(false);
    expect(isFrontMonthFuturesRecord('ESZ5', t, { acceptExpiringBook: true })).toBe(true);
    expect(futuresRecordRole('ESZ5', t, { acceptExpiringBook: true })).toBe('expiring_book');
    expect(futuresRecordRole('ESH6', t, { acceptExpiringBook: true })).toBe('front');
    expect(isFrontMonthFuturesRecord('ESZ5-ESH6', t, { acceptExpiringBook: true })).toBe(false);
    expect(isFrontMonthFuturesRecord('ESM6', t, { acceptExpiringBook: true })).toBe(false);
    // Outside a roll window the previous contract is never kept.
    const later = etToNs('2025-12-22', '10:00');
    expect(isFrontMonthFuturesRecord('ESZ5', later, { acceptExpiringBook: true })).toBe(false);
  });

  it('B.6: the new contract starts with the roll date’s Globex session at 18:00 ET the day before', () => {
    const open = etToNs('2025-12-10', '18:00');
    expect(tradeDate(open)).toBe('2025-12-11');
    expect(futuresRecordRole('ESH6', open)).toBe('front');
    expect(futuresRecordRole('ESZ5', open - 1n)).toBe('front');
    expect(futuresRecordRole('ESH6', open - 1n)).toBeNull();
  });

  it('FuturesRecordFilter agrees with futuresRecordRole', () => {
    const symbols = fc.constantFrom('ESH6', 'ESZ5', 'ESU5', 'ESM6', 'ESZ5-ESH6', 'NQZ5', 'ESH7');
    const times = fc.oneof(
      instant,
      fc
        .tuple(fc.integer({ min: 0, max: 40 }), fc.bigInt({ min: -2n, max: 2n }))
        .map(([d, delta]) => etToNs(addDays('2025-12-01', d), '18:00') + delta),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(symbols, times, fc.boolean()), { maxLength: 40 }), (records) => {
        const filter = new FuturesRecordFilter();
        for (const [symbol, ts, isBook] of records) {
          expect(filter.role(symbol, ts, isBook)).toBe(futuresRecordRole(symbol, ts, { acceptExpiringBook: isBook }));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('B.8-2 (futures): every kept record is the front month of its trade date, or Q of a roll window', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(0, 1, -1, 2), fc.boolean(), (ts, k, isBook) => {
        const d = tradeDate(ts);
        const f = frontMonth(d);
        const candidate =
          k === 0
            ? f
            : k === 1
              ? nextContract(f)
              : k === -1
                ? previousContract(f)
                : futuresContract(f.year + 1, f.monthCode);
        const role = futuresRecordRole(candidate.symbol, ts, { acceptExpiringBook: isBook });
        const w = rollWindow(d);
        if (role === 'front') expect(candidate.symbol).toBe(f.symbol);
        if (role === 'expiring_book') expect(isBook && w !== null && candidate.symbol === w.expiring.symbol).toBe(true);
        if (role === null) expect(candidate.symbol !== f.symbol).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('B.4.2 volume-dominance QA', () => {
  it('dominant contract, ratio and contamination', () => {
    expect(rollDominance({ ESZ5: 700, ESH6: 300, 'ESZ5-ESH6': 50 }, '2025-12-10')).toEqual({
      date: '2025-12-10',
      front_month: 'ESZ5',
      dominant: 'ESZ5',
      dominance_ratio: 0.7,
      total_trades: 1000,
      roll_contaminated: false,
    });
    expect(
      rollDominance(
        new Map([
          ['ESZ5', 550],
          ['ESH6', 450],
        ]),
        '2025-12-10',
      ).roll_contaminated,
    ).toBe(true);
    expect(rollDominance({ ESZ5: 300, ESH6: 700 }, '2025-12-10')).toMatchObject({
      dominant: 'ESH6',
      roll_contaminated: true,
    });
    // Tie → earlier expiry.
    expect(rollDominance({ ESH6: 500, ESZ5: 500 }, '2025-12-11').dominant).toBe('ESZ5');
    expect(rollDominance({}, '2025-12-13')).toMatchObject({
      dominant: null,
      dominance_ratio: 0,
      roll_contaminated: true,
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// B.4.3 0DTE filter
// ---------------------------------------------------------------------------------------------------------

describe('B.7 0DTE filter on 2025-11-03 (front month ESZ5)', () => {
  const ts = etToNs('2025-11-03', '10:00');
  const ctx = zeroDteContext('2025-11-03');

  it('the context', () => {
    expect(ctx.front).toBe('ESZ5');
    expect(ctx.expiring).toBeNull();
    expect(etToNs('2025-11-03', '16:00')).toBe(1762203600000000000n);
    expect(etToNs('2025-11-04', '16:00')).toBe(1762290000000000000n);
    expect(etToNs('2025-12-19', '09:30')).toBe(1766154600000000000n);
  });

  it('C 6850 expiring 2025-11-03 16:00 ET is kept', () => {
    const def = definition({ instrument_class: 'C', strike: 6850000000000 / 1e9, expiration_ns: 1762203600000000000n });
    const decision = classifyZeroDte(def, ctx);
    expect(decision).toEqual({
      kept: true,
      role: 'front',
      fields: {
        underlying: 'ES',
        underlying_contract: 'ESZ5',
        option_symbol: 'E1AX5 C6850',
        exp_date: '2025-11-03',
        expiration_ns: 1762203600000000000n,
        strike: 6850,
        right: 'C',
      },
    });
    expect(classifyZeroDteAt(def, ts)).toEqual(decision);
    expect(optionContractFields(def)).toEqual(decision.kept ? decision.fields : null);
  });

  it('P 6800 expiring 2025-11-04 16:00 ET is rejected (1DTE)', () => {
    const def = definition({ instrument_class: 'P', right: 'P', strike: 6800, expiration_ns: 1762290000000000000n });
    expect(classifyZeroDteAt(def, ts)).toEqual({ kept: false, reason: 'not_0dte' });
  });

  it('C 6850 expiring 2025-12-19 09:30 ET is rejected (not 0DTE)', () => {
    const def = definition({ raw_symbol: 'ESZ5 C6850', asset: 'ES', expiration_ns: 1766154600000000000n });
    expect(classifyZeroDteAt(def, ts)).toEqual({ kept: false, reason: 'not_0dte' });
  });

  it('a future (class F) is rejected (not an option)', () => {
    const def = definition({
      raw_symbol: 'ESZ5',
      instrument_class: 'F',
      security_type: 'FUT',
      asset: 'ES',
      underlying: null,
      strike: null,
      right: null,
    });
    expect(classifyZeroDteAt(def, ts)).toEqual({ kept: false, reason: 'not_option' });
    expect(() => optionContractFields(def)).toThrow(TypeError);
  });

  it('the other reasons', () => {
    expect(classifyZeroDte(definition({ security_type: 'OOC' }), ctx)).toEqual({ kept: false, reason: 'not_oof' });
    expect(classifyZeroDte(definition({ underlying: 'ESH6' }), ctx)).toEqual({
      kept: false,
      reason: 'wrong_underlying',
    });
    expect(classifyZeroDte(definition({ underlying: null }), ctx)).toEqual({ kept: false, reason: 'wrong_underlying' });
    expect(classifyZeroDte(definition({ strike: null }), ctx)).toEqual({ kept: false, reason: 'no_strike' });
    expect(classifyZeroDte(definition({ update_action: 'D' }), ctx)).toEqual({ kept: false, reason: 'deleted' });
    // exp_date comes from expiration_ns, never from the symbol or the definition's own exp_date text.
    const misleading = definition({ raw_symbol: 'EW4Z5 C6850', exp_date: '2025-12-26' });
    expect(classifyZeroDte(misleading, ctx)).toMatchObject({ kept: true, fields: { exp_date: '2025-11-03' } });
  });

  it('ET day bounds: midnight to midnight, expiry at 23:59:59.999999999 ET still 0DTE', () => {
    const start = etToNs('2025-11-03', 0, 0);
    const end = etToNs('2025-11-04', 0, 0);
    expect(ctx.etDay).toEqual({ start, end });
    expect(classifyZeroDte(definition({ expiration_ns: start }), ctx).kept).toBe(true);
    expect(classifyZeroDte(definition({ expiration_ns: end - 1n }), ctx).kept).toBe(true);
    expect(classifyZeroDte(definition({ expiration_ns: end }), ctx).kept).toBe(false);
    expect(classifyZeroDte(definition({ expiration_ns: start - 1n }), ctx).kept).toBe(false);
  });
});

describe('B.7 roll window on 2025-12-16 (front ESH6, expiring ESZ5)', () => {
  const ctx = zeroDteContext('2025-12-16');
  const exp = etToNs('2025-12-16', '16:00');

  it('0DTE options on ESZ5 are kept as expiring; on ESH6 as front', () => {
    expect(ctx).toMatchObject({ tradeDate: '2025-12-16', front: 'ESH6', expiring: 'ESZ5' });
    const onQ = definition({
      raw_symbol: 'E3BZ5 P6000',
      underlying: 'ESZ5',
      instrument_class: 'P',
      right: 'P',
      strike: 6000,
      expiration_ns: exp,
    });
    expect(classifyZeroDte(onQ, ctx)).toEqual({
      kept: true,
      role: 'expiring',
      fields: {
        underlying: 'ES',
        underlying_contract: 'ESZ5',
        option_symbol: 'E3BZ5 P6000',
        exp_date: '2025-12-16',
        expiration_ns: exp,
        strike: 6000,
        right: 'P',
      },
    });
    expect(classifyZeroDteAt(onQ, etToNs('2025-12-16', '09:30'))).toMatchObject({ kept: true, role: 'expiring' });
    expect(classifyZeroDte(definition({ underlying: 'ESH6', expiration_ns: exp }), ctx)).toMatchObject({
      kept: true,
      role: 'front',
    });
    expect(classifyZeroDte(definition({ underlying: 'ESM6', expiration_ns: exp }), ctx)).toEqual({
      kept: false,
      reason: 'wrong_underlying',
    });
  });

  it('after the window, options on ESZ5 are the wrong underlying', () => {
    const d = '2025-12-22';
    const def = definition({ underlying: 'ESZ5', expiration_ns: etToNs(d, '16:00') });
    expect(classifyZeroDte(def, zeroDteContext(d))).toEqual({ kept: false, reason: 'wrong_underlying' });
  });

  it('B.6: the AM-settled quarterly ES option is 0DTE on its expiry E only', () => {
    const quarterly = definition({
      raw_symbol: 'ESZ5 C6000',
      asset: 'ES',
      underlying: 'ESZ5',
      expiration_ns: etToNs('2025-12-19', '09:30'),
    });
    expect(classifyZeroDte(quarterly, zeroDteContext('2025-12-19'))).toMatchObject({ kept: true, role: 'expiring' });
    expect(classifyZeroDte(quarterly, zeroDteContext('2025-12-18'))).toEqual({ kept: false, reason: 'not_0dte' });
  });
});

describe('B.8-2 (options): the filter keeps exactly the 0DTE OOF calls and puts on F, or on Q in a roll window', () => {
  it('holds for random definitions and event times', () => {
    // Half of the event times fall on roll-window dates (R ≤ D ≤ E), which are otherwise only ~10% of dates.
    const inRollWindow = fc
      .tuple(
        fc.integer({ min: 2007, max: 2040 }),
        fc.constantFrom('H', 'M', 'U', 'Z' as const),
        fc.integer({ min: 0, max: 8 }),
        fc.bigInt({ min: 0n, max: 4n * NS_PER_HOUR }),
      )
      .map(([y, code, k, offset]) => etToNs(addDays(futuresContract(y, code).rollDate, k), '09:30') + offset);
    const arbitrary = fc.record({
      ts: fc.oneof(instant, inRollWindow),
      dayShift: fc.constantFrom(0, 0, 0, -1, 1, 2),
      time: fc.constantFrom('00:00', '09:30', '16:00', '17:59', '18:00', '23:59'),
      extraNs: fc.constantFrom(0n, -1n, 1n),
      underlyingKind: fc.constantFrom('F', 'Q', 'next', 'other', 'null'),
      instrument_class: fc.constantFrom('C', 'P', 'F', 'S', 'O'),
      security_type: fc.constantFrom('OOF', 'OOF', 'FUT', 'OOC'),
      strike: fc.constantFrom(6850, 25.5, null),
      update_action: fc.constantFrom('A', 'M', 'D' as const),
    });
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbitrary, (a) => {
        const d = tradeDate(a.ts);
        const f = frontMonth(d);
        const q = previousContract(f);
        const underlying =
          a.underlyingKind === 'F'
            ? f.symbol
            : a.underlyingKind === 'Q'
              ? q.symbol
              : a.underlyingKind === 'next'
                ? nextContract(f).symbol
                : a.underlyingKind === 'other'
                  ? 'NQZ5'
                  : null;
        const expiration_ns = etToNs(addDays(d, a.dayShift), a.time) + a.extraNs;
        const def = definition({
          instrument_class: a.instrument_class,
          security_type: a.security_type,
          underlying,
          strike: a.strike,
          expiration_ns,
          update_action: a.update_action,
        });
        const decision = classifyZeroDteAt(def, a.ts);
        seen.add(decision.kept ? `kept:${decision.role}` : decision.reason);
        const window = rollWindow(d);
        const rules: [ZeroDteRejectReason, boolean][] = [
          ['deleted', a.update_action !== 'D'],
          ['not_option', a.instrument_class === 'C' || a.instrument_class === 'P'],
          ['not_oof', a.security_type === 'OOF'],
          ['no_strike', a.strike !== null],
          ['wrong_underlying', underlying === f.symbol || (window !== null && underlying === window.expiring.symbol)],
          ['not_0dte', etDate(expiration_ns) === d],
        ];
        const firstFailing = rules.find(([, ok]) => !ok);
        if (firstFailing) {
          expect(decision).toEqual({ kept: false, reason: firstFailing[0] });
        } else {
          expect(decision.kept).toBe(true);
          if (!decision.kept) return;
          expect(decision.fields.exp_date).toBe(tradeDate(a.ts));
          expect(decision.fields).toEqual(optionContractFields(def));
          expect(decision.role).toBe(underlying === f.symbol ? 'front' : 'expiring');
          if (decision.role === 'expiring') expect(window?.expiring.symbol).toBe(underlying);
        }
      }),
      { numRuns: 5000 },
    );
    // The generator reaches every outcome (roll-window dates are about 10% of all dates).
    expect([...seen].sort()).toEqual([...ZERO_DTE_REJECT_REASONS.slice(1), 'kept:expiring', 'kept:front'].sort());
  });

  it('reason list is in check order', () => {
    expect(ZERO_DTE_REJECT_REASONS).toEqual([
      'no_definition',
      'deleted',
      'not_option',
      'not_oof',
      'no_strike',
      'wrong_underlying',
      'not_0dte',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Instrument map and symbol map
// ---------------------------------------------------------------------------------------------------------

describe('InstrumentMap: definitions keyed by (trade date, instrument_id), as of ts_recv', () => {
  const D = '2025-11-03';
  const at = (hhmm: string) => etToNs(D, hhmm);

  it('add, modify, delete and re-add', () => {
    const map = new InstrumentMap();
    const a = definition({ ts_recv_ns: at('08:00'), strike: 6850 });
    const m = definition({ ts_recv_ns: at('10:00'), strike: 6855, update_action: 'M' });
    const del = definition({ ts_recv_ns: at('12:00'), update_action: 'D' });
    const again = definition({ ts_recv_ns: at('14:00'), strike: 6860, update_action: 'A' });
    for (const def of [again, del, a, m]) map.add(def); // any order
    expect(map.size).toBe(4);
    const get = (hhmm: string) => map.getAt(42, D, at(hhmm));
    expect(get('07:59')).toBeNull();
    expect(get('08:00')).toBe(a);
    expect(get('09:59')).toBe(a);
    expect(get('10:00')).toBe(m);
    expect(get('12:00')).toBeNull();
    expect(map.isDeletedAt(42, D, at('12:00'))).toBe(true);
    expect(map.isDeletedAt(42, D, at('07:00'))).toBe(false);
    expect(get('14:00')).toBe(again);
    expect(map.getForRecord({ instrument_id: 42, ts_event_ns: at('10:30'), ts_recv_ns: at('10:30') })).toBe(m);
    expect(map.latestOn(D)).toEqual([again]);
    expect(map.getAt(43, D, at('10:00'))).toBeNull();
  });

  it('visibility follows the record’s ts_recv, the trade date its ts_event', () => {
    const map = new InstrumentMap();
    const def = definition({ ts_recv_ns: at('09:30') });
    map.add(def);
    // A record whose event time precedes the definition but which was received after it sees it.
    expect(map.getForRecord({ instrument_id: 42, ts_event_ns: at('09:29'), ts_recv_ns: at('09:31') })).toBe(def);
    expect(map.getForRecord({ instrument_id: 42, ts_event_ns: at('09:31'), ts_recv_ns: at('09:29') })).toBeNull();
    // 18:00 ET starts the next trade date: a new key.
    expect(map.getForRecord({ instrument_id: 42, ts_event_ns: at('18:00'), ts_recv_ns: at('18:00') })).toBeNull();
  });

  it('ids reused across days keep separate entries', () => {
    const map = new InstrumentMap();
    const day1 = definition({ ts_recv_ns: etToNs('2025-11-03', '00:00'), raw_symbol: 'E1AX5 C6850' });
    const day2 = definition({
      ts_recv_ns: etToNs('2025-11-04', '00:00'),
      raw_symbol: 'E2AX5 P6700',
      instrument_class: 'P',
      strike: 6700,
    });
    map.add(day1);
    map.add(day2);
    expect(map.tradeDates()).toEqual(['2025-11-03', '2025-11-04']);
    expect(map.getAt(42, '2025-11-03', etToNs('2025-11-04', '12:00'))).toBe(day1);
    expect(map.getAt(42, '2025-11-04', etToNs('2025-11-04', '12:00'))).toBe(day2);
    // Before day 2's definition arrives, a day-2 record does not fall back to day 1's.
    expect(map.getAt(42, '2025-11-04', etToNs('2025-11-03', '19:00'))).toBeNull();
    map.dropBefore('2025-11-04');
    expect(map.tradeDates()).toEqual(['2025-11-04']);
    expect(map.size).toBe(1);
  });

  it('property: the latest version with ts_recv ≤ the record’s wins; deletes hide it', () => {
    const start = etToNs(D, '00:00');
    const versions = fc
      .uniqueArray(fc.bigInt({ min: 0n, max: 17n * NS_PER_HOUR }), { minLength: 1, maxLength: 12 })
      .chain((offsets) =>
        fc.tuple(
          fc.constant(offsets),
          fc.array(fc.constantFrom('A', 'M', 'D' as const), { minLength: offsets.length, maxLength: offsets.length }),
          fc.array(fc.integer({ min: 1, max: 3 }), { minLength: offsets.length, maxLength: offsets.length }),
          fc.shuffledSubarray(
            offsets.map((_, i) => i),
            { minLength: offsets.length, maxLength: offsets.length },
          ),
        ),
      );
    fc.assert(
      fc.property(
        versions,
        fc.array(fc.bigInt({ min: -NS_PER_HOUR, max: 18n * NS_PER_HOUR }), { minLength: 1, maxLength: 20 }),
        ([offsets, actions, ids, order], queries) => {
          const defs = offsets.map((o, i) =>
            definition({
              instrument_id: ids[i] as number,
              ts_recv_ns: start + o,
              update_action: actions[i] as 'A' | 'M' | 'D',
              strike: 6000 + i,
            }),
          );
          const map = new InstrumentMap();
          for (const i of order) map.add(defs[i] as InstrumentDefinition);
          for (const q of queries) {
            for (const id of [1, 2, 3]) {
              const visible = defs.filter(
                (d) => d.instrument_id === id && d.ts_recv_ns <= start + q && tradeDate(d.ts_recv_ns) === D,
              );
              const latest = visible.reduce<InstrumentDefinition | null>(
                (best, d) => (best === null || d.ts_recv_ns > best.ts_recv_ns ? d : best),
                null,
              );
              const expected = latest === null || latest.update_action === 'D' ? null : latest;
              expect(map.getAt(id, D, start + q)).toBe(expected);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('equal ts_recv: the later added version wins', () => {
    const map = new InstrumentMap();
    const t = at('08:00');
    const first = definition({ ts_recv_ns: t, strike: 1 });
    const second = definition({ ts_recv_ns: t, strike: 2, update_action: 'M' });
    map.add(first);
    map.add(second);
    expect(map.getAt(42, D, t)).toBe(second);
  });

  it('classifyOptionRecord: no definition, deleted, kept', () => {
    const map = new InstrumentMap();
    const record = { instrument_id: 42, ts_event_ns: at('10:00'), ts_recv_ns: at('10:00') };
    expect(classifyOptionRecord(map, record)).toEqual({ kept: false, reason: 'no_definition' });
    map.add(definition({ ts_recv_ns: at('08:00') }));
    expect(classifyOptionRecord(map, record)).toMatchObject({ kept: true, role: 'front' });
    map.add(definition({ ts_recv_ns: at('09:00'), update_action: 'D' }));
    expect(classifyOptionRecord(map, record, zeroDteContext(D))).toEqual({ kept: false, reason: 'deleted' });
  });

  it('rejects a non-u32 instrument id', () => {
    expect(() => new InstrumentMap().add(definition({ instrument_id: -1 }))).toThrow(SymbologyError);
  });
});

describe('SymbolMap: DBN metadata mappings (instrument_id, UTC date) → raw symbol', () => {
  const map = SymbolMap.fromMappings([
    {
      raw_symbol: 'ESZ5',
      intervals: [
        { start_date: '2025-12-14', end_date: '2025-12-16', symbol: '294973' },
        { start_date: '2025-12-16', end_date: '2025-12-17', symbol: '1001' },
      ],
    },
    { raw_symbol: 'E1AZ5 C6850', intervals: [{ start_date: '2025-12-16', end_date: '2025-12-18', symbol: '294973' }] },
    { raw_symbol: 'OLD', intervals: [{ start_date: '2025-12-01', end_date: '2025-12-02', symbol: '' }] },
  ]);

  it('start inclusive, end exclusive; ids reused across days', () => {
    expect(map.get(294973, '2025-12-13')).toBeNull();
    expect(map.get(294973, '2025-12-14')).toBe('ESZ5');
    expect(map.get(294973, '2025-12-15')).toBe('ESZ5');
    expect(map.get(294973, '2025-12-16')).toBe('E1AZ5 C6850');
    expect(map.get(1001, '2025-12-16')).toBe('ESZ5');
    expect(map.get(294973, '2025-12-17')).toBe('E1AZ5 C6850');
    expect(map.get(294973, '2025-12-18')).toBeNull();
    expect(map.get(7, '2025-12-16')).toBeNull();
  });

  it('getAt resolves by the UTC date of the index timestamp', () => {
    // 2025-12-15 18:00 EST = 23:00 UTC on 12-15 (trade date 12-16, UTC date 12-15).
    expect(map.getAt(294973, 1765839600000000000n)).toBe('ESZ5');
    expect(map.getAt(294973, 1765839600000000000n + 1n * NS_PER_HOUR)).toBe('E1AZ5 C6850');
  });

  it('malformed mappings raise SymbologyError', () => {
    expect(() =>
      SymbolMap.fromMappings([
        { raw_symbol: 'X', intervals: [{ start_date: '2025-12-02', end_date: '2025-12-01', symbol: '1' }] },
      ]),
    ).toThrow(SymbologyError);
    let error: unknown;
    try {
      SymbolMap.fromMappings([
        { raw_symbol: 'X', intervals: [{ start_date: '2025-12-01', end_date: '2025-12-02', symbol: 'ESZ5' }] },
      ]);
    } catch (e) {
      error = e;
    }
    expect(SymbologyError.is(error)).toBe(true);
    expect((error as SymbologyError).input).toBe('ESZ5');
    // start = end is ignored, as Databento's TsSymbolMap does.
    const empty = SymbolMap.fromMappings([
      { raw_symbol: 'X', intervals: [{ start_date: '2025-12-01', end_date: '2025-12-01', symbol: '5' }] },
    ]);
    expect(empty.get(5, '2025-12-01')).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Basis
// ---------------------------------------------------------------------------------------------------------

describe('roll-window basis b(t) = mid_F − mid_Q', () => {
  const t0 = etToNs('2025-12-16', '10:00');
  const s = (n: bigint) => n * NS_PER_SECOND;

  function tracker(): RollBasisTracker {
    const b = new RollBasisTracker('ESH6', 'ESZ5');
    b.update('ESH6', t0, 6060.25, 6060.5);
    b.update('ESZ5', t0 + s(1n), 6010, 6010.25);
    return b;
  }

  it('both tops valid and fresh → basis', () => {
    const b = tracker();
    expect(b.basis(t0 + s(30n))).toBe(50.25);
    expect(b.mid('front', t0 + s(30n))).toBe(6060.375);
    expect(b.mid('expiring', t0 + s(30n))).toBe(6010.125);
  });

  it('a book record older than 60 s → null; exactly 60 s is still fresh', () => {
    const b = tracker();
    expect(basisMaxAgeNs()).toBe(60n * NS_PER_SECOND);
    expect(b.basis(t0 + s(60n))).toBe(50.25);
    expect(b.basis(t0 + s(60n) + 1n)).toBeNull();
    b.update('ESH6', t0 + s(61n), 6060.25, 6060.5);
    expect(b.basis(t0 + s(61n))).toBe(50.25);
    expect(b.basis(t0 + s(61n) + 1n)).toBeNull(); // now ESZ5 (t0 + 1 s) is older than 60 s
  });

  it('crossed, locked or one-sided books → null; the older two-sided state is not reused', () => {
    const cases: [number | null, number | null][] = [
      [6060.5, 6060.25], // crossed
      [6060.5, 6060.5], // locked
      [null, 6060.5], // no bid
      [6060.25, null], // no ask
      [null, null],
    ];
    for (const [bid, ask] of cases) {
      const b = tracker();
      b.update('ESH6', t0 + s(2n), bid, ask);
      expect(b.basis(t0 + s(3n)), `${bid}/${ask}`).toBeNull();
      const c = tracker();
      c.update('ESZ5', t0 + s(2n), bid, ask);
      expect(c.basis(t0 + s(3n)), `Q ${bid}/${ask}`).toBeNull();
    }
    expect(isValidTopOfBook(1, 2)).toBe(true);
    expect(isValidTopOfBook(Number.NaN, 2)).toBe(false);
  });

  it('unknown before both books are seen; other symbols are ignored; reset forgets', () => {
    const b = new RollBasisTracker('ESH6', 'ESZ5');
    expect(b.basis(t0)).toBeNull();
    expect(b.update('ESH6', t0, 6060.25, 6060.5)).toBe(true);
    expect(b.basis(t0)).toBeNull();
    expect(b.update('ESM6', t0, 1, 2)).toBe(false);
    const full = tracker();
    full.reset();
    expect(full.basis(t0 + s(2n))).toBeNull();
    expect(() => new RollBasisTracker('ESH6', 'ESH6')).toThrow(RangeError);
  });

  it('reads canonical MBP-10 levels (empty entry = price 0, size 0)', () => {
    const empty = { bid_px: 0, bid_sz: 0, ask_px: 0, ask_sz: 0 };
    const level = (bid_px: number, ask_px: number) => ({ bid_px, bid_sz: 5, ask_px, ask_sz: 7 });
    expect(topOfBookFromLevels([level(6010, 6010.25), empty])).toEqual({ bid: 6010, ask: 6010.25 });
    expect(topOfBookFromLevels([{ ...level(6010, 6010.25), ask_sz: 0 }])).toEqual({ bid: 6010, ask: null });
    expect(topOfBookFromLevels([])).toEqual({ bid: null, ask: null });
    const b = new RollBasisTracker('ESH6', 'ESZ5');
    b.updateFromMbp10({ symbol: 'ESH6', ts_event_ns: t0, levels: [level(6060.25, 6060.5)] });
    b.updateFromMbp10({ symbol: 'ESZ5', ts_event_ns: t0, levels: [level(6010, 6010.25)] });
    expect(b.basis(t0)).toBe(50.25);
    b.updateFromMbp10({ symbol: 'ESZ5', ts_event_ns: t0 + 1n, levels: [empty] }); // a book clear
    expect(b.basis(t0 + 1n)).toBeNull();
  });

  it('honours BASIS_MAX_AGE_S from the configuration', () => {
    const b = new RollBasisTracker('ESH6', 'ESZ5', { BASIS_MAX_AGE_S: 5 });
    b.update('ESH6', t0, 6060.25, 6060.5);
    b.update('ESZ5', t0, 6010, 6010.25);
    expect(b.basis(t0 + s(5n))).toBe(50.25);
    expect(b.basis(t0 + s(5n) + 1n)).toBeNull();
  });

  it('placed strike K + b and the expiring contract’s price spot − b', () => {
    expect(placedStrike(6000, 50.25)).toBe(6050.25);
    expect(expiringUnderlyingPrice(6060.5, 50.25)).toBe(6010.25);
    expect(placeStrike(6000, 'ESH6', 'ESH6', null)).toBe(6000);
    expect(placeStrike(6000, 'ESZ5', 'ESH6', 50.25)).toBe(6050.25);
    expect(placeStrike(6000, 'ESZ5', 'ESH6', null)).toBeNull();
  });
});
