/**
 * Stylized facts of a simulated (or real) session, computed from its DBN files: what the tests assert on a
 * `small` day and what the benchmark prints for a `full` day.
 *
 * @module
 */
import { MBP1_MSG, MBP10_MSG, openDbn, TRADE_MSG } from '@spymaster/replay';
import { readFileChunks } from '@spymaster/replay/node';
import type { SessionFiles } from './session.js';
import type { FuturesInstrument, OptionInstrument, SessionWindow } from './types.js';

/** The measured facts. */
export interface StylizedFacts {
  /** Front-month MBP-10 states in RTH. */
  rthBookStates: number;
  /** Share of those states with a one-tick spread. */
  oneTickSpreadShare: number;
  /** Excess kurtosis of 1-minute front mid log returns over the whole window. */
  excessKurtosis1m: number;
  /** Autocorrelation of absolute 1-minute returns at lags 1–5. */
  absReturnAutocorrelation: number[];
  /** Lag-1 autocorrelation of front-month trade signs (+1 buy, −1 sell). */
  tradeSignAutocorrelation: number;
  /** Front-month traded volume per 30-minute RTH bucket from 09:30. */
  rthVolumeBuckets: number[];
  /** Touches of structural levels in RTH and their outcomes (75-point first passage within 8 minutes). */
  touches: { BREAK: number; BOUNCE: number; CHOP: number };
  /** Option quotes checked, and those whose mid is not inside the quoted spread. */
  optionQuotes: { checked: number; midOutsideSpread: number };
  /** Same-strike call/put pairs checked against put–call parity, and those outside the combined spread. */
  parity: { checked: number; outsideSpread: number };
}

/** Inputs of {@link stylizedFacts}. */
export interface FactsInput {
  files: SessionFiles;
  window: SessionWindow;
  front: FuturesInstrument;
  other: FuturesInstrument;
  chain: readonly OptionInstrument[];
  /** 2-minute closes before the day (oldest first), for the SMA levels. */
  priorCloses?: readonly number[];
}

const PX = 1e9;

async function forEachCursor(
  path: string,
  visit: Parameters<Awaited<ReturnType<typeof openDbn>>['forEach']>[0],
): Promise<void> {
  const stream = await openDbn(readFileChunks(path), { file: path });
  await stream.forEach(visit);
}

/** Arithmetic mean (0 for an empty list). */
export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** Sample autocorrelation of a series at a lag. */
export function autocorrelation(xs: readonly number[], lag: number): number {
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = (xs[i] as number) - m;
    den += d * d;
    if (i >= lag) num += d * ((xs[i - lag] as number) - m);
  }
  return den === 0 ? 0 : num / den;
}

/** Excess kurtosis (0 for a normal distribution). */
export function excessKurtosis(xs: readonly number[]): number {
  const m = mean(xs);
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= xs.length;
  m4 /= xs.length;
  return m2 === 0 ? 0 : m4 / (m2 * m2) - 3;
}

const N = 1_000_000_000n;
const PAIR = MBP10_MSG.levels?.offset ?? 48;

/** The futures mid at or before `second` (binary search over the per-second samples). */
function midBefore(samples: readonly { ts: number; mid: number }[], second: number): number {
  let lo = 0;
  let hi = samples.length - 1;
  while (lo < hi) {
    const m = (lo + hi + 1) >> 1;
    if ((samples[m] as { ts: number }).ts <= second) lo = m;
    else hi = m - 1;
  }
  return (samples[lo] as { mid: number }).mid;
}

/** Black-76 discount factor. */
function discount(r: number, t: number): number {
  return Math.exp(-r * t);
}

/**
 * Measure the stylized facts of one session from its files.
 *
 * @example
 * ```ts
 * const day = simulateSession({ date: '2025-12-16', seed: 7, outDir: 'data/sim' });
 * const facts = await stylizedFacts({ files: day.files, window: sessionWindow(day.date), ...day.contracts, chain: day.chain });
 * ```
 */
