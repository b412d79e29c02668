// The zstd layer (spec: shared/spec/dbn-format.md §10): fixtures, multi-frame and skippable frames, any
// chunking, round trips on both backends, interop with the zstd CLI, truncation, corruption and limits.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compress,
  createZstdCompressor,
  createZstdDecompressor,
  decompress,
  isZstd,
  loadZstd,
  ZSTD_DEFAULT_MAX_WINDOW_SIZE,
  type ZstdBackendName,
  ZstdError,
  zstdBackend,
} from '../src/zstd/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIXTURES = path.join(repoRoot, '..', 'shared', 'fixtures', 'dbn');

function fixture(name: string): Uint8Array {
  const file = path.join(FIXTURES, name);
  if (!existsSync(file)) {
    throw new Error(`fixture ${file} is missing: the tests expect the shared/ folder beside the repository root`);
  }
  return new Uint8Array(readFileSync(file));
}

function zstFixtures(): string[] {
  if (!existsSync(FIXTURES)) {
    throw new Error(`${FIXTURES} is missing: the tests expect the shared/ folder beside the repository root`);
  }
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.zst'))
    .sort();
}

/** Runs the zstd CLI; fails (never skips) when it is not installed. */
function zstdCli(args: string[], input?: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(
      execFileSync('zstd', args, {
        input: input ?? new Uint8Array(0),
        maxBuffer: 1 << 30,
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'the zstd CLI is not installed: run `apt-get install -y zstd` (CI installs it) and re-run the tests',
      );
    }
    throw error;
  }
}

const BACKENDS: readonly ZstdBackendName[] = ['native', 'fallback'];

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** Decompresses `bytes` fed in pieces cut at `cuts` (sorted offsets). */
function decompressChunked(bytes: Uint8Array, cuts: readonly number[], backend: ZstdBackendName): Uint8Array {
  const z = createZstdDecompressor({ backend });
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...z.push(bytes.subarray(prev, cut)));
    prev = cut;
  }
  out.push(...z.end());
  return concat(out);
}

function skippable(payload: Uint8Array, magicLow = 0): Uint8Array {
  const frame = new Uint8Array(8 + payload.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, 0x184d2a50 + magicLow, true);
  view.setUint32(4, payload.length, true);
  frame.set(payload, 8);
  return frame;
}

/** Start offsets of the zstd frames in a stream made only of zstd frames (by magic search, checked by the caller). */
function frameStarts(bytes: Uint8Array): number[] {
  const starts: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (bytes[i] === 0x28 && bytes[i + 1] === 0xb5 && bytes[i + 2] === 0x2f && bytes[i + 3] === 0xfd) starts.push(i);
  }
  return starts;
}

/** Deterministic DBN-like bytes: 368-byte MBP-10-shaped records with slowly changing fields. */
function dbnLike(records: number, seed = 1): Uint8Array {
  const out = new Uint8Array(records * 368);
  const view = new DataView(out.buffer);
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  let ts = 1_609_160_400_000_000_000n;
  for (let r = 0; r < records; r++) {
    const o = r * 368;
    out[o] = 92;
    out[o + 1] = 0x0a;
    view.setUint16(o + 2, 1, true);
    view.setUint32(o + 4, 5482, true);
    ts += BigInt(rnd() % 100_000);
    view.setBigUint64(o + 8, ts, true);
    for (let l = 0; l < 10; l++) {
      view.setBigInt64(o + 48 + 32 * l, 3_700_000_000_000n - BigInt(l) * 250_000_000n, true);
      view.setUint32(o + 64 + 32 * l, 1 + (rnd() % 300), true);
    }
  }
  return out;
}

function expectZstdError(fn: () => unknown, code?: string): ZstdError {
  try {
    fn();
  } catch (error) {
    expect(ZstdError.is(error), `expected a ZstdError, got ${String(error)}`).toBe(true);
    const e = error as ZstdError;
    if (code !== undefined) expect(e.code, e.message).toBe(code);
    return e;
  }
  throw new Error('expected a ZstdError, but nothing was thrown');
}

