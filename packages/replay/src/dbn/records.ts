/**
 * Plain-object DBN records: TypeScript types derived from the layout tables, and readers/writers generated
 * from the same tables (specialised with `new Function` where allowed, a generic loop otherwise).
 *
 * Value conventions: 1–4 byte integers are numbers; 8-byte integers are `bigint` (timestamps, order ids,
 * volumes); fixed-point prices are `bigint` units of 1e-9 by default, or `number` points with
 * `prices: 'number'` (`UNDEF_PRICE` becomes `null`); `char` fields are one-character strings (`"\u0000"` for a
 * zero byte); text slots are the text before the first NUL. Reserved bytes are not fields; non-zero reserved
 * bytes (seen in v1 definitions) are kept in a hidden property so re-encoding reproduces the input bytes.
 *
 * @module
 */
import { UNDEF_PRICE } from './constants.js';
import { DbnEncodeError } from './errors.js';
import type {
  AnyRecordLayout,
  BBO_MSG,
  CBBO_MSG,
  CMBP1_MSG,
  Entry,
  ERROR_MSG_V1,
  ERROR_MSG_V2,
  FieldLayout,
  IMBALANCE_MSG,
  INSTRUMENT_DEF_MSG_V1,
  INSTRUMENT_DEF_MSG_V2,
  INSTRUMENT_DEF_MSG_V3,
  MBO_MSG,
  MBP1_MSG,
  MBP10_MSG,
  OHLCV_MSG,
  PairLayout,
  RecordTypeName,
  STAT_MSG_V1,
  STAT_MSG_V3,
  STATUS_MSG,
  SYMBOL_MAPPING_MSG_V1,
  SYMBOL_MAPPING_MSG_V2,
  SYSTEM_MSG_V1,
  SYSTEM_MSG_V2,
  TRADE_MSG,
  TypeCode,
} from './layouts.js';
import { CHAR, readText, writeText } from './text.js';

/** How fixed-point prices are represented: raw `bigint` units of 1e-9, or `number` points. */
export type PriceMode = 'bigint' | 'number';

/** A price value in a price mode. */
export type PriceValue<P extends PriceMode> = P extends 'number' ? number | null : bigint;

/** One `BidAskPair` book level. */
export interface BidAskPair<P extends PriceMode = 'bigint'> {
  /** Bid price. */
  bid_px: PriceValue<P>;
  /** Ask price. */
  ask_px: PriceValue<P>;
  /** Bid size. */
  bid_sz: number;
  /** Ask size. */
  ask_sz: number;
  /** Bid order count. */
  bid_ct: number;
  /** Ask order count. */
  ask_ct: number;
}

/** One `ConsolidatedBidAskPair` book level. */
export interface ConsolidatedBidAskPair<P extends PriceMode = 'bigint'> {
  /** Bid price. */
  bid_px: PriceValue<P>;
  /** Ask price. */
  ask_px: PriceValue<P>;
  /** Bid size. */
  bid_sz: number;
  /** Ask size. */
  ask_sz: number;
  /** Publisher id of the best bid. */
  bid_pb: number;
  /** Publisher id of the best ask. */
  ask_pb: number;
}

/** The value type of a field of type code `T` (tag `Tag`) in price mode `P`. */
export type FieldValueOf<T extends TypeCode, Tag, P extends PriceMode> = T extends 'u64' | 'i64'
  ? Tag extends 'px'
    ? PriceValue<P>
    : bigint
  : T extends 'char' | `c${number}`
    ? string
    : T extends 'L1' | 'L10'
      ? BidAskPair<P>[]
      : T extends 'C1'
        ? ConsolidatedBidAskPair<P>[]
        : number;

/** The object type of a layout's entries (reserved slots left out). */
export type RecordObject<E extends readonly Entry[], N extends RecordTypeName, P extends PriceMode = 'bigint'> = {
  [K in E[number] as K[1] extends `r${number}` ? never : K[0]]: FieldValueOf<K[1], K[2], P>;
} & { record_type: N; ts_out?: bigint };

/** The object type of a record layout. */
export type LayoutObject<L extends AnyRecordLayout, P extends PriceMode> = RecordObject<L['entries'], L['name'], P>;

