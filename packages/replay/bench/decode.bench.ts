// Decode throughput on a large MBP-10 file made with our encoder (default 2 000 000 records), plain and
// zstd, for the zero-copy cursor and the object API, each compared with `zstd -d` of the same file to
// /dev/null measured in the same run. Run: npm run bench -w @spymaster/replay [-- --records N].
// The data is generated into a temporary directory and deleted afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MBP10_MSG } from '../src/dbn/layouts.js';
import type { MetadataInput } from '../src/dbn/metadata.js';
import type { Mbp10Msg } from '../src/dbn/records.js';
import { createDbnFileWriter, openDbnFile } from '../src/node.js';
import { zstdBackend } from '../src/zstd/index.js';

const { values } = parseArgs({ options: { records: { type: 'string' }, keep: { type: 'boolean' } } });
const N = Number(values.records ?? 2_000_000);
const dir = mkdtempSync(join(tmpdir(), 'spymaster-bench-'));
const plain = join(dir, 'bench.mbp-10.dbn');
const zst = join(dir, 'bench.mbp-10.dbn.zst');

const metadata: MetadataInput = {
  version: 3,
  dataset: 'GLBX.MDP3',
  schema: 'mbp-10',
  start: 1765875600000000000n,
  end: 1765909800000000000n,
  limit: 0n,
  stype_in: 'raw_symbol',
  stype_out: 'instrument_id',
  ts_out: false,
  symbol_cstr_len: 71,
  symbols: ['ESH6'],
  partial: [],
  not_found: [],
  mappings: [
    { raw_symbol: 'ESH6', intervals: [{ start_date: '2025-12-16', end_date: '2025-12-17', symbol: '42140878' }] },
  ],
};

/** A deterministic book walk: mid moves by ticks, sizes change at a few levels per update. */
async function writeFiles(): Promise<void> {
  let seed = 0x2545f491;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const writers = [
    createDbnFileWriter(plain, metadata, { zstd: false }),
    createDbnFileWriter(zst, metadata, { zstd: true, level: 3 }),
  ];
  let mid = 24_000n; // ticks: 6000.00
  const bidSz = Array.from({ length: 10 }, () => 10 + Math.floor(rand() * 90));
  const askSz = Array.from({ length: 10 }, () => 10 + Math.floor(rand() * 90));
  let ts = 1765895400000000000n;
  for (let i = 0; i < N; i++) {
    const r = rand();
    if (r < 0.02) mid += r < 0.01 ? 1n : -1n;
    const level = Math.floor(rand() * 10);
    const side = rand() < 0.5 ? 'B' : 'A';
    const sizes = side === 'B' ? bidSz : askSz;
    sizes[level] = Math.max(1, (sizes[level] as number) + Math.floor(rand() * 21) - 10);
    ts += BigInt(1 + Math.floor(rand() * 2_000_000));
    const record: Mbp10Msg = {
      length: 92,
      rtype: 10,
      publisher_id: 1,
      instrument_id: 42140878,
      ts_event: ts,
      record_type: 'Mbp10Msg',
      price: (side === 'B' ? mid - BigInt(level) : mid + 1n + BigInt(level)) * 250_000_000n,
      size: 1 + Math.floor(rand() * 20),
      action: rand() < 0.6 ? 'A' : 'C',
      side,
      flags: 128,
      depth: level,
      ts_recv: ts + 400_000n,
      ts_in_delta: 15_000,
      sequence: i,
      levels: Array.from({ length: 10 }, (_, l) => ({
        bid_px: (mid - BigInt(l)) * 250_000_000n,
        ask_px: (mid + 1n + BigInt(l)) * 250_000_000n,
        bid_sz: bidSz[l] as number,
        ask_sz: askSz[l] as number,
        bid_ct: 1 + ((bidSz[l] as number) >> 3),
        ask_ct: 1 + ((askSz[l] as number) >> 3),
      })),
    };
    for (const w of writers) await w.write(record);
  }
  for (const w of writers) await w.close();
}

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

async function cursorRun(path: string): Promise<{ s: number; n: number }> {
  const start = performance.now();
  const stream = await openDbnFile(path);
  const PRICE = (MBP10_MSG.byName.price as { offset: number }).offset;
  let sum = 0;
  await stream.forEach((c) => {
    sum += c.i64Number(PRICE);
  });
  if (sum === 0) throw new Error('nothing decoded');
  return { s: seconds(start), n: stream.recordCount };
}

