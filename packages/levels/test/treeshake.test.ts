// Browser-safe and tree-shakable: a browser bundle of any subpath carries no Node built-ins and no zod (the
// defaults are repeated in config.ts for that reason), and the bars alone carry none of the touch or label code.
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
    treeShaking: true,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

describe('bundles', () => {
  it('the whole package: no Node built-ins, no zod, no clock or randomness', async () => {
    const out = await bundle(`export * from '@spymaster/levels';`);
    expect(out).toMatch(/class LevelUniverse\b|LevelUniverse = class/);
    expect(out).not.toMatch(/["']node:/);
    expect(out).not.toMatch(/ZodError|\$ZodType/);
    expect(out).not.toMatch(/Date\.now|new Date\(|Math\.random|performance\.now/);
  });

  it('bars alone: no touch, label or level-universe code', async () => {
    const out = await bundle(`export { BarBuilder } from '@spymaster/levels/bars';`);
    expect(out).toMatch(/class BarBuilder\b|BarBuilder = class/);
    expect(out).not.toMatch(/TouchEngine|LabelEngine|LevelUniverse/);
    expect(out.length).toBeLessThan(8_000);
  });
});
