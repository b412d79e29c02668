// zstd layer benchmark: decompression and compression throughput of our decoder (native and fallback
// backends) against the zstd CLI on the same file, in one run. Reproduces bench/ZSTD-CHOICE.md.
//
//   npx tsx packages/replay/bench/zstd.bench.ts            (from the repository root)
//   ZSTD_BENCH_MB=50 ZSTD_BENCH_RUNS=5 npx tsx packages/replay/bench/zstd.bench.ts
//
// Data: a synthetic MBP-10 DBN v3 stream (the metadata of test_data.mbp-10.v3.dbn.zst, then 368-byte records
// from a random-walk book), ZSTD_BENCH_MB megabytes (default 200), written to a temporary directory and
// compressed there by `zstd -3 -T1` from stdin (one frame, no content size, XXH64 checksum: the shape of
// Databento's streaming encoder). Nothing is kept. Timings are the best of ZSTD_BENCH_RUNS runs (default 3);
// ratios are ours ÷ CLI time (lower is better; the target for decompression is ≤ 1.5).
import { execFileSync, execSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compress,
  createZstdCompressor,
  createZstdDecompressor,
  decompress,
  loadZstd,
  type ZstdBackendName,
  zstdBackend,
} from '../src/zstd/index.js';

const TARGET_BYTES = Number(process.env.ZSTD_BENCH_MB ?? 200) * 1e6;
const RUNS = Number(process.env.ZSTD_BENCH_RUNS ?? 3);
const FALLBACK_RUNS = Math.max(1, Math.min(RUNS, 2));
const CHUNK = 1 << 20;
const RECORD = 368;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixture = path.join(repoRoot, '..', 'shared', 'fixtures', 'dbn', 'test_data.mbp-10.v3.dbn.zst');

function cli(args: string[], input?: Uint8Array): Buffer {
  try {
    return execFileSync('zstd', args, { input: input ?? new Uint8Array(0), maxBuffer: 1 << 30 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('the zstd CLI is not installed: apt-get install -y zstd');
    }
    throw error;
  }
}

/** Synthetic MBP-10 v3 stream: real metadata, then records from a seeded random-walk book. */
function mbp10Stream(targetBytes: number): Uint8Array {
  const head = decompress(new Uint8Array(readFileSync(fixture)));
  const metaLength = new DataView(head.buffer, head.byteOffset).getUint32(4, true);
  const prefix = head.subarray(0, 8 + metaLength);
  const n = Math.ceil((targetBytes - prefix.length) / RECORD);
  const out = new Uint8Array(prefix.length + n * RECORD);
  out.set(prefix, 0);
  const v = new DataView(out.buffer);
  let s = 0x9e3779b9;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const tick = 250_000_000n;
  let mid = 3_700_000_000_000n;
  const bidSz = new Uint32Array(10);
  const askSz = new Uint32Array(10);
  const bidCt = new Uint32Array(10);
  const askCt = new Uint32Array(10);
  for (let i = 0; i < 10; i++) {
    bidSz[i] = 1 + Math.floor(rnd() * 200);
    askSz[i] = 1 + Math.floor(rnd() * 200);
    bidCt[i] = 1 + Math.floor(rnd() * 30);
    askCt[i] = 1 + Math.floor(rnd() * 30);
  }
  let ts = 1_609_160_400_000_000_000n;
  let seq = 1000;
  for (let r = 0; r < n; r++) {
    const o = prefix.length + r * RECORD;
    ts += BigInt(1 + Math.floor(-Math.log(1 - rnd()) * 200_000));
    seq += rnd() < 0.1 ? 2 : 1;
    if (rnd() < 0.02) {
      mid += rnd() < 0.5 ? tick : -tick;
      for (let i = 0; i < 10; i++) {
        bidSz[i] = 1 + Math.floor(rnd() * 200);
        askSz[i] = 1 + Math.floor(rnd() * 200);
      }
    }
    const level = Math.min(9, Math.floor(-Math.log(1 - rnd()) * 2));
    const bid = rnd() < 0.5;
    const d = Math.floor(rnd() * 10) - 4;
    const sz = bid ? bidSz : askSz;
    const ct = bid ? bidCt : askCt;
    sz[level] = Math.max(1, (sz[level] as number) + d);
    ct[level] = Math.max(1, (ct[level] as number) + Math.sign(d));
    out[o] = RECORD / 4;
    out[o + 1] = 0x0a;
    v.setUint16(o + 2, 1, true);
    v.setUint32(o + 4, 5482, true);
    v.setBigUint64(o + 8, ts, true);
    v.setBigInt64(o + 16, bid ? mid - tick * BigInt(level + 1) : mid + tick * BigInt(level), true);
    v.setUint32(o + 24, Math.abs(d) + 1, true);
    out[o + 28] = [0x41, 0x43, 0x4d, 0x54][Math.floor(rnd() * 4)] as number;
    out[o + 29] = bid ? 0x42 : 0x41;
    out[o + 30] = 128;
    out[o + 31] = level;
    v.setBigUint64(o + 32, ts + 15_000n + BigInt(Math.floor(rnd() * 1000)), true);
    v.setInt32(o + 40, 10_000 + Math.floor(rnd() * 5000), true);
    v.setUint32(o + 44, seq, true);
    for (let i = 0; i < 10; i++) {
      const p = o + 48 + 32 * i;
      v.setBigInt64(p, mid - tick * BigInt(i + 1), true);
      v.setBigInt64(p + 8, mid + tick * BigInt(i), true);
      v.setUint32(p + 16, bidSz[i] as number, true);
      v.setUint32(p + 20, askSz[i] as number, true);
      v.setUint32(p + 24, bidCt[i] as number, true);
      v.setUint32(p + 28, askCt[i] as number, true);
    }
  }
  return out;
}

function best(runs: number, fn: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min / 1000;
}

/** Streams a file through our decompressor in 1 MiB reads; returns decompressed bytes. */
function decodeFile(file: string, backend: ZstdBackendName): number {
  const fd = openSync(file, 'r');
  const buf = new Uint8Array(CHUNK);
  const z = createZstdDecompressor({ backend });
  let total = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      for (const c of z.push(buf.subarray(0, n))) total += c.length;
    }
    for (const c of z.end()) total += c.length;
  } finally {
    closeSync(fd);
  }
  return total;
}

