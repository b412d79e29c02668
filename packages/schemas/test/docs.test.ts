import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_DOC_PATH, renderConfigDoc } from '../scripts/config-docs.js';

describe('docs/configuration.md', () => {
  it('is generated from CONFIG_PARAMS and up to date', () => {
    expect(existsSync(CONFIG_DOC_PATH), CONFIG_DOC_PATH).toBe(true);
    const current = readFileSync(CONFIG_DOC_PATH, 'utf8');
    expect(current, 'run: npx tsx packages/schemas/scripts/config-docs.ts --write').toBe(renderConfigDoc());
  });
});
