/**
 * JSON Lines output with the same keys, nesting, key order and value encoding as the official Databento
 * `dbn` command-line tool (`dbn FILE --json`, databento/dbn `rust/dbn/src/encode/json/serialize.rs` and the
 * `JsonSerialize` derive of `rust/dbn-macros`).
 *
 * Format rules, as the official encoder writes them:
 *
 * - The index timestamp comes first (`ts_recv` for every record that has one, through
 *   `#[dbn(encode_order(0))]`), then the header nested as
 *   `"hd":{"ts_event":…,"rtype":…,"publisher_id":…,"instrument_id":…}` (`length` is never written), then
 *   the fields in declaration order after moving every field with `#[dbn(encode_order(N))]` to position
 *   `N` (reserved fields count as positions but are never written), then `ts_out` when present.
 * - 8-byte integers are decimal strings (`"647784973705"`); 1–4 byte integers and `flags` are numbers.
 * - Prices (`#[dbn(fixed_price)]`): raw decimal strings, or with `prettyPx` a decimal with exactly 9
 *   fractional digits (`"3722.750000000"`); `UNDEF_PRICE` becomes `null` with `prettyPx` only.
 * - Timestamps (`#[dbn(unix_nanos)]`): raw decimal strings, or with `prettyTs` ISO 8601 UTC with 9
 *   fractional digits (`"2020-12-28T13:00:00.000704060Z"`); `0` and `UNDEF_TIMESTAMP` become `null` with
 *   `prettyTs` only.
 * - `c_char` fields: `null` for a NUL byte, otherwise the byte escaped with Rust's
 *   `std::ascii::escape_default` and written without further JSON escaping (so `'` is written `"\'"` and
 *   a byte outside 0x20–0x7E `"\xNN"`, which are not valid JSON, exactly as the official tool does).
 *   Enum-typed char fields of old definitions (`security_update_action` in v1, `user_defined_instrument`
 *   in v1/v2) are JSON strings instead (a NUL byte is `"\u0000"`).
 * - Text slots (`c_char` arrays): the text before the first NUL as a JSON string; `""` when the slot has
 *   no NUL or is not valid UTF-8. JSON strings escape `"`, `\`, `/` (as `\/`) and control characters
 *   (`\b \f \n \r \t`, others `\u00XX` with uppercase hex), as the `json-writer` crate does.
 * - Book levels: `"levels":[{"bid_px","ask_px","bid_sz","ask_sz","bid_ct","ask_ct"}…]` (or `bid_pb`/`ask_pb`
 *   for consolidated levels).
 *
 * @module
 */
import { UNDEF_PRICE, UNDEF_TIMESTAMP } from './constants.js';
import { LAYOUT_BY_NAME, type RecordTypeName } from './layouts.js';
import type { Metadata } from './metadata.js';
import { type DbnRecord, type PriceMode, priceToFixed } from './records.js';

/** Options of {@link recordToDbnJson} and {@link metadataToDbnJson}. */
export interface DbnJsonOptions {
  /** Prices as decimals with 9 fractional digits, `UNDEF_PRICE` as `null` (the tool's `use_pretty_px`). */
  prettyPx?: boolean;
  /** Timestamps as ISO 8601 with 9 fractional digits, 0 and `UNDEF_TIMESTAMP` as `null` (`use_pretty_ts`). */
  prettyTs?: boolean;
  /**
   * Indented multi-line output (4 spaces), as the tool's `should_pretty_print`. `dbn FILE --json --pretty`
   * is `{ pretty: true, prettyPx: true, prettyTs: true }`. Default: one compact line.
   */
  pretty?: boolean;
  /** A `"symbol"` key written last, as `dbn --map-symbols` does (`null` when unmapped); omitted when undefined. */
  symbol?: string | null;
}

/** The metadata fields the official JSON includes (a full {@link Metadata} fits). */
export type DbnJsonMetadata = Pick<
  Metadata,
  | 'version'
  | 'dataset'
  | 'schema'
  | 'start'
  | 'end'
  | 'limit'
  | 'stype_in'
  | 'stype_out'
  | 'ts_out'
  | 'symbol_cstr_len'
  | 'symbols'
  | 'partial'
  | 'not_found'
  | 'mappings'
>;

// Value kinds of a JSON step.
const HD = 0;
const TS = 1;
const PX = 2;
const INT64 = 3;
const NUM = 4;
const C_CHAR = 5;
const ENUM_CHAR = 6;
const TEXT = 7;
const LEVELS = 8;
const C_LEVELS = 9;