/** MboMsg. */
export type MboMsg<P extends PriceMode = 'bigint'> = LayoutObject<typeof MBO_MSG, P>;
/** TradeMsg. */
export type TradeMsg<P extends PriceMode = 'bigint'> = LayoutObject<typeof TRADE_MSG, P>;
/** Mbp1Msg. */
export type Mbp1Msg<P extends PriceMode = 'bigint'> = LayoutObject<typeof MBP1_MSG, P>;
/** Mbp10Msg. */
export type Mbp10Msg<P extends PriceMode = 'bigint'> = LayoutObject<typeof MBP10_MSG, P>;
/** BboMsg. */
export type BboMsg<P extends PriceMode = 'bigint'> = LayoutObject<typeof BBO_MSG, P>;
/** Cmbp1Msg. */
export type Cmbp1Msg<P extends PriceMode = 'bigint'> = LayoutObject<typeof CMBP1_MSG, P>;
/** CbboMsg. */
export type CbboMsg<P extends PriceMode = 'bigint'> = LayoutObject<typeof CBBO_MSG, P>;
/** OhlcvMsg. */
export type OhlcvMsg<P extends PriceMode = 'bigint'> = LayoutObject<typeof OHLCV_MSG, P>;
/** StatusMsg. */
export type StatusMsg<P extends PriceMode = 'bigint'> = LayoutObject<typeof STATUS_MSG, P>;
/** ImbalanceMsg. */
export type ImbalanceMsg<P extends PriceMode = 'bigint'> = LayoutObject<typeof IMBALANCE_MSG, P>;
/** InstrumentDefMsg version 1. */
export type InstrumentDefMsgV1<P extends PriceMode = 'bigint'> = LayoutObject<typeof INSTRUMENT_DEF_MSG_V1, P>;
/** InstrumentDefMsg version 2. */
export type InstrumentDefMsgV2<P extends PriceMode = 'bigint'> = LayoutObject<typeof INSTRUMENT_DEF_MSG_V2, P>;
/** InstrumentDefMsg version 3. */
export type InstrumentDefMsgV3<P extends PriceMode = 'bigint'> = LayoutObject<typeof INSTRUMENT_DEF_MSG_V3, P>;
/** StatMsg versions 1 and 2. */
export type StatMsgV1<P extends PriceMode = 'bigint'> = LayoutObject<typeof STAT_MSG_V1, P>;
/** StatMsg version 3. */
export type StatMsgV3<P extends PriceMode = 'bigint'> = LayoutObject<typeof STAT_MSG_V3, P>;
/** ErrorMsg version 1. */
export type ErrorMsgV1 = LayoutObject<typeof ERROR_MSG_V1, 'bigint'>;
/** ErrorMsg versions 2 and 3. */
export type ErrorMsgV2 = LayoutObject<typeof ERROR_MSG_V2, 'bigint'>;
/** SystemMsg version 1. */
export type SystemMsgV1 = LayoutObject<typeof SYSTEM_MSG_V1, 'bigint'>;
/** SystemMsg versions 2 and 3. */
export type SystemMsgV2 = LayoutObject<typeof SYSTEM_MSG_V2, 'bigint'>;
/** SymbolMappingMsg version 1. */
export type SymbolMappingMsgV1 = LayoutObject<typeof SYMBOL_MAPPING_MSG_V1, 'bigint'>;
/** SymbolMappingMsg versions 2 and 3. */
export type SymbolMappingMsgV2 = LayoutObject<typeof SYMBOL_MAPPING_MSG_V2, 'bigint'>;

/** Any decoded DBN record, discriminated by `record_type`. */
export type DbnRecord<P extends PriceMode = 'bigint'> =
  | MboMsg<P>
  | TradeMsg<P>
  | Mbp1Msg<P>
  | Mbp10Msg<P>
  | BboMsg<P>
  | Cmbp1Msg<P>
  | CbboMsg<P>
  | OhlcvMsg<P>
  | StatusMsg<P>
  | ImbalanceMsg<P>
  | InstrumentDefMsgV1<P>
  | InstrumentDefMsgV2<P>
  | InstrumentDefMsgV3<P>
  | StatMsgV1<P>
  | StatMsgV3<P>
  | ErrorMsgV1
  | ErrorMsgV2
  | SystemMsgV1
  | SystemMsgV2
  | SymbolMappingMsgV1
  | SymbolMappingMsgV2;

/** Hidden property holding non-zero reserved bytes of a decoded record (slot name → bytes). */
export const RESERVED_BYTES: unique symbol = Symbol.for('@spymaster/replay/reservedBytes');