beforeAll(async () => {
  // The fallback compressor is WebAssembly and loads asynchronously.
  expect(await loadZstd({ backend: 'fallback' })).toBe('fallback');
});

describe('backend selection', () => {
  it('uses the native binding on Node.js (zstd-napi built by npm ci)', () => {
    expect(zstdBackend()).toBe('native');
    expect(createZstdDecompressor().backend).toBe('native');
    expect(createZstdCompressor().backend).toBe('native');
    expect(createZstdDecompressor({ backend: 'fallback' }).backend).toBe('fallback');
    expect(createZstdCompressor(3, { backend: 'fallback' }).backend).toBe('fallback');
  });

  it('rejects unknown backends and levels with typed errors', () => {
    expectZstdError(() => createZstdDecompressor({ backend: 'wasm' as never }), 'invalid-argument');
    expectZstdError(() => compress(new Uint8Array(1), 23), 'invalid-argument');
    expectZstdError(() => compress(new Uint8Array(1), 1.5), 'invalid-argument');
    expectZstdError(() => createZstdDecompressor({ maxWindowSize: -1 }), 'invalid-argument');
  });
});

describe('isZstd', () => {
  it('recognises frame and skippable magics and nothing else', () => {
    expect(isZstd(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd))).toBe(true);
    for (let low = 0; low < 16; low++) expect(isZstd(Uint8Array.of(0x50 + low, 0x2a, 0x4d, 0x18))).toBe(true);
    expect(isZstd(Uint8Array.of(0x60, 0x2a, 0x4d, 0x18))).toBe(false);
    expect(isZstd(Uint8Array.of(0x44, 0x42, 0x4e, 0x02))).toBe(false); // "DBN"
    expect(isZstd(Uint8Array.of(0x28, 0xb5, 0x2f))).toBe(false);
    expect(isZstd(fixture('test_data.mbp-10.v3.dbn.zst'))).toBe(true);
    expect(isZstd(fixture('test_data.mbp-10.dbn'))).toBe(false);
  });
});

