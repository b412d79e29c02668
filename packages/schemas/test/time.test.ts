// Session time (levels-pipeline-lake.md A): the A.7 examples and the A.8 properties. The IANA cross-check
// (A.8-1) uses Node's ICU through Intl.DateTimeFormat; that helper lives here only, never in the library.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config.js';
import {
  addDays,
  dateToDayNumber,
  dayNumberToDate,
  dayOfWeek,
  daysBetween,
  dstDates,
  dstTransitions,
  type EtOffsetHours,
  etDate,
  etOffsetHoursAt,
  etOffsetHoursForDate,
  etToNs,
  FIRST_RULE_YEAR,
  inWindow,
  isInRth,
  NS_PER_DAY,
  NS_PER_HOUR,
  NS_PER_MINUTE,
  NS_PER_SECOND,
  nthWeekdayOfMonth,
  parseDate,
  parseHhMm,
  SESSION_TIME_DEFAULTS,
  SessionTimeError,
  sessionWindows,
  timingContext,
  toEt,
  tradeDate,
  tradeDateWindow,
  utcDate,
  utcHour,
} from '../src/time.js';

// ---------------------------------------------------------------------------------------------------------
// IANA reference (test only)
// ---------------------------------------------------------------------------------------------------------

const NY = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface IanaWall {
  date: string;
  hour: number;
  minute: number;
  second: number;
  offsetHours: number;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** ET wall clock and UTC offset of an instant per the IANA database (offsets change on whole seconds). */
function iana(ts: bigint): IanaWall {
  const seconds = floorDiv(ts, NS_PER_SECOND);
  const ms = Number(seconds) * 1000;
  const parts = Object.fromEntries(NY.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const y = Number(parts.year);
  const mo = Number(parts.month);
  const d = Number(parts.day);
  const h = Number(parts.hour);
  const mi = Number(parts.minute);
  const s = Number(parts.second);
  const wallMs = Date.UTC(y, mo - 1, d, h, mi, s);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: h,
    minute: mi,
    second: s,
    offsetHours: (wallMs - ms) / 3_600_000,
  };
}

const Y2007 = BigInt(dateToDayNumber('2007-01-01')) * NS_PER_DAY;
const Y2041 = BigInt(dateToDayNumber('2041-01-01')) * NS_PER_DAY;
const instant = fc.bigInt({ min: Y2007, max: Y2041 - 1n });
const dayNumber = fc.integer({ min: dateToDayNumber('2007-01-02'), max: dateToDayNumber('2040-12-31') });
const date = dayNumber.map(dayNumberToDate);

function everyDate(from: string, to: string): string[] {
  const out: string[] = [];
  for (let n = dateToDayNumber(from); n <= dateToDayNumber(to); n++) out.push(dayNumberToDate(n));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// A.7 examples
// ---------------------------------------------------------------------------------------------------------

describe('A.7 examples', () => {
  const table: [string, EtOffsetHours, bigint, bigint, bigint, bigint, number][] = [
    ['2025-03-07', -5, 1741338000000000000n, 1741357800000000000n, 1741358700000000000n, 1741372200000000000n, 14],
    ['2025-03-10', -4, 1741593600000000000n, 1741613400000000000n, 1741614300000000000n, 1741627800000000000n, 13],
    ['2025-07-15', -4, 1752566400000000000n, 1752586200000000000n, 1752587100000000000n, 1752600600000000000n, 13],
    ['2025-11-03', -5, 1762160400000000000n, 1762180200000000000n, 1762181100000000000n, 1762194600000000000n, 14],
    ['2025-12-16', -5, 1765875600000000000n, 1765895400000000000n, 1765896300000000000n, 1765909800000000000n, 14],
  ];

  it.each(table)(
    '%s (offset %i): 04:00, 09:30, 09:45, 13:30 ET and 09:30 in UTC',
    (d, offset, pm, open, orEnd, close, utcH) => {
      expect(etOffsetHoursForDate(d)).toBe(offset);
      expect(etToNs(d, '04:00')).toBe(pm);
      expect(etToNs(d, '09:30')).toBe(open);
      expect(etToNs(d, '09:45')).toBe(orEnd);
      expect(etToNs(d, '13:30')).toBe(close);
      expect(etToNs(d, 9, 30)).toBe(open);
      expect(utcHour(open)).toBe(utcH);
      expect((open % NS_PER_HOUR) / NS_PER_MINUTE).toBe(30n);
      expect(utcDate(open)).toBe(d);
      const w = sessionWindows(d);
      expect(w).toEqual({
        date: d,
        premarket: { start: pm, end: open },
        openingRange: { start: open, end: orEnd },
        rth: { start: open, end: close },
      });
      expect(inWindow(w.rth, close)).toBe(false);
      expect(inWindow(w.rth, close - 1n)).toBe(true);
    },
  );

  it('timing context on 2025-12-16 at 10:00:31 ET', () => {
    const t = 1765897231000000000n;
    const ctx = timingContext(t, '2025-12-16');
    expect(ctx.minutes_since_open).toBe(1831e9 / 60e9); // 30.516…
    expect(ctx).toEqual({
      minutes_since_open: ctx.minutes_since_open,
      bars_since_open: 30,
      is_first_15m: false,
      session_phase: 3,
    });
    expect(timingContext(t)).toEqual(ctx);
    expect(toEt(t)).toEqual({
      date: '2025-12-16',
      hour: 10,
      minute: 0,
      second: 31,
      nanosecond: 0,
      offsetHours: -5,
    });
  });

  it('trade-date boundary examples', () => {
    expect(tradeDate(1765839599000000000n)).toBe('2025-12-15');
    expect(tradeDate(1765839600000000000n)).toBe('2025-12-16');
    expect(tradeDate(1765839600000000000n - 1n)).toBe('2025-12-15');
    expect(utcHour(1765839600000000000n)).toBe(23);
    // EDT: 2025-07-14 18:00 ET = 22:00 UTC is the first instant of trade date 2025-07-15.
    expect(tradeDate(1752530400000000000n)).toBe('2025-07-15');
    expect(tradeDate(1752530400000000000n - 1n)).toBe('2025-07-14');
    expect(utcHour(1752530400000000000n)).toBe(22);
    expect(tradeDateWindow('2025-07-15').start).toBe(1752530400000000000n);
    expect(tradeDateWindow('2025-12-16')).toEqual({ start: 1765839600000000000n, end: etToNs('2025-12-16', '18:00') });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Calendar helpers, parsing and errors
// ---------------------------------------------------------------------------------------------------------

describe('calendar helpers', () => {
  it('dates, weekdays and day arithmetic', () => {
    expect(parseDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(dateToDayNumber('1970-01-01')).toBe(0);
    expect(dayNumberToDate(-1)).toBe('1969-12-31');
    expect(dayNumberToDate(dateToDayNumber('2025-12-16'))).toBe('2025-12-16');
    expect(addDays('2025-12-19', -8)).toBe('2025-12-11');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(daysBetween('2025-12-10', '2025-12-19')).toBe(9);
    expect(dayOfWeek('2025-12-19')).toBe(5);
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('2025-03-09')).toBe(0);
    expect(nthWeekdayOfMonth(2025, 12, 5, 3)).toBe('2025-12-19');
    expect(() => nthWeekdayOfMonth(2025, 2, 0, 5)).toThrow(SessionTimeError);
    expect(dstDates(2025)).toEqual({ start: '2025-03-09', end: '2025-11-02' });
    expect(dstDates(2007)).toEqual({ start: '2007-03-11', end: '2007-11-04' });
    expect(parseHhMm('09:30')).toBe(570);
    expect(parseHhMm('24:00')).toBe(1440);
  });

  it('day numbers round-trip and agree with Date.UTC', () => {
    fc.assert(
      fc.property(fc.integer({ min: dateToDayNumber('0000-01-01'), max: dateToDayNumber('9999-12-30') }), (n) => {
        const d = dayNumberToDate(n);
        expect(dateToDayNumber(d)).toBe(n);
        const [y, m, dd] = d.split('-').map(Number) as [number, number, number];
        const utc = new Date(0);
        utc.setUTCFullYear(y, m - 1, dd);
        expect(Math.round(utc.getTime() / 86_400_000)).toBe(n);
        expect(dayOfWeek(d)).toBe(utc.getUTCDay());
        expect(addDays(d, 1)).toBe(dayNumberToDate(n + 1));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects malformed dates and times with SessionTimeError', () => {
    for (const bad of ['2025-02-29', '2025-13-01', '2025-1-01', '20251216', '', '2025-12-32']) {
      let error: unknown;
      try {
        parseDate(bad);
      } catch (e) {
        error = e;
      }
      expect(SessionTimeError.is(error), bad).toBe(true);
      expect((error as SessionTimeError).code).toBe('invalid_date');
    }
    for (const bad of ['9:30', '24:01', '12:60', 'noon']) {
      expect(() => etToNs('2025-12-16', bad)).toThrow(/invalid time/);
    }
    expect(() => etToNs('2025-12-16', 9, 60)).toThrow(SessionTimeError);
    expect(() => etToNs('2025-12-16', 9.5)).toThrow(SessionTimeError);
    expect(() => etToNs('2025-12-16', '09:30', 5)).toThrow(SessionTimeError);
  });

  it('rejects dates and instants before 2007 with a typed error', () => {
    const cases: (() => unknown)[] = [
      () => etOffsetHoursForDate('2006-12-31'),
      () => etToNs('2006-12-31', '09:30'),
      () => etToNs('2006-06-01', '01:00'),
      () => etOffsetHoursAt(Y2007 - 1n),
      () => tradeDate(Y2007 - 6n * NS_PER_HOUR - 1n),
      () => sessionWindows('2006-11-03'),
      () => dstTransitions(2006),
    ];
    for (const run of cases) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(SessionTimeError.is(error)).toBe(true);
      expect((error as SessionTimeError).code).toBe('before_2007');
      expect((error as Error).message).toMatch(/before 2007/);
    }
    expect(etOffsetHoursForDate(`${FIRST_RULE_YEAR}-01-01`)).toBe(-5);
    expect(etToNs('2007-01-01', '00:00')).toBe(Y2007 + 5n * NS_PER_HOUR);
    // UTC partitions work for any instant, even before 2007 or before the epoch.
    expect(utcDate(-1n)).toBe('1969-12-31');
    expect(utcHour(-1n)).toBe(23);
  });

  it('SESSION_TIME_DEFAULTS equal DEFAULT_CONFIG, and a full Config is accepted', () => {
    const { PREMARKET_START, RTH_START, OPENING_RANGE_MINUTES, RTH_END, FIRST_MINUTES } = DEFAULT_CONFIG;
    expect(SESSION_TIME_DEFAULTS).toEqual({
      PREMARKET_START,
      RTH_START,
      OPENING_RANGE_MINUTES,
      RTH_END,
      FIRST_MINUTES,
    });
    expect(sessionWindows('2025-12-16', DEFAULT_CONFIG)).toEqual(sessionWindows('2025-12-16'));
  });

  it('windows follow a custom configuration', () => {
    const config = { ...SESSION_TIME_DEFAULTS, PREMARKET_START: '03:00', RTH_END: '16:00', OPENING_RANGE_MINUTES: 30 };
    const w = sessionWindows('2025-07-15', config);
    expect(w.premarket.start).toBe(etToNs('2025-07-15', '03:00'));
    expect(w.openingRange.end).toBe(etToNs('2025-07-15', '10:00'));
    expect(w.rth.end).toBe(etToNs('2025-07-15', '16:00'));
    expect(timingContext(etToNs('2025-07-15', '15:59'), '2025-07-15', config).bars_since_open).toBe(389);
    expect(isInRth(etToNs('2025-07-15', '15:00'), config)).toBe(true);
    expect(isInRth(etToNs('2025-07-15', '15:00'))).toBe(false);
  });

  it('bundles for the browser without zod or Node built-ins', async () => {
    const result = await build({
      stdin: {
        contents: `export { sessionWindows, timingContext, tradeDate, etToNs } from '@spymaster/schemas/time';`,
        resolveDir: join(dirname(fileURLToPath(import.meta.url)), '..'),
        loader: 'ts',
      },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      conditions: ['@spymaster/source'],
      minify: true,
      treeShaking: true,
      logLevel: 'silent',
    });
    const out = result.outputFiles[0]?.text ?? '';
    expect(out).toMatch(/America\/New_York|2007/);
    expect(out).not.toMatch(/ZodError|\$ZodType/);
    expect(out).not.toMatch(/["']node:/);
    expect(out.length).toBeLessThan(10_000);
  });
});

// ---------------------------------------------------------------------------------------------------------
// A.8 properties
// ---------------------------------------------------------------------------------------------------------

describe('A.8-1 rule-based offset equals the IANA offset', () => {
  const dates = everyDate('2007-01-01', '2040-12-31');

  it('for every date 2007–2040 at 04:00, 09:30, 13:30 and 13:38 ET', () => {
    let checked = 0;
    for (const d of dates) {
      const offset = etOffsetHoursForDate(d);
      for (const [hh, mm] of [
        [4, 0],
        [9, 30],
        [13, 30],
        [13, 38],
      ] as const) {
        const ts = etToNs(d, hh, mm);
        const ref = iana(ts);
        if (ref.date !== d || ref.hour !== hh || ref.minute !== mm || ref.offsetHours !== offset) {
          expect({ d, hh, mm, offset, ref }).toBeNull();
        }
        checked++;
      }
    }
    expect(checked).toBe(dates.length * 4);
  });

  it('at ±1 ns around every switch instant 2007–2040', () => {
    for (let year = 2007; year <= 2040; year++) {
      const { start, end } = dstTransitions(year);
      expect(iana(start).hour, `${year} start`).toBe(3);
      expect(iana(end).hour, `${year} end`).toBe(1);
      for (const t of [start - 1n, start, start + 1n, end - 1n, end, end + 1n]) {
        expect(etOffsetHoursAt(t), `${year} ${t}`).toBe(iana(t).offsetHours);
      }
      expect(etOffsetHoursAt(start - 1n)).toBe(-5);
      expect(etOffsetHoursAt(start)).toBe(-4);
      expect(etOffsetHoursAt(end - 1n)).toBe(-4);
      expect(etOffsetHoursAt(end)).toBe(-5);
    }
  });

  it('for random instants 2007–2040, with the ET wall clock', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const ref = iana(t);
        expect(etOffsetHoursAt(t)).toBe(ref.offsetHours);
        const et = toEt(t);
        expect([et.date, et.hour, et.minute, et.second]).toEqual([ref.date, ref.hour, ref.minute, ref.second]);
        expect(etDate(t)).toBe(ref.date);
      }),
      { numRuns: 20_000 },
    );
  });

  it('for random instants near a switch', () => {
    const nearSwitch = fc
      .tuple(
        fc.integer({ min: 2007, max: 2040 }),
        fc.boolean(),
        fc.bigInt({ min: -3n * NS_PER_HOUR, max: 3n * NS_PER_HOUR }),
      )
      .map(([y, spring, delta]) => {
        const { start, end } = dstTransitions(y);
        return (spring ? start : end) + delta;
      });
    fc.assert(
      fc.property(nearSwitch, (t) => {
        expect(etOffsetHoursAt(t)).toBe(iana(t).offsetHours);
      }),
      { numRuns: 5000 },
    );
  });

  it('early-morning wall times on switch days map like Temporal "compatible"', () => {
    for (let year = 2007; year <= 2040; year++) {
      const { start: spring, end: autumn } = dstDates(year);
      for (let minutes = 0; minutes < 4 * 60; minutes++) {
        const hh = Math.floor(minutes / 60);
        const mm = minutes % 60;
        // Spring: 02:00–02:59 does not exist and maps one hour later.
        const s = iana(etToNs(spring, hh, mm));
        const expected = hh === 2 ? [3, mm] : [hh, mm];
        expect([s.date, s.hour, s.minute], `${spring} ${hh}:${mm}`).toEqual([spring, ...expected]);
        // Autumn: 01:00–01:59 happens twice; the first (EDT) occurrence is chosen.
        const tA = etToNs(autumn, hh, mm);
        const a = iana(tA);
        expect([a.date, a.hour, a.minute], `${autumn} ${hh}:${mm}`).toEqual([autumn, hh, mm]);
        if (hh === 1) expect(a.offsetHours).toBe(-4);
      }
    }
  });
});

describe('A.8-2 window lengths are exact for every date', () => {
  it('RTH_START − PREMARKET_START = 5.5 h, OR = 15 min, RTH = 4 h', () => {
    fc.assert(
      fc.property(date, (d) => {
        const w = sessionWindows(d);
        expect(w.premarket.end - w.premarket.start).toBe(5n * NS_PER_HOUR + 30n * NS_PER_MINUTE);
        expect(w.openingRange.end - w.openingRange.start).toBe(15n * NS_PER_MINUTE);
        expect(w.rth.end - w.rth.start).toBe(4n * NS_PER_HOUR);
        expect(w.openingRange.start).toBe(w.rth.start);
        expect(w.openingRange.end).toBe(etToNs(d, '09:45'));
        // A.6: all of [04:00, 13:38] ET lies inside UTC date D, and inside trade date D.
        expect(utcDate(w.premarket.start)).toBe(d);
        expect(utcDate(etToNs(d, '13:38'))).toBe(d);
        expect(tradeDate(w.premarket.start)).toBe(d);
        expect(tradeDate(w.rth.end)).toBe(d);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('A.8-3 trade date', () => {
  it('tradeDate(etToNs(D, hh:mm)) is D for [03:00, 18:00) and D + 1 for [18:00, 24:00)', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 3 * 60, max: 24 * 60 - 1 }), (d, minutes) => {
        const t = etToNs(d, Math.floor(minutes / 60), minutes % 60);
        expect(tradeDate(t)).toBe(minutes < 18 * 60 ? d : addDays(d, 1));
      }),
      { numRuns: 5000 },
    );
  });

  it('the two forms of A.4-3 agree for every instant 2007–2040', () => {
    const secondForm = (t: bigint): string => {
      const et = toEt(t);
      return et.hour >= 18 ? addDays(et.date, 1) : et.date;
    };
    const ianaForm = (t: bigint): string => {
      const ref = iana(t);
      return ref.hour >= 18 ? addDays(ref.date, 1) : ref.date;
    };
    const nearBoundary = fc
      .tuple(date, fc.bigInt({ min: -2n, max: 2n }))
      .map(([d, delta]) => etToNs(d, '18:00') + delta);
    fc.assert(
      // From 2007-01-02: trade date 2007-01-01 begins on 2006-12-31 18:00 ET, which the rule does not cover.
      fc.property(
        fc.oneof(
          instant.filter((t) => t >= Y2007 + NS_PER_DAY),
          nearBoundary,
        ),
        (t) => {
          expect(tradeDate(t)).toBe(secondForm(t));
          expect(tradeDate(t)).toBe(ianaForm(t));
          expect(inWindow(tradeDateWindow(tradeDate(t)), t)).toBe(true);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('is non-decreasing in t and steps by one day at 18:00 ET', () => {
    fc.assert(
      fc.property(instant, fc.bigInt({ min: 0n, max: 3n * NS_PER_DAY }), (t, gap) => {
        const a = tradeDate(t);
        const b = tradeDate(t + gap);
        expect(a <= b).toBe(true);
        expect(daysBetween(a, b)).toBeLessThanOrEqual(4);
      }),
      { numRuns: 5000 },
    );
    for (let year = 2007; year <= 2040; year++) {
      // Trade dates stay contiguous and 23–25 h long across both switches.
      const { start, end } = dstDates(year);
      for (const d of [addDays(start, -1), start, addDays(start, 1), addDays(end, -1), end, addDays(end, 1)]) {
        const w = tradeDateWindow(d);
        expect(tradeDate(w.start)).toBe(d);
        expect(tradeDate(w.end - 1n)).toBe(d);
        expect(tradeDate(w.end)).toBe(addDays(d, 1));
        expect([23n, 24n, 25n]).toContain((w.end - w.start) / NS_PER_HOUR);
      }
    }
  });
});

describe('A.8-4 timing context', () => {
  it('is non-decreasing in t, with bars_since_open in [0, 240]', () => {
    const pair = fc
      .tuple(
        date,
        fc.bigInt({ min: -6n * NS_PER_HOUR, max: 10n * NS_PER_HOUR }),
        fc.bigInt({ min: 0n, max: NS_PER_HOUR }),
      )
      .map(([d, offset, gap]) => {
        const t = etToNs(d, '09:30') + offset;
        return { d, t1: t, t2: t + gap };
      });
    fc.assert(
      fc.property(pair, ({ d, t1, t2 }) => {
        const a = timingContext(t1, d);
        const b = timingContext(t2, d);
        expect(a.minutes_since_open).toBeLessThanOrEqual(b.minutes_since_open);
        expect(a.bars_since_open).toBeLessThanOrEqual(b.bars_since_open);
        expect(a.session_phase).toBeLessThanOrEqual(b.session_phase);
        for (const c of [a, b]) {
          expect(c.bars_since_open).toBeGreaterThanOrEqual(0);
          expect(c.bars_since_open).toBeLessThanOrEqual(240);
          expect(Number.isInteger(c.bars_since_open)).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('phases, bars and is_first_15m switch exactly at their boundaries', () => {
    const d = '2025-03-10';
    const open = etToNs(d, '09:30');
    const at = (minutes: bigint, delta = 0n) => timingContext(open + minutes * NS_PER_MINUTE + delta, d);
    expect(at(0n, -1n)).toEqual({
      minutes_since_open: -1 / 60e9,
      bars_since_open: 0,
      is_first_15m: false,
      session_phase: 0,
    });
    expect(at(0n)).toEqual({ minutes_since_open: 0, bars_since_open: 0, is_first_15m: true, session_phase: 1 });
    expect(at(15n, -1n).is_first_15m).toBe(true);
    expect(at(15n)).toMatchObject({ bars_since_open: 15, is_first_15m: false, session_phase: 2 });
    expect(at(30n, -1n)).toMatchObject({ bars_since_open: 29, session_phase: 2 });
    expect(at(30n).session_phase).toBe(3);
    expect(at(60n).session_phase).toBe(4);
    expect(at(120n).session_phase).toBe(5);
    expect(at(240n, -1n)).toMatchObject({ bars_since_open: 239, session_phase: 5 });
    expect(at(240n)).toMatchObject({ bars_since_open: 240, session_phase: 6 });
    expect(at(600n)).toMatchObject({ minutes_since_open: 600, bars_since_open: 240, session_phase: 6 });
    // bars_since_open is an exact floor, not a float floor: 1 ns before a minute is still the previous bar.
    expect(at(7n, -1n).bars_since_open).toBe(6);
  });
});
