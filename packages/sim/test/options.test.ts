// The ES options model: Black-76 and the normal CDF against known values and properties, the chain listed for
// typical dates (symbology note), definition records that encode, and a small simulated day whose quotes
// contain the theoretical value, respect put–call parity, are ordered, deterministic, and whose customer
// positioning leaves dealers short gamma on some days and long on others.
import {
  classifyZeroDte,
  DbnRecordEncoder,
  definitionFromDbn,
  frontMonth,
  futuresContract,
  type Mbp1Msg,
  nextContract,
  rollWindow,
  type TradeMsg,
  UNDEF_PRICE,
  zeroDteContext,
} from '@spymaster/replay';
import { etToNs } from '@spymaster/schemas/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  black76Delta,
  black76Gamma,
  black76Price,
  DEFAULT_SMILE_SHAPE,
  erfc,
  futuresDefinitionRecord,
  GAMMA_SUMMARY_RANGE,
  listedStrikes,
  listOptionChain,
  normCdf,
  normPdf,
  OPTION_ID_RANGE,
  OPTION_RISK_FREE_RATE,
  type OptionsDayResult,
  optionDefinitionRecord,
  optionExpiriesOn,
  optionRawSymbol,
  STRIKE_GRIDS,
  simulateOptionsDay,
  smileVol,
  TRADING_YEAR_SECONDS,
  yearsToExpiry,
} from '../src/options/index.js';
import { Rng } from '../src/rng.js';
import type { FuturesInstrument, OptionInstrument, PricePath, Scale, SessionWindow } from '../src/types.js';

const R = OPTION_RISK_FREE_RATE;
const PX = 1e9;

function relErr(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** The futures of a date as the session model builds them: front month, and the expiring contract in a roll
 * window (else the next quarterly), with a basis of 0.8 points per week of expiry difference. */
function contractsOf(date: string): { front: FuturesInstrument; other: FuturesInstrument } {
  const window = rollWindow(date);
  const front = window ? window.front : frontMonth(date);
  const second = window ? window.expiring : nextContract(front);
  const weeks = (Date.parse(second.expiry) - Date.parse(front.expiry)) / (7 * 86_400_000);
  const make = (c: typeof front, role: 'front' | 'other', id: number, basis: number): FuturesInstrument => ({
    instrumentId: id,
    symbol: c.symbol,
    expiry: c.expiry,
    expirationNs: etToNs(c.expiry, '09:30'),
    role,
    basis,
  });
  return { front: make(front, 'front', 40_000_001, 0), other: make(second, 'other', 40_000_002, 0.8 * weeks) };
}

function windowOf(date: string): SessionWindow {
  return {
    date,
    startNs: etToNs(date, '04:00'),
    endNs: etToNs(date, '13:30'),
    rthStartNs: etToNs(date, '09:30'),
    orEndNs: etToNs(date, '09:45'),
    rthEndNs: etToNs(date, '13:30'),
  };
}

const rootsOf = (chain: readonly OptionInstrument[], expDate: string): string[] => [
  ...new Set(chain.filter((o) => o.expDate === expDate).map((o) => o.root)),
];

describe('normal distribution', () => {
  it('matches known values, with relative accuracy deep in the lower tail', () => {
    expect(normCdf(0)).toBe(0.5);
    expect(relErr(normCdf(-10), 7.619853024160527e-24)).toBeLessThan(1e-12);
    expect(relErr(erfc(1), 0.15729920705028513)).toBeLessThan(1e-15);
    expect(relErr(erfc(2), 0.004677734981047266)).toBeLessThan(1e-14);
    expect(relErr(erfc(5), 1.5374597944280349e-12)).toBeLessThan(1e-13);
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 15);
    expect(normPdf(0)).toBe(0.3989422804014327);
    expect(normCdf(-40)).toBe(0);
    expect(normCdf(40)).toBe(1);
  });

  it('agrees with the Mills-ratio continued fraction to 1e-13 relative for x in [-37, -5]', () => {
    fc.assert(
      fc.property(fc.double({ min: 5, max: 37, noNaN: true }), (x) => {
        // N(−x) = φ(x)·R(x), R(x) = 1/(x + 1/(x + 2/(x + 3/(x + …)))) evaluated backwards.
        let t = x;
        for (let k = 400; k >= 1; k--) t = x + k / t;
        const expected = normPdf(x) / t;
        expect(relErr(normCdf(-x), expected)).toBeLessThan(1e-13);
      }),
    );
  });

  it('is symmetric and monotone', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (x, h) => {
        expect(Math.abs(normCdf(x) + normCdf(-x) - 1)).toBeLessThanOrEqual(2e-16);
        expect(normCdf(x + h)).toBeGreaterThanOrEqual(normCdf(x));
      }),
    );
  });
});

