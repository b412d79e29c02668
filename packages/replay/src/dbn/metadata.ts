/**
 * DBN prelude and metadata (dbn-format.md §2, §4): decode and encode, versions 1–3.
 *
 * @module
 */
import { SCHEMA_NAMES, SCHEMA_NONE, type SchemaName, STYPE_NAMES, STYPE_NONE, UNDEF_TIMESTAMP } from './constants.js';
import { DbnDecodeError, DbnEncodeError } from './errors.js';
import { readText, writeText } from './text.js';

/** One symbology interval of a metadata mapping. */
export interface MappingInterval {
  /** First date, `YYYY-MM-DD`, inclusive. */
  start_date: string;
  /** Last date, `YYYY-MM-DD`, exclusive. */
  end_date: string;
  /** The mapped value, e.g. an instrument id as text (`"5482"`). */
  symbol: string;
}

/** A metadata symbol mapping: one requested symbol and its intervals. */
export interface MetadataMapping {
  /** The requested symbol. */
  raw_symbol: string;
  /** Its mapped values over time. */
  intervals: MappingInterval[];
}

/** Decoded DBN metadata, with the key names of the fixtures' expected JSON. */
export interface Metadata {
  /** DBN version of the stream (3 after an upgrade). */
  version: 1 | 2 | 3;
  /** Dataset code, e.g. `GLBX.MDP3`. */
  dataset: string;
  /** Schema name, or null for mixed schemas. */
  schema: SchemaName | null;
  /** Raw schema code (65535 for none). */
  raw_schema: number;
  /** Query start, ns since the epoch. */
  start: bigint;
  /** Query end, ns since the epoch; `UNDEF_TIMESTAMP` when not set. */
  end: bigint;
  /** Query record limit; 0 for none. */
  limit: bigint;
  /** v1 only: the deprecated record count (encoders write u64 max). */
  legacy_record_count?: bigint;
  /** SType name of the request symbols, or null. */
  stype_in: string | null;
  /** Raw SType code of the request symbols (255 for none). */
  raw_stype_in: number;
  /** SType name of the output symbols, or null. */
  stype_out: string | null;
  /** Raw SType code of the output symbols. */
  raw_stype_out: number;
  /** Whether every record carries a trailing `ts_out`. */
  ts_out: boolean;
  /** Width of every symbol slot (22 in v1, 71 in v2/v3). */
  symbol_cstr_len: number;
  /** Symbols of the request. */
  symbols: string[];
  /** Symbols that failed to resolve on some day. */
  partial: string[];
  /** Symbols that resolved on no day. */
  not_found: string[];
  /** Symbology mappings. */
  mappings: MetadataMapping[];
  /** The prelude's u32 metadata length (as decoded; recomputed when encoding). */
  metadata_length: number;
  /** Zero bytes at the end of the metadata (v3 pads to a multiple of 8). */
  metadata_padding: number;
  /** Byte offset of the first record: `8 + metadata_length`. */
  records_offset: number;
}

/** Metadata fields an encoder needs; derived lengths are computed. */
export type MetadataInput = Omit<
  Metadata,
  'metadata_length' | 'metadata_padding' | 'records_offset' | 'raw_schema' | 'raw_stype_in' | 'raw_stype_out'
> &
  Partial<Pick<Metadata, 'raw_schema' | 'raw_stype_in' | 'raw_stype_out'>>;

/** The 8-byte prelude size. */
export const PRELUDE_SIZE = 8;
/** Size of the fixed part of the metadata after the prelude. */
const FIXED_SIZE = 100;
const MAGIC = [0x44, 0x42, 0x4e]; // "DBN"

/** True when `bytes` starts with the DBN magic `DBN`. */
export function isDbnPrelude(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === MAGIC[0] && bytes[1] === MAGIC[1] && bytes[2] === MAGIC[2];
}

