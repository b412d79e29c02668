/**
 * Normalization of decoded DBN records into the canonical events of `@spymaster/schemas`
 * (levels-pipeline-lake.md B.4.4–B.4.7): front-month futures trades and MBP-10 books (plus the expiring
 * contract's books in a roll window), 0DTE ES option trades and tops of book, with deterministic ids.
 * Everything dropped is counted by reason, never silently lost.
 *
 * @module
 */
import {
  type BookLevel,
  type Config,
  DEFAULT_CONFIG,
  type EventSource,
  type EventTypeTag,
  type FuturesTrade,
  formatEventId,
  type InstrumentDefinition,
  type MarketEvent,
  type MBP10,
  type OptionNBBO,
  type OptionTrade,
} from '@spymaster/schemas';
import { etDate, tradeDate, tradeDateWindow } from '@spymaster/schemas/time';
import { FLAGS, UNDEF_PRICE, UNDEF_TIMESTAMP } from '../dbn/constants.js';
import { ReaderCache, type RecordCursor } from '../dbn/cursor.js';
import { BID_ASK_PAIR, MBP1_MSG, MBP10_MSG, TRADE_MSG } from '../dbn/layouts.js';
import type {
  BidAskPair,
  DbnRecord,
  InstrumentDefMsgV1,
  InstrumentDefMsgV2,
  InstrumentDefMsgV3,
} from '../dbn/records.js';
import { FuturesRecordFilter, type FuturesRecordRole, outrightSymbolPattern } from '../symbology/front-month.js';
import { type DefinitionRange, InstrumentMap, SymbolMap, type SymbolMapping } from '../symbology/instrument-map.js';
import {
  classifyZeroDte,
  type OptionContractFields,
  type ZeroDteContext,
  type ZeroDteRejectReason,
  zeroDteContext,
} from '../symbology/zero-dte.js';
import { KeyCounter } from './key-counter.js';

/** Why a record was not turned into a canonical event. */
export type DropReason =
  | 'no_symbol'
  | 'not_front_month'
  | 'spread_or_other_future'
  | 'bad_price'
  | 'bad_size'
  | 'unsupported_record'
  | `option_${ZeroDteRejectReason}`;

/** Options of {@link DbnNormalizer}. */
export interface NormalizerOptions {
  /** `source` of every event (default `replay`). */
  source?: EventSource;
  /** Configuration (front-month rule parameters). */
  config?: Config;
  /** Instrument definitions (options need them; futures can resolve through `mappings`). */
  instruments?: InstrumentMap;
  /** Metadata symbol mappings of the file (instrument id → raw symbol by date). */
  mappings?: readonly SymbolMapping[];
  /** Exchange written on futures trades (default `CME`). */
  exchange?: string | null;
}

/** A DBN instrument definition record of any version. */
export type AnyInstrumentDefMsg = InstrumentDefMsgV1 | InstrumentDefMsgV2 | InstrumentDefMsgV3;

const UPDATE_ACTIONS = new Set(['A', 'M', 'D']);

function fixedToNumber(value: bigint): number {
  return Number(value) / 1e9;
}

/**
 * The canonical {@link InstrumentDefinition} of a DBN definition record (any version): strike in points
 * (null when unset), right from `instrument_class`, `exp_date` the ET date of `expiration`.
 */
export function definitionFromDbn(record: AnyInstrumentDefMsg): InstrumentDefinition {
  const cls = record.instrument_class;
  const expiration = record.expiration === UNDEF_TIMESTAMP ? 2n ** 63n - 1n : record.expiration;
  const action = UPDATE_ACTIONS.has(record.security_update_action) ? record.security_update_action : 'A';
  return {
    instrument_id: record.instrument_id,
    ts_event_ns: record.ts_event,
    ts_recv_ns: record.ts_recv,
    raw_symbol: record.raw_symbol,
    instrument_class: cls,
    security_type: record.security_type,
    asset: record.asset,
    underlying: record.underlying === '' ? null : record.underlying,
    strike: record.strike_price === UNDEF_PRICE ? null : fixedToNumber(record.strike_price),
    right: cls === 'C' || cls === 'P' ? cls : null,
    expiration_ns: expiration,
    exp_date: etDate(expiration),
    min_price_increment: record.min_price_increment === UNDEF_PRICE ? null : fixedToNumber(record.min_price_increment),
    contract_multiplier: record.contract_multiplier === 2147483647 ? null : record.contract_multiplier,
    update_action: action as 'A' | 'M' | 'D',
  };
}

function aggressorOf(side: string): -1 | 0 | 1 {
  return side === 'B' ? 1 : side === 'A' ? -1 : 0;
}