export async function stylizedFacts(input: FactsInput): Promise<StylizedFacts> {
  const { window, front } = input;
  const frontId = front.instrumentId;
  const tick = 0.25;
  // Book states and minute mids of the front month.
  let rthStates = 0;
  let oneTick = 0;
  const minuteMid = new Map<number, number>();
  const midAt: { ts: number; mid: number }[] = [];
  const bidPx = PAIR;
  const askPx = PAIR + 8;
  const start = Number(window.startNs / N);
  const rthStart = window.rthStartNs;
  const rthEnd = window.rthEndNs;
  await forEachCursor(input.files.futuresMbp10, (c) => {
    if (c.instrumentId !== frontId) return;
    if (c.isUndefPrice(bidPx) || c.isUndefPrice(askPx)) return;
    const bid = c.i64Number(bidPx) / PX;
    const ask = c.i64Number(askPx) / PX;
    const ts = c.tsEvent;
    const mid = (bid + ask) / 2;
    const second = Number(ts / N);
    minuteMid.set(Math.floor((second - start) / 60), mid);
    if (midAt.length === 0 || second - (midAt[midAt.length - 1] as { ts: number }).ts >= 1)
      midAt.push({ ts: second, mid });
    if (ts >= rthStart && ts < rthEnd) {
      rthStates++;
      if (Math.abs(ask - bid - tick) < 1e-9) oneTick++;
    }
  });
  const minutes = [...minuteMid.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m);
  const returns: number[] = [];
  for (let i = 1; i < minutes.length; i++) returns.push(Math.log((minutes[i] as number) / (minutes[i - 1] as number)));
  const absReturns = returns.map(Math.abs);

  // Trades: signs, volume buckets, levels and touches.
  const signs: number[] = [];
  const buckets = new Array<number>(Math.ceil(Number(window.rthEndNs - window.rthStartNs) / 1_800e9)).fill(0);
  const trades: { ts: bigint; price: number }[] = [];
  const PRICE = TRADE_MSG.byName.price?.offset ?? 16;
  const SIZE = TRADE_MSG.byName.size?.offset ?? 24;
  const SIDE = TRADE_MSG.byName.side?.offset ?? 29;
  await forEachCursor(input.files.futuresTrades, (c) => {
    if (c.instrumentId !== frontId) return;
    const ts = c.tsEvent;
    const price = c.i64Number(PRICE) / PX;
    trades.push({ ts, price });
    const side = c.char(SIDE);
    if (ts >= rthStart && ts < rthEnd) {
      if (side === 'B' || side === 'A') signs.push(side === 'B' ? 1 : -1);
      const b = Math.floor(Number(ts - rthStart) / 1_800e9);
      buckets[b] = (buckets[b] as number) + c.u32(SIZE);
    }
  });
  const touches = structuralTouches(trades, window, input.priorCloses ?? []);

  // Options: mids inside quotes, and put–call parity.
  const byId = new Map(input.chain.map((o) => [o.instrumentId, o]));
  const quotes = new Map<number, { bid: number; ask: number; ts: bigint }>();
  let checked = 0;
  let outside = 0;
  let parityChecked = 0;
  let parityOutside = 0;
  const BID = (MBP1_MSG.levels?.offset ?? 48) + 0;
  const ASK = (MBP1_MSG.levels?.offset ?? 48) + 8;
  let nextSample = window.rthStartNs;
  await forEachCursor(input.files.optionsMbp1, (c) => {
    const option = byId.get(c.instrumentId);
    if (!option || c.isUndefPrice(BID) || c.isUndefPrice(ASK)) return;
    const bid = c.i64Number(BID) / PX;
    const ask = c.i64Number(ASK) / PX;
    const ts = c.tsEvent;
    checked++;
    const mid = (bid + ask) / 2;
    if (!(bid <= mid && mid <= ask) || bid > ask) outside++;
    quotes.set(c.instrumentId, { bid, ask, ts });
    if (ts < nextSample) return;
    nextSample = ts + 300n * N;
    // Parity at this instant for every strike with fresh quotes on both sides.
    if (midAt.length === 0) return;
    const calls = new Map<string, { q: { bid: number; ask: number; ts: bigint }; o: OptionInstrument }>();
    for (const [id, q] of quotes) {
      const o = byId.get(id) as OptionInstrument;
      if (o.right === 'C' && ts - q.ts < 60n * N && o.expirationNs > ts)
        calls.set(`${o.rawSymbol.split(' ')[0]}/${o.strike}`, { q, o });
    }
    for (const [id, q] of quotes) {
      const o = byId.get(id) as OptionInstrument;
      if (o.right !== 'P' || ts - q.ts >= 60n * N || o.expirationNs <= ts) continue;
      const call = calls.get(`${o.rawSymbol.split(' ')[0]}/${o.strike}`);
      // Only quotes set within one second of each other describe the same futures price.
      if (!call || (q.ts > call.q.ts ? q.ts - call.q.ts : call.q.ts - q.ts) > N) continue;
      // Parity is checked at the quotes' own time (they may be up to a minute old at the sample).
      // biome-ignore lint/complexity/useMathMinMax: bigint operands (Math.max takes numbers only)
      const quotedAt = q.ts > call.q.ts ? q.ts : call.q.ts;
      const f = midBefore(midAt, Number(quotedAt / N)) + (o.underlying === input.other.symbol ? input.other.basis : 0);
      const t = Number(o.expirationNs - ts) / 1e9 / 5_896_800;
      const lhs = (call.q.bid + call.q.ask) / 2 - (q.bid + q.ask) / 2;
      const rhs = discount(0.045, t) * (f - o.strike);
      const tolerance = (call.q.ask - call.q.bid + (q.ask - q.bid)) / 2 + 0.5;
      parityChecked++;
      if (Math.abs(lhs - rhs) > tolerance) {
        parityOutside++;
      }
    }
  });

  return {
    rthBookStates: rthStates,
    oneTickSpreadShare: rthStates === 0 ? 0 : oneTick / rthStates,
    excessKurtosis1m: excessKurtosis(returns),
    absReturnAutocorrelation: [1, 2, 3, 4, 5].map((lag) => autocorrelation(absReturns, lag)),
    tradeSignAutocorrelation: autocorrelation(signs, 1),
    rthVolumeBuckets: buckets,
    touches,
    optionQuotes: { checked, midOutsideSpread: outside },
    parity: { checked: parityChecked, outsideSpread: parityOutside },
  };
}

