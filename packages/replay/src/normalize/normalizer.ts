/**
 * Normalization of decoded DBN records into the canonical events of `@spymaster/schemas`
 * (levels-pipeline-lake.md B.4.4–B.4.7): front-month futures trades and MBP-10 books (plus the expiring
 * contract's books in a roll window), 0DTE ES option trades and tops of book, with deterministic ids.
 * Everything dropped is counted by reason, never silently lost.
 *
 * @module
 */
import {
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
import type {
  BidAskPair,
  DbnRecord,
  InstrumentDefMsgV1,
  InstrumentDefMsgV2,
  InstrumentDefMsgV3,
} from '../dbn/records.js';
import { FuturesRecordFilter, outrightSymbolPattern } from '../symbology/front-month.js';
import { InstrumentMap, SymbolMap, type SymbolMapping } from '../symbology/instrument-map.js';
import {
  classifyZeroDte,
  type ZeroDteContext,
  type ZeroDteRejectReason,
  zeroDteContext,
} from '../symbology/zero-dte.js';

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

/**
 * Turns decoded DBN records (bigint prices, as stored or upgraded) into canonical events, one record at a
 * time. Definitions fed through {@link normalize} (or {@link addDefinition}) extend the instrument map.
 * Option trades come out with `opt_bid`/`opt_ask` null; {@link OptionQuoteAttacher} fills them once the
 * streams are merged in canonical order.
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
  /** Occurrences of (tag, symbol, ts_event, seq) so far, for `dup_ordinal`. */
  /** Occurrences of each (tag, ts_event, seq, symbol) key, with the key's time for pruning. */
  readonly #dups = new Map<string, { ts: bigint; n: number }>();
  #dupMaxTs = 0n;
  #dupInserts = 0;
  readonly #outright: RegExp;
  /** The trade date of the last record and its [start, end) window: tradeDate() only when time leaves it. */
  #date = '';
  #dateStart = 0n;
  #dateEnd = 0n;

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

  #eventId(tag: EventTypeTag, symbol: string, ts: bigint, seq: bigint | null): string {
    // Duplicates of one key arrive close together; keys far behind the newest time are forgotten, checked
    // once every 50 000 new keys so the pruning costs O(1) per event on average.
    if (ts > this.#dupMaxTs) this.#dupMaxTs = ts;
    const key = `${tag}|${ts}|${seq ?? 'na'}|${symbol}`;
    const seen = this.#dups.get(key);
    const ordinal = seen ? seen.n : 0;
    if (seen) seen.n++;
    else {
      this.#dups.set(key, { ts, n: 1 });
      if (++this.#dupInserts % 50_000 === 0) {
        const horizon = this.#dupMaxTs - 600_000_000_000n;
        for (const [k, v] of this.#dups) if (v.ts < horizon) this.#dups.delete(k);
      }
    }
    return formatEventId({ tag, symbol, ts_event_ns: ts, seq, dup_ordinal: ordinal });
  }

  #tradeDate(ts: bigint): string {
    if (ts < this.#dateStart || ts >= this.#dateEnd || this.#date === '') {
      this.#date = tradeDate(ts);
      const window = tradeDateWindow(this.#date);
      this.#dateStart = window.start;
      this.#dateEnd = window.end;
    }
    return this.#date;
  }

  #context(ts: bigint): ZeroDteContext {
    const date = this.#tradeDate(ts);
    if (this.#zeroDte?.tradeDate !== date) this.#zeroDte = zeroDteContext(date, this.#config);
    return this.#zeroDte;
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
    const def = this.#instruments.getAt(record.instrument_id, this.#tradeDate(ts), record.ts_recv);
    const symbol = def?.raw_symbol ?? this.#symbols.getAt(record.instrument_id, record.ts_recv);
    if (symbol === null) {
      // An option without a definition is a missing definition; anything else has no symbol at all.
      return this.#drop('no_symbol');
    }
    if (this.#outright.test(symbol) || (def && def.instrument_class === 'F')) {
      return this.#futuresEvent(record, symbol);
    }
    if (!def) return this.#drop('option_no_definition');
    if (def.instrument_class !== 'C' && def.instrument_class !== 'P') {
      return this.#drop(
        def.instrument_class === 'F' || def.instrument_class === 'S' ? 'spread_or_other_future' : 'option_not_option',
      );
    }
    const decision = classifyZeroDte(def, this.#context(ts));
    if (!decision.kept) return this.#drop(`option_${decision.reason}`);
    const seq = BigInt(record.sequence);
    if (record.record_type === 'TradeMsg') {
      if (record.price === UNDEF_PRICE || record.price <= 0n) return this.#drop('bad_price');
      if (record.size <= 0) return this.#drop('bad_size');
      const f = decision.fields;
      const event: OptionTrade = {
        event_id: this.#eventId('OT', f.option_symbol, ts, seq),
        ts_event_ns: ts,
        ts_recv_ns: record.ts_recv,
        source: this.#source,
        // The contract fields, in the canonical field order (underlying … right).
        ...f,
        price: fixedToNumber(record.price),
        size: record.size,
        opt_bid: null,
        opt_ask: null,
        aggressor: aggressorOf(record.side),
        conditions: null,
        seq,
      };
      this.produced.OT++;
      return event;
    }
    if (record.record_type === 'Mbp1Msg') {
      const f = decision.fields;
      const level = record.levels[0] as BidAskPair;
      const bidEmpty = level.bid_px === UNDEF_PRICE || level.bid_sz === 0;
      const askEmpty = level.ask_px === UNDEF_PRICE || level.ask_sz === 0;
      const event: OptionNBBO = {
        event_id: this.#eventId('ON', f.option_symbol, ts, seq),
        ts_event_ns: ts,
        ts_recv_ns: record.ts_recv,
        source: this.#source,
        // The contract fields, in the canonical field order (underlying … right).
        ...f,
        bid_px: bidEmpty ? null : fixedToNumber(level.bid_px),
        ask_px: askEmpty ? null : fixedToNumber(level.ask_px),
        bid_sz: bidEmpty ? 0 : level.bid_sz,
        ask_sz: askEmpty ? 0 : level.ask_sz,
        seq,
      };
      this.produced.ON++;
      return event;
    }
    return this.#drop('unsupported_record');
  }

  #futuresEvent(
    record: DbnRecord<'bigint'> & { record_type: 'TradeMsg' | 'Mbp1Msg' | 'Mbp10Msg' },
    symbol: string,
  ): MarketEvent | null {
    if (!this.#outright.test(symbol)) return this.#drop('spread_or_other_future');
    const ts = record.ts_event;
    const seq = BigInt(record.sequence);
    if (record.record_type === 'TradeMsg') {
      if (this.#futures.role(symbol, ts, false) !== 'front') return this.#drop('not_front_month');
      if (record.price === UNDEF_PRICE || record.price <= 0n) return this.#drop('bad_price');
      if (record.size <= 0) return this.#drop('bad_size');
      const event: FuturesTrade = {
        event_id: this.#eventId('FT', symbol, ts, seq),
        ts_event_ns: ts,
        ts_recv_ns: record.ts_recv,
        source: this.#source,
        symbol,
        price: fixedToNumber(record.price),
        size: record.size,
        aggressor: aggressorOf(record.side),
        exchange: this.#exchange,
        conditions: null,
        seq,
      };
      this.produced.FT++;
      return event;
    }
    if (record.record_type === 'Mbp10Msg') {
      if (this.#futures.role(symbol, ts, true) === null) return this.#drop('not_front_month');
      const event: MBP10 = {
        event_id: this.#eventId('MB', symbol, ts, seq),
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
        this.#quotes.set(event.option_symbol, { bid: event.bid_px, ask: event.ask_px });
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
