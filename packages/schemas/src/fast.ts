/**
 * Fast validators for hot paths, compiled from the same field definitions as the zod schemas.
 *
 * zod stays at the boundaries (config files, HTTP/WebSocket payloads, user input); inside a replay, where
 * millions of events pass, these closures check the same rules at a fraction of the cost (see the
 * package README for the measured ratio). A property test keeps both in agreement.
 *
 * @module
 */
import { bookLevelFields, type MBP10, MBP10_DEPTH, type MBP10Wire, mbp10HeaderFields } from './events.js';
import type { AnyField, FieldKind, Fields, RecordDef, RowOf, WireRowOf } from './fields.js';

/** Error thrown by the fast decoders: names the schema and the field. */
export class ValidationError extends Error {
  /** Brand that survives duplicate installs of the package. */
  static readonly brand = Symbol.for('@spymaster/schemas/ValidationError');
  constructor(
    /** Schema name. */
    readonly schema: string,
    /** Field path, e.g. `levels[3].bid_px`. */
    readonly field: string,
    reason: string,
  ) {
    super(`${schema}: ${field}: ${reason}`);
    this.name = 'ValidationError';
  }
}

type Check = (value: unknown) => string | null;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT64_TEXT = /^-?(0|[1-9][0-9]*)$/;
const DATE_TEXT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

function isCalendarDate(text: string): boolean {
  const m = DATE_TEXT.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return day <= days;
}

function intCheck(lo: number, hi: number, def: AnyField): Check {
  const min = Math.max(lo, def.min ?? lo);
  const max = Math.min(hi, def.max ?? hi);
  return (v) =>
    typeof v !== 'number' || !Number.isInteger(v)
      ? `expected an integer, got ${describe(v)}`
      : v < min || v > max
        ? `${v} is outside [${min}, ${max}]`
        : null;
}

function describe(v: unknown): string {
  return v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : typeof v;
}

function baseCheck(def: AnyField, wire: boolean): Check {
  switch (def.kind) {
    case 'utf8': {
      if (def.values) {
        const allowed = new Set(def.values);
        return (v) =>
          typeof v === 'string' && allowed.has(v)
            ? null
            : `expected one of ${def.values?.join(', ')}, got ${describe(v)}`;
      }
      return (v) => (typeof v === 'string' ? null : `expected a string, got ${describe(v)}`);
    }
    case 'int8':
      return intCheck(-128, 127, def);
    case 'int16':
      return intCheck(-32768, 32767, def);
    case 'int32':
      return intCheck(-2147483648, 2147483647, def);
    case 'uint32':
      return intCheck(0, 4294967295, def);
    case 'int64':
    case 'timestamp_ns':
      if (wire) {
        return (v) => {
          if (typeof v !== 'string' || !INT64_TEXT.test(v))
            return `expected an int64 decimal string, got ${describe(v)}`;
          const n = BigInt(v);
          return n < INT64_MIN || n > INT64_MAX ? `${v} is outside the int64 range` : null;
        };
      }
      return (v) =>
        typeof v !== 'bigint'
          ? `expected a bigint, got ${describe(v)}`
          : v < INT64_MIN || v > INT64_MAX
            ? `${v} is outside the int64 range`
            : null;
    case 'float64': {
      const min = def.min ?? -Infinity;
      const max = def.max ?? Infinity;
      const nan = def.allowNaN === true;
      return (v) => {
        if (typeof v !== 'number') return `expected a number, got ${describe(v)}`;
        if (Number.isNaN(v)) return nan ? null : 'NaN is not allowed';
        if (v === Infinity || v === -Infinity) return `${v} is not finite`;
        return v < min || v > max ? `${v} is outside [${min}, ${max}]` : null;
      };
    }
    case 'bool':
      return (v) => (typeof v === 'boolean' ? null : `expected a boolean, got ${describe(v)}`);
    case 'date32':
      return (v) =>
        typeof v === 'string' && isCalendarDate(v) ? null : `expected a YYYY-MM-DD date, got ${describe(v)}`;
    case 'list_int16': {
      const item = intCheck(-32768, 32767, { kind: 'int16', nullable: false, doc: '' });
      return (v) => {
        if (!Array.isArray(v)) return `expected an array, got ${describe(v)}`;
        for (let i = 0; i < v.length; i++) {
          const problem = item(v[i]);
          if (problem) return `[${i}]: ${problem}`;
        }
        return null;
      };
    }
  }
}