describe('Black-76', () => {
  const T13 = 10_800 / TRADING_YEAR_SECONDS; // 13:00 ET with a 16:00 expiry (engines.md §4 examples)

  it('reproduces the gamma and implied-vol examples of engines.md §4 and a textbook price', () => {
    expect(black76Gamma(6000, 5950, T13, 0.15, R)).toBeCloseTo(0.0044096333, 9);
    expect(black76Gamma(6000, 5975, T13, 0.15, R)).toBeCloseTo(0.0083647546, 9);
    expect(black76Gamma(6000, 6000, T13, 0.15, R)).toBeCloseTo(0.0103568061, 9);
    expect(black76Gamma(6000, 6025, T13, 0.15, R)).toBeCloseTo(0.0084144387, 9);
    // F-3: prices at the solved volatilities.
    expect(black76Price(6000, 6000, T13, 0.14995562, R, 'C')).toBeCloseTo(15.36, 5);
    expect(black76Price(6000, 5975, T13, 0.13809493, R, 'P')).toBeCloseTo(5.0, 5);
    // Hull, Options, Futures and Other Derivatives (Black's model): F = K = 20, r = 9%, 4 months, σ = 25% → 1.12.
    expect(black76Price(20, 20, 4 / 12, 0.25, 0.09, 'P')).toBeCloseTo(1.12, 2);
    expect(yearsToExpiry(etToNs('2025-12-16', '16:00'), etToNs('2025-12-16', '13:00'))).toBe(T13);
    expect(yearsToExpiry(etToNs('2025-12-16', '16:00'), etToNs('2025-12-16', '16:00') - 30_000_000_000n)).toBe(
      60 / 5_896_800,
    );
    expect(yearsToExpiry(etToNs('2025-12-16', '16:00'), etToNs('2025-12-16', '16:00'))).toBe(0);
  });

  const inputs = fc.record({
    F: fc.double({ min: 3000, max: 8000, noNaN: true }),
    d: fc.double({ min: 1, max: 500, noNaN: true }),
    below: fc.boolean(),
    T: fc.double({ min: 60 / TRADING_YEAR_SECONDS, max: 0.05, noNaN: true }),
    sigma: fc.double({ min: 0.05, max: 1, noNaN: true }),
  });

  it('satisfies put–call parity call − put = D·(F − K) to 1e-12 relative', () => {
    fc.assert(
      fc.property(inputs, ({ F, d, below, T, sigma }) => {
        const K = below ? F - d : F + d;
        const lhs = black76Price(F, K, T, sigma, R, 'C') - black76Price(F, K, T, sigma, R, 'P');
        expect(Math.abs(lhs - Math.exp(-R * T) * (F - K))).toBeLessThanOrEqual(1e-12 * F);
      }),
    );
  });

  it('has the same gamma for calls and puts (finite differences) and deltas that differ by D', () => {
    fc.assert(
      fc.property(inputs, ({ F, d, below, T, sigma }) => {
        const K = below ? F - d / 10 : F + d / 10;
        const gamma = black76Gamma(F, K, T, sigma, R);
        expect(gamma).toBeGreaterThanOrEqual(0);
        const h = 0.02 * F * sigma * Math.sqrt(T); // a fiftieth of the distribution's width
        for (const right of ['C', 'P'] as const) {
          const p = (f: number) => black76Price(f, K, T, sigma, R, right);
          const fd = (p(F + h) - 2 * p(F) + p(F - h)) / (h * h);
          expect(Math.abs(fd - gamma)).toBeLessThanOrEqual(2e-3 * gamma + (1e-13 * F) / (h * h));
        }
        const D = Math.exp(-R * T);
        expect(black76Delta(F, K, T, sigma, R, 'C') - black76Delta(F, K, T, sigma, R, 'P')).toBeCloseTo(D, 12);
      }),
    );
  });

  it('prices deep out-of-the-money 0DTE options far below 1e-10 without losing them to rounding', () => {
    const T = 600 / TRADING_YEAR_SECONDS;
    const put = black76Price(6000, 5800, T, 0.15, R, 'P');
    expect(put).toBeGreaterThan(0);
    expect(put).toBeLessThan(1e-10);
  });

  it('has an equity-index smile: puts richer than calls, the at-the-money vol at K = F', () => {
    const params = { atmVol: 0.15, ...DEFAULT_SMILE_SHAPE };
    const T = 23_400 / TRADING_YEAR_SECONDS;
    expect(smileVol(6000, 6000, T, params)).toBe(0.15);
    expect(smileVol(6000, 5900, T, params)).toBeGreaterThan(smileVol(6000, 6000 * (6000 / 5900), T, params));
    expect(smileVol(6000, 5900, T, params) / 0.15).toBeCloseTo(1.32, 2);
    expect(smileVol(6000, 6100, T, params) / 0.15).toBeCloseTo(0.89, 2);
    // Clipped wings stay finite and positive as T → 0.
    expect(smileVol(6000, 5000, 1e-9, params)).toBeCloseTo(0.15 * (1 + 0.8 * 0.6 + 1.5 * 0.36), 12);
  });
});

