// Dealer gamma of the simulated 0DTE book, as the FuelEngine sees it (engines.md §4.4–4.6), every minute of RTH
// over consecutive days: how often the gamma flip (es.hvl) exists within spot ± 75 pt, and the distribution of
// net dealer gamma within ± 75 pt of spot (what a monitored level sees) against FUEL_GAMMA_THRESH.
// Greeks use the simulator's own smile (close to the IV the engines solve from the prints).
// Run: npx tsx --conditions=@spymaster/source packages/sim/bench/dealer-gamma.bench.ts [--start 2025-12-15]
//      [--days 4] [--seed 1] [--scale small]      (PROFILE=1 also prints net contracts by strike and G(x) hourly)
import { parseArgs } from 'node:util';
import type { Mbp1Msg, TradeMsg } from '@spymaster/replay';
import { DEFAULT_CONFIG } from '@spymaster/schemas';
import { etToNs } from '@spymaster/schemas/time';
import { sessionContracts, sessionWindow } from '../src/contracts.js';
import { simulateFuturesDay } from '../src/futures/index.js';
import {
  black76Gamma,
  listOptionChain,
  OPTION_RISK_FREE_RATE,
  simulateOptionsDay,
  smileVol,
  yearsToExpiry,
} from '../src/options/index.js';
import { Rng } from '../src/rng.js';
import { initialCarry, isWeekend } from '../src/session.js';
import type { MarketCarry, OptionInstrument, Scale } from '../src/types.js';

const { values } = parseArgs({
  options: {
    start: { type: 'string', default: '2025-12-15' },
    days: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: 'small' },
  },
});
const scale = (values.scale === 'full' ? 'full' : 'small') as Scale;
const THRESH = DEFAULT_CONFIG.FUEL_GAMMA_THRESH;
const RANGE = DEFAULT_CONFIG.FUEL_STRIKE_RANGE;

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return (s[lo] as number) + ((s[Math.ceil(pos)] as number) - (s[lo] as number)) * (pos - lo);
};

