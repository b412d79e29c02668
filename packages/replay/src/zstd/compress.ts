/**
 * zstd compression, one-shot and streaming (spec: shared/spec/dbn-format.md §10: "compressing the whole stream
 * into one frame is enough"; decoders compare decompressed bytes, never compressed ones).
 *
 * Native: one frame with an XXH64 content checksum, like the zstd CLI and Databento's encoder. Fallback
 * (WebAssembly, needs `await loadZstd()` first): independent frames of at most
 * {@link ZSTD_FALLBACK_FRAME_SIZE} input bytes each, so memory stays bounded; any zstd decoder reads the
 * concatenation as one stream.
 *
 * @module
 */

import {
  nativeBinding,
  resolveBackend,
  wasmCompressor,
  type ZstdBackendName,
  type ZstdBackendOptions,
} from './backend.js';
import { allocOutput } from './decoders.js';
import { concatChunks } from './decompress.js';
import { ZstdError } from './errors.js';

/** Default compression level, as in the zstd CLI. */
export const ZSTD_DEFAULT_LEVEL = 3;

/** Lowest accepted level (libzstd's `ZSTD_minCLevel()`; negative levels trade ratio for speed). */
export const ZSTD_MIN_LEVEL = -131072;

/** Highest accepted level. */
export const ZSTD_MAX_LEVEL = 22;

/** Input bytes per frame of the fallback (WebAssembly) compressor. */
export const ZSTD_FALLBACK_FRAME_SIZE = 4 * 1024 * 1024;

/** Size of the output buffers the native compressor fills (views of them are emitted). */
const NATIVE_OUTPUT_BUFFER = 128 * 1024;

/** A streaming zstd compressor, created by {@link createZstdCompressor}. */
export interface ZstdCompressor {
  /** The backend compressing this stream. */
  readonly backend: ZstdBackendName;
  /** The compression level. */
  readonly level: number;
  /**
   * Feeds bytes to compress; returns the compressed chunks that became available (often none: the compressor
   * buffers up to a block or frame). The chunk is not kept after the call returns.
   */
  push(chunk: Uint8Array): Uint8Array[];
  /** Ends the stream and returns the remaining compressed chunks (at least the end of the frame). */
  end(): Uint8Array[];
}

function checkLevel(level: number): number {
  if (!Number.isInteger(level) || level < ZSTD_MIN_LEVEL || level > ZSTD_MAX_LEVEL) {
    throw new ZstdError(
      'invalid-argument',
      `zstd level must be an integer from ${ZSTD_MIN_LEVEL} to ${ZSTD_MAX_LEVEL}, got ${String(level)}`,
    );
  }
  return level;
}

function checkInput(bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new ZstdError('invalid-argument', `expected a Uint8Array, got ${typeof bytes}`);
  }
}

