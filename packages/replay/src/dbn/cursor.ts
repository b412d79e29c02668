/**
 * The zero-copy record cursor: reads fields straight from the decoder's buffer, allocating nothing per
 * record. A cursor is valid until the decoder moves on; copy what you keep (`toObject()` or `copyBytes()`).
 *
 * @example
 * ```ts
 * const PRICE = MBP10_MSG.byName.price.offset;
 * decoder.forEach((c) => { if (c.rtype === RTYPE.MBP_10) total += c.priceNumber(PRICE); });
 * ```
 *
 * @module
 */
import type { AnyRecordLayout } from './layouts.js';
import { compileRecordReader, type DbnRecord, type PriceMode, type RecordReader } from './records.js';
import { CHAR, readText } from './text.js';

const TWO_32 = 4294967296;

/** Caches one compiled reader per (layout, price mode); compiled on first use. */
export class ReaderCache {
  readonly #readers = new Map<AnyRecordLayout, RecordReader>();
  readonly #prices: PriceMode;
  constructor(prices: PriceMode) {
    this.#prices = prices;
  }
  /** The reader of a layout. */
  get(layout: AnyRecordLayout): RecordReader {
    let reader = this.#readers.get(layout);
    if (!reader) {
      reader = compileRecordReader(layout, { prices: this.#prices });
      this.#readers.set(layout, reader);
    }
    return reader;
  }
}

/** A view of the current record. Field accessors take the field's byte offset (from `layout.byName`). */
export class RecordCursor {
  /** Bytes holding the record (a decoder buffer; not a copy). */
  bytes: Uint8Array = new Uint8Array(0);
  /** DataView over {@link bytes}. */
  view: DataView = new DataView(new ArrayBuffer(0));
  /** Offset of the record in {@link bytes}. */
  offset = 0;
  /** Record size in bytes, `ts_out` included. */
  size = 0;
  /** The record's layout. */
  layout!: AnyRecordLayout;
  /** 0-based index of the record in the stream. */
  index = -1;
  /** Byte offset of the record in the decompressed stream. */
  position = 0;
  /** Whether the record carries a trailing `ts_out`. */
  hasTsOut = false;
  readonly #objects: ReaderCache;

  /** @param prices - price representation of {@link toObject} */
  constructor(prices: PriceMode = 'bigint') {
    this.#objects = new ReaderCache(prices);
  }

  /** Record type (header byte 1). */
  get rtype(): number {
    return this.bytes[this.offset + 1] as number;
  }
  /** Publisher id. */
  get publisherId(): number {
    return this.view.getUint16(this.offset + 2, true);
  }
  /** Instrument id. */
  get instrumentId(): number {
    return this.view.getUint32(this.offset + 4, true);
  }
  /** `ts_event` as a bigint (allocates). */
  get tsEvent(): bigint {
    return this.view.getBigUint64(this.offset + 8, true);
  }
  /** `ts_event` as a number of ns: exact only within 2^53 ns; use for deltas and ordering on one day. */
  get tsEventNumber(): number {
    return this.view.getUint32(this.offset + 12, true) * TWO_32 + this.view.getUint32(this.offset + 8, true);
  }
  /** `ts_out`, or null when the stream has none. */
  get tsOut(): bigint | null {
    return this.hasTsOut ? this.view.getBigUint64(this.offset + this.size - 8, true) : null;
  }
  /** The record type name, e.g. `Mbp10Msg`. */
  get recordType(): string {
    return this.layout.name;
  }

  /** u8 at a field offset. */
  u8(field: number): number {
    return this.bytes[this.offset + field] as number;
  }
  /** i8 at a field offset. */
  i8(field: number): number {
    return ((this.bytes[this.offset + field] as number) << 24) >> 24;
  }
  /** u16 at a field offset. */
  u16(field: number): number {
    return this.view.getUint16(this.offset + field, true);
  }
  /** i16 at a field offset. */
  i16(field: number): number {
    return this.view.getInt16(this.offset + field, true);
  }
  /** u32 at a field offset. */
  u32(field: number): number {
    return this.view.getUint32(this.offset + field, true);
  }
  /** i32 at a field offset. */
  i32(field: number): number {
    return this.view.getInt32(this.offset + field, true);
  }
  /** u64 at a field offset, as a bigint. */
  u64(field: number): bigint {
    return this.view.getBigUint64(this.offset + field, true);
  }
  /** i64 at a field offset, as a bigint. */
  i64(field: number): bigint {
    return this.view.getBigInt64(this.offset + field, true);
  }
  /** i64 at a field offset as a number: exact for |value| < 2^53. */
  i64Number(field: number): number {
    const at = this.offset + field;
    return this.view.getInt32(at + 4, true) * TWO_32 + this.view.getUint32(at, true);
  }
  /** True when the i64 at a field offset is `UNDEF_PRICE`. */
  isUndefPrice(field: number): boolean {
    const at = this.offset + field;
    return this.view.getUint32(at, true) === 0xffffffff && this.view.getInt32(at + 4, true) === 0x7fffffff;
  }
  /** A fixed-point price in points (units ÷ 1e9), NaN for `UNDEF_PRICE`. Exact for tick prices. */
  priceNumber(field: number): number {
    return this.isUndefPrice(field) ? Number.NaN : this.i64Number(field) / 1e9;
  }
  /** A one-byte char field as a one-character string. */
  char(field: number): string {
    return CHAR[this.bytes[this.offset + field] as number] as string;
  }
  /** A `char[width]` text field. */
  text(field: number, width: number): string {
    return readText(this.bytes, this.offset + field, width);
  }
  /** The record as a plain object (allocates). */
  toObject(): DbnRecord<PriceMode> {
    return this.#objects.get(this.layout)(this.view, this.bytes, this.offset, this.hasTsOut);
  }
  /** A copy of the record's bytes. */
  copyBytes(): Uint8Array {
    return this.bytes.slice(this.offset, this.offset + this.size);
  }
}