describe('listOptionChain', () => {
  const rng = new Rng('chain');
  const spot = 6000;

  it('lists expiries by the symbology note', () => {
    expect(optionExpiriesOn('2025-11-05').map((e) => e.root)).toEqual(['E1C']); // first Wednesday
    expect(optionExpiriesOn('2025-12-17').map((e) => e.root)).toEqual(['E3C']);
    expect(optionExpiriesOn('2025-12-19').map((e) => [e.root, e.settlement])).toEqual([
      ['ES', 'AM'],
      ['EW3', 'PM'],
    ]);
    expect(optionExpiriesOn('2025-10-31').map((e) => e.root)).toEqual(['EW']); // last business day, a Friday
    expect(optionExpiriesOn('2025-12-31').map((e) => e.root)).toEqual(['EW']); // last business day, a Wednesday
    expect(optionExpiriesOn('2025-10-29').map((e) => e.root)).toEqual(['E5C']); // fifth Wednesday, not the last day
    expect(optionExpiriesOn('2025-11-28').map((e) => e.root)).toEqual(['EW']); // fifth Friday = last business day
    expect(optionExpiriesOn('2025-12-26').map((e) => e.root)).toEqual(['EW4']);
    expect(optionExpiriesOn('2025-12-13')).toEqual([]); // Saturday
    expect(optionRawSymbol('E3C', '2025-12-17', 'C', 6850)).toBe('E3CZ5 C6850');
    expect(listedStrikes(6002, { fineRange: 10, wideRange: 50 })).toEqual([5975, 5995, 6000, 6005, 6010, 6025, 6050]);
    // Both scales list the same grid: a small day moves as far as a full one.
    expect(STRIKE_GRIDS.full).toEqual({ fineRange: 100, wideRange: 300 });
    expect(STRIKE_GRIDS.small).toEqual(STRIKE_GRIDS.full);
  });

  function checkChain(chain: OptionInstrument[], scale: Scale, center: (o: OptionInstrument) => number): void {
    const { fineRange: fine, wideRange: wide } = STRIKE_GRIDS[scale];
    expect(new Set(chain.map((o) => o.instrumentId)).size).toBe(chain.length);
    expect(new Set(chain.map((o) => o.rawSymbol)).size).toBe(chain.length);
    for (const o of chain) {
      expect(o.instrumentId).toBeGreaterThanOrEqual(OPTION_ID_RANGE[0]);
      expect(o.instrumentId).toBeLessThanOrEqual(OPTION_ID_RANGE[1]);
      expect(o.rawSymbol).toMatch(/^(E[1-5][A-D]|EW[1-4]?|ES)[FGHJKMNQUVXZ]\d [CP]\d+$/);
      expect(o.rawSymbol.endsWith(` ${o.right}${o.strike}`)).toBe(true);
      expect(o.rawSymbol.startsWith(o.root)).toBe(true);
      const d = Math.abs(o.strike - center(o));
      expect(o.strike % 5).toBe(0);
      expect(d <= fine || (o.strike % 25 === 0 && d <= wide)).toBe(true);
      const pm = etToNs(o.expDate, '16:00');
      expect(o.expirationNs).toBe(o.root === 'ES' ? etToNs(o.expDate, '09:30') : pm);
    }
    // Calls and puts in pairs, and every grid strike present.
    for (const expDate of new Set(chain.map((o) => o.expDate))) {
      const of = chain.filter((o) => o.expDate === expDate);
      const calls = of.filter((o) => o.right === 'C').map((o) => `${o.root}/${o.strike}`);
      const puts = of.filter((o) => o.right === 'P').map((o) => `${o.root}/${o.strike}`);
      expect(calls).toEqual(puts);
      const first = of[0] as OptionInstrument;
      const fineCount = of.filter((o) => o.right === 'C' && Math.abs(o.strike - center(o)) <= fine).length;
      expect(fineCount).toBeGreaterThanOrEqual((2 * fine) / 5 - 1);
      expect(first.expDate).toBe(expDate);
    }
  }

  it('a Wednesday: the E{n}C weekly (0DTE) and the Thursday weekly (1DTE) on the front month', () => {
    const date = '2025-11-05';
    const contracts = contractsOf(date);
    const chain = listOptionChain(date, spot, contracts, rng, 'full');
    expect(rootsOf(chain, date)).toEqual(['E1C']);
    expect(rootsOf(chain, '2025-11-06')).toEqual(['E1D']);
    expect(chain.every((o) => o.underlying === 'ESZ5')).toBe(true);
    expect(chain.map((o) => o.rawSymbol)).toContain('E1CX5 C6000');
    expect(chain.map((o) => o.rawSymbol)).toContain('E1DX5 P5700');
    checkChain(chain, 'full', () => spot);
    // Deterministic: same inputs, same chain; ids distinct from the futures ids.
    expect(listOptionChain(date, spot, contracts, new Rng('other'), 'full')).toEqual(chain);
    expect(chain.some((o) => o.instrumentId === contracts.front.instrumentId)).toBe(false);
  });

  it('a Friday at the end of the month: EW (end-of-month) and Monday E1A of the next month', () => {
    const date = '2025-10-31';
    const chain = listOptionChain(date, spot, contractsOf(date), rng, 'small');
    expect(rootsOf(chain, date)).toEqual(['EW']);
    expect(rootsOf(chain, '2025-11-03')).toEqual(['E1A']);
    expect(chain.map((o) => o.rawSymbol)).toContain('EWV5 C6000');
    expect(chain.map((o) => o.rawSymbol)).toContain('E1AX5 P6025');
    expect(chain.every((o) => o.underlying === 'ESZ5')).toBe(true);
    checkChain(chain, 'small', () => spot);
  });

  it('a quarterly expiry Friday: AM quarterly ES and PM EW3 on the expiring contract, 1DTE on the next', () => {
    const date = '2025-12-19';
    const contracts = contractsOf(date);
    expect(contracts.front.symbol).toBe('ESH6');
    const chain = listOptionChain(date, spot, contracts, rng, 'small');
    expect(rootsOf(chain, date)).toEqual(['ES', 'EW3']);
    expect(rootsOf(chain, '2025-12-22')).toEqual(['E4A']);
    const center = (o: OptionInstrument) =>
      spot + (o.underlying === contracts.other.symbol ? contracts.other.basis : 0);
    for (const o of chain) expect(o.underlying).toBe(o.expDate === date ? 'ESZ5' : 'ESH6');
    const es = chain.filter((o) => o.root === 'ES');
    expect(es.every((o) => o.expirationNs === etToNs(date, '09:30') && o.rawSymbol.startsWith('ESZ5 '))).toBe(true);
    checkChain(chain, 'small', center);
  });

  it('a roll-window date: 0DTE options reference the expiring contract and pass the 0DTE filter', () => {
    const date = '2025-12-16';
    const contracts = contractsOf(date);
    expect([contracts.front.symbol, contracts.other.symbol]).toEqual(['ESH6', 'ESZ5']);
    const chain = listOptionChain(date, spot, contracts, rng, 'small');
    expect(rootsOf(chain, date)).toEqual(['E3B']);
    expect(rootsOf(chain, '2025-12-17')).toEqual(['E3C']);
    expect(chain.every((o) => o.underlying === 'ESZ5')).toBe(true);
    // Strikes centred on the expiring contract's price (front + basis).
    checkChain(chain, 'small', () => spot + contracts.other.basis);
    const ctx = zeroDteContext(date);
    for (const o of chain) {
      const decision = classifyZeroDte(definitionFromDbn(optionDefinitionRecord(o, etToNs(date, '03:00'))), ctx);
      if (o.expDate === date) expect(decision).toMatchObject({ kept: true, role: 'expiring' });
      else expect(decision).toEqual({ kept: false, reason: 'not_0dte' });
    }
  });
});

