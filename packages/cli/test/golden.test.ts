// Golden signals: the demo day (small simulated session 2025-12-16, seed 7) replayed end to end through
// `spymaster sim` and `spymaster replay` must reproduce the committed golden files byte for byte:
//   golden/signals-2025-12-16-seed7.sha256         SHA-256, payload count and size of the full JSON Lines output
//   golden/signals-2025-12-16-seed7.excerpt.jsonl  the payloads on every 10-minute mark, readable in a diff
// After an intended change (engines, simulator, schema), regenerate them with
//   npm run golden:update -w @spymaster/cli
// and commit them with the change.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main, replaySignals } from '../src/index.js';
import { expandInputs } from '../src/replay.js';

const DATE = '2025-12-16';
const SEED = '7';
/**
 * End (ET) of the simulated window, which starts at 04:00: the golden covers the RTH snaps 09:30 → GOLDEN_END,
 * i.e. the whole RTH window of the spec (09:30–13:30): every snap of the demo day.
 */
const GOLDEN_END = '13:30';
/** Snap times on a multiple of this go into the excerpt. */
const EXCERPT_EVERY_NS = 600n * 1_000_000_000n;

const NAME = `signals-${DATE}-seed${SEED}`;
const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const HASH_FILE = join(GOLDEN_DIR, `${NAME}.sha256`);
const EXCERPT_FILE = join(GOLDEN_DIR, `${NAME}.excerpt.jsonl`);
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const HOW_TO_UPDATE = `If the change is intended, regenerate the golden files with
  npm run golden:update -w @spymaster/cli      (= UPDATE_GOLDEN=1 vitest run test/golden.test.ts in packages/cli)
and commit packages/cli/test/golden/ with it. The full output for a diff:
  spymaster sim --start ${DATE} --seed ${SEED} --end ${GOLDEN_END} --out day && spymaster replay day --out ${NAME}.jsonl`;

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const silent = {
  stdout: { write: () => true, once() {} },
  stderr: { write: () => true, isTTY: false },
};

interface Golden {
  header: string;
  payloads: number;
  bytes: number;
  sha256: string;
}

function goldenHeader(payloads: number, bytes: number): string {
  return [
    `# levels.signals.v1 JSON Lines of \`spymaster replay\` over the small simulated session ${DATE}, seed ${SEED},`,
    `# simulated 04:00–${GOLDEN_END} ET; ${payloads} payloads, ${bytes} bytes. Regenerate: npm run golden:update -w @spymaster/cli`,
  ].join('\n');
}

function readGolden(): Golden {
  if (!existsSync(HASH_FILE) || !existsSync(EXCERPT_FILE))
    throw new Error(`the golden files ${HASH_FILE} and ${EXCERPT_FILE} are missing.\n${HOW_TO_UPDATE}`);
  const text = readFileSync(HASH_FILE, 'utf8');
  const comments = text.split('\n').filter((l) => l.startsWith('#'));
  const entry = text.split('\n').find((l) => /^[0-9a-f]{64} {2}/.test(l));
  const counts = /; (\d+) payloads, (\d+) bytes\./.exec(comments.join('\n'));
  if (!entry || !counts) throw new Error(`${HASH_FILE} is malformed.\n${HOW_TO_UPDATE}`);
  return {
    header: comments.join('\n'),
    payloads: Number(counts[1]),
    bytes: Number(counts[2]),
    sha256: entry.slice(0, 64),
  };
}

/** Path of the first difference between two JSON values, e.g. `levels[2].barrier.state: "WALL" → "WEAK"`. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return Object.is(a, b) ? null : `${path || '(root)'}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`;
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    const sub = Array.isArray(a) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], sub);
    if (d !== null) return d;
  }
  return Object.keys(a).join() === Object.keys(b).join() ? null : `${path || '(root)'}: key order changed`;
}

describe('golden signals of the demo day', () => {
  it(`${DATE} seed ${SEED}, 04:00–${GOLDEN_END} ET, replays to the committed golden files`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spymaster-golden-'));
    scratch.push(dir);
    expect(await main(['sim', '--start', DATE, '--seed', SEED, '--end', GOLDEN_END, '--out', dir], silent)).toBe(0);

    const hash = createHash('sha256');
    let bytes = 0;
    const excerpt: string[] = [];
    const summary = await replaySignals({
      files: expandInputs([dir]),
      write: (line) => {
        hash.update(line);
        hash.update('\n');
        bytes += Buffer.byteLength(line) + 1;
        const ts = /"ts_ns":"(\d+)"/.exec(line)?.[1];
        if (ts !== undefined && BigInt(ts) % EXCERPT_EVERY_NS === 0n) excerpt.push(line);
      },
    });
    const sha256 = hash.digest('hex');
    const header = goldenHeader(summary.payloads, bytes);
    expect(summary.payloads).toBeGreaterThan(0);
    expect(excerpt.length).toBeGreaterThan(0);

    if (UPDATE) {
      writeFileSync(HASH_FILE, `${header}\n${sha256}  ${NAME}.jsonl\n`);
      writeFileSync(EXCERPT_FILE, `${excerpt.join('\n')}\n`);
      return;
    }

    const golden = readGolden();
    const expected = readFileSync(EXCERPT_FILE, 'utf8').replace(/\n$/, '').split('\n');
    for (let i = 0; i < Math.max(expected.length, excerpt.length); i++) {
      const want = expected[i];
      const got = excerpt[i];
      if (want === got) continue;
      const where =
        want === undefined || got === undefined
          ? `the excerpt has ${excerpt.length} payloads, the golden ${expected.length}`
          : `payload ts_ns ${JSON.parse(want).ts_ns}: ${firstDifference(JSON.parse(want), JSON.parse(got))}`;
      expect.fail(`golden excerpt ${EXCERPT_FILE} differs at line ${i + 1}, ${where}.\n${HOW_TO_UPDATE}`);
    }
    if (golden.header !== header || golden.sha256 !== sha256)
      expect.fail(
        `golden signals changed between the excerpt payloads: ${golden.payloads} → ${summary.payloads} payloads, ${golden.bytes} → ${bytes} bytes, sha256 ${golden.sha256} → ${sha256}` +
          `${golden.header === header ? '' : ` (header now:\n${header})`}.\n${HOW_TO_UPDATE}`,
      );
  }, 600_000);
});
