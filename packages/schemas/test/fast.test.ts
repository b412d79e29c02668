import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  FuturesTradeRecord,
  InstrumentDefinitionRecord,
  MBP10Record,
  OptionNBBORecord,
  OptionTradeRecord,
} from '../src/events.js';
import {
  compileValidator,
  compileWireDecoder,
  compileWireEncoder,
  compileWireValidator,
  decodeMbp10Wire,
  encodeMbp10Wire,
  ValidationError,
  validateMbp10,
  validateMbp10Wire,
} from '../src/fast.js';
import type { Fields, RecordDef } from '../src/fields.js';
import { LAKE_TABLES } from '../src/lake/index.js';
import { mbp10Arb, rowArb } from './arbitraries.js';

const RECORDS: RecordDef<Fields>[] = [
  FuturesTradeRecord,
  OptionTradeRecord,
  OptionNBBORecord,
  InstrumentDefinitionRecord,
  ...Object.values(LAKE_TABLES),
];

/** Values that break one field: wrong types, out-of-range numbers, non-finite numbers, bad dates. */
const junk = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    undefined,
    '',
    'x',
    '12',
    '-0',
    '1e3',
    '2025-02-30',
    '2024-02-29',
    true,
    [],
    {},
    [1.5],
    Number.NaN,
  ),
  fc.constantFrom<unknown>(Infinity, -Infinity, 1.5, -1, 0, 128, -129, 2 ** 31, 2 ** 32, 2 ** 53),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.double(),
  fc.string(),
);

function mutate<T extends Record<string, unknown>>(row: T, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...row };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

describe('fast validators agree with zod', () => {
  for (const record of RECORDS) {
    it(`${record.name}: valid rows pass both; a broken field fails both`, () => {
      const validate = compileValidator(record);
      const closures = compileValidator(record, { codegen: false });
      const keys = Object.keys(record.fields);
      fc.assert(
        fc.property(rowArb(record.fields), fc.constantFrom(...keys, 'unknown_field'), junk, (row, key, value) => {
          expect(validate(row)).toBeNull();
          const broken = mutate(row as Record<string, unknown>, key, value);
          const zodOk = record.schema.safeParse(broken).success;
          expect(validate(broken) === null, `${key}=${String(value)}`).toBe(zodOk);
          // The generated fast path and the closures give the same answer and the same message.
          expect(validate(broken)).toBe(closures(broken));
        }),
        { numRuns: 150 },
      );
    });

    it(`${record.name}: the wire decoder equals zod’s codec and names the field`, () => {
      const decode = compileWireDecoder(record);
      const decodeClosures = compileWireDecoder(record, { codegen: false });
      const encode = compileWireEncoder(record);
      const encodeClosures = compileWireEncoder(record, { codegen: false });
      const validateWire = compileWireValidator(record);
      fc.assert(
        fc.property(
          rowArb(record.fields, { json: true }),
          fc.constantFrom(...Object.keys(record.fields)),
          junk,
          (row, key, value) => {
            const wire = encode(row);
            expect(wire).toEqual(z.encode(record.wire as z.ZodType, row));
            expect(encodeClosures(row)).toEqual(wire);
            expect(decodeClosures(JSON.parse(JSON.stringify(wire)))).toEqual(decode(JSON.parse(JSON.stringify(wire))));
            expect(decode(JSON.parse(JSON.stringify(wire)))).toEqual(
              record.wire.parse(JSON.parse(JSON.stringify(wire))),
            );
            const broken = mutate(wire as Record<string, unknown>, key, value);
            const zodOk = record.wire.safeParse(broken).success;
            expect(validateWire(broken) === null, `${key}=${String(value)}`).toBe(zodOk);
            if (!zodOk) {
              try {
                decode(broken);
                expect.unreachable();
              } catch (error) {
                expect(error).toBeInstanceOf(ValidationError);
                expect((error as ValidationError).field).toBe(key);
              }
            }
          },
        ),
        { numRuns: 100 },
      );
    });
  }

  it('MBP-10: fast validators and codec agree with zod', () => {
    fc.assert(
      fc.property(
        mbp10Arb(),
        fc.nat({ max: 9 }),
        fc.constantFrom('bid_px', 'bid_sz', 'ask_px', 'ask_sz'),
        junk,
        (event, i, key, value) => {
          expect(validateMbp10(event)).toBeNull();
          const wire = encodeMbp10Wire(event);
          expect(validateMbp10Wire(wire)).toBeNull();
          expect(decodeMbp10Wire(JSON.parse(JSON.stringify(wire)))).toEqual(event);
          const levels = event.levels.map((l, j) => (j === i ? mutate(l, key, value) : l));
          const broken = { ...event, levels };
          const zodOk = MBP10Record.schema.safeParse(broken).success;
          const problem = validateMbp10(broken);
          expect(problem === null).toBe(zodOk);
          if (!zodOk) expect(problem).toMatch(new RegExp(`^levels\\[${i}\\]\\.${key}: `));
        },
      ),
      { numRuns: 200 },
    );
  });
});