function compressStreaming(data: Uint8Array, backend: ZstdBackendName): number {
  const z = createZstdCompressor(3, { backend });
  let total = 0;
  for (let i = 0; i < data.length; i += CHUNK) for (const c of z.push(data.subarray(i, i + CHUNK))) total += c.length;
  for (const c of z.end()) total += c.length;
  return total;
}

async function main(): Promise<void> {
  await loadZstd({ backend: 'fallback' });
  const dir = mkdtempSync(path.join(tmpdir(), 'zstd-bench-'));
  try {
    const raw = mbp10Stream(TARGET_BYTES);
    const rawFile = path.join(dir, 'mbp10.v3.dbn');
    const zstFile = path.join(dir, 'mbp10.v3.dbn.zst');
    writeFileSync(rawFile, raw);
    writeFileSync(zstFile, cli(['-q', '-3', '-T1', '-c'], raw));
    const packedSize = readFileSync(zstFile).length;
    const mb = raw.length / 1e6;
    if (decodeFile(zstFile, 'native') !== raw.length) throw new Error('native decode size mismatch');

    const rows: [string, string, number, number | undefined][] = [];
    const cliD = best(RUNS, () => execSync(`zstd -q -d -c ${JSON.stringify(zstFile)} > /dev/null`));
    rows.push(['decompress', '`zstd -d -c file > /dev/null` (C CLI)', cliD, 1]);
    const nat = best(RUNS, () => decodeFile(zstFile, 'native'));
    rows.push(['decompress', 'createZstdDecompressor native (file, 1 MiB reads)', nat, nat / cliD]);
    const packed = new Uint8Array(readFileSync(zstFile));
    const oneShot = best(RUNS, () => decompress(packed));
    rows.push(['decompress', 'decompress() native (in memory, one-shot)', oneShot, oneShot / cliD]);
    const fb = best(FALLBACK_RUNS, () => decodeFile(zstFile, 'fallback'));
    rows.push(['decompress', 'createZstdDecompressor fallback (fzstd + XXH64 check)', fb, fb / cliD]);

    const cliC = best(RUNS, () => execSync(`zstd -q -3 -T1 -c ${JSON.stringify(rawFile)} > /dev/null`));
    rows.push(['compress -3', '`zstd -3 -T1 -c file > /dev/null` (C CLI)', cliC, 1]);
    const natC = best(RUNS, () => compress(raw, 3));
    rows.push(['compress -3', 'compress() native (one-shot)', natC, natC / cliC]);
    const natS = best(RUNS, () => compressStreaming(raw, 'native'));
    rows.push(['compress -3', 'createZstdCompressor native (1 MiB pushes)', natS, natS / cliC]);
    const fbC = best(FALLBACK_RUNS, () => compressStreaming(raw, 'fallback'));
    rows.push(['compress -3', 'createZstdCompressor fallback (wasm, 4 MiB frames)', fbC, fbC / cliC]);

    console.log(
      `zstd bench: ${mb.toFixed(0)} MB synthetic MBP-10 v3 DBN, ${(packedSize / 1e6).toFixed(1)} MB at zstd -3 (ratio ${(raw.length / packedSize).toFixed(1)}), best of ${RUNS} (fallback ${FALLBACK_RUNS}); auto backend: ${zstdBackend()}; node ${process.version}; ${cli(['--version']).toString().trim()}`,
    );
    console.log('');
    console.log('| operation | implementation | MB/s (uncompressed) | time ÷ CLI time |');
    console.log('|---|---|---:|---:|');
    for (const [op, impl, seconds, ratio] of rows) {
      console.log(
        `| ${op} | ${impl} | ${(mb / seconds).toFixed(0)} | ${ratio === undefined ? '' : ratio.toFixed(2)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
