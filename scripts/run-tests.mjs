#!/usr/bin/env node
// Runs the whole vitest suite and ends with one plain summary line ("vitest: N passed, N failed")
// that CI log readers understand; exits with vitest's own exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, '.vitest-results.json');
rmSync(results, { force: true });
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
let code = run.status ?? 1;
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  const passed = report.numPassedTests ?? 0;
  // Files that failed without a failing test (an import or syntax error) count as one failure each.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
  const failed = (report.numFailedTests ?? 0) + brokenFiles;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (passed + failed === 0) code = code || 1;
  console.log(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
} else {
  console.log('\nvitest: 0 passed, 1 failed (no result file was written)');
  code = code || 1;
}
process.exit(code);
