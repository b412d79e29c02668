// Installs the packed tarball into a fresh project and imports it from ESM and CommonJS, as a user would.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let work = '';

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('npm pack → install → import', () => {
  beforeAll(() => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      throw new Error('packages/schemas/dist is missing: run `npm run build` (npm test does) before this test');
    }
    work = mkdtempSync(join(tmpdir(), 'spymaster-schemas-pack-'));
    run('npm', ['pack', '--pack-destination', work, '--silent'], packageDir);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${work}`);
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run('npm', ['install', `./${tarball}`, '--no-audit', '--no-fund', '--prefer-offline', '--silent'], work);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('imports from ESM, every subpath', () => {
    writeFileSync(
      join(work, 'esm.mjs'),
      `import { DEFAULT_CONFIG, defineConfig, FuturesTradeRecord } from '@spymaster/schemas';
import { SilverFeatures } from '@spymaster/schemas/lake';
import { rowsToArrowTable, arrowTableToRows } from '@spymaster/schemas/arrow';
import { compileWireDecoder } from '@spymaster/schemas/fast';
import { LevelsSignalsPayloadSchema } from '@spymaster/schemas/signals';
import { GatewayFrameSchema } from '@spymaster/schemas/gateway';
import { parseEventId } from '@spymaster/schemas/events';
import { ConfigError } from '@spymaster/schemas/config';
const wire = { event_id: 'FT-ESH6-1-na-0', ts_event_ns: '1765897231000000000', ts_recv_ns: '1', source: 'sim', symbol: 'ESH6', price: 5010.5, size: 3, aggressor: 1, exchange: 'CME', conditions: null, seq: null };
const trade = compileWireDecoder(FuturesTradeRecord)(wire);
const back = arrowTableToRows(FuturesTradeRecord, rowsToArrowTable(FuturesTradeRecord, [trade]));
let rejected = false;
try { defineConfig({ W_b: -1 }); } catch (e) { rejected = ConfigError.is(e); }
console.log(JSON.stringify({ w: DEFAULT_CONFIG.W_b, ts: String(back[0].ts_event_ns), cols: Object.keys(SilverFeatures.fields).length, rejected, tag: parseEventId(wire.event_id).tag, schemas: typeof LevelsSignalsPayloadSchema.parse + typeof GatewayFrameSchema.parse }));
`,
    );
    const out = JSON.parse(run(process.execPath, ['esm.mjs'], work));
    expect(out).toEqual({
      w: 240,
      ts: '1765897231000000000',
      cols: 182,
      rejected: true,
      tag: 'FT',
      schemas: 'functionfunction',
    });
  });

  it('requires from CommonJS, every subpath', () => {
    writeFileSync(
      join(work, 'cjs.cjs'),
      `const { DEFAULT_CONFIG, FuturesTradeRecord } = require('@spymaster/schemas');
const { GoldLevelSignals } = require('@spymaster/schemas/lake');
const { toArrowSchema } = require('@spymaster/schemas/arrow');
const { compileValidator } = require('@spymaster/schemas/fast');
const { SUBJECTS } = require('@spymaster/schemas/signals');
const { formatEventId } = require('@spymaster/schemas/events');
const { CONFIG_PARAMS } = require('@spymaster/schemas/config');
require('@spymaster/schemas/gateway');
console.log(JSON.stringify({
  tau: DEFAULT_CONFIG.tau_score,
  fields: toArrowSchema(GoldLevelSignals).fields.length,
  valid: compileValidator(FuturesTradeRecord)({}),
  subject: SUBJECTS.levelsSignals,
  id: formatEventId({ tag: 'MB', symbol: 'ESZ5', ts_event_ns: 5n, seq: null, dup_ordinal: 0 }),
  params: Object.keys(CONFIG_PARAMS).length,
}));
`,
    );
    const out = JSON.parse(run(process.execPath, ['cjs.cjs'], work));
    expect(out).toEqual({
      tau: 2,
      fields: 45,
      valid: 'event_id: missing',
      subject: 'levels.signals',
      id: 'MB-ESZ5-5-na-0',
      params: 114,
    });
  });
});