/** Reads one record object at `offset` of `bytes`; `size` is the record size (ts_out included). */
export type RecordReader = (view: DataView, bytes: Uint8Array, offset: number, tsOut: boolean) => DbnRecord<PriceMode>;

const UNDEF_HI = 0x7fffffff;
const UNDEF_LO = 0xffffffff;
const TWO_32 = 4294967296;

/** A fixed-point i64 at `offset` as a number of points; null for `UNDEF_PRICE`. Exact below 2^53 units. */
export function readPriceNumber(view: DataView, offset: number): number | null {
  const lo = view.getUint32(offset, true);
  const hi = view.getInt32(offset + 4, true);
  if (hi === UNDEF_HI && lo === UNDEF_LO) return null;
  return (hi * TWO_32 + lo) / 1e9;
}

function captureReserved(record: object, bytes: Uint8Array, offset: number, slots: readonly FieldLayout[]): void {
  let kept: Record<string, Uint8Array> | undefined;
  for (const slot of slots) {
    const from = offset + slot.offset;
    for (let i = from; i < from + slot.size; i++) {
      if (bytes[i] !== 0) {
        kept ??= {};
        kept[slot.name] = bytes.slice(from, from + slot.size);
        break;
      }
    }
  }
  if (kept) Object.defineProperty(record, RESERVED_BYTES, { value: kept, enumerable: false });
}

function scalarExpression(type: TypeCode, at: string, tag: string | undefined, prices: PriceMode): string {
  switch (type) {
    case 'u8':
      return `b[${at}]`;
    case 'i8':
      return `((b[${at}] << 24) >> 24)`;
    case 'u16':
      return `v.getUint16(${at}, true)`;
    case 'i16':
      return `v.getInt16(${at}, true)`;
    case 'u32':
      return `v.getUint32(${at}, true)`;
    case 'i32':
      return `v.getInt32(${at}, true)`;
    case 'u64':
      return `v.getBigUint64(${at}, true)`;
    case 'i64':
      return tag === 'px' && prices === 'number'
        ? `((h = v.getInt32(${at} + 4, true)) === 2147483647 && (l = v.getUint32(${at}, true)) === 4294967295 ? null : (h * 4294967296 + v.getUint32(${at}, true)) / 1e9)`
        : `v.getBigInt64(${at}, true)`;
    case 'char':
      return `C[b[${at}]]`;
    default:
      return `t(b, ${at}, ${Number(type.slice(1))})`;
  }
}

function pairExpression(pair: PairLayout, base: string, prices: PriceMode): string {
  const parts = pair.fields
    .filter((f) => !f.name.startsWith('_'))
    .map((f) => `${f.name}: ${scalarExpression(f.type, `${base} + ${f.offset}`, f.tag, prices)}`);
  return `{${parts.join(', ')}}`;
}

function readerSource(layout: AnyRecordLayout, prices: PriceMode): string {
  const parts: string[] = [];
  for (const f of layout.fields) {
    if (f.type.startsWith('r')) continue;
    if (f.type === 'L1' || f.type === 'L10' || f.type === 'C1') {
      const levels = layout.levels as NonNullable<AnyRecordLayout['levels']>;
      const items = Array.from({ length: levels.count }, (_, i) =>
        pairExpression(levels.pair, `o + ${f.offset + i * 32}`, prices),
      );
      parts.push(`levels: [${items.join(', ')}]`);
      continue;
    }
    parts.push(`${f.name}: ${scalarExpression(f.type, `o + ${f.offset}`, f.tag, prices)}`);
    if (f.name === 'ts_event') parts.push(`record_type: ${JSON.stringify(layout.name)}`);
  }
  const reserved = layout.fields.some((f) => f.type.startsWith('r'));
  return [
    'let h = 0, l = 0;',
    `const r = {${parts.join(',\n')}};`,
    `if (tsOut) r.ts_out = v.getBigUint64(o + ${layout.size}, true);`,
    reserved ? 'keep(r, b, o, slots);' : '',
    'return r;',
  ].join('\n');
}

