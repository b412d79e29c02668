/**
 * Synchronous decoding of in-memory DBN bytes (plain; compressed input goes through the zstd layer first).
 *
 * @module
 */
import type { RecordCursor } from './cursor.js';
import { DbnDecoder, type DbnDecoderOptions } from './decoder.js';
import type { Metadata } from './metadata.js';
import type { DbnRecord, PriceMode } from './records.js';

/** A decoded DBN document: metadata (null for a fragment) and records. */
export interface DbnDocument<P extends PriceMode = 'bigint'> {
  /** The metadata, or null for a fragment. */
  metadata: Metadata | null;
  /** Every record, in stream order. */
  records: DbnRecord<P>[];
}

/**
 * Visit every record of decompressed DBN bytes with the zero-copy cursor; returns the metadata. The cursor
 * is only valid inside the callback.
 */
export function forEachDbnRecord(
  bytes: Uint8Array,
  options: DbnDecoderOptions,
  visit: (cursor: RecordCursor) => void,
): Metadata | null {
  const decoder = new DbnDecoder(options);
  decoder.push(bytes);
  decoder.finish();
  for (;;) {
    const step = decoder.next();
    if (step.type === 'record') visit(step.cursor);
    else if (step.type === 'end') return decoder.metadata;
  }
}

/** Decode decompressed DBN bytes into plain objects. Throws `DbnDecodeError` on corrupt input. */
export function decodeDbnPlain<P extends PriceMode = 'bigint'>(
  bytes: Uint8Array,
  options: DbnDecoderOptions & { prices?: P } = {},
): DbnDocument<P> {
  const records: DbnRecord<P>[] = [];
  const metadata = forEachDbnRecord(bytes, options, (cursor) => {
    records.push(cursor.toObject() as DbnRecord<P>);
  });
  return { metadata, records };
}
