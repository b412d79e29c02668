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

/** Compare two event ids in canonical order (parses both; see {@link compareCanonicalKeys}). */
export function compareEventIds(a: string, b: string): number {
  return compareCanonicalKeys(parseEventId(a), parseEventId(b));
}