function genericReader(layout: AnyRecordLayout, prices: PriceMode): RecordReader {
  const slots = layout.fields.filter((f) => f.type.startsWith('r'));
  const readScalar = (view: DataView, bytes: Uint8Array, at: number, f: FieldLayout): unknown => {
    switch (f.type) {
      case 'u8':
        return bytes[at];
      case 'i8':
        return ((bytes[at] as number) << 24) >> 24;
      case 'u16':
        return view.getUint16(at, true);
      case 'i16':
        return view.getInt16(at, true);
      case 'u32':
        return view.getUint32(at, true);
      case 'i32':
        return view.getInt32(at, true);
      case 'u64':
        return view.getBigUint64(at, true);
      case 'i64':
        return f.tag === 'px' && prices === 'number' ? readPriceNumber(view, at) : view.getBigInt64(at, true);
      case 'char':
        return CHAR[bytes[at] as number];
      default:
        return readText(bytes, at, f.size);
    }
  };
  return (view, bytes, offset, tsOut) => {
    const r: Record<string, unknown> = {};
    for (const f of layout.fields) {
      if (f.type.startsWith('r')) continue;
      if (f.type === 'L1' || f.type === 'L10' || f.type === 'C1') {
        const levels = layout.levels as NonNullable<AnyRecordLayout['levels']>;
        r.levels = Array.from({ length: levels.count }, (_, i) => {
          const level: Record<string, unknown> = {};
          for (const pf of levels.pair.fields) {
            if (!pf.name.startsWith('_'))
              level[pf.name] = readScalar(view, bytes, offset + f.offset + i * 32 + pf.offset, pf);
          }
          return level;
        });
        continue;
      }
      r[f.name] = readScalar(view, bytes, offset + f.offset, f);
      if (f.name === 'ts_event') r.record_type = layout.name;
    }
    if (tsOut) r.ts_out = view.getBigUint64(offset + layout.size, true);
    if (slots.length > 0) captureReserved(r, bytes, offset, slots);
    return r as unknown as DbnRecord<PriceMode>;
  };
}

/** Options of the reader compiler. */
export interface ReaderOptions {
  /** Price representation (default `bigint`). */
  prices?: PriceMode;
  /** Generate specialised code with `new Function` (default true; falls back when not allowed). */
  codegen?: boolean;
}

/** Compile the object reader of one layout. */
export function compileRecordReader(layout: AnyRecordLayout, options: ReaderOptions = {}): RecordReader {
  const prices = options.prices ?? 'bigint';
  if (options.codegen !== false) {
    try {
      const slots = layout.fields.filter((f) => f.type.startsWith('r'));
      const make = new Function(
        'C',
        't',
        'px',
        'keep',
        'slots',
        `return function read${layout.name}(v, b, o, tsOut) {\n${readerSource(layout, prices)}\n};`,
      );
      return make(CHAR, readText, readPriceNumber, captureReserved, slots) as RecordReader;
    } catch {
      // code generation not allowed (Content-Security-Policy): use the generic reader
    }
  }
  return genericReader(layout, prices);
}

const INT_RANGE: Partial<Record<TypeCode, readonly [number, number]>> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};
const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

function writeScalar(
  view: DataView,
  bytes: Uint8Array,
  at: number,
  f: FieldLayout,
  value: unknown,
  recordType: string,
  path: string,
): void {
  const fail = (reason: string) => new DbnEncodeError(recordType, path, reason);
  switch (f.type) {
    case 'u64':
    case 'i64': {
      let v = value;
      if (f.tag === 'px' && (typeof v === 'number' || v === null))
        v = v === null ? UNDEF_PRICE : priceToFixed(v, recordType, path);
      if (typeof v !== 'bigint') throw fail(`expected a bigint, got ${typeof v}`);
      if (f.type === 'u64' ? v < 0n || v > U64_MAX : v < I64_MIN || v > I64_MAX)
        throw fail(`${v} is outside the ${f.type} range`);
      if (f.type === 'u64') view.setBigUint64(at, v, true);
      else view.setBigInt64(at, v, true);
      return;
    }
    case 'char': {
      if (typeof value !== 'string' || value.length !== 1 || value.charCodeAt(0) > 0xff) {
        throw fail(`expected a one-character string, got ${JSON.stringify(value)}`);
      }
      bytes[at] = value.charCodeAt(0);
      return;
    }
    default: {
      if (f.type.startsWith('c')) {
        writeText(bytes, at, f.size, value as string, recordType, path);
        return;
      }
      const range = INT_RANGE[f.type] as readonly [number, number];
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw fail(`expected an integer, got ${JSON.stringify(value)}`);
      if (value < range[0] || value > range[1])
        throw fail(`${value} is outside the ${f.type} range [${range[0]}, ${range[1]}]`);
      switch (f.type) {
        case 'u8':
        case 'i8':
          bytes[at] = value & 0xff;
          return;
        case 'u16':
          view.setUint16(at, value, true);
          return;
        case 'i16':
          view.setInt16(at, value, true);
          return;
        case 'u32':
          view.setUint32(at, value, true);
          return;
        default:
          view.setInt32(at, value, true);
      }
    }
  }
}

