import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LateEventError, LevelSignalService } from '@spymaster/engines/level-signal-service';
import { type LevelsSignalsPayload, LevelsSignalsPayloadSchema } from '@spymaster/schemas';
import { etToNs } from '@spymaster/schemas/time';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, parseTimeBound, type ReplaySummary, replaySignals } from '../src/index.js';
import { expandInputs } from '../src/replay.js';

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

function capture(tty = false) {
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
      isTTY: tty,
      columns: 120,
    },
  };
  return { io, out: () => out, err: () => err };
}

const DATE = '2025-12-16';
const MS = 1_000_000n;
const SNAP = 250n * MS;
const et = (hhmm: string) => etToNs(DATE, hhmm);

// A short simulated session: 04:00–09:40 ET, so ten minutes of RTH snaps (2 400 payloads).
let simDir = '';
let full: { lines: string[]; summary: ReplaySummary };

function lines(text: string): string[] {
  return text.length === 0 ? [] : text.replace(/\n$/, '').split('\n');
}

async function replay(args: string[]) {
  const c = capture();
  const code = await main(['replay', ...args, '--summary', 'json'], c.io);
  const err = c.err();
  return { code, lines: lines(c.out()), err, summary: code === 0 ? (JSON.parse(err) as ReplaySummary) : null };
}

beforeAll(async () => {
  simDir = tempDir('spymaster-replay-');
  const sim = capture();
  expect(await main(['sim', '--start', DATE, '--seed', '3', '--end', '09:40', '--out', simDir], sim.io)).toBe(0);
  const run = await replay([simDir]);
  expect(run.code, run.err).toBe(0);
  full = { lines: run.lines, summary: run.summary as ReplaySummary };
}, 180_000);

