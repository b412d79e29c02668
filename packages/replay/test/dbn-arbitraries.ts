// fast-check arbitraries of DBN records, generated from the layout tables.
import fc from 'fast-check';
import { type AnyRecordLayout, type FieldLayout, type PairLayout, RECORD_LAYOUTS } from '../src/dbn/layouts.js';
import type { DbnRecord, PriceMode } from '../src/dbn/records.js';

const U64 = { min: 0n, max: 2n ** 64n - 1n };
const I64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const ascii = (max: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max });

/** Arbitrary value of a 1–4 byte integer type code, or undefined for other types. */
export function integerArb(type: string): fc.Arbitrary<number> | undefined {
  switch (type) {
    case 'u8':
      return fc.integer({ min: 0, max: 0xff });
    case 'i8':
      return fc.integer({ min: -0x80, max: 0x7f });
    case 'u16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'i16':
      return fc.integer({ min: -0x8000, max: 0x7fff });
    case 'u32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'i32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    default:
      return undefined;
  }
}

function scalar(f: FieldLayout): fc.Arbitrary<unknown> {
  const integer = integerArb(f.type);
  if (integer) return integer;
  switch (f.type) {
    case 'u64':
      return fc.bigInt(U64);
    case 'i64':
      return fc.bigInt(I64);
    case 'char':
      return fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c));
    default:
      return ascii(f.size - 1);
  }
}

function pair(p: PairLayout): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of p.fields) if (!f.name.startsWith('_')) model[f.name] = scalar(f);
  return fc.record(model);
}

/** Arbitrary record object of a layout (bigint prices), with an rtype of the layout and the right length. */
export function recordArb(layout: AnyRecordLayout, tsOut = false): fc.Arbitrary<DbnRecord<PriceMode>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of layout.fields) {
    if (f.type.startsWith('r')) continue;
    if (f.name === 'length') model.length = fc.constant(layout.size / 4 + (tsOut ? 2 : 0));
    else if (f.name === 'rtype') model.rtype = fc.constantFrom(...layout.rtypes);
    else if (f.type === 'L1' || f.type === 'L10' || f.type === 'C1') {
      const levels = layout.levels as NonNullable<AnyRecordLayout['levels']>;
      model.levels = fc.array(pair(levels.pair), { minLength: levels.count, maxLength: levels.count });
    } else model[f.name] = scalar(f);
    if (f.name === 'ts_event') model.record_type = fc.constant(layout.name);
  }
  if (tsOut) model.ts_out = fc.bigInt(U64);
  return fc.record(model) as unknown as fc.Arbitrary<DbnRecord<PriceMode>>;
}

/** Layouts native to a version. */
export function layoutsOf(version: 1 | 2 | 3): AnyRecordLayout[] {
  return RECORD_LAYOUTS.filter((l) => (l.versions as readonly number[]).includes(version));
}

/** Arbitrary list of records of one version (any layouts native to it). */
export function recordsArb(
  version: 1 | 2 | 3,
  options: { maxLength?: number; tsOut?: boolean } = {},
): fc.Arbitrary<DbnRecord<PriceMode>[]> {
  const arbs = layoutsOf(version).map((l) => recordArb(l, options.tsOut));
  return fc.array(fc.oneof(...arbs), { maxLength: options.maxLength ?? 12 });
}

/** Arbitrary metadata of a version. */
export function metadataArb(version: 1 | 2 | 3, tsOut = false) {
  const L = version === 1 ? 22 : 71;
  const date = fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const symbol = ascii(Math.min(L - 1, 20));
  return fc.record({
    version: fc.constant(version),
    dataset: ascii(15),
    schema: fc.constantFrom(null, 'mbo', 'mbp-10', 'trades', 'definition', 'statistics' as const),
    start: fc.bigInt(U64),
    end: fc.bigInt(U64),
    limit: fc.bigInt(U64),
    stype_in: fc.constantFrom(null, 'raw_symbol', 'instrument_id', 'parent', 'continuous'),
    stype_out: fc.constantFrom('instrument_id', 'raw_symbol'),
    ts_out: fc.constant(tsOut),
    symbol_cstr_len: fc.constant(L),
    symbols: fc.array(symbol, { maxLength: 3 }),
    partial: fc.array(symbol, { maxLength: 2 }),
    not_found: fc.array(symbol, { maxLength: 2 }),
    mappings: fc.array(
      fc.record({
        raw_symbol: symbol,
        intervals: fc.array(fc.record({ start_date: date, end_date: date, symbol }), { maxLength: 3 }),
      }),
      { maxLength: 3 },
    ),
  });
}
