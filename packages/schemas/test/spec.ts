// Reads the shared specification (../shared/spec from the repository root) for tests that check the
// code against the spec's own tables and examples.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Absolute path of the shared folder beside the repository. */
export const SHARED_DIR = join(repoRoot, '..', 'shared');

/** Text of a spec file; throws a clear error when the shared folder is missing. */
export function readSpec(file: string): string {
  const path = join(SHARED_DIR, 'spec', file);
  if (!existsSync(path)) {
    throw new Error(`spec file ${path} is missing: tests expect the shared/ folder beside the repository root`);
  }
  return readFileSync(path, 'utf8');
}

/** The first fenced ```json block after a marker line of a spec file. */
export function specJsonBlock(file: string, marker: string): string {
  const text = readSpec(file);
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`marker ${JSON.stringify(marker)} not found in ${file}`);
  const start = text.indexOf('```json', at);
  const end = text.indexOf('```', start + 7);
  return text.slice(start + 7, end).trim();
}
