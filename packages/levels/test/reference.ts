// Spec-literal references (slow, written straight from the text of C.4, D.4 and E.4), used as oracles for the
// streaming engines. They see the whole input but only read what the spec allows at `t`.
import { sessionWindows, tradeDate, tradeDateWindow } from '@spymaster/schemas/time';
import { buildBars } from '../src/bars.js';
import { KIND_CODE, type LevelKind, type LevelsConfig, priceCents, type TradeInput } from '../src/config.js';
import type { LevelSnapshot } from '../src/level-universe.js';

const NO_TS = -(2n ** 63n);

const sane = (c: LevelsConfig, p: number) => c.PRICE_SANITY_MIN <= p && p <= c.PRICE_SANITY_MAX;

/**
 * Levels at `t` by C.4.2/C.4.3 for trades of one contract segment rule: without a front-month function, a symbol
 * change starts a new segment at that trade.
 */
export function referenceLevelsAt(trades: readonly TradeInput[], t: bigint, c: LevelsConfig): LevelSnapshot[] {
  const D = tradeDate(t);
  const seen = trades.filter((x) => x.ts_event_ns <= t);
  // Contract segment containing t: trades since the last symbol change at or before t.
  let segStart = 0;
  for (let i = 1; i < seen.length; i++) {
    const a = seen[i - 1]?.symbol;
    const b = seen[i]?.symbol;
    if (a !== undefined && b !== undefined && a !== b) segStart = i;
  }
  const seg = seen.slice(segStart);
  const segT0 = seg[0]?.ts_event_ns ?? t;
  const w = sessionWindows(D, c);
  const out: LevelSnapshot[] = [];
  const mk = (kind: LevelKind, price: number, from: bigint, suppressed: boolean): LevelSnapshot => ({
    level_id: kind,
    level_kind_name: kind,
    level_kind: KIND_CODE[kind],
    price,
    available_from_ns: from,
    dynamic: kind.startsWith('SMA'),
    suppressed,
    provisional: false,
  });
  const statics: [LevelKind, number, bigint][] = [];
  const inWin = (a: bigint, b: bigint) =>
    seg.filter((x) => tradeDate(x.ts_event_ns) === D && x.ts_event_ns >= a && x.ts_event_ns < b && sane(c, x.price));
  const pm = inWin(w.premarket.start, w.premarket.end).map((x) => x.price);
  const or = inWin(w.openingRange.start, w.openingRange.end).map((x) => x.price);
  if (t >= w.premarket.end && pm.length > 0)
    statics.push(['PM_HIGH', Math.max(...pm), w.premarket.end], ['PM_LOW', Math.min(...pm), w.premarket.end]);
  if (t >= w.openingRange.end && or.length > 0)
    statics.push(['OR_HIGH', Math.max(...or), w.openingRange.end], ['OR_LOW', Math.min(...or), w.openingRange.end]);
  const cents: number[] = [];
  for (const [k, p, f] of statics) {
    out.push(mk(k, p, f, cents.includes(priceCents(p))));
    cents.push(priceCents(p));
  }
  for (const [kind, n] of [
    ['SMA_200', c.SMA_FAST_PERIOD],
    ['SMA_400', c.SMA_SLOW_PERIOD],
  ] as const) {
    const v = referenceSma(seg, t, n, c);
    if (Number.isNaN(v)) continue;
    // available_from: walk back over every instant where S(D) can change (bar ends, trade-date starts).
    const instants = new Set<bigint>();
    for (const b of buildBars(
      seg.filter((x) => sane(c, x.price)),
      BigInt(c.SMA_BAR_S) * 1_000_000_000n,
    ))
      instants.add(b.end_ns);
    for (const x of seg) instants.add(tradeDateWindow(tradeDate(x.ts_event_ns)).start);
    instants.add(tradeDateWindow(D).start);
    const sorted = [...instants].filter((x) => x <= t).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    let since = NO_TS;
    for (const x of sorted) {
      since = x;
      if (x - 1n < segT0 || Number.isNaN(referenceSma(seg, x - 1n, n, c))) break;
    }
    // A segment that started mid-date (symbol change) can only become available at a bar end after segT0.
    out.push(mk(kind, v, since, false));
  }
  return out;
}

/** `SMA_N(t)` of C.4.3 over the trades of one contract (all trades given are that contract's). */
export function referenceSma(seg: readonly TradeInput[], t: bigint, n: number, c: LevelsConfig): number {
  const D = tradeDate(t);
  const upto = seg.filter((x) => x.ts_event_ns <= t);
  const days = [...new Set(upto.map((x) => tradeDate(x.ts_event_ns)))].filter((d) => d < D).sort();
  const warm = c.SMA_WARMUP_DAYS === 0 ? [] : days.slice(Math.max(0, days.length - c.SMA_WARMUP_DAYS));
  const use = upto.filter((x) => {
    const d = tradeDate(x.ts_event_ns);
    return (d === D || warm.includes(d)) && sane(c, x.price);
  });
  const bars = buildBars(use, BigInt(c.SMA_BAR_S) * 1_000_000_000n, t);
  if (bars.length < n) return Number.NaN;
  let ticks = 0;
  for (const b of bars.slice(bars.length - n)) ticks += Math.round(b.close / c.TICK_SIZE);
  return (ticks * c.TICK_SIZE) / n;
}
