#!/usr/bin/env node
// Preflight for the README's one-command entry points (`npm test`, `npm run demo`, ...):
// install dependencies when node_modules is missing or older than the manifests, so a fresh
// clone needs no separate set-up step. npm writes node_modules/.package-lock.json on every
// install; if it is older than package-lock.json or any workspace package.json, the install is stale.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

function manifests() {
  const files = [join(root, 'package.json')];
  if (existsSync(lock)) files.push(lock);
  for (const group of ['packages', 'examples']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const manifest = join(dir, name, 'package.json');
      if (existsSync(manifest)) files.push(manifest);
    }
  }
  return files;
}

function staleReason() {
  if (!existsSync(installed)) return 'node_modules is missing';
  const installedAt = statSync(installed).mtimeMs;
  const newer = manifests().find((file) => statSync(file).mtimeMs > installedAt);
  return newer ? `${newer.slice(root.length + 1)} changed since the last install` : null;
}

const reason = staleReason();
if (reason) {
  const args = existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  console.log(`preflight: ${reason}; running npm ${args[0]}`);
  const result = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`preflight: npm ${args[0]} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}
