// Full-day throughput of the whole replay path on one simulated `full` ES day: DBN decode (zero-copy cursor),
// + normalization to canonical events, + MarketState and every engine through LevelSignalService (snaps every
// 250 ms of RTH), each stage in a fresh process so its CPU time and peak RSS are its own, all in one run. A CPU
// profile of the full path (run on the TypeScript sources) splits the time per engine.
//
// Run: npm run bench -w @spymaster/engines [-- --date 2025-12-16 --seed 7 --scale full --data DIR --no-profile]
// The day is simulated into data/bench/ (≈ 100 MB, ≈ 10 s) on first use and reused afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LevelsSignalsPayload } from '@spymaster/schemas';

const { values } = parseArgs({
  options: {
    date: { type: 'string', default: '2025-12-16' },
    seed: { type: 'string', default: '7' },
    scale: { type: 'string', default: 'full' },
    data: { type: 'string' },
    phase: { type: 'string' },
    'no-profile': { type: 'boolean', default: false },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const date = values.date as string;
const seed = values.seed as string;
const scale = values.scale as 'small' | 'full';
const dataDir = values.data ?? join(root, 'data', 'bench', `${date}-seed${seed}-${scale}`);
const stem = join(dataDir, `glbx-mdp3-${date.replaceAll('-', '')}.`);
const MARKET_FILES = ['es-fut.trades', 'es-fut.mbp-10', 'es-opt.trades', 'es-opt.mbp-1'].map(
  (f) => `${stem}${f}.dbn.zst`,
);
const DEFINITIONS = `${stem}es.definition.dbn.zst`;

interface PhaseResult {
  phase: string;
  events: number;
  payloads: number;
  cpuMs: number;
  wallMs: number;
  maxRssMb: number;
}

// ---------------------------------------------------------------------------------------------------------
// Child: one stage

async function runPhase(phase: string): Promise<PhaseResult> {
  const { openDbnFile } = await import('@spymaster/replay/node');
  const { canonicalEventBatches, emptyPipelineStats, loadDefinitions } = await import('@spymaster/replay');
  const { LevelSignalService } = await import('@spymaster/engines/level-signal-service');
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  let events = 0;
  let payloads = 0;
  if (phase === 'decode') {
    for (const file of [DEFINITIONS, ...MARKET_FILES]) {
      const stream = await openDbnFile(file);
      let touched = 0;
      await stream.forEach((cursor) => {
        touched ^= cursor.rtype;
      });
      events += stream.recordCount + (touched & 0);
    }
  } else {
    const instruments = await loadDefinitions([await openDbnFile(DEFINITIONS)]);
    const sources = await Promise.all(MARKET_FILES.map((f) => openDbnFile(f)));
    const stats = emptyPipelineStats();
    const service = phase === 'normalize' ? null : new LevelSignalService();
    // 'payload-floor': CPU time of only re-building every emitted payload with object literals of its shape.
    const floor = phase === 'payload-floor';
    let last = 0n;
    for await (const batch of canonicalEventBatches(sources, { instruments, stats, source: 'sim' })) {
      events += batch.length;
      if (service === null) continue;
      for (const event of batch) {
        const out = service.ingest(event);
        payloads += out.length;
        if (floor) for (const p of out) floorUs += rebuildCpuUs(p);
      }
      last = (batch[batch.length - 1] as { ts_event_ns: bigint }).ts_event_ns;
    }
    if (service !== null) {
      const out = service.advanceTo(last);
      payloads += out.length;
      if (floor) for (const p of out) floorUs += rebuildCpuUs(p);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  if (phase === 'payload-floor') {
    return { phase, events, payloads, cpuMs: floorUs / 1000, wallMs: 0, maxRssMb: 0 };
  }
  return {
    phase,
    events,
    payloads,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - wall0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

let floorUs = 0;

/** CPU µs of re-building `p` field by field with object literals (what any builder of the payload pays). */
function rebuildCpuUs(p: LevelsSignalsPayload): number {
  const c0 = process.cpuUsage();
  const copy = rebuildPayload(p);
  const c = process.cpuUsage(c0);
  // Use the copy, so the work cannot be optimized away.
  if (copy.levels.length !== p.levels.length) throw new Error('payload rebuild lost levels');
  return c.user + c.system;
}

function rebuildPayload(p: LevelsSignalsPayload): LevelsSignalsPayload {
  const w = (x: { strike: number; net_gamma: number; strength: number } | null) =>
    x === null ? null : { strike: x.strike, net_gamma: x.net_gamma, strength: x.strength };
  const win = (x: { velocity: number; acceleration: number; jerk: number } | null) =>
    x === null ? null : { velocity: x.velocity, acceleration: x.acceleration, jerk: x.jerk };
  return {
    schema: p.schema,
    ts: p.ts,
    ts_ns: p.ts_ns,
    trade_date: p.trade_date,
    es: { ...p.es, ofi: { ...p.es.ofi } },
    options_basis_missing: p.options_basis_missing,
    levels: p.levels.map((l) => {
      const byStrike: Record<string, number> = {};
      for (const k in l.fuel.gamma_by_strike) byStrike[k] = l.fuel.gamma_by_strike[k] as number;
      return {
        ...l,
        components: { ...l.components },
        barrier: { ...l.barrier, defending_quote: { ...l.barrier.defending_quote } },
        tape: { ...l.tape, sweep: { ...l.tape.sweep } },
        fuel: { ...l.fuel, call_wall: w(l.fuel.call_wall), put_wall: w(l.fuel.put_wall), gamma_by_strike: byStrike },
        kinematics: {
          position: l.kinematics.position,
          windows: {
            '1m': win(l.kinematics.windows['1m']),
            '3m': win(l.kinematics.windows['3m']),
            '5m': win(l.kinematics.windows['5m']),
            '10m': win(l.kinematics.windows['10m']),
            '20m': win(l.kinematics.windows['20m']),
          },
        },
        ofi_near_level: { ...l.ofi_near_level },
        runway: { ...l.runway },
      };
    }),
  };
}

if (values.phase !== undefined) {
  const result = await runPhase(values.phase);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------------
// Parent

function ensureDay(): void {
  if ([DEFINITIONS, ...MARKET_FILES].every((f) => existsSync(f))) return;
  mkdirSync(dataDir, { recursive: true });
  console.log(`simulating the ${scale} day ${date} (seed ${seed}) into ${dataDir} …`);
  const run = spawnSync(
    process.execPath,
    [
      '--conditions=@spymaster/source',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { simulateSession } from '@spymaster/sim';
       simulateSession({ date: ${JSON.stringify(date)}, seed: ${JSON.stringify(seed)}, scale: ${JSON.stringify(scale)}, outDir: ${JSON.stringify(dataDir)} });`,
    ],
    { stdio: 'inherit', cwd: here },
  );
  if (run.status !== 0) throw new Error('simulation failed');
}

function spawnPhase(phase: string, extra: readonly string[] = []): PhaseResult {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(
    process.execPath,
    [
      ...extra,
      '--import',
      'tsx',
      self,
      '--phase',
      phase,
      '--date',
      date,
      '--seed',
      seed,
      '--scale',
      scale,
      '--data',
      dataDir,
    ],
    { encoding: 'utf8', cwd: here, maxBuffer: 1 << 26 },
  );
  if (run.status !== 0) throw new Error(`phase ${phase} failed:\n${run.stderr}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as PhaseResult;
}

/** Engine of a source file (the profile runs on the TypeScript sources, so every frame names its file). */
function categoryOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'garbage collection';
  const m = /packages\/([a-z]+)\/src\/(.*)$/.exec(url);
  if (m === null) return 'other (Node.js, loaders)';
  const [, pkg, file] = m as unknown as [string, string, string];
  if (pkg === 'replay') return file.startsWith('dbn/') || file.startsWith('zstd/') ? 'decode' : 'normalize';
  if (pkg === 'schemas') return 'schemas (time, event ids)';
  if (pkg !== 'engines') return pkg;
  if (file.startsWith('market-state') || file.startsWith('internal/window-sums')) return 'MarketState';
  if (file.startsWith('barrier')) return 'BarrierEngine';
  if (file.startsWith('tape')) return 'TapeEngine';
  if (file.startsWith('gamma') || file.startsWith('black76')) return 'FuelEngine (gamma, Black-76)';
  if (file.startsWith('kinematics')) return 'KinematicsEngine';
  if (file.startsWith('ofi')) return 'OFIEngine';
  if (file.startsWith('score') || file.startsWith('smoothing')) return 'ScoreEngine + smoothing';
  if (file.startsWith('level-signal-service')) return 'LevelSignalService (snaps, levels, payloads)';
  return `engines/${file}`;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
}

function profileShares(): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'spymaster-prof-'));
  try {
    spawnPhase('engines', ['--conditions=@spymaster/source', '--cpu-prof', '--cpu-prof-dir', dir]);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('no CPU profile written');
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const shares = new Map<string, number>();
    let total = 0;
    for (const id of profile.samples) {
      const node = byId.get(id);
      if (node === undefined || node.callFrame.functionName === '(idle)') continue;
      const key = categoryOf(node.callFrame.url, node.callFrame.functionName);
      shares.set(key, (shares.get(key) ?? 0) + 1);
      total++;
    }
    for (const [k, v] of shares) shares.set(k, v / total);
    return shares;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

ensureDay();
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const decode = spawnPhase('decode');
const normalize = spawnPhase('normalize');
const engines = spawnPhase('engines');
const floor = spawnPhase('payload-floor');
const rows: [string, PhaseResult][] = [
  ['decode (cursor)', decode],
  ['decode + normalize', normalize],
  ['decode + normalize + engines + snaps', engines],
];
console.log(
  `\n${scale} day ${date} seed ${seed}: ${fmt(engines.events)} canonical events, ${fmt(engines.payloads)} payloads`,
);
console.log('\n| stage | records / events | CPU s | events/s (CPU) | × cursor decode | peak RSS MB |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, r] of rows) {
  console.log(
    `| ${name} | ${fmt(r.events)} | ${(r.cpuMs / 1000).toFixed(2)} | ${fmt((r.events / r.cpuMs) * 1000)} | ${(r.cpuMs / decode.cpuMs).toFixed(2)} | ${fmt(r.maxRssMb)} |`,
  );
}
const engineMs = engines.cpuMs - normalize.cpuMs;
console.log(
  `\nengines + snaps alone: ${(engineMs / 1000).toFixed(2)} s CPU = ${(engineMs / decode.cpuMs).toFixed(2)} × the cursor decode (target ≤ 1.5); end to end ${fmt((engines.events / engines.cpuMs) * 1000)} events/s (target ≥ 1,000,000); ${((engineMs * 1000) / Math.max(1, engines.payloads)).toFixed(0)} µs CPU per snap incl. per-event work`,
);
console.log(
  `payload objects alone (re-built field by field from the emitted payloads, no engine math): ${(floor.cpuMs / 1000).toFixed(2)} s CPU = ${(floor.cpuMs / decode.cpuMs).toFixed(2)} × the cursor decode, ${((floor.cpuMs * 1000) / Math.max(1, floor.payloads)).toFixed(1)} µs per snap (a floor of the payload contract under the engines' 1.5 × budget)`,
);
if (!values['no-profile']) {
  const shares = profileShares();
  console.log('\nCPU profile of the full path (sources, one run), share of samples and the CPU seconds it implies:');
  console.log('\n| part | share | ≈ CPU s |');
  console.log('|---|---:|---:|');
  for (const [k, v] of [...shares].sort((a, b) => b[1] - a[1])) {
    console.log(`| ${k} | ${(v * 100).toFixed(1)} % | ${((v * engines.cpuMs) / 1000).toFixed(2)} |`);
  }
}
