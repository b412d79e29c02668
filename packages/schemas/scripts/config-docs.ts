// Renders docs/configuration.md from CONFIG_PARAMS, so the parameter reference can never drift from the
// code. `npx tsx packages/schemas/scripts/config-docs.ts --write` rewrites it; a test checks it is current.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_PARAMS, type ParamSpec } from '../src/config.js';

/** Path of the generated reference. */
export const CONFIG_DOC_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'docs',
  'configuration.md',
);

function show(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ');
  }
  return String(value);
}

/** The Markdown of docs/configuration.md. */
export function renderConfigDoc(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from CONFIG_PARAMS by packages/schemas/scripts/config-docs.ts; do not edit by hand. -->',
    '',
    'Every tunable parameter of the specification, with the name the spec uses (`../shared/spec/README.md` §5).',
    'Override any of them with `defineConfig({ NAME: value })`; values outside the allowed range are rejected',
    'with a `ConfigError` naming the parameter and the range. `DEFAULT_CONFIG` holds the defaults, frozen.',
    '',
    '```ts',
    "import { defineConfig } from '@spymaster/schemas';",
    '',
    'const config = defineConfig({ MONITOR_BAND: 4, tau_score: 1.5 });',
    '```',
  ];
  let section = '';
  for (const [name, spec] of Object.entries(CONFIG_PARAMS) as [string, ParamSpec][]) {
    if (spec.section !== section) {
      section = spec.section;
      lines.push('', `## ${section}`, '', '| Name | Default | Unit | Allowed | Meaning |', '|---|---|---|---|---|');
    }
    lines.push(`| \`${name}\` | ${show(spec.default)} | ${spec.unit} | ${spec.allowed} | ${spec.doc} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv.includes('--write')) {
  writeFileSync(CONFIG_DOC_PATH, renderConfigDoc());
  console.log(`wrote ${CONFIG_DOC_PATH}`);
}
