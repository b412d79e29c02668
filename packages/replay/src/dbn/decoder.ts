/**
 * The sans-I/O DBN decoder (after databento/dbn's `decode/dbn/fsm.rs`): a state machine fed decompressed
 * bytes that answers "metadata", "record", "need more" or "end", or throws {@link DbnDecodeError}. File,
 * stream and zstd handling live in thin drivers around it.
 *
 * Memory is bounded: only the unread part of the current chunk, at most one record straddling two chunks
 * (≤ 1 KiB) and, before the records, the header (≤ `maxMetadataBytes`) are held. Nothing is allocated from a
 * length field before the bytes it announces have arrived.
 *
 * @module
 */
import { RecordCursor } from './cursor.js';
import { DbnDecodeError } from './errors.js';
import { type AnyRecordLayout, DISPATCH, HEADER_SIZE } from './layouts.js';
import { decodeMetadata, decodePrelude, type Metadata, PRELUDE_SIZE, upgradeMetadata } from './metadata.js';
import {
  compileRecordReader,
  compileRecordWriter,
  type PriceMode,
  type RecordReader,
  type RecordWriter,
} from './records.js';
import { upgradeRecordObject, upgradeTarget } from './upgrade.js';

/** Options of {@link DbnDecoder}. */
export interface DbnDecoderOptions {
  /** Input is a fragment: records only, no prelude or metadata (`*.dbn.frag`). */
  fragment?: boolean;
  /** DBN version of a fragment; without it, versioned records are told apart by size (§9.4). */
  version?: 1 | 2 | 3;
  /** Whether a fragment's records carry `ts_out`. */
  tsOut?: boolean;
  /** Upgrade version 1 and 2 records and metadata to version 3 (default false: records as stored). */
  upgrade?: boolean;
  /** What to do with an unknown rtype: `error` (default) or `skip` it by its length (counted). */
  unknownRtype?: 'error' | 'skip';
  /** Largest accepted header (prelude + metadata), default 256 MiB. */
  maxMetadataBytes?: number;
  /** Price representation of `cursor.toObject()` (default `bigint`). */
  prices?: PriceMode;
  /** File name for error messages. */
  file?: string;
}

/** What {@link DbnDecoder.next} found. */
export type DecodeStep =
  | { readonly type: 'metadata'; readonly metadata: Metadata }
  | { readonly type: 'record'; readonly cursor: RecordCursor }
  | { readonly type: 'need-more' }
  | { readonly type: 'end' };

const NEED_MORE: DecodeStep = Object.freeze({ type: 'need-more' });
const END: DecodeStep = Object.freeze({ type: 'end' });
const MAX_RECORD = 255 * 4;
const EMPTY = new Uint8Array(0);

/**
 * Incremental DBN decoder. Feed decompressed bytes with {@link push}, call {@link finish} at the end of
 * input, and call {@link next} until it answers `need-more` (push more) or `end`.
 *
 * @example
 * ```ts
 * const decoder = new DbnDecoder();
 * decoder.push(bytes);
 * decoder.finish();
 * for (let step = decoder.next(); step.type !== 'end'; step = decoder.next()) {
 *   if (step.type === 'record') console.log(step.cursor.rtype);
 * }
 * ```
 */
export class DbnDecoder {
  /** The stream's metadata once decoded (null for fragments and before the header is complete). */
  metadata: Metadata | null = null;
  /** Records delivered so far. */
  recordCount = 0;
  /** Records skipped because of an unknown rtype (with `unknownRtype: 'skip'`). */
  skippedCount = 0;
  readonly #options: DbnDecoderOptions;
  readonly #cursor: RecordCursor;
  #state: 'header' | 'records' | 'failed' = 'header';
  #failure: DbnDecodeError | null = null;
  #prelude: Uint8Array | null = null;
  #ended = false;
  #version: 0 | 1 | 2 | 3 = 0;
  #tsOut = false;
  /** Chunks waiting behind the current one. */
  readonly #queue: Uint8Array[] = [];
  #buf: Uint8Array = EMPTY;
  #view: DataView = new DataView(EMPTY.buffer);
  #pos = 0;
  /** Absolute stream offset of `#buf[0]`. */
  #base = 0;
  /** A record straddling two chunks, assembled here. */
  readonly #carry = new Uint8Array(MAX_RECORD + 8);
  readonly #carryView = new DataView(this.#carry.buffer);
  #carryLen = 0;
  #carryStart = 0;
  /** Upgrade scratch space: the v3 bytes of an upgraded record. */
  readonly #scratch = new Uint8Array(MAX_RECORD + 8);
  readonly #scratchView = new DataView(this.#scratch.buffer);
  readonly #upgradeReaders = new Map<AnyRecordLayout, RecordReader>();
  readonly #upgradeWriters = new Map<AnyRecordLayout, RecordWriter>();

  /** The one `record` step, reused for every record: the hot path allocates nothing per record. */
  readonly #recordStep: DecodeStep;

