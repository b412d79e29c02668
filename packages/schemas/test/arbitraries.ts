// fast-check arbitraries generated from the field definitions, so every record and table gets
// property tests without hand-written generators.
import fc from 'fast-check';
import type { MBP10 } from '../src/events.js';
import { MBP10_DEPTH } from '../src/events.js';
import type { AnyField, Fields, RowOf } from '../src/fields.js';

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

function intArb(lo: number, hi: number, def: AnyField): fc.Arbitrary<number> {
  return fc.integer({ min: Math.max(lo, def.min ?? lo), max: Math.min(hi, def.max ?? hi) });
}

/** Options of the row arbitraries. */
export interface ArbOptions {
  /** Only values that survive JSON: no NaN, no -0 (JSON writes both differently). */
  json?: boolean;
}

/** Arbitrary valid in-memory value of one field. */
export function valueArb(def: AnyField, options: ArbOptions = {}): fc.Arbitrary<unknown> {
  let arb: fc.Arbitrary<unknown>;
  switch (def.kind) {
    case 'utf8':
      arb = def.values ? fc.constantFrom(...def.values) : fc.string({ unit: 'grapheme', maxLength: 12 });
      break;
    case 'int8':
      arb = intArb(-128, 127, def);
      break;
    case 'int16':
      arb = intArb(-32768, 32767, def);
      break;
    case 'int32':
      arb = intArb(-2147483648, 2147483647, def);
      break;
    case 'uint32':
      arb = intArb(0, 4294967295, def);
      break;
    case 'int64':
    case 'timestamp_ns':
      arb = fc.bigInt(INT64);
      break;
    case 'float64':
      arb = fc.double({
        noNaN: !def.allowNaN || options.json === true,
        noDefaultInfinity: true,
        ...(def.min !== undefined ? { min: def.min } : {}),
        ...(def.max !== undefined ? { max: def.max } : {}),
      });
      if (options.json) arb = arb.map((x) => (Object.is(x, -0) ? 0 : x));
      break;
    case 'bool':
      arb = fc.boolean();
      break;
    case 'date32':
      arb = fc
        .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
      break;
    case 'list_int16':
      arb = fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 4 });
      break;
  }
  return def.nullable ? fc.option(arb, { nil: null, freq: 3 }) : arb;
}

/** Arbitrary valid in-memory row of a record. */
export function rowArb<F extends Fields>(fields: F, options: ArbOptions = {}): fc.Arbitrary<RowOf<F>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, def] of Object.entries(fields)) model[name] = valueArb(def, options);
  return fc.record(model) as unknown as fc.Arbitrary<RowOf<F>>;
}

/** Arbitrary valid in-memory MBP-10 event. */
export function mbp10Arb(): fc.Arbitrary<MBP10> {
  const price = fc.double({ min: 0, max: 1e4, noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x));
  const level = fc.record({
    bid_px: price,
    bid_sz: fc.integer({ min: 0, max: 10_000 }),
    ask_px: price,
    ask_sz: fc.integer({ min: 0, max: 10_000 }),
  });
  return fc.record({
    event_id: fc.string(),
    ts_event_ns: fc.bigInt(INT64),
    ts_recv_ns: fc.bigInt(INT64),
    source: fc.constantFrom('direct_feed', 'replay', 'sim' as const),
    symbol: fc.string(),
    levels: fc.array(level, { minLength: MBP10_DEPTH, maxLength: MBP10_DEPTH }),
    is_snapshot: fc.boolean(),
    seq: fc.option(fc.bigInt({ min: 0n, max: INT64.max }), { nil: null }),
  });
}