function fieldCheck(def: AnyField, wire: boolean): Check {
  const base = baseCheck(def, wire);
  return def.nullable ? (v) => (v === null ? null : base(v)) : base;
}

/** Options of the validator compilers. */
export interface CompileOptions {
  /**
   * Generate a specialised function with `new Function` (default `true`). Falls back to closures when
   * code generation is not allowed (a Content-Security-Policy without `unsafe-eval`); both give the same
   * answers and messages.
   */
  codegen?: boolean;
}

function isInt64Text(v: string): boolean {
  if (!INT64_TEXT.test(v)) return false;
  if (v.length < 19) return true;
  const n = BigInt(v);
  return n >= INT64_MIN && n <= INT64_MAX;
}

function isInt16List(v: unknown[]): boolean {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < -32768 || x > 32767) return false;
  }
  return true;
}

const INT_RANGE: Partial<Record<FieldKind, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

/** A JavaScript boolean expression over `x` that is true iff `x` is a valid value of the field. */
function validExpression(def: AnyField, wire: boolean, constants: unknown[]): string {
  const constant = (value: unknown) => `c[${constants.push(value) - 1}]`;
  let base: string;
  switch (def.kind) {
    case 'utf8':
      base = def.values
        ? `(typeof x === 'string' && ${constant(new Set(def.values))}.has(x))`
        : `typeof x === 'string'`;
      break;
    case 'int64':
    case 'timestamp_ns':
      base = wire
        ? `(typeof x === 'string' && ${constant(isInt64Text)}(x))`
        : `(typeof x === 'bigint' && x >= ${constant(INT64_MIN)} && x <= ${constant(INT64_MAX)})`;
      break;
    case 'float64': {
      const min = def.min ?? -Infinity;
      const max = def.max ?? Infinity;
      const finite = `x !== Infinity && x !== -Infinity && x >= ${constant(min)} && x <= ${constant(max)}`;
      base = `(typeof x === 'number' && (x === x ? ${finite} : ${def.allowNaN === true}))`;
      break;
    }
    case 'bool':
      base = `typeof x === 'boolean'`;
      break;
    case 'date32':
      base = `(typeof x === 'string' && ${constant(isCalendarDate)}(x))`;
      break;
    case 'list_int16':
      base = `(Array.isArray(x) && ${constant(isInt16List)}(x))`;
      break;
    default: {
      const [lo, hi] = INT_RANGE[def.kind] as [number, number];
      const min = Math.max(lo, def.min ?? lo);
      const max = Math.min(hi, def.max ?? hi);
      base = `(typeof x === 'number' && Number.isInteger(x) && x >= ${min} && x <= ${max})`;
    }
  }
  return def.nullable ? `(x === null || (${base}))` : `(${base})`;
}

/** Generate `(v) => boolean` for an object whose fields are `fields` (plus `extra` checks), or null if not allowed. */
function generateIsValid(
  fields: Fields,
  wire: boolean,
  extra: Record<string, (v: unknown) => boolean> = {},
): ((v: unknown) => boolean) | null {
  const constants: unknown[] = [];
  const known = new Set([...Object.keys(fields), ...Object.keys(extra)]);
  const lines = [
    `if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;`,
    `for (const k in v) if (!c[0].has(k)) return false;`,
    'let x;',
  ];
  constants.push(known);
  for (const [name, def] of Object.entries(fields)) {
    lines.push(`x = v[${JSON.stringify(name)}]; if (!${validExpression(def, wire, constants)}) return false;`);
  }
  for (const [name, check] of Object.entries(extra)) {
    lines.push(`if (!c[${constants.push(check) - 1}](v[${JSON.stringify(name)}])) return false;`);
  }
  lines.push('return true;');
  try {
    return new Function('c', `return function isValid(v) {\n${lines.join('\n')}\n};`)(constants) as (
      v: unknown,
    ) => boolean;
  } catch {
    return null; // code generation disallowed (CSP): the closures are used instead
  }
}