function wrap(error: unknown): ZstdError {
  if (ZstdError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ZstdError('corrupt', `compression failed: ${message}`, -1, { cause: error });
}

class NativeCompressor implements ZstdCompressor {
  readonly backend = 'native' as const;
  readonly level: number;
  private readonly cctx: InstanceType<ReturnType<typeof nativeBinding>['CCtx']>;
  private readonly continueOp: number;
  private readonly endOp: number;
  private out: Uint8Array = new Uint8Array(0);
  private outPos = 0;
  private closed = false;

  constructor(level: number) {
    const binding = nativeBinding();
    this.level = level;
    this.cctx = new binding.CCtx();
    this.cctx.setParameter(binding.CParameter.compressionLevel, level);
    this.cctx.setParameter(binding.CParameter.checksumFlag, 1);
    this.continueOp = binding.EndDirective.continue;
    this.endOp = binding.EndDirective.end;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    checkInput(chunk);
    this.checkOpen();
    const out: Uint8Array[] = [];
    if (chunk.length > 0) this.run(chunk, this.continueOp, out);
    return out;
  }

  end(): Uint8Array[] {
    this.checkOpen();
    this.closed = true;
    const out: Uint8Array[] = [];
    this.run(new Uint8Array(0), this.endOp, out);
    return out;
  }

  private checkOpen(): void {
    if (this.closed) throw new ZstdError('closed', 'the compressor was already ended');
  }

  private run(input: Uint8Array, op: number, out: Uint8Array[]): void {
    let src = input;
    try {
      for (;;) {
        if (this.outPos === this.out.length) {
          this.out = allocOutput(NATIVE_OUTPUT_BUFFER);
          this.outPos = 0;
        }
        const room = this.out.length - this.outPos;
        const [left, produced, consumed] = this.cctx.compressStream2(this.out.subarray(this.outPos), src, op);
        if (produced > 0) {
          out.push(this.out.subarray(this.outPos, this.outPos + produced));
          this.outPos += produced;
        }
        if (consumed > 0) src = src.subarray(consumed);
        const done = op === this.endOp ? left === 0 : src.length === 0 && produced < room;
        if (done) return;
      }
    } catch (error) {
      this.closed = true;
      throw wrap(error);
    }
  }
}

class FallbackCompressor implements ZstdCompressor {
  readonly backend = 'fallback' as const;
  readonly level: number;
  private readonly wasm = wasmCompressor();
  private readonly frameSize: number;
  private batch: Uint8Array;
  private used = 0;
  private frames = 0;
  private closed = false;

  constructor(level: number, frameSize = ZSTD_FALLBACK_FRAME_SIZE) {
    this.level = level;
    this.frameSize = frameSize;
    this.batch = new Uint8Array(0);
  }

  push(chunk: Uint8Array): Uint8Array[] {
    checkInput(chunk);
    if (this.closed) throw new ZstdError('closed', 'the compressor was already ended');
    const out: Uint8Array[] = [];
    let p = 0;
    while (p < chunk.length) {
      if (this.used === 0 && chunk.length - p >= this.frameSize) {
        // Whole frames straight from the input, no copy.
        out.push(this.frame(chunk.subarray(p, p + this.frameSize)));
        p += this.frameSize;
        continue;
      }
      if (this.batch.length === 0) this.batch = new Uint8Array(this.frameSize);
      const take = Math.min(this.frameSize - this.used, chunk.length - p);
      this.batch.set(chunk.subarray(p, p + take), this.used);
      this.used += take;
      p += take;
      if (this.used === this.frameSize) {
        out.push(this.frame(this.batch));
        this.used = 0;
      }
    }
    return out;
  }

  end(): Uint8Array[] {
    if (this.closed) throw new ZstdError('closed', 'the compressor was already ended');
    this.closed = true;
    // Always end with a frame, so that even empty input gives a valid zstd stream.
    if (this.used > 0 || this.frames === 0) {
      const last = this.frame(this.batch.subarray(0, this.used));
      this.used = 0;
      this.batch = new Uint8Array(0);
      return [last];
    }
    return [];
  }

  private frame(bytes: Uint8Array): Uint8Array {
    try {
      this.frames += 1;
      return this.wasm.compress(bytes, this.level);
    } catch (error) {
      this.closed = true;
      throw wrap(error);
    }
  }
}

/**
 * Creates a streaming zstd compressor. Its output, the concatenation of every returned chunk, is a zstd
 * stream that `zstd -d` and any zstd decoder read.
 *
 * @param level - compression level, default {@link ZSTD_DEFAULT_LEVEL} (3); integers up to 22, negative for
 *   faster
 * @param options - backend; the fallback needs `await loadZstd()` first
 * @returns a compressor; feed it with `push`, finish with `end`
 * @throws {@link ZstdError} `invalid-argument` for a bad level, `backend-unavailable` when the chosen backend
 *   is not ready
 *
 * @example
 * ```ts
 * const z = createZstdCompressor(3);
 * for (const part of parts) for (const c of z.push(part)) out.write(c);
 * for (const c of z.end()) out.write(c);
 * ```
 */
export function createZstdCompressor(level: number = ZSTD_DEFAULT_LEVEL, options?: ZstdBackendOptions): ZstdCompressor {
  checkLevel(level);
  return resolveBackend(options?.backend) === 'native' ? new NativeCompressor(level) : new FallbackCompressor(level);
}

/**
 * Compresses bytes in one call. Native: one frame that declares its content size and carries an XXH64
 * checksum. Fallback: frames of {@link ZSTD_FALLBACK_FRAME_SIZE} input bytes (needs `await loadZstd()`).
 *
 * @param bytes - data to compress
 * @param level - compression level, default {@link ZSTD_DEFAULT_LEVEL} (3)
 * @param options - backend
 * @returns the zstd stream
 * @throws {@link ZstdError} `invalid-argument` for a bad level, `backend-unavailable` when the chosen backend
 *   is not ready
 *
 * @example
 * ```ts
 * writeFileSync('out.dbn.zst', compress(dbnBytes)); // level 3
 * ```
 */
export function compress(
  bytes: Uint8Array,
  level: number = ZSTD_DEFAULT_LEVEL,
  options?: ZstdBackendOptions,
): Uint8Array {
  checkInput(bytes);
  checkLevel(level);
  if (resolveBackend(options?.backend) === 'native') {
    const binding = nativeBinding();
    try {
      const cctx = new binding.CCtx();
      cctx.setParameter(binding.CParameter.compressionLevel, level);
      cctx.setParameter(binding.CParameter.checksumFlag, 1);
      const dst = allocOutput(binding.compressBound(bytes.length));
      const n = cctx.compress2(dst, bytes);
      return dst.slice(0, n);
    } catch (error) {
      throw wrap(error);
    }
  }
  const z = new FallbackCompressor(level);
  const chunks = z.push(bytes);
  for (const c of z.end()) chunks.push(c);
  return concatChunks(chunks);
}
