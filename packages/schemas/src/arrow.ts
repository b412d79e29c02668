/**
 * Apache Arrow schemas generated from the same field definitions as the zod schemas, and exact
 * conversion between rows and Arrow tables (int64 and timestamps as `bigint`, never through a lossy
 * `number` or `Date`).
 *
 * Prices stay `float64` in points; every field carries its unit and meaning in Arrow field metadata
 * (`unit`, `doc`), and timestamps are `timestamp[ns, UTC]` or `int64` with `unit = ns`.
 *
 * @module
 */
import {
  Bool,
  type Data,
  DataType,
  DateDay,
  Field,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Timestamp,
  TimeUnit,
  Uint32,
  Utf8,
} from 'apache-arrow';
import type { AnyField, FieldKind, Fields, RecordDef, RowOf } from './fields.js';

/** Arrow type of each field kind. */
export function arrowTypeOf(kind: FieldKind): DataType {
  switch (kind) {
    case 'utf8':
      return new Utf8();
    case 'int8':
      return new Int8();
    case 'int16':
      return new Int16();
    case 'int32':
      return new Int32();
    case 'uint32':
      return new Uint32();
    case 'int64':
      return new Int64();
    case 'float64':
      return new Float64();
    case 'bool':
      return new Bool();
    case 'date32':
      return new DateDay();
    case 'timestamp_ns':
      return new Timestamp(TimeUnit.NANOSECOND, 'UTC');
    case 'list_int16':
      return new List(new Field('item', new Int16(), false));
  }
}

function fieldMetadata(def: AnyField): Map<string, string> {
  const meta = new Map<string, string>([['doc', def.doc]]);
  if (def.unit) meta.set('unit', def.unit);
  if (def.values) meta.set('values', def.values.join('|'));
  return meta;
}

/**
 * The Arrow schema of a record or lake table, with the schema name in the schema metadata (`schema`) and
 * unit/doc in each field's metadata.
 */
export function toArrowSchema(record: Pick<RecordDef<Fields>, 'name' | 'fields'>): Schema {
  const fields = Object.entries(record.fields).map(
    ([name, def]) => new Field(name, arrowTypeOf(def.kind), def.nullable, fieldMetadata(def)),
  );
  return new Schema(fields, new Map([['schema', record.name]]));
}

/** Error for a row value that does not fit its column, naming the row, column and value. */
export class ArrowConversionError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/schemas/ArrowConversionError');
  constructor(
    /** Column name. */
    readonly column: string,
    /** Row index. */
    readonly row: number,
    reason: string,
  ) {
    super(`column ${column}, row ${row}: ${reason}`);
    this.name = 'ArrowConversionError';
  }
}

const DAY_MS = 86_400_000;

/** Days since the Unix epoch of a `YYYY-MM-DD` date. */
export function dateToEpochDays(date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const at = new Date(0);
  at.setUTCFullYear(y, m - 1, d);
  return Math.round(at.getTime() / DAY_MS);
}

