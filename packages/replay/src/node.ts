/**
 * Node.js adapters of the DBN codec: read files by path (streaming, bounded memory), and write DBN files
 * (plain or zstd) record by record. Everything else in `@spymaster/replay` also runs in a browser.
 *
 * @example
 * ```ts
 * import { openDbnFile } from '@spymaster/replay/node';
 * const stream = await openDbnFile('glbx-mbp10.dbn.zst');
 * await stream.forEach((c) => { n++; });
 * ```
 *
 * @module
 */
import { closeSync, createWriteStream, openSync, readFileSync, renameSync, type WriteStream, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { DbnRecordEncoder } from './dbn/encoder.js';
import { DbnDecodeError } from './dbn/errors.js';
import { encodeMetadata, type MetadataInput } from './dbn/metadata.js';
import { type DbnStream, type DecodeOptions, decodeDbn, openDbn } from './dbn/open.js';
import type { DbnRecord, PriceMode } from './dbn/records.js';
import type { DbnDocument } from './dbn/sync.js';
import { createZstdCompressor } from './zstd/index.js';

/** Read size of file streams: large enough that per-chunk overhead vanishes, small enough to stay bounded. */
const READ_CHUNK = 4 << 20;

function withFile<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw DbnDecodeError.is(error) && !error.file ? error.withFile(file) : error;
  }
}

/**
 * The bytes of a file in chunks of two reused buffers: while one chunk is being decoded the next is read
 * into the other buffer (the read runs on libuv's thread pool, so I/O and decoding overlap). A chunk is valid
 * until the next one is requested; the decoding drivers never hold on to one longer (and copy the few they
 * must). Reusing the buffers avoids allocating and page-faulting fresh memory for every chunk.
 */
export async function* readFileChunks(path: string, chunkSize = READ_CHUNK): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  const buffers = [new Uint8Array(chunkSize), new Uint8Array(chunkSize)] as const;
  const read = (buffer: Uint8Array) => handle.read(buffer, 0, chunkSize, null);
  let pending: ReturnType<typeof read> | null = null;
  try {
    let which = 0;
    let next = read(buffers[0]);
    pending = next;
    for (;;) {
      const { bytesRead, buffer } = await next;
      pending = null;
      if (bytesRead === 0) return;
      which ^= 1;
      // Start the next read into the other buffer before handing this one out.
      if (bytesRead === chunkSize) {
        next = read(buffers[which] as Uint8Array);
        pending = next;
      }
      yield bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead);
      if (bytesRead < chunkSize) return;
    }
  } finally {
    if (pending) await pending.catch(() => undefined);
    await handle.close();
  }
}

/** Open a DBN file (plain or zstd) for streaming decoding. Errors name the file. */
export async function openDbnFile<P extends PriceMode = 'bigint'>(
  path: string,
  options: DecodeOptions<P> = {},
): Promise<DbnStream<P>> {
  const chunks = readFileChunks(path);
  try {
    return await openDbn<P>(chunks, { ...options, file: options.file ?? path });
  } catch (error) {
    await chunks.return(undefined);
    throw DbnDecodeError.is(error) && !error.file ? error.withFile(path) : error;
  }
}

/** Read and decode a whole DBN file (plain or zstd) into memory. For large files prefer {@link openDbnFile}. */
export function readDbnFile<P extends PriceMode = 'bigint'>(
  path: string,
  options: DecodeOptions<P> = {},
): DbnDocument<P> {
  const bytes = new Uint8Array(readFileSync(path));
  return withFile(path, () => decodeDbn<P>(bytes, { ...options, file: options.file ?? path }));
}

/** Options of {@link createDbnFileWriter}. */
export interface DbnFileWriterOptions {
  /** zstd-compress the file (default: when the path ends in `.zst`). */
  zstd?: boolean;
  /** zstd level (default 3). */
  level?: number;
  /** Records buffered before a write (default 4096). */
  batchRecords?: number;
}

/** A DBN file being written record by record. */
export interface DbnFileWriter {
  /** Append a record (validated and encoded immediately; written in batches). */
  write(record: DbnRecord<PriceMode>): Promise<void>;
  /** Flush and close; resolves once the file is complete on disk. */
  close(): Promise<void>;
  /** Records written so far. */
  readonly recordCount: number;
}

function writeChunk(out: WriteStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else out.once('drain', resolve);
  });
}

/**
 * Write a DBN file: the header of `metadata`, then records as they come, optionally zstd-compressed as one
 * streaming frame. Respects the file stream's backpressure.
 *
 * @example
 * ```ts
 * const writer = createDbnFileWriter('session.mbp-10.dbn.zst', metadata);
 * for (const r of records) await writer.write(r);
 * await writer.close();
 * ```
 */
