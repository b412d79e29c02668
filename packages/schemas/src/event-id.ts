/**
 * Deterministic market event ids (levels-pipeline-lake.md B.4.7) and the canonical order they carry
 * (B.4.6). Dependency-free, so hot paths and browsers can use it without zod.
 *
 * @module
 */

/** Two-letter type tags of event ids. */
export const EVENT_TYPE_TAGS = ['FT', 'OT', 'MB', 'ON'] as const;
/** A two-letter event type tag: FT futures trade, OT option trade, MB MBP-10, ON option NBBO. */
export type EventTypeTag = (typeof EVENT_TYPE_TAGS)[number];

/** Canonical `type_rank` of each event type tag: trades before books, futures before options. */
export const TYPE_RANK: Readonly<Record<EventTypeTag, number>> = Object.freeze({ FT: 0, OT: 1, MB: 2, ON: 3 });

/** The canonical key an event id carries (B.4.6). */
export interface CanonicalKey {
  /** Event type tag. */
  tag: EventTypeTag;
  /** Symbol (futures) or option symbol (options), spaces restored. */
  symbol: string;
  /** Exchange event time, ns. */
  ts_event_ns: bigint;
  /** Vendor sequence number, or null when absent. */
  seq: bigint | null;
  /** 0-based position among vendor records with the same (type, symbol, ts_event_ns, seq). */
  dup_ordinal: number;
}

/** Error raised for a malformed event id, naming the id and what is wrong. */
export class EventIdError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/schemas/EventIdError');
  /** The offending id. */
  readonly id: string;
  constructor(id: string, reason: string) {
    super(`invalid event id ${JSON.stringify(id)}: ${reason}`);
    this.name = 'EventIdError';
    this.id = id;
  }
  /** True for an `EventIdError` from any copy of this package. */
  static is(error: unknown): error is EventIdError {
    return (
      error instanceof Error &&
      (error as { constructor?: { brand?: symbol } }).constructor?.brand === EventIdError.brand
    );
  }
}

/**
 * Format the deterministic event id of B.4.7: `<TT>-<SYM>-<ts_event_ns>-<seq or na>-<dup_ordinal>`,
 * spaces in the symbol replaced by `_`.
 *
 * @example
 * ```ts
 * formatEventId({ tag: 'FT', symbol: 'ESZ5', ts_event_ns: 1765897231000000000n, seq: 100n, dup_ordinal: 1 });
 * // 'FT-ESZ5-1765897231000000000-100-1'
 * ```
 */
export function formatEventId(key: CanonicalKey): string {
  if (key.symbol.includes('_')) throw new EventIdError(key.symbol, 'symbol contains "_", which ids reserve for spaces');
  if (!Number.isInteger(key.dup_ordinal) || key.dup_ordinal < 0) {
    throw new EventIdError(key.symbol, `dup_ordinal must be a non-negative integer, got ${key.dup_ordinal}`);
  }
  const seq = key.seq === null ? 'na' : key.seq.toString();
  return `${key.tag}-${key.symbol.replaceAll(' ', '_')}-${key.ts_event_ns}-${seq}-${key.dup_ordinal}`;
}

const DIGITS = /^(0|[1-9][0-9]*)$/;

/** Parse an event id back into its canonical key; throws {@link EventIdError} when malformed. */
export function parseEventId(id: string): CanonicalKey {
  const parts = id.split('-');
  if (parts.length < 5) throw new EventIdError(id, 'expected <TT>-<SYM>-<ts_event_ns>-<seq|na>-<dup_ordinal>');
  const tag = parts[0] as EventTypeTag;
  if (!(tag in TYPE_RANK)) throw new EventIdError(id, `unknown type tag ${JSON.stringify(parts[0])}`);
  const dup = parts[parts.length - 1] as string;
  const seqText = parts[parts.length - 2] as string;
  const ts = parts[parts.length - 3] as string;
  const symbol = parts.slice(1, -3).join('-');
  if (symbol.length === 0) throw new EventIdError(id, 'empty symbol');
  if (!DIGITS.test(ts)) throw new EventIdError(id, `ts_event_ns ${JSON.stringify(ts)} is not a decimal integer`);
  if (seqText !== 'na' && !DIGITS.test(seqText))
    throw new EventIdError(id, `seq ${JSON.stringify(seqText)} is not a decimal integer or "na"`);
  if (!DIGITS.test(dup)) throw new EventIdError(id, `dup_ordinal ${JSON.stringify(dup)} is not a decimal integer`);
  return {
    tag,
    symbol: symbol.replaceAll('_', ' '),
    ts_event_ns: BigInt(ts),
    seq: seqText === 'na' ? null : BigInt(seqText),
    dup_ordinal: Number(dup),
  };
}