/** One touch of a structural level and how it ended. */
export interface StructuralTouch {
  /** Level kind. */
  level: 'PM_HIGH' | 'PM_LOW' | 'OR_HIGH' | 'OR_LOW' | 'SMA_200' | 'SMA_400';
  /** Level price at the touch. */
  price: number;
  /** Time of the touching trade, ns. */
  ts: bigint;
  /** 75-point first passage within 8 minutes: through (BREAK), away (BOUNCE) or neither (CHOP). */
  outcome: 'BREAK' | 'BOUNCE' | 'CHOP';
}

/**
 * Touches of the structural levels (PM high/low, OR high/low, SMA_200/SMA_400 of 2-minute closes) in RTH,
 * after levels-pipeline-lake.md D (armed once price was more than 5 points away; a touch is a trade within
 * 2 points; one touch per level per minute) and E (BREAK/BOUNCE: 75 points through/away first within
 * 8 minutes, else CHOP). A simplified detector for measuring the simulator, not the levels package.
 */
export function structuralTouchList(
  trades: readonly { ts: bigint; price: number }[],
  window: SessionWindow,
  priorCloses: readonly number[],
): StructuralTouch[] {
  const touches: StructuralTouch[] = [];
  let pmHigh = -Infinity;
  let pmLow = Infinity;
  let orHigh = -Infinity;
  let orLow = Infinity;
  const closes = [...priorCloses];
  let bucket = -1;
  let last = 0;
  const armed = new Map<string, number>(); // level → side price was on when last more than 5 points away
  const cooldown = new Map<string, bigint>();
  for (let i = 0; i < trades.length; i++) {
    const { ts, price } = trades[i] as { ts: bigint; price: number };
    const b = Number(ts / 120_000_000_000n);
    if (bucket !== -1 && b !== bucket) closes.push(last);
    bucket = b;
    last = price;
    if (ts < window.rthStartNs) {
      pmHigh = Math.max(pmHigh, price);
      pmLow = Math.min(pmLow, price);
      continue;
    }
    if (ts < window.orEndNs) {
      orHigh = Math.max(orHigh, price);
      orLow = Math.min(orLow, price);
    }
    if (ts >= window.rthEndNs) break;
    const levels: [StructuralTouch['level'], number][] = [];
    if (Number.isFinite(pmHigh)) levels.push(['PM_HIGH', pmHigh], ['PM_LOW', pmLow]);
    if (ts >= window.orEndNs && Number.isFinite(orHigh)) levels.push(['OR_HIGH', orHigh], ['OR_LOW', orLow]);
    if (closes.length >= 200) levels.push(['SMA_200', mean(closes.slice(-200))]);
    if (closes.length >= 400) levels.push(['SMA_400', mean(closes.slice(-400))]);
    for (const [name, level] of levels) {
      const x = price - level;
      if (Math.abs(x) > 5) {
        armed.set(name, Math.sign(x));
        continue;
      }
      const side = armed.get(name);
      if (side === undefined || Math.abs(x) > 2 || (cooldown.get(name) ?? -1n) > ts) continue;
      armed.delete(name);
      const d = -side; // break direction: through the level from the side price came from
      let outcome: StructuralTouch['outcome'] = 'CHOP';
      const horizon = ts + 480_000_000_000n;
      for (let j = i; j < trades.length; j++) {
        const t = trades[j] as { ts: bigint; price: number };
        if (t.ts > horizon) break;
        const progress = d * (t.price - level);
        if (progress >= 75) {
          outcome = 'BREAK';
          break;
        }
        if (progress <= -75) {
          outcome = 'BOUNCE';
          break;
        }
      }
      touches.push({ level: name, price: level, ts, outcome });
      cooldown.set(name, ts + 60_000_000_000n);
    }
  }
  return touches;
}

/** Counts of {@link structuralTouchList} by outcome. */
export function structuralTouches(
  trades: readonly { ts: bigint; price: number }[],
  window: SessionWindow,
  priorCloses: readonly number[],
): { BREAK: number; BOUNCE: number; CHOP: number } {
  const counts = { BREAK: 0, BOUNCE: 0, CHOP: 0 };
  for (const t of structuralTouchList(trades, window, priorCloses)) counts[t.outcome]++;
  return counts;
}
