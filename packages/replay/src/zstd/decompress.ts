/**
 * Sans-I/O streaming zstd decompression (spec: shared/spec/dbn-format.md §10).
 *
 * The decompressor walks the frame structure itself (magic, frame header, block headers, checksum, skippable
 * frames), so it knows exact offsets for errors and truncation, rejects oversized windows before any
 * allocation, drops skippable frames, and checks declared content sizes; the backend only decodes frame bytes.
 * It buffers at most one frame header (18 bytes) of input, and the backends keep at most one window plus one
 * block (128 KiB), so memory stays bounded whatever the input size.
 *
 * @module
 */

import { nativeBinding, resolveBackend, type ZstdBackendName, type ZstdBackendOptions } from './backend.js';
import { allocOutput, type Emit, FallbackFrameDecoder, type FrameDecoder, NativeFrameDecoder } from './decoders.js';
import { ZstdError } from './errors.js';
import {
  type FrameHeader,
  frameHeaderSize,
  isSkippableMagic,
  parseFrameHeader,
  readU32LE,
  ZSTD_DEFAULT_MAX_WINDOW_SIZE,
  ZSTD_FRAME_MAGIC,
  ZSTD_MAX_BLOCK_SIZE,
  ZSTD_MAX_FRAME_HEADER_SIZE,
  ZSTD_MAX_WINDOW_SIZE_LIMIT,
} from './frame.js';

/** Options of {@link createZstdDecompressor} and {@link decompress}. */
export interface ZstdDecompressorOptions extends ZstdBackendOptions {
  /**
   * Largest window (and single-segment frame size) accepted, in bytes; default
   * {@link ZSTD_DEFAULT_MAX_WINDOW_SIZE} (128 MiB), at most 2^31. Bounds the memory a frame header can make the
   * decoder allocate; frames asking for more fail with `window-too-large`.
   */
  readonly maxWindowSize?: number | undefined;
  /** Largest total decompressed size before failing with `output-limit`; default unlimited. */
  readonly maxOutputSize?: number | undefined;
  /**
   * Check frames' XXH64 content checksums on the fallback backend (the native backend always checks them);
   * default true.
   */
  readonly verifyChecksum?: boolean | undefined;
  /**
   * Reuse output memory: chunks returned by `push` stay valid only until the next `push` or `end` call (the
   * native backend then allocates nothing per chunk). For consumers that process each chunk before feeding
   * more, like the DBN decoding drivers. Default false.
   */
  readonly reuseOutput?: boolean | undefined;
}

/**
 * A sans-I/O streaming zstd decompressor: feed compressed bytes in chunks of any size, get decompressed chunks
 * back. Created by {@link createZstdDecompressor}.
 */
export interface ZstdDecompressor {
  /** The backend decoding this stream. */
  readonly backend: ZstdBackendName;
  /** Compressed bytes consumed so far. */
  readonly bytesIn: number;
  /** Decompressed bytes produced so far. */
  readonly bytesOut: number;
  /**
   * Feeds compressed bytes (any split, down to single bytes) and returns the decompressed chunks that became
   * available, in order (possibly none). The chunk is not kept after the call returns. Returned chunks may be
   * views of a larger buffer and stay valid. Throws {@link ZstdError} on invalid input; the decompressor is
   * unusable afterwards.
   */
  push(chunk: Uint8Array): Uint8Array[];
  /**
   * Declares the end of the input and returns any remaining output (always empty today: output is never held
   * back). Throws {@link ZstdError} with code `truncated` when the input ends inside a frame.
   */
  end(): Uint8Array[];
}

const PHASE_MAGIC = 0;
const PHASE_FRAME_HEADER = 1;
const PHASE_BLOCK_HEADER = 2;
const PHASE_BLOCK_BODY = 3;
const PHASE_CHECKSUM = 4;
const PHASE_SKIP_SIZE = 5;
const PHASE_SKIP_BODY = 6;
const PHASE_CLOSED = 7;

const BLOCK_TYPE_RLE = 1;
const BLOCK_TYPE_RESERVED = 3;

function checkLimit(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || value > max) {
    throw new ZstdError('invalid-argument', `${name} must be a number from 0 to ${max}, got ${String(value)}`);
  }
  return value;
}

class StreamingDecompressor implements ZstdDecompressor {
  readonly backend: ZstdBackendName;
  bytesIn = 0;
  bytesOut = 0;

  private readonly decoder: FrameDecoder;
  private readonly maxWindowSize: number;
  private readonly maxOutputSize: number;
  private out: Uint8Array[] = [];
  private failure: ZstdError | undefined;

