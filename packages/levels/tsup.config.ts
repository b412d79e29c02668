import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per engine module (src/<name>.ts) so each is importable on its own: @spymaster/engines/<name>.
const entries = Object.fromEntries(
  readdirSync('src')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => [f.replace(/\.ts$/, ''), `src/${f}`]),
);

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
});
