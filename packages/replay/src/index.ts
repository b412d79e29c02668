/**
 * `@spymaster/replay`: a complete DBN codec for JavaScript and the replay engine.
 *
 * - DBN v1–v3 decoding (object API and zero-copy cursor) and encoding, plain and zstd, streaming with
 *   bounded memory, typed errors with byte offsets (`dbn/*`)
 * - ES symbology: front month, roll window, 0DTE option selection, instrument maps (`symbology/*`)
 * - normalization of DBN records to canonical events (`normalize/*`)
 * - event-time merge, replay clock and the live reorder buffer (`replay/*`)
 *
 * File paths and file writers are in `@spymaster/replay/node`.
 *
 * @example
 * ```ts
 * import { decodeDbn } from '@spymaster/replay';
 * const { metadata, records } = decodeDbn(bytes); // plain or zstd
 * ```
 *
 * @packageDocumentation
 */
export * from './dbn/constants.js';
export { RecordCursor } from './dbn/cursor.js';
export { DbnDecoder, type DbnDecoderOptions, type DecodeStep } from './dbn/decoder.js';
export { DbnRecordEncoder, encodeDbn, type RecordEncoderOptions } from './dbn/encoder.js';
export { DbnDecodeError, DbnEncodeError, type DbnErrorLocation } from './dbn/errors.js';
export * from './dbn/json.js';
export * from './dbn/layouts.js';
export * from './dbn/metadata.js';
export {
  type Compression,
  type DbnSource,
  DbnStream,
  type DecodeOptions,
  decodeDbn,
  forEachRecordSync,
  openDbn,
} from './dbn/open.js';
export * from './dbn/records.js';
export { type DbnDocument, decodeDbnPlain, forEachDbnRecord } from './dbn/sync.js';
export { errorCodeFromText, systemCodeFromText, upgradeRecordObject, upgradeTarget } from './dbn/upgrade.js';
export * from './normalize/normalizer.js';
export * from './normalize/pipeline.js';
export * from './replay/index.js';
export * from './symbology/index.js';
export * from './zstd/index.js';
