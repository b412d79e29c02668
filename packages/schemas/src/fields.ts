/**
 * The field DSL: one definition per column/field, from which the zod schemas (in-memory and JSON wire),
 * the Apache Arrow schema (see `./arrow`), the fast validators (see `./fast`) and the TypeScript types are
 * all generated, so no shape is ever written twice.
 *
 * @module
 */
import * as z from 'zod';

/** Storage kinds a field can have; each maps to one in-memory type, one JSON form and one Arrow type. */
export type FieldKind =
  | 'utf8'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'bool'
  | 'date32'
  | 'timestamp_ns'
  | 'list_int16';

/** In-memory TypeScript type of each kind. */
export interface KindTypes {
  utf8: string;
  int8: number;
  int16: number;
  int32: number;
  uint32: number;
  int64: bigint;
  float64: number;
  bool: boolean;
  /** Calendar date as `YYYY-MM-DD`. */
  date32: string;
  /** Nanoseconds since the Unix epoch, UTC. */
  timestamp_ns: bigint;
  list_int16: number[];
}

/**
 * One field of a record or one column of a lake table.
 *
 * @typeParam K - storage kind
 * @typeParam N - whether `null` is allowed
 * @typeParam V - in-memory value type (narrower than the kind's type for enumerations)
 */
export interface FieldDef<K extends FieldKind = FieldKind, N extends boolean = boolean, V = KindTypes[K]> {
  /** Storage kind. */
  readonly kind: K;
  /** Whether the value may be `null`. */
  readonly nullable: N;
  /** Allowed values of an enumerated `utf8` field. */
  readonly values?: readonly string[] | undefined;
  /** Whether a non-null `float64` may hold IEEE NaN ("not available" in Silver feature columns). */
  readonly allowNaN?: boolean | undefined;
  /** Unit of the value (`pt`, `contracts`, `ns`, `USD/pt²`, ...), written into Arrow field metadata. */
  readonly unit?: string | undefined;
  /** Smallest allowed value of a numeric field (inclusive). */
  readonly min?: number | undefined;
  /** Largest allowed value of a numeric field (inclusive). */
  readonly max?: number | undefined;
  /** One-line meaning, written into Arrow field metadata and the docs. */
  readonly doc: string;
  /** Phantom member carrying the value type; never set at run time. */
  readonly __value?: V;
}

/** Any field definition. */
// biome-ignore lint/suspicious/noExplicitAny: the value type parameter is erased on purpose here
export type AnyField = FieldDef<FieldKind, boolean, any>;

/** A record's ordered fields (object key order is the column order). */
export type Fields = Readonly<Record<string, AnyField>>;

/** In-memory value type of one field. */
export type FieldValue<F> = F extends FieldDef<FieldKind, infer N, infer V> ? (N extends true ? V | null : V) : never;

/** JSON (wire) value type of one field: int64 and timestamps become decimal strings. */
export type FieldWireValue<F> =
  F extends FieldDef<infer K, infer N, infer V>
    ? (K extends 'int64' | 'timestamp_ns' ? string : V) | (N extends true ? null : never)
    : never;

/** In-memory row type of a record. */
export type RowOf<F extends Fields> = { -readonly [K in keyof F]: FieldValue<F[K]> };

/** JSON row type of a record. */
export type WireRowOf<F extends Fields> = { -readonly [K in keyof F]: FieldWireValue<F[K]> };

/** Options of the numeric field constructors. */
export interface FieldOptions {
  /** Unit of the value. */
  unit?: string;
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
}

function make<K extends FieldKind, V = KindTypes[K]>(
  kind: K,
  doc: string,
  options: FieldOptions & { values?: readonly string[]; allowNaN?: boolean } = {},
): FieldDef<K, false, V> {
  return Object.freeze({ kind, nullable: false as const, doc, ...options });
}

/** Field constructors. Every constructor makes a non-null field; wrap it in {@link nullable} to allow `null`. */
export const field = {
  /** UTF-8 string. */
  utf8: (doc: string, options?: FieldOptions) => make('utf8', doc, options),
  /** UTF-8 string restricted to `values`. */
  enum: <const T extends readonly string[]>(values: T, doc: string) => make<'utf8', T[number]>('utf8', doc, { values }),
  /** Signed 8-bit integer. */
  int8: (doc: string, options?: FieldOptions) => make('int8', doc, options),
  /** Signed 16-bit integer. */
  int16: (doc: string, options?: FieldOptions) => make('int16', doc, options),
  /** Signed 32-bit integer. */
  int32: (doc: string, options?: FieldOptions) => make('int32', doc, options),
  /** Unsigned 32-bit integer (vendor instrument ids). */
  uint32: (doc: string, options?: FieldOptions) => make('uint32', doc, options),
  /** Signed 64-bit integer, a `bigint` in memory and a decimal string in JSON. */
  int64: (doc: string, options?: FieldOptions) => make('int64', doc, options),
  /** Finite IEEE double. */
  float64: (doc: string, options?: FieldOptions) => make('float64', doc, options),
  /** IEEE double that may be NaN ("not available"), never ±Infinity. */
  float64NaN: (doc: string, options?: FieldOptions) => make('float64', doc, { ...options, allowNaN: true }),
  /** Boolean. */
  bool: (doc: string) => make('bool', doc),
  /** Calendar date `YYYY-MM-DD` (Arrow `date32`). */
  date32: (doc: string) => make('date32', doc),
  /** Instant in ns since the Unix epoch, UTC (Arrow `timestamp[ns, UTC]`), a `bigint` in memory. */
  timestampNs: (doc: string) => make('timestamp_ns', doc, { unit: 'ns' }),
  /** List of 16-bit integers (vendor condition codes). */
  listInt16: (doc: string) => make('list_int16', doc),
} as const;

