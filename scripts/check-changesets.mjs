#!/usr/bin/env node
// Fails when a package's published files changed since the base branch without a changeset naming it.
// Usage: node scripts/check-changesets.mjs [base-ref] (default: origin/main, else the root commit).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const git = (...args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
let base = process.argv[2];
if (!base) {
  try {
    base = git('rev-parse', '--verify', 'origin/main');
  } catch {
    base = git('rev-list', '--max-parents=0', 'HEAD').split('\n').pop();
  }
}
const changed = git('diff', '--name-only', `${base}...HEAD`).split('\n').filter(Boolean);
const touched = new Set();
for (const file of changed) {
  const m = /^packages\/([^/]+)\/(src\/|package\.json)/.exec(file);
  if (m) touched.add(JSON.parse(readFileSync(join('packages', m[1], 'package.json'), 'utf8')).name);
}
const covered = new Set();
for (const file of readdirSync('.changeset').filter((f) => f.endsWith('.md') && f !== 'README.md')) {
  const text = readFileSync(join('.changeset', file), 'utf8');
  for (const m of text.matchAll(/^"([^"]+)":\s*(major|minor|patch)/gm)) covered.add(m[1]);
}
const missing = [...touched].filter((name) => !covered.has(name));
if (missing.length > 0) {
  console.error(`changesets missing for: ${missing.join(', ')} (run npm run changeset)`);
  process.exit(1);
}
console.log(`changesets cover ${touched.size} changed package(s)`);
