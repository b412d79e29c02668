/**
 * Per-backend frame decoders behind the streaming decompressor. The decompressor parses frame and block
 * structure itself and hands each backend the bytes of one frame at a time (magic + header first, then block
 * headers, block bodies and checksum in any split); the backend emits decompressed chunks through `emit`.
 *
 * Faults are thrown as `ZstdError` without an offset (or as the backend's own error); the decompressor adds the
 * compressed offset.
 *
 * @module
 */

import { Decompress } from 'fzstd';
import type { NativeBinding } from './backend.js';
import { ZstdError } from './errors.js';
import type { FrameHeader } from './frame.js';
import { Xxh64 } from './xxhash64.js';

/** Receives decompressed bytes. */
export type Emit = (chunk: Uint8Array) => void;

/** Decodes zstd frames one at a time. */
export interface FrameDecoder {
  /** Starts a frame: `header` is its magic and frame header (a private copy the decoder may keep). */
  begin(header: Uint8Array, info: FrameHeader): void;
  /** Feeds the next bytes of the current frame; the decoder must not keep `bytes` after returning. */
  feed(bytes: Uint8Array): void;
  /** Ends the frame after its last byte was fed; `checksum` is the stored value when the frame has one. */
  finish(checksum: number | undefined): void;
}

/** Size of the output buffers the native decoder fills (views of them are emitted). */
const NATIVE_OUTPUT_BUFFER = 256 * 1024;

/** Uninitialised memory on Node.js (the native backend only runs there), zeroed memory elsewhere. */
export function allocOutput(size: number): Uint8Array {
  const nodeBuffer = (globalThis as { Buffer?: { allocUnsafe(n: number): Uint8Array } }).Buffer;
  if (nodeBuffer === undefined) return new Uint8Array(size);
  const b = nodeBuffer.allocUnsafe(size);
  return new Uint8Array(b.buffer, b.byteOffset, size);
}

/** libzstd through zstd-napi's streaming `ZSTD_decompressStream`. */
export class NativeFrameDecoder implements FrameDecoder {
  private readonly dctx: InstanceType<NativeBinding['DCtx']>;
  private readonly emit: Emit;
  private out: Uint8Array = new Uint8Array(0);
  private outPos = 0;
  /** libzstd's last return value: 0 once a frame is fully decoded and flushed. */
  private hint = 0;
  /** Output buffers reused from one `push` to the next (only with `reuseOutput`). */
  private readonly pool: Uint8Array[] | undefined;
  private poolNext = 0;

  constructor(binding: NativeBinding, maxWindowSize: number, emit: Emit, reuseOutput = false) {
    this.pool = reuseOutput ? [] : undefined;
    this.dctx = new binding.DCtx();
    const windowLogMax = Math.min(31, Math.max(10, Math.ceil(Math.log2(maxWindowSize))));
    this.dctx.setParameter(binding.DParameter.windowLogMax, windowLogMax);
    this.emit = emit;
  }

  begin(header: Uint8Array): void {
    this.feed(header);
  }

  feed(bytes: Uint8Array): void {
    let src = bytes;
    for (;;) {
      if (this.outPos === this.out.length) {
        this.out = this.nextOutputBuffer();
        this.outPos = 0;
      }
      const room = this.out.length - this.outPos;
      const [hint, produced, consumed] = this.dctx.decompressStream(this.out.subarray(this.outPos), src);
      // A call that moves nothing (the final flush check) reports the next frame's needs: keep the last real one.
      if (produced > 0 || consumed > 0) this.hint = hint;
      if (produced > 0) {
        this.emit(this.out.subarray(this.outPos, this.outPos + produced));
        this.outPos += produced;
      }
      if (consumed > 0) src = src.subarray(consumed);
      // Done when all input is taken and the output was not filled (nothing left to flush).
      if (src.length === 0 && produced < room) return;
      if (consumed === 0 && produced === 0) {
        throw new ZstdError('corrupt', 'libzstd made no progress on the input');
      }
    }
  }

  /** With `reuseOutput`: the caller is done with every chunk emitted so far; their memory is reused. */
  recycle(): void {
    if (this.pool === undefined) return;
    this.poolNext = 0;
    this.out = new Uint8Array(0);
    this.outPos = 0;
  }

  private nextOutputBuffer(): Uint8Array {
    if (this.pool === undefined) return allocOutput(NATIVE_OUTPUT_BUFFER);
    let buffer = this.pool[this.poolNext];
    if (buffer === undefined) {
      buffer = allocOutput(NATIVE_OUTPUT_BUFFER);
      this.pool.push(buffer);
    }
    this.poolNext++;
    return buffer;
  }

  finish(): void {
    if (this.hint !== 0) {
      throw new ZstdError('corrupt', 'the frame structure ends but libzstd expects more data for it');
    }
  }
}

/** Pure JavaScript decoding with fzstd; content size and XXH64 checksum checked here. */
export class FallbackFrameDecoder implements FrameDecoder {
  private readonly emit: Emit;
  private readonly hash: Xxh64 | undefined;
  private decoder: Decompress | undefined;

  constructor(verifyChecksum: boolean, emit: Emit) {
    this.emit = emit;
    this.hash = verifyChecksum ? new Xxh64() : undefined;
  }

  begin(header: Uint8Array): void {
    const hash = this.hash;
    hash?.reset();
    this.decoder = new Decompress((chunk) => {
      if (chunk.length === 0) return;
      hash?.update(chunk);
      this.emit(chunk);
    });
    this.decoder.push(header);
  }

  feed(bytes: Uint8Array): void {
    // fzstd keeps references to input it has not decoded yet: give it a private copy.
    this.decoder?.push(bytes.slice());
  }

  finish(checksum: number | undefined): void {
    this.decoder?.push(new Uint8Array(0), true);
    this.decoder = undefined;
    if (checksum !== undefined && this.hash !== undefined) {
      const actual = this.hash.digestLow32();
      if (actual !== checksum) {
        throw new ZstdError(
          'checksum',
          `content checksum mismatch: the frame stores 0x${checksum.toString(16).padStart(8, '0')}, the decoded content hashes to 0x${actual.toString(16).padStart(8, '0')}`,
        );
      }
    }
  }
}
