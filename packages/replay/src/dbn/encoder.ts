/**
 * DBN encoder (dbn-format.md §11): metadata and records for versions 1–3, writers generated from the same
 * layout tables as the readers. Compression is a separate layer (`compress` of the zstd module).
 *
 * @module
 */
import { DbnEncodeError } from './errors.js';
import { type AnyRecordLayout, LAYOUT_BY_NAME, type RecordTypeName } from './layouts.js';
import { encodeMetadata, type MetadataInput } from './metadata.js';
import { compileRecordWriter, type DbnRecord, type PriceMode, type RecordWriter } from './records.js';

/** Options of {@link DbnRecordEncoder}. */
export interface RecordEncoderOptions {
  /** Target DBN version (default 3): every record must be of a layout native to it. */
  version?: 1 | 2 | 3;
  /** Write a trailing `ts_out` after every record (taken from `record.ts_out`, default 0). */
  tsOut?: boolean;
}

/**
 * Encodes record objects into DBN record bytes. One writer per layout is compiled on first use.
 *
 * @example
 * ```ts
 * const encoder = new DbnRecordEncoder({ version: 3 });
 * const bytes = encoder.encode(record); // Uint8Array of record.length × 4 bytes
 * ```
 */
export class DbnRecordEncoder {
  readonly #version: 1 | 2 | 3;
  readonly #tsOut: boolean;
  readonly #writers = new Map<AnyRecordLayout, RecordWriter>();

  constructor(options: RecordEncoderOptions = {}) {
    this.#version = options.version ?? 3;
    this.#tsOut = options.tsOut ?? false;
  }

  /** The layout of a record object, checked against the target version. */
  layoutOf(record: { record_type: string }): AnyRecordLayout {
    const layout = LAYOUT_BY_NAME[record.record_type as RecordTypeName];
    if (!layout) throw new DbnEncodeError(String(record.record_type), 'record_type', 'unknown record type');
    if (!(layout.versions as readonly number[]).includes(this.#version)) {
      throw new DbnEncodeError(
        layout.name,
        'record_type',
        `${layout.name} is a version ${layout.versions.join('/')} layout; this stream is version ${this.#version} (upgrade or convert the record first)`,
      );
    }
    return layout;
  }

  /** Encoded size of a record object in bytes. */
  sizeOf(record: { record_type: string }): number {
    return this.layoutOf(record).size + (this.#tsOut ? 8 : 0);
  }

  /** Write a record into `out` at `offset`; returns the number of bytes written. */
  encodeInto(record: DbnRecord<PriceMode>, out: Uint8Array, offset: number, view?: DataView): number {
    const layout = this.layoutOf(record);
    let write = this.#writers.get(layout);
    if (!write) {
      write = compileRecordWriter(layout);
      this.#writers.set(layout, write);
    }
    const size = layout.size + (this.#tsOut ? 8 : 0);
    if (offset + size > out.length)
      throw new RangeError(`no room for a ${size}-byte record at ${offset} of ${out.length}`);
    const v = view ?? new DataView(out.buffer, out.byteOffset, out.byteLength);
    write(record as unknown as Record<string, unknown>, v, out, offset);
    out[offset] = size / 4;
    if (this.#tsOut) {
      const tsOut = (record as { ts_out?: bigint }).ts_out ?? 0n;
      if (typeof tsOut !== 'bigint' || tsOut < 0n || tsOut >= 2n ** 64n)
        throw new DbnEncodeError(layout.name, 'ts_out', 'expected a u64 bigint');
      v.setBigUint64(offset + layout.size, tsOut, true);
    }
    return size;
  }

  /** Encode one record into new bytes. */
  encode(record: DbnRecord<PriceMode>): Uint8Array {
    const out = new Uint8Array(this.sizeOf(record));
    this.encodeInto(record, out, 0);
    return out;
  }

  /** Encode many records into one buffer. */
  encodeAll(records: Iterable<DbnRecord<PriceMode>>): Uint8Array {
    const list = [...records];
    let total = 0;
    for (const r of list) total += this.sizeOf(r);
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    let at = 0;
    for (const r of list) at += this.encodeInto(r, out, at, view);
    return out;
  }
}

/**
 * Encode a whole uncompressed DBN stream: the header from `metadata` (its `version` and `ts_out` decide the
 * record format), then the records. Pass `metadata = null` for a fragment (records only, `options.version`).
 *
 * @example
 * ```ts
 * const bytes = encodeDbn(metadata, records);
 * const again = decodeDbn(bytes); // same metadata and records
 * ```
 */
export function encodeDbn(
  metadata: MetadataInput | null,
  records: Iterable<DbnRecord<PriceMode>>,
  options: RecordEncoderOptions = {},
): Uint8Array {
  const encoder = new DbnRecordEncoder(metadata ? { version: metadata.version, tsOut: metadata.ts_out } : options);
  const body = encoder.encodeAll(records);
  if (!metadata) return body;
  const header = encodeMetadata(metadata);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}