interface Step {
  readonly key: string;
  /** `"key":`, with the separating comma for every step but the first. */
  readonly prefix: string;
  readonly kind: number;
  /** Slot width of a text field. */
  readonly width: number;
}

const TRADE_ORDER = { ts_recv: 0, action: 2, side: 3, depth: 4 };
const DEF_ORDER = { ts_recv: 0, raw_symbol: 2, security_update_action: 3, instrument_class: 4 };

/**
 * `#[dbn(encode_order(N))]` of every record type, from databento/dbn `rust/dbn/src/record.rs` (v3 types and
 * the unversioned ones) and `rust/dbn/src/compat.rs` (`InstrumentDefMsgV1/V2`, `StatMsgV1`, …).
 */
const ENCODE_ORDER: Readonly<Record<RecordTypeName, Readonly<Record<string, number>>>> = {
  MboMsg: { ts_recv: 0, action: 2, side: 3, price: 4, size: 5, channel_id: 6 },
  TradeMsg: TRADE_ORDER,
  Mbp1Msg: TRADE_ORDER,
  Mbp10Msg: TRADE_ORDER,
  BboMsg: { ts_recv: 0, side: 2 },
  Cmbp1Msg: { ts_recv: 0, action: 2, side: 3 },
  CbboMsg: { ts_recv: 0, side: 2 },
  OhlcvMsg: {},
  StatusMsg: { ts_recv: 0 },
  ImbalanceMsg: { ts_recv: 0 },
  InstrumentDefMsgV1: DEF_ORDER,
  InstrumentDefMsgV2: { ...DEF_ORDER, strike_price: 46 },
  InstrumentDefMsgV3: {
    ...DEF_ORDER,
    raw_instrument_id: 20,
    strike_price: 54,
    leg_count: 158,
    leg_index: 159,
    leg_instrument_id: 160,
    leg_raw_symbol: 161,
    leg_instrument_class: 163,
    leg_side: 164,
    leg_price: 165,
    leg_delta: 166,
    leg_ratio_price_numerator: 167,
    leg_ratio_price_denominator: 168,
    leg_ratio_qty_numerator: 169,
    leg_ratio_qty_denominator: 170,
    leg_underlying_id: 171,
  },
  StatMsgV1: { ts_recv: 0 },
  StatMsgV3: { ts_recv: 0 },
  ErrorMsgV1: {},
  ErrorMsgV2: {},
  SystemMsgV1: {},
  SystemMsgV2: {},
  SymbolMappingMsgV1: {},
  SymbolMappingMsgV2: {},
};

/** Char fields typed as Rust enums (`SecurityUpdateAction`, `UserDefinedInstrument`) rather than `c_char`. */
const ENUM_CHAR_FIELDS: Partial<Record<RecordTypeName, readonly string[]>> = {
  InstrumentDefMsgV1: ['security_update_action', 'user_defined_instrument'],
  InstrumentDefMsgV2: ['user_defined_instrument'],
};

const HEADER_FIELDS = new Set(['length', 'rtype', 'publisher_id', 'instrument_id', 'ts_event']);

interface Decl {
  readonly key: string;
  readonly kind: number;
  readonly width: number;
}

/** The struct's fields in Rust declaration order (header as one `hd`, reserved slots kept for positions). */
function declarations(name: RecordTypeName): Decl[] {
  const layout = LAYOUT_BY_NAME[name];
  const enumChars = ENUM_CHAR_FIELDS[name] ?? [];
  const out: Decl[] = [];
  for (const f of layout.fields) {
    if (HEADER_FIELDS.has(f.name)) {
      if (f.name === 'length') out.push({ key: 'hd', kind: HD, width: 0 });
      continue;
    }
    let kind: number;
    if (f.type.startsWith('r')) kind = -1;
    else if (f.type === 'L1' || f.type === 'L10') kind = LEVELS;
    else if (f.type === 'C1') kind = C_LEVELS;
    else if (f.type === 'u64' || f.type === 'i64') kind = f.tag === 'ts' ? TS : f.tag === 'px' ? PX : INT64;
    else if (f.type === 'char') kind = enumChars.includes(f.name) ? ENUM_CHAR : C_CHAR;
    else if (f.type.startsWith('c')) kind = TEXT;
    else kind = NUM;
    out.push({ key: f.name, kind, width: f.size });
  }
  return out;
}