/** The `YYYY-MM-DD` date of a day count since the Unix epoch. */
export function epochDaysToDate(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

function bitmap(length: number): Uint8Array {
  return new Uint8Array((length + 7) >> 3);
}

function setBit(bits: Uint8Array, i: number): void {
  bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
}

function getBit(bits: Uint8Array, i: number): boolean {
  return (((bits[i >> 3] as number) >> (i & 7)) & 1) === 1;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function columnData(name: string, def: AnyField, rows: readonly Record<string, unknown>[]): Data {
  const length = rows.length;
  const type = arrowTypeOf(def.kind);
  const validity = bitmap(length);
  let nullCount = 0;
  const nullable = def.nullable;
  const valueAt = (i: number): unknown => {
    const value = (rows[i] as Record<string, unknown>)[name];
    if (value === null || value === undefined) {
      if (!nullable) throw new ArrowConversionError(name, i, `null in a non-null ${def.kind} column`);
      nullCount++;
      return null;
    }
    // Validity bits are only needed where nulls can occur; a non-null column has no bitmap.
    if (nullable) setBit(validity, i);
    return value;
  };
  const nullBitmap = () => (nullCount > 0 ? validity : undefined);

  switch (def.kind) {
    case 'utf8': {
      // One growing buffer for the column: ASCII is copied char by char, anything else goes through
      // TextEncoder.encodeInto (no allocation per string).
      const valueOffsets = new Int32Array(length + 1);
      let data = new Uint8Array(Math.max(64, length * 16));
      let total = 0;
      for (let i = 0; i < length; i++) {
        const value = valueAt(i);
        if (value !== null) {
          if (typeof value !== 'string')
            throw new ArrowConversionError(name, i, `expected a string, got ${typeof value}`);
          const need = total + value.length * 3;
          if (need > data.length) {
            const grown = new Uint8Array(Math.max(need, data.length * 2));
            grown.set(data.subarray(0, total));
            data = grown;
          }
          let ascii = true;
          for (let k = 0; k < value.length; k++) {
            const code = value.charCodeAt(k);
            if (code > 0x7f) {
              ascii = false;
              break;
            }
            data[total + k] = code;
          }
          total += ascii ? value.length : encoder.encodeInto(value, data.subarray(total)).written;
        }
        valueOffsets[i + 1] = total;
      }
      return makeData({
        type: type as Utf8,
        length,
        nullCount,
        nullBitmap: nullBitmap(),
        valueOffsets,
        data: data.slice(0, total),
      });
    }
    case 'bool': {
      const values = bitmap(length);
      for (let i = 0; i < length; i++) {
        const value = valueAt(i);
        if (value === null) continue;
        if (typeof value !== 'boolean')
          throw new ArrowConversionError(name, i, `expected a boolean, got ${typeof value}`);
        if (value) setBit(values, i);
      }
      return makeData({ type: type as Bool, length, nullCount, nullBitmap: nullBitmap(), data: values });
    }
    case 'int64':
    case 'timestamp_ns': {
      const values = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const value = valueAt(i);
        if (value === null) continue;
        if (typeof value !== 'bigint')
          throw new ArrowConversionError(name, i, `expected a bigint, got ${typeof value}`);
        values[i] = value;
      }
      return makeData({ type: type as Int64, length, nullCount, nullBitmap: nullBitmap(), data: values });
    }
    case 'date32': {
      const values = new Int32Array(length);
      for (let i = 0; i < length; i++) {
        const value = valueAt(i);
        if (value === null) continue;
        if (typeof value !== 'string')
          throw new ArrowConversionError(name, i, `expected a YYYY-MM-DD string, got ${typeof value}`);
        values[i] = dateToEpochDays(value);
      }
      return makeData({ type: type as DateDay, length, nullCount, nullBitmap: nullBitmap(), data: values });
    }
    case 'list_int16': {
      const valueOffsets = new Int32Array(length + 1);
      const items: number[] = [];
      for (let i = 0; i < length; i++) {
        const value = valueAt(i);
        if (value !== null) {
          if (!Array.isArray(value)) throw new ArrowConversionError(name, i, `expected an array, got ${typeof value}`);
          for (const item of value) items.push(item as number);
        }
        valueOffsets[i + 1] = items.length;
      }
      const child = makeData({ type: new Int16(), length: items.length, nullCount: 0, data: Int16Array.from(items) });
      return makeData({ type: type as List<Int16>, length, nullCount, nullBitmap: nullBitmap(), valueOffsets, child });
    }
    default: {
      const values = numericArray(def.kind, length);
      for (let i = 0; i < length; i++) {
        const value = valueAt(i);
        if (value === null) continue;
        if (typeof value !== 'number')
          throw new ArrowConversionError(name, i, `expected a number, got ${typeof value}`);
        values[i] = value;
      }
      return makeData({
        type: type as Float64,
        length,
        nullCount,
        nullBitmap: nullBitmap(),
        data: values as Float64Array,
      });
    }
  }
}

function numericArray(
  kind: FieldKind,
  length: number,
): Int8Array | Int16Array | Int32Array | Uint32Array | Float64Array {
  switch (kind) {
    case 'int8':
      return new Int8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'uint32':
      return new Uint32Array(length);
    default:
      return new Float64Array(length);
  }
}

/**
 * Build an Arrow table from rows of a record or lake table. Throws {@link ArrowConversionError} for a value
 * that does not fit its column (null in a non-null column, wrong JS type).
 *
 * @example
 * ```ts
 * const table = rowsToArrowTable(BronzeFuturesTrades, trades);
 * const back = arrowTableToRows(BronzeFuturesTrades, table); // deep-equal to trades
 * ```
 */
export function rowsToArrowTable<F extends Fields>(
  record: Pick<RecordDef<F>, 'name' | 'fields'>,
  rows: readonly RowOf<F>[],
): Table {
  const schema = toArrowSchema(record);
  const plain = rows as unknown as readonly Record<string, unknown>[];
  const children = Object.entries(record.fields).map(([name, def]) => columnData(name, def, plain));
  const batch = new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }),
  );
  return new Table(schema, [batch]);
}