const TWO_32 = 4294967296;
/** Magnitude bound of the high word below which `hi · 2^32 + lo` is an exact double (|value| < 2^53). */
const EXACT_HI = 0x200000;
const UNDEF_HI = 0x7fffffff;
const UNDEF_LO = 0xffffffff;
const CHAR_A = 65;
const CHAR_B = 66;
const CHAR_R = 82;

// Field offsets of the three market layouts (the same in DBN v1–v3; TradeMsg's body starts every one of them).
const tradeOffset = (name: string) => TRADE_MSG.byName[name]?.offset as number;
const O_TS_EVENT = tradeOffset('ts_event');
const O_INSTRUMENT = tradeOffset('instrument_id');
const O_PRICE = tradeOffset('price');
const O_SIZE = tradeOffset('size');
const O_ACTION = tradeOffset('action');
const O_SIDE = tradeOffset('side');
const O_FLAGS = tradeOffset('flags');
const O_TS_RECV = tradeOffset('ts_recv');
const O_SEQUENCE = tradeOffset('sequence');
const O_LEVELS = MBP10_MSG.levels?.offset as number;
const MBP10_LEVELS = MBP10_MSG.levels?.count as number;
const PAIR_SIZE = BID_ASK_PAIR.size;
const pairOffset = (name: string) => BID_ASK_PAIR.fields.find((f) => f.name === name)?.offset as number;
const O_BID_PX = pairOffset('bid_px');
const O_ASK_PX = pairOffset('ask_px');
const O_BID_SZ = pairOffset('bid_sz');
const O_ASK_SZ = pairOffset('ask_sz');

/** True when the i64 at `at` is `UNDEF_PRICE`. */
function isUndefAt(view: DataView, at: number): boolean {
  return view.getInt32(at + 4, true) === UNDEF_HI && view.getUint32(at, true) === UNDEF_LO;
}

/** True when the i64 at `at` is ≤ 0. */
function isNonPositiveAt(view: DataView, at: number): boolean {
  const hi = view.getInt32(at + 4, true);
  return hi < 0 || (hi === 0 && view.getUint32(at, true) === 0);
}

/**
 * The i64 fixed-point value at `at` in points, bit-identical to `Number(bigint) / 1e9`: below 2^53 in
 * magnitude `hi · 2^32 + lo` is the exact integer (what `Number` returns), larger values go through a bigint.
 */
function pointsAt(view: DataView, at: number): number {
  const hi = view.getInt32(at + 4, true);
  if (hi >= -EXACT_HI && hi < EXACT_HI) return (hi * TWO_32 + view.getUint32(at, true)) / 1e9;
  return Number(view.getBigInt64(at, true)) / 1e9;
}

function aggressorOfChar(code: number): -1 | 0 | 1 {
  return code === CHAR_B ? 1 : code === CHAR_A ? -1 : 0;
}

/** Words (i32) of one MBP-10 level that its {@link BookLevel} depends on: bid_px, ask_px (2 each), bid_sz, ask_sz. */
const LEVEL_WORDS = 6;

/** A {@link BookLevel} of the raw level at `p`: an empty side (price `UNDEF_PRICE`) reads as price 0, size 0. */
function bookLevelAt(view: DataView, p: number): BookLevel {
  const bidEmpty = isUndefAt(view, p + O_BID_PX);
  const askEmpty = isUndefAt(view, p + O_ASK_PX);
  return {
    bid_px: bidEmpty ? 0 : pointsAt(view, p + O_BID_PX),
    bid_sz: bidEmpty ? 0 : view.getUint32(p + O_BID_SZ, true),
    ask_px: askEmpty ? 0 : pointsAt(view, p + O_ASK_PX),
    ask_sz: askEmpty ? 0 : view.getUint32(p + O_ASK_SZ, true),
  };
}

/**
 * The MBP-10 levels last read for one futures symbol: their raw words and the {@link BookLevel} objects built
 * from them. Consecutive books of a symbol mostly differ in one or two levels, so a level whose words did not
 * change reuses the previous event's object (canonical events are immutable: sharing is invisible), which
 * saves most of the allocation of an MBP-10 event (decision D-302).
 */
class LevelMemo {
  readonly #words = new Int32Array(MBP10_LEVELS * LEVEL_WORDS);
  readonly #levels: (BookLevel | null)[] = new Array<BookLevel | null>(MBP10_LEVELS).fill(null);

