// A simulated small session end to end: files decode with @spymaster/replay, metadata and symbology are
// Databento's, event times never go backwards, the canonical pipeline resolves every record, the stylized
// facts hold, and the same seed gives the same bytes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalEvents,
  classifyZeroDte,
  definitionFromDbn,
  emptyPipelineStats,
  InstrumentMap,
  loadDefinitions,
  zeroDteContext,
} from '@spymaster/replay';
import { openDbnFile, readDbnFile } from '@spymaster/replay/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionWindow } from '../src/contracts.js';
import { type StylizedFacts, stylizedFacts } from '../src/facts.js';
import { initialCarry, type SessionResult, simulateSession, simulateSessions } from '../src/session.js';

const DATE = '2025-12-16'; // inside the December 2025 roll window: front ESH6, expiring ESZ5
const SEED = 'session-test';
const dir = mkdtempSync(join(tmpdir(), 'spymaster-sim-'));
let day: SessionResult;
let facts: StylizedFacts;

beforeAll(async () => {
  day = simulateSession({ date: DATE, seed: SEED, scale: 'small', outDir: join(dir, 'a') });
  facts = await stylizedFacts({
    files: day.files,
    window: sessionWindow(DATE),
    front: day.contracts.front,
    other: day.contracts.other,
    chain: day.chain,
    priorCloses: initialCarry(DATE, SEED).closes2m,
  });
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('files', () => {
  it('decode as DBN v3 GLBX.MDP3 with Databento metadata and symbology', () => {
    const schemas = {
      definition: 'definition',
      futuresMbp10: 'mbp-10',
      futuresTrades: 'trades',
      optionsTrades: 'trades',
      optionsMbp1: 'mbp-1',
    };
    for (const [kind, path] of Object.entries(day.files)) {
      const doc = readDbnFile(path);
      const m = doc.metadata;
      expect(m?.version, kind).toBe(3);
      expect(m?.dataset).toBe('GLBX.MDP3');
      expect(m?.schema).toBe(schemas[kind as keyof typeof schemas]);
      expect(m?.stype_in).toBe('parent');
      expect(m?.stype_out).toBe('instrument_id');
      expect(doc.records.length, kind).toBe(day.counts[kind as keyof typeof day.counts]);
      // Every record's instrument id is mapped, and event times never go backwards within the file.
      const mapped = new Set(m?.mappings.flatMap((x) => x.intervals.map((i) => Number(i.symbol))));
      let last = 0n;
      for (const r of doc.records) {
        expect(mapped.has(r.instrument_id), `${kind}: ${r.instrument_id}`).toBe(true);
        expect(r.ts_event >= last, `${kind}: ts_event went back`).toBe(true);
        last = r.ts_event;
        // Market data is received after the event; a definition may carry its receive time as event time.
        if ('ts_recv' in r) expect(kind === 'definition' ? r.ts_recv >= r.ts_event : r.ts_recv > r.ts_event).toBe(true);
      }
    }
  });

  it('list the front month, the second contract and a 0DTE chain that the replay filter accepts', async () => {
    expect(day.contracts.front.symbol).toBe('ESH6');
    expect(day.contracts.other.symbol).toBe('ESZ5');
    const defs = readDbnFile(day.files.definition).records.map((r) => definitionFromDbn(r as never));
    const map = new InstrumentMap();
    for (const d of defs) map.add(d);
    const ctx = zeroDteContext(DATE);
    const kept = defs.filter((d) => d.right !== null && classifyZeroDte(d, ctx).kept);
    expect(kept.length).toBeGreaterThan(20);
    // In the roll window 0DTE options reference the expiring contract (ESZ5).
    expect(new Set(kept.map((d) => d.underlying))).toEqual(new Set(['ESZ5']));
    // Some listed options are not 0DTE (the next day's expiries), so the filter has something to reject.
    expect(defs.some((d) => d.right !== null && !classifyZeroDte(d, ctx).kept)).toBe(true);
    const loaded = await loadDefinitions([await openDbnFile(day.files.definition)]);
    expect(loaded.size).toBe(defs.length);
  });

  it('normalize to canonical events with nothing unresolved', async () => {
    const instruments = await loadDefinitions([await openDbnFile(day.files.definition)]);
    const sources = await Promise.all(
      [day.files.futuresTrades, day.files.futuresMbp10, day.files.optionsTrades, day.files.optionsMbp1].map((f) =>
        openDbnFile(f),
      ),
    );
    const stats = emptyPipelineStats();
    let n = 0;
    let last = '';
    for await (const e of canonicalEvents(sources, { instruments, stats, source: 'sim' })) {
      n++;
      last = e.event_id;
    }
    expect(last).not.toBe('');
    expect(stats.dropped.no_symbol ?? 0).toBe(0);
    expect(stats.dropped.option_no_definition ?? 0).toBe(0);
    expect(stats.late).toBe(0);
    expect(stats.produced.FT).toBeGreaterThan(0);
    expect(stats.produced.MB).toBeGreaterThan(0);
    expect(stats.produced.OT).toBeGreaterThan(0);
    expect(stats.produced.ON).toBeGreaterThan(0);
    expect(n).toBe(stats.produced.FT + stats.produced.MB + stats.produced.OT + stats.produced.ON - stats.duplicates);
  });
});

describe('stylized facts of a small day', () => {
  it('one-tick spread in at least 90 % of RTH book states', () => {
    expect(facts.rthBookStates).toBeGreaterThan(1000);
    expect(facts.oneTickSpreadShare).toBeGreaterThanOrEqual(0.9);
  });
  it('fat tails: excess kurtosis of 1-minute returns above 1', () => {
    expect(facts.excessKurtosis1m).toBeGreaterThan(1);
  });
  it('volatility clustering: absolute 1-minute returns positively autocorrelated at lags 1–5', () => {
    for (const rho of facts.absReturnAutocorrelation) expect(rho).toBeGreaterThan(0);
  });
  it('order splitting: trade signs positively autocorrelated at lag 1', () => {
    expect(facts.tradeSignAutocorrelation).toBeGreaterThan(0);
  });
  it('U-shape: the first 30 RTH minutes trade more than any later 30 minutes', () => {
    const [first, ...later] = facts.rthVolumeBuckets;
    expect(first).toBeGreaterThan(Math.max(...later));
  });
  it('structural levels are touched and end in both BREAK and BOUNCE', () => {
    expect(facts.touches.BREAK).toBeGreaterThan(0);
    expect(facts.touches.BOUNCE).toBeGreaterThan(0);
  });
  it('option mids inside their quotes and consistent with put-call parity within the spread', () => {
    expect(facts.optionQuotes.checked).toBeGreaterThan(1000);
    expect(facts.optionQuotes.midOutsideSpread).toBe(0);
    expect(facts.parity.checked).toBeGreaterThan(50);
    expect(facts.parity.outsideSpread / facts.parity.checked).toBeLessThanOrEqual(0.01);
  });
});

describe('determinism and continuity', () => {
  it('the same seed gives byte-identical files; another seed gives different ones', () => {
    const again = simulateSession({ date: DATE, seed: SEED, scale: 'small', outDir: join(dir, 'b'), end: '10:00' });
    const same = simulateSession({ date: DATE, seed: SEED, scale: 'small', outDir: join(dir, 'c'), end: '10:00' });
    const other = simulateSession({
      date: DATE,
      seed: `${SEED}-2`,
      scale: 'small',
      outDir: join(dir, 'd'),
      end: '10:00',
    });
    for (const kind of Object.keys(again.files) as (keyof SessionResult['files'])[]) {
      expect(readFileSync(same.files[kind]).equals(readFileSync(again.files[kind])), kind).toBe(true);
    }
    expect(readFileSync(other.files.futuresMbp10).equals(readFileSync(again.files.futuresMbp10))).toBe(false);
  }, 120_000);

  it('consecutive days continue the price and skip weekends', () => {
    const days = simulateSessions({
      start: '2025-12-18',
      days: 2,
      seed: SEED,
      scale: 'small',
      outDir: join(dir, 'e'),
      end: '05:00',
    });
    expect(days.map((d) => d.date)).toEqual(['2025-12-18', '2025-12-19']);
    const firstBook = readDbnFile(days[1]?.files.futuresMbp10 as string).records.find(
      (r) => r.instrument_id === days[1]?.contracts.front.instrumentId,
    ) as {
      levels: { bid_px: bigint }[];
    };
    const open = Number(firstBook.levels[0]?.bid_px) / 1e9;
    expect(Math.abs(open - (days[0]?.carry.price as number))).toBeLessThan(5);
  }, 120_000);
});
