// Pins every record layout against the byte tables of dbn-format.md §6: name, offset, size and type of
// every field, and the total size of every record.
import { describe, expect, it } from 'vitest';
import {
  BID_ASK_PAIR,
  CONSOLIDATED_BID_ASK_PAIR,
  type FieldLayout,
  LAYOUT_BY_NAME,
  type PairLayout,
  RECORD_LAYOUTS,
  type RecordLayout,
} from '../src/dbn/layouts.js';
import { spec } from './fixtures.js';

interface SpecRow {
  offset: number;
  size: number;
  type: string;
  name: string;
}

/** The §6 tables, in document order, each with its heading. */
function specTables(): { heading: string; rows: SpecRow[]; total: number | null }[] {
  const text = spec('dbn-format.md');
  const section = text.slice(text.indexOf('## 6. Record layouts'), text.indexOf('## 7. Field values'));
  const tables: { heading: string; rows: SpecRow[]; total: number | null }[] = [];
  let heading = '';
  let current: { heading: string; rows: SpecRow[]; total: number | null } | null = null;
  for (const line of section.split('\n')) {
    if (line.startsWith('### ') || /^(Versions 2 and 3|Version 1) \(/.test(line)) {
      heading = line.startsWith('### ') ? line.slice(4) : `${heading.split(' |')[0]} | ${line}`;
      current = null;
      continue;
    }
    const total = /^\| \*\*(\d+)\*\* \|/.exec(line);
    if (total && current) {
      current.total = Number(total[1]);
      continue;
    }
    const m = /^\| (\d+) \| (\d+) \| ([^|]+) \| ([^|]+) \|/.exec(line);
    if (!m) continue;
    if (!current) {
      current = { heading, rows: [], total: null };
      tables.push(current);
    }
    current.rows.push({
      offset: Number(m[1]),
      size: Number(m[2]),
      type: (m[3] as string).trim(),
      name: (m[4] as string).trim(),
    });
  }
  return tables;
}

function specType(f: FieldLayout): string {
  if (f.type === 'L1') return 'BidAskPair[1]';
  if (f.type === 'L10') return 'BidAskPair[10]';
  if (f.type === 'C1') return 'ConsolidatedBidAskPair[1]';
  if (f.type === 'char') return 'char';
  if (f.type.startsWith('c')) return `char[${f.size}]`;
  if (f.type.startsWith('r')) return `reserved[${f.size}]`;
  return f.type;
}

const TABLE_FOR: Record<string, RecordLayout | PairLayout> = {
  '6.1': LAYOUT_BY_NAME.MboMsg,
  '6.2': LAYOUT_BY_NAME.TradeMsg,
  '6.3': LAYOUT_BY_NAME.Mbp1Msg,
  '6.4': LAYOUT_BY_NAME.Mbp10Msg,
  '6.5': BID_ASK_PAIR,
  '6.6': LAYOUT_BY_NAME.BboMsg,
  '6.7': LAYOUT_BY_NAME.Cmbp1Msg,
  '6.8': LAYOUT_BY_NAME.CbboMsg,
  '6.9': CONSOLIDATED_BID_ASK_PAIR,
  '6.10': LAYOUT_BY_NAME.OhlcvMsg,
  '6.11': LAYOUT_BY_NAME.StatusMsg,
  '6.12': LAYOUT_BY_NAME.InstrumentDefMsgV3,
  '6.13': LAYOUT_BY_NAME.InstrumentDefMsgV2,
  '6.14': LAYOUT_BY_NAME.InstrumentDefMsgV1,
  '6.15': LAYOUT_BY_NAME.ImbalanceMsg,
  '6.16': LAYOUT_BY_NAME.StatMsgV3,
  '6.17': LAYOUT_BY_NAME.StatMsgV1,
  '6.18': LAYOUT_BY_NAME.SymbolMappingMsgV2,
  '6.19': LAYOUT_BY_NAME.SymbolMappingMsgV1,
  '6.20 | Versions': LAYOUT_BY_NAME.SystemMsgV2,
  '6.20 | Version 1': LAYOUT_BY_NAME.SystemMsgV1,
  '6.21 | Versions': LAYOUT_BY_NAME.ErrorMsgV2,
  '6.21 | Version 1': LAYOUT_BY_NAME.ErrorMsgV1,
};

function layoutFor(heading: string): RecordLayout | PairLayout | undefined {
  const number = /^(6\.\d+)/.exec(heading)?.[1] ?? '';
  const variant = heading.includes('| Versions')
    ? ' | Versions'
    : heading.includes('| Version 1')
      ? ' | Version 1'
      : '';
  return TABLE_FOR[number + variant];
}

describe('record layouts match dbn-format.md §6', () => {
  const tables = specTables().filter((t) => !t.heading.startsWith('6.4') || t.rows[0]?.name !== undefined);
  it('finds every table of the spec', () => {
    expect(tables.length).toBeGreaterThanOrEqual(Object.keys(TABLE_FOR).length);
  });

  for (const table of tables) {
    const target = layoutFor(table.heading);
    if (!target) continue;
    it(`${table.heading.split(' (')[0]}: every field's offset, size, type and name; total size`, () => {
      const isPair = !('rtypes' in target);
      const fields = isPair ? target.fields : target.fields.filter((f) => f.offset >= 16);
      const ours = fields.map((f) => ({ offset: f.offset, size: f.size, type: specType(f), name: f.name }));
      const theirs = table.rows.filter((r) => !/^\d+$/.test(r.type));
      expect(ours).toEqual(theirs);
      if (table.total !== null) expect(target.size).toBe(table.total);
    });
  }

  it('covers every layout', () => {
    const covered = new Set(Object.values(TABLE_FOR).map((l) => l.name));
    for (const l of RECORD_LAYOUTS) expect(covered.has(l.name), l.name).toBe(true);
  });

  it('every record size is a multiple of 8 and every field is aligned to its own size', () => {
    for (const l of RECORD_LAYOUTS) {
      expect(l.size % 8, l.name).toBe(0);
      for (const f of l.fields) {
        if (['u16', 'i16', 'u32', 'i32', 'u64', 'i64'].includes(f.type))
          expect(f.offset % f.size, `${l.name}.${f.name}`).toBe(0);
      }
    }
  });

  it('the Mbp10Msg level offsets match the absolute offset table', () => {
    const l = LAYOUT_BY_NAME.Mbp10Msg;
    const levels = l.levels;
    expect(levels?.offset).toBe(48);
    // Level 9: bid_px 336, ask_px 344, bid_sz 352, ask_sz 356, bid_ct 360, ask_ct 364 (§6.4).
    const base = (levels?.offset ?? 0) + 9 * 32;
    expect(BID_ASK_PAIR.fields.map((f) => base + f.offset)).toEqual([336, 344, 352, 356, 360, 364]);
  });
});
