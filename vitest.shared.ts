import { defineProject } from 'vitest/config';

/**
 * Shared per-package vitest settings. Tests import workspace packages through the
 * `@spymaster/source` export condition, so they run against `src/` without a build.
 */
export function packageProject(name: string) {
  return defineProject({
    resolve: { conditions: ['@spymaster/source'] },
    ssr: { resolve: { conditions: ['@spymaster/source'] } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 60_000,
      hookTimeout: 180_000,
    },
  });
}