  /** The 10 levels of the MBP-10 record whose first level is at `at`: unchanged levels are the last objects. */
  read(view: DataView, at: number): BookLevel[] {
    // A literal allocates the array at its final size (pushing onto [] would allocate room for 16).
    return [
      this.#level(view, at, 0),
      this.#level(view, at + PAIR_SIZE, 1),
      this.#level(view, at + 2 * PAIR_SIZE, 2),
      this.#level(view, at + 3 * PAIR_SIZE, 3),
      this.#level(view, at + 4 * PAIR_SIZE, 4),
      this.#level(view, at + 5 * PAIR_SIZE, 5),
      this.#level(view, at + 6 * PAIR_SIZE, 6),
      this.#level(view, at + 7 * PAIR_SIZE, 7),
      this.#level(view, at + 8 * PAIR_SIZE, 8),
      this.#level(view, at + 9 * PAIR_SIZE, 9),
    ];
  }

  /** Level `i`, at `p`: the last object when its words are unchanged, else a new one (remembered). */
  #level(view: DataView, p: number, i: number): BookLevel {
    const words = this.#words;
    const w = i * LEVEL_WORDS;
    const bidLo = view.getInt32(p + O_BID_PX, true);
    const bidHi = view.getInt32(p + O_BID_PX + 4, true);
    const askLo = view.getInt32(p + O_ASK_PX, true);
    const askHi = view.getInt32(p + O_ASK_PX + 4, true);
    const bidSz = view.getInt32(p + O_BID_SZ, true);
    const askSz = view.getInt32(p + O_ASK_SZ, true);
    const last = this.#levels[i] as BookLevel | null;
    if (
      last !== null &&
      words[w] === bidLo &&
      words[w + 1] === bidHi &&
      words[w + 2] === askLo &&
      words[w + 3] === askHi &&
      words[w + 4] === bidSz &&
      words[w + 5] === askSz
    ) {
      return last;
    }
    const level = bookLevelAt(view, p);
    this.#levels[i] = level;
    words[w] = bidLo;
    words[w + 1] = bidHi;
    words[w + 2] = askLo;
    words[w + 3] = askHi;
    words[w + 4] = bidSz;
    words[w + 5] = askSz;
    return level;
  }
}

/** What {@link DbnNormalizer} resolved a market record's instrument to. */
const DROPPED = 0;
const FUTURE = 1;
const OPTION = 2;
type Target = typeof DROPPED | typeof FUTURE | typeof OPTION;

/**
 * What the records of one instrument resolve to: a futures outright (`symbol`), a kept 0DTE option (`fields`)
 * or a drop (`reason`), and which records the answer holds for, so the cursor path can remember it per
 * instrument: one trade date, one state of the instrument map (it only grows: its size names the state) and
 * the receive-time range `[from, until)` of the definition version read (null: unbounded). An answer found
 * without a definition (the metadata symbol map, by the UTC date of the receive time) is not remembered.
 */
class Resolution {
  /** `FuturesRecordFilter.role` of this instrument's trades and books on {@link date}, filled on first use. */
  tradeRole: FuturesRecordRole | null | undefined = undefined;
  bookRole: FuturesRecordRole | null | undefined = undefined;
  /** The id stream of this instrument's events (tag and symbol), kept once looked up. */
  ids: IdStream | null = null;

  constructor(
    readonly target: Target,
    readonly reason: DropReason | null,
    readonly symbol: string,
    readonly fields: OptionContractFields | null,
    readonly date: string,
    readonly revision: number,
    readonly range: DefinitionRange | null,
  ) {
    this.#from = halves(range?.from);
    this.#until = halves(range?.until);
  }

  /** The receive-time range as u32 halves (-1: unbounded), to test records without bigint operations. */
  readonly #from: Halves;
  readonly #until: Halves;

  /** Whether this answer is the one for a record of trade date `date` received at `recvHi · 2^32 + recvLo`. */
  holds(date: string, revision: number, recvHi: number, recvLo: number): boolean {
    const from = this.#from;
    const until = this.#until;
    return (
      this.range !== null &&
      date === this.date &&
      revision === this.revision &&
      (from.hi < 0 || !isBefore(recvHi, recvLo, from)) &&
      (until.hi < 0 || isBefore(recvHi, recvLo, until))
    );
  }
}

/** A u64 time as its u32 halves; `hi` -1 for none. */
interface Halves {
  readonly hi: number;
  readonly lo: number;
}

function halves(value: bigint | null | undefined): Halves {
  return value == null ? { hi: -1, lo: 0 } : { hi: Number(value >> 32n), lo: Number(value & 0xffffffffn) };
}

/** Whether the time `hi · 2^32 + lo` is before `t`. */
function isBefore(hi: number, lo: number, t: Halves): boolean {
  return hi < t.hi || (hi === t.hi && lo < t.lo);
}

/** The id text before the time, and the key counts, of one (tag, symbol). */
interface IdStream {
  readonly tag: EventTypeTag;
  readonly prefix: string;
  readonly counter: KeyCounter;
}

