/**
 * The zstd layer of the DBN codec (spec: shared/spec/dbn-format.md §10): streaming and one-shot
 * decompression of multi-frame zstd (skippable frames, frames with or without content size and checksum),
 * compression, detection, and backend selection (native libzstd on Node.js, JavaScript/WebAssembly fallback
 * elsewhere). Measurements behind the choice: bench/ZSTD-CHOICE.md.
 *
 * @module
 */

export {
  loadZstd,
  type ZstdBackendChoice,
  type ZstdBackendName,
  type ZstdBackendOptions,
  zstdBackend,
} from './backend.js';
export {
  compress,
  createZstdCompressor,
  ZSTD_DEFAULT_LEVEL,
  ZSTD_FALLBACK_FRAME_SIZE,
  ZSTD_MAX_LEVEL,
  ZSTD_MIN_LEVEL,
  type ZstdCompressor,
} from './compress.js';
export {
  createZstdDecompressor,
  decompress,
  type ZstdDecompressor,
  type ZstdDecompressorOptions,
} from './decompress.js';
export { ZstdError, type ZstdErrorCode } from './errors.js';
export { isZstd, ZSTD_DEFAULT_MAX_WINDOW_SIZE, ZSTD_FRAME_MAGIC, ZSTD_SKIPPABLE_MAGIC_MIN } from './frame.js';
