// Identity check of the canonical pipeline: runs `canonicalEventBatches` over a day of DBN files and prints a
// SHA-256 of the whole canonical stream (every event as JSON with bigints as decimal strings, in order, one per
// line, then the PipelineStats), the event count, events/s and the peak RSS. Two runs of different code over
// the same files must print the same hash.
// `--impl <src dir>` runs another copy of this package's src (e.g. the previous commit's, from `git archive`).
// Run: node --conditions=@spymaster/source --import tsx bench/canonical-hash.ts <dir> [date] [--no-hash]
//      [--limit N] [--impl DIR]
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'no-hash': { type: 'boolean' }, limit: { type: 'string' }, impl: { type: 'string' } },
});
const impl = resolve(values.impl ?? join(import.meta.dirname, '../src'));
const { canonicalEventBatches, emptyPipelineStats, loadDefinitions } = (await import(
  pathToFileURL(join(impl, 'index.ts')).href
)) as typeof import('../src/index.js');
const { openDbnFile } = (await import(pathToFileURL(join(impl, 'node.ts')).href)) as typeof import('../src/node.js');
const dir = positionals[0] ?? '/tmp/fullday';
const date = (positionals[1] ?? '2025-12-16').replaceAll('-', '');
const file = (name: string) => join(dir, `glbx-mdp3-${date}.${name}.dbn.zst`);
const hashing = !values['no-hash'];
const limit = Number(values.limit ?? Number.POSITIVE_INFINITY);

const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

const t0 = performance.now();
const instruments = await loadDefinitions([await openDbnFile(file('es.definition'))]);
const names = ['es-fut.trades', 'es-fut.mbp-10', 'es-opt.trades', 'es-opt.mbp-1'];
const sources = await Promise.all(names.map((name) => openDbnFile(file(name))));
const stats = emptyPipelineStats();
const hash = createHash('sha256');
let n = 0;
const t1 = performance.now();
for await (const batch of canonicalEventBatches(sources, { instruments, stats, source: 'sim' })) {
  n += batch.length;
  if (hashing) {
    let text = '';
    for (const event of batch) text += `${JSON.stringify(event, replacer)}\n`;
    hash.update(text);
  }
  if (n >= limit) break;
}
const t2 = performance.now();
hash.update(JSON.stringify(stats, replacer));
console.log(
  JSON.stringify({
    dir,
    impl,
    events: n,
    hash: hashing ? hash.digest('hex') : null,
    definitionsMs: Math.round(t1 - t0),
    pipelineMs: Math.round(t2 - t1),
    eventsPerSecond: Math.round((n / (t2 - t1)) * 1000),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    stats,
  }),
);