/** The same field, allowing `null`. */
export function nullable<K extends FieldKind, V>(def: FieldDef<K, boolean, V>): FieldDef<K, true, V> {
  return Object.freeze({ ...def, nullable: true as const });
}

const INT64_TEXT = /^-?(0|[1-9][0-9]*)$/;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** Zod schema of an int64 in memory (`bigint` within the signed 64-bit range). */
export const int64Schema = z.bigint().min(MIN_INT64).max(MAX_INT64);

/** Zod codec between an int64's JSON form (a decimal string) and its in-memory `bigint`. */
export const int64WireSchema = z.codec(
  z.string().regex(INT64_TEXT, 'expected an int64 as a decimal string'),
  int64Schema,
  {
    decode: (text) => BigInt(text),
    encode: (value) => value.toString(),
  },
);

function int(min: number, max: number, def?: AnyField) {
  return z
    .int()
    .min(Math.max(min, def?.min ?? min))
    .max(Math.min(max, def?.max ?? max));
}

function float(def: AnyField) {
  let schema = z.number();
  if (def.min !== undefined) schema = schema.min(def.min);
  if (def.max !== undefined) schema = schema.max(def.max);
  return def.allowNaN ? z.union([schema, z.nan()]) : schema;
}

function memoryBase(def: AnyField): z.ZodType {
  switch (def.kind) {
    case 'utf8':
      return def.values ? z.enum(def.values as [string, ...string[]]) : z.string();
    case 'int8':
      return int(-128, 127, def);
    case 'int16':
      return int(-32768, 32767, def);
    case 'int32':
      return int(-2147483648, 2147483647, def);
    case 'uint32':
      return int(0, 4294967295, def);
    case 'int64':
    case 'timestamp_ns':
      return int64Schema;
    case 'float64':
      return float(def);
    case 'bool':
      return z.boolean();
    case 'date32':
      return z.iso.date();
    case 'list_int16':
      return z.array(int(-32768, 32767));
  }
}

function wireBase(def: AnyField): z.ZodType {
  return def.kind === 'int64' || def.kind === 'timestamp_ns' ? int64WireSchema : memoryBase(def);
}

/** Zod schema of one field's in-memory value. */
export function memorySchemaOf(def: AnyField): z.ZodType {
  const base = memoryBase(def);
  return def.nullable ? base.nullable() : base;
}

/** Zod schema (a codec for int64 kinds) of one field's JSON value. */
export function wireSchemaOf(def: AnyField): z.ZodType {
  const base = wireBase(def);
  return def.nullable ? base.nullable() : base;
}

/** A record type defined once: its fields, its in-memory zod schema and its JSON codec. */
export interface RecordDef<F extends Fields> {
  /** Schema name (for example `futures.trades.v1`). */
  readonly name: string;
  /** Ordered field definitions. */
  readonly fields: F;
  /** Zod schema of the in-memory row (`bigint` int64). */
  readonly schema: z.ZodType<RowOf<F>, RowOf<F>>;
  /** Zod codec between the JSON row (int64 as strings) and the in-memory row: `parse`/`z.decode` and `z.encode`. */
  readonly wire: z.ZodType<RowOf<F>, WireRowOf<F>>;
}

/**
 * Define a record from ordered fields.
 *
 * @example
 * ```ts
 * const Quote = defineRecord('quote.v1', { ts_event_ns: field.int64('event time'), px: field.float64('price') });
 * type Quote = RowOf<typeof Quote.fields>;
 * Quote.wire.parse({ ts_event_ns: '1', px: 1.5 }); // { ts_event_ns: 1n, px: 1.5 }
 * ```
 */
export function defineRecord<const F extends Fields>(name: string, fields: F): RecordDef<F> {
  const memoryShape: Record<string, z.ZodType> = {};
  const wireShape: Record<string, z.ZodType> = {};
  for (const [key, def] of Object.entries(fields)) {
    memoryShape[key] = memorySchemaOf(def);
    wireShape[key] = wireSchemaOf(def);
  }
  return Object.freeze({
    name,
    fields,
    schema: z.strictObject(memoryShape) as unknown as z.ZodType<RowOf<F>, RowOf<F>>,
    wire: z.strictObject(wireShape) as unknown as z.ZodType<RowOf<F>, WireRowOf<F>>,
  });
}

/** The ordered `name:type:nullable` signature of a record, the input of lake schema fingerprints. */
export function fieldSignature(fields: Fields): string[] {
  return Object.entries(fields).map(([name, def]) => `${name}:${def.kind}:${def.nullable}`);
}