export function createDbnFileWriter(
  path: string,
  metadata: MetadataInput,
  options: DbnFileWriterOptions = {},
): DbnFileWriter {
  const zstd = options.zstd ?? path.endsWith('.zst');
  const compressor = zstd ? createZstdCompressor(options.level ?? 3) : null;
  const out = createWriteStream(path);
  const encoder = new DbnRecordEncoder({ version: metadata.version, tsOut: metadata.ts_out });
  const batchRecords = options.batchRecords ?? 4096;
  let buffer = new Uint8Array(batchRecords * 1032);
  let view = new DataView(buffer.buffer);
  let used = 0;
  let pending = 0;
  let count = 0;
  let failed: unknown = null;
  out.on('error', (error) => {
    failed = error;
  });

  const emit = async (bytes: Uint8Array) => {
    if (failed) throw failed;
    const chunks = compressor ? compressor.push(bytes) : [bytes];
    for (const c of chunks) await writeChunk(out, c);
  };
  const header = encodeMetadata(metadata);
  let started: Promise<void> | null = emit(header);

  const flush = async () => {
    if (started) {
      await started;
      started = null;
    }
    if (used === 0) return;
    const bytes = buffer.slice(0, used);
    used = 0;
    pending = 0;
    await emit(bytes);
  };

  return {
    get recordCount() {
      return count;
    },
    async write(record) {
      const size = encoder.sizeOf(record);
      if (used + size > buffer.length) {
        const grown = new Uint8Array(Math.max(buffer.length * 2, used + size));
        grown.set(buffer.subarray(0, used));
        buffer = grown;
        view = new DataView(buffer.buffer);
      }
      used += encoder.encodeInto(record, buffer, used, view);
      count++;
      if (++pending >= batchRecords) await flush();
    },
    async close() {
      await flush();
      if (compressor) for (const c of compressor.end()) await writeChunk(out, c);
      await new Promise<void>((resolve, reject) => {
        out.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
      if (failed) throw failed;
    },
  };
}

/** A DBN file written synchronously, record by record (for batch generators such as the simulator). */
export interface SyncDbnFileWriter {
  /** Append a record (validated and encoded now, written in batches). */
  write(record: DbnRecord<PriceMode>): void;
  /** Flush, close and move the file into place. */
  close(): void;
  /** Records written so far. */
  readonly recordCount: number;
}

/**
 * Write a DBN file synchronously: the header of `metadata`, then records, zstd-compressed as one streaming
 * frame when the path ends in `.zst` (or `options.zstd`). The file is written under a temporary name and
 * renamed on `close()`, so a crash never leaves a truncated file under the final name. Needs the native zstd
 * backend (or `await loadZstd()` first) for compression.
 *
 * @example
 * ```ts
 * const writer = openDbnFileWriterSync('day.trades.dbn.zst', metadata);
 * for (const r of records) writer.write(r);
 * writer.close();
 * ```
 */
export function openDbnFileWriterSync(
  path: string,
  metadata: MetadataInput,
  options: DbnFileWriterOptions = {},
): SyncDbnFileWriter {
  const zstd = options.zstd ?? path.endsWith('.zst');
  const compressor = zstd ? createZstdCompressor(options.level ?? 3) : null;
  const temporary = `${path}.partial`;
  const fd = openSync(temporary, 'w');
  const encoder = new DbnRecordEncoder({ version: metadata.version, tsOut: metadata.ts_out });
  const capacity = (options.batchRecords ?? 4096) * 1032;
  const buffer = new Uint8Array(capacity);
  const view = new DataView(buffer.buffer);
  let used = 0;
  let count = 0;
  let closed = false;
  const emit = (bytes: Uint8Array) => {
    for (const chunk of compressor ? compressor.push(bytes) : [bytes]) {
      let at = 0;
      while (at < chunk.length) at += writeSync(fd, chunk, at, chunk.length - at);
    }
  };
  emit(encodeMetadata(metadata));
  const flush = () => {
    if (used === 0) return;
    emit(buffer.subarray(0, used));
    used = 0;
  };
  return {
    get recordCount() {
      return count;
    },
    write(record) {
      if (closed) throw new Error(`${path}: write after close`);
      if (used + 1032 > capacity) flush();
      used += encoder.encodeInto(record, buffer, used, view);
      count++;
    },
    close() {
      if (closed) return;
      closed = true;
      flush();
      if (compressor) {
        for (const chunk of compressor.end()) {
          let at = 0;
          while (at < chunk.length) at += writeSync(fd, chunk, at, chunk.length - at);
        }
      }
      closeSync(fd);
      renameSync(temporary, path);
    },
  };
}
