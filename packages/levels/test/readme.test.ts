// The README example runs as written and prints what its comments say.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const dir = dirname(fileURLToPath(import.meta.url));

describe('README example', () => {
  it('runs and prints the commented output', async () => {
    const readme = readFileSync(join(dir, '..', 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code, 'README has a ```ts example').toBeTruthy();
    const expected = [...(code as string).matchAll(/^\/\/ (\[.*\])/gm)].map((m) => m[1]);
    expect(expected.length).toBeGreaterThan(0);
    const file = join(dir, `readme-example-${process.pid}.tmp.ts`);
    writeFileSync(file, code as string);
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => JSON.stringify(a)).join(' '));
    });
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      spy.mockRestore();
      rmSync(file, { force: true });
    }
    expect(lines.map((l) => l.replaceAll('"', "'").replaceAll(',', ', '))).toEqual(
      expected.map((e) => (e as string).replace(/^\[ /, '[').replace(/ \]$/, ']')),
    );
  });
});