describe('definition records', () => {
  const date = '2025-12-19';
  const contracts = contractsOf(date);
  const chain = listOptionChain(date, 6000, contracts, new Rng('defs'), 'small');
  const ts = etToNs(date, '04:00') - 1_000_000_000n;
  const encoder = new DbnRecordEncoder({ version: 3 });

  it('encode as DBN v3 with Databento-like option fields', () => {
    for (const o of chain) {
      const def = optionDefinitionRecord(o, ts, contracts.other.instrumentId);
      expect(encoder.encode(def).length).toBe(520);
      expect(def).toMatchObject({
        rtype: 0x13,
        length: 130,
        instrument_id: o.instrumentId,
        raw_instrument_id: BigInt(o.instrumentId),
        raw_symbol: o.rawSymbol,
        instrument_class: o.right,
        security_type: 'OOF',
        cfi: `O${o.right}${o.root === 'ES' ? 'A' : 'E'}FPS`, // European weeklies, American quarterlies
        asset: o.root,
        underlying: o.underlying,
        strike_price: BigInt(o.strike) * 1_000_000_000n,
        expiration: o.expirationNs,
        min_price_increment: 50_000_000n,
        contract_multiplier: 50,
        currency: 'USD',
        exchange: 'XCME',
        unit_of_measure: 'IPNT',
        security_update_action: 'A',
        user_defined_instrument: 'N',
        leg_price: UNDEF_PRICE,
        leg_delta: UNDEF_PRICE,
        leg_count: 0,
        leg_instrument_class: '\u0000',
        leg_side: 'N',
        ts_event: ts,
        ts_recv: ts,
      });
      expect(def.activation).toBeLessThan(ts);
      expect(def.maturity_week).toBe(o.root === 'EW3' ? 3 : o.root === 'E4A' ? 4 : 255);
    }
  });

  it('encode futures definitions', () => {
    for (const f of [contracts.front, contracts.other]) {
      const def = futuresDefinitionRecord(f, ts);
      expect(encoder.encode(def).length).toBe(520);
      expect(def).toMatchObject({
        instrument_class: 'F',
        security_type: 'FUT',
        cfi: 'FFICSX',
        asset: 'ES',
        raw_symbol: f.symbol,
        underlying: '',
        strike_price: UNDEF_PRICE,
        min_price_increment: 250_000_000n,
        expiration: f.expirationNs,
        contract_multiplier: 50,
      });
    }
    expect(futuresContract(2025, 'Z').expiry).toBe('2025-12-19');
  });
});