const all = { minutes: 0, hvl: 0, amplify: 0, dampen: 0, abs: [] as number[] };
let carry: MarketCarry | undefined;
let date = values.start;
const started = performance.now();
for (let n = 0; n < Number(values.days); date = nextDate(date)) {
  if (isWeekend(date)) continue;
  n++;
  const dayCarry = carry ?? initialCarry(date, values.seed);
  const rng = new Rng(`${values.seed}/${date}`);
  const window = sessionWindow(date);
  const contracts = sessionContracts(date, dayCarry.price);
  const chain = listOptionChain(date, dayCarry.price, contracts, rng.fork('chain'), scale);
  const futures = simulateFuturesDay(
    { window, scale, rng: rng.fork('futures'), front: contracts.front, other: contracts.other, carry: dayCarry },
    () => {},
  );
  carry = futures.carry;
  const atm = Math.max(0.08, Math.min(0.6, dayCarry.vol));
  const basisOf = (u: string) => (u === contracts.other.symbol ? contracts.other.basis : 0);
  const trades: TradeMsg[] = [];
  const result = simulateOptionsDay(
    { window, scale, rng: rng.fork('options'), chain, path: futures.path, basisOf, atmVol: () => atm },
    (r: Mbp1Msg | TradeMsg) => {
      if (r.record_type === 'TradeMsg') trades.push(r);
    },
  );
  const byId = new Map(chain.map((o) => [o.instrumentId, o]));
  const net = new Map<OptionInstrument, number>();
  let next = 0;
  const day = { minutes: 0, hvl: 0, amplify: 0, dampen: 0, abs: [] as number[], volume: 0 };
  for (let t = window.rthStartNs; t < window.rthEndNs; t += 60_000_000_000n) {
    for (; next < trades.length && (trades[next] as TradeMsg).ts_event <= t; next++) {
      const r = trades[next] as TradeMsg;
      const o = byId.get(r.instrument_id) as OptionInstrument;
      if (o.expDate !== date) continue;
      net.set(o, (net.get(o) ?? 0) + (r.side === 'B' ? r.size : -r.size));
      day.volume += r.size;
    }
    const spot = futures.path.mids[Number((t - window.startNs) / 1_000_000_000n)] as number;
    const book = [...net].filter(([o, n]) => n !== 0 && o.expirationNs > t);
    const G = (x: number): number => {
      let g = 0;
      for (const [o, n] of book) {
        const F = x + basisOf(o.underlying);
        const T = yearsToExpiry(o.expirationNs, t);
        const s = smileVol(F, o.strike, T, { atmVol: atm, ...result.smile });
        g -= n * black76Gamma(F, o.strike, T, s, OPTION_RISK_FREE_RATE) * 50;
      }
      return g;
    };
    let near = 0;
    for (const [o, n] of book) {
      const F = spot + basisOf(o.underlying);
      if (Math.abs(o.strike - basisOf(o.underlying) - spot) > RANGE) continue;
      const T = yearsToExpiry(o.expirationNs, t);
      const s = smileVol(F, o.strike, T, { atmVol: atm, ...result.smile });
      near -= n * black76Gamma(F, o.strike, T, s, OPTION_RISK_FREE_RATE) * 50;
    }
    let prev = G(spot - RANGE);
    let flip = false;
    for (let k = -RANGE + 1; k <= RANGE && !flip; k += 1) {
      const g = G(spot + k);
      if ((prev < 0 && g > 0) || (prev > 0 && g < 0)) flip = true;
      if (g !== 0) prev = g;
    }
    if (process.env.PROFILE && day.minutes % 60 === 30) {
      const strikes = new Map<number, number>();
      for (const [o, n] of book)
        strikes.set(o.strike - basisOf(o.underlying), (strikes.get(o.strike - basisOf(o.underlying)) ?? 0) + n);
      console.log(
        `  t+${day.minutes}m spot ${spot}: net by strike-spot`,
        [...strikes]
          .sort((a, b) => a[0] - b[0])
          .filter(([k]) => Math.abs(k - spot) <= 120)
          .map(([k, n]) => `${(k - spot).toFixed(0)}:${n}`)
          .join(' '),
      );
      console.log(
        '   G',
        [-75, -50, -25, -10, 0, 10, 25, 50, 75].map((k) => `${k}:${G(spot + k).toFixed(0)}`).join(' '),
      );
    }
    day.minutes++;
    if (flip) day.hvl++;
    if (near < -THRESH) day.amplify++;
    if (near > THRESH) day.dampen++;
    day.abs.push(Math.abs(near));
  }
  console.log(
    `${date} bias ${result.customerBias.toFixed(2)} skew ${result.customerSkew.toFixed(2)}: 0DTE volume ${day.volume} by 13:30; ` +
      `RTH minutes with a flip in spot ± ${RANGE}: ${day.hvl}/${day.minutes}; ` +
      `|dealer gamma| in spot ± ${RANGE}: median ${quantile(day.abs, 0.5).toFixed(0)}, p90 ${quantile(day.abs, 0.9).toFixed(0)}; ` +
      `< −${THRESH}: ${day.amplify}, > +${THRESH}: ${day.dampen}`,
  );
  all.minutes += day.minutes;
  all.hvl += day.hvl;
  all.amplify += day.amplify;
  all.dampen += day.dampen;
  all.abs.push(...day.abs);
}
console.log(
  `all: flip ${all.hvl}/${all.minutes} minutes; |dealer gamma| median ${quantile(all.abs, 0.5).toFixed(0)}, ` +
    `p90 ${quantile(all.abs, 0.9).toFixed(0)}; AMPLIFY-side ${all.amplify}, DAMPEN-side ${all.dampen} minutes ` +
    `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
);

function nextDate(d: string): string {
  const t = etToNs(d, '12:00') + 86_400_000_000_000n;
  return new Date(Number(t / 1_000_000n)).toISOString().slice(0, 10);
}