  private phase = PHASE_MAGIC;
  /** Header bytes gathered so far (magic, frame header, block header, checksum or skippable size). */
  private readonly hdr = new Uint8Array(ZSTD_MAX_FRAME_HEADER_SIZE);
  private hdrLen = 0;
  private hdrNeed = 4;
  /** Bytes left in the current block body or skippable payload. */
  private remaining = 0;
  private lastBlock = false;

  private frameIndex = -1;
  private frameStart = 0;
  private frame: FrameHeader | undefined;
  private frameOut = 0;
  /** Offset of the current block header, or of the skippable frame. */
  private structStart = 0;

  constructor(options: ZstdDecompressorOptions | undefined) {
    this.backend = resolveBackend(options?.backend);
    this.maxWindowSize = checkLimit(
      'maxWindowSize',
      options?.maxWindowSize,
      ZSTD_DEFAULT_MAX_WINDOW_SIZE,
      ZSTD_MAX_WINDOW_SIZE_LIMIT,
    );
    this.maxOutputSize = checkLimit(
      'maxOutputSize',
      options?.maxOutputSize,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    );
    const emit: Emit = (chunk) => this.emit(chunk);
    this.decoder =
      this.backend === 'native'
        ? new NativeFrameDecoder(nativeBinding(), this.maxWindowSize, emit, options?.reuseOutput === true)
        : new FallbackFrameDecoder(options?.verifyChecksum ?? true, emit);
  }

  push(chunk: Uint8Array): Uint8Array[] {
    this.checkOpen();
    if (this.decoder instanceof NativeFrameDecoder) this.decoder.recycle();
    if (!(chunk instanceof Uint8Array)) {
      throw new ZstdError('invalid-argument', `push expects a Uint8Array, got ${typeof chunk}`);
    }
    this.out = [];
    try {
      this.scan(chunk);
    } catch (error) {
      this.fail(error, this.bytesIn);
    }
    this.bytesIn += chunk.length;
    return this.out;
  }

  end(): Uint8Array[] {
    this.checkOpen();
    const at = this.bytesIn;
    if (this.phase === PHASE_MAGIC && this.hdrLen === 0) {
      this.phase = PHASE_CLOSED;
      return [];
    }
    let reason: string;
    if (this.phase === PHASE_MAGIC) {
      reason = `input ends after ${this.hdrLen} byte(s) of a frame magic number`;
    } else if (this.phase === PHASE_SKIP_SIZE || this.phase === PHASE_SKIP_BODY) {
      reason = `input ends inside the skippable frame that starts at byte ${this.structStart}`;
    } else {
      const what =
        this.phase === PHASE_FRAME_HEADER
          ? 'in its frame header'
          : this.phase === PHASE_CHECKSUM
            ? 'in its content checksum'
            : this.phase === PHASE_BLOCK_BODY
              ? `${this.remaining} byte(s) before the end of the block that starts at byte ${this.structStart}`
              : 'before its next block header';
      reason = `input ends inside zstd frame ${this.frameIndex} (starts at byte ${this.frameStart}), ${what}: the file is truncated or still being written`;
    }
    const error = new ZstdError('truncated', reason, at);
    this.failure = error;
    this.phase = PHASE_CLOSED;
    throw error;
  }

