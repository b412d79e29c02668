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
import type { LevelsSignalsPayload, MarketEvent } from '@spymaster/schemas';

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
  /** 'engines' only: CPU and wall ms spent inside the service (timed around each batch's ingest loop). */
  serviceCpuMs?: number;
  serviceWallMs?: number;
  /** 'floors' only: CPU ms of the cheapest construction of every payload, and of the minimum Black-76 work. */
  payloadFloorMs?: number;
  /** 'floors' only: CPU ms of a copy of every canonical event (the least a normalizer must allocate). */
  eventFloorMs?: number;
  /** 'floors' only: CPU ms of the least per-event state any engine keeps (see TopOfBookFloor). */
  stateFloorMs?: number;
  /** 'floors' only: the payload floor with every `gamma_by_strike` left empty. */
  payloadNoMapsFloorMs?: number;
  gammaFloorMs?: number;
  /** 'floors' only: Black-76 Γ evaluations the minimum work made (contracts × 3 per snap). */
  gammaEvaluations?: number;
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
  // CPU and wall time inside the service only, per batch (the CPU clock is process-wide: a GC helper thread
  // running meanwhile is counted too).
  let inCpuUs = 0;
  let inWallMs = 0;
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
    const floors = phase === 'floors' ? await startFloors() : null;
    let last = 0n;
    for await (const batch of canonicalEventBatches(sources, { instruments, stats, source: 'sim' })) {
      events += batch.length;
      if (service === null) continue;
      if (floors !== null) floors.events(batch as readonly MarketEvent[]);
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      for (const event of batch) {
        const out = service.ingest(event);
        payloads += out.length;
        if (floors !== null) for (const p of out) floors.payload(p);
      }
      inWallMs += performance.now() - w0;
      const c = process.cpuUsage(c0);
      inCpuUs += c.user + c.system;
      last = (batch[batch.length - 1] as { ts_event_ns: bigint }).ts_event_ns;
    }
    if (service !== null) {
      const out = service.advanceTo(last);
      payloads += out.length;
      if (floors !== null) for (const p of out) floors.payload(p);
    }
    if (floors !== null) return { phase, events, payloads, cpuMs: 0, wallMs: 0, maxRssMb: 0, ...floors.finish() };
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    phase,
    events,
    payloads,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - wall0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ...(phase === 'engines' ? { serviceCpuMs: inCpuUs / 1000, serviceWallMs: inWallMs } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Floors: what any implementation of the contract must spend, measured on the day's own snaps
//
// 1. Payload objects: every emitted payload re-built with object literals of its shape, from values extracted
//    beforehand (so no reading cost is charged), timed in batches (so no timer cost is charged either); once
//    with every `gamma_by_strike` and once with all of them empty (what a contract without that map would pay).
// 2. Canonical events: every event copied (see copyEvent), timed per batch.
// 3. Per-event state: the least any market state does per event (see TopOfBookFloor), timed per batch.
// 4. Black-76: per snap, Γ of every included contract at three prices — spot (per-level fuel) and the two grid
//    points that bracket es.hvl, the fewest a root between grid points can be found with — using one `Math.exp`
//    per Γ and `ln K`, `σ√T` precomputed outside the timing. The inputs are captured from each snap's book.

// Small batches: a larger one keeps more young payloads alive through each scavenge (256 measured ≈ 40 % dearer),
// a batch of one pays two getrusage calls per payload (≈ 15 % dearer).
const FLOOR_BATCH = 16;

/** CPU µs (user + system) that `work` takes. */
function cpuUs(work: () => void): number {
  const c0 = process.cpuUsage();
  work();
  const c = process.cpuUsage(c0);
  return c.user + c.system;
}

/** Σ N·Γ of a snap's contracts at spot and at the two grid points beside it: the least Black-76 work per snap. */
function minimumGammaWork(snap: GammaSnapInputs): number {
  const t = snap.terms;
  let sum = 0;
  for (const x of [snap.spot, snap.spot - 0.25, snap.spot + 0.25]) {
    let lastShift = Number.NaN;
    let lnF = 0;
    let F = 0;
    for (let i = 0; i < t.length; i += 6) {
      if (t[i] !== lastShift) {
        lastShift = t[i] as number;
        F = x - lastShift;
        lnF = Math.log(F);
      }
      const d1 = (lnF - (t[i + 1] as number) + (t[i + 3] as number)) / (t[i + 2] as number);
      sum += ((t[i + 5] as number) * (t[i + 4] as number) * Math.exp(-0.5 * d1 * d1)) / F;
    }
  }
  return sum;
}

interface GammaSnapInputs {
  spot: number;
  /** Per contract: shift, ln K, σ√T, σ²T/2, e^{−rT}/(σ√T), N. */
  terms: Float64Array;
}

async function startFloors() {
  // Run on the sources (the parent passes the source condition), so this is the module the service uses.
  const { GammaBookBuilder } = await import('@spymaster/engines/gamma');
  const { DEFAULT_CONFIG } = await import('@spymaster/schemas');
  const r = DEFAULT_CONFIG.RISK_FREE_RATE;
  let snaps: GammaSnapInputs[] = [];
  const build = GammaBookBuilder.prototype.build;
  GammaBookBuilder.prototype.build = function (this: InstanceType<typeof GammaBookBuilder>, ...args) {
    const book = build.apply(this, args);
    if (book.spot !== null) {
      const n = book.contracts.length;
      const terms = new Float64Array(n * 6);
      for (let i = 0; i < n; i++) {
        const c = book.contracts[i] as (typeof book.contracts)[number];
        const T = book.T[i] as number;
        const sst = c.sigma * Math.sqrt(T);
        terms.set(
          [book.shift[i] as number, Math.log(c.strike), sst, (c.sigma * c.sigma * T) / 2, Math.exp(-r * T) / sst, c.N],
          i * 6,
        );
      }
      snaps.push({ spot: book.spot, terms });
    }
    return book;
  };
  let pending: { payload: LevelsSignalsPayload; maps: GammaMapValues[] }[] = [];
  let eventUs = 0;
  let stateUs = 0;
  const top = new TopOfBookFloor();
  let payloadUs = 0;
  let payloadNoMapsUs = 0;
  let gammaUs = 0;
  let evaluations = 0;
  let sink = 0;
  const flush = () => {
    payloadUs += cpuUs(() => {
      for (const { payload, maps } of pending) sink += rebuildPayload(payload, maps).levels.length;
    });
    payloadNoMapsUs += cpuUs(() => {
      for (const { payload } of pending) sink += rebuildPayload(payload, null).levels.length;
    });
    gammaUs += cpuUs(() => {
      for (const snap of snaps) sink += minimumGammaWork(snap);
    });
    for (const snap of snaps) evaluations += (snap.terms.length / 6) * 3;
    pending = [];
    snaps = [];
  };
  return {
    events(batch: readonly MarketEvent[]): void {
      eventUs += cpuUs(() => {
        for (const e of batch) sink += copyEvent(e).ts_event_ns === 0n ? 1 : 0;
      });
      stateUs += cpuUs(() => {
        for (const e of batch) top.apply(e);
      });
    },
    payload(p: LevelsSignalsPayload): void {
      pending.push({ payload: p, maps: p.levels.map((l) => gammaMapValues(l.fuel.gamma_by_strike)) });
      if (pending.length >= FLOOR_BATCH) flush();
    },
    finish() {
      flush();
      sink += top.checksum();
      if (Number.isNaN(sink)) throw new Error('floor kernels produced NaN');
      return {
        eventFloorMs: eventUs / 1000,
        stateFloorMs: stateUs / 1000,
        payloadFloorMs: payloadUs / 1000,
        payloadNoMapsFloorMs: payloadNoMapsUs / 1000,
        gammaFloorMs: gammaUs / 1000,
        gammaEvaluations: evaluations,
      };
    },
  };
}

/**
 * A new object literal of the event's shape (an MBP-10 event with its own level array, as each carries the whole
 * book), sharing its bigints, strings and level objects: a generous floor of making canonical events, since a
 * normalizer must also read the record, make the bigints and write the id.
 */
function copyEvent(e: MarketEvent): MarketEvent {
  if ('levels' in e) {
    const { event_id, ts_event_ns, ts_recv_ns, source, symbol, levels, is_snapshot, seq } = e;
    return { event_id, ts_event_ns, ts_recv_ns, source, symbol, levels: levels.slice(), is_snapshot, seq };
  }
  if ('opt_bid' in e) {
    return {
      event_id: e.event_id,
      ts_event_ns: e.ts_event_ns,
      ts_recv_ns: e.ts_recv_ns,
      source: e.source,
      underlying: e.underlying,
      underlying_contract: e.underlying_contract,
      option_symbol: e.option_symbol,
      exp_date: e.exp_date,
      expiration_ns: e.expiration_ns,
      strike: e.strike,
      right: e.right,
      price: e.price,
      size: e.size,
      opt_bid: e.opt_bid,
      opt_ask: e.opt_ask,
      aggressor: e.aggressor,
      conditions: e.conditions,
      seq: e.seq,
    };
  }
  if ('option_symbol' in e) {
    return {
      event_id: e.event_id,
      ts_event_ns: e.ts_event_ns,
      ts_recv_ns: e.ts_recv_ns,
      source: e.source,
      underlying: e.underlying,
      underlying_contract: e.underlying_contract,
      option_symbol: e.option_symbol,
      exp_date: e.exp_date,
      expiration_ns: e.expiration_ns,
      strike: e.strike,
      right: e.right,
      bid_px: e.bid_px,
      ask_px: e.ask_px,
      bid_sz: e.bid_sz,
      ask_sz: e.ask_sz,
      seq: e.seq,
    };
  }
  return {
    event_id: e.event_id,
    ts_event_ns: e.ts_event_ns,
    ts_recv_ns: e.ts_recv_ns,
    source: e.source,
    symbol: e.symbol,
    price: e.price,
    size: e.size,
    aggressor: e.aggressor,
    exchange: e.exchange,
    conditions: e.conditions,
    seq: e.seq,
  };
}

/**
 * The least per-event work of a market state: dispatch on the event type, reject an out-of-order time, keep the
 * top of book, the last trade and per-contract option volume in typed arrays. MarketState also keeps all ten
 * levels, the depth history, the trade windows, OFI and the option flow the engines read.
 */
class TopOfBookFloor {
  #last = 0n;
  #top = new Float64Array(4);
  #trade = new Float64Array(2);
  #optionVolume = new Float64Array(4096);
  #rejected = 0;

  apply(e: MarketEvent): void {
    if (e.ts_event_ns < this.#last) {
      this.#rejected++;
      return;
    }
    this.#last = e.ts_event_ns;
    if ('levels' in e) {
      const best = e.levels[0];
      if (best === undefined) return;
      this.#top[0] = best.bid_px;
      this.#top[1] = best.bid_sz;
      this.#top[2] = best.ask_px;
      this.#top[3] = best.ask_sz;
    } else if ('option_symbol' in e) {
      const slot = (e.strike * 2 + (e.right === 'C' ? 1 : 0)) & 4095;
      if ('opt_bid' in e) this.#optionVolume[slot] = (this.#optionVolume[slot] as number) + e.size;
    } else {
      this.#trade[0] = e.price;
      this.#trade[1] = e.size;
    }
  }

  checksum(): number {
    return (this.#top[0] as number) + (this.#trade[1] as number) + this.#rejected;
  }
}

interface GammaMapValues {
  keys: string[];
  values: number[];
}

function gammaMapValues(map: Readonly<Record<string, number>>): GammaMapValues {
  const keys = Object.keys(map);
  return { keys, values: keys.map((k) => map[k] as number) };
}

/**
 * `p` re-built with object literals of its shape; `maps` holds each level's `gamma_by_strike` entries (`null`:
 * leave every map empty).
 */
function rebuildPayload(p: LevelsSignalsPayload, maps: readonly GammaMapValues[] | null): LevelsSignalsPayload {
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
    levels: p.levels.map((l, i) => {
      // Key by key: V8 makes a ~30-key object a dictionary this way; a copy of a fast-mode template of the same
      // keys measured no faster (its copy and keyed stores are megamorphic across the day's key runs), D-031.
      const byStrike: Record<string, number> = {};
      if (maps !== null) {
        const { keys, values } = maps[i] as GammaMapValues;
        for (let k = 0; k < keys.length; k++) byStrike[keys[k] as string] = values[k] as number;
      }
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
const floors = spawnPhase('floors', ['--conditions=@spymaster/source']);
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
const engineMs = engines.serviceCpuMs ?? 0;
console.log(
  `\nengines + snaps alone (timed inside the run): ${(engineMs / 1000).toFixed(2)} s CPU = ${(engineMs / decode.cpuMs).toFixed(2)} × the cursor decode (target ≤ 1.5), ${((engines.serviceWallMs ?? 0) / 1000).toFixed(2)} s wall, ${((engineMs * 1000) / Math.max(1, engines.payloads)).toFixed(0)} µs CPU per snap incl. per-event work (the difference of the last two stages: ${((engines.cpuMs - normalize.cpuMs) / 1000).toFixed(2)} s); end to end ${fmt((engines.events / engines.cpuMs) * 1000)} events/s (target ≥ 1,000,000)`,
);
const payloadFloor = floors.payloadFloorMs ?? 0;
const payloadNoMapsFloor = floors.payloadNoMapsFloorMs ?? 0;
const gammaFloor = floors.gammaFloorMs ?? 0;
const eventFloor = floors.eventFloorMs ?? 0;
const stateFloor = floors.stateFloorMs ?? 0;
const budget = 1.5 * decode.cpuMs;
const perSnap = (ms: number) => ((ms * 1000) / Math.max(1, floors.payloads)).toFixed(1);
console.log('\nfloors of the contract on the same snaps (what any implementation spends; no other engine work):');
console.log('\n| floor | CPU s | µs per snap | × cursor decode |');
console.log('|---|---:|---:|---:|');
for (const [name, ms] of [
  ['A. payload objects as specified (object literals, gamma_by_strike key by key)', payloadFloor],
  ['B. payload objects with every gamma_by_strike empty (not the contract)', payloadNoMapsFloor],
  [
    `C. Black-76 Γ of every contract at 3 prices per snap (${fmt(floors.gammaEvaluations ?? 0)} Γ, one exp each)`,
    gammaFloor,
  ],
  ['D. per-event state: type, time order, top of book, last trade, option volume', stateFloor],
  ['A + C + D', payloadFloor + gammaFloor + stateFloor],
  ['B + C + D', payloadNoMapsFloor + gammaFloor + stateFloor],
] as const) {
  console.log(`| ${name} | ${(ms / 1000).toFixed(2)} | ${perSnap(ms)} | ${(ms / decode.cpuMs).toFixed(2)} |`);
}
console.log(
  `\nthe engines' budget, 1.5 × the cursor decode, is ${(budget / 1000).toFixed(2)} s = ${perSnap(budget)} µs per snap, each snap with ${(engines.events / Math.max(1, engines.payloads)).toFixed(0)} events; after A + C + D it leaves ${perSnap(budget - payloadFloor - gammaFloor - stateFloor)} µs, after B + C + D ${perSnap(budget - payloadNoMapsFloor - gammaFloor - stateFloor)} µs per snap for the rest of MarketState, every other engine, σ, the es.hvl search and the service`,
);
const pathFloor = decode.cpuMs + eventFloor + payloadFloor + gammaFloor + stateFloor;
console.log(
  `the whole path cannot beat decode ${(decode.cpuMs / 1000).toFixed(2)} s + canonical event copies ${(eventFloor / 1000).toFixed(2)} s + A + C + D = ${(pathFloor / 1000).toFixed(2)} s, a ceiling of ${fmt((engines.events / pathFloor) * 1000)} events/s before any engine math (target ≥ 1,000,000)`,
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
