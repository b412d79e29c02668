// Property tests of the DBN codec: encode → decode identity for arbitrary records of every type and
// version, upgrade preserves shared fields, truncation and corruption end in a typed error after the
// correct prefix, and any chunking of the input gives the same result.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DbnDecoder, type DbnDecoderOptions } from '../src/dbn/decoder.js';
import { encodeDbn } from '../src/dbn/encoder.js';
import { DbnDecodeError } from '../src/dbn/errors.js';
import { LAYOUT_BY_NAME } from '../src/dbn/layouts.js';
import type { Metadata } from '../src/dbn/metadata.js';
import type { DbnRecord, PriceMode } from '../src/dbn/records.js';
import { decodeDbnPlain } from '../src/dbn/sync.js';
import { metadataArb, recordsArb } from './dbn-arbitraries.js';

const VERSIONS = [1, 2, 3] as const;

/** Decode from chunks; returns what was delivered and the error, if any. */
function decodeChunks(chunks: Uint8Array[], options: DbnDecoderOptions = {}) {
  const decoder = new DbnDecoder(options);
  const records: DbnRecord<PriceMode>[] = [];
  let metadata: Metadata | null = null;
  let error: unknown = null;
  const drain = () => {
    for (;;) {
      const step = decoder.next();
      if (step.type === 'metadata') metadata = step.metadata;
      else if (step.type === 'record') records.push(step.cursor.toObject());
      else return;
    }
  };
  try {
    for (const c of chunks) {
      decoder.push(c);
      drain();
    }
    decoder.finish();
    drain();
  } catch (e) {
    error = e;
  }
  return { metadata, records, error };
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    if (p > last) out.push(bytes.slice(last, p));
    last = p;
  }
  return out;
}

