// The README example runs as written and prints what its comments say (the comment line after each console.log).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { describe, expect, it, vi } from 'vitest';

const dir = dirname(fileURLToPath(import.meta.url));

describe('README example', () => {
  it('runs and prints the commented output', async () => {
    const readme = readFileSync(join(dir, '..', 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = code.split('\n');
    const expected = lines
      .map((l, i) => (l.includes('console.log(') ? /^\s*\/\/ (.*)$/.exec(lines[i + 1] ?? '')?.[1] : undefined))
      .filter((x): x is string => x !== undefined);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    const file = join(dir, `readme-example-${process.pid}.tmp.ts`);
    writeFileSync(file, code);
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(format(...args));
    });
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      spy.mockRestore();
      rmSync(file, { force: true });
    }
    expect(printed).toEqual(expected);
  });
});