/** Parse the prelude: version and metadata length. Throws {@link DbnDecodeError}. */
export function decodePrelude(bytes: Uint8Array): { version: 1 | 2 | 3; metadataLength: number } {
  if (!isDbnPrelude(bytes)) {
    const what = bytes[0] === 0x28 && bytes[1] === 0xb5 ? ' (zstd data: decompress it first)' : '';
    throw new DbnDecodeError(`missing DBN magic "DBN"${what}`, { offset: 0, recordIndex: -1, field: 'magic' });
  }
  const version = bytes[3] as number;
  if (version < 1 || version > 3) {
    throw new DbnDecodeError(`unsupported DBN version ${version} (this decoder reads versions 1 to 3)`, {
      offset: 3,
      recordIndex: -1,
      field: 'version',
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const metadataLength = view.getUint32(4, true);
  if (metadataLength < FIXED_SIZE + 4) {
    throw new DbnDecodeError(`metadata_length ${metadataLength} is below the minimum ${FIXED_SIZE + 4}`, {
      offset: 4,
      recordIndex: -1,
      field: 'metadata_length',
    });
  }
  return { version: version as 1 | 2 | 3, metadataLength };
}

function dateText(yyyymmdd: number, offset: number): string {
  const y = Math.floor(yyyymmdd / 10000);
  const m = Math.floor(yyyymmdd / 100) % 100;
  const d = yyyymmdd % 100;
  if (m < 1 || m > 12 || d < 1 || d > 31) {
    throw new DbnDecodeError(`mapping date ${yyyymmdd} is not a YYYYMMDD date`, {
      offset,
      recordIndex: -1,
      field: 'mappings',
    });
  }
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Decode a whole DBN header (prelude and metadata). `bytes` must hold at least `8 + metadata_length` bytes.
 * Every count is checked against the bytes that remain, so a lying count never allocates beyond the input.
 */
export function decodeMetadata(bytes: Uint8Array): Metadata {
  const { version, metadataLength } = decodePrelude(bytes);
  const end = PRELUDE_SIZE + metadataLength;
  if (bytes.length < end) {
    throw new DbnDecodeError(`metadata truncated: ${bytes.length} of ${end} bytes`, {
      offset: bytes.length,
      recordIndex: -1,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (reason: string, offset: number, field: string) =>
    new DbnDecodeError(reason, { offset, recordIndex: -1, field });
  const dataset = readText(bytes, 8, 16);
  const rawSchema = view.getUint16(24, true);
  const start = view.getBigUint64(26, true);
  const endTs = view.getBigUint64(34, true);
  const limit = view.getBigUint64(42, true);
  let legacyRecordCount: bigint | undefined;
  let stypeIn: number;
  let stypeOut: number;
  let tsOut: number;
  let symbolLen: number;
  if (version === 1) {
    legacyRecordCount = view.getBigUint64(50, true);
    stypeIn = bytes[58] as number;
    stypeOut = bytes[59] as number;
    tsOut = bytes[60] as number;
    symbolLen = 22;
  } else {
    stypeIn = bytes[50] as number;
    stypeOut = bytes[51] as number;
    tsOut = bytes[52] as number;
    symbolLen = view.getUint16(53, true);
    if (symbolLen === 0) throw fail('symbol_cstr_len is 0', 53, 'symbol_cstr_len');
  }
  if (tsOut > 1) throw fail(`ts_out byte is ${tsOut}, expected 0 or 1`, version === 1 ? 60 : 52, 'ts_out');
  const schemaDefinitionLength = view.getUint32(108, true);
  if (schemaDefinitionLength !== 0) {
    throw fail(
      `schema_definition_length is ${schemaDefinitionLength}; only 0 is supported`,
      108,
      'schema_definition_length',
    );
  }
  let at = 112;
  const need = (n: number, field: string) => {
    if (at + n > end)
      throw fail(
        `${field} runs past the end of the metadata (${n} bytes needed at ${at}, metadata ends at ${end})`,
        at,
        field,
      );
  };
  const u32 = (field: string) => {
    need(4, field);
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const symbolList = (field: string) => {
    const count = u32(field);
    need(count * symbolLen, field);
    const out: string[] = [];
    for (let i = 0; i < count; i++, at += symbolLen) out.push(readText(bytes, at, symbolLen));
    return out;
  };
  const symbols = symbolList('symbols');
  const partial = symbolList('partial');
  const notFound = symbolList('not_found');
  const mappingCount = u32('mappings');
  need(mappingCount * (symbolLen + 4), 'mappings');
  const mappings: MetadataMapping[] = [];
  for (let i = 0; i < mappingCount; i++) {
    need(symbolLen, 'mappings');
    const rawSymbol = readText(bytes, at, symbolLen);
    at += symbolLen;
    const intervalCount = u32('mappings');
    need(intervalCount * (8 + symbolLen), 'mappings');
    const intervals: MappingInterval[] = [];
    for (let j = 0; j < intervalCount; j++) {
      const startDate = dateText(view.getUint32(at, true), at);
      const endDate = dateText(view.getUint32(at + 4, true), at + 4);
      intervals.push({ start_date: startDate, end_date: endDate, symbol: readText(bytes, at + 8, symbolLen) });
      at += 8 + symbolLen;
    }
    mappings.push({ raw_symbol: rawSymbol, intervals });
  }
  const metadata: Metadata = {
    version,
    dataset,
    schema: rawSchema === SCHEMA_NONE ? null : ((SCHEMA_NAMES[rawSchema] as SchemaName | undefined) ?? null),
    raw_schema: rawSchema,
    start,
    end: endTs,
    limit,
    stype_in: STYPE_NAMES[stypeIn] ?? null,
    raw_stype_in: stypeIn,
    stype_out: STYPE_NAMES[stypeOut] ?? null,
    raw_stype_out: stypeOut,
    ts_out: tsOut === 1,
    symbol_cstr_len: symbolLen,
    symbols,
    partial,
    not_found: notFound,
    mappings,
    metadata_length: metadataLength,
    metadata_padding: end - at,
    records_offset: end,
  };
  if (legacyRecordCount !== undefined) {
    // Keep key order of the fixtures' JSON: legacy_record_count right after limit.
    return {
      ...pick(metadata, ['version', 'dataset', 'schema', 'raw_schema', 'start', 'end', 'limit']),
      legacy_record_count: legacyRecordCount,
      ...metadata,
    };
  }
  return metadata;
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = value[k];
  return out;
}

/** Metadata upgraded to version 3 (dbn-format.md §9.1): version 3 and 71-byte symbol slots. */
export function upgradeMetadata(metadata: Metadata): Metadata {
  if (metadata.version === 3) return metadata;
  const { legacy_record_count: _legacy, ...rest } = metadata;
  return { ...rest, version: 3, symbol_cstr_len: 71 };
}

function symbolWidth(version: 1 | 2 | 3, metadata: Pick<Metadata, 'symbol_cstr_len'>): number {
  return version === 1 ? 22 : metadata.symbol_cstr_len || 71;
}

function parseDate(text: string, field: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new DbnEncodeError('metadata', field, `date ${JSON.stringify(text)} is not YYYY-MM-DD`);
  return Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
}

/**
 * Encode a DBN header (prelude and metadata) for `metadata.version` (default 3), computing the metadata
 * length (and, for v3, the padding to a multiple of 8). Throws {@link DbnEncodeError} for text that does not
 * fit its slot or is not ASCII.
 */
export function encodeMetadata(metadata: MetadataInput): Uint8Array {
  const version = metadata.version;
  const L = symbolWidth(version, metadata);
  const lists = [metadata.symbols, metadata.partial, metadata.not_found];
  let body = FIXED_SIZE + 5 * 4 + L * lists.reduce((n, l) => n + l.length, 0);
  for (const m of metadata.mappings) body += L + 4 + m.intervals.length * (8 + L);
  const metadataLength = version === 3 ? Math.ceil(body / 8) * 8 : body;
  const out = new Uint8Array(PRELUDE_SIZE + metadataLength);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[3] = version;
  view.setUint32(4, metadataLength, true);
  writeText(out, 8, 16, metadata.dataset, 'metadata', 'dataset');
  const rawSchema =
    metadata.raw_schema ?? (metadata.schema === null ? SCHEMA_NONE : SCHEMA_NAMES.indexOf(metadata.schema));
  if (rawSchema < 0)
    throw new DbnEncodeError('metadata', 'schema', `unknown schema ${JSON.stringify(metadata.schema)}`);
  view.setUint16(24, rawSchema, true);
  view.setBigUint64(26, metadata.start, true);
  view.setBigUint64(34, metadata.end ?? UNDEF_TIMESTAMP, true);
  view.setBigUint64(42, metadata.limit, true);
  const stypeIn = metadata.raw_stype_in ?? codeOf(metadata.stype_in, 'stype_in');
  const stypeOut = metadata.raw_stype_out ?? codeOf(metadata.stype_out, 'stype_out');
  if (version === 1) {
    view.setBigUint64(50, metadata.legacy_record_count ?? UNDEF_TIMESTAMP, true);
    out[58] = stypeIn;
    out[59] = stypeOut;
    out[60] = metadata.ts_out ? 1 : 0;
  } else {
    out[50] = stypeIn;
    out[51] = stypeOut;
    out[52] = metadata.ts_out ? 1 : 0;
    view.setUint16(53, L, true);
  }
  view.setUint32(108, 0, true);
  let at = 112;
  for (const [i, list] of lists.entries()) {
    view.setUint32(at, list.length, true);
    at += 4;
    for (const s of list) {
      writeText(out, at, L, s, 'metadata', ['symbols', 'partial', 'not_found'][i] as string);
      at += L;
    }
  }
  view.setUint32(at, metadata.mappings.length, true);
  at += 4;
  for (const m of metadata.mappings) {
    writeText(out, at, L, m.raw_symbol, 'metadata', 'mappings.raw_symbol');
    at += L;
    view.setUint32(at, m.intervals.length, true);
    at += 4;
    for (const iv of m.intervals) {
      view.setUint32(at, parseDate(iv.start_date, 'mappings.start_date'), true);
      view.setUint32(at + 4, parseDate(iv.end_date, 'mappings.end_date'), true);
      writeText(out, at + 8, L, iv.symbol, 'metadata', 'mappings.symbol');
      at += 8 + L;
    }
  }
  return out;
}

function codeOf(name: string | null, field: string): number {
  if (name === null) return STYPE_NONE;
  for (const [code, value] of Object.entries(STYPE_NAMES)) if (value === name) return Number(code);
  throw new DbnEncodeError('metadata', field, `unknown SType ${JSON.stringify(name)}`);
}
