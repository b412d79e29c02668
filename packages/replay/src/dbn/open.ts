/**
 * Drivers around the sans-I/O decoder: in-memory bytes (sync), web `ReadableStream`s and any
 * `AsyncIterable<Uint8Array>` (Node `Readable` streams included), plain or zstd (detected from the first
 * bytes). File paths are in `@spymaster/replay/node`.
 *
 * @module
 */
import { createZstdDecompressor, decompress, isZstd } from '../zstd/index.js';
import type { RecordCursor } from './cursor.js';
import { DbnDecoder, type DbnDecoderOptions } from './decoder.js';
import type { Metadata } from './metadata.js';
import type { DbnRecord, PriceMode } from './records.js';
import { type DbnDocument, forEachDbnRecord } from './sync.js';

/** How the input is compressed: detected from its first bytes by default. */
export type Compression = 'auto' | 'zstd' | 'none';

/** Options of the decoding drivers. */
export interface DecodeOptions<P extends PriceMode = 'bigint'> extends DbnDecoderOptions {
  /** Compression of the input (default `auto`: zstd frame or skippable-frame magic means zstd). */
  compression?: Compression;
  /** Price representation of record objects. */
  prices?: P;
}

/** Decompressor output is reused: every decompressed chunk is decoded before more input is fed. */
const REUSE = { reuseOutput: true } as const;

/** Records per batch of {@link DbnStream.batches}. */
const DEFAULT_BATCH = 256;

/** Anything the async drivers read: a web stream, an async iterable of chunks, or one buffer. */
export type DbnSource =
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>
  | Uint8Array
  | ArrayBuffer;

function toBytes(chunk: Uint8Array | ArrayBuffer): Uint8Array {
  return chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk);
}

/**
 * Decode in-memory DBN bytes, plain or zstd, into plain objects.
 *
 * @example
 * ```ts
 * const { metadata, records } = decodeDbn(readFileSync('trades.dbn.zst'));
 * ```
 */
export function decodeDbn<P extends PriceMode = 'bigint'>(
  bytes: Uint8Array | ArrayBuffer,
  options: DecodeOptions<P> = {},
): DbnDocument<P> {
  const records: DbnRecord<P>[] = [];
  const metadata = forEachRecordSync(bytes, options, (cursor) => {
    records.push(cursor.toObject() as DbnRecord<P>);
  });
  return { metadata, records };
}

/**
 * Visit every record of in-memory DBN bytes (plain or zstd) with the zero-copy cursor, synchronously;
 * returns the metadata. The fastest way through a buffer.
 */
export function forEachRecordSync(
  bytes: Uint8Array | ArrayBuffer,
  options: DecodeOptions<PriceMode>,
  visit: (cursor: RecordCursor) => void,
): Metadata | null {
  const input = toBytes(bytes);
  const zstd = options.compression === 'zstd' || ((options.compression ?? 'auto') === 'auto' && isZstd(input));
  return forEachDbnRecord(zstd ? decompress(input) : input, options, visit);
}

async function* chunksOf(source: DbnSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    yield toBytes(source);
    return;
  }
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value && value.length > 0) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const chunk of source as AsyncIterable<Uint8Array>) {
    if (chunk.length > 0) yield toBytes(chunk);
  }
}

/** Decompressed chunks of a source: zstd is detected on the first chunk(s) and decompressed as it streams. */
async function* decompressedChunks(source: DbnSource, compression: Compression): AsyncGenerator<Uint8Array> {
  let decompressor: ReturnType<typeof createZstdDecompressor> | null = null;
  let decided = compression !== 'auto';
  if (compression === 'zstd') decompressor = createZstdDecompressor(REUSE);
  let head: Uint8Array | null = null;
  for await (const chunk of chunksOf(source)) {
    let input = chunk;
    if (!decided) {
      // Four bytes tell zstd (frame or skippable frame) from plain DBN.
      input = head ? concat(head, chunk) : chunk;
      if (input.length < 4) {
        head = input.slice();
        continue;
      }
      head = null;
      decided = true;
      if (isZstd(input)) decompressor = createZstdDecompressor(REUSE);
    }
    if (decompressor) yield* decompressSliced(decompressor, input);
    else yield input;
  }
  if (!decided && head) {
    if (isZstd(head)) decompressor = createZstdDecompressor(REUSE);
    if (decompressor) for (const out of decompressor.push(head)) yield out;
    else yield head;
  }
  if (decompressor) for (const out of decompressor.end()) yield out;
}

