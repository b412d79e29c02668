/**
 * Simulating sessions: one trade date → five DBN v3 zstd files shaped like Databento GLBX.MDP3 batch
 * downloads (definitions, ES futures MBP-10 and trades, ES options trades and MBP-1), and consecutive dates
 * with continuous prices and SMA history.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Mbp1Msg, Mbp10Msg, MetadataInput, TradeMsg } from '@spymaster/replay';
import { openDbnFileWriterSync, type SyncDbnFileWriter } from '@spymaster/replay/node';
import { addDays, dayOfWeek } from '@spymaster/schemas/time';
import { sessionContracts, sessionWindow } from './contracts.js';
import { simulateFuturesDay } from './futures/index.js';
import {
  futuresDefinitionRecord,
  listOptionChain,
  optionDefinitionRecord,
  simulateOptionsDay,
} from './options/index.js';
import { Rng } from './rng.js';
import type { FuturesInstrument, MarketCarry, OptionInstrument, Scale } from './types.js';

/** The files of one simulated session, by content. */
export interface SessionFiles {
  /** Instrument definitions of the futures and the options chain. */
  definition: string;
  /** ES futures MBP-10 (front month and the second contract). */
  futuresMbp10: string;
  /** ES futures trades. */
  futuresTrades: string;
  /** ES options trades. */
  optionsTrades: string;
  /** ES options top of book (`mbp-1`). */
  optionsMbp1: string;
}

/** Options of {@link simulateSession}. */
export interface SimulateSessionOptions {
  /** Trade date `YYYY-MM-DD`. */
  date: string;
  /** Seed: the same seed gives byte-identical files. */
  seed: string | number;
  /** `small` (tests, demo) or `full` (realistic counts). */
  scale?: Scale;
  /** Output directory (created if needed). */
  outDir: string;
  /** State of the previous day; a synthetic history is made from the seed when absent. */
  carry?: MarketCarry;
  /** End of the simulated window, ET (default `13:30`). */
  end?: string;
}

/** What a session produced. */
export interface SessionResult {
  /** Trade date. */
  date: string;
  /** File paths. */
  files: SessionFiles;
  /** Records written per file. */
  counts: Record<keyof SessionFiles, number>;
  /** State for the next day. */
  carry: MarketCarry;
  /** Futures contracts of the day. */
  contracts: { front: FuturesInstrument; other: FuturesInstrument };
  /** Options listed for the day. */
  chain: OptionInstrument[];
}

const DATASET = 'GLBX.MDP3';

/** Databento-style file name: `glbx-mdp3-YYYYMMDD.<product>.<schema>.dbn.zst`. */
export function sessionFileName(date: string, product: 'es-fut' | 'es-opt' | 'es', schema: string): string {
  return `glbx-mdp3-${date.replaceAll('-', '')}.${product}.${schema}.dbn.zst`;
}

function metadataFor(
  schema: 'definition' | 'mbp-10' | 'trades' | 'mbp-1',
  symbols: string[],
  instruments: readonly { symbol: string; id: number }[],
  date: string,
  window: { startNs: bigint; endNs: bigint },
): MetadataInput {
  const next = addDays(date, 1);
  return {
    version: 3,
    dataset: DATASET,
    schema,
    start: window.startNs,
    end: window.endNs,
    limit: 0n,
    stype_in: 'parent',
    stype_out: 'instrument_id',
    ts_out: false,
    symbol_cstr_len: 71,
    symbols,
    partial: [],
    not_found: [],
    mappings: instruments.map((i) => ({
      raw_symbol: i.symbol,
      intervals: [{ start_date: date, end_date: next, symbol: String(i.id) }],
    })),
  };
}

/**
 * A synthetic history for the first simulated day: a start price from the seed and 400 completed 2-minute
 * closes of the front month (so SMA_200/SMA_400 exist from the first bar), made by the same kind of random
 * walk as the market.
 */
export function initialCarry(date: string, seed: string | number): MarketCarry {
  const rng = new Rng(`${seed}/history`);
  const price = Math.round((5800 + rng.uniform(0, 400)) * 4) / 4;
  const { front } = sessionContracts(date, price);
  const closes: number[] = [];
  let p = price;
  const step = price * 0.16 * Math.sqrt(120 / (252 * 6.5 * 3600));
  for (let i = 0; i < 400; i++) {
    p -= step * rng.studentT(4) * 0.9;
    closes.unshift(Math.round(p * 4) / 4);
  }
  return { price, vol: 0.16, contract: front.symbol, closes2m: closes };
}

/** True for Saturdays and Sundays (no CME trade date; exchange holidays are not modelled). */
export function isWeekend(date: string): boolean {
  const d = dayOfWeek(date);
  return d === 0 || d === 6;
}

/**
 * Simulate one trade date and write its five DBN files.
 *
 * @example
 * ```ts
 * const day = simulateSession({ date: '2025-12-16', seed: 7, scale: 'small', outDir: 'data/sim' });
 * console.log(day.files.futuresMbp10, day.counts);
 * ```
 */
