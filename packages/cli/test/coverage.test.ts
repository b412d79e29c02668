// Engine coverage on simulated data (issue #5): the issue's 4-day small run (`spymaster sim --start 2025-12-15
// --days 4 --scale small`, seed 1), each day replayed through the LevelSignalService for its first RTH hour
// (09:30–10:30 ET: every snap of it equals the full replay's), must show every barrier state, both directional
// fuel effects, a gamma flip and both BREAK and BOUNCE. The full-day counts come from scripts/coverage.mts and are
// in packages/engines/README.md ("Coverage on simulated data").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateSessions } from '@spymaster/sim';
import { afterAll, describe, expect, it } from 'vitest';
import { coverageCounter, missingCoverage, replaySessions } from '../scripts/coverage-counts.js';

const dir = mkdtempSync(join(tmpdir(), 'spymaster-coverage-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('engine coverage on the 4-day small simulation', () => {
  it('shows every barrier state, AMPLIFY and DAMPEN, a gamma flip, BREAK and BOUNCE in the first RTH hours', async () => {
    const days = simulateSessions({ start: '2025-12-15', days: 4, seed: '1', scale: 'small', outDir: dir });
    expect(days.map((d) => d.date)).toEqual(['2025-12-15', '2025-12-16', '2025-12-17', '2025-12-18']);
    const counter = coverageCounter();
    await replaySessions(days, (payload) => counter.add(payload), { until: '10:30' });
    const c = counter.counts;
    // One hour of 250 ms snaps per day, every one with a spot.
    expect(c.snaps).toBe(4 * 3600 * 4);
    expect(c.snapsWithSpot).toBe(c.snaps);
    expect(missingCoverage(c)).toEqual([]);
    // The gamma flip exists on a good share of snaps (dealer gamma changes sign across strikes).
    expect(c.hvlSnaps / c.snaps).toBeGreaterThan(0.25);
    // No value dominates the directional ones away: NEUTRAL fuel is not the only effect near the levels.
    expect((c.fuel.AMPLIFY ?? 0) + (c.fuel.DAMPEN ?? 0)).toBeGreaterThan(0.1 * c.rows);
  }, 240_000);
});
