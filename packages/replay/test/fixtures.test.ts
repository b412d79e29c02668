// Every Databento fixture, every version × compression × schema present: record counts and layouts from the
// fixtures README, metadata and first records from expected-samples.json, byte-exact re-encoding, upgrades
// that agree with the v3 files, and streaming in small chunks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DbnDecoder } from '../src/dbn/decoder.js';
import { encodeDbn } from '../src/dbn/encoder.js';
import { decodeDbn, openDbn } from '../src/dbn/open.js';
import type { DbnRecord, PriceMode } from '../src/dbn/records.js';
import { decompress } from '../src/zstd/index.js';
import { expectedSamples, FIXTURE_DIR, fixture, fixtureFacts, fixtureNames, json } from './fixtures.js';

interface ReadmeRow {
  file: string;
  bytes: number;
  version: number;
  header: 'metadata' | 'fragment';
  count: number;
  layout: string | null;
}

function readmeRows(): ReadmeRow[] {
  const text = readFileSync(join(FIXTURE_DIR, 'README.md'), 'utf8');
  const rows: ReadmeRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^\| `([^`]+)` \| (\d+) \| [^|]+ \| (\d) \| [^|]+ \| ([^|]+) \| [^|]+ \| ([^|]+) \|$/.exec(line);
    if (!m) continue;
    const records = (m[5] as string).trim();
    const counted = /^(\d+) × (\w+)/.exec(records);
    rows.push({
      file: m[1] as string,
      bytes: Number(m[2]),
      version: Number(m[3]),
      header: (m[4] as string).includes('fragment') ? 'fragment' : 'metadata',
      count: counted ? Number(counted[1]) : Number(records),
      layout: counted ? (counted[2] as string) : null,
    });
  }
  return rows;
}

function optionsFor(name: string) {
  const facts = fixtureFacts(name);
  return facts.fragment ? { fragment: true, ...(facts.version ? { version: facts.version } : {}) } : {};
}

const ROWS = readmeRows();

describe('fixture inventory', () => {
  it('the README describes every fixture file', () => {
    expect(ROWS.map((r) => r.file).sort()).toEqual(fixtureNames().filter((f) => f !== 'expected-samples.json'));
    expect(ROWS.length).toBe(71);
  });
});

describe.each(ROWS)('$file', (row) => {
  const bytes = fixture(row.file);
  const options = optionsFor(row.file);

  it('decodes to the README record count and layout', () => {
    expect(bytes.length).toBe(row.bytes);
    const doc = decodeDbn(bytes, options);
    expect(doc.records).toHaveLength(row.count);
    if (row.layout) for (const r of doc.records) expect(r.record_type).toBe(row.layout);
    if (row.header === 'metadata') expect(doc.metadata?.version).toBe(row.version);
    else expect(doc.metadata).toBeNull();
  });

  it('re-encodes to the exact decompressed bytes', () => {
    const doc = decodeDbn(bytes, options);
    const plain = fixtureFacts(row.file).zstd ? decompress(bytes) : bytes;
    const version = (doc.metadata?.version ?? fixtureFacts(row.file).version ?? 2) as 1 | 2 | 3;
    expect(encodeDbn(doc.metadata, doc.records, { version })).toEqual(plain);
  });

  it('streams in 1-byte and 7-byte chunks to the same records', async () => {
    const whole = decodeDbn(bytes, options).records;
    for (const size of [1, 7]) {
      const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
        bytes.slice(i * size, (i + 1) * size),
      );
      const stream = await openDbn(chunks, options);
      const records: DbnRecord<PriceMode>[] = [];
      for await (const r of stream) records.push(r);
      expect(records).toEqual(whole);
    }
  });
});

describe('expected-samples.json (metadata and first record of every v3 .zst file)', () => {
  const samples = expectedSamples();
  it.each(Object.entries(samples))('%s', (_schema, sample) => {
    const doc = decodeDbn(fixture(sample.file));
    expect(JSON.parse(json(doc.metadata))).toEqual(sample.metadata);
    expect(doc.records).toHaveLength(sample.record_count);
    if (sample.first_record === null) expect(doc.records).toHaveLength(0);
    else expect(JSON.parse(json(doc.records[0]))).toEqual(sample.first_record);
  });
});

describe('upgrade', () => {
  const schemas = [
    ...new Set(ROWS.filter((r) => /\.v3\.dbn\.zst$/.test(r.file)).map((r) => fixtureFacts(r.file).schema)),
  ];
  it.each(schemas)('%s: v1 and v2 files upgraded equal the v3 file', (schema) => {
    const v3 = decodeDbn(fixture(`test_data.${schema}.v3.dbn.zst`));
    for (const v of [1, 2]) {
      const name = `test_data.${schema}.v${v}.dbn.zst`;
      if (!ROWS.some((r) => r.file === name)) continue;
      const up = decodeDbn(fixture(name), { upgrade: true });
      expect(up.metadata?.version).toBe(3);
      const {
        metadata_length: _a,
        metadata_padding: _b,
        records_offset: _c,
        ...m3
      } = v3.metadata as NonNullable<typeof v3.metadata>;
      const {
        metadata_length: _d,
        metadata_padding: _e,
        records_offset: _f,
        ...mu
      } = up.metadata as NonNullable<typeof up.metadata>;
      expect(mu).toEqual(m3);
      expect(up.records).toEqual(v3.records);
    }
  });

  it('fragments of definitions: v1 and v2 upgraded equal v3', () => {
    const v3 = decodeDbn(fixture('test_data.definition.v3.dbn.frag'), { fragment: true, version: 3 }).records;
    for (const [file, version] of [
      ['test_data.definition.v1.dbn.frag', 1],
      ['test_data.definition.v2.dbn.frag', 2],
    ] as const) {
      expect(decodeDbn(fixture(file), { fragment: true, version, upgrade: true }).records).toEqual(v3);
    }
  });
});

describe('compression', () => {
  it('each unversioned plain file is the decompressed v2 .zst file', () => {
    for (const row of ROWS.filter((r) => /^test_data\.[^.]+(-\w+)?\.dbn$/.test(r.file) && !r.file.includes('.v'))) {
      const v2 = row.file.replace(/\.dbn$/, '.v2.dbn.zst');
      if (!ROWS.some((r) => r.file === v2)) continue;
      expect(decompress(fixture(v2)), row.file).toEqual(fixture(row.file));
    }
  });

  it('the multi-frame fixture decodes as 8 version 1 definitions', () => {
    const doc = decodeDbn(fixture('multi-frame.definition.v1.dbn.frag.zst'), { fragment: true, version: 1 });
    // The README lists the symbols alphabetically.
    expect(doc.records.map((r) => (r as { raw_symbol: string }).raw_symbol).sort()).toEqual([
      '1EUF1 C1230',
      'E2AF1 P3680',
      'ESH1 P2250',
      'EX2F1 P3620',
      'GEM3 P9812',
      'LNEH1 C3400',
      'OGF1 P2020',
      'OZSN1 C1320',
    ]);
  });

  it('a fragment without a version is decoded by record size', () => {
    for (const v of [1, 2, 3] as const) {
      const file = `test_data.definition.v${v}.dbn.frag`;
      const doc = decodeDbn(fixture(file), { fragment: true });
      expect(doc.records.map((r) => r.record_type)).toEqual([`InstrumentDefMsgV${v}`, `InstrumentDefMsgV${v}`]);
    }
  });
});

describe('errors name the file and position', () => {
  it('a truncated fixture delivers every complete record, then a located error', () => {
    const bytes = fixture('test_data.mbp-10.dbn');
    const decoder = new DbnDecoder({ file: 'cut.dbn' });
    decoder.push(bytes.slice(0, bytes.length - 100));
    decoder.finish();
    const seen: number[] = [];
    let error: unknown;
    try {
      for (let step = decoder.next(); step.type !== 'end'; step = decoder.next())
        if (step.type === 'record') seen.push(step.cursor.index);
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([0]);
    expect(String(error)).toMatch(
      /^DbnDecodeError: invalid DBN at cut\.dbn: byte 721, record 1 \(rtype 0x0a\): input ends inside a record/,
    );
  });
});