interface Day {
  window: SessionWindow;
  chain: OptionInstrument[];
  contracts: { front: FuturesInstrument; other: FuturesInstrument };
  path: PricePath;
  records: (Mbp1Msg | TradeMsg)[];
  result: OptionsDayResult;
}

const atmVolOf = (window: SessionWindow) => (ts: bigint) => (ts < window.rthStartNs ? 0.13 : 0.16);

/** A small simulated day on a synthetic path: a random walk, quiet before 09:30 and livelier after. */
function simulateDay(date: string, seed: string): Day {
  const rng = new Rng(seed);
  const window = windowOf(date);
  const contracts = contractsOf(date);
  const spot = 6000;
  const chain = listOptionChain(date, spot, contracts, rng.fork('chain'), 'small');
  const n = Number((window.endNs - window.startNs) / 1_000_000_000n) + 1;
  const mids = new Float64Array(n);
  const walk = rng.fork('path');
  const rthIndex = Number((window.rthStartNs - window.startNs) / 1_000_000_000n);
  let p = spot;
  for (let i = 0; i < n; i++) {
    p += (i < rthIndex ? 0.08 : 0.35) * walk.normal();
    mids[i] = Math.round(p * 8) / 8;
  }
  const path: PricePath = { startNs: window.startNs, stepNs: 1_000_000_000n, mids };
  const records: (Mbp1Msg | TradeMsg)[] = [];
  const basisOf = (u: string) => (u === contracts.other.symbol ? contracts.other.basis : 0);
  const result = simulateOptionsDay(
    { window, scale: 'small', rng: rng.fork('options'), chain, path, basisOf, atmVol: atmVolOf(window) },
    (record) => records.push(record),
  );
  return { window, chain, contracts, path, records, result };
}

const priceOf = (px: bigint): number => Number(px) / PX;
const onLadder = (px: bigint): boolean => (px <= 5_000_000_000n ? px % 50_000_000n === 0n : px % 250_000_000n === 0n);

