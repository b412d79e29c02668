import { tableFromIPC, tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ArrowConversionError,
  ArrowSchemaMismatchError,
  arrowTableToRows,
  dateToEpochDays,
  epochDaysToDate,
  rowsToArrowTable,
  toArrowSchema,
} from '../src/arrow.js';
import { FuturesTradeRecord, InstrumentDefinitionRecord } from '../src/events.js';
import type { Fields, RecordDef } from '../src/fields.js';
import { BronzeFuturesTrades, bronzeRowToMbp10, LAKE_TABLES, mbp10ToBronzeRow } from '../src/lake/index.js';
import { mbp10Arb, rowArb } from './arbitraries.js';

const RECORDS: Record<string, RecordDef<Fields>> = {
  ...LAKE_TABLES,
  instrumentDefinitions: InstrumentDefinitionRecord,
};

describe('Arrow round trip', () => {
  for (const [name, record] of Object.entries(RECORDS)) {
    it(`${name} (${record.name}): rows → Arrow → IPC → rows is the identity`, () => {
      fc.assert(
        fc.property(fc.array(rowArb(record.fields), { maxLength: 8 }), (rows) => {
          const table = rowsToArrowTable(record, rows);
          expect(table.numRows).toBe(rows.length);
          const back = arrowTableToRows(record, tableFromIPC(tableToIPC(table)));
          expect(back).toEqual(rows);
          // Every row also satisfies the zod schema generated from the same definition.
          for (const row of back) expect(record.schema.safeParse(row).success).toBe(true);
        }),
        { numRuns: name.startsWith('silver') || name.startsWith('goldTraining') ? 25 : 60 },
      );
    });
  }

  it('MBP-10 events survive the Bronze flattening and Arrow', () => {
    fc.assert(
      fc.property(fc.array(mbp10Arb(), { maxLength: 5 }), (events) => {
        const rows = events.map(mbp10ToBronzeRow);
        const back = arrowTableToRows(
          LAKE_TABLES.bronzeMbp10,
          tableFromIPC(tableToIPC(rowsToArrowTable(LAKE_TABLES.bronzeMbp10, rows))),
        );
        expect(back.map(bronzeRowToMbp10)).toEqual(events);
      }),
    );
  });

  it('keeps nanosecond timestamps and int64 extremes exact', () => {
    const row = FuturesTradeRecord.wire.parse({
      event_id: 'FT-ESH6-9223372036854775807-na-0',
      ts_event_ns: '9223372036854775807',
      ts_recv_ns: '-9223372036854775808',
      source: 'sim',
      symbol: 'ESH6',
      price: 5010.25,
      size: 1,
      aggressor: 0,
      exchange: null,
      conditions: [],
      seq: '1765897231000000001',
    });
    const back = arrowTableToRows(
      BronzeFuturesTrades,
      tableFromIPC(tableToIPC(rowsToArrowTable(BronzeFuturesTrades, [row]))),
    );
    expect(back[0]?.ts_event_ns).toBe(2n ** 63n - 1n);
    expect(back[0]?.ts_recv_ns).toBe(-(2n ** 63n));
    expect(back[0]?.seq).toBe(1765897231000000001n);
    expect(back[0]?.conditions).toEqual([]);
  });

  it('writes units and docs into field metadata and the schema name into schema metadata', () => {
    const schema = toArrowSchema(BronzeFuturesTrades);
    expect(schema.metadata.get('schema')).toBe('futures.trades.v1');
    const ts = schema.fields.find((f) => f.name === 'ts_event_ns');
    expect(ts?.metadata.get('unit')).toBe('ns');
    expect(String(ts?.type)).toBe('Int64');
    const price = schema.fields.find((f) => f.name === 'price');
    expect(price?.metadata.get('unit')).toBe('pt');
    expect(schema.fields.find((f) => f.name === 'seq')?.nullable).toBe(true);
  });

  it('rejects a null in a non-null column with the column and row', () => {
    const bad = [{ ...validTrade(), price: null }];
    expect(() => rowsToArrowTable(BronzeFuturesTrades, bad as never)).toThrow(ArrowConversionError);
    expect(() => rowsToArrowTable(BronzeFuturesTrades, bad as never)).toThrow('column price, row 0');
  });

  it('rejects reading a table with another schema', () => {
    const table = rowsToArrowTable(BronzeFuturesTrades, [validTrade()]);
    expect(() => arrowTableToRows(LAKE_TABLES.bronzeOptionNbbo, table)).toThrow(ArrowSchemaMismatchError);
  });

  it('converts dates both ways', () => {
    expect(dateToEpochDays('1970-01-01')).toBe(0);
    expect(dateToEpochDays('2025-12-16')).toBe(20438);
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (d) => dateToEpochDays(epochDaysToDate(d)) === d),
    );
  });
});

function validTrade() {
  return FuturesTradeRecord.wire.parse({
    event_id: 'FT-ESH6-1765897231000000000-51234-0',
    ts_event_ns: '1765897231000000000',
    ts_recv_ns: '1765897231000412345',
    source: 'replay',
    symbol: 'ESH6',
    price: 5010.5,
    size: 3,
    aggressor: 1,
    exchange: 'CME',
    conditions: null,
    seq: '51234',
  });
}
