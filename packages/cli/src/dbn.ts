/**
 * `spymaster dbn`: dump a DBN file as JSON Lines (the official `dbn` tool's format) or its metadata, and
 * `spymaster dbn stats`: record counts per rtype and instrument, time span and decode throughput, measured
 * on the zero-copy cursor path.
 *
 * @module
 */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type DecodeOptions,
  metadataToDbnJson,
  openDbn,
  recordToDbnJson,
  SCHEMA_NAMES,
  UNDEF_TIMESTAMP,
} from '@spymaster/replay';
import { readFileChunks } from '@spymaster/replay/node';
import { type LineSink, LineWriter } from './output.js';
import { createProgress, type Progress } from './progress.js';

/** The process streams a command writes to (injectable for tests). */
export interface CommandIo {
  stdout: LineSink;
  stderr: NodeJS.WriteStream | { write(text: string): boolean; isTTY?: boolean };
}

/** A usage error: the command line is wrong (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const DBN_USAGE = `Usage:
  spymaster dbn <file> [--json] [--metadata] [--fragment] [--dbn-version N] [--upgrade]
                       [--pretty-px] [--pretty-ts] [--limit N]
  spymaster dbn stats <file> [--fragment] [--dbn-version N] [--json]

Reads DBN files (versions 1-3), plain or zstd. Records are printed as JSON Lines with the keys, nesting and
value encoding of Databento's dbn tool, as stored unless --upgrade asks for version 3.

  --json            JSON Lines output (the default)
  --metadata, -m    print the metadata instead of the records
  --fragment        the file is a fragment: records only, no metadata
  --dbn-version N   version of a fragment (default: told apart by record size)
  --upgrade, -u     upgrade version 1 and 2 records to version 3
  --pretty-px, -p   prices as decimal numbers
  --pretty-ts, -t   timestamps as ISO 8601 strings
  --limit N         stop after N records`;

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`${flag} expects a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function dbnVersion(value: string | undefined): 1 | 2 | 3 | undefined {
  const v = positiveInt(value, '--dbn-version');
  if (v === undefined) return undefined;
  if (v < 1 || v > 3) throw new UsageError(`--dbn-version must be 1, 2 or 3, got ${v}`);
  return v as 1 | 2 | 3;
}

/** Bytes of a file as an async iterable that reports progress. */
async function* countedChunks(
  path: string,
  progress: Progress,
  counter: { bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of readFileChunks(path)) {
    counter.bytes += chunk.length;
    progress.update(counter.bytes);
    yield chunk;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `spymaster dbn <file> ...`: JSON Lines of the records, or the metadata. */
export async function dbnDump(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      metadata: { type: 'boolean', short: 'm' },
      fragment: { type: 'boolean' },
      'dbn-version': { type: 'string' },
      upgrade: { type: 'boolean', short: 'u' },
      'pretty-px': { type: 'boolean', short: 'p' },
      'pretty-ts': { type: 'boolean', short: 't' },
      limit: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`expected one file, got ${positionals.length}\n\n${DBN_USAGE}`);
  const path = positionals[0] as string;
  const limit = positiveInt(values.limit, '--limit');
  const version = dbnVersion(values['dbn-version']);
  if (values.metadata && values.fragment) throw new UsageError('a fragment has no metadata to print');
  const size = fileSize(path);
  const progress = createProgress('decoding', size, io.stderr as NodeJS.WriteStream);
  const counter = { bytes: 0 };
  const options: DecodeOptions = {
    file: path,
    ...(values.fragment ? { fragment: true } : {}),
    ...(version ? { version } : {}),
    ...(values.upgrade ? { upgrade: true } : {}),
  };
  const out = new LineWriter(io.stdout);
  const json = { prettyPx: values['pretty-px'] === true, prettyTs: values['pretty-ts'] === true };
  const stream = await openDbn(countedChunks(path, progress, counter), options);
  try {
    if (values.metadata) {
      await out.line(metadataToDbnJson(stream.metadata as NonNullable<typeof stream.metadata>, json));
      return 0;
    }
    if (limit === 0) return 0;
    let written = 0;
    for await (const record of stream) {
      await out.line(recordToDbnJson(record, json));
      if (limit !== undefined && ++written >= limit) break;
    }
    return 0;
  } finally {
    await stream.close();
    await out.flush();
    progress.finish();
  }
}

/** Statistics of one DBN file. */
export interface DbnStats {
  file: string;
  bytes: number;
  decompressed_bytes: number;
  version: number;
  schema: string | null;
  dataset: string | null;
  records: number;
  by_rtype: { rtype: number; record_type: string; count: number }[];
  by_instrument: { instrument_id: number; symbol: string | null; count: number }[];
  first_ts_event: string | null;
  last_ts_event: string | null;
  seconds: number;
  records_per_second: number;
  mb_per_second: number;
}

function isoOf(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const rest = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${rest}Z`;
}

/** Decode a file on the cursor path and collect its statistics. */
export async function collectDbnStats(path: string, options: DecodeOptions, progress: Progress): Promise<DbnStats> {
  const bytes = fileSize(path);
  const counter = { bytes: 0 };
  const started = performance.now();
  const stream = await openDbn(countedChunks(path, progress, counter), { ...options, file: path });
  const byRtype = new Map<number, { name: string; count: number }>();
  const byInstrument = new Map<number, number>();
  let decompressed = stream.metadata?.records_offset ?? 0;
  // Earliest and latest ts_event as (high, low) 32-bit halves: no bigint allocated per record.
  let minHi = Number.POSITIVE_INFINITY;
  let minLo = 0;
  let maxHi = -1;
  let maxLo = 0;
  await stream.forEach((cursor) => {
    const rtype = cursor.rtype;
    const entry = byRtype.get(rtype);
    if (entry) entry.count++;
    else byRtype.set(rtype, { name: cursor.recordType, count: 1 });
    const id = cursor.instrumentId;
    byInstrument.set(id, (byInstrument.get(id) ?? 0) + 1);
    decompressed += cursor.size;
    const hi = cursor.u32(12);
    const lo = cursor.u32(8);
    if (hi < minHi || (hi === minHi && lo < minLo)) {
      minHi = hi;
      minLo = lo;
    }
    if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
      maxHi = hi;
      maxLo = lo;
    }
  });
  const first = maxHi < 0 ? UNDEF_TIMESTAMP : (BigInt(minHi) << 32n) | BigInt(minLo);
  const last = maxHi < 0 ? UNDEF_TIMESTAMP : (BigInt(maxHi) << 32n) | BigInt(maxLo);
  const seconds = (performance.now() - started) / 1000;
  const records = stream.recordCount;
  const metadata = stream.metadata;
  const symbolOf = new Map<number, string>();
  for (const m of metadata?.mappings ?? [])
    for (const iv of m.intervals) if (/^\d+$/.test(iv.symbol)) symbolOf.set(Number(iv.symbol), m.raw_symbol);
  return {
    file: path,
    bytes,
    decompressed_bytes: decompressed,
    version: metadata?.version ?? options.version ?? 0,
    schema: metadata?.schema ?? null,
    dataset: metadata?.dataset ?? null,
    records,
    by_rtype: [...byRtype.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([rtype, v]) => ({ rtype, record_type: v.name, count: v.count })),
    by_instrument: [...byInstrument.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([instrument_id, count]) => ({ instrument_id, symbol: symbolOf.get(instrument_id) ?? null, count })),
    first_ts_event: records > 0 ? first.toString() : null,
    last_ts_event: records > 0 ? last.toString() : null,
    seconds,
    records_per_second: seconds > 0 ? records / seconds : 0,
    mb_per_second: seconds > 0 ? decompressed / 1e6 / seconds : 0,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '))
    .join('\n');
}

/** `spymaster dbn stats <file>`. */
export async function dbnStats(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      fragment: { type: 'boolean' },
      'dbn-version': { type: 'string' },
      json: { type: 'boolean' },
      top: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`expected one file, got ${positionals.length}\n\n${DBN_USAGE}`);
  const path = positionals[0] as string;
  const version = dbnVersion(values['dbn-version']);
  const top = positiveInt(values.top, '--top') ?? 10;
  const progress = createProgress('reading', fileSize(path), io.stderr as NodeJS.WriteStream);
  let stats: DbnStats;
  try {
    stats = await collectDbnStats(
      path,
      { ...(values.fragment ? { fragment: true } : {}), ...(version ? { version } : {}) },
      progress,
    );
  } finally {
    progress.finish();
  }
  const out = new LineWriter(io.stdout);
  if (values.json) {
    await out.line(JSON.stringify(stats));
    await out.flush();
    return 0;
  }
  const lines = [
    `file        ${stats.file}`,
    `size        ${stats.bytes.toLocaleString('en-US')} bytes (${stats.decompressed_bytes.toLocaleString('en-US')} decompressed)`,
    `format      DBN v${stats.version}${stats.schema ? `, schema ${stats.schema}` : ''}${stats.dataset ? `, dataset ${stats.dataset}` : ''}`,
    `records     ${stats.records.toLocaleString('en-US')}`,
    `time span   ${stats.first_ts_event ? `${isoOf(BigInt(stats.first_ts_event))} → ${isoOf(BigInt(stats.last_ts_event as string))}` : '(no records)'}`,
    `throughput  ${Math.round(stats.records_per_second).toLocaleString('en-US')} records/s, ${stats.mb_per_second.toFixed(1)} MB/s (${stats.seconds.toFixed(3)} s, cursor path)`,
    '',
    table([
      ['rtype', 'record type', 'count'],
      ...stats.by_rtype.map((r) => [
        `0x${r.rtype.toString(16).padStart(2, '0')}`,
        r.record_type,
        r.count.toLocaleString('en-US'),
      ]),
    ]),
    '',
    table([
      ['instrument', 'symbol', 'count'],
      ...stats.by_instrument
        .slice(0, top)
        .map((r) => [String(r.instrument_id), r.symbol ?? '', r.count.toLocaleString('en-US')]),
    ]),
  ];
  if (stats.by_instrument.length > top)
    lines.push(`(${stats.by_instrument.length - top} more instruments; --top N shows more)`);
  for (const line of lines) await out.line(line);
  await out.flush();
  return 0;
}

/** Known schema names, re-exported for help texts. */
export const DBN_SCHEMAS = SCHEMA_NAMES;