/** Append the values of one Arrow chunk to `out`; the kind switch sits outside the per-value loops. */
function readChunk(def: AnyField, data: Data, out: unknown[]): void {
  const { offset, length } = data;
  const nulls = data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0 ? data.nullBitmap : null;
  const valid = (i: number) => nulls === null || getBit(nulls, i);
  const end = offset + length;
  switch (def.kind) {
    case 'utf8': {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      for (let i = offset; i < end; i++) {
        out.push(valid(i) ? decoder.decode(bytes.subarray(offsets[i] as number, offsets[i + 1] as number)) : null);
      }
      return;
    }
    case 'bool': {
      const bits = data.values as Uint8Array;
      for (let i = offset; i < end; i++) out.push(valid(i) ? getBit(bits, i) : null);
      return;
    }
    case 'date32': {
      const days = data.values as Int32Array;
      for (let i = offset; i < end; i++) out.push(valid(i) ? epochDaysToDate(days[i] as number) : null);
      return;
    }
    case 'list_int16': {
      const offsets = data.valueOffsets as Int32Array;
      const child = data.children[0] as Data;
      const items = child.values as Int16Array;
      for (let i = offset; i < end; i++) {
        out.push(
          valid(i)
            ? Array.from(
                items.subarray(child.offset + (offsets[i] as number), child.offset + (offsets[i + 1] as number)),
              )
            : null,
        );
      }
      return;
    }
    default: {
      const values = data.values as ArrayLike<unknown>;
      if (nulls === null) for (let i = offset; i < end; i++) out.push(values[i]);
      else for (let i = offset; i < end; i++) out.push(getBit(nulls, i) ? values[i] : null);
    }
  }
}

/**
 * A function assembling row `r` from column arrays as one object literal (fixed shape, fast); a loop when
 * code generation is not allowed.
 */
function rowAssembler(names: readonly string[]): (columns: unknown[][], r: number) => Record<string, unknown> {
  try {
    const body = names.map((name, c) => `${JSON.stringify(name)}: columns[${c}][r]`).join(',\n');
    return new Function('columns', 'r', `return {${body}};`) as (
      columns: unknown[][],
      r: number,
    ) => Record<string, unknown>;
  } catch {
    return (columns, r) => {
      const row: Record<string, unknown> = {};
      names.forEach((name, c) => {
        row[name] = (columns[c] as unknown[])[r];
      });
      return row;
    };
  }
}

/** Error for an Arrow table whose schema does not match the definition it is read with. */
export class ArrowSchemaMismatchError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/schemas/ArrowSchemaMismatchError');
  constructor(message: string) {
    super(message);
    this.name = 'ArrowSchemaMismatchError';
  }
}

/**
 * Read the rows of an Arrow table with a record or lake table definition. Column names, order, types and
 * nullability must match the definition exactly, else {@link ArrowSchemaMismatchError} names the first
 * difference.
 */
export function arrowTableToRows<F extends Fields>(
  record: Pick<RecordDef<F>, 'name' | 'fields'>,
  table: Table,
): RowOf<F>[] {
  const entries = Object.entries(record.fields);
  const fields = table.schema.fields;
  if (fields.length !== entries.length) {
    throw new ArrowSchemaMismatchError(
      `${record.name}: expected ${entries.length} columns, the table has ${fields.length}`,
    );
  }
  const columns: unknown[][] = [];
  entries.forEach(([name, def], index) => {
    const actual = fields[index] as Field;
    const expected = arrowTypeOf(def.kind);
    if (actual.name !== name || !DataType.isDataType(actual.type) || String(actual.type) !== String(expected)) {
      throw new ArrowSchemaMismatchError(
        `${record.name}: column ${index} must be ${name}: ${expected}, the table has ${actual.name}: ${actual.type}`,
      );
    }
    if (actual.nullable !== def.nullable) {
      throw new ArrowSchemaMismatchError(
        `${record.name}: column ${name} must be ${def.nullable ? 'nullable' : 'non-null'}`,
      );
    }
    const values: unknown[] = [];
    const vector = table.getChildAt(index);
    for (const data of vector?.data ?? []) readChunk(def, data, values);
    columns.push(values);
  });
  const assemble = rowAssembler(entries.map(([name]) => name));
  const rows: RowOf<F>[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) rows[r] = assemble(columns, r) as RowOf<F>;
  return rows;
}
