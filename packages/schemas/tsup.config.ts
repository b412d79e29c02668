import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    events: 'src/events.ts',
    config: 'src/config.ts',
    signals: 'src/signals.ts',
    gateway: 'src/gateway.ts',
    lake: 'src/lake/index.ts',
    arrow: 'src/arrow.ts',
    fast: 'src/fast.ts',
    time: 'src/time.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
});