function compareBytes(a: string, b: string): number {
  // Byte-wise UTF-8 order equals code-point order; symbols are ASCII in practice, so compare code units.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compare two canonical keys (B.4.6): `ts_event_ns`, then type rank, then `seq` (present before absent),
 * then symbol byte-wise, then `dup_ordinal`. Returns a negative number, 0 or a positive number.
 */
export function compareCanonicalKeys(a: CanonicalKey, b: CanonicalKey): number {
  if (a.ts_event_ns !== b.ts_event_ns) return a.ts_event_ns < b.ts_event_ns ? -1 : 1;
  const rank = TYPE_RANK[a.tag] - TYPE_RANK[b.tag];
  if (rank !== 0) return rank;
  if (a.seq !== b.seq) {
    if (a.seq === null) return 1;
    if (b.seq === null) return -1;
    return a.seq < b.seq ? -1 : 1;
  }
  const symbol = compareBytes(a.symbol, b.symbol);
  if (symbol !== 0) return symbol;
  return a.dup_ordinal - b.dup_ordinal;
}

/**
 * Compare two event ids in canonical order: the order of {@link compareCanonicalKeys} on the parsed ids, without
 * building keys or BigInts (hot paths sort same-timestamp groups with it). Malformed ids throw the
 * {@link EventIdError} of {@link parseEventId}.
 *
 * @example
 * ```ts
 * compareEventIds('FT-ESZ5-1765897231000000000-100-0', 'MB-ESZ5-1765897231000000000-99-0'); // < 0
 * ```
 */
export function compareEventIds(a: string, b: string): number {
  const pa = idParts(a, PARTS_A);
  const pb = idParts(b, PARTS_B);
  // ts_event_ns: canonical decimals (no leading zeros), so longer is larger, then text order.
  const ts = compareDecimals(a, pa[2] as number, pa[3] as number, b, pb[2] as number, pb[3] as number);
  if (ts !== 0) return ts;
  const rank = rankOfTag(a) - rankOfTag(b);
  if (rank !== 0) return rank;
  const aNa = pa[4] === 0;
  const bNa = pb[4] === 0;
  if (aNa !== bNa) return aNa ? 1 : -1;
  if (!aNa) {
    const seq = compareDecimals(a, (pa[3] as number) + 1, pa[5] as number, b, (pb[3] as number) + 1, pb[5] as number);
    if (seq !== 0) return seq;
  }
  const symbol = compareSymbols(a, 3, pa[2] as number, b, 3, pb[2] as number);
  if (symbol !== 0) return symbol;
  return Number(a.slice((pa[5] as number) + 1)) - Number(b.slice((pb[5] as number) + 1));
}

/** Scratch of {@link idParts} (one per argument of {@link compareEventIds}). */
const PARTS_A = new Int32Array(6);
const PARTS_B = new Int32Array(6);

/**
 * Positions in `id` = `<TT>-<SYM>-<ts>-<seq|na>-<dup>`: `[_, _, start of ts − 1 ('-'), end of ts ('-'), seq
 * present (1) or "na" (0), position of the last '-']`; validates like {@link parseEventId}, which throws the error.
 */
function idParts(id: string, out: Int32Array): Int32Array {
  const last = id.lastIndexOf('-');
  const seqDash = last > 0 ? id.lastIndexOf('-', last - 1) : -1;
  const tsDash = seqDash > 0 ? id.lastIndexOf('-', seqDash - 1) : -1;
  if (
    tsDash <= 3 ||
    id.charCodeAt(2) !== 45 ||
    rankOfTag(id) < 0 ||
    !isDecimal(id, tsDash + 1, seqDash) ||
    !isDecimal(id, last + 1, id.length)
  ) {
    parseEventId(id);
  }
  const na = seqDash + 3 === last && id.startsWith('na', seqDash + 1);
  if (!na && !isDecimal(id, seqDash + 1, last)) parseEventId(id);
  out[2] = tsDash;
  out[3] = seqDash;
  out[4] = na ? 0 : 1;
  out[5] = last;
  return out;
}

/** {@link TYPE_RANK} of the id's two-letter tag (FT 0, OT 1, MB 2, ON 3), −1 for any other, without slicing. */
function rankOfTag(id: string): number {
  const c0 = id.charCodeAt(0);
  const c1 = id.charCodeAt(1);
  if (c0 === 70) return c1 === 84 ? TYPE_RANK.FT : -1; // FT
  if (c0 === 77) return c1 === 66 ? TYPE_RANK.MB : -1; // MB
  if (c0 === 79) return c1 === 84 ? TYPE_RANK.OT : c1 === 78 ? TYPE_RANK.ON : -1; // OT, ON
  return -1;
}

/** `id[from, to)` matches `0|[1-9][0-9]*`. */
function isDecimal(id: string, from: number, to: number): boolean {
  if (to <= from) return false;
  if (id.charCodeAt(from) === 48) return to === from + 1;
  for (let i = from; i < to; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Order of two canonical decimal integers `a[a0, a1)` and `b[b0, b1)` (longer is larger). */
function compareDecimals(a: string, a0: number, a1: number, b: string, b0: number, b1: number): number {
  const la = a1 - a0;
  const lb = b1 - b0;
  if (la !== lb) return la < lb ? -1 : 1;
  for (let i = 0; i < la; i++) {
    const d = a.charCodeAt(a0 + i) - b.charCodeAt(b0 + i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Byte order of two id symbols `a[a0, a1)` and `b[b0, b1)` with `_` read as the space it stands for. */
function compareSymbols(a: string, a0: number, a1: number, b: string, b0: number, b1: number): number {
  const la = a1 - a0;
  const lb = b1 - b0;
  const n = Math.min(la, lb);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(a0 + i);
    let y = b.charCodeAt(b0 + i);
    if (x === 95) x = 32;
    if (y === 95) y = 32;
    if (x !== y) return x < y ? -1 : 1;
  }
  return la === lb ? 0 : la < lb ? -1 : 1;
}