describe('spymaster replay', () => {
  it('replays a directory into one canonical levels.signals.v1 line per RTH snap', () => {
    const payloads = full.lines.map((l) => JSON.parse(l) as LevelsSignalsPayload);
    // 09:30:00 up to the last grid point at or before the last event (09:39:59.xxx).
    expect(payloads.length).toBeGreaterThan(2_390);
    expect(payloads.length).toBeLessThanOrEqual(2_400);
    expect(BigInt(payloads[0]?.ts_ns as string)).toBe(et('09:30'));
    payloads.forEach((p, i) => {
      if (i > 0) expect(BigInt(p.ts_ns) - BigInt(payloads[i - 1]?.ts_ns as string)).toBe(SNAP);
      expect(p.trade_date).toBe(DATE);
    });
    // Byte-identical to the schema's serialization (validated, normative key order).
    for (const line of full.lines)
      expect(JSON.stringify(LevelsSignalsPayloadSchema.parse(JSON.parse(line)))).toBe(line);
    // The PM levels exist from the first snap; the opening range is still forming before 09:45.
    expect(new Set(payloads.flatMap((p) => p.levels.map((l) => l.kind)))).toEqual(new Set(['PM_HIGH', 'PM_LOW']));
  });

  it('summarizes what it wrote: counts agree with the payloads themselves', () => {
    const s = full.summary;
    const payloads = full.lines.map((l) => JSON.parse(l) as LevelsSignalsPayload);
    const rows = payloads.flatMap((p) => p.levels);
    expect(s.payloads).toBe(payloads.length);
    expect(s.level_rows).toBe(rows.length);
    expect(s.first_snap_ns).toBe(payloads[0]?.ts_ns);
    expect(s.last_snap_ns).toBe(payloads.at(-1)?.ts_ns);
    const countBy = (key: (l: (typeof rows)[number]) => string) => {
      const out: Record<string, number> = {};
      for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
      return out;
    };
    const nonZero = (t: Record<string, number>) => Object.fromEntries(Object.entries(t).filter(([, v]) => v > 0));
    expect(nonZero(s.signals)).toEqual(countBy((l) => l.signal));
    expect(nonZero(s.barrier_states)).toEqual(countBy((l) => l.barrier.state));
    expect(nonZero(s.fuel_effects)).toEqual(countBy((l) => l.fuel.effect));
    expect(nonZero(s.confidence)).toEqual(countBy((l) => l.confidence));
    expect(s.touching).toBe(rows.filter((l) => l.touching).length);
    expect(s.files.definitions).toHaveLength(1);
    expect(s.files.data).toHaveLength(4);
    expect(s.definitions).toBeGreaterThan(2);
    expect(s.events_by_type.FT).toBeGreaterThan(0);
    expect(s.events_by_type.MB).toBeGreaterThan(0);
    expect(Object.values(s.events_by_type).reduce((a, b) => a + b, 0)).toBe(s.events);
    expect(s.late_events).toEqual({});
    expect(s.events_per_second).toBeGreaterThan(0);
  });

  it('prints a text summary and writes --out byte-identical to stdout; `--out -` is stdout', async () => {
    const dir = tempDir('spymaster-replay-out-');
    const path = join(dir, 'signals.jsonl');
    const c = capture();
    expect(await main(['replay', simDir, '--to', '09:32', '--out', path], c.io)).toBe(0);
    const written = readFileSync(path, 'utf8');
    expect(c.out()).toBe('');
    expect(written).toBe(`${full.lines.slice(0, 480).join('\n')}\n`);
    expect(c.err()).toMatch(/payloads\s+480 levels\.signals\.v1 → .*signals\.jsonl/);
    expect(c.err()).toMatch(/throughput\s+[\d,]+ events\/s/);
    expect(c.err()).toMatch(/signals\s+BREAK \d+ · BOUNCE \d+ · CHOP \d+ · NEUTRAL [\d,]+/);
    expect(c.err()).toMatch(/barrier\s+VACUUM/);
    const dash = capture();
    expect(await main(['replay', simDir, '--to', '09:32', '--out', '-'], dash.io)).toBe(0);
    expect(dash.out()).toBe(written);
  });

  it('--to stops at event time: a byte-identical prefix of the full replay, in ET and ISO notation', async () => {
    const prefix = full.lines.slice(0, 240 * 3); // 09:30:00 … 09:32:59.75
    // Two notations here; parseTimeBound's own test checks that the others resolve to the same instants.
    const forms = ['09:33', '2025-12-16T09:33:00.000000000-05:00'];
    for (const to of forms) {
      const run = await replay([simDir, '--to', to]);
      expect(run.code, run.err).toBe(0);
      expect(run.lines).toEqual(prefix);
      expect(BigInt(run.summary?.last_event_ns as string)).toBeLessThan(et('09:33'));
    }
  });

  it('--from replays earlier events as warm-up and writes snaps from that time on', async () => {
    const run = await replay([simDir, '--from', '09:35:30', '--to', '09:36']);
    expect(run.code, run.err).toBe(0);
    const payloads = run.lines.map((l) => JSON.parse(l) as LevelsSignalsPayload);
    expect(payloads).toHaveLength(120);
    expect(BigInt(payloads[0]?.ts_ns as string)).toBe(et('09:35') + 30_000n * MS);
    const byTs = new Map(full.lines.map((l) => [(JSON.parse(l) as LevelsSignalsPayload).ts_ns, JSON.parse(l)]));
    for (const p of payloads) {
      const reference = byTs.get(p.ts_ns) as LevelsSignalsPayload;
      // Market state and levels come from the warm-up; only per-level smoothing and triggers start late.
      expect(p.es).toEqual(reference.es);
      expect(p.levels.map((l) => [l.kind, l.price, l.role, l.barrier.state])).toEqual(
        reference.levels.map((l) => [l.kind, l.price, l.role, l.barrier.state]),
      );
    }
  });

  it('draws a progress bar on a terminal', async () => {
    const c = capture(true);
    expect(await main(['replay', simDir, '--to', '09:31'], c.io)).toBe(0);
    expect(c.err()).toContain('\rreplaying [');
  });

  it('is deterministic: the same input gives the same bytes', async () => {
    const again = await replay([simDir, '--to', '09:31']);
    expect(again.lines).toEqual(full.lines.slice(0, 240));
  });
});

