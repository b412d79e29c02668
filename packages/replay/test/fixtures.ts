// Paths of the shared DBN fixtures and spec (../shared beside the repository root), with clear errors
// when they are missing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The shared folder beside the repository. */
export const SHARED_DIR = join(repoRoot, '..', 'shared');
/** Databento's DBN test files. */
export const FIXTURE_DIR = join(SHARED_DIR, 'fixtures', 'dbn');

function need(path: string): string {
  if (!existsSync(path))
    throw new Error(`${path} is missing: tests expect the shared/ folder beside the repository root`);
  return path;
}

/** Bytes of a fixture file. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(need(join(FIXTURE_DIR, name))));
}

/** Every fixture file name (data files only). */
export function fixtureNames(): string[] {
  return readdirSync(need(FIXTURE_DIR))
    .filter((f) => f.includes('.dbn'))
    .sort();
}

/** Text of a spec file. */
export function spec(name: string): string {
  return readFileSync(need(join(SHARED_DIR, 'spec', name)), 'utf8');
}

/** expected-samples.json. */
export function expectedSamples(): Record<
  string,
  { file: string; record_count: number; metadata: unknown; first_record: unknown }
> {
  return JSON.parse(readFileSync(need(join(FIXTURE_DIR, 'expected-samples.json')), 'utf8')).samples;
}

/** Facts of a fixture name: version (from the name; unversioned files are v2), fragment, compression. */
export function fixtureFacts(name: string): {
  version: 1 | 2 | 3 | undefined;
  fragment: boolean;
  zstd: boolean;
  schema: string;
} {
  const m = /\.v(\d)\./.exec(name);
  const fragment = name.includes('.frag');
  const version = m ? (Number(m[1]) as 1 | 2 | 3) : fragment ? undefined : 2;
  const schema = name.replace(/^test_data\.|^multi-frame\./, '').replace(/(\.v\d)?\.dbn.*$/, '');
  return { version, fragment, zstd: name.endsWith('.zst'), schema };
}

/** JSON with bigints as decimal strings (the fixtures' expected-value convention). */
export function json(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}
