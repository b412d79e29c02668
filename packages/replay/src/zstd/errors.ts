/**
 * The typed error of the zstd layer (spec: shared/spec/dbn-format.md §10).
 *
 * @module
 */

const BRAND = Symbol.for('@spymaster/replay/ZstdError');

/**
 * What kind of zstd failure a {@link ZstdError} reports.
 *
 * - `truncated`: the input ended inside a frame (or inside a skippable frame).
 * - `corrupt`: the compressed bytes are not valid zstd (bad magic, reserved bits, bad block, decoder fault,
 *   content size that does not match the frame header).
 * - `checksum`: a frame decoded but its XXH64 checksum does not match.
 * - `window-too-large`: a frame needs a bigger window (or declares a bigger single-segment size) than
 *   `maxWindowSize` allows; raise the option if the input is trusted.
 * - `output-limit`: the decompressed output grew past `maxOutputSize`.
 * - `unsupported`: valid zstd that this layer does not handle (frames that need a dictionary).
 * - `backend-unavailable`: the requested backend cannot be used in this runtime (see `loadZstd`).
 * - `invalid-argument`: a bad option or compression level.
 * - `closed`: `push` or `end` was called after `end`.
 */
export type ZstdErrorCode =
  | 'truncated'
  | 'corrupt'
  | 'checksum'
  | 'window-too-large'
  | 'output-limit'
  | 'unsupported'
  | 'backend-unavailable'
  | 'invalid-argument'
  | 'closed';

/**
 * A zstd compression or decompression failure, with the compressed byte offset where it was found.
 *
 * Carries a `Symbol.for('@spymaster/replay/ZstdError')` brand, so {@link ZstdError.is} works across duplicate
 * installs of the package.
 *
 * @example
 * ```ts
 * try {
 *   decompress(bytes);
 * } catch (e) {
 *   if (ZstdError.is(e) && e.code === 'truncated') console.error(`file cut short at byte ${e.offset}`);
 * }
 * ```
 */
export class ZstdError extends Error {
  /** Brand checked by {@link ZstdError.is}. */
  readonly [BRAND] = true;
  /** What kind of failure this is. */
  readonly code: ZstdErrorCode;
  /**
   * Byte offset in the compressed input where the fault was found: exact for structural faults (magic, frame
   * header, block header, truncation, checksum); for faults found inside compressed blocks, the start of the
   * data being decoded (the fault is at or after it). -1 when no input position applies (compression,
   * options).
   */
  readonly offset: number;
  /** What is wrong, without the location. */
  readonly reason: string;

  /**
   * @param code - the kind of failure
   * @param reason - what is wrong, and what to do about it where that helps
   * @param offset - compressed byte offset, or -1
   * @param options - the underlying error, if any
   */
  constructor(code: ZstdErrorCode, reason: string, offset = -1, options?: { cause?: unknown }) {
    super(offset >= 0 ? `zstd ${code} at compressed byte ${offset}: ${reason}` : `zstd ${code}: ${reason}`, options);
    this.name = 'ZstdError';
    this.code = code;
    this.reason = reason;
    this.offset = offset;
  }

  /**
   * True for a `ZstdError` from any copy of this package.
   *
   * @param error - any thrown value
   */
  static is(error: unknown): error is ZstdError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
  }
}
