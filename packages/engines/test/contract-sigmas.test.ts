/**
 * contractSigmas (§4.4 σ per contract, [D13]) against its first, allocation-heavy implementation kept here as the
 * oracle: identical σ for random inventories (front/expiring underlyings, missing and stale IVs, shared placed
 * strikes, known and unknown basis, fixed mode).
 */
import type { Config, OptionRight } from '@spymaster/schemas';
import { DEFAULT_CONFIG } from '@spymaster/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareContractOrder } from '../src/gamma.js';
import { contractSigmas } from '../src/level-signal-service.js';
import type { OptionContractState } from '../src/market-state.js';

// The implementation before the allocation-free rewrite, verbatim.
function referenceSigmas(
  contracts: readonly Pick<
    OptionContractState,
    'option_symbol' | 'underlying_contract' | 'strike' | 'right' | 'iv' | 'ivTs'
  >[],
  t: bigint,
  rthStart: bigint,
  frontMonth: string | null,
  basis: number | null,
  p: Pick<Config, 'FUEL_IV_MODE' | 'SIGMA_FIXED' | 'SIGMA_DEFAULT' | 'IV_MAX_AGE'>,
): number[] {
  if (p.FUEL_IV_MODE === 'fixed') return contracts.map(() => p.SIGMA_FIXED);
  const maxAgeNs = BigInt(Math.round(p.IV_MAX_AGE * 60)) * 1_000_000_000n;
  const placed = contracts.map((c) =>
    c.underlying_contract === frontMonth ? c.strike : basis === null ? null : c.strike + basis,
  );
  const fresh: { placed: number; iv: number; ivTs: bigint; i: number }[] = [];
  contracts.forEach((c, i) => {
    const k = placed[i];
    if (k === null || k === undefined || c.iv === null || c.ivTs === null) return;
    if (c.ivTs >= rthStart || t - c.ivTs <= maxAgeNs) fresh.push({ placed: k, iv: c.iv, ivTs: c.ivTs, i });
  });
  const freshByIndex = new Map(fresh.map((f) => [f.i, f.iv]));
  // Candidates in ascending placed strike; within one placed strike the one the tie rules prefer comes first
  // (later solve, then contract order). The nearest placed strike to k is next to k's insertion point.
  const better = (f: (typeof fresh)[number], b: (typeof fresh)[number]): boolean => {
    if (f.ivTs !== b.ivTs) return f.ivTs > b.ivTs;
    const x = contracts[f.i];
    const y = contracts[b.i];
    return (
      x !== undefined &&
      y !== undefined &&
      compareContractOrder(
        f.placed,
        x.right,
        x.underlying_contract,
        x.option_symbol,
        b.placed,
        y.right,
        y.underlying_contract,
        y.option_symbol,
      ) < 0
    );
  };
  fresh.sort((a, b) => a.placed - b.placed || (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  // First entry of each placed strike (the preferred one there).
  const heads = fresh.filter((f, j) => j === 0 || (fresh[j - 1] as (typeof fresh)[number]).placed !== f.placed);
  return contracts.map((_c, i) => {
    const own = freshByIndex.get(i);
    if (own !== undefined) return own;
    const k = placed[i];
    if (k === null || k === undefined || heads.length === 0) return p.SIGMA_DEFAULT;
    // First head with placed ≥ k; the nearest is it or the one before (ties: the lower placed strike).
    let lo = 0;
    let hi = heads.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if ((heads[m] as (typeof fresh)[number]).placed < k) lo = m + 1;
      else hi = m;
    }
    const above = heads[lo];
    const below = heads[lo - 1];
    if (above === undefined) return (below as (typeof fresh)[number]).iv;
    if (below === undefined) return above.iv;
    return Math.abs(above.placed - k) < Math.abs(below.placed - k) ? above.iv : below.iv;
  });
}

const T0 = 1_765_895_400_000_000_000n;
const MIN = 60_000_000_000n;

const contractArb = fc.record({
  underlying: fc.constantFrom('ESH6', 'ESH6', 'ESZ5'),
  strike: fc.integer({ min: 1190, max: 1210 }).map((k) => k * 5),
  right: fc.constantFrom<OptionRight>('C', 'P'),
  series: fc.constantFrom('E3', 'EW', 'E1A'),
  iv: fc.option(fc.constantFrom(0.12, 0.15, 0.18, 0.2, 0.31), { freq: 3 }),
  ivMin: fc.integer({ min: -120, max: 60 }),
});

describe('contractSigmas', () => {
  it('equals the reference implementation on random inventories', () => {
    fc.assert(
      fc.property(
        fc.array(contractArb, { maxLength: 40 }),
        fc.integer({ min: -60, max: 90 }),
        fc.option(fc.constantFrom(50, 50.25, 0, -12.5, 2.5), { freq: 2 }),
        fc.constantFrom('ESH6', 'ESZ5', null),
        fc.boolean(),
        (rows, tMin, basis, front, fixed) => {
          const seen = new Set<string>();
          const contracts: Pick<
            OptionContractState,
            'option_symbol' | 'underlying_contract' | 'strike' | 'right' | 'iv' | 'ivTs'
          >[] = [];
          for (const r of rows) {
            const symbol = `${r.series}${r.underlying.slice(2)} ${r.right}${r.strike}`;
            if (seen.has(symbol)) continue;
            seen.add(symbol);
            contracts.push({
              option_symbol: symbol,
              underlying_contract: r.underlying,
              strike: r.strike,
              right: r.right,
              iv: r.iv,
              ivTs: r.iv === null ? null : T0 + BigInt(r.ivMin) * MIN,
            });
          }
          const p: Config = fixed ? { ...DEFAULT_CONFIG, FUEL_IV_MODE: 'fixed' } : DEFAULT_CONFIG;
          const t = T0 + BigInt(tMin) * MIN;
          expect(contractSigmas(contracts, t, T0, front, basis, p)).toStrictEqual(
            referenceSigmas(contracts, t, T0, front, basis, p),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