/** Keys of the duplicate-ordinal map are forgotten when this far (ns) behind the newest event time. */
const DUP_HORIZON_NS = 600_000_000_000n;
/** The forgetting pass runs once per this many new keys (O(1) per event on average). */
const DUP_PRUNE_EVERY = 50_000;

/**
 * Turns decoded DBN records (bigint prices, as stored or upgraded) into canonical events, one record at a
 * time. Definitions fed through {@link normalize} (or {@link addDefinition}) extend the instrument map.
 * Option trades come out with `opt_bid`/`opt_ask` null; {@link OptionQuoteAttacher} fills them once the
 * streams are merged in canonical order. {@link normalizeCursor} does the same straight from the decoder's
 * zero-copy cursor, without building the record object.
 *
 * @example
 * ```ts
 * const normalizer = new DbnNormalizer({ mappings: metadata.mappings, source: 'replay' });
 * for (const record of records) {
 *   const event = normalizer.normalize(record);
 *   if (event) publish(event);
 * }
 * console.log(normalizer.dropped);
 * ```
 */
export class DbnNormalizer {
  /** Records dropped, by reason. */
  readonly dropped: Partial<Record<DropReason, number>> = {};
  /** Events produced, by type tag. */
  readonly produced: Record<EventTypeTag, number> = { FT: 0, OT: 0, MB: 0, ON: 0 };
  readonly #source: EventSource;
  readonly #config: Config;
  readonly #instruments: InstrumentMap;
  readonly #symbols: SymbolMap;
  readonly #futures: FuturesRecordFilter;
  readonly #exchange: string | null;
  #zeroDte: ZeroDteContext | null = null;
  /**
   * Per (tag, symbol): the id text up to the time (`<TT>-<SYM>-`, symbol checked once) and the occurrence
   * counts of its (ts_event, seq) keys, for `dup_ordinal`.
   */
  readonly #idStreams: Record<EventTypeTag, Map<string, IdStream>> = {
    FT: new Map(),
    OT: new Map(),
    MB: new Map(),
    ON: new Map(),
  };
  readonly #counters: KeyCounter[] = [];
  #dupMaxTs = 0n;
  #dupInserts = 0;
  readonly #outright: RegExp;
  /** The trade date of the last record and its [start, end) window: tradeDate() only when time leaves it. */
  #date = '';
  #dateStart = 0n;
  #dateEnd = 0n;
  #dateStartHalves = halves(0n);
  #dateEndHalves = halves(0n);
  /** What the records of each instrument resolve to, while it holds (cursor path). */
  readonly #resolutions = new Map<number, Resolution>();
  /** Result of the last {@link #target}: its resolution, the futures symbol or the option fields. */
  #resolution: Resolution | null = null;
  #symbol = '';
  #fields: OptionContractFields | null = null;
  /** The dup key of the current record: `ts_event` as u32 halves, `sequence`. */
  #keyHi = 0;
  #keyLo = 0;
  #keySeq = 0;
  /** The last MBP-10 levels of each futures symbol (cursor path), and the last one used. */
  readonly #levelMemos = new Map<string, LevelMemo>();
  #memoSymbol = '';
  #memo: LevelMemo | null = null;
  /** Bigint record readers for the records the cursor path hands to {@link normalize}. */
  #objects: ReaderCache | null = null;

  constructor(options: NormalizerOptions = {}) {
    this.#source = options.source ?? 'replay';
    this.#config = options.config ?? DEFAULT_CONFIG;
    this.#instruments = options.instruments ?? new InstrumentMap();
    this.#symbols = SymbolMap.fromMappings(options.mappings ?? []);
    this.#futures = new FuturesRecordFilter(this.#config);
    this.#outright = outrightSymbolPattern(this.#config);
    this.#exchange = options.exchange === undefined ? 'CME' : options.exchange;
  }

  /** The instrument map (definitions seen so far and those passed in). */
  get instruments(): InstrumentMap {
    return this.#instruments;
  }

  #drop(reason: DropReason): null {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
    return null;
  }

  /** Add a DBN definition record to the instrument map. */
  addDefinition(record: AnyInstrumentDefMsg): InstrumentDefinition {
    const def = definitionFromDbn(record);
    this.#instruments.add(def);
    return def;
  }

  #idStream(tag: EventTypeTag, symbol: string): IdStream {
    // The current record's instrument usually knows its stream already.
    const resolution = this.#resolution;
    const known = resolution?.ids;
    if (known?.tag === tag && resolution?.symbol === symbol) return known;
    const stream = this.#lookupIdStream(tag, symbol);
    if (resolution?.symbol === symbol) resolution.ids = stream;
    return stream;
  }

  #lookupIdStream(tag: EventTypeTag, symbol: string): IdStream {
    const streams = this.#idStreams[tag];
    let stream = streams.get(symbol);
    if (stream === undefined) {
      // formatEventId validates the symbol and writes it; the prefix is the id up to the time.
      const sample = formatEventId({ tag, symbol, ts_event_ns: 0n, seq: null, dup_ordinal: 0 });
      stream = { tag, prefix: sample.slice(0, sample.length - '0-na-0'.length), counter: new KeyCounter() };
      streams.set(symbol, stream);
      this.#counters.push(stream.counter);
    }
    return stream;
  }

  /**
   * The id of B.4.7 (`formatEventId`), `dup_ordinal` counting the earlier records of the same (tag, symbol,
   * ts_event, seq) of the current record (its key set by `normalize` or `normalizeCursor`).
   */
  #eventId(tag: EventTypeTag, symbol: string, ts: bigint): string {
    const seq = this.#keySeq;
    // Duplicates of one key arrive close together; keys far behind the newest time are forgotten, checked
    // once every 50 000 new keys so the pruning costs O(1) per event on average.
    if (ts > this.#dupMaxTs) this.#dupMaxTs = ts;
    const stream = this.#idStream(tag, symbol);
    const ordinal = stream.counter.add(this.#keyHi, this.#keyLo, seq);
    if (ordinal === 0 && ++this.#dupInserts % DUP_PRUNE_EVERY === 0) {
      const horizon = this.#dupMaxTs - DUP_HORIZON_NS;
      if (horizon > 0n) {
        const horizonHi = Number(horizon >> 32n);
        const horizonLo = Number(horizon & 0xffffffffn);
        for (const counter of this.#counters) counter.forgetBefore(horizonHi, horizonLo);
      }
    }
    return `${stream.prefix}${ts}-${seq}-${ordinal}`;
  }

  #bookLevels(symbol: string): LevelMemo {
    if (symbol === this.#memoSymbol && this.#memo !== null) return this.#memo;
    let memo = this.#levelMemos.get(symbol);
    if (memo === undefined) {
      memo = new LevelMemo();
      this.#levelMemos.set(symbol, memo);
    }
    this.#memoSymbol = symbol;
    this.#memo = memo;
    return memo;
  }

  #tradeDate(ts: bigint): string {
    if (ts < this.#dateStart || ts >= this.#dateEnd || this.#date === '') {
      this.#date = tradeDate(ts);
      const window = tradeDateWindow(this.#date);
      this.#dateStart = window.start;
      this.#dateEnd = window.end;
      this.#dateStartHalves = halves(window.start);
      this.#dateEndHalves = halves(window.end);
    }
    return this.#date;
  }

  /** {@link #tradeDate} of a time also given as u32 halves: inside the current window no bigint is touched. */
  #tradeDateAt(ts: bigint, hi: number, lo: number): string {
    if (this.#date !== '' && !isBefore(hi, lo, this.#dateStartHalves) && isBefore(hi, lo, this.#dateEndHalves)) {
      return this.#date;
    }
    return this.#tradeDate(ts);
  }

  #context(ts: bigint): ZeroDteContext {
    const date = this.#tradeDate(ts);
    if (this.#zeroDte?.tradeDate !== date) this.#zeroDte = zeroDteContext(date, this.#config);
    return this.#zeroDte;
  }

  /**
   * Resolve a market record's instrument (see {@link Resolution}); no side effects.
   */
  #resolve(instrumentId: number, ts: bigint, tsRecv: bigint): Resolution {
    const date = this.#tradeDate(ts);
    const revision = this.#instruments.size;
    const found = this.#instruments.getAtWithRange(instrumentId, date, tsRecv);
    const def = found.def;
    const range = def === null ? null : found;
    const answer = (
      target: Target,
      reason: DropReason | null,
      symbol = '',
      fields: OptionContractFields | null = null,
    ) => new Resolution(target, reason, symbol, fields, date, revision, range);
    const symbol = def?.raw_symbol ?? this.#symbols.getAt(instrumentId, tsRecv);
    // An option without a definition is a missing definition; anything else has no symbol at all.
    if (symbol === null) return answer(DROPPED, 'no_symbol');
    const outright = this.#outright.test(symbol);
    if (outright || (def && def.instrument_class === 'F')) {
      return outright ? answer(FUTURE, null, symbol) : answer(DROPPED, 'spread_or_other_future');
    }
    if (!def) return answer(DROPPED, 'option_no_definition');
    if (def.instrument_class !== 'C' && def.instrument_class !== 'P') {
      const other = def.instrument_class === 'F' || def.instrument_class === 'S';
      return answer(DROPPED, other ? 'spread_or_other_future' : 'option_not_option');
    }
    const decision = classifyZeroDte(def, this.#context(ts));
    if (!decision.kept) return answer(DROPPED, `option_${decision.reason}`);
    return answer(OPTION, null, symbol, decision.fields);
  }

  /** Act on a resolution: count a drop, or set {@link #symbol} / {@link #fields}. */
  #take(resolution: Resolution): Target {
    if (resolution.reason !== null) {
      this.#drop(resolution.reason);
      return DROPPED;
    }
    this.#resolution = resolution;
    this.#symbol = resolution.symbol;
    this.#fields = resolution.fields;
    return resolution.target;
  }

  /** Resolve a market record's instrument: a futures outright, a kept 0DTE option or dropped (counted). */
  #target(instrumentId: number, ts: bigint, tsRecv: bigint): Target {
    return this.#take(this.#resolve(instrumentId, ts, tsRecv));
  }

  /** {@link #resolve} remembered per instrument for as long as the answer holds (the cursor path). */
  #resolveRemembered(instrumentId: number, ts: bigint, tsRecv: bigint, recvHi: number, recvLo: number): Resolution {
    const known = this.#resolutions.get(instrumentId);
    const date = this.#tradeDateAt(ts, this.#keyHi, this.#keyLo);
    if (known?.holds(date, this.#instruments.size, recvHi, recvLo)) return known;
    const resolution = this.#resolve(instrumentId, ts, tsRecv);
    if (resolution.range !== null) this.#resolutions.set(instrumentId, resolution);
    return resolution;
  }

  /** `FuturesRecordFilter.role` of a record of a futures resolution, remembered with it. */
  #role(resolution: Resolution, ts: bigint, isBook: boolean): FuturesRecordRole | null {
    if (isBook) {
      if (resolution.bookRole === undefined) resolution.bookRole = this.#futures.role(resolution.symbol, ts, true);
      return resolution.bookRole;
    }
    if (resolution.tradeRole === undefined) resolution.tradeRole = this.#futures.role(resolution.symbol, ts, false);
    return resolution.tradeRole;
  }

  /** The canonical event of one DBN record, or null (definitions, dropped records; see {@link dropped}). */
  normalize(record: DbnRecord<'bigint'>): MarketEvent | null {
    switch (record.record_type) {
      case 'InstrumentDefMsgV1':
      case 'InstrumentDefMsgV2':
      case 'InstrumentDefMsgV3':
        this.addDefinition(record);
        return null;
      case 'TradeMsg':
      case 'Mbp1Msg':
      case 'Mbp10Msg':
        break;
      default:
        return this.#drop('unsupported_record');
    }
    const ts = record.ts_event;
    const target = this.#target(record.instrument_id, ts, record.ts_recv);
    if (target === DROPPED) return null;
    const seq = BigInt(record.sequence);
    this.#keyHi = Number(ts >> 32n);
    this.#keyLo = Number(ts & 0xffffffffn);
    this.#keySeq = record.sequence;
    if (target === FUTURE) {
      const symbol = this.#symbol;
      if (record.record_type === 'TradeMsg') {
        if (this.#futures.role(symbol, ts, false) !== 'front') return this.#drop('not_front_month');
        if (record.price === UNDEF_PRICE || record.price <= 0n) return this.#drop('bad_price');
        if (record.size <= 0) return this.#drop('bad_size');
        return this.#futuresTrade(
          symbol,
          ts,
          record.ts_recv,
          fixedToNumber(record.price),
          record.size,
          aggressorOf(record.side),
          seq,
        );
      }
      if (record.record_type === 'Mbp10Msg') {
        if (this.#futures.role(symbol, ts, true) === null) return this.#drop('not_front_month');
        const event: MBP10 = {
          event_id: this.#eventId('MB', symbol, ts),
          ts_event_ns: ts,
          ts_recv_ns: record.ts_recv,
          source: this.#source,
          symbol,
          levels: record.levels.map((l) => {
            const bidEmpty = l.bid_px === UNDEF_PRICE;
            const askEmpty = l.ask_px === UNDEF_PRICE;
            return {
              bid_px: bidEmpty ? 0 : fixedToNumber(l.bid_px),
              bid_sz: bidEmpty ? 0 : l.bid_sz,
              ask_px: askEmpty ? 0 : fixedToNumber(l.ask_px),
              ask_sz: askEmpty ? 0 : l.ask_sz,
            };
          }),
          is_snapshot: (record.flags & FLAGS.F_SNAPSHOT) !== 0 || record.action === 'R',
          seq,
        };
        this.produced.MB++;
        return event;
      }
      return this.#drop('unsupported_record');
    }
    if (record.record_type === 'TradeMsg') {
      if (record.price === UNDEF_PRICE || record.price <= 0n) return this.#drop('bad_price');
      if (record.size <= 0) return this.#drop('bad_size');
      return this.#optionTrade(
        ts,
        record.ts_recv,
        fixedToNumber(record.price),
        record.size,
        aggressorOf(record.side),
        seq,
      );
    }
    if (record.record_type === 'Mbp1Msg') {
      const level = record.levels[0] as BidAskPair;
      const bidEmpty = level.bid_px === UNDEF_PRICE || level.bid_sz === 0;
      const askEmpty = level.ask_px === UNDEF_PRICE || level.ask_sz === 0;
      return this.#optionQuote(
        ts,
        record.ts_recv,
        bidEmpty ? null : fixedToNumber(level.bid_px),
        askEmpty ? null : fixedToNumber(level.ask_px),
        bidEmpty ? 0 : level.bid_sz,
        askEmpty ? 0 : level.ask_sz,
        seq,
      );
    }
    return this.#drop('unsupported_record');
  }

  /**
   * {@link normalize} of the record under a decoder's zero-copy cursor (`DbnStream.forEach`,
   * `DbnStream.visitChunks`), reading the fields in place: the same event (equal field by field, prices
   * bit-identical) without building the record object. Trades, MBP-1 and MBP-10 records take the fast path;
   * other records are read as objects and passed to {@link normalize}.
   *
   * Events are immutable: an MBP-10 level that did not change since the symbol's previous book is the same
   * `BookLevel` object as in that book's event (D-302). Copy an event's levels before changing them.
   *
   * @example
   * ```ts
   * const normalizer = new DbnNormalizer({ mappings: stream.metadata?.mappings, instruments });
   * await stream.forEach((cursor) => {
   *   const event = normalizer.normalizeCursor(cursor);
   *   if (event) publish(event);
   * });
   * ```
   */
  normalizeCursor(cursor: RecordCursor): MarketEvent | null {
    const layout = cursor.layout;
    const view = cursor.view;
    const at = cursor.offset;
    if (layout !== TRADE_MSG && layout !== MBP1_MSG && layout !== MBP10_MSG) {
      this.#objects ??= new ReaderCache('bigint');
      const record = this.#objects.get(layout)(view, cursor.bytes, at, cursor.hasTsOut);
      return this.normalize(record as DbnRecord<'bigint'>);
    }
    const ts = view.getBigUint64(at + O_TS_EVENT, true);
    const tsRecv = view.getBigUint64(at + O_TS_RECV, true);
    this.#keyHi = view.getUint32(at + O_TS_EVENT + 4, true);
    this.#keyLo = view.getUint32(at + O_TS_EVENT, true);
    const resolution = this.#resolveRemembered(
      view.getUint32(at + O_INSTRUMENT, true),
      ts,
      tsRecv,
      view.getUint32(at + O_TS_RECV + 4, true),
      view.getUint32(at + O_TS_RECV, true),
    );
    const target = this.#take(resolution);
    if (target === DROPPED) return null;
    this.#keySeq = view.getUint32(at + O_SEQUENCE, true);
    const seq = BigInt(this.#keySeq);
    const bytes = cursor.bytes;
    if (target === FUTURE) {
      const symbol = this.#symbol;
      if (layout === TRADE_MSG) {
        if (this.#role(resolution, ts, false) !== 'front') return this.#drop('not_front_month');
        if (isUndefAt(view, at + O_PRICE) || isNonPositiveAt(view, at + O_PRICE)) return this.#drop('bad_price');
        const size = view.getUint32(at + O_SIZE, true);
        if (size <= 0) return this.#drop('bad_size');
        return this.#futuresTrade(
          symbol,
          ts,
          tsRecv,
          pointsAt(view, at + O_PRICE),
          size,
          aggressorOfChar(bytes[at + O_SIDE] as number),
          seq,
        );
      }
      if (layout === MBP10_MSG) {
        if (this.#role(resolution, ts, true) === null) return this.#drop('not_front_month');
        const levels = this.#bookLevels(symbol).read(view, at + O_LEVELS);
        const event: MBP10 = {
          event_id: this.#eventId('MB', symbol, ts),
          ts_event_ns: ts,
          ts_recv_ns: tsRecv,
          source: this.#source,
          symbol,
          levels,
          is_snapshot: ((bytes[at + O_FLAGS] as number) & FLAGS.F_SNAPSHOT) !== 0 || bytes[at + O_ACTION] === CHAR_R,
          seq,
        };
        this.produced.MB++;
        return event;
      }
      return this.#drop('unsupported_record');
    }
    if (layout === TRADE_MSG) {
      if (isUndefAt(view, at + O_PRICE) || isNonPositiveAt(view, at + O_PRICE)) return this.#drop('bad_price');
      const size = view.getUint32(at + O_SIZE, true);
      if (size <= 0) return this.#drop('bad_size');
      return this.#optionTrade(
        ts,
        tsRecv,
        pointsAt(view, at + O_PRICE),
        size,
        aggressorOfChar(bytes[at + O_SIDE] as number),
        seq,
      );
    }
    if (layout === MBP1_MSG) {
      const p = at + O_LEVELS;
      const bidSz = view.getUint32(p + O_BID_SZ, true);
      const askSz = view.getUint32(p + O_ASK_SZ, true);
      const bidEmpty = isUndefAt(view, p + O_BID_PX) || bidSz === 0;
      const askEmpty = isUndefAt(view, p + O_ASK_PX) || askSz === 0;
      return this.#optionQuote(
        ts,
        tsRecv,
        bidEmpty ? null : pointsAt(view, p + O_BID_PX),
        askEmpty ? null : pointsAt(view, p + O_ASK_PX),
        bidEmpty ? 0 : bidSz,
        askEmpty ? 0 : askSz,
        seq,
      );
    }
    return this.#drop('unsupported_record');
  }

  #futuresTrade(
    symbol: string,
    ts: bigint,
    tsRecv: bigint,
    price: number,
    size: number,
    aggressor: -1 | 0 | 1,
    seq: bigint,
  ): FuturesTrade {
    const event: FuturesTrade = {
      event_id: this.#eventId('FT', symbol, ts),
      ts_event_ns: ts,
      ts_recv_ns: tsRecv,
      source: this.#source,
      symbol,
      price,
      size,
      aggressor,
      exchange: this.#exchange,
      conditions: null,
      seq,
    };
    this.produced.FT++;
    return event;
  }

  #optionTrade(
    ts: bigint,
    tsRecv: bigint,
    price: number,
    size: number,
    aggressor: -1 | 0 | 1,
    seq: bigint,
  ): OptionTrade {
    const f = this.#fields as OptionContractFields;
    const event: OptionTrade = {
      event_id: this.#eventId('OT', f.option_symbol, ts),
      ts_event_ns: ts,
      ts_recv_ns: tsRecv,
      source: this.#source,
      // The contract fields, in the canonical field order (written out: a spread here is slower).
      underlying: f.underlying,
      underlying_contract: f.underlying_contract,
      option_symbol: f.option_symbol,
      exp_date: f.exp_date,
      expiration_ns: f.expiration_ns,
      strike: f.strike,
      right: f.right,
      price,
      size,
      opt_bid: null,
      opt_ask: null,
      aggressor,
      conditions: null,
      seq,
    };
    this.produced.OT++;
    return event;
  }

  #optionQuote(
    ts: bigint,
    tsRecv: bigint,
    bidPx: number | null,
    askPx: number | null,
    bidSz: number,
    askSz: number,
    seq: bigint,
  ): OptionNBBO {
    const f = this.#fields as OptionContractFields;
    const event: OptionNBBO = {
      event_id: this.#eventId('ON', f.option_symbol, ts),
      ts_event_ns: ts,
      ts_recv_ns: tsRecv,
      source: this.#source,
      // The contract fields, in the canonical field order (written out: a spread here is slower).
      underlying: f.underlying,
      underlying_contract: f.underlying_contract,
      option_symbol: f.option_symbol,
      exp_date: f.exp_date,
      expiration_ns: f.expiration_ns,
      strike: f.strike,
      right: f.right,
      bid_px: bidPx,
      ask_px: askPx,
      bid_sz: bidSz,
      ask_sz: askSz,
      seq,
    };
    this.produced.ON++;
    return event;
  }
}

/**
 * Fills `opt_bid`/`opt_ask` of option trades with the as-of top of book of the same option strictly before
 * the trade in canonical order (B.4.4). Feed it the merged canonical stream; it passes every event through.
 */
export class OptionQuoteAttacher {
  readonly #quotes = new Map<string, { bid: number | null; ask: number | null }>();

  /** Pass one event through, completing option trades; records option quotes. */
  apply<E extends MarketEvent>(event: E): E {
    if ('option_symbol' in event) {
      if ('bid_sz' in event) {
        const quote = this.#quotes.get(event.option_symbol);
        if (quote === undefined) this.#quotes.set(event.option_symbol, { bid: event.bid_px, ask: event.ask_px });
        else {
          quote.bid = event.bid_px;
          quote.ask = event.ask_px;
        }
      } else {
        const quote = this.#quotes.get(event.option_symbol);
        return { ...event, opt_bid: quote?.bid ?? null, opt_ask: quote?.ask ?? null };
      }
    }
    return event;
  }

  /** Forget quotes of a finished trade date (call at the trade-date rollover to bound memory). */
  clear(): void {
    this.#quotes.clear();
  }
}