/** Combine a generated fast check (true = valid) with the closure validator that explains failures. */
function withFastPath(isValid: ((v: unknown) => boolean) | null, explain: Validator): Validator {
  return isValid ? (value) => (isValid(value) ? null : explain(value)) : explain;
}

/** A compiled checker: `null` when the value is valid, else `"field: reason"`. */
export type Validator = (value: unknown) => string | null;

function checksOf(fields: Fields, wire: boolean): [string, Check][] {
  return Object.entries(fields).map(([name, def]) => [name, fieldCheck(def, wire)]);
}

function compileChecks(entries: readonly [string, Check][]): Validator {
  const names = entries.map(([name]) => name);
  const checks = entries.map(([, check]) => check);
  const known = new Set(names);
  const count = names.length;
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return `(root): expected an object, got ${describe(value)}`;
    const obj = value as Record<string, unknown>;
    for (const key in obj) {
      if (!known.has(key)) return `${key}: unknown field`;
    }
    for (let i = 0; i < count; i++) {
      const name = names[i] as string;
      if (!(name in obj)) return `${name}: missing`;
      const problem = (checks[i] as Check)(obj[name]);
      if (problem !== null) return `${name}: ${problem}`;
    }
    return null;
  };
}

function compileObject(fields: Fields, wire: boolean): Validator {
  return compileChecks(checksOf(fields, wire));
}

/** Compile a validator of in-memory rows (int64 as `bigint`) of a record. Same rules as `record.schema`. */
export function compileValidator(record: Pick<RecordDef<Fields>, 'fields'>, options: CompileOptions = {}): Validator {
  const explain = compileObject(record.fields, false);
  return options.codegen === false ? explain : withFastPath(generateIsValid(record.fields, false), explain);
}

/** Compile a validator of JSON rows (int64 as decimal strings) of a record. Same rules as `record.wire`. */
export function compileWireValidator(
  record: Pick<RecordDef<Fields>, 'fields'>,
  options: CompileOptions = {},
): Validator {
  const explain = compileObject(record.fields, true);
  return options.codegen === false ? explain : withFastPath(generateIsValid(record.fields, true), explain);
}

/**
 * Compile a decoder of JSON rows: validates like `record.wire` and returns the in-memory row (int64 as
 * `bigint`), or throws {@link ValidationError}.
 */
export function compileWireDecoder<F extends Fields>(
  record: RecordDef<F>,
  options: CompileOptions = {},
): (json: unknown) => RowOf<F> {
  const validate = compileWireValidator(record, options);
  const convert = compileRowMapper(record.fields, 'decode', options) as (json: unknown) => RowOf<F>;
  return (json) => {
    const problem = validate(json);
    if (problem !== null) throw failure(record.name, problem);
    return convert(json);
  };
}

/** Compile an encoder of in-memory rows into JSON rows (int64 as decimal strings), in field order. */
export function compileWireEncoder<F extends Fields>(
  record: RecordDef<F>,
  options: CompileOptions = {},
): (row: RowOf<F>) => WireRowOf<F> {
  return compileRowMapper(record.fields, 'encode', options) as (row: RowOf<F>) => WireRowOf<F>;
}

const isInt64Kind = (def: AnyField) => def.kind === 'int64' || def.kind === 'timestamp_ns';

/**
 * A function copying the record's fields, in field order, into a new object: `decode` turns int64 strings
 * into bigints, `encode` the reverse. Generated as one object literal when allowed (fixed shape, fastest).
 */