describe.each(BACKENDS)('fixtures (%s)', (backend) => {
  it('decompresses every .zst fixture; v2 ones equal the plain .dbn files byte for byte', () => {
    const names = zstFixtures();
    expect(names.length).toBeGreaterThan(40);
    let compared = 0;
    for (const name of names) {
      const out = decompress(fixture(name), { backend });
      expect(out.length, name).toBeGreaterThan(0);
      const plain = name.endsWith('.v2.dbn.zst')
        ? name.replace('.v2.dbn.zst', '.dbn')
        : existsSync(path.join(FIXTURES, name.replace(/\.zst$/, '')))
          ? name.replace(/\.zst$/, '')
          : undefined;
      if (plain !== undefined) {
        expect(Buffer.from(out).equals(Buffer.from(fixture(plain))), `${name} vs ${plain}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(17);
  });

  it('decodes the multi-frame fixture to 8 records of 360 bytes', () => {
    const bytes = fixture('multi-frame.definition.v1.dbn.frag.zst');
    expect(frameStarts(bytes)).toHaveLength(8);
    const out = decompress(bytes, { backend });
    expect(out.length).toBe(8 * 360);
    for (let r = 0; r < 8; r++) {
      expect(out[r * 360]).toBe(90); // length in 4-byte words
      expect(out[r * 360 + 1]).toBe(0x13); // InstrumentDefMsg
    }
  });

  it('drops skippable frames placed before, between and after frames', () => {
    const bytes = fixture('multi-frame.definition.v1.dbn.frag.zst');
    const starts = frameStarts(bytes);
    const parts: Uint8Array[] = [skippable(new TextEncoder().encode('DBZ-like header'), 0)];
    starts.forEach((start, k) => {
      parts.push(bytes.subarray(start, starts[k + 1] ?? bytes.length));
      parts.push(skippable(new Uint8Array(k * 7).fill(0xab), k % 16));
    });
    parts.push(skippable(new Uint8Array(0), 15));
    const withSkips = concat(parts);
    expect(isZstd(withSkips)).toBe(true);
    const expected = decompress(bytes, { backend });
    expect(Buffer.from(decompress(withSkips, { backend })).equals(Buffer.from(expected))).toBe(true);
    const oneByte = Array.from({ length: withSkips.length - 1 }, (_, i) => i + 1);
    expect(Buffer.from(decompressChunked(withSkips, oneByte, backend)).equals(Buffer.from(expected))).toBe(true);
    // A stream of only skippable frames decodes to nothing; so does empty input.
    expect(decompress(skippable(Uint8Array.of(1, 2, 3)), { backend }).length).toBe(0);
    expect(decompress(new Uint8Array(0), { backend }).length).toBe(0);
  });
});

describe.each(BACKENDS)('streaming (%s)', (backend) => {
  const big = dbnLike(2000, 7); // 736 000 bytes: several 128 KiB blocks
  const streams: Record<string, Uint8Array> = {
    'multi-frame fixture + skippable frames': concat([
      skippable(Uint8Array.of(9, 9)),
      fixture('multi-frame.definition.v1.dbn.frag.zst'),
      skippable(new Uint8Array(3)),
      fixture('test_data.mbp-10.v3.dbn.zst'),
    ]),
    'CLI frame without content size, with checksum': zstdCli(['-q', '-3', '-c', '--no-content-size'], big),
    'CLI frame with content size, no checksum': zstdCli(['-q', '-1', '-c', '--no-check', '--content-size'], big),
  };

  for (const [label, stream] of Object.entries(streams)) {
    it(`any chunking gives the same bytes: ${label}`, () => {
      const expected = decompress(stream, { backend: 'native' });
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
          const out = decompressChunked(
            stream,
            [...cuts].sort((a, b) => a - b),
            backend,
          );
          expect(Buffer.from(out).equals(Buffer.from(expected))).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('accepts 1-byte chunks', () => {
    const stream = concat([fixture('test_data.definition.v2.dbn.zst'), skippable(Uint8Array.of(1))]);
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    const expected = fixture('test_data.definition.dbn');
    expect(Buffer.from(decompressChunked(stream, cuts, backend)).equals(Buffer.from(expected))).toBe(true);
  });

  it('counts bytes in and out, and refuses use after end', () => {
    const stream = fixture('test_data.mbp-10.v3.dbn.zst');
    const z = createZstdDecompressor({ backend });
    const out = concat(z.push(stream));
    z.end();
    expect(z.bytesIn).toBe(stream.length);
    expect(z.bytesOut).toBe(out.length);
    expectZstdError(() => z.push(stream), 'closed');
  });
});

describe('round trips', () => {
  it.each(BACKENDS)('compress → decompress restores arbitrary bytes (%s compressor, both decompressors)', (backend) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: -5, max: 19 }), (data, level) => {
        const packed = compress(data, level, { backend });
        expect(isZstd(packed)).toBe(true);
        for (const d of BACKENDS)
          expect(Buffer.from(decompress(packed, { backend: d })).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it.each(BACKENDS)('the streaming compressor (%s) round-trips any chunking', (backend) => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 2000 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 9 }),
        (parts, level) => {
          const z = createZstdCompressor(level, { backend });
          const out: Uint8Array[] = [];
          for (const p of parts) out.push(...z.push(p));
          out.push(...z.end());
          const packed = concat(out);
          for (const d of BACKENDS) {
            expect(Buffer.from(decompress(packed, { backend: d })).equals(Buffer.from(concat(parts)))).toBe(true);
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('the fallback compressor splits long input into frames and stays decodable', () => {
    const data = dbnLike(30_000, 3); // 11 MB: three 4 MiB frames
    const packed = compress(data, 3, { backend: 'fallback' });
    expect(frameStarts(packed).length).toBeGreaterThanOrEqual(3);
    expect(Buffer.from(decompress(packed)).equals(Buffer.from(data))).toBe(true);
  });
});

describe('zstd CLI interop', () => {
  it.each(BACKENDS)('zstd -d reads compress() and the streaming compressor output (%s)', (backend) => {
    const data = concat([fixture('test_data.mbp-10.dbn'), dbnLike(3000, 5)]);
    const oneShot = compress(data, 3, { backend });
    expect(Buffer.from(zstdCli(['-q', '-d', '-c'], oneShot)).equals(Buffer.from(data))).toBe(true);
    const z = createZstdCompressor(19, { backend });
    const out: Uint8Array[] = [];
    for (let i = 0; i < data.length; i += 10_000) out.push(...z.push(data.subarray(i, i + 10_000)));
    out.push(...z.end());
    expect(Buffer.from(zstdCli(['-q', '-d', '-c'], concat(out))).equals(Buffer.from(data))).toBe(true);
    const empty = createZstdCompressor(3, { backend });
    expect(zstdCli(['-q', '-d', '-c'], concat([...empty.push(new Uint8Array(0)), ...empty.end()])).length).toBe(0);
  });

  it('zstd -t accepts our output written to a file, and we read the CLI output', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zstd-test-'));
    try {
      const data = dbnLike(500, 9);
      const file = path.join(dir, 'x.dbn.zst');
      writeFileSync(file, compress(data));
      zstdCli(['-q', '-t', file]);
      writeFileSync(path.join(dir, 'x.dbn'), data);
      zstdCli(['-q', '-f', '-3', path.join(dir, 'x.dbn'), '-o', path.join(dir, 'cli.zst')]);
      const cli = new Uint8Array(readFileSync(path.join(dir, 'cli.zst')));
      for (const backend of BACKENDS)
        expect(Buffer.from(decompress(cli, { backend })).equals(Buffer.from(data))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(BACKENDS)('errors (%s)', (backend) => {
  it('throws `truncated` at end() for every cut inside a frame, and nothing at frame boundaries', () => {
    const stream = concat([
      fixture('multi-frame.definition.v1.dbn.frag.zst'),
      skippable(Uint8Array.of(1, 2, 3, 4)),
      fixture('test_data.trades.v3.dbn.zst'),
    ]);
    const skippableAt = fixture('multi-frame.definition.v1.dbn.frag.zst').length;
    const boundaries = new Set([...frameStarts(stream), skippableAt, stream.length]);
    const full = decompress(stream, { backend: 'native' });
    for (let cut = 1; cut < stream.length; cut++) {
      const z = createZstdDecompressor({ backend });
      const got = concat(z.push(stream.subarray(0, cut)));
      expect(Buffer.from(full.subarray(0, got.length)).equals(Buffer.from(got))).toBe(true);
      if (boundaries.has(cut)) {
        expect(z.end()).toEqual([]);
      } else {
        const e = expectZstdError(() => z.end(), 'truncated');
        expect(e.offset).toBe(cut);
        expect(e.message).toContain('truncated');
        expectZstdError(() => z.end(), 'truncated'); // stays failed
      }
    }
  });

  it('reports non-zstd input with the offset of the bad magic', () => {
    const e = expectZstdError(() => decompress(fixture('test_data.mbp-10.dbn'), { backend }), 'corrupt');
    expect(e.offset).toBe(0);
    const frame = fixture('test_data.mbp-1.v3.dbn.zst');
    const trailing = expectZstdError(
      () => decompress(concat([frame, Uint8Array.of(1, 2, 3, 4, 5)]), { backend }),
      'corrupt',
    );
    expect(trailing.offset).toBe(frame.length);
  });

  it('random corruption gives a ZstdError or some output, never another error or a hang', () => {
    const inputs = [
      fixture('test_data.mbp-10.v3.dbn.zst'),
      fixture('multi-frame.definition.v1.dbn.frag.zst'),
      compress(dbnLike(20, 2), 3),
    ];
    const run = (bytes: Uint8Array) => {
      const started = performance.now();
      try {
        decompress(bytes, { backend });
      } catch (error) {
        if (!ZstdError.is(error)) throw error;
        expect(error.offset).toBeGreaterThanOrEqual(0);
        expect(error.offset).toBeLessThanOrEqual(bytes.length);
      }
      expect(performance.now() - started).toBeLessThan(2000);
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: inputs.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (which, flips) => {
          const bytes = (inputs[which] as Uint8Array).slice();
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          run(bytes);
        },
      ),
      // fzstd (the fallback decoder) does not bound its work on some corrupt sequence sections (see
      // bench/ZSTD-CHOICE.md), so the fallback runs a fixed seed; libzstd is checked on fresh seeds every run.
      backend === 'fallback' ? { numRuns: 400, seed: 20261130 } : { numRuns: 400 },
    );
  });

  it('a lying content size causes neither a big allocation nor silent output', () => {
    // Frame: magic, descriptor 0xC0 (8-byte content size, not single-segment), 1 KiB window, size 2^40,
    // then one raw last block of 5 bytes.
    const lying = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x00, 0, 0, 0, 0, 0, 1, 0, 0, 41, 0, 0, 1, 2, 3, 4, 5);
    const e = expectZstdError(() => decompress(lying, { backend }), 'corrupt');
    // libzstd reports the mismatch itself; the fallback's check names the declared size.
    if (backend === 'fallback') expect(e.reason).toContain('1099511627776');
    // Single-segment frame declaring 2^40 bytes: its window is the content size, refused before allocating.
    const huge = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 41, 0, 0, 1, 2, 3, 4, 5);
    expectZstdError(() => decompress(huge, { backend }), 'window-too-large');
    // Honest 5-byte frame of the same shape decodes.
    const honest = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x00, 5, 0, 0, 0, 0, 0, 0, 0, 41, 0, 0, 1, 2, 3, 4, 5);
    expect([...decompress(honest, { backend })]).toEqual([1, 2, 3, 4, 5]);
  });

  it('enforces maxWindowSize and maxOutputSize', () => {
    const data = dbnLike(1000, 4);
    const packed = compress(data, 3);
    expect(ZSTD_DEFAULT_MAX_WINDOW_SIZE).toBe(2 ** 27);
    expectZstdError(() => decompress(packed, { backend, maxWindowSize: 1024 }), 'window-too-large');
    expectZstdError(() => decompress(packed, { backend, maxOutputSize: 1000 }), 'output-limit');
    expect(decompress(packed, { backend, maxOutputSize: data.length }).length).toBe(data.length);
  });

  it('detects a bad content checksum', () => {
    const packed = compress(dbnLike(50, 8), 3, { backend: 'native' }); // native frames carry a checksum
    const last = packed.length - 1;
    packed[last] = (packed[last] as number) ^ 0xff;
    const e = expectZstdError(() => decompress(packed, { backend }));
    expect(['checksum', 'corrupt']).toContain(e.code);
  });

  it('refuses dictionary frames and reserved bits', () => {
    // descriptor 0x01: 1-byte dictionary id (7), window byte, empty raw last block
    const dict = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x00, 7, 1, 0, 0);
    expectZstdError(() => decompress(dict, { backend }), 'unsupported');
    const reserved = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x00, 1, 0, 0);
    expectZstdError(() => decompress(reserved, { backend }), 'corrupt');
  });
});

describe('ZstdError', () => {
  it('is branded across copies and carries offset, code and reason', () => {
    const e = new ZstdError('truncated', 'input ends inside frame 0', 12);
    expect(e).toBeInstanceOf(Error);
    expect(ZstdError.is(e)).toBe(true);
    expect(e.offset).toBe(12);
    expect(e.reason).toBe('input ends inside frame 0');
    expect(e.message).toContain('12');
    const foreign = { [Symbol.for('@spymaster/replay/ZstdError')]: true };
    expect(ZstdError.is(foreign)).toBe(true);
    expect(ZstdError.is(new Error('x'))).toBe(false);
    expect(ZstdError.is(null)).toBe(false);
  });
});
