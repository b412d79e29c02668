// Canonical events/s of `canonicalEventBatches` on a simulated day (decode + normalize + sort + merge), next to
// the zero-copy cursor decode of the same files measured in the same run, and optionally another copy of this
// package's src (`--baseline DIR`, e.g. the previous commit's from `git archive`) run on the same files.
// Every case runs in a process of its own (a case run after another in one process inherits its optimized and
// deoptimized code and its heap); cases alternate, best CPU time of `--runs` (default 3) each. CPU time
// (process.cpuUsage: the main thread and V8's helper threads, e.g. parallel scavenges) is what a loaded machine
// disturbs least; wall seconds are printed beside it.
// Make the day once: simulateSession({ date: '2025-12-16', seed: '7', scale: 'full', outDir }) of @spymaster/sim.
// Run: node --conditions=@spymaster/source --import tsx bench/canonical.bench.ts --dir /tmp/fullday
//      [--date 2025-12-16] [--runs 3] [--baseline DIR]
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    date: { type: 'string' },
    runs: { type: 'string' },
    baseline: { type: 'string' },
    case: { type: 'string' },
    src: { type: 'string' },
  },
});
const dir = values.dir ?? '/tmp/fullday';
const date = values.date ?? '2025-12-16';
const runs = Number(values.runs ?? 3);
const DATA = ['es-fut.trades', 'es-fut.mbp-10', 'es-opt.trades', 'es-opt.mbp-1'];
const CURRENT = resolve(import.meta.dirname, '../src');

interface CaseResult {
  count: number;
  seconds: number;
  wall: number;
}

type Package = typeof import('../src/index.js') & typeof import('../src/node.js');
async function load(src: string): Promise<Package> {
  const root = await import(pathToFileURL(join(src, 'index.ts')).href);
  const node = await import(pathToFileURL(join(src, 'node.ts')).href);
  return { ...root, ...node } as Package;
}

/** Child: one case over the day, with the package copy at `src`. */
async function runCase(name: 'decode' | 'pipeline', src: string): Promise<CaseResult> {
  const pkg = await load(src);
  const file = (stem: string) => join(dir, `glbx-mdp3-${date.replaceAll('-', '')}.${stem}.dbn.zst`);
  let count = 0;
  if (name === 'decode') {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (const stem of DATA) {
      const stream = await pkg.openDbnFile(file(stem));
      await stream.forEach(() => {
        count++;
      });
    }
    const cpu = process.cpuUsage(cpu0);
    return { count, seconds: (cpu.user + cpu.system) / 1e6, wall: (performance.now() - t0) / 1000 };
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const instruments = await pkg.loadDefinitions([await pkg.openDbnFile(file('es.definition'))]);
  const sources = await Promise.all(DATA.map((stem) => pkg.openDbnFile(file(stem))));
  for await (const batch of pkg.canonicalEventBatches(sources, { instruments, source: 'sim' })) count += batch.length;
  const cpu = process.cpuUsage(cpu0);
  return { count, seconds: (cpu.user + cpu.system) / 1e6, wall: (performance.now() - t0) / 1000 };
}

if (values.case !== undefined) {
  const result = await runCase(values.case as 'decode' | 'pipeline', values.src ?? CURRENT);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

/** Parent: run one case in a fresh process. */
function spawnCase(name: string, src: string): CaseResult {
  const args = [...process.execArgv, process.argv[1] as string, '--case', name, '--src', src, '--dir', dir];
  const run = spawnSync(process.execPath, [...args, '--date', date], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`case ${name} (${src}) failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() as string) as CaseResult;
}

const cases: [string, string, string][] = [
  ['cursor decode of the four files (records)', 'decode', CURRENT],
  ['canonicalEventBatches (events)', 'pipeline', CURRENT],
];
if (values.baseline) {
  cases.push([`canonicalEventBatches, baseline ${values.baseline} (events)`, 'pipeline', resolve(values.baseline)]);
}

const best = new Map<string, CaseResult>();
for (let run = 0; run < runs; run++) {
  for (const [label, name, src] of cases) {
    const result = spawnCase(name, src);
    const previous = best.get(label);
    if (previous === undefined || result.seconds < previous.seconds) best.set(label, result);
  }
}

const decodeSeconds = (best.get(cases[0]?.[0] as string) as CaseResult).seconds;
const baselineSeconds = values.baseline ? best.get(cases[2]?.[0] as string)?.seconds : undefined;
console.log(
  `| case | CPU seconds | wall seconds | per CPU second | × cursor decode CPU |${values.baseline ? ' speed-up vs baseline |' : ''}`,
);
console.log(`|---|---:|---:|---:|---:|${values.baseline ? '---:|' : ''}`);
for (const [label] of cases) {
  const { seconds, wall, count } = best.get(label) as CaseResult;
  const speedup =
    baselineSeconds === undefined
      ? ''
      : label === cases[0]?.[0]
        ? ' — |'
        : ` ${(baselineSeconds / seconds).toFixed(2)} |`;
  console.log(
    `| ${label} | ${seconds.toFixed(3)} | ${wall.toFixed(3)} | ${Math.round(count / seconds).toLocaleString('en-US')} | ${(seconds / decodeSeconds).toFixed(2)} |${speedup}`,
  );
}