/** A price in points converted to fixed-point units of 1e-9, exactly for decimal prices with ≤ 9 decimals. */
export function priceToFixed(points: number, recordType = 'record', field = 'price'): bigint {
  if (!Number.isFinite(points)) throw new DbnEncodeError(recordType, field, `price ${points} is not finite`);
  // Round through the shortest decimal text, so 6000.1 becomes 6000100000000 and not 6000099999999.
  const [mantissa = '0', exponent = '0'] = points.toExponential().split('e');
  const [whole = '0', fraction = ''] = mantissa.replace('-', '').split('.');
  const digits = BigInt(whole + fraction);
  const scale = Number(exponent) - fraction.length + 9;
  const sign = points < 0 ? -1n : 1n;
  if (scale >= 0) return sign * digits * 10n ** BigInt(scale);
  const divisor = 10n ** BigInt(-scale);
  const rounded = (digits + divisor / 2n) / divisor;
  return sign * rounded;
}

/** Writes one record object into `bytes` at `offset` (which must have room for `layout.size`). */
export type RecordWriter = (record: Record<string, unknown>, view: DataView, bytes: Uint8Array, offset: number) => void;

function genericWriter(layout: AnyRecordLayout): RecordWriter {
  const rtypes = new Set(layout.rtypes);
  return (record, view, bytes, offset) => {
    bytes.fill(0, offset, offset + layout.size);
    checkRtype(layout, rtypes, record.rtype);
    const kept = (record as { [RESERVED_BYTES]?: Record<string, Uint8Array> })[RESERVED_BYTES];
    for (const f of layout.fields) {
      const at = offset + f.offset;
      if (f.type.startsWith('r')) {
        const raw = kept?.[f.name];
        if (raw && raw.length === f.size) bytes.set(raw, at);
        continue;
      }
      if (f.name === 'length') continue; // written by the caller, which knows about ts_out
      if (f.type === 'L1' || f.type === 'L10' || f.type === 'C1') {
        const levels = layout.levels as NonNullable<AnyRecordLayout['levels']>;
        const list = record.levels;
        if (!Array.isArray(list) || list.length !== levels.count) {
          throw new DbnEncodeError(layout.name, 'levels', `expected an array of ${levels.count} ${levels.pair.name}`);
        }
        list.forEach((level: Record<string, unknown>, i) => {
          for (const pf of levels.pair.fields) {
            if (pf.name.startsWith('_')) continue;
            writeScalar(
              view,
              bytes,
              at + i * 32 + pf.offset,
              pf,
              level?.[pf.name],
              layout.name,
              `levels[${i}].${pf.name}`,
            );
          }
        });
        continue;
      }
      writeScalar(view, bytes, at, f, record[f.name], layout.name, f.name);
    }
  };
}

function checkRtype(layout: AnyRecordLayout, rtypes: ReadonlySet<number>, rtype: unknown): void {
  if (typeof rtype !== 'number' || !rtypes.has(rtype)) {
    throw new DbnEncodeError(
      layout.name,
      'rtype',
      `${JSON.stringify(rtype)} is not an rtype of ${layout.name} (${[...rtypes].join(', ')})`,
    );
  }
}