  constructor(options: DbnDecoderOptions = {}) {
    this.#options = options;
    this.#cursor = new RecordCursor(options.prices ?? 'bigint');
    this.#recordStep = Object.freeze({ type: 'record', cursor: this.#cursor });
    if (options.fragment) {
      this.#state = 'records';
      this.#version = options.version ?? 0;
      this.#tsOut = options.tsOut ?? false;
    }
  }

  /** DBN version of the input (0 while unknown, e.g. a fragment without a version). */
  get version(): 0 | 1 | 2 | 3 {
    return this.#version;
  }

  /** Feed the next chunk of decompressed bytes. The decoder keeps a reference; do not reuse the chunk's memory. */
  push(chunk: Uint8Array): void {
    if (this.#ended) throw new Error('DbnDecoder.push after finish()');
    if (chunk.length === 0) return;
    if (this.#pos >= this.#buf.length && this.#queue.length === 0) this.#setBuffer(chunk);
    else this.#queue.push(chunk);
  }

  /** Declare the end of input: a partial record or header left over is then an error. */
  finish(): void {
    this.#ended = true;
  }

  /** Bytes received but not yet decoded. */
  get bufferedBytes(): number {
    let n = this.#buf.length - this.#pos + this.#carryLen;
    for (const c of this.#queue) n += c.length;
    return n;
  }

  #setBuffer(chunk: Uint8Array): void {
    this.#base += this.#buf.length;
    this.#buf = chunk;
    this.#view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#pos = 0;
  }

  /** Move to the next queued chunk; false when there is none. */
  #advance(): boolean {
    const next = this.#queue.shift();
    if (!next) return false;
    this.#setBuffer(next);
    return true;
  }

  #fail(error: DbnDecodeError): never {
    const located = this.#options.file && !error.file ? error.withFile(this.#options.file) : error;
    this.#state = 'failed';
    this.#failure = located;
    throw located;
  }

