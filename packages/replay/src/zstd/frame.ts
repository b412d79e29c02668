/**
 * zstd frame format constants and header parsing (RFC 8878 §3.1; spec: shared/spec/dbn-format.md §10).
 *
 * @module
 */

/** Magic number of a zstd frame (bytes `28 B5 2F FD`, little-endian 0xFD2FB528). */
export const ZSTD_FRAME_MAGIC = 0xfd2fb528;

/** First magic number of a skippable frame; skippable magics are 0x184D2A50–0x184D2A5F (`5X 2A 4D 18`). */
export const ZSTD_SKIPPABLE_MAGIC_MIN = 0x184d2a50;

/**
 * Largest window the decompressor accepts by default: 2^27 bytes (128 MiB), libzstd's own default limit.
 * Frames written by the zstd CLI and libraries at levels 1–19 stay below it.
 */
export const ZSTD_DEFAULT_MAX_WINDOW_SIZE = 2 ** 27;

/** Largest window the zstd format allows on 64-bit hosts (2^31 bytes); `maxWindowSize` is capped here. */
export const ZSTD_MAX_WINDOW_SIZE_LIMIT = 2 ** 31;

/** Largest size of one block, compressed or not (128 KiB). */
export const ZSTD_MAX_BLOCK_SIZE = 128 * 1024;

/** Longest frame header, magic included: 4 magic + 1 descriptor + 1 window + 4 dictionary id + 8 size. */
export const ZSTD_MAX_FRAME_HEADER_SIZE = 18;

/** Reads a little-endian u32. */
export function readU32LE(b: Uint8Array, p: number): number {
  return (
    ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24)) >>> 0
  );
}

/** True when `magic` is one of the 16 skippable-frame magic numbers. */
export function isSkippableMagic(magic: number): boolean {
  return (magic & 0xfffffff0) >>> 0 === ZSTD_SKIPPABLE_MAGIC_MIN;
}

/**
 * True when `bytes` starts with a zstd frame magic (`28 B5 2F FD`) or a skippable-frame magic
 * (`5X 2A 4D 18`). Plain DBN starts with `DBN` instead.
 *
 * @param bytes - the first bytes of a file or stream (at least 4 for a positive answer)
 *
 * @example
 * ```ts
 * const raw = isZstd(head) ? decompress(bytes) : bytes;
 * ```
 */
export function isZstd(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const magic = readU32LE(bytes, 0);
  return magic === ZSTD_FRAME_MAGIC || isSkippableMagic(magic);
}

/** Size of the frame header after the magic, from the frame header descriptor byte. */
export function frameHeaderSize(descriptor: number): number {
  const fcsFlag = descriptor >>> 6;
  const singleSegment = (descriptor >>> 5) & 1;
  const dictIdFlag = descriptor & 3;
  const fcsSize = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  return 1 + (singleSegment ? 0 : 1) + (dictIdFlag === 3 ? 4 : dictIdFlag) + fcsSize;
}

/** A parsed frame header. */
export interface FrameHeader {
  /** Bytes of magic + header. */
  readonly headerSize: number;
  /** Window size in bytes (the content size for single-segment frames). */
  readonly windowSize: number;
  /** Declared content size, or undefined when the frame does not declare it. May exceed 2^53 (then inexact). */
  readonly contentSize: number | undefined;
  /** Whether the frame ends with a 4-byte XXH64 content checksum. */
  readonly hasChecksum: boolean;
  /** Dictionary id (0 = none). */
  readonly dictionaryId: number;
}

/**
 * Parses a complete frame header (`h` starts with the magic). Returns a reason string for a header that is
 * not valid zstd (reserved bit set).
 */
export function parseFrameHeader(h: Uint8Array): FrameHeader | string {
  const descriptor = h[4] as number;
  if (descriptor & 0x08) return 'reserved bit 3 of the frame header descriptor is set';
  const fcsFlag = descriptor >>> 6;
  const singleSegment = (descriptor >>> 5) & 1;
  const hasChecksum = ((descriptor >>> 2) & 1) === 1;
  const dictIdFlag = descriptor & 3;
  let p = 5;
  let windowSize = 0;
  if (!singleSegment) {
    const wd = h[p++] as number;
    const windowBase = 2 ** (10 + (wd >>> 3));
    windowSize = windowBase + (windowBase / 8) * (wd & 7);
  }
  let dictionaryId = 0;
  const didSize = dictIdFlag === 3 ? 4 : dictIdFlag;
  for (let i = 0; i < didSize; i++) dictionaryId += (h[p + i] as number) * 2 ** (8 * i);
  p += didSize;
  const fcsSize = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  let contentSize: number | undefined;
  if (fcsSize > 0) {
    contentSize = 0;
    for (let i = 0; i < fcsSize; i++) contentSize += (h[p + i] as number) * 2 ** (8 * i);
    if (fcsSize === 2) contentSize += 256;
    p += fcsSize;
  }
  if (singleSegment) windowSize = contentSize ?? 0;
  return { headerSize: p, windowSize, contentSize, hasChecksum, dictionaryId };
}