/** `get_sorted_fields` of `rust/dbn-macros/src/dbn_attr.rs`: move each ordered field to its index. */
function sortedFields(name: RecordTypeName): Decl[] {
  const fields = declarations(name);
  const orders = Object.entries(ENCODE_ORDER[name]).sort((a, b) => a[1] - b[1]);
  for (const [key, order] of orders) {
    const index = fields.findIndex((f) => f.key === key);
    if (index < 0) throw new Error(`${name} has no field ${key}`);
    const [field] = fields.splice(index, 1) as [Decl];
    if (order >= fields.length) fields.push(field);
    else fields.splice(order, 0, field);
  }
  // Hidden fields (reserved slots, names starting with `_`) take positions but are never written.
  return fields.filter((f) => f.kind >= 0 && !f.key.startsWith('_'));
}

const plans = new Map<string, readonly Step[]>();

function planOf(name: string): readonly Step[] {
  let plan = plans.get(name);
  if (plan) return plan;
  if (!Object.hasOwn(LAYOUT_BY_NAME, name))
    throw new TypeError(`recordToDbnJson: unknown record_type ${JSON.stringify(name)}`);
  plan = sortedFields(name as RecordTypeName).map((f, i) => ({ ...f, prefix: `${i === 0 ? '' : ','}"${f.key}":` }));
  plans.set(name, plan);
  return plan;
}

/**
 * The keys of a record type's JSON object in output order (`hd` standing for the nested header, without
 * the trailing `ts_out`/`symbol`).
 */
export function dbnJsonKeys(recordType: RecordTypeName): readonly string[] {
  return planOf(recordType).map((s) => s.key);
}

const I64_MIN = -(2n ** 63n);

/**
 * A fixed-point price (units of 1e-9) as the official tool prints it (`fmt_px`): exact, with all 9
 * fractional digits and a leading `-` for negatives, e.g. `3722750000000n` → `"3722.750000000"`,
 * `-100000n` → `"-0.000100000"`. `UNDEF_PRICE` gives `"UNDEF_PRICE"` as `fmt_px` does (JSON output writes
 * `null` instead). For i64::MIN the text follows the wrapping negation of the release build.
 */
export function formatFixedPrice(px: bigint): string {
  if (px === UNDEF_PRICE) return 'UNDEF_PRICE';
  // `-px` wraps for i64::MIN in Rust release builds: integer and fraction parts both come out negative.
  if (px === I64_MIN) return '--9223372036.-854775808';
  const negative = px < 0n;
  const digits = (negative ? -px : px).toString();
  const n = digits.length;
  const text = n > 9 ? `${digits.slice(0, n - 9)}.${digits.slice(n - 9)}` : `0.${'000000000'.slice(n)}${digits}`;
  return negative ? `-${text}` : text;
}

let lastSeconds = '';
let lastSecondsText = '';

/**
 * A nanosecond UNIX timestamp as the official tool prints it (`fmt_ts`): ISO 8601 UTC with 9 fractional
 * digits, e.g. `1609160400000704060n` → `"2020-12-28T13:00:00.000704060Z"`. `0n` gives `""` as `fmt_ts`
 * does (JSON output writes `null` for 0 and `UNDEF_TIMESTAMP`).
 */
export function formatTimestamp(ts: bigint): string {
  if (ts === 0n) return '';
  const digits = ts.toString();
  const n = digits.length;
  const seconds = n > 9 ? digits.slice(0, n - 9) : '0';
  const fraction = n > 9 ? digits.slice(n - 9) : '000000000'.slice(n) + digits;
  if (seconds !== lastSeconds) {
    lastSecondsText = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
    lastSeconds = seconds;
  }
  return `${lastSecondsText}.${fraction}Z`;
}

function tsJson(value: unknown, pretty: boolean): string {
  const ts = value as bigint;
  if (!pretty) return `"${ts}"`;
  return ts === 0n || ts === UNDEF_TIMESTAMP ? 'null' : `"${formatTimestamp(ts)}"`;
}

