// Each engine is importable on its own and tree-shakes: a browser bundle of one engine carries no code of
// the others and no Node built-ins.
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
    minify: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

describe('engine bundles', () => {
  it('no engine bundle carries zod (config defaults and enum constants are plain data)', async () => {
    for (const mod of ['tape', 'barrier', 'score', 'gamma', 'market-state', 'level-signal-service']) {
      const out = await bundle(`export * from '@spymaster/engines/${mod}';`);
      expect(out, mod).not.toMatch(/ZodError|\$ZodType/);
    }
  });

  it('the score engine alone contains no Black-76, gamma or Node code', async () => {
    const out = await bundle(`export { ScoreEngine } from '@spymaster/engines/score';`);
    expect(out).toMatch(/\bScoreEngine = class\b|class ScoreEngine\b/);
    expect(out).not.toMatch(/function black76Gamma|function gammaFlip|\bEwma = class\b|class Ewma\b/);
    expect(out).not.toMatch(/["']node:/);
  });

  it('smoothing alone contains no score or fuel code', async () => {
    const out = await bundle(`export { Ewma } from '@spymaster/engines/smoothing';`);
    expect(out).toMatch(/\bEwma = class\b|class Ewma\b/);
    expect(out).not.toMatch(/ScoreEngine|function black76Gamma/);
    expect(out.length).toBeLessThan(10_000);
  });

  it('the gamma aggregates bring Black-76 but not the score engine', async () => {
    const out = await bundle(`export { buildGammaBook, fuelMetrics } from '@spymaster/engines/gamma';`);
    // Γ from hoisted parts (gammaOf) on Black-76's normal density; the es.hvl scan and the score stay out.
    expect(out).toMatch(/function normPdf/);
    expect(out).not.toMatch(/ScoreEngine|\bEwma\b|certifiedFlip/);
  });
});