/**
 * Compressed bytes fed to the decompressor per call. A file read is 4 MiB, which decompresses to some 60 MiB of
 * market data; feeding it in slices keeps the decompressed output (and the reused output buffers) at a few MiB
 * per stream, decoded before the next slice is decompressed.
 */
const ZSTD_INPUT_SLICE = 128 * 1024;

function* decompressSliced(
  decompressor: ReturnType<typeof createZstdDecompressor>,
  input: Uint8Array,
): Generator<Uint8Array> {
  for (let at = 0; at < input.length; at += ZSTD_INPUT_SLICE) {
    const slice = at === 0 && input.length <= ZSTD_INPUT_SLICE ? input : input.subarray(at, at + ZSTD_INPUT_SLICE);
    for (const out of decompressor.push(slice)) yield out;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * A DBN stream being decoded: metadata up front, then records as objects (`for await`) or through the
 * zero-copy cursor ({@link forEach}). Reads its source lazily, one chunk at a time, so memory stays bounded
 * and the source's backpressure is respected.
 */
export class DbnStream<P extends PriceMode = 'bigint'> implements AsyncIterable<DbnRecord<P>> {
  /** The metadata (null for fragments). */
  readonly metadata: Metadata | null;
  readonly #decoder: DbnDecoder;
  readonly #chunks: AsyncGenerator<Uint8Array>;
  #used = false;

  /** @internal Use {@link openDbn}. */
  constructor(decoder: DbnDecoder, chunks: AsyncGenerator<Uint8Array>) {
    this.#decoder = decoder;
    this.#chunks = chunks;
    this.metadata = decoder.metadata;
  }

  /** Records delivered so far. */
  get recordCount(): number {
    return this.#decoder.recordCount;
  }

  #claim(): void {
    if (this.#used) throw new Error('a DbnStream can be read once');
    this.#used = true;
  }

  /**
   * Push API for hot loops: `visit` is called synchronously for every record with the shared zero-copy
   * cursor (valid only during the call); the only awaits are per input chunk.
   */
  async forEach(visit: (cursor: RecordCursor) => void): Promise<void> {
    this.#claim();
    const decoder = this.#decoder;
    const drain = () => {
      for (;;) {
        const step = decoder.next();
        if (step.type === 'record') visit(step.cursor);
        else return step.type;
      }
    };
    if (drain() === 'end') return;
    for await (const chunk of this.#chunks) {
      decoder.push(chunk);
      drain();
    }
    decoder.finish();
    drain();
  }

  /**
   * Pull form of {@link forEach}, for consumers that interleave several streams: each step decodes up to
   * `maxRecords` records (default: the rest of the current decompressed chunk, 128 KiB at most) through
   * `visit`, synchronously with the shared zero-copy cursor, then yields how many it visited (0 when the step
   * only read input). Input is read only once the decoded bytes are used up. Stopping early (`break` out of
   * `for await`, or `return()`) closes the source.
   *
   * @example
   * ```ts
   * let trades = 0;
   * for await (const _ of stream.visitChunks((c) => { if (c.rtype === RTYPE.MBP_0) trades++; }, 256)) {
   *   if (trades > 1000) break;
   * }
   * ```
   */
  async *visitChunks(
    visit: (cursor: RecordCursor) => void,
    maxRecords = Number.POSITIVE_INFINITY,
  ): AsyncGenerator<number, void, undefined> {
    this.#claim();
    const decoder = this.#decoder;
    let state = 'record' as 'record' | 'need-more' | 'end';
    const drain = (): number => {
      let n = 0;
      while (n < maxRecords) {
        const step = decoder.next();
        if (step.type !== 'record') {
          state = step.type === 'end' ? 'end' : 'need-more';
          return n;
        }
        visit(step.cursor);
        n++;
      }
      state = 'record';
      return n;
    };
    const chunks = this.#chunks;
    try {
      for (;;) {
        // Records already buffered (while the header was read, or left by the last step) come first.
        yield drain();
        if (state === 'end') return;
        if (state === 'need-more') {
          const next = await chunks.next();
          if (next.done) decoder.finish();
          else decoder.push(next.value);
        }
      }
    } finally {
      await chunks.return(undefined);
    }
  }

  /**
   * Records as plain objects in arrays of at most `maxBatch`: the bulk object API (no await per record).
   *
   * @example
   * ```ts
   * for await (const batch of stream.batches()) for (const record of batch) use(record);
   * ```
   */
  async *batches(maxBatch = DEFAULT_BATCH): AsyncGenerator<DbnRecord<P>[]> {
    this.#claim();
    const decoder = this.#decoder;
    // Small batches keep the objects short-lived (young-generation garbage), which is much cheaper than
    // one batch per megabyte of input.
    let ended = false;
    const drain = (): DbnRecord<P>[] | null => {
      const batch: DbnRecord<P>[] = [];
      while (batch.length < maxBatch) {
        const step = decoder.next();
        if (step.type === 'record') batch.push(step.cursor.toObject() as DbnRecord<P>);
        else {
          if (step.type === 'end') ended = true;
          return batch.length > 0 ? batch : null;
        }
      }
      return batch;
    };
    const drainAll = async function* (): AsyncGenerator<DbnRecord<P>[]> {
      for (let batch = drain(); batch !== null; batch = drain()) {
        yield batch;
        if (batch.length < maxBatch) return;
      }
    };
    yield* drainAll();
    if (ended) return;
    for await (const chunk of this.#chunks) {
      decoder.push(chunk);
      yield* drainAll();
    }
    decoder.finish();
    yield* drainAll();
  }

  /** Records as plain objects, one at a time (convenient; {@link batches} is faster for bulk work). */
  [Symbol.asyncIterator](): AsyncIterator<DbnRecord<P>> {
    const batches = this.batches();
    let batch: DbnRecord<P>[] = [];
    let i = 0;
    return {
      next: async () => {
        while (i >= batch.length) {
          const step = await batches.next();
          if (step.done) return { done: true, value: undefined };
          batch = step.value;
          i = 0;
        }
        return { done: false, value: batch[i++] as DbnRecord<P> };
      },
      return: async () => {
        await batches.return(undefined);
        return { done: true, value: undefined };
      },
    };
  }

  /** Stop reading the source early. */
  async close(): Promise<void> {
    await this.#chunks.return(undefined);
  }
}

/**
 * Open a DBN source (web stream, async iterable of chunks — a Node `Readable` is one —, or bytes), plain or
 * zstd, and decode its metadata. For file paths use `openDbnFile` from `@spymaster/replay/node`.
 *
 * @example
 * ```ts
 * const stream = await openDbn(response.body!);
 * console.log(stream.metadata?.schema);
 * for await (const record of stream) if (record.record_type === 'TradeMsg') trades++;
 * ```
 */
export async function openDbn<P extends PriceMode = 'bigint'>(
  source: DbnSource,
  options: DecodeOptions<P> = {},
): Promise<DbnStream<P>> {
  const decoder = new DbnDecoder(options);
  const chunks = decompressedChunks(source, options.compression ?? 'auto');
  if (!options.fragment) {
    for (;;) {
      const step = decoder.next();
      if (step.type === 'metadata') break;
      const next = await chunks.next();
      // Sources may reuse a chunk's memory once the next one is requested; the header can span chunks, so
      // those are copied (records are always drained before the next request, so they need no copy).
      if (next.done) decoder.finish();
      else decoder.push(next.value.slice());
    }
  }
  return new DbnStream<P>(decoder, chunks);
}