  private checkOpen(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.phase === PHASE_CLOSED) throw new ZstdError('closed', 'the decompressor was already ended');
  }

  private fail(error: unknown, at: number): never {
    let e: ZstdError;
    if (ZstdError.is(error)) {
      e = error.offset >= 0 ? error : new ZstdError(error.code, error.reason, at, { cause: error.cause });
    } else {
      const message = error instanceof Error ? error.message : String(error);
      e = new ZstdError(
        'corrupt',
        `invalid compressed data in zstd frame ${this.frameIndex} (starts at byte ${this.frameStart}): ${message}`,
        at,
        { cause: error },
      );
    }
    this.failure = e;
    throw e;
  }

  private emit(chunk: Uint8Array): void {
    this.bytesOut += chunk.length;
    this.frameOut += chunk.length;
    if (this.bytesOut > this.maxOutputSize) {
      throw new ZstdError('output-limit', `decompressed output exceeds maxOutputSize (${this.maxOutputSize} bytes)`);
    }
    const declared = this.frame?.contentSize;
    if (declared !== undefined && this.frameOut > declared) {
      throw new ZstdError(
        'corrupt',
        `zstd frame ${this.frameIndex} (starts at byte ${this.frameStart}) declares ${declared} content bytes but decodes to more`,
      );
    }
    this.out.push(chunk);
  }

  /** Walks the frame structure of `chunk`, forwarding each frame's bytes to the backend. */
  private scan(chunk: Uint8Array): void {
    const n = chunk.length;
    const base = this.bytesIn;
    let i = 0;
    // Start of the frame bytes in this chunk not yet forwarded to the backend, or -1 outside frame bodies.
    let run =
      this.phase === PHASE_BLOCK_HEADER || this.phase === PHASE_BLOCK_BODY || this.phase === PHASE_CHECKSUM ? 0 : -1;
    while (i < n) {
      switch (this.phase) {
        case PHASE_MAGIC:
        case PHASE_FRAME_HEADER:
        case PHASE_SKIP_SIZE:
        case PHASE_CHECKSUM: {
          const take = Math.min(this.hdrNeed - this.hdrLen, n - i);
          this.hdr.set(chunk.subarray(i, i + take), this.hdrLen);
          this.hdrLen += take;
          i += take;
          if (this.hdrLen < this.hdrNeed) break;
          if (this.phase === PHASE_MAGIC) this.onMagic(base + i - 4);
          else if (this.phase === PHASE_FRAME_HEADER) {
            if (this.onFrameHeaderBytes()) run = i;
          } else if (this.phase === PHASE_SKIP_SIZE) this.onSkipSize();
          else {
            this.forward(chunk, run, i, base);
            run = -1;
            this.endFrame(readU32LE(this.hdr, 0), base + i - 4);
          }
          break;
        }
        case PHASE_BLOCK_HEADER: {
          let header: number;
          if (this.hdrLen === 0 && n - i >= 3) {
            header = (chunk[i] as number) | ((chunk[i + 1] as number) << 8) | ((chunk[i + 2] as number) << 16);
            i += 3;
          } else {
            const take = Math.min(3 - this.hdrLen, n - i);
            this.hdr.set(chunk.subarray(i, i + take), this.hdrLen);
            this.hdrLen += take;
            i += take;
            if (this.hdrLen < 3) break;
            header = (this.hdr[0] as number) | ((this.hdr[1] as number) << 8) | ((this.hdr[2] as number) << 16);
            this.hdrLen = 0;
          }
          this.onBlockHeader(header, base + i - 3);
          if (this.remaining === 0 && this.blockDone()) {
            this.forward(chunk, run, i, base);
            run = -1;
            this.endFrame(undefined, base + i);
          }
          break;
        }
        case PHASE_BLOCK_BODY: {
          const take = Math.min(this.remaining, n - i);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0 && this.blockDone()) {
            this.forward(chunk, run, i, base);
            run = -1;
            this.endFrame(undefined, base + i);
          }
          break;
        }
        case PHASE_SKIP_BODY: {
          const take = Math.min(this.remaining, n - i);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) this.expectMagic();
          break;
        }
        default:
          throw new ZstdError('closed', 'the decompressor was already ended');
      }
    }
    if (run >= 0) this.forward(chunk, run, n, base);
  }

  private forward(chunk: Uint8Array, from: number, to: number, base: number): void {
    if (from < 0 || to <= from) return;
    try {
      this.decoder.feed(chunk.subarray(from, to));
    } catch (error) {
      this.fail(error, base + from);
    }
  }

  private expectMagic(): void {
    this.phase = PHASE_MAGIC;
    this.hdrLen = 0;
    this.hdrNeed = 4;
  }

  private onMagic(at: number): void {
    const magic = readU32LE(this.hdr, 0);
    if (magic === ZSTD_FRAME_MAGIC) {
      this.frameIndex += 1;
      this.frameStart = at;
      this.phase = PHASE_FRAME_HEADER;
      this.hdrNeed = 5;
    } else if (isSkippableMagic(magic)) {
      this.structStart = at;
      this.phase = PHASE_SKIP_SIZE;
      this.hdrLen = 0;
      this.hdrNeed = 4;
    } else {
      const hex = Array.from(this.hdr.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new ZstdError(
        'corrupt',
        `expected a zstd frame (28 b5 2f fd) or skippable frame (5x 2a 4d 18) magic number, found ${hex}${at === 0 ? ': the input is not zstd' : ' after the previous frame'}`,
        at,
      );
    }
  }

  /** Called when `hdrNeed` header bytes are in; returns true once the whole frame header was handled. */
  private onFrameHeaderBytes(): boolean {
    if (this.hdrNeed === 5) {
      this.hdrNeed = 4 + frameHeaderSize(this.hdr[4] as number);
      return false;
    }
    const at = this.frameStart;
    const header = parseFrameHeader(this.hdr.subarray(0, this.hdrNeed));
    if (typeof header === 'string') throw new ZstdError('corrupt', `zstd frame ${this.frameIndex}: ${header}`, at);
    if (header.dictionaryId !== 0) {
      throw new ZstdError(
        'unsupported',
        `zstd frame ${this.frameIndex} needs dictionary ${header.dictionaryId}; dictionaries are not supported`,
        at,
      );
    }
    if (header.windowSize > this.maxWindowSize) {
      throw new ZstdError(
        'window-too-large',
        `zstd frame ${this.frameIndex} needs a ${header.windowSize}-byte window, more than maxWindowSize (${this.maxWindowSize}); raise maxWindowSize if the input is trusted`,
        at,
      );
    }
    this.frame = header;
    this.frameOut = 0;
    try {
      this.decoder.begin(this.hdr.slice(0, this.hdrNeed), header);
    } catch (error) {
      this.fail(error, at);
    }
    this.phase = PHASE_BLOCK_HEADER;
    this.hdrLen = 0;
    return true;
  }

  private onBlockHeader(header: number, at: number): void {
    const type = (header >>> 1) & 3;
    const size = header >>> 3;
    if (type === BLOCK_TYPE_RESERVED) {
      throw new ZstdError('corrupt', `zstd frame ${this.frameIndex}: block with the reserved block type 3`, at);
    }
    if (size > ZSTD_MAX_BLOCK_SIZE) {
      throw new ZstdError(
        'corrupt',
        `zstd frame ${this.frameIndex}: block of ${size} bytes, more than the 128 KiB maximum`,
        at,
      );
    }
    this.structStart = at;
    this.lastBlock = (header & 1) === 1;
    this.remaining = type === BLOCK_TYPE_RLE ? 1 : size;
    this.phase = PHASE_BLOCK_BODY;
  }

  /** Moves past a finished block; returns true when the frame ends here (last block, no checksum). */
  private blockDone(): boolean {
    if (!this.lastBlock) {
      this.phase = PHASE_BLOCK_HEADER;
      this.hdrLen = 0;
      return false;
    }
    if (this.frame?.hasChecksum) {
      this.phase = PHASE_CHECKSUM;
      this.hdrLen = 0;
      this.hdrNeed = 4;
      return false;
    }
    return true;
  }

  private endFrame(checksum: number | undefined, at: number): void {
    try {
      this.decoder.finish(checksum);
    } catch (error) {
      this.fail(error, checksum === undefined ? this.frameStart : at);
    }
    const declared = this.frame?.contentSize;
    if (declared !== undefined && this.frameOut !== declared) {
      throw new ZstdError(
        'corrupt',
        `zstd frame ${this.frameIndex} (starts at byte ${this.frameStart}) declares ${declared} content bytes but decodes to ${this.frameOut}`,
        this.frameStart,
      );
    }
    this.frame = undefined;
    this.expectMagic();
  }

  private onSkipSize(): void {
    this.remaining = readU32LE(this.hdr, 0);
    this.phase = PHASE_SKIP_BODY;
    if (this.remaining === 0) this.expectMagic();
  }
}

