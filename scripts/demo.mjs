#!/usr/bin/env node
// `npm run demo`: the most complete job the SDK can run today (the full ingest → engines → lake demo
// replaces it as those packages land). It exercises @spymaster/schemas end to end on real shapes:
//   1. validates the configuration and prints its canonical hash,
//   2. decodes the spec's canonical wire example and the spec's `levels.signals.v1` payload,
//   3. builds a deterministic session of canonical ES events, checks them with the compiled validators,
//      writes them as Bronze Arrow IPC files under data/demo/, reads them back and compares.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import {
  BronzeFuturesTrades,
  BronzeMbp10,
  compileValidator,
  compileWireDecoder,
  DEFAULT_CONFIG,
  defineConfig,
  FuturesTradeRecord,
  formatEventId,
  GoldLevelSignals,
  goldRowsFromPayload,
  LevelsSignalsPayloadSchema,
  mbp10ToBronzeRow,
  validateMbp10,
} from '@spymaster/schemas';
import { arrowTableToRows, rowsToArrowTable } from '@spymaster/schemas/arrow';
import { tableFromIPC, tableToIPC } from 'apache-arrow';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'data', 'demo');
mkdirSync(out, { recursive: true });

const canonicalJson = (value) =>
  JSON.stringify(value, (_, v) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, v[k]]),
      );
    return v;
  });

// 1. Configuration
const config = defineConfig({});
const hash = createHash('sha256').update(canonicalJson(config)).digest('hex');
console.log(`config: ${Object.keys(config).length} parameters, config_hash ${hash.slice(0, 16)}…`);
try {
  defineConfig({ MONITOR_BAND: 1, TOUCH_BAND: 3 });
} catch (error) {
  console.log(`config: a bad override is refused → ${error.issues[0].message}`);
}

// 2. The spec's own examples
const wire = {
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
};
const trade = compileWireDecoder(FuturesTradeRecord)(wire);
console.log(`wire:   ${trade.event_id} → ts_event_ns ${trade.ts_event_ns}n (exact), price ${trade.price}`);
const specPath = join(root, '..', 'shared', 'spec', 'engines.md');
if (existsSync(specPath)) {
  const text = readFileSync(specPath, 'utf8');
  const start = text.indexOf('```json', text.indexOf('Illustrative shape'));
  const payload = LevelsSignalsPayloadSchema.parse(JSON.parse(text.slice(start + 7, text.indexOf('```', start + 7))));
  const gold = goldRowsFromPayload(payload);
  console.log(
    `signal: levels.signals.v1 payload valid; ${gold.length} Gold row(s), first ${gold[0].level_id} score ${gold[0].break_score_raw}`,
  );
  const back = arrowTableToRows(GoldLevelSignals, tableFromIPC(tableToIPC(rowsToArrowTable(GoldLevelSignals, gold))));
  if (!isDeepStrictEqual(back, gold)) throw new Error('Gold round trip changed a value');
}

// 3. A deterministic RTH hour of canonical events → Bronze Arrow files → back
const T0 = 1765895400000000000n; // 2025-12-16 09:30:00 ET
const trades = [];
const books = [];
let price = 24000; // in ticks: 6000.00
for (let i = 0; i < 60 * 60 * 20; i++) {
  const ts = T0 + BigInt(i) * 50_000_000n; // every 50 ms
  price += ((i * 7919) % 5) - 2; // deterministic walk, no randomness
  const px = price / 4;
  trades.push({
    event_id: formatEventId({ tag: 'FT', symbol: 'ESH6', ts_event_ns: ts, seq: BigInt(2 * i), dup_ordinal: 0 }),
    ts_event_ns: ts,
    ts_recv_ns: ts + 350_000n,
    source: 'sim',
    symbol: 'ESH6',
    price: px,
    size: 1 + (i % 9),
    aggressor: (i % 3) - 1,
    exchange: 'CME',
    conditions: null,
    seq: BigInt(2 * i),
  });
  books.push({
    event_id: formatEventId({ tag: 'MB', symbol: 'ESH6', ts_event_ns: ts, seq: BigInt(2 * i + 1), dup_ordinal: 0 }),
    ts_event_ns: ts,
    ts_recv_ns: ts + 350_000n,
    source: 'sim',
    symbol: 'ESH6',
    levels: Array.from({ length: 10 }, (_, l) => ({
      bid_px: px - 0.25 * l,
      bid_sz: 20 + ((i + l) % 30),
      ask_px: px + 0.25 * (l + 1),
      ask_sz: 20 + ((i + 2 * l) % 30),
    })),
    is_snapshot: i === 0,
    seq: BigInt(2 * i + 1),
  });
}
const validateTrade = compileValidator(FuturesTradeRecord);
let started = performance.now();
for (const t of trades) {
  const problem = validateTrade(t);
  if (problem) throw new Error(problem);
}
for (const b of books) {
  const problem = validateMbp10(b);
  if (problem) throw new Error(problem);
}
const checkMs = performance.now() - started;
started = performance.now();
const files = [
  [BronzeFuturesTrades, trades, 'futures.trades.v1.arrow'],
  [BronzeMbp10, books.map(mbp10ToBronzeRow), 'futures.mbp10.v1.arrow'],
];
for (const [table, rows, name] of files) {
  const bytes = tableToIPC(rowsToArrowTable(table, rows), 'file');
  writeFileSync(join(out, name), bytes);
  const back = arrowTableToRows(table, tableFromIPC(readFileSync(join(out, name))));
  if (!isDeepStrictEqual(back, rows)) throw new Error(`${name}: round trip changed a value`);
  console.log(
    `bronze: ${rows.length.toLocaleString('en-US')} ${table.name} rows → data/demo/${name} (${(bytes.length / 1e6).toFixed(1)} MB), read back identical`,
  );
}
console.log(
  `checked ${(trades.length + books.length).toLocaleString('en-US')} events in ${checkMs.toFixed(0)} ms; Arrow write, read back and compare ${(performance.now() - started).toFixed(0)} ms`,
);
console.log(
  `defaults: W_b ${DEFAULT_CONFIG.W_b} s, MONITOR_BAND ${DEFAULT_CONFIG.MONITOR_BAND} pt, weights ${DEFAULT_CONFIG.w_L}/${DEFAULT_CONFIG.w_H}/${DEFAULT_CONFIG.w_T}`,
);
