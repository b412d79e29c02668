// The streaming drivers: web ReadableStream, Node streams, files, writers; bounded memory and backpressure.
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeDbn } from '../src/dbn/encoder.js';
import { DbnDecodeError } from '../src/dbn/errors.js';
import type { MetadataInput } from '../src/dbn/metadata.js';
import { decodeDbn, openDbn } from '../src/dbn/open.js';
import type { Mbp10Msg } from '../src/dbn/records.js';
import { createDbnFileWriter, openDbnFile, readDbnFile, readFileChunks } from '../src/node.js';
import { compress } from '../src/zstd/index.js';
import { FIXTURE_DIR, fixture } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'spymaster-streams-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const metadata: MetadataInput = {
  version: 3,
  dataset: 'GLBX.MDP3',
  schema: 'mbp-10',
  start: 0n,
  end: 2n ** 64n - 1n,
  limit: 0n,
  stype_in: 'raw_symbol',
  stype_out: 'instrument_id',
  ts_out: false,
  symbol_cstr_len: 71,
  symbols: ['ESH6'],
  partial: [],
  not_found: [],
  mappings: [],
};

function book(i: number): Mbp10Msg {
  const mid = 24_000n + BigInt(i % 13);
  return {
    length: 92,
    rtype: 10,
    publisher_id: 1,
    instrument_id: 1,
    ts_event: 1765895400000000000n + BigInt(i) * 1000n,
    record_type: 'Mbp10Msg',
    price: mid * 250_000_000n,
    size: 1 + (i % 9),
    action: 'A',
    side: i % 2 ? 'A' : 'B',
    flags: 128,
    depth: i % 10,
    ts_recv: 1765895400000000000n + BigInt(i) * 1000n + 300n,
    ts_in_delta: 0,
    sequence: i,
    levels: Array.from({ length: 10 }, (_, l) => ({
      bid_px: (mid - BigInt(l)) * 250_000_000n,
      ask_px: (mid + 1n + BigInt(l)) * 250_000_000n,
      bid_sz: 1 + ((i + l) % 50),
      ask_sz: 1 + ((i * 3 + l) % 50),
      bid_ct: 1,
      ask_ct: 2,
    })),
  };
}

describe('sources', () => {
  it('a web ReadableStream, a Node Readable and bytes decode alike, plain and zstd', async () => {
    for (const name of ['test_data.mbp-10.v3.dbn.zst', 'test_data.mbo.dbn']) {
      const bytes = fixture(name);
      const expected = decodeDbn(bytes).records;
      const web = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 33) controller.enqueue(bytes.slice(i, i + 33));
          controller.close();
        },
      });
      const fromWeb = await openDbn(web);
      const a = [];
      for await (const r of fromWeb) a.push(r);
      expect(a).toEqual(expected);
      const node = await openDbn(createReadStream(join(FIXTURE_DIR, name), { highWaterMark: 64 }));
      const b = [];
      for await (const batch of node.batches()) b.push(...batch);
      expect(b).toEqual(expected);
      expect(fromWeb.metadata).toEqual(node.metadata);
    }
  });

  it('openDbnFile and readDbnFile read files by path, and errors name the file', async () => {
    const path = join(FIXTURE_DIR, 'test_data.trades.v1.dbn.zst');
    const stream = await openDbnFile(path);
    let n = 0;
    await stream.forEach(() => {
      n++;
    });
    expect(n).toBe(2);
    expect(readDbnFile(path).records).toHaveLength(2);
    const cut = join(dir, 'cut.dbn');
    const bytes = readFileSync(join(FIXTURE_DIR, 'test_data.trades.dbn'));
    await import('node:fs').then((fs) => fs.writeFileSync(cut, bytes.subarray(0, 300)));
    await expect(openDbnFile(cut)).rejects.toSatisfy((e: unknown) => DbnDecodeError.is(e) && e.file === cut);
  });
});

describe('writing files', () => {
  for (const zstd of [false, true]) {
    it(`createDbnFileWriter (${zstd ? 'zstd' : 'plain'}) writes what the decoder reads back`, async () => {
      const path = join(dir, zstd ? 'w.dbn.zst' : 'w.dbn');
      const writer = createDbnFileWriter(path, metadata, { batchRecords: 100 });
      const records = Array.from({ length: 1234 }, (_, i) => book(i));
      for (const r of records) await writer.write(r);
      await writer.close();
      expect(writer.recordCount).toBe(1234);
      const doc = readDbnFile(path);
      expect(doc.records).toEqual(records);
      if (!zstd) expect(new Uint8Array(readFileSync(path))).toEqual(encodeDbn(metadata, records));
    });
  }

  it('readFileChunks hands out every byte of a file in order', async () => {
    const path = join(FIXTURE_DIR, 'test_data.definition.dbn');
    const parts: Uint8Array[] = [];
    for await (const chunk of readFileChunks(path, 1000)) parts.push(chunk.slice());
    expect(Buffer.concat(parts)).toEqual(readFileSync(path));
  });
});

describe('bounded memory and backpressure', () => {
  it('decodes a 300 MB zstd stream without holding it: the source is pulled one chunk at a time', async () => {
    // One compressed frame of 2 000 records, repeated: the stream is 2 000 × 368 × REPEAT bytes.
    const header = encodeDbn(metadata, []);
    const unit = encodeDbn(
      null,
      Array.from({ length: 2000 }, (_, i) => book(i)),
      { version: 3 },
    );
    const REPEAT = 400; // 294 MB decompressed
    const headerZ = compress(header);
    const unitZ = compress(unit);
    let produced = 0;
    let maxAhead = 0;
    let consumed = 0;
    async function* source() {
      yield headerZ;
      for (let i = 0; i < REPEAT; i++) {
        produced++;
        maxAhead = Math.max(maxAhead, produced - consumed);
        yield unitZ;
      }
    }
    const before = process.memoryUsage();
    const stream = await openDbn(source());
    let records = 0;
    let peak = 0;
    let bytes = 0;
    await stream.forEach((cursor) => {
      records++;
      bytes += cursor.size;
      if (records % 2000 === 0) {
        consumed++;
        if (records % 100_000 === 0)
          peak = Math.max(peak, process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed);
      }
    });
    expect(records).toBe(2000 * REPEAT);
    expect(bytes).toBe(368 * 2000 * REPEAT);
    // Never more than one compressed unit pulled ahead of what was decoded.
    expect(maxAhead).toBeLessThanOrEqual(2);
    // Memory stays far below the 294 MB the stream decompresses to.
    expect(peak - (before.arrayBuffers + before.heapUsed)).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);
});