async function objectRun(
  path: string,
  prices: 'bigint' | 'number',
  perRecord = false,
): Promise<{ s: number; n: number }> {
  const start = performance.now();
  const stream = await openDbnFile(path, { prices });
  let n = 0;
  let sizes = 0;
  if (perRecord) {
    for await (const record of stream) {
      n++;
      sizes += (record as { size: number }).size;
    }
  } else {
    for await (const batch of stream.batches()) {
      for (const record of batch) {
        n++;
        sizes += (record as { size: number }).size;
      }
    }
  }
  if (sizes === 0) throw new Error('nothing decoded');
  return { s: seconds(start), n };
}

function zstdCli(path: string): number {
  const start = performance.now();
  const run = spawnSync('zstd', ['-d', '-q', '-c', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.error || run.status !== 0)
    throw new Error(`zstd -d failed (${run.error?.message ?? run.stderr}): install it (apt-get install zstd)`);
  return seconds(start);
}

function best<T extends { s: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.s < a.s ? b : a));
}

console.log(`writing ${N.toLocaleString('en-US')} MBP-10 records (plain and zstd level 3) into ${dir} ...`);
const start = performance.now();
await writeFiles();
const plainBytes = statSync(plain).size;
const zstBytes = statSync(zst).size;
console.log(
  `written in ${seconds(start).toFixed(1)} s: plain ${(plainBytes / 1e6).toFixed(0)} MB, zstd ${(zstBytes / 1e6).toFixed(0)} MB; zstd backend: ${zstdBackend()}`,
);

const REPEAT = 3;
const zstdD: number[] = [];
const cursorZ: { s: number; n: number }[] = [];
const objectZ: { s: number; n: number }[] = [];
const cursorP: { s: number; n: number }[] = [];
const objectP: { s: number; n: number }[] = [];
const objectPn: { s: number; n: number }[] = [];
const objectZn: { s: number; n: number }[] = [];
const objectIter: { s: number; n: number }[] = [];
for (let r = 0; r < REPEAT; r++) {
  // Interleaved, so machine noise hits every case alike; the best of the runs is reported.
  zstdD.push(zstdCli(zst));
  cursorZ.push(await cursorRun(zst));
  objectZ.push(await objectRun(zst, 'bigint'));
  cursorP.push(await cursorRun(plain));
  objectP.push(await objectRun(plain, 'bigint'));
  objectPn.push(await objectRun(plain, 'number'));
  objectZn.push(await objectRun(zst, 'number'));
  objectIter.push(await objectRun(plain, 'number', true));
}
const z = Math.min(...zstdD);
const rows: [string, number, number][] = [
  ['zstd -d (C CLI) to /dev/null', z, N],
  ['zstd file, cursor API', best(cursorZ).s, best(cursorZ).n],
  ['zstd file, object API batches (bigint prices)', best(objectZ).s, best(objectZ).n],
  ['zstd file, object API batches (number prices)', best(objectZn).s, best(objectZn).n],
  ['plain file, cursor API', best(cursorP).s, best(cursorP).n],
  ['plain file, object API batches (bigint prices)', best(objectP).s, best(objectP).n],
  ['plain file, object API batches (number prices)', best(objectPn).s, best(objectPn).n],
  ['plain file, object API for-await per record (number prices)', best(objectIter).s, best(objectIter).n],
];
console.log(
  `\nbest of ${REPEAT} interleaved runs, ${N.toLocaleString('en-US')} records, ${(plainBytes / 1e6).toFixed(0)} MB decompressed:\n`,
);
console.log('| case | seconds | records/s | MB/s (decompressed) | × zstd -d time |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, s, n] of rows) {
  console.log(
    `| ${name} | ${s.toFixed(3)} | ${Math.round(n / s).toLocaleString('en-US')} | ${(plainBytes / 1e6 / s).toFixed(0)} | ${(s / z).toFixed(2)} |`,
  );
}
if (!values.keep) rmSync(dir, { recursive: true, force: true });
else console.log(`\nfiles kept in ${dir}`);
