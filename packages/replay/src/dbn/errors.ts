/**
 * Typed errors of the DBN codec. Each carries where the problem is (byte offset in the decompressed stream,
 * record index, rtype, file) and why, and a `Symbol.for` brand so `DbnDecodeError.is(e)` works across
 * duplicate installs of the package.
 *
 * @module
 */

/** Where a decode error happened. */
export interface DbnErrorLocation {
  /** Byte offset in the decompressed DBN stream (the start of the offending structure). */
  offset: number;
  /** 0-based index of the record being decoded, or -1 for the prelude or metadata. */
  recordIndex: number;
  /** rtype of the offending record, when known. */
  rtype?: number | undefined;
  /** Source file, when decoding a file. */
  file?: string | undefined;
  /** Metadata or record field, when one field is at fault. */
  field?: string | undefined;
}

const DECODE_BRAND = Symbol.for('@spymaster/replay/DbnDecodeError');
const ENCODE_BRAND = Symbol.for('@spymaster/replay/DbnEncodeError');

function where(location: DbnErrorLocation): string {
  const parts = [
    location.file ? `${location.file}: ` : '',
    `byte ${location.offset}`,
    location.recordIndex >= 0 ? `, record ${location.recordIndex}` : ', metadata',
    location.rtype !== undefined ? ` (rtype 0x${location.rtype.toString(16).padStart(2, '0')})` : '',
    location.field ? `, field ${location.field}` : '',
  ];
  return parts.join('');
}

/**
 * Truncated or corrupt DBN input. Thrown after every complete record before the fault has been delivered.
 *
 * @example
 * ```ts
 * try { for (const r of decodeDbn(bytes)) use(r); }
 * catch (e) { if (DbnDecodeError.is(e)) console.error(e.offset, e.recordIndex, e.reason); }
 * ```
 */
export class DbnDecodeError extends Error implements DbnErrorLocation {
  readonly [DECODE_BRAND] = true;
  /** Byte offset in the decompressed stream. */
  readonly offset: number;
  /** Record index, or -1 for the prelude/metadata. */
  readonly recordIndex: number;
  /** rtype of the offending record, when known. */
  readonly rtype: number | undefined;
  /** Source file, when known. */
  readonly file: string | undefined;
  /** Field at fault, when one is. */
  readonly field: string | undefined;
  /** What is wrong, without the location. */
  readonly reason: string;
  constructor(reason: string, location: DbnErrorLocation, options?: { cause?: unknown }) {
    super(`invalid DBN at ${where(location)}: ${reason}`, options);
    this.name = 'DbnDecodeError';
    this.reason = reason;
    this.offset = location.offset;
    this.recordIndex = location.recordIndex;
    this.rtype = location.rtype;
    this.file = location.file;
    this.field = location.field;
  }
  /** True for a `DbnDecodeError` from any copy of this package. */
  static is(error: unknown): error is DbnDecodeError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[DECODE_BRAND] === true;
  }
  /** The same error with the file name added (file adapters call this). */
  withFile(file: string): DbnDecodeError {
    return new DbnDecodeError(
      this.reason,
      { offset: this.offset, recordIndex: this.recordIndex, rtype: this.rtype, file, field: this.field },
      { cause: this.cause },
    );
  }
}

/** A value that cannot be encoded (text too long or not ASCII, integer out of range, wrong type). */
export class DbnEncodeError extends Error {
  readonly [ENCODE_BRAND] = true;
  /** The record type or `metadata`. */
  readonly recordType: string;
  /** The offending field. */
  readonly field: string;
  /** What is wrong. */
  readonly reason: string;
  constructor(recordType: string, field: string, reason: string) {
    super(`cannot encode ${recordType}.${field}: ${reason}`);
    this.name = 'DbnEncodeError';
    this.recordType = recordType;
    this.field = field;
    this.reason = reason;
  }
  /** True for a `DbnEncodeError` from any copy of this package. */
  static is(error: unknown): error is DbnEncodeError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[ENCODE_BRAND] === true;
  }
}
