import { defineConfig } from 'vitest/config';

// One vitest run across every package: each package with a vitest.config.ts is a project.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts'],
  },
});
