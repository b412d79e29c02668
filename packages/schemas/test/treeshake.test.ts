// Bundles the package for the browser, as a user's bundler would (through package.json exports and
// "sideEffects": false), and checks what ends up inside: the schemas stay browser-safe, Apache Arrow is
// only pulled in by the `arrow` subpath, and the event-id helpers come without zod.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

async function bundle(code: string): Promise<string> {
  const result = await build({
    stdin: { contents: code, resolveDir: packageDir, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['@spymaster/source'],
    minify: true,
    treeShaking: true,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

const ARROW = /RecordBatch|flatbuffers/;
const ZOD = /ZodError|\$ZodType/;

describe('browser bundles', () => {
  it('event-id helpers come without zod and without Arrow', async () => {
    const out = await bundle(`export { formatEventId, compareEventIds } from '@spymaster/schemas/events';`);
    expect(out).not.toMatch(ZOD);
    expect(out).not.toMatch(ARROW);
    expect(out.length).toBeLessThan(5_000);
  });

  it('DEFAULT_CONFIG and the enum constants come from the main entry without zod', async () => {
    const out = await bundle(
      `export { DEFAULT_CONFIG, LEVEL_KINDS, LEVELS_SIGNALS_SCHEMA, KINEMATICS_WINDOW_LABELS, OFI_WINDOW_LABELS, CME_MONTH_CODES } from '@spymaster/schemas';`,
    );
    expect(out).not.toMatch(ZOD);
    expect(out).toContain('MONITOR_BAND');
    expect(out.length).toBeLessThan(8_000);
  });

  it('the main entry needs no Node built-ins and does not pull in Arrow', async () => {
    const out = await bundle(`export * from '@spymaster/schemas';`);
    expect(out).toMatch(ZOD);
    expect(out).not.toMatch(ARROW);
    expect(out).not.toMatch(/["']node:/);
  });

  it('the arrow entry bundles for the browser', async () => {
    const out = await bundle(`export { rowsToArrowTable } from '@spymaster/schemas/arrow';`);
    expect(out).toMatch(ARROW);
    expect(out).not.toMatch(/["']node:/);
  });
});
