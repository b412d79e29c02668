// Canonical events/s of `canonicalEventBatches` on a simulated day (decode + normalize + sort + merge), next to
// the zero-copy cursor decode of the same files measured in the same run, and optionally another copy of this
// package's src (`--baseline DIR`, e.g. the previous commit's from `git archive`) run on the same files.
// Cases alternate, best of `--runs` (default 3) each.
// Make the day once: simulateSession({ date: '2025-12-16', seed: '7', scale: 'full', outDir }) of @spymaster/sim.
// Run: node --conditions=@spymaster/source --import tsx bench/canonical.bench.ts --dir /tmp/fullday
//      [--date 2025-12-16] [--runs 3] [--baseline DIR]
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    date: { type: 'string' },
    runs: { type: 'string' },
    baseline: { type: 'string' },
  },
});
const dir = values.dir ?? '/tmp/fullday';
const date = (values.date ?? '2025-12-16').replaceAll('-', '');
const runs = Number(values.runs ?? 3);
const file = (name: string) => join(dir, `glbx-mdp3-${date}.${name}.dbn.zst`);
const DATA = ['es-fut.trades', 'es-fut.mbp-10', 'es-opt.trades', 'es-opt.mbp-1'];

type Package = typeof import('../src/index.js') & typeof import('../src/node.js');
async function load(src: string): Promise<Package> {
  const root = await import(pathToFileURL(join(src, 'index.ts')).href);
  const node = await import(pathToFileURL(join(src, 'node.ts')).href);
  return { ...root, ...node } as Package;
}
const current = await load(resolve(import.meta.dirname, '../src'));
const baseline = values.baseline ? await load(resolve(values.baseline)) : null;

async function decode(): Promise<number> {
  let records = 0;
  for (const name of DATA) {
    const stream = await current.openDbnFile(file(name));
    await stream.forEach(() => {
      records++;
    });
  }
  return records;
}

function pipeline(pkg: Package): () => Promise<number> {
  return async () => {
    const instruments = await pkg.loadDefinitions([await pkg.openDbnFile(file('es.definition'))]);
    const sources = await Promise.all(DATA.map((name) => pkg.openDbnFile(file(name))));
    let events = 0;
    for await (const batch of pkg.canonicalEventBatches(sources, { instruments, source: 'sim' })) {
      events += batch.length;
    }
    return events;
  };
}

const cases: [string, () => Promise<number>][] = [
  ['cursor decode of the four files (records)', decode],
  ['canonicalEventBatches (events)', pipeline(current)],
];
if (baseline) cases.push([`canonicalEventBatches, baseline ${values.baseline} (events)`, pipeline(baseline)]);

const best = new Map<string, { seconds: number; count: number }>();
for (let run = 0; run < runs; run++) {
  for (const [name, fn] of cases) {
    const t0 = performance.now();
    const count = await fn();
    const seconds = (performance.now() - t0) / 1000;
    const previous = best.get(name);
    if (previous === undefined || seconds < previous.seconds) best.set(name, { seconds, count });
  }
}

const decodeSeconds = best.get(cases[0]?.[0] as string)?.seconds as number;
const baselineSeconds = baseline ? best.get(cases[2]?.[0] as string)?.seconds : undefined;
console.log(`| case | seconds | per second | × cursor decode time |${baseline ? ' speed-up vs baseline |' : ''}`);
console.log(`|---|---:|---:|---:|${baseline ? '---:|' : ''}`);
for (const [name] of cases) {
  const { seconds, count } = best.get(name) as { seconds: number; count: number };
  const speedup =
    baselineSeconds === undefined
      ? ''
      : name === cases[0]?.[0]
        ? ' — |'
        : ` ${(baselineSeconds / seconds).toFixed(2)} |`;
  console.log(
    `| ${name} | ${seconds.toFixed(3)} | ${Math.round(count / seconds).toLocaleString('en-US')} | ${(seconds / decodeSeconds).toFixed(2)} |${speedup}`,
  );
}
