/**
 * GammaBookBuilder (§4.4 per-snap book with the [D31] order kept across snaps): over random snap sequences it gives
 * exactly the book of the plain definition — filter, place, sort, then `black76Gamma` per contract — including
 * sort invalidation when contracts are added, the basis or the front month changes, and the duplicate error.
 */
import type { OptionRight } from '@spymaster/schemas';
import { DEFAULT_CONFIG } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { black76Gamma, timeToExpiryYears } from '../src/black76.js';
import {
  compareContractOrder,
  type GammaBook,
  GammaBookBuilder,
  type GammaContract,
  type GammaMarket,
} from '../src/gamma.js';

const C = DEFAULT_CONFIG;
const T0 = 1_765_895_400_000_000_000n;
const EXPIRY = 1_765_918_800_000_000_000n;

/** The book by the definition of §4.4 (the implementation before the builder), written independently. */
function referenceBook(contracts: readonly GammaContract[], m: GammaMarket): GammaBook {
  let missing = false;
  const inc: { c: GammaContract; placed: number; shift: number }[] = [];
  for (const c of contracts) {
    let shift = 0;
    if (c.underlying_contract !== m.frontMonth) {
      if (m.basis === null) {
        missing = true;
        continue;
      }
      shift = m.basis;
    }
    if (m.spot !== null) inc.push({ c, placed: c.strike + shift, shift });
  }
  inc.sort((a, b) =>
    compareContractOrder(
      a.placed,
      a.c.right,
      a.c.underlying_contract,
      a.c.option_symbol,
      b.placed,
      b.c.right,
      b.c.underlying_contract,
      b.c.option_symbol,
    ),
  );
  const col = (f: (e: (typeof inc)[number]) => number) => Float64Array.from(inc, f);
  const T = (e: (typeof inc)[number]) => timeToExpiryYears(e.c.expiration_ns, m.t_ns, C);
  const g = (e: (typeof inc)[number]) =>
    black76Gamma((m.spot as number) - e.shift, e.c.strike, T(e), e.c.sigma, C.RISK_FREE_RATE);
  return {
    spot: m.spot,
    optionsBasisMissing: missing,
    contracts: inc.map((e) => e.c),
    placedStrike: col((e) => e.placed),
    shift: col((e) => e.shift),
    T: col(T),
    gamma: col(g),
    dealerGamma: col((e) => -e.c.N * g(e) * C.OPTION_MULTIPLIER),
    flowGamma: col((e) => -e.c.recentSigned * g(e) * C.OPTION_MULTIPLIER),
    recentVolume: col((e) => e.c.recentVolume),
    isCall: Uint8Array.from(inc, (e) => (e.c.right === 'C' ? 1 : 0)),
    strikeKeys: inc.map((e) => e.placed.toFixed(2)),
  };
}

function expectSameBook(a: GammaBook, b: GammaBook): void {
  expect(a.spot).toBe(b.spot);
  expect(a.optionsBasisMissing).toBe(b.optionsBasisMissing);
  expect(a.contracts.length).toBe(b.contracts.length);
  for (let i = 0; i < a.contracts.length; i++) expect(a.contracts[i]).toBe(b.contracts[i]);
  expect(a.strikeKeys).toEqual(b.strikeKeys);
  for (const k of [
    'placedStrike',
    'shift',
    'T',
    'gamma',
    'dealerGamma',
    'flowGamma',
    'recentVolume',
    'isCall',
  ] as const) {
    expect(a[k].length).toBe(b[k].length);
    for (let i = 0; i < a[k].length; i++) expect(Object.is(a[k][i], b[k][i]), `${k}[${i}]`).toBe(true);
  }
}

const contractArb = fc.record({
  underlying: fc.constantFrom('ESH6', 'ESZ5'),
  strike: fc.integer({ min: 1180, max: 1220 }).map((k) => k * 5),
  right: fc.constantFrom<OptionRight>('C', 'P'),
  series: fc.constantFrom('E3', 'EW'),
  N: fc.integer({ min: -3000, max: 3000 }),
  recentSigned: fc.integer({ min: -50, max: 50 }),
  sigma: fc.constantFrom(0.12, 0.15, 0.2, 0.35),
  expiry: fc.constantFrom(EXPIRY, EXPIRY + 86_400_000_000_000n, T0),
});

const stepArb = fc.record({
  add: fc.array(contractArb, { maxLength: 3 }),
  bump: fc.array(fc.tuple(fc.nat(), fc.integer({ min: -20, max: 20 })), { maxLength: 3 }),
  dt: fc.constantFrom(250_000_000n, 0n, 60_000_000_000n),
  spot: fc.option(
    fc.integer({ min: 23_600, max: 24_400 }).map((k) => k / 4),
    { freq: 8 },
  ),
  basis: fc.option(fc.constantFrom(50, 50.25, 0, -12.5), { freq: 2 }),
  front: fc.constantFrom('ESH6', 'ESH6', 'ESH6', 'ESZ5'),
});

describe('GammaBookBuilder', () => {
  it('equals the §4.4 definition at every snap of a random sequence (sort kept only while it holds)', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 25 }), (steps) => {
        const builder = new GammaBookBuilder();
        let contracts: GammaContract[] = [];
        const seen = new Set<string>();
        let t = T0 + 3_600_000_000_000n;
        for (const s of steps) {
          for (const a of s.add) {
            const symbol = `${a.series}${a.underlying.slice(2)} ${a.right}${a.strike}`;
            if (seen.has(`${a.underlying}/${symbol}`)) continue;
            seen.add(`${a.underlying}/${symbol}`);
            contracts = [
              ...contracts,
              {
                option_symbol: symbol,
                underlying_contract: a.underlying,
                strike: a.strike,
                right: a.right,
                expiration_ns: a.expiry,
                N: a.N,
                recentSigned: a.recentSigned,
                recentVolume: Math.abs(a.recentSigned),
                sigma: a.sigma,
              },
            ];
          }
          for (const [i, dN] of s.bump) {
            const j = contracts.length === 0 ? -1 : i % contracts.length;
            const c = contracts[j];
            if (c !== undefined) contracts[j] = { ...c, N: c.N + dN };
          }
          t += s.dt;
          const m: GammaMarket = { t_ns: t, spot: s.spot, frontMonth: s.front, basis: s.basis };
          expectSameBook(builder.build(contracts, m, C), referenceBook(contracts, m));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a repeated contract on every build, not only the first', () => {
    const c: GammaContract = {
      option_symbol: 'E3H6 C6000',
      underlying_contract: 'ESH6',
      strike: 6000,
      right: 'C',
      expiration_ns: EXPIRY,
      N: 1,
      recentSigned: 0,
      recentVolume: 0,
      sigma: 0.15,
    };
    const m: GammaMarket = { t_ns: T0, spot: 6000, frontMonth: 'ESH6', basis: null };
    const builder = new GammaBookBuilder();
    expect(() => builder.build([c, c], m, C)).toThrow(RangeError);
    expect(() => builder.build([c, c], m, C)).toThrow(RangeError);
    expect(builder.build([c], m, C).contracts).toEqual([c]);
  });
});