function compileRowMapper(
  fields: Fields,
  direction: 'decode' | 'encode',
  options: CompileOptions,
): (row: unknown) => unknown {
  const convert =
    direction === 'decode' ? (v: unknown) => BigInt(v as string) : (v: unknown) => (v as bigint).toString();
  const entries = Object.entries(fields);
  if (options.codegen !== false) {
    const parts = entries.map(([name, def]) => {
      const at = `v[${JSON.stringify(name)}]`;
      const value = isInt64Kind(def)
        ? direction === 'decode'
          ? `BigInt(${at})`
          : `${at}.toString()`
        : def.kind === 'list_int16'
          ? `${at}.slice()`
          : at;
      return `${JSON.stringify(name)}: ${def.nullable ? `${at} === null ? null : ${value}` : value}`;
    });
    try {
      return new Function(`return function mapRow(v) {\nreturn {${parts.join(',\n')}};\n};`)() as (
        row: unknown,
      ) => unknown;
    } catch {
      // code generation disallowed (CSP): fall through to the loop
    }
  }
  return (row) => {
    const src = row as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, def] of entries) {
      const v = src[name];
      out[name] = v === null ? null : isInt64Kind(def) ? convert(v) : Array.isArray(v) ? v.slice() : v;
    }
    return out;
  };
}

function failure(schema: string, problem: string): ValidationError {
  const colon = problem.indexOf(': ');
  return new ValidationError(schema, problem.slice(0, colon), problem.slice(colon + 2));
}

function compileMbp10(wire: boolean): Validator {
  const level = compileObject(bookLevelFields, false);
  const levels: Check = (v) => {
    if (!Array.isArray(v) || v.length !== MBP10_DEPTH) return `expected an array of ${MBP10_DEPTH} book levels`;
    for (let i = 0; i < MBP10_DEPTH; i++) {
      const problem = level(v[i]);
      if (problem !== null) return `[${i}].${problem}`;
    }
    return null;
  };
  // Same field order as MBP10Record: `levels` right after `symbol`.
  const entries: [string, Check][] = [];
  for (const entry of checksOf(mbp10HeaderFields, wire)) {
    entries.push(entry);
    if (entry[0] === 'symbol') entries.push(['levels', levels]);
  }
  const check = compileChecks(entries);
  const explain: Validator = (value) => {
    const problem = check(value);
    // Report level problems as `levels[i].field`, not `levels: [i].field`.
    return problem?.startsWith('levels: [') ? `levels${problem.slice(8)}` : problem;
  };
  const isLevel = generateIsValid(bookLevelFields, false);
  const isValid = isLevel
    ? generateIsValid(mbp10HeaderFields, wire, {
        levels: (v) => {
          if (!Array.isArray(v) || v.length !== MBP10_DEPTH) return false;
          for (let i = 0; i < MBP10_DEPTH; i++) if (!isLevel(v[i])) return false;
          return true;
        },
      })
    : null;
  return withFastPath(isValid, explain);
}

/** Validator of in-memory {@link MBP10} events. */
export const validateMbp10: Validator = compileMbp10(false);
/** Validator of JSON {@link MBP10Wire} events. */
export const validateMbp10Wire: Validator = compileMbp10(true);

/** Decode a JSON MBP-10 event, validating it; throws {@link ValidationError}. */
export function decodeMbp10Wire(json: unknown): MBP10 {
  const problem = validateMbp10Wire(json);
  if (problem !== null) throw failure('futures.mbp10.v1', problem);
  const src = json as MBP10Wire;
  return {
    event_id: src.event_id,
    ts_event_ns: BigInt(src.ts_event_ns),
    ts_recv_ns: BigInt(src.ts_recv_ns),
    source: src.source,
    symbol: src.symbol,
    levels: src.levels.map((l) => ({ bid_px: l.bid_px, bid_sz: l.bid_sz, ask_px: l.ask_px, ask_sz: l.ask_sz })),
    is_snapshot: src.is_snapshot,
    seq: src.seq === null ? null : BigInt(src.seq),
  };
}

/** Encode an in-memory MBP-10 event to its JSON form. */
export function encodeMbp10Wire(event: MBP10): MBP10Wire {
  return {
    event_id: event.event_id,
    ts_event_ns: event.ts_event_ns.toString(),
    ts_recv_ns: event.ts_recv_ns.toString(),
    source: event.source,
    symbol: event.symbol,
    levels: event.levels.map((l) => ({ bid_px: l.bid_px, bid_sz: l.bid_sz, ask_px: l.ask_px, ask_sz: l.ask_sz })),
    is_snapshot: event.is_snapshot,
    seq: event.seq === null ? null : event.seq.toString(),
  };
}