/**
 * Creates a sans-I/O streaming zstd decompressor. Handles several frames back to back, skippable frames
 * between them (dropped), frames with or without a declared content size and with or without an XXH64
 * checksum, and input split at any byte. Memory stays bounded: one window (at most `maxWindowSize`) plus one
 * block, whatever the input length.
 *
 * @param options - backend, window and output limits, checksum checking
 * @returns a decompressor; feed it with `push`, finish with `end`
 * @throws {@link ZstdError} `backend-unavailable` when `backend: 'native'` is forced where it cannot load,
 *   `invalid-argument` for bad limits
 *
 * @example
 * ```ts
 * const z = createZstdDecompressor();
 * for await (const chunk of fileChunks) for (const out of z.push(chunk)) dbn.push(out);
 * z.end(); // throws ZstdError { code: 'truncated' } if the file was cut inside a frame
 * ```
 */
export function createZstdDecompressor(options?: ZstdDecompressorOptions): ZstdDecompressor {
  return new StreamingDecompressor(options);
}

/** Joins chunks into one array (returns the only chunk as is). */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = allocOutput(total);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/**
 * Decompresses a whole zstd stream (every frame, skippable frames dropped) in one call.
 *
 * @param bytes - zstd-compressed bytes (one or more frames)
 * @param options - backend, window and output limits, checksum checking
 * @returns the concatenated content of all frames
 * @throws {@link ZstdError} on corrupt or truncated input
 *
 * @example
 * ```ts
 * const dbn = decompress(readFileSync('test_data.mbp-10.v3.dbn.zst'));
 * ```
 */
export function decompress(bytes: Uint8Array, options?: ZstdDecompressorOptions): Uint8Array {
  const z = createZstdDecompressor(options);
  const chunks = z.push(bytes);
  for (const c of z.end()) chunks.push(c);
  return concatChunks(chunks);
}