describe('replaySignals', () => {
  it('counts events the service rejects as late and goes on', async () => {
    const files = expandInputs([simDir]);
    let n = 0;
    const written: string[] = [];
    const summary = await replaySignals({
      files,
      to: { et: '09:31', seconds: 0 },
      write: (line) => {
        written.push(line);
      },
      createService: (config) => {
        const real = new LevelSignalService(config);
        return {
          // Every 1000th event is reported late (as the real service does for out-of-order input).
          ingest: (event) => {
            if (++n % 1000 === 0)
              throw new LateEventError('not_after_watermark', event.event_id, event.ts_event_ns, 0n);
            return real.ingest(event);
          },
          advanceTo: (w) => real.advanceTo(w),
        };
      },
    });
    expect(summary.late_events).toEqual({ not_after_watermark: Math.floor(n / 1000) });
    expect(summary.late_events.not_after_watermark).toBeGreaterThan(10);
    expect(summary.payloads).toBe(240);
    expect(written).toHaveLength(240);
  });

  it('lets other service errors through', async () => {
    const failure = new Error('engine exploded');
    await expect(
      replaySignals({
        files: expandInputs([simDir]),
        write: () => {},
        createService: () => ({
          ingest: () => {
            throw failure;
          },
          advanceTo: () => [],
        }),
      }),
    ).rejects.toBe(failure);
  });
});

describe('spymaster replay --levels FILE', () => {
  it('publishes the caller-given levels instead of the service’s own', async () => {
    const dir = tempDir('spymaster-replay-levels-');
    const file = join(dir, 'levels.json');
    writeFileSync(
      file,
      JSON.stringify({
        [DATE]: [
          { kind: 'SMA_200', price: 6000 },
          { kind: 'OR_HIGH', price: 6100.5 },
        ],
      }),
    );
    const run = await replay([simDir, '--levels', file, '--to', '09:31']);
    expect(run.code, run.err).toBe(0);
    const payloads = run.lines.map((l) => JSON.parse(l) as LevelsSignalsPayload);
    expect(payloads.length).toBe(240);
    for (const p of payloads) {
      if (p.es.spot === null) continue;
      expect(p.levels.map((l) => [l.kind, l.price]).sort()).toStrictEqual([
        ['OR_HIGH', 6100.5],
        ['SMA_200', 6000],
      ]);
    }
    expect(run.summary?.levels_by_kind).toStrictEqual({ OR_HIGH: 240, SMA_200: 240 });
  });
});