export function simulateSession(options: SimulateSessionOptions): SessionResult {
  const { date, seed, outDir } = options;
  const scale = options.scale ?? 'small';
  if (isWeekend(date)) throw new RangeError(`${date} is a weekend: no CME trade date to simulate`);
  mkdirSync(outDir, { recursive: true });
  const carry = options.carry ?? initialCarry(date, seed);
  const rng = new Rng(`${seed}/${date}`);
  const window = sessionWindow(date, options.end ?? '13:30');
  const contracts = sessionContracts(date, carry.price);
  const chain = listOptionChain(date, carry.price, contracts, rng.fork('chain'), scale);
  const files: SessionFiles = {
    definition: join(outDir, sessionFileName(date, 'es', 'definition')),
    futuresMbp10: join(outDir, sessionFileName(date, 'es-fut', 'mbp-10')),
    futuresTrades: join(outDir, sessionFileName(date, 'es-fut', 'trades')),
    optionsTrades: join(outDir, sessionFileName(date, 'es-opt', 'trades')),
    optionsMbp1: join(outDir, sessionFileName(date, 'es-opt', 'mbp-1')),
  };
  const futures = [contracts.front, contracts.other].map((c) => ({ symbol: c.symbol, id: c.instrumentId }));
  const optionIds = chain.map((o) => ({ symbol: o.rawSymbol, id: o.instrumentId }));
  const optionParents = [...new Set(chain.map((o) => `${o.root}.OPT`))].sort();

  // Definitions: stamped one second before the window, inside the trade date.
  const defTs = window.startNs - 1_000_000_000n;
  const defs = openDbnFileWriterSync(
    files.definition,
    metadataFor('definition', ['ES.FUT', ...optionParents], [...futures, ...optionIds], date, window),
  );
  for (const c of [contracts.front, contracts.other]) defs.write(futuresDefinitionRecord(c, defTs));
  for (const o of chain) defs.write(optionDefinitionRecord(o, defTs));
  defs.close();

  const writers: Record<'futuresMbp10' | 'futuresTrades' | 'optionsTrades' | 'optionsMbp1', SyncDbnFileWriter> = {
    futuresMbp10: openDbnFileWriterSync(files.futuresMbp10, metadataFor('mbp-10', ['ES.FUT'], futures, date, window)),
    futuresTrades: openDbnFileWriterSync(files.futuresTrades, metadataFor('trades', ['ES.FUT'], futures, date, window)),
    optionsTrades: openDbnFileWriterSync(
      files.optionsTrades,
      metadataFor('trades', optionParents, optionIds, date, window),
    ),
    optionsMbp1: openDbnFileWriterSync(files.optionsMbp1, metadataFor('mbp-1', optionParents, optionIds, date, window)),
  };
  try {
    const day = simulateFuturesDay(
      { window, scale, rng: rng.fork('futures'), front: contracts.front, other: contracts.other, carry },
      (record: Mbp10Msg | TradeMsg) => {
        if (record.record_type === 'Mbp10Msg') writers.futuresMbp10.write(record);
        else writers.futuresTrades.write(record);
      },
    );
    const atm = Math.max(0.08, Math.min(0.6, carry.vol));
    simulateOptionsDay(
      {
        window,
        scale,
        rng: rng.fork('options'),
        chain,
        path: day.path,
        basisOf: (underlying: string) => (underlying === contracts.other.symbol ? contracts.other.basis : 0),
        atmVol: () => atm,
      },
      (record: Mbp1Msg | TradeMsg) => {
        if (record.record_type === 'Mbp1Msg') writers.optionsMbp1.write(record);
        else writers.optionsTrades.write(record);
      },
    );
    for (const w of Object.values(writers)) w.close();
    return {
      date,
      files,
      counts: {
        definition: defs.recordCount,
        futuresMbp10: writers.futuresMbp10.recordCount,
        futuresTrades: writers.futuresTrades.recordCount,
        optionsTrades: writers.optionsTrades.recordCount,
        optionsMbp1: writers.optionsMbp1.recordCount,
      },
      carry: day.carry,
      contracts,
      chain,
    };
  } catch (error) {
    for (const w of Object.values(writers)) {
      try {
        w.close();
      } catch {
        // the original error matters more
      }
    }
    throw error;
  }
}

/** Options of {@link simulateSessions}. */
export interface SimulateSessionsOptions extends Omit<SimulateSessionOptions, 'date' | 'carry'> {
  /** First trade date (a weekend date starts on the next Monday). */
  start: string;
  /** Number of trade dates (weekdays) to simulate. */
  days: number;
  /** Called after each day (progress). */
  onDay?: (result: SessionResult, index: number) => void;
}

/**
 * Simulate consecutive trade dates (weekdays) with continuous prices, volatility and 2-minute closes.
 *
 * @example
 * ```ts
 * const days = simulateSessions({ start: '2025-12-16', days: 4, seed: 7, scale: 'small', outDir: 'data/sim' });
 * ```
 */
export function simulateSessions(options: SimulateSessionsOptions): SessionResult[] {
  if (!Number.isInteger(options.days) || options.days < 1)
    throw new RangeError(`days must be a positive integer, got ${options.days}`);
  const results: SessionResult[] = [];
  let date = options.start;
  let carry: MarketCarry | undefined;
  while (results.length < options.days) {
    if (!isWeekend(date)) {
      const result = simulateSession({ ...options, date, ...(carry ? { carry } : {}) });
      carry = result.carry;
      results.push(result);
      options.onDay?.(result, results.length - 1);
    }
    date = addDays(date, 1);
  }
  return results;
}