/** Straight-line JavaScript that validates and writes one field; falls back to `slow` to raise the error. */
function writeStatement(f: FieldLayout, value: string, at: string, path: string, slow: string): string {
  const bad = `${slow}(v, b, ${at}, F[${JSON.stringify(path)}], ${value}, ${JSON.stringify(path)})`;
  switch (f.type) {
    case 'u8':
    case 'i8':
    case 'u16':
    case 'i16':
    case 'u32':
    case 'i32': {
      const [lo, hi] = INT_RANGE[f.type] as readonly [number, number];
      const setter = {
        u8: 'b[AT] = x & 255',
        i8: 'b[AT] = x & 255',
        u16: 'v.setUint16(AT, x, true)',
        i16: 'v.setInt16(AT, x, true)',
        u32: 'v.setUint32(AT, x, true)',
        i32: 'v.setInt32(AT, x, true)',
      }[f.type].replace('AT', at);
      return `x = ${value}; if (typeof x === 'number' && Number.isInteger(x) && x >= ${lo} && x <= ${hi}) ${setter}; else ${bad};`;
    }
    case 'u64':
      return `x = ${value}; if (typeof x === 'bigint' && x >= 0n && x <= U64) v.setBigUint64(${at}, x, true); else ${bad};`;
    case 'i64':
      return `x = ${value}; if (typeof x === 'bigint' && x >= I64N && x <= I64X) v.setBigInt64(${at}, x, true); else ${bad};`;
    case 'char':
      return `x = ${value}; if (typeof x === 'string' && x.length === 1 && (c = x.charCodeAt(0)) <= 255) b[${at}] = c; else ${bad};`;
    default:
      return `${slow}(v, b, ${at}, F[${JSON.stringify(path)}], ${value}, ${JSON.stringify(path)});`;
  }
}

/** Compile the writer of one layout: validates every field and writes reserved slots as zeros (or as kept). */
export function compileRecordWriter(layout: AnyRecordLayout, options: { codegen?: boolean } = {}): RecordWriter {
  if (options.codegen === false) return genericWriter(layout);
  const rtypes = new Set(layout.rtypes);
  const fieldsByPath: Record<string, FieldLayout> = {};
  const lines: string[] = ['let x, c, L, p;', 'check(LAYOUT, RTYPES, r.rtype);'];
  for (const f of layout.fields) {
    if (f.name === 'length') continue;
    if (f.type.startsWith('r')) {
      lines.push(`b.fill(0, o + ${f.offset}, o + ${f.offset + f.size});`);
      continue;
    }
    if (f.type === 'L1' || f.type === 'L10' || f.type === 'C1') {
      const levels = layout.levels as NonNullable<AnyRecordLayout['levels']>;
      lines.push(`L = r.levels; if (!Array.isArray(L) || L.length !== ${levels.count}) levelsError();`);
      for (let i = 0; i < levels.count; i++) {
        lines.push(`p = L[${i}]; if (p === null || typeof p !== 'object') p = {};`);
        for (const pf of levels.pair.fields) {
          const at = `o + ${f.offset + i * 32 + pf.offset}`;
          if (pf.name.startsWith('_')) {
            lines.push(`b.fill(0, ${at}, ${at} + ${pf.size});`);
            continue;
          }
          const path = `levels[${i}].${pf.name}`;
          fieldsByPath[path] = pf;
          lines.push(writeStatement(pf, `p.${pf.name}`, at, path, 'slow'));
        }
      }
      continue;
    }
    fieldsByPath[f.name] = f;
    lines.push(writeStatement(f, `r[${JSON.stringify(f.name)}]`, `o + ${f.offset}`, f.name, 'slow'));
  }
  const hasReserved = layout.fields.some((f) => f.type.startsWith('r'));
  if (hasReserved) lines.push('const kept = r[KEPT]; if (kept) restore(kept, b, o);');
  const slots = layout.fields.filter((f) => f.type.startsWith('r'));
  const restore = (kept: Record<string, Uint8Array>, b: Uint8Array, o: number) => {
    for (const slot of slots) {
      const raw = kept[slot.name];
      if (raw && raw.length === slot.size) b.set(raw, o + slot.offset);
    }
  };
  const slow = (v: DataView, b: Uint8Array, at: number, f: FieldLayout, value: unknown, path: string) =>
    writeScalar(v, b, at, f, value, layout.name, path);
  const levelsError = () => {
    const levels = layout.levels as NonNullable<AnyRecordLayout['levels']>;
    throw new DbnEncodeError(layout.name, 'levels', `expected an array of ${levels.count} ${levels.pair.name}`);
  };
  try {
    const make = new Function(
      'check',
      'LAYOUT',
      'RTYPES',
      'slow',
      'F',
      'U64',
      'I64N',
      'I64X',
      'KEPT',
      'restore',
      'levelsError',
      `return function write${layout.name}(r, v, b, o) {\n${lines.join('\n')}\n};`,
    );
    return make(
      checkRtype,
      layout,
      rtypes,
      slow,
      fieldsByPath,
      U64_MAX,
      I64_MIN,
      I64_MAX,
      RESERVED_BYTES,
      restore,
      levelsError,
    ) as RecordWriter;
  } catch {
    return genericWriter(layout); // code generation not allowed (Content-Security-Policy)
  }
}
