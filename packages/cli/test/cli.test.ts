import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';

// Scratch directories of this file, removed when it finishes so runs leave nothing behind in the temp dir.
const scratch: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(here, '..', '..', '..', '..', 'shared', 'fixtures', 'dbn');
const fixture = (name: string) => {
  const path = join(FIXTURES, name);
  if (!existsSync(path))
    throw new Error(`${path} is missing: tests expect the shared/ folder beside the repository root`);
  return path;
};

function capture() {
  let out = '';
  let err = '';
  const io = {
    stdout: {
      write(chunk: string) {
        out += chunk;
        return true;
      },
      once() {},
    },
    stderr: {
      write(chunk: string) {
        err += chunk;
        return true;
      },
      isTTY: false,
    },
  };
  return { io, out: () => out, err: () => err };
}

describe('spymaster dbn', () => {
  it('prints one JSON line per record, plain and zstd alike', async () => {
    for (const file of ['test_data.mbp-10.dbn', 'test_data.mbp-10.v2.dbn.zst']) {
      const c = capture();
      expect(await main(['dbn', fixture(file), '--json'], c.io)).toBe(0);
      const lines = c.out().trim().split('\n');
      expect(lines).toHaveLength(2);
      const first = JSON.parse(lines[0] as string);
      expect(first.hd).toEqual({ ts_event: '1609160400000429831', rtype: 10, publisher_id: 1, instrument_id: 5482 });
      expect(first.levels).toHaveLength(10);
    }
  });

  it('--pretty-px and --pretty-ts format prices and times; --limit stops early', async () => {
    const c = capture();
    expect(
      await main(['dbn', fixture('test_data.trades.dbn'), '--pretty-px', '--pretty-ts', '--limit', '1'], c.io),
    ).toBe(0);
    const lines = c.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] as string);
    expect(record.price).toMatch(/^\d+\.\d{9}$/);
    expect(record.hd.ts_event).toMatch(/^2020-12-28T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
  });

  it('--metadata prints the metadata; --fragment and --upgrade read fragments and upgrade them', async () => {
    const m = capture();
    expect(await main(['dbn', fixture('test_data.definition.v1.dbn.zst'), '--metadata'], m.io)).toBe(0);
    expect(JSON.parse(m.out()).version).toBe(1);
    const f = capture();
    expect(
      await main(
        ['dbn', fixture('test_data.definition.v1.dbn.frag'), '--fragment', '--dbn-version', '1', '--upgrade'],
        f.io,
      ),
    ).toBe(0);
    const lines = f
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toHaveProperty('leg_count', 0); // a v3 field: the records were upgraded
  });

  it('reports corrupt input with file, byte offset and record index (exit 1)', async () => {
    const dir = tempDir('spymaster-cli-');
    const path = join(dir, 'cut.dbn');
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(fixture('test_data.mbo.dbn'));
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    const c = capture();
    expect(await main(['dbn', path], c.io)).toBe(1);
    expect(c.err()).toContain(path);
    expect(c.err()).toMatch(/byte \d+, record 1/);
    expect(c.out().trim().split('\n')).toHaveLength(1); // the complete record before the cut was printed
  });

  it('usage errors exit 2 with a message', async () => {
    const c = capture();
    expect(await main(['dbn'], c.io)).toBe(2);
    expect(c.err()).toContain('expected one file');
    expect(await main(['dbn', fixture('test_data.mbo.dbn'), '--limit', 'x'], c.io)).toBe(2);
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(await main(['dbn', join(FIXTURES, 'no-such-file.dbn')], c.io)).toBe(2);
  });
});

describe('spymaster dbn stats', () => {
  it('counts records per rtype and instrument and reports the time span and throughput', async () => {
    const c = capture();
    expect(await main(['dbn', 'stats', fixture('test_data.status.v3.dbn.zst'), '--json'], c.io)).toBe(0);
    const stats = JSON.parse(c.out());
    expect(stats.records).toBe(4);
    expect(stats.version).toBe(3);
    expect(stats.schema).toBe('status');
    expect(stats.by_rtype).toEqual([{ rtype: 0x12, record_type: 'StatusMsg', count: 4 }]);
    expect(stats.by_instrument).toEqual([{ instrument_id: 5482, symbol: 'ESH1', count: 4 }]);
    expect(BigInt(stats.first_ts_event)).toBeLessThanOrEqual(BigInt(stats.last_ts_event));
    expect(stats.records_per_second).toBeGreaterThan(0);
    const text = capture();
    expect(await main(['dbn', 'stats', fixture('test_data.mbo.dbn')], text.io)).toBe(0);
    expect(text.out()).toMatch(/records\s+2/);
    expect(text.out()).toContain('MboMsg');
  });
});

describe('the built executable', () => {
  it('runs as `spymaster` from dist/bin.js', () => {
    const bin = join(here, '..', 'dist', 'bin.js');
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm test does) first`);
    const out = execFileSync(process.execPath, [bin, 'dbn', fixture('test_data.ohlcv-1s.dbn')], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toHaveLength(2);
    const bad = spawnSync(process.execPath, [bin, 'dbn'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});

describe('spymaster sim', () => {
  it('writes the five DBN files of each simulated day and lists them', async () => {
    const out = tempDir('spymaster-sim-cli-');
    const c = capture();
    expect(
      await main(['sim', '--start', '2025-12-19', '--days', '2', '--seed', '3', '--end', '04:20', '--out', out], c.io),
    ).toBe(0);
    const files = c.out().trim().split('\n');
    expect(files).toHaveLength(10); // Friday and the next Monday
    expect(files.some((f) => f.includes('glbx-mdp3-20251222.es-fut.mbp-10.dbn.zst'))).toBe(true);
    expect(c.err()).toMatch(/2025-12-19: [\d,]+ records/);
    const stats = capture();
    expect(
      await main(
        ['dbn', 'stats', files.find((f) => f.includes('20251219.es-fut.mbp-10')) as string, '--json'],
        stats.io,
      ),
    ).toBe(0);
    expect(JSON.parse(stats.out()).records).toBeGreaterThan(100);
  }, 120_000);

  it('rejects bad arguments with exit code 2', async () => {
    const c = capture();
    expect(await main(['sim', '--days', '2', '--out', 'x'], c.io)).toBe(2);
    expect(await main(['sim', '--start', '2025-12-16', '--scale', 'huge', '--out', 'x'], c.io)).toBe(2);
    expect(c.err()).toContain('--scale must be small or full');
  });
});