function pxJson(value: unknown, pretty: boolean): string {
  let px: bigint;
  if (typeof value === 'bigint') px = value;
  else if (value === null)
    px = UNDEF_PRICE; // `prices: 'number'` objects
  else px = priceToFixed(value as number);
  if (!pretty) return `"${px}"`;
  return px === UNDEF_PRICE ? 'null' : `"${formatFixedPrice(px)}"`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes control characters
const NEEDS_ESCAPE = /["\\/\u0000-\u001f]/;
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
  34: '\\"',
  47: '\\/',
  92: '\\\\',
};
const HEX_UPPER = '0123456789ABCDEF';

/**
 * A string quoted and escaped as the `json-writer` crate used by the official tool does: `"`, `\`, `/`,
 * `\b \f \n \r \t`, other characters below U+0020 as `\u00XX` (uppercase hex); everything else as is.
 */
export function dbnJsonString(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c !== 34 && c !== 47 && c !== 92) continue;
    out += text.slice(from, i) + (SHORT_ESCAPES[c] ?? `\\u00${HEX_UPPER[c >> 4]}${HEX_UPPER[c & 15]}`);
    from = i + 1;
  }
  return `${out}${text.slice(from)}"`;
}

/** `std::ascii::escape_default` of every byte, quoted; NUL is `null` (`write_c_char_field`). */
const C_CHAR_JSON: readonly string[] = Array.from({ length: 256 }, (_, b) => {
  if (b === 0) return 'null';
  const escaped: Readonly<Record<number, string>> = {
    9: '\\t',
    10: '\\n',
    13: '\\r',
    34: '\\"',
    39: "\\'",
    92: '\\\\',
  };
  const text =
    escaped[b] ?? (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`);
  return `"${text}"`;
});

/** Enum char fields: the byte as a one-character JSON string. */
const ENUM_CHAR_JSON: readonly string[] = Array.from({ length: 256 }, (_, b) => dbnJsonString(String.fromCharCode(b)));

function charCode(value: unknown): number {
  return typeof value === 'string' && value.length > 0 ? value.charCodeAt(0) & 0xff : 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A text slot as `c_chars_to_str(..).unwrap_or_default()` gives it: "" without a NUL or for invalid UTF-8. */
function textJson(value: unknown, width: number): string {
  const text = value as string;
  if (text.length >= width) return '""';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: bytes 0x80–0xFF decoded one per character
  if (/[\u0080-\u00ff]/.test(text) && !/[^\u0000-\u00ff]/.test(text)) {
    try {
      return dbnJsonString(utf8.decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
    } catch {
      return '""';
    }
  }
  return dbnJsonString(text);
}

interface Level {
  bid_px: unknown;
  ask_px: unknown;
  bid_sz: number;
  ask_sz: number;
  bid_ct?: number;
  ask_ct?: number;
  bid_pb?: number;
  ask_pb?: number;
}

function levelsJson(value: unknown, consolidated: boolean, pretty: boolean): string {
  const levels = value as readonly Level[];
  let out = '[';
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as Level;
    out += `${i === 0 ? '{' : ',{'}"bid_px":${pxJson(l.bid_px, pretty)},"ask_px":${pxJson(l.ask_px, pretty)},"bid_sz":${l.bid_sz},"ask_sz":${l.ask_sz}`;
    out += consolidated ? `,"bid_pb":${l.bid_pb},"ask_pb":${l.ask_pb}}` : `,"bid_ct":${l.bid_ct},"ask_ct":${l.ask_ct}}`;
  }
  return `${out}]`;
}

/**
 * One record as the official `dbn --json` line: same keys, nesting, order and value encoding (see the
 * module documentation), without the trailing newline. Works on the objects of `decodeDbnPlain` (records
 * as stored, or upgraded ones); `prices: 'number'` objects are converted back to fixed point.
 */
export function recordToDbnJson(record: DbnRecord<PriceMode>, options: DbnJsonOptions = {}): string {
  const r = record as unknown as Record<string, unknown>;
  const plan = planOf(r.record_type as string);
  const px = options.prettyPx === true;
  const ts = options.prettyTs === true;
  let out = '{';
  for (const step of plan) {
    out += step.prefix;
    const v = r[step.key];
    switch (step.kind) {
      case HD:
        out += `{"ts_event":${tsJson(r.ts_event, ts)},"rtype":${r.rtype},"publisher_id":${r.publisher_id},"instrument_id":${r.instrument_id}}`;
        break;
      case TS:
        out += tsJson(v, ts);
        break;
      case PX:
        out += pxJson(v, px);
        break;
      case INT64:
        out += `"${v}"`;
        break;
      case NUM:
        out += `${v}`;
        break;
      case C_CHAR:
        out += C_CHAR_JSON[charCode(v)];
        break;
      case ENUM_CHAR:
        out += ENUM_CHAR_JSON[charCode(v)];
        break;
      case TEXT:
        out += textJson(v, step.width);
        break;
      default:
        out += levelsJson(v, step.kind === C_LEVELS, px);
    }
  }
  if (r.ts_out !== undefined) out += `,"ts_out":${tsJson(r.ts_out, ts)}`;
  if (options.symbol !== undefined)
    out += `,"symbol":${options.symbol === null ? 'null' : dbnJsonString(options.symbol)}`;
  out += '}';
  return options.pretty === true ? indentDbnJson(out) : out;
}

function dateJson(date: string, pretty: boolean): string {
  if (pretty) return dbnJsonString(date);
  // `YYYYMMDD` as a number without pretty timestamps (`write_date_field`).
  return `${Number(date.slice(0, 4)) * 10000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10))}`;
}

function stringList(values: readonly string[]): string {
  return `[${values.map(dbnJsonString).join(',')}]`;
}

/**
 * The metadata as `dbn FILE --json --metadata` prints it: `version`, `dataset`, `schema` (name or null),
 * `start`, `end` (null when unset), `limit` (decimal string, null for 0), `stype_in` (name or null),
 * `stype_out`, `ts_out`, `symbol_cstr_len`, `symbols`, `partial`, `not_found`, `mappings` (intervals with
 * `start_date`/`end_date` as `YYYYMMDD` numbers, or `"YYYY-MM-DD"` with `prettyTs`). `prettyPx` has no
 * effect. The tool passes `--pretty` as all three options.
 */
export function metadataToDbnJson(metadata: DbnJsonMetadata, options: DbnJsonOptions = {}): string {
  const ts = options.prettyTs === true;
  const m = metadata;
  let out = `{"version":${m.version},"dataset":${dbnJsonString(m.dataset)},"schema":${m.schema === null ? 'null' : dbnJsonString(m.schema)}`;
  out += `,"start":${tsJson(m.start, ts)},"end":${m.end === 0n || m.end === UNDEF_TIMESTAMP ? 'null' : tsJson(m.end, ts)}`;
  out += `,"limit":${m.limit === 0n ? 'null' : `"${m.limit}"`}`;
  out += `,"stype_in":${m.stype_in === null ? 'null' : dbnJsonString(m.stype_in)},"stype_out":${m.stype_out === null ? 'null' : dbnJsonString(m.stype_out)}`;
  out += `,"ts_out":${m.ts_out},"symbol_cstr_len":${m.symbol_cstr_len}`;
  out += `,"symbols":${stringList(m.symbols)},"partial":${stringList(m.partial)},"not_found":${stringList(m.not_found)},"mappings":[`;
  m.mappings.forEach((mapping, i) => {
    out += `${i === 0 ? '' : ','}{"raw_symbol":${dbnJsonString(mapping.raw_symbol)},"intervals":[`;
    mapping.intervals.forEach((iv, j) => {
      out += `${j === 0 ? '' : ','}{"start_date":${dateJson(iv.start_date, ts)},"end_date":${dateJson(iv.end_date, ts)},"symbol":${dbnJsonString(iv.symbol)}}`;
    });
    out += ']}';
  });
  out += ']}';
  return options.pretty === true ? indentDbnJson(out) : out;
}

/**
 * Re-indents a compact line of this module as the official tool's pretty printer does (`json-writer`'s
 * `PrettyJSONWriter` with a 4-space indent): one key or item per line, `": "` after keys, `{}`/`[]` for
 * empty containers.
 */
export function indentDbnJson(compact: string, indent = '    '): string {
  let out = '';
  let depth = 0;
  let from = 0;
  const pad = () => `\n${indent.repeat(depth)}`;
  for (let i = 0; i < compact.length; i++) {
    const c = compact.charCodeAt(i);
    if (c === 34) {
      // Skip a string; any escape (`\"`, `\\`, `\xNN`, …) starts with a backslash and one character.
      for (i++; i < compact.length && compact.charCodeAt(i) !== 34; i++) if (compact.charCodeAt(i) === 92) i++;
      continue;
    }
    let insert: string;
    if (c === 123 || c === 91) {
      const next = compact.charCodeAt(i + 1);
      if (next === c + 2) {
        i++;
        continue; // `{}` / `[]`
      }
      depth++;
      insert = compact[i] + pad();
    } else if (c === 125 || c === 93) {
      depth--;
      insert = pad() + compact[i];
    } else if (c === 44) insert = `,${pad()}`;
    else if (c === 58) insert = ': ';
    else continue;
    out += compact.slice(from, i) + insert;
    from = i + 1;
  }
  return out + compact.slice(from);
}
