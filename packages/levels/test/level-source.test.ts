/**
 * levelSource(): the streaming level universe plugged into the engines' LevelSignalService reproduces the
 * service's default output (its MarketState levels) payload for payload, on random multi-day paths; and the
 * adapter type-checks against the engines' LevelSource without this package depending on the engines.
 */
import { LevelSignalService, type LevelSource } from '@spymaster/engines/level-signal-service';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levelSource } from '../src/level-source.js';
import { LevelUniverse } from '../src/level-universe.js';
import { futuresTrade, pathArb, S, SMALL, SMALL_FULL } from './helpers.js';

const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? String(v) : v));

describe('levelSource', () => {
  it('is assignable to the engines LevelSource', () => {
    const source: LevelSource = levelSource(new LevelUniverse());
    expect(source('2025-12-16', 1765896300000000000n)).toEqual([]);
  });

  // A short RTH (09:30–09:50) keeps the number of 250 ms snaps small; the rules are the same.
  const full = { ...SMALL_FULL, RTH_END: '09:50' };
  const small = { ...SMALL, RTH_END: '09:50' };

  it('LevelSignalService with levelSource(universe) emits exactly the default payloads', () => {
    fc.assert(
      fc.property(pathArb({ symbol: 'ESH5', maxPerSegment: 15 }), fc.boolean(), (trades, universeFirst) => {
        if (trades.length === 0) return;
        const byDefault = new LevelSignalService(full);
        const universe = new LevelUniverse(small);
        const withSource = new LevelSignalService(full, { levels: levelSource(universe) });
        const a: unknown[] = [];
        const b: unknown[] = [];
        trades.forEach((t, i) => {
          const ev = futuresTrade(t, i);
          a.push(...byDefault.ingest(ev));
          if (universeFirst) universe.onTrade(t);
          b.push(...withSource.ingest(ev));
          if (!universeFirst) universe.onTrade(t);
        });
        const end = (trades[trades.length - 1]?.ts_event_ns ?? 0n) + 5n * S;
        a.push(...byDefault.advanceTo(end));
        b.push(...withSource.advanceTo(end));
        expect(b.length).toBe(a.length);
        expect(json(b)).toBe(json(a));
      }),
      { numRuns: 4 },
    );
  });
});