  /** The next step; throws {@link DbnDecodeError} on corrupt or truncated input (and on every call after). */
  next(): DecodeStep {
    if (this.#state === 'failed') throw this.#failure as DbnDecodeError;
    if (this.#state === 'header') return this.#nextHeader();
    return this.#nextRecord();
  }

  #available(): number {
    return this.bufferedBytes - this.#carryLen;
  }

  /** Copy `n` bytes from the current position on (they must be available). */
  #take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.#pos >= this.#buf.length && !this.#advance()) break;
      const count = Math.min(n - filled, this.#buf.length - this.#pos);
      out.set(this.#buf.subarray(this.#pos, this.#pos + count), filled);
      this.#pos += count;
      filled += count;
    }
    return out;
  }

  #nextHeader(): DecodeStep {
    const available = this.#available();
    if (this.#prelude === null) {
      if (available < PRELUDE_SIZE) {
        if (!this.#ended) return NEED_MORE;
        this.#fail(
          new DbnDecodeError(
            available === 0
              ? 'empty input: no DBN prelude'
              : `input ends inside the 8-byte prelude (${available} bytes)`,
            {
              offset: available,
              recordIndex: -1,
            },
          ),
        );
      }
      this.#prelude = this.#take(PRELUDE_SIZE);
    }
    let prelude: ReturnType<typeof decodePrelude>;
    try {
      prelude = decodePrelude(this.#prelude);
    } catch (error) {
      this.#fail(error as DbnDecodeError);
    }
    const max = this.#options.maxMetadataBytes ?? 256 * 1024 * 1024;
    if (PRELUDE_SIZE + prelude.metadataLength > max) {
      this.#fail(
        new DbnDecodeError(
          `metadata_length ${prelude.metadataLength} exceeds the limit of ${max} bytes (option maxMetadataBytes)`,
          {
            offset: 4,
            recordIndex: -1,
            field: 'metadata_length',
          },
        ),
      );
    }
    const rest = this.#available();
    if (rest < prelude.metadataLength) {
      if (!this.#ended) return NEED_MORE;
      this.#fail(
        new DbnDecodeError(
          `input ends inside the metadata: ${PRELUDE_SIZE + rest} of ${PRELUDE_SIZE + prelude.metadataLength} header bytes`,
          {
            offset: PRELUDE_SIZE + rest,
            recordIndex: -1,
          },
        ),
      );
    }
    const header = new Uint8Array(PRELUDE_SIZE + prelude.metadataLength);
    header.set(this.#prelude, 0);
    header.set(this.#take(prelude.metadataLength), PRELUDE_SIZE);
    let metadata: Metadata;
    try {
      metadata = decodeMetadata(header);
    } catch (error) {
      this.#fail(error as DbnDecodeError);
    }
    this.#version = metadata.version;
    this.#tsOut = metadata.ts_out;
    this.#state = 'records';
    this.metadata = this.#options.upgrade ? upgradeMetadata(metadata) : metadata;
    return { type: 'metadata', metadata: this.metadata };
  }

  #nextRecord(): DecodeStep {
    for (;;) {
      if (this.#carryLen > 0) {
        const size = (this.#carry[0] as number) * 4;
        while (this.#carryLen < size) {
          if (this.#pos >= this.#buf.length && !this.#advance()) {
            if (!this.#ended) return NEED_MORE;
            this.#fail(
              new DbnDecodeError(`input ends inside a record: ${this.#carryLen} of ${size} bytes`, {
                offset: this.#carryStart,
                recordIndex: this.recordCount,
                rtype: this.#carryLen > 1 ? this.#carry[1] : undefined,
              }),
            );
          }
          const count = Math.min(size - this.#carryLen, this.#buf.length - this.#pos);
          this.#carry.set(this.#buf.subarray(this.#pos, this.#pos + count), this.#carryLen);
          this.#carryLen += count;
          this.#pos += count;
        }
        this.#carryLen = 0;
        const step = this.#emit(this.#carry, this.#carryView, 0, size, this.#carryStart);
        if (step) return step;
        continue;
      }
      if (this.#pos >= this.#buf.length && !this.#advance()) return this.#ended ? END : NEED_MORE;
      const size = (this.#buf[this.#pos] as number) * 4;
      if (size < HEADER_SIZE) {
        this.#fail(
          new DbnDecodeError(`record length byte ${size / 4} is below the 4 words of a header`, {
            offset: this.#base + this.#pos,
            recordIndex: this.recordCount,
            field: 'length',
          }),
        );
      }
      if (this.#pos + size <= this.#buf.length) {
        const start = this.#pos;
        this.#pos += size;
        const step = this.#emit(this.#buf, this.#view, start, size, this.#base + start);
        if (step) return step;
        continue;
      }
      // The record continues in the next chunk: keep its first part.
      this.#carryStart = this.#base + this.#pos;
      this.#carryLen = this.#buf.length - this.#pos;
      this.#carry.set(this.#buf.subarray(this.#pos), 0);
      this.#pos = this.#buf.length;
    }
  }

  /** Position the cursor on a complete record; null when it was skipped. */
  #emit(bytes: Uint8Array, view: DataView, offset: number, size: number, position: number): DecodeStep | null {
    const rtype = bytes[offset + 1] as number;
    const body = this.#tsOut ? size - 8 : size;
    const bySize = DISPATCH[this.#version]?.get(rtype);
    if (!bySize) {
      if (this.#options.unknownRtype === 'skip') {
        this.skippedCount++;
        return null;
      }
      this.#fail(
        new DbnDecodeError(
          `unknown rtype 0x${rtype.toString(16).padStart(2, '0')} (use unknownRtype: 'skip' to step over it)`,
          {
            offset: position,
            recordIndex: this.recordCount,
            rtype,
            field: 'rtype',
          },
        ),
      );
    }
    const layout = bySize.get(body);
    if (!layout) {
      const expected = [...bySize.values()].map((l) => `${l.name} ${l.size}`).join(' or ');
      this.#fail(
        new DbnDecodeError(
          `record of ${size} bytes${this.#tsOut ? ' (with ts_out)' : ''} does not match its rtype's layout (${expected} bytes${this.#tsOut ? ' + 8' : ''})`,
          { offset: position, recordIndex: this.recordCount, rtype, field: 'length' },
        ),
      );
    }
    const cursor = this.#cursor;
    const target = this.#options.upgrade ? upgradeTarget(layout) : undefined;
    if (target) {
      this.#upgradeInto(bytes, view, offset, layout, target);
      cursor.bytes = this.#scratch;
      cursor.view = this.#scratchView;
      cursor.offset = 0;
      cursor.size = target.size + (this.#tsOut ? 8 : 0);
      cursor.layout = target;
    } else {
      cursor.bytes = bytes;
      cursor.view = view;
      cursor.offset = offset;
      cursor.size = size;
      cursor.layout = layout;
    }
    cursor.hasTsOut = this.#tsOut;
    cursor.index = this.recordCount++;
    cursor.position = position;
    return this.#recordStep;
  }

  #upgradeInto(bytes: Uint8Array, view: DataView, offset: number, from: AnyRecordLayout, to: AnyRecordLayout): void {
    let read = this.#upgradeReaders.get(from);
    if (!read) {
      read = compileRecordReader(from);
      this.#upgradeReaders.set(from, read);
    }
    let write = this.#upgradeWriters.get(to);
    if (!write) {
      write = compileRecordWriter(to);
      this.#upgradeWriters.set(to, write);
    }
    const old = read(view, bytes, offset, this.#tsOut) as unknown as Record<string, unknown>;
    const upgraded = upgradeRecordObject(old, from, to);
    write(upgraded, this.#scratchView, this.#scratch, 0);
    this.#scratch[0] = to.size / 4 + (this.#tsOut ? 2 : 0);
    if (this.#tsOut) this.#scratchView.setBigUint64(to.size, old.ts_out as bigint, true);
  }
}