describe('spymaster replay input errors', () => {
  it('exit 2 for missing files, bad times, --levels files and unknown summary formats', async () => {
    const missing = await replay([join(simDir, 'nope.dbn.zst')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nope\.dbn\.zst: ENOENT/);
    expect((await replay([])).code).toBe(2);
    const badTime = await replay([simDir, '--from', '9:30']);
    expect(badTime.code).toBe(2);
    expect(badTime.err).toContain('--from: "9:30" is not HH:MM[:SS]');
    expect((await replay([simDir, '--to', '2025-12-16T14:30:00'])).code).toBe(2); // no zone
    expect((await replay([simDir, '--to', '25:00'])).code).toBe(2);
    const reversed = await replay([simDir, '--from', '09:35', '--to', '09:31']);
    expect(reversed.code).toBe(2);
    expect(reversed.err).toContain('--to');
    const noFile = await replay([simDir, '--levels', join(simDir, 'levels.json')]);
    expect(noFile.code).toBe(2);
    expect(noFile.err).toMatch(/--levels .*levels\.json: cannot read the file/);
    const bad = tempDir('spymaster-replay-levels-');
    for (const [name, text, message] of [
      ['syntax.json', '[{', /not JSON/],
      ['shape.json', '[{"kind": "PM_HIGH"}]', /the top level\[0\] must be \{"kind": string, "price": number\}/],
      ['kind.json', '[{"kind": "VWAP", "price": 1}]', /unknown level kind "VWAP"/],
      [
        'twice.json',
        '{"2025-12-16": [{"kind": "OR_LOW", "price": 1}, {"kind": "OR_LOW", "price": 2}]}',
        /OR_LOW given twice/,
      ],
      ['date.json', '{"16/12/2025": []}', /not a trade date/],
    ] as const) {
      writeFileSync(join(bad, name), text);
      const r = await replay([simDir, '--levels', join(bad, name)]);
      expect(r.code, name).toBe(2);
      expect(r.err, name).toMatch(message);
    }
    const help = capture();
    expect(await main(['replay', '--help'], help.io)).toBe(0);
    expect(help.err()).toContain('--from T');
    const xml = capture();
    expect(await main(['replay', simDir, '--summary', 'xml'], xml.io)).toBe(2);
    expect(xml.err()).toContain('--summary must be text or json');
  });

  it('exit 1 without DBN files, without definitions, or with only definitions', async () => {
    const empty = tempDir('spymaster-replay-empty-');
    writeFileSync(join(empty, 'notes.txt'), 'not dbn');
    const none = await replay([empty]);
    expect(none.code).toBe(1);
    expect(none.err).toContain('no DBN files');
    const noDefs = tempDir('spymaster-replay-nodefs-');
    const dataOnly = expandInputs([simDir]).filter((f) => !f.includes('definition'));
    for (const f of dataOnly) copyFileSync(f, join(noDefs, f.slice(f.lastIndexOf('/') + 1)));
    const defs = await replay([noDefs]);
    expect(defs.code).toBe(1);
    expect(defs.err).toContain('no instrument definitions in 4 file(s)');
    const onlyDefs = await replay(expandInputs([simDir]).filter((f) => f.includes('definition')));
    expect(onlyDefs.code).toBe(1);
    expect(onlyDefs.err).toContain('only definition files');
  });

  it('exit 1 for a corrupt DBN file, naming the file and the byte offset', async () => {
    const fixture = join(FIXTURES, 'test_data.mbo.dbn');
    if (!existsSync(fixture))
      throw new Error(`${fixture} is missing: tests expect the shared/ folder beside the repository root`);
    const dir = tempDir('spymaster-replay-corrupt-');
    mkdirSync(dir, { recursive: true });
    const bytes = readFileSync(fixture);
    const cut = join(dir, 'cut.mbo.dbn');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const definitions = expandInputs([simDir]).find((f) => f.includes('definition')) as string;
    const run = await replay([definitions, cut]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(cut);
    expect(run.err).toMatch(/byte \d+, record 1/);
  });
});

describe('parseTimeBound', () => {
  it('keeps nanoseconds of ISO instants and offsets', () => {
    expect(parseTimeBound('2025-12-16T14:30:00.123456789Z', '--from')).toEqual({ ns: et('09:30') + 123_456_789n });
    expect(parseTimeBound('2025-12-16T09:30:00.5-05:00', '--from')).toEqual({ ns: et('09:30') + 500_000_000n });
    expect(parseTimeBound('09:30:15', '--from')).toEqual({ et: '09:30', seconds: 15 });
    expect(parseTimeBound('2025-12-16T14:33:00Z', '--to')).toEqual({ ns: et('09:33') });
    expect(parseTimeBound(`${et('09:33')}`, '--to')).toEqual({ ns: et('09:33') });
    expect(parseTimeBound('1765895400000000001', '--from')).toEqual({ ns: 1_765_895_400_000_000_001n });
    expect(() => parseTimeBound('2025-12-16T09:30:00.1234567891Z', '--to')).toThrow(/--to/);
    expect(() => parseTimeBound('2025-02-30T09:30:00Z', '--to')).toThrow(/--to/);
  });
});