describe('encode → decode', () => {
  for (const version of VERSIONS) {
    it(`v${version}: arbitrary records of every native type round-trip, with metadata`, () => {
      fc.assert(
        fc.property(metadataArb(version), recordsArb(version), (metadata, records) => {
          const bytes = encodeDbn(metadata, records);
          const doc = decodeDbnPlain(bytes);
          expect(doc.records).toEqual(records);
          const {
            metadata_length: _a,
            metadata_padding: _b,
            records_offset: _c,
            raw_schema: _d,
            raw_stype_in: _e,
            raw_stype_out: _f,
            ...rest
          } = doc.metadata as Metadata;
          expect({ ...rest, legacy_record_count: undefined }).toEqual({ ...metadata, legacy_record_count: undefined });
          // Encoding what was decoded gives the same bytes again.
          expect(encodeDbn(doc.metadata, doc.records)).toEqual(bytes);
        }),
        { numRuns: 60 },
      );
    });

    it(`v${version}: ts_out records round-trip`, () => {
      fc.assert(
        fc.property(
          metadataArb(version, true),
          recordsArb(version, { tsOut: true, maxLength: 5 }),
          (metadata, records) => {
            const doc = decodeDbnPlain(encodeDbn(metadata, records));
            expect(doc.records).toEqual(records);
          },
        ),
        { numRuns: 30 },
      );
    });
  }

  it('fragments of every version round-trip with the version given, and v1/v3 by size alone', () => {
    for (const version of VERSIONS) {
      fc.assert(
        fc.property(recordsArb(version, { maxLength: 6 }), (records) => {
          const bytes = encodeDbn(null, records, { version });
          expect(decodeDbnPlain(bytes, { fragment: true, version }).records).toEqual(records);
          if (version !== 2) expect(decodeDbnPlain(bytes, { fragment: true }).records).toEqual(records);
        }),
        { numRuns: 30 },
      );
    }
  });

  it('prices as numbers are the bigint prices divided by 1e9 (null for UNDEF_PRICE)', () => {
    fc.assert(
      fc.property(metadataArb(3), recordsArb(3), (metadata, records) => {
        const bytes = encodeDbn(metadata, records);
        const exact = decodeDbnPlain(bytes).records;
        const approx = decodeDbnPlain(bytes, { prices: 'number' }).records;
        exact.forEach((r, i) => {
          const layout = LAYOUT_BY_NAME[r.record_type];
          for (const f of layout.fields) {
            if (f.tag !== 'px') continue;
            const raw = (r as unknown as Record<string, bigint>)[f.name] as bigint;
            const value = (approx[i] as unknown as Record<string, number | null>)[f.name];
            expect(value).toBe(raw === 2n ** 63n - 1n ? null : Number(raw) / 1e9);
          }
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe('upgrade to v3', () => {
  for (const version of [1, 2] as const) {
    it(`v${version} → v3 keeps every shared field and fills the new ones`, () => {
      fc.assert(
        fc.property(metadataArb(version), recordsArb(version), (metadata, records) => {
          const upgraded = decodeDbnPlain(encodeDbn(metadata, records), { upgrade: true });
          expect(upgraded.metadata?.version).toBe(3);
          expect(upgraded.metadata?.symbol_cstr_len).toBe(71);
          upgraded.records.forEach((u, i) => {
            const old = records[i] as unknown as Record<string, unknown>;
            const now = u as unknown as Record<string, unknown>;
            expect(LAYOUT_BY_NAME[u.record_type].versions).toContain(3);
            for (const [key, value] of Object.entries(old)) {
              if (key === 'record_type' || key === 'length') continue;
              if (!(key in now)) continue; // dropped by the upgrade (trading_reference_*, ...)
              if (key === 'raw_instrument_id' && typeof value === 'number') expect(now[key]).toBe(BigInt(value));
              else if (key === 'quantity' && typeof value === 'number') {
                expect(now[key]).toBe(value === 2 ** 31 - 1 ? 2n ** 63n - 1n : BigInt(value));
              } else expect(now[key], `${old.record_type}.${key}`).toEqual(value);
            }
            expect(now.length).toBe(LAYOUT_BY_NAME[u.record_type].size / 4);
          });
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('bad input', () => {
  it('truncation at any byte yields the records that fit, then a DbnDecodeError (none at a record boundary)', () => {
    fc.assert(
      fc.property(metadataArb(3), recordsArb(3, { maxLength: 8 }), fc.nat(), (metadata, records, cut) => {
        const bytes = encodeDbn(metadata, records);
        const at = cut % (bytes.length + 1);
        const result = decodeChunks([bytes.slice(0, at)]);
        const header = (result.metadata as Metadata | null)?.records_offset;
        let boundary = header ?? Number.POSITIVE_INFINITY;
        let complete = 0;
        for (const r of records) {
          const next = boundary + r.length * 4;
          if (next > at) break;
          boundary = next;
          complete++;
        }
        expect(result.records).toEqual(records.slice(0, complete));
        const exact = at === boundary;
        if (exact) expect(result.error).toBeNull();
        else {
          expect(DbnDecodeError.is(result.error)).toBe(true);
          expect((result.error as DbnDecodeError).recordIndex).toBe(header === undefined ? -1 : complete);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a corrupted byte gives the correct prefix, then an error or one differing record, never a crash', () => {
    fc.assert(
      fc.property(
        metadataArb(3),
        recordsArb(3, { maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (metadata, records, pos, xor) => {
          const bytes = encodeDbn(metadata, records);
          const at = pos % bytes.length;
          const bad = bytes.slice();
          bad[at] = (bad[at] as number) ^ xor;
          const result = decodeChunks([bad]);
          if (result.error !== null) expect(DbnDecodeError.is(result.error), String(result.error)).toBe(true);
          const clean = decodeChunks([bytes]);
          const start = (clean.metadata as Metadata | null)?.records_offset ?? 0;
          if (at < start) {
            // Header corruption: an error, or the same records after a metadata that differs.
            if (result.error === null) expect(result.records).toEqual(records);
            return;
          }
          let index = 0;
          let boundary = start;
          while (index < records.length && boundary + (records[index] as DbnRecord<PriceMode>).length * 4 <= at) {
            boundary += (records[index] as DbnRecord<PriceMode>).length * 4;
            index++;
          }
          expect(result.records.slice(0, index)).toEqual(records.slice(0, index));
          if (result.error === null) {
            expect(result.records.length).toBe(records.length);
            expect(result.records.slice(index + 1)).toEqual(records.slice(index + 1));
          } else {
            expect(result.records.length).toBe(index);
            expect((result.error as DbnDecodeError).recordIndex).toBe(index);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random bytes never crash or hang: a typed error or a clean end', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, fragment) => {
        const input = fragment ? bytes : new Uint8Array([0x44, 0x42, 0x4e, 3, ...bytes]);
        const result = decodeChunks([input], fragment ? { fragment: true } : {});
        if (result.error !== null) expect(DbnDecodeError.is(result.error), String(result.error)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('a lying metadata length does not allocate it: the error comes from the missing bytes', () => {
    const bytes = new Uint8Array([0x44, 0x42, 0x4e, 3, 0xff, 0xff, 0xff, 0x0f]);
    const result = decodeChunks([bytes], { maxMetadataBytes: 2 ** 40 });
    expect(DbnDecodeError.is(result.error)).toBe(true);
    expect((result.error as DbnDecodeError).reason).toMatch(/ends inside the metadata/);
    const limited = decodeChunks([bytes]);
    expect((limited.error as DbnDecodeError).reason).toMatch(/exceeds the limit/);
  });

  it('a zero length byte is an error, not an endless loop', () => {
    const result = decodeChunks([new Uint8Array(32)], { fragment: true });
    expect((result.error as DbnDecodeError).field).toBe('length');
  });
});

describe('chunking', () => {
  it('any split of the input, down to single bytes, decodes to the same result', () => {
    fc.assert(
      fc.property(
        metadataArb(2),
        recordsArb(2, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.boolean(),
        (metadata, records, cuts, single) => {
          const bytes = encodeDbn(metadata, records);
          const chunks = single ? Array.from(bytes, (b) => new Uint8Array([b])) : split(bytes, cuts);
          const result = decodeChunks(chunks);
          expect(result.error).toBeNull();
          expect(result.records).toEqual(records);
        },
      ),
      { numRuns: 100 },
    );
  });
});