describe('simulateOptionsDay (small)', () => {
  const day = simulateDay('2025-12-16', 'options-test');
  const quotes = day.records.filter((r): r is Mbp1Msg => r.record_type === 'Mbp1Msg');
  const trades = day.records.filter((r): r is TradeMsg => r.record_type === 'TradeMsg');
  const byId = new Map(day.chain.map((o) => [o.instrumentId, o]));

  it('produces a day of quotes and customer trades', () => {
    expect(day.result.counts).toEqual({ quotes: quotes.length, trades: trades.length });
    expect(trades.length).toBeGreaterThanOrEqual(500);
    expect(quotes.length).toBeGreaterThan(2_000);
    // Trades concentrate in RTH and near the money.
    const rth = trades.filter((t) => t.ts_event >= day.window.rthStartNs).length;
    expect(rth / trades.length).toBeGreaterThan(0.6);
    const near = trades.filter((t) => {
      const o = byId.get(t.instrument_id) as OptionInstrument;
      return Math.abs(o.strike - (6000 + day.contracts.other.basis)) <= 75;
    }).length;
    expect(near / trades.length).toBeGreaterThan(0.5);
    // Both sides, mostly small sizes with a tail.
    const buys = trades.filter((t) => t.side === 'B').length;
    expect(buys).toBeGreaterThan(0);
    expect(buys).toBeLessThan(trades.length);
    expect(trades.every((t) => t.side === 'A' || t.side === 'B')).toBe(true);
  });

  it('emits well-formed records in non-decreasing time with per-instrument sequences', () => {
    const problems: string[] = [];
    const fail = (r: Mbp1Msg | TradeMsg, what: string) => {
      if (problems.length < 10) problems.push(`${r.record_type} ${r.instrument_id} @${r.ts_event}: ${what}`);
    };
    const lastSeq = new Map<number, number>();
    let prev = 0n;
    let prevRecv = 0n;
    for (const r of day.records) {
      const o = byId.get(r.instrument_id);
      if (!o) fail(r, 'unknown instrument');
      if (r.ts_event < prev) fail(r, 'ts_event decreases');
      if (!(r.ts_recv > r.ts_event)) fail(r, 'ts_recv not after ts_event');
      if (r.ts_recv < prevRecv) fail(r, 'ts_recv decreases');
      if (r.ts_event < day.window.startNs || r.ts_event >= day.window.endNs) fail(r, 'outside the window');
      if (o && r.ts_event >= o.expirationNs) fail(r, 'after expiry');
      if (r.flags !== 0x80) fail(r, `flags ${r.flags}`);
      if (!(r.ts_in_delta > 0) || BigInt(r.ts_in_delta) >= r.ts_recv - r.ts_event) fail(r, 'ts_in_delta');
      prev = r.ts_event;
      prevRecv = r.ts_recv;
      const seq = lastSeq.get(r.instrument_id);
      if (seq !== undefined && r.sequence !== seq + 1) fail(r, `sequence ${r.sequence} after ${seq}`);
      lastSeq.set(r.instrument_id, r.sequence);
      if (!onLadder(r.price)) fail(r, `price ${r.price} off the ladder`);
      if (r.record_type === 'TradeMsg') {
        if (r.length !== 12 || r.rtype !== 0 || r.action !== 'T' || r.depth !== 0) fail(r, 'trade header');
      } else if (r.length !== 20 || r.rtype !== 1 || r.depth !== 0 || !['A', 'C', 'M'].includes(r.action)) {
        fail(r, 'quote header');
      }
    }
    expect(problems).toEqual([]);
    const encoder = new DbnRecordEncoder({ version: 3 });
    for (const r of day.records.slice(0, 2000)) encoder.encode(r);
  });

  it('quotes: bid < ask on the price ladder, an empty side is UNDEF_PRICE with size 0, mid inside the spread', () => {
    const problems: string[] = [];
    const fail = (q: Mbp1Msg, what: string) => {
      if (problems.length < 10) problems.push(`${q.instrument_id} @${q.ts_event}: ${what}`);
    };
    for (const q of quotes) {
      const l = q.levels[0] as Mbp1Msg['levels'][number];
      if (l.ask_px === UNDEF_PRICE || !onLadder(l.ask_px) || !(l.ask_sz > 0) || l.ask_sz > 500) fail(q, 'ask');
      if (l.bid_px === UNDEF_PRICE) {
        if (l.bid_sz !== 0 || l.bid_ct !== 0) fail(q, 'empty bid with a size');
        // Only the cheapest options lose their bid.
        if (l.ask_px > 500_000_000n) fail(q, `no bid under an offer at ${priceOf(l.ask_px)}`);
        continue;
      }
      if (!onLadder(l.bid_px) || !(l.bid_px < l.ask_px)) fail(q, 'bid');
      if (!(l.bid_sz > 0) || l.bid_sz > 500 || !(l.bid_ct >= 1)) fail(q, 'bid size');
      const mid = (priceOf(l.bid_px) + priceOf(l.ask_px)) / 2;
      if (!(priceOf(l.bid_px) <= mid && mid <= priceOf(l.ask_px))) fail(q, 'mid outside');
    }
    expect(problems).toEqual([]);
  });

  it('trades at the quote: buys lift the offer, sells hit the bid, never more than the displayed size', () => {
    const book = new Map<number, Mbp1Msg['levels'][number]>();
    for (const r of day.records) {
      if (r.record_type === 'Mbp1Msg') {
        book.set(r.instrument_id, r.levels[0] as Mbp1Msg['levels'][number]);
        continue;
      }
      const l = book.get(r.instrument_id);
      expect(l).toBeDefined();
      if (!l) continue;
      expect(r.price).toBe(r.side === 'B' ? l.ask_px : l.bid_px);
      expect(r.size).toBeGreaterThanOrEqual(1);
      expect(r.size).toBeLessThanOrEqual(r.side === 'B' ? l.ask_sz : l.bid_sz);
    }
  });

  it('at every quote check each quote contains the theoretical value and parity holds within the spreads', () => {
    const { window, path, result, contracts } = day;
    const check = result.quoteCheckNs.zeroDte;
    const basisOf = (u: string) => (u === contracts.other.symbol ? contracts.other.basis : 0);
    const atmVol = atmVolOf(window);
    const book = new Map<number, Mbp1Msg['levels'][number]>();
    let nextCheck = window.startNs + check + 1_000_000_000n; // the first check's second has ended
    let checked = 0;
    let pairs = 0;
    const problems: string[] = [];
    const verify = (checkNs: bigint) => {
      const front = path.mids[Number((checkNs - window.startNs) / 1_000_000_000n)] as number;
      const mids = new Map<string, { mid: number; spread: number }>();
      for (const o of day.chain) {
        if (o.expDate !== window.date || o.expirationNs <= checkNs) continue;
        const l = book.get(o.instrumentId);
        if (!l) continue;
        const F = front + basisOf(o.underlying);
        const T = yearsToExpiry(o.expirationNs, checkNs);
        const sigma = smileVol(F, o.strike, T, { atmVol: atmVol(checkNs), ...result.smile });
        const theo = black76Price(F, o.strike, T, sigma, R, o.right);
        const ask = priceOf(l.ask_px);
        if (theo > ask + 1e-9) problems.push(`${o.rawSymbol} @${checkNs}: theo ${theo} above ask ${ask}`);
        if (l.bid_px === UNDEF_PRICE) continue;
        const bid = priceOf(l.bid_px);
        if (theo < bid - 1e-9) problems.push(`${o.rawSymbol} @${checkNs}: theo ${theo} below bid ${bid}`);
        checked++;
        mids.set(`${o.strike}/${o.right}`, { mid: (bid + ask) / 2, spread: ask - bid });
      }
      for (const o of day.chain) {
        if (o.expDate !== window.date || o.right !== 'C') continue;
        const c = mids.get(`${o.strike}/C`);
        const p = mids.get(`${o.strike}/P`);
        if (!c || !p) continue;
        const F = front + basisOf(o.underlying);
        const D = Math.exp(-R * yearsToExpiry(o.expirationNs, checkNs));
        const gap = Math.abs(c.mid - p.mid - D * (F - o.strike));
        if (gap > (c.spread + p.spread) / 2 + 1e-9) problems.push(`${o.rawSymbol} @${checkNs}: parity off by ${gap}`);
        pairs++;
      }
    };
    for (const r of day.records) {
      while (r.ts_event >= nextCheck) {
        verify(nextCheck - 1_000_000_000n);
        nextCheck += check;
      }
      if (r.record_type === 'Mbp1Msg') book.set(r.instrument_id, r.levels[0] as Mbp1Msg['levels'][number]);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(checked).toBeGreaterThan(10_000);
    expect(pairs).toBeGreaterThan(1_000);
  });

  it('is deterministic: the same seed gives the same records, another seed different ones', () => {
    const encoder = new DbnRecordEncoder({ version: 3 });
    const bytes = (records: (Mbp1Msg | TradeMsg)[]) =>
      records.map((r) => Buffer.from(encoder.encode(r)).toString('hex'));
    const again = simulateDay('2025-12-16', 'options-test');
    expect(again.records.length).toBe(day.records.length);
    expect(bytes(again.records)).toEqual(bytes(day.records));
    expect(again.result.customerNetGamma).toEqual(day.result.customerNetGamma);
    const other = simulateDay('2025-12-16', 'options-test-2');
    expect(bytes(other.records.slice(0, 500))).not.toEqual(bytes(day.records.slice(0, 500)));
  });
});

describe('customer positioning', () => {
  interface NoonBook {
    day: Day;
    spot: number;
    snap: bigint;
    book: [OptionInstrument, number][];
  }

  /** Net customer contracts of the date's 0DTE options traded up to 12:00 ET, with the noon spot. */
  function noonBook(day: Day): NoonBook {
    const snap = etToNs(day.window.date, '12:00');
    const byId = new Map(day.chain.map((o) => [o.instrumentId, o]));
    const net = new Map<number, number>();
    for (const r of day.records) {
      if (r.record_type !== 'TradeMsg' || r.ts_event > snap) continue;
      net.set(r.instrument_id, (net.get(r.instrument_id) ?? 0) + (r.side === 'B' ? r.size : -r.size));
    }
    const spot = day.path.mids[Number((snap - day.window.startNs) / 1_000_000_000n)] as number;
    const book = [...net]
      .sort((a, b) => a[0] - b[0])
      .map(([id, n]) => [byId.get(id) as OptionInstrument, n] as [OptionInstrument, number])
      .filter(([o]) => o.expDate === day.window.date);
    return { day, spot, snap, book };
  }

  /** Dealer gamma (engines.md §4.4, the day's smile) with the front month at `x`, of the options whose placed
   * strike lies within `range` of `center` (all when `range` is Infinity). */
  function dealerGamma({ day, snap, book }: NoonBook, x: number, center: number, range: number): number {
    let dealer = 0;
    for (const [o, n] of book) {
      const basis = o.underlying === day.contracts.other.symbol ? day.contracts.other.basis : 0;
      if (Math.abs(o.strike - basis - center) > range) continue;
      const F = x + basis;
      const T = yearsToExpiry(o.expirationNs, snap);
      const sigma = smileVol(F, o.strike, T, { atmVol: atmVolOf(day.window)(snap), ...day.result.smile });
      dealer += -n * black76Gamma(F, o.strike, T, sigma, R) * 50;
    }
    return dealer;
  }

  /** The gamma flip nearest spot (engines.md §4.6 grid, spot ± 75 in 0.25 steps), null when G keeps its sign. */
  function gammaFlip(noon: NoonBook): number | null {
    const { spot } = noon;
    let best: number | null = null;
    let prev: { x: number; g: number } | null = null;
    for (let k = -300; k <= 300; k++) {
      const x = spot + 0.25 * k;
      const g = dealerGamma(noon, x, spot, Number.POSITIVE_INFINITY);
      if (g === 0) continue;
      if (prev && Math.sign(prev.g) === -Math.sign(g)) {
        const root = prev.x + ((x - prev.x) * prev.g) / (prev.g - g);
        if (best === null || Math.abs(root - spot) < Math.abs(best - spot)) best = root;
      }
      prev = { x, g };
    }
    return best;
  }

  const days = Array.from({ length: 8 }, (_, seed) => simulateDay('2025-12-16', `positioning-${seed}`));
  const noons = days.map(noonBook);

  it('leaves dealers short gamma near spot on some days (AMPLIFY) and long on others (DAMPEN)', () => {
    const gammas: number[] = [];
    for (const noon of noons) {
      const { day, spot } = noon;
      const g = dealerGamma(noon, spot, spot, GAMMA_SUMMARY_RANGE);
      expect(day.result.customerNetGamma.ts).toBe(etToNs('2025-12-16', '12:00'));
      expect(relErr(day.result.customerNetGamma.dealerGamma, g)).toBeLessThan(1e-9);
      gammas.push(g);
    }
    expect(gammas.some((g) => g < -1000)).toBe(true);
    expect(gammas.some((g) => g > 1000)).toBe(true);
  });

  it('changes the sign of dealer gamma across strikes: a gamma flip within spot ± 75 on most days', () => {
    const flips = noons.map(gammaFlip);
    expect(flips.filter((x) => x !== null).length).toBeGreaterThanOrEqual(5);
    for (const [i, x] of flips.entries()) {
      if (x !== null) expect(Math.abs(x - (noons[i] as NoonBook).spot)).toBeLessThanOrEqual(75);
    }
  });

  it('skews demand by strike: customers net buyers below spot and sellers above on most days', () => {
    const skews = days.map((d) => d.result.customerSkew);
    expect(skews.every((k) => Math.abs(k) >= 0.4 && Math.abs(k) <= 0.8)).toBe(true);
    expect(days.map((d) => Math.abs(d.result.customerBias)).every((b) => b >= 0.15 && b <= 0.5)).toBe(true);
    // Dealer gamma of the strikes 25–75 points below spot has the opposite sign of the strikes 25–75 above on
    // days whose skew is positive: dealers short the puts customers bought, long the calls they sold.
    let opposite = 0;
    let positive = 0;
    for (const noon of noons) {
      if (noon.day.result.customerSkew <= 0) continue;
      positive++;
      const below = dealerGamma(noon, noon.spot, noon.spot - 50, 25);
      const above = dealerGamma(noon, noon.spot, noon.spot + 50, 25);
      if (below < 0 && above > 0) opposite++;
    }
    expect(positive).toBeGreaterThan(0);
    expect(opposite / positive).toBeGreaterThanOrEqual(0.6);
  });

  it('stops quoting and trading the AM-settled quarterly options at 09:30 on their expiry day', () => {
    const day = simulateDay('2025-12-19', 'quarterly');
    const es = new Set(day.chain.filter((o) => o.root === 'ES').map((o) => o.instrumentId));
    const esRecords = day.records.filter((r) => es.has(r.instrument_id));
    expect(esRecords.length).toBeGreaterThan(0);
    expect(esRecords.every((r) => r.ts_event < etToNs('2025-12-19', '09:30'))).toBe(true);
    const ew3 = new Set(day.chain.filter((o) => o.root === 'EW3').map((o) => o.instrumentId));
    expect(day.records.some((r) => ew3.has(r.instrument_id) && r.ts_event > etToNs('2025-12-19', '13:00'))).toBe(true);
  });
});
