/**
 * Test-only reference of MarketState's depth-flow derivation (spec §1.1 step 3: the fill pool; §1.2 steps 1–5:
 * prune, comparable prices, added/filled/pulled records, best-level OFI). Written the slow, obvious way with maps
 * so the engine tests (barrier, market-state, ofi) can check the fast ring-buffer code against one oracle.
 */
import { type BestQuotes, type DepthFlowView, FLOW_SIDE_ASK, FLOW_SIDE_BID, ofiL1Record } from '../src/ofi.js';

/** MBP-10 levels shown per side. */
export const DEPTH = 10;
/** ES tick size, pt. */
export const TICK = 0.25;

/** A book state: price (pt) → size, per side. */
export interface Book {
  readonly bids: ReadonlyMap<number, number>;
  readonly asks: ReadonlyMap<number, number>;
}

/** Build a {@link Book} from `{ price: size }` records. */
export function book(bids: Record<string, number>, asks: Record<string, number>): Book {
  const m = (r: Record<string, number>) => new Map(Object.entries(r).map(([p, q]) => [Number(p), q] as const));
  return { bids: m(bids), asks: m(asks) };
}

/** Best bid/ask price and size of a book (0 for an empty side). */
export function best(b: Book): BestQuotes {
  const bp = Math.max(...b.bids.keys());
  const ap = Math.min(...b.asks.keys());
  return {
    bidPx: b.bids.size > 0 ? bp : 0,
    bidSz: b.bids.get(bp) ?? 0,
    askPx: b.asks.size > 0 ? ap : 0,
    askSz: b.asks.get(ap) ?? 0,
  };
}

/** One depth-flow record (§1.2 step 4). */
export interface FlowRow {
  ts: bigint;
  side: number;
  tick: number;
  added: number;
  filled: number;
  pulled: number;
}

/** Column view of flow records, as MarketState exposes its ring (one slot per record, no wrap). */
export function flowView(rows: readonly FlowRow[]): DepthFlowView {
  return {
    ts: rows.map((r) => r.ts),
    side: rows.map((r) => r.side),
    tick: rows.map((r) => r.tick),
    added: rows.map((r) => r.added),
    filled: rows.map((r) => r.filled),
    pulled: rows.map((r) => r.pulled),
  };
}

/** A reference input: a futures trade or a full book state (a snapshot resets the book and the pool). */
export type RefEv =
  | {
      readonly kind: 'trade';
      readonly ts: bigint;
      readonly price: number;
      readonly size: number;
      readonly aggr: number;
    }
  | { readonly kind: 'book'; readonly ts: bigint; readonly book: Book; readonly snap?: boolean };

/** Replay `events` through the reference; returns the flow records, the L1 OFI records and the last book. */
export function referenceDepthFlow(events: readonly RefEv[]): {
  rows: FlowRow[];
  l1: { ts: bigint; e: number }[];
  book: Book | null;
} {
  const rows: FlowRow[] = [];
  const l1: { ts: bigint; e: number }[] = [];
  let cur: Book | null = null;
  let bookTs: bigint | null = null;
  let pruneTs: bigint | null = null;
  const pool = new Map<string, { ts: bigint; rem: number }[]>();
  const key = (side: number, tick: number) => `${side}:${tick}`;
  for (const ev of events) {
    if (ev.kind === 'trade') {
      if (cur === null) continue;
      let side = ev.aggr === 1 ? FLOW_SIDE_ASK : ev.aggr === -1 ? FLOW_SIDE_BID : 0;
      if (ev.aggr === 0 && cur.bids.size > 0 && cur.asks.size > 0) {
        const bb = Math.max(...cur.bids.keys());
        const ba = Math.min(...cur.asks.keys());
        if (bb < ba) side = ev.price >= ba ? FLOW_SIDE_ASK : ev.price <= bb ? FLOW_SIDE_BID : 0;
      }
      if (side === 0) continue;
      const k = key(side, Math.round(ev.price / TICK));
      const q = pool.get(k) ?? [];
      q.push({ ts: ev.ts, rem: ev.size });
      pool.set(k, q);
      continue;
    }
    if (bookTs === null || ev.ts > bookTs) {
      pruneTs = bookTs;
      bookTs = ev.ts;
    }
    const next = ev.book;
    if (cur === null || ev.snap === true) {
      cur = next;
      pool.clear();
      continue;
    }
    const e = ofiL1Record(best(cur), best(next), false);
    if (e !== null) l1.push({ ts: ev.ts, e });
    for (const [k, q] of pool) {
      pool.set(
        k,
        q.filter((x) => pruneTs === null || x.ts >= pruneTs),
      );
    }
    const floor = (m: ReadonlyMap<number, number>) =>
      m.size >= DEPTH ? Math.min(...m.keys()) : Number.NEGATIVE_INFINITY;
    const ceil = (m: ReadonlyMap<number, number>) =>
      m.size >= DEPTH ? Math.max(...m.keys()) : Number.POSITIVE_INFINITY;
    const bidMin = Math.max(floor(cur.bids), floor(next.bids));
    const askMax = Math.min(ceil(cur.asks), ceil(next.asks));
    const side = (
      code: number,
      a: ReadonlyMap<number, number>,
      b: ReadonlyMap<number, number>,
      ok: (p: number) => boolean,
    ) => {
      const prices = [...new Set([...a.keys(), ...b.keys()])].filter(ok).sort((x, y) => x - y);
      for (const p of prices) {
        const tick = Math.round(p / TICK);
        const d = (b.get(p) ?? 0) - (a.get(p) ?? 0);
        if (d > 0) rows.push({ ts: ev.ts, side: code, tick, added: d, filled: 0, pulled: 0 });
        if (d < 0) {
          const lost = -d;
          let filled = 0;
          for (const x of pool.get(key(code, tick)) ?? []) {
            const take = Math.min(x.rem, lost - filled);
            x.rem -= take;
            filled += take;
          }
          pool.set(
            key(code, tick),
            (pool.get(key(code, tick)) ?? []).filter((x) => x.rem > 0),
          );
          rows.push({ ts: ev.ts, side: code, tick, added: 0, filled, pulled: lost - filled });
        }
      }
    };
    side(FLOW_SIDE_BID, cur.bids, next.bids, (p) => p >= bidMin);
    side(FLOW_SIDE_ASK, cur.asks, next.asks, (p) => p <= askMax);
    cur = next;
  }
  return { rows, l1, book: cur };
}
