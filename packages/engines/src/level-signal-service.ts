/**
 * LevelSignalService (engines.md §9): the event-time snap clock, the level set and all per-level state; on every
 * emitted 250 ms grid point it runs the engines for every available level and builds the `levels.signals` payload
 * in the key order of the payload tables ([D31]).
 *
 * @example
 * ```ts
 * const service = new LevelSignalService();
 * const payloads = [...service.ingest(trade), ...service.advanceTo(watermarkNs)];
 * ```
 *
 * @packageDocumentation
 */
import {
  type Config,
  compareEventIds,
  DEFAULT_CONFIG,
  type Direction,
  LEVEL_KIND_PRIORITY,
  LEVEL_KINDS,
  LEVELS_SIGNALS_SCHEMA,
  type LevelKind,
  type LevelSignalPayload,
  type LevelsSignalsPayload,
  type Role,
} from '@spymaster/schemas';
import { addDays, sessionWindows, tradeDate, tradeDateWindow } from '@spymaster/schemas/time';
import { BarrierEngine, createBarrierMetrics } from './barrier.js';
import { compareContractOrder, type FuelMetrics, fuelMetrics, GammaBookBuilder, type GammaContract } from './gamma.js';
import { GammaFlipTracker } from './gamma-flip.js';
import { emptyKinematics, KinematicsEngine } from './kinematics.js';
import { type MarketEvent, MarketState, type OptionContractState } from './market-state.js';
import { OFIEngine } from './ofi.js';
import { createCompositeScore, ScoreEngine } from './score.js';
import { SmootherSet } from './smoothing.js';
import { createTapeMetrics, TapeEngine } from './tape.js';

const NS_PER_MS = 1_000_000n;
/** Kind weights of the confluence pressure (§9.7). */
const CONFLUENCE_WEIGHT: Readonly<Record<LevelKind, number>> = {
  PM_HIGH: 1.0,
  PM_LOW: 1.0,
  OR_HIGH: 0.9,
  OR_LOW: 0.9,
  SMA_200: 0.8,
  SMA_400: 0.8,
};
/** Σ of the six kind weights (§9.7, [D24]). */
const CONFLUENCE_W_TOTAL = 5.4;
/** Sentinel: no timestamp. */
const NO_TS = -1n;

/** Why an event was rejected (§0.5, §9.1). */
export type LateEventReason = 'before_open_group' | 'not_after_watermark';

/** An event rejected by the snap clock (§9.1): not applied; the Core counts and drops it. */
export class LateEventError extends Error {
  static readonly brand = Symbol.for('@spymaster/engines/LateEventError');
  readonly reason: LateEventReason;
  readonly event_id: string;
  readonly ts_event_ns: bigint;
  /** The bound the event violated: the open group's timestamp or `appliedThrough`. */
  readonly bound_ns: bigint;
  constructor(reason: LateEventReason, event_id: string, ts_event_ns: bigint, bound_ns: bigint) {
    super(
      `event ${event_id} at ${ts_event_ns} ns rejected (${reason}, bound ${bound_ns} ns): input must be in canonical order; reorder late data upstream`,
    );
    this.name = 'LateEventError';
    this.reason = reason;
    this.event_id = event_id;
    this.ts_event_ns = ts_event_ns;
    this.bound_ns = bound_ns;
  }
  /** Brand check that works across duplicate installs. */
  static is(error: unknown): error is LateEventError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { constructor?: { brand?: unknown } }).constructor?.brand === LateEventError.brand
    );
  }
}

const IDLE = 0;
const ACTIVE = 1;
const EXITING = 2;

/** Touch-episode detector of one kind (levels-pipeline-lake.md D.4). */
class TouchDetector {
  state = IDLE;
  /** −1, +1, or 0 = unset (unarmed). */
  lastOutSign = 0;
  role: Role = 'RESISTANCE';
  anchored = false;
  exitTs = NO_TS;
  /** Anchored episodes already closed by a trade. */
  closedAnchored = 0;

  trade(ts: bigint, price: number, L: number, p: Config, dwellNs: bigint): void {
    const x = price - L;
    const monitored = Math.abs(x) <= p.MONITOR_BAND;
    const touching = Math.abs(x) <= p.TOUCH_BAND;
    if (this.state === EXITING && monitored) {
      if (ts - this.exitTs <= dwellNs) {
        this.state = ACTIVE;
        if (touching) this.anchored = true;
        return;
      }
      this.close();
    }
    if (this.state === ACTIVE) {
      if (touching) this.anchored = true;
      if (!monitored) {
        this.state = EXITING;
        this.exitTs = ts;
      }
    } else if (this.state === IDLE && monitored && this.lastOutSign !== 0) {
      this.state = ACTIVE;
      this.role = this.lastOutSign < 0 ? 'RESISTANCE' : 'SUPPORT';
      this.anchored = touching;
    }
    if (!monitored) this.lastOutSign = x < 0 ? -1 : 1;
  }

  close(): void {
    if (this.anchored) this.closedAnchored++;
    this.anchored = false;
    this.state = IDLE;
    this.exitTs = NO_TS;
  }

  /** The open episode's role at `t`, or null. */
  openRole(t: bigint, dwellNs: bigint): Role | null {
    if (this.state === ACTIVE) return this.role;
    if (this.state === EXITING && t - this.exitTs <= dwellNs) return this.role;
    return null;
  }

  priorTouches(t: bigint, dwellNs: bigint): number {
    const closedNow = this.state === EXITING && t - this.exitTs > dwellNs && this.anchored;
    return this.closedAnchored + (closedNow ? 1 : 0);
  }
}

/** Per-level state kept across snaps (§9 State). */
interface LevelState {
  role: Role | null;
  readonly smoothers: SmootherSet;
}

/** An available level: kind and price (pt). */
export interface AvailableLevel {
  readonly kind: LevelKind;
  readonly price: number;
}

/**
 * Caller-given levels: called with the trade date and the event time at every snap and every front-month RTH
 * trade (touch detection), it returns the levels to publish (each kind at most once; a non-finite price means
 * "not available"). It must be a pure function of its arguments for the outputs to stay deterministic and causal.
 */
export type LevelSource = (tradeDate: string, t: bigint) => readonly AvailableLevel[];

/** Options of {@link LevelSignalService}. */
export interface LevelSignalServiceOptions {
  /**
   * The levels to publish (default: MarketState's own, §9.3: PM/OR high/low once their windows close, SMA-200/400
   * once warm). Use {@link fixedLevels} for a static list, or compute them with `@spymaster/levels`.
   */
  readonly levels?: LevelSource;
}

/** Why a {@link LevelSource} result was refused. */
export class LevelSourceError extends Error {
  /** The kind given twice, or not one of the six level kinds. */
  readonly kind: string;
  constructor(kind: string, reason: string) {
    super(`level source: ${reason}`);
    this.name = 'LevelSourceError';
    this.kind = kind;
  }
}

/**
 * A {@link LevelSource} of fixed prices: one list for every trade date, or lists per trade date (`YYYY-MM-DD`;
 * dates without a list publish no levels).
 *
 * @example
 * ```ts
 * const service = new LevelSignalService(DEFAULT_CONFIG, {
 *   levels: fixedLevels([{ kind: 'PM_HIGH', price: 6010.25 }, { kind: 'PM_LOW', price: 5987.5 }]),
 * });
 * ```
 */
export function fixedLevels(
  levels: readonly AvailableLevel[] | Readonly<Record<string, readonly AvailableLevel[]>>,
): LevelSource {
  if (Array.isArray(levels)) {
    const list = checkedLevels(levels as readonly AvailableLevel[]);
    return () => list;
  }
  const byDate = new Map<string, readonly AvailableLevel[]>();
  for (const [date, list] of Object.entries(levels as Readonly<Record<string, readonly AvailableLevel[]>>))
    byDate.set(date, checkedLevels(list));
  return (date) => byDate.get(date) ?? [];
}

/** The finite-priced levels of a source, each kind once. @throws {LevelSourceError} */
function checkedLevels(levels: readonly AvailableLevel[]): AvailableLevel[] {
  const out: AvailableLevel[] = [];
  const seen = new Set<string>();
  for (const l of levels) {
    if (!(LEVEL_KINDS as readonly string[]).includes(l.kind))
      throw new LevelSourceError(
        String(l.kind),
        `unknown level kind ${JSON.stringify(l.kind)}; use one of ${LEVEL_KINDS.join(', ')}`,
      );
    if (seen.has(l.kind)) throw new LevelSourceError(l.kind, `level kind ${l.kind} given twice`);
    seen.add(l.kind);
    if (typeof l.price === 'number' && Number.isFinite(l.price)) out.push({ kind: l.kind, price: l.price });
  }
  return out;
}

/** Later than any int64 time. */
const NO_DUE = 2n ** 63n;

/** −0 → 0 (JSON writes both as `0`; the spec's outputs carry no sign of zero). */
function z(x: number): number {
  return x + 0;
}

/**
 * The LevelSignalService of engines.md §9. Sans-I/O and clock-free: feed canonical events with {@link ingest} and
 * watermarks with {@link advanceTo}; both return the payloads of the grid points that became due, in time order.
 */
export class LevelSignalService {
  /** The parameters in use. */
  readonly params: Config;
  readonly #ms: MarketState;
  readonly #barrier: BarrierEngine;
  readonly #tape: TapeEngine;
  readonly #kin: KinematicsEngine;
  readonly #ofi: OFIEngine;
  readonly #score: ScoreEngine;
  readonly #snapNs: bigint;
  readonly #dwellNs: bigint;
  #group: MarketEvent[] = [];
  #groupTs = NO_TS;
  /** `appliedThrough + 1` (exclusive bound, so an event needs no bigint arithmetic), or NO_TS before any. */
  #appliedBelow = NO_TS;
  #nextSnap = NO_TS;
  #levelState = new Map<LevelKind, LevelState>();
  #detectors = new Map<LevelKind, TouchDetector>();
  #detectorDate: string | null = null;
  #snapDate: string | null = null;
  /** The trade date of the last lookup and its `[start, end)`: tradeDate() only when time leaves it. */
  #dateOf = { date: '', start: 0n, end: 0n };
  /** RTH `[start, end)` per trade date (the last few dates looked up). */
  readonly #rthOf = new Map<string, { start: bigint; end: bigint }>();

  /** The {@link GammaContract}s of the last snap, per inventory index, and the inventory they belong to. */
  #gc: GammaContract[] = [];
  #gcInventory: readonly OptionContractState[] | null = null;
  readonly #books = new GammaBookBuilder();
  /** The service's own level list ({@link #levels}) and the six prices it was built from. */
  #levelList: readonly AvailableLevel[] | null = null;
  readonly #levelValues: (number | null)[] = [null, null, null, null, null, null];
  /** es.hvl across snaps: bit-identical to gammaFlip, reusing the certified intervals of earlier snaps (D-033). */
  readonly #hvl = new GammaFlipTracker();
  // Per-level engine results, overwritten level by level: the payload copies what it keeps.
  readonly #barrierOut = createBarrierMetrics();
  readonly #tapeOut = createTapeMetrics();
  readonly #kinOut = emptyKinematics();
  readonly #scoreOut = createCompositeScore();
  readonly #levelSource: LevelSource | null;
  #sigmaCache: {
    revision: number;
    inventory: readonly OptionContractState[];
    basis: number | null;
    front: string | null;
    rthStart: bigint;
    validUntil: bigint;
    sigmas: number[];
  } | null = null;

  /**
   * @param params the full configuration (default {@link DEFAULT_CONFIG}).
   * @param options caller-given levels (default: the service's own, §9.3).
   */
  constructor(params: Config = DEFAULT_CONFIG, options: LevelSignalServiceOptions = {}) {
    this.params = params;
    this.#levelSource = options.levels ?? null;
    this.#ms = new MarketState(params);
    this.#barrier = new BarrierEngine(params);
    this.#tape = new TapeEngine(params);
    this.#kin = new KinematicsEngine(params);
    this.#ofi = new OFIEngine(params);
    this.#score = new ScoreEngine(params);
    this.#snapNs = BigInt(params.SNAP_INTERVAL_MS) * NS_PER_MS;
    this.#dwellNs = BigInt(Math.round(params.EXIT_DWELL_SECONDS * 1e9));
  }

  /** The underlying MarketState (read-only use). */
  get marketState(): MarketState {
    return this.#ms;
  }

  /**
   * §9.1 `ingest(e)`: buffer `e` in the open same-timestamp group; a later timestamp closes the group, applies it
   * in canonical order and emits every due grid point before `e.ts`.
   * @throws {LateEventError} if `e.ts ≤ appliedThrough` or `e.ts <` the open group's timestamp (not applied).
   */
  ingest(event: MarketEvent): LevelsSignalsPayload[] {
    const ts = event.ts_event_ns;
    const groupTs = this.#groupTs;
    // With a group open, appliedBelow ≤ its timestamp (ingest sets both; advanceTo applies the group or stays below
    // it), so `ts ≥ groupTs` passes the watermark check too: one or two bigint comparisons per event.
    if (groupTs !== NO_TS) {
      if (ts <= groupTs) {
        if (ts !== groupTs) throw new LateEventError('before_open_group', event.event_id, ts, groupTs);
        const group = this.#group;
        const id = event.event_id;
        for (let i = 0; i < group.length; i++) if (sameId((group[i] as MarketEvent).event_id, id)) return [];
        group.push(event);
        return [];
      }
    } else if (this.#appliedBelow !== NO_TS && ts < this.#appliedBelow) {
      throw new LateEventError('not_after_watermark', event.event_id, ts, this.#appliedBelow - 1n);
    }
    if (this.#nextSnap === NO_TS) this.#nextSnap = ceilTo(ts, this.#snapNs);
    this.#applyGroup();
    this.#appliedBelow = ts;
    const out = this.#emitBelow(ts);
    this.#group.push(event);
    this.#groupTs = ts;
    return out;
  }

  /** §9.1 `advanceTo(w)`: no event with `ts ≤ w` will arrive any more; emits every due grid point `≤ w`. */
  advanceTo(watermarkNs: bigint): LevelsSignalsPayload[] {
    if (this.#groupTs !== NO_TS && this.#groupTs <= watermarkNs) this.#applyGroup();
    // NO_TS stands for "applied through −1" (as the bound of the original `appliedThrough`).
    let below = this.#appliedBelow === NO_TS ? 0n : this.#appliedBelow;
    if (watermarkNs >= below) {
      below = watermarkNs + 1n;
      this.#appliedBelow = below;
    }
    return this.#emitBelow(below);
  }

  #applyGroup(): void {
    if (this.#groupTs === NO_TS) return;
    const group = this.#group;
    if (group.length === 1) this.#applyEvent(group[0] as MarketEvent);
    else {
      // Insertion sort by id: groups are small and usually arrive in canonical order (n − 1 comparisons).
      for (let i = 1; i < group.length; i++) {
        const e = group[i] as MarketEvent;
        let j = i;
        while (j > 0 && compareEventIds((group[j - 1] as MarketEvent).event_id, e.event_id) > 0) {
          group[j] = group[j - 1] as MarketEvent;
          j--;
        }
        group[j] = e;
      }
      for (const e of group) this.#applyEvent(e);
    }
    group.length = 0;
    this.#groupTs = NO_TS;
  }

  #tradeDate(ts: bigint): string {
    const d = this.#dateOf;
    if (ts >= d.start && ts < d.end && d.date !== '') return d.date;
    const date = tradeDate(ts);
    const w = tradeDateWindow(date);
    this.#dateOf = { date, start: w.start, end: w.end };
    return date;
  }

  #rth(date: string): { start: bigint; end: bigint } {
    let rth = this.#rthOf.get(date);
    if (rth === undefined) {
      if (this.#rthOf.size >= 8) this.#rthOf.clear();
      rth = sessionWindows(date, this.params).rth;
      this.#rthOf.set(date, rth);
    }
    return rth;
  }

  /**
   * {@link contractSigmas}, kept while its inputs hold: the inventory (MarketState's option revision), the basis,
   * the front month and RTH start, and the time: an IV solved before RTH stays fresh only until
   * `ivTs + IV_MAX_AGE`, the earliest of which bounds the cached result.
   */
  #sigmas(
    inventory: readonly OptionContractState[],
    t: bigint,
    rthStart: bigint,
    front: string | null,
    basis: number | null,
  ): number[] {
    const c = this.#sigmaCache;
    const revision = this.#ms.optionRevision;
    if (
      c !== null &&
      c.revision === revision &&
      c.inventory === inventory &&
      Object.is(c.basis, basis) &&
      c.front === front &&
      c.rthStart === rthStart &&
      t <= c.validUntil
    )
      return c.sigmas;
    const p = this.params;
    const sigmas = contractSigmas(inventory, t, rthStart, front, basis, p);
    let validUntil = NO_DUE;
    if (p.FUEL_IV_MODE === 'implied') {
      const maxAgeNs = BigInt(Math.round(p.IV_MAX_AGE * 60)) * 1_000_000_000n;
      for (const x of inventory) {
        if (x.iv === null || x.ivTs === null || x.ivTs >= rthStart) continue;
        const until = x.ivTs + maxAgeNs;
        if (t <= until && until < validUntil) validUntil = until;
      }
    }
    this.#sigmaCache = { revision, inventory, basis, front, rthStart, validUntil, sigmas };
    return sigmas;
  }

  /**
   * The inventory as {@link GammaContract}s at `t`: Σ signed and Σ sizes of each contract's option trades in
   * `(t − W_g, t]` (MarketState's running sums), σ from {@link #sigmas}. A contract's
   * object is kept from the previous snap while none of its fields changed (most snaps change a few contracts).
   */
  #gammaContracts(inventory: readonly OptionContractState[], sigmas: readonly number[], t: bigint): GammaContract[] {
    const n = inventory.length;
    // Exact running sums of the W_g window (integer sizes), indexed like the inventory.
    const { signed: rs, size: rv } = this.#ms.optionFlowSums(t, this.params.W_g);
    if (this.#gcInventory !== inventory) {
      this.#gcInventory = inventory;
      this.#gc = [];
    }
    const gc = this.#gc;
    const fallback = this.params.SIGMA_DEFAULT;
    for (let i = 0; i < n; i++) {
      const c = inventory[i] as OptionContractState;
      const sigma = sigmas[i] ?? fallback;
      const recentSigned = rs[i] as number;
      const recentVolume = rv[i] as number;
      const old = gc[i];
      if (
        old !== undefined &&
        old.N === c.N &&
        old.sigma === sigma &&
        old.recentSigned === recentSigned &&
        old.recentVolume === recentVolume
      )
        continue;
      gc[i] = {
        option_symbol: c.option_symbol,
        underlying_contract: c.underlying_contract,
        strike: c.strike,
        right: c.right,
        expiration_ns: c.expiration_ns,
        N: c.N,
        recentSigned,
        recentVolume,
        sigma,
      };
    }
    gc.length = n;
    return gc;
  }

  #applyEvent(e: MarketEvent): void {
    this.#ms.apply(e);
    if (!('levels' in e) && !('option_symbol' in e)) this.#touchTrade(e.ts_event_ns, e.symbol, e.price);
  }

  #touchTrade(ts: bigint, symbol: string, price: number): void {
    const ms = this.#ms;
    if (symbol !== ms.frontMonth) return;
    const date = this.#tradeDate(ts);
    if (date !== this.#detectorDate) {
      this.#detectors.clear();
      this.#detectorDate = date;
    }
    const rth = this.#rth(date);
    if (ts < rth.start || ts >= rth.end) return;
    for (const { kind, price: L } of this.#levels(date, ts)) {
      let d = this.#detectors.get(kind);
      if (d === undefined) {
        d = new TouchDetector();
        this.#detectors.set(kind, d);
      }
      d.trade(ts, price, L, this.params, this.#dwellNs);
    }
  }

  #levels(date: string, t: bigint): readonly AvailableLevel[] {
    if (this.#levelSource !== null) return checkedLevels(this.#levelSource(date, t));
    const ms = this.#ms;
    const v = this.#levelValues;
    const prices = [
      ms.pmHigh(),
      ms.pmLow(),
      ms.orHigh(),
      ms.orLow(),
      ms.sma(this.params.SMA_FAST_PERIOD),
      ms.sma(this.params.SMA_SLOW_PERIOD),
    ] as const;
    // Asked at every front-month RTH trade and snap, but the six prices change rarely: keep the last list.
    let same = this.#levelList !== null;
    for (let i = 0; i < 6 && same; i++) same = Object.is(prices[i], v[i]);
    if (same) return this.#levelList as readonly AvailableLevel[];
    const out: AvailableLevel[] = [];
    for (let i = 0; i < 6; i++) {
      const price = prices[i] as number | null;
      v[i] = price;
      if (price !== null && Number.isFinite(price)) out.push({ kind: LEVEL_KINDS[i] as LevelKind, price });
    }
    this.#levelList = out;
    return out;
  }

  /** Emit every due grid point `< bound` (the applied events are those before `bound`). */
  #emitBelow(bound: bigint): LevelsSignalsPayload[] {
    const out: LevelsSignalsPayload[] = [];
    if (this.#nextSnap === NO_TS) return out;
    const emitFrom = this.params.EMIT_FROM_NS ?? null;
    while (this.#nextSnap < bound) {
      const t = this.#nextSnap;
      const date = this.#tradeDate(t);
      const rth = this.#rth(date);
      let next: bigint;
      if (t < rth.start) next = ceilTo(rth.start, this.#snapNs);
      else if (t >= rth.end) next = ceilTo(this.#rth(addDays(date, 1)).start, this.#snapNs);
      else if (emitFrom !== null && t < emitFrom) next = ceilTo(emitFrom, this.#snapNs);
      else {
        out.push(this.#snap(t, date));
        next = t + this.#snapNs;
      }
      this.#nextSnap = next > t ? next : t + this.#snapNs;
    }
    return out;
  }

  #snap(t: bigint, date: string): LevelsSignalsPayload {
    const ms = this.#ms;
    const p = this.params;
    ms.advanceClock(t);
    if (date !== this.#snapDate) {
      this.#snapDate = date;
      this.#levelState.clear();
      this.#score.reset();
      if (this.#detectorDate !== date) {
        this.#detectors.clear();
        this.#detectorDate = date;
      }
    }
    const spot = ms.spot();
    const bid = ms.bestBid();
    const ask = ms.bestAsk();
    const basis = ms.basis(t);
    const front = ms.frontMonth;
    const [l1From, l1To] = ms.l1Range();
    const [flowFrom, flowTo] = ms.flowRange();
    const flow = ms.flowView();
    // The window sums give the ring scans' values in O(1) per window (null only for non-integer sizes).
    const sums = ms.windowSums();
    const ofi =
      sums !== null
        ? this.#ofi.evaluateSums(sums)
        : this.#ofi.evaluate(ms.l1OfiView(), l1From, l1To, flow, flowFrom, flowTo, t);
    const inventory = ms.optionContracts();
    const sigmas = this.#sigmas(inventory, t, this.#rth(date).start, front, basis);
    const contracts = this.#gammaContracts(inventory, sigmas, t);
    const book = this.#books.build(contracts, { t_ns: t, spot, frontMonth: front ?? '', basis }, p);
    const hvl = this.#hvl.flip(book, p);
    const payload: LevelsSignalsPayload = {
      schema: LEVELS_SIGNALS_SCHEMA,
      ts: Number(t / NS_PER_MS),
      ts_ns: t.toString(),
      trade_date: date,
      es: {
        spot,
        bid: bid?.price ?? null,
        ask: ask?.price ?? null,
        mid: ms.mid(),
        basis,
        hvl,
        ofi: {
          ofi_30s: z(ofi.ofi_30s),
          ofi_60s: z(ofi.ofi_60s),
          ofi_120s: z(ofi.ofi_120s),
          ofi_300s: z(ofi.ofi_300s),
          ofi_integrated_30s: z(ofi.ofi_integrated_30s),
          ofi_integrated_60s: z(ofi.ofi_integrated_60s),
          ofi_integrated_120s: z(ofi.ofi_integrated_120s),
          ofi_integrated_300s: z(ofi.ofi_integrated_300s),
          ofi_acceleration: z(ofi.ofi_acceleration),
        },
      },
      options_basis_missing: book.optionsBasisMissing,
      levels: [],
    };
    if (spot === null) return payload;

    const levels = this.#levels(date, t);
    const bookView = ms.bookView();
    const [tFrom, tTo] = ms.tradeRange();
    const tradeView = ms.tradeView();
    // Market-wide, once per snap: the tape window (its W_v velocity and the price range of its W_t prints).
    const tapeWindow = this.#tape.window(tradeView, tFrom, tTo, t);
    const [mFrom, mTo] = ms.midRange();
    // Market-wide too: the kinematics samples of the mid history.
    const mids = this.#kin.sampleMids(ms.midView(), mFrom, mTo, t);
    const closes = ms.minuteCloses();
    const built: LevelSignalPayload[] = [];
    for (const { kind, price: L } of levels) {
      let st = this.#levelState.get(kind);
      if (st === undefined) {
        st = { role: null, smoothers: new SmootherSet(p) };
        this.#levelState.set(kind, st);
      }
      const openRole = this.#detectors.get(kind)?.openRole(t, this.#dwellNs) ?? null;
      let role: Role;
      if (openRole !== null) role = openRole;
      else if (spot > L) role = 'SUPPORT';
      else if (spot < L) role = 'RESISTANCE';
      else role = st.role ?? 'RESISTANCE';
      if (st.role !== null && st.role !== role) {
        st.smoothers.reset();
        this.#score.resetLevel(kind);
      }
      st.role = role;
      const direction: Direction = role === 'SUPPORT' ? 'DOWN' : 'UP';
      const distance = Math.abs(spot - L);
      const monitored = distance <= p.MONITOR_BAND;
      const touching = distance <= p.TOUCH_BAND;
      const b =
        sums !== null
          ? this.#barrier.evaluateSums(sums, bookView, L, direction, this.#barrierOut)
          : this.#barrier.evaluate(flow, flowFrom, flowTo, bookView, t, L, direction, this.#barrierOut);
      const tp = this.#tape.evaluateWindow(tradeView, tapeWindow, L, this.#tapeOut);
      const fuel = fuelMetrics(book, L, p);
      const kin = this.#kin.evaluateSamples(mids, L, direction === 'UP' ? 1 : -1, this.#kinOut);
      const near = sums !== null ? this.#ofi.nearLevelSums(sums, L) : this.#ofi.nearLevel(flow, flowFrom, flowTo, t, L);
      const sc = this.#score.evaluate(kind, { barrier: b, tape: tp, fuel, direction, distance, t }, this.#scoreOut);
      const sm = st.smoothers;
      const scoreSmooth = sm.break_score.update(sc.break_score_raw, t);
      const velSmooth = sm.velocity.update(tp.velocity, t);
      const dlSmooth = sm.delta_liq.update(b.delta_liq, t);
      const rrSmooth = sm.replenishment_ratio.update(b.replenishment_ratio, t);
      const ngSmooth = sm.net_dealer_gamma.update(fuel.net_dealer_gamma, t);
      const approach = approachContext(closes, direction);
      const runDir: Direction = sc.signal === 'BOUNCE' ? (direction === 'UP' ? 'DOWN' : 'UP') : direction;
      const runway = levelRunway(kind, L, runDir, levels, fuel);
      const conf = levelConfluence(kind, L, role, levels, p);
      built.push({
        id: kind,
        kind,
        price: L,
        role,
        direction,
        distance: z(distance),
        distance_signed: z(spot - L),
        monitored,
        touching,
        break_score_raw: z(sc.break_score_raw),
        break_score_smooth: z(scoreSmooth),
        components: {
          liquidity: z(sc.components.liquidity),
          hedge: z(sc.components.hedge),
          tape: z(sc.components.tape),
        },
        signal: sc.signal,
        confidence: sc.confidence,
        barrier: {
          state: b.state,
          delta_liq: z(b.delta_liq),
          delta_liq_smooth: z(dlSmooth),
          replenishment_ratio: z(b.replenishment_ratio),
          replenishment_ratio_smooth: z(rrSmooth),
          added: b.added,
          canceled: b.canceled,
          filled: b.filled,
          churn: b.churn,
          depth_in_zone: b.depth_in_zone,
          zone_visible: b.zone_visible,
          defending_quote: { price: b.defending_quote.price, size: b.defending_quote.size },
          wall_ratio: z(b.wall_ratio),
          confidence: z(b.confidence),
        },
        tape: {
          imbalance: z(tp.imbalance),
          buy_vol: tp.buy_vol,
          sell_vol: tp.sell_vol,
          velocity: z(tp.velocity),
          velocity_smooth: z(velSmooth),
          sweep: {
            detected: tp.sweep.detected,
            direction: tp.sweep.direction,
            notional: tp.sweep.notional,
            num_prints: tp.sweep.num_prints,
            window_ms: tp.sweep.window_ms,
          },
          confidence: z(tp.confidence),
        },
        fuel: {
          effect: fuel.effect,
          net_dealer_gamma: z(fuel.net_dealer_gamma),
          net_dealer_gamma_smooth: z(ngSmooth),
          gamma_flow: z(fuel.gamma_flow),
          call_wall: wallOf(fuel.call_wall),
          put_wall: wallOf(fuel.put_wall),
          gamma_by_strike: fuel.gamma_by_strike, // ascending placed strike, no negative zero (fuelMetrics)
          confidence: z(fuel.confidence),
        },
        kinematics: {
          position: kin.position,
          windows: {
            '1m': windowOf(kin.windows['1m']),
            '3m': windowOf(kin.windows['3m']),
            '5m': windowOf(kin.windows['5m']),
            '10m': windowOf(kin.windows['10m']),
            '20m': windowOf(kin.windows['20m']),
          },
        },
        ofi_near_level: {
          '30s': z(near['30s']),
          '60s': z(near['60s']),
          '120s': z(near['120s']),
          '300s': z(near['300s']),
        },
        approach_velocity: approach.velocity,
        approach_bars: approach.bars,
        approach_distance: approach.distance,
        prior_touches: this.#detectors.get(kind)?.priorTouches(t, this.#dwellNs) ?? 0,
        runway,
        confluence_count: conf.count,
        confluence_pressure: conf.pressure,
        confluence_alignment: conf.alignment,
        note: levelNote(b.state, fuel.effect, tp.sweep.detected, tp.sweep.direction, direction),
      });
    }
    built.sort((a, b) => a.distance - b.distance || LEVEL_KIND_PRIORITY[a.kind] - LEVEL_KIND_PRIORITY[b.kind]);
    payload.levels = built;
    return payload;
  }
}

/**
 * σ per inventory contract at snap `t` (§4.4, [D13]): `SIGMA_FIXED` in fixed mode; in implied mode the contract's
 * own IV if fresh (solved at or after `RTH_START` of the trade date, or at most `IV_MAX_AGE` old), else the fresh IV
 * of the included contract with the nearest placed strike (ties: lower placed strike, later solve, contract order),
 * else `SIGMA_DEFAULT`. Contracts on the expiring contract are placed at `K + basis` and excluded while the basis
 * is null.
 */
export function contractSigmas(
  contracts: readonly Pick<
    OptionContractState,
    'option_symbol' | 'underlying_contract' | 'strike' | 'right' | 'iv' | 'ivTs'
  >[],
  t: bigint,
  rthStart: bigint,
  frontMonth: string | null,
  basis: number | null,
  p: Pick<Config, 'FUEL_IV_MODE' | 'SIGMA_FIXED' | 'SIGMA_DEFAULT' | 'IV_MAX_AGE'>,
): number[] {
  const n = contracts.length;
  const out: number[] = new Array(n);
  if (p.FUEL_IV_MODE === 'fixed') return out.fill(p.SIGMA_FIXED);
  const maxAgeNs = BigInt(Math.round(p.IV_MAX_AGE * 60)) * 1_000_000_000n;
  // Placed strike per contract (excluded: on the expiring contract with the basis unknown), and the fresh ones.
  // Plain arrays: a typed-array allocation per call costs more than this whole function on a 100-contract book.
  const placed: number[] = new Array(n).fill(0);
  const excluded: boolean[] = new Array(n).fill(false);
  const fresh: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = contracts[i] as (typeof contracts)[number];
    const onFront = c.underlying_contract === frontMonth;
    if (!onFront && basis === null) {
      excluded[i] = true;
      continue;
    }
    placed[i] = onFront ? c.strike : c.strike + (basis as number);
    if (c.iv === null || c.ivTs === null) continue;
    if (c.ivTs >= rthStart || t - c.ivTs <= maxAgeNs) fresh.push(i);
  }
  // Candidates in ascending placed strike; within one placed strike the one the tie rules prefer comes first
  // (later solve, then contract order). The nearest placed strike to k is next to k's insertion point.
  fresh.sort((a, b) => {
    const d = (placed[a] as number) - (placed[b] as number);
    if (!Number.isNaN(d) && d !== 0) return d; // as `d || tie-break`: NaN and ±0 fall through
    const x = contracts[a] as (typeof contracts)[number];
    const y = contracts[b] as (typeof contracts)[number];
    const tx = x.ivTs as bigint;
    const ty = y.ivTs as bigint;
    if (tx !== ty) return tx > ty ? -1 : 1;
    return compareContractOrder(
      placed[a] as number,
      x.right,
      x.underlying_contract,
      x.option_symbol,
      placed[b] as number,
      y.right,
      y.underlying_contract,
      y.option_symbol,
    );
  });
  // The first entry of each placed strike (the preferred one there): its placed strike and IV.
  const headK: number[] = [];
  const headIv: number[] = [];
  for (let j = 0; j < fresh.length; j++) {
    const i = fresh[j] as number;
    if (j > 0 && placed[fresh[j - 1] as number] === placed[i]) continue;
    headK.push(placed[i] as number);
    headIv.push((contracts[i] as (typeof contracts)[number]).iv as number);
  }
  const isFresh: boolean[] = new Array(n).fill(false);
  for (const i of fresh) isFresh[i] = true;
  for (let i = 0; i < n; i++) {
    if (isFresh[i]) {
      out[i] = (contracts[i] as (typeof contracts)[number]).iv as number;
      continue;
    }
    const k = placed[i] as number;
    if (excluded[i] || headK.length === 0) {
      out[i] = p.SIGMA_DEFAULT;
      continue;
    }
    // First head with placed ≥ k; the nearest is it or the one before (ties: the lower placed strike).
    let lo = 0;
    let hi = headK.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if ((headK[m] as number) < k) lo = m + 1;
      else hi = m;
    }
    if (lo === headK.length) out[i] = headIv[lo - 1] as number;
    else if (lo === 0) out[i] = headIv[0] as number;
    else
      out[i] =
        Math.abs((headK[lo] as number) - k) < Math.abs((headK[lo - 1] as number) - k)
          ? (headIv[lo] as number)
          : (headIv[lo - 1] as number);
  }
  return out;
}

/**
 * `a === b` for event ids, compared from the end: ids of one same-timestamp group share their type, symbol and time
 * prefix and differ in `seq`/`dup_ordinal`, so a mismatch shows within a few characters.
 */
function sameId(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let k = a.length - 1; k >= 0; k--) if (a.charCodeAt(k) !== b.charCodeAt(k)) return false;
  return true;
}

function ceilTo(t: bigint, step: bigint): bigint {
  const r = ((t % step) + step) % step;
  return r === 0n ? t : t + (step - r);
}

function wallOf(w: FuelMetrics['call_wall']): { strike: number; net_gamma: number; strength: number } | null {
  return w === null ? null : { strike: w.strike, net_gamma: z(w.net_gamma), strength: z(w.strength) };
}

function windowOf(
  w: { velocity: number; acceleration: number; jerk: number } | null | undefined,
): { velocity: number; acceleration: number; jerk: number } | null {
  return w == null ? null : { velocity: z(w.velocity), acceleration: z(w.acceleration), jerk: z(w.jerk) };
}

/** §9.5 approach context from the minute closes (oldest first). */
export function approachContext(
  closes: readonly { readonly start: bigint; readonly close: number }[],
  direction: Direction,
): { velocity: number; bars: number; distance: number } {
  const first = closes[0];
  const last = closes[closes.length - 1];
  if (closes.length < 2 || first === undefined || last === undefined) return { velocity: 0, bars: 0, distance: 0 };
  const d = direction === 'UP' ? 1 : -1;
  const dMin = Number(last.start - first.start) / 60e9;
  const velocity = dMin > 0 ? z((d * (last.close - first.close)) / dMin) : 0;
  let bars = 0;
  for (let j = closes.length - 1; j >= 1; j--) {
    const c = closes[j]?.close ?? 0;
    const prev = closes[j - 1]?.close ?? 0;
    if (d * (c - prev) > 0) bars++;
    else break;
  }
  return { velocity, bars, distance: z(Math.abs(last.close - first.close)) };
}

/** §9.6 runway of level `kind` at `L` in direction `dir` among the available `levels` ([D23]). */
export function levelRunway(
  kind: LevelKind,
  L: number,
  dir: Direction,
  levels: readonly AvailableLevel[],
  fuel: Pick<FuelMetrics, 'call_wall' | 'put_wall'>,
): LevelSignalPayload['runway'] {
  let next: AvailableLevel | null = null;
  for (const o of levels) {
    if (o.kind === kind) continue;
    const beyond = dir === 'UP' ? o.price > L : o.price < L;
    if (!beyond) continue;
    if (
      next === null ||
      Math.abs(o.price - L) < Math.abs(next.price - L) ||
      (Math.abs(o.price - L) === Math.abs(next.price - L) &&
        LEVEL_KIND_PRIORITY[o.kind] < LEVEL_KIND_PRIORITY[next.kind])
    ) {
      next = o;
    }
  }
  const wall = dir === 'UP' ? fuel.call_wall : fuel.put_wall;
  let obstructed = false;
  if (wall !== null) {
    const k = wall.strike;
    const beyond = dir === 'UP' ? k > L : k < L;
    const before = next === null ? true : dir === 'UP' ? k < next.price : k > next.price;
    obstructed = beyond && before;
  }
  return {
    direction: dir,
    next_level_id: next?.kind ?? null,
    next_level_price: next?.price ?? null,
    distance: next === null ? null : z(Math.abs(next.price - L)),
    quality: obstructed ? 'OBSTRUCTED' : 'CLEAR',
  };
}

/** §9.7 confluence of level `kind` at `L` ([D24]). */
export function levelConfluence(
  kind: LevelKind,
  L: number,
  role: Role,
  levels: readonly AvailableLevel[],
  p: Pick<Config, 'CONFLUENCE_BAND' | 'CONFLUENCE_TREND_EPS'>,
): { count: number; pressure: number; alignment: -1 | 0 | 1 } {
  let count = 0;
  let sum = 0;
  let s200: number | null = null;
  let s400: number | null = null;
  for (const o of levels) {
    if (o.kind === 'SMA_200') s200 = o.price;
    if (o.kind === 'SMA_400') s400 = o.price;
    if (o.kind === kind) continue;
    const d = Math.abs(o.price - L);
    if (d <= p.CONFLUENCE_BAND) {
      count++;
      sum += CONFLUENCE_WEIGHT[o.kind] * (1 - d / p.CONFLUENCE_BAND);
    }
  }
  let alignment: -1 | 0 | 1 = 0;
  if (s200 !== null && s400 !== null) {
    const trend = s200 > s400 + p.CONFLUENCE_TREND_EPS ? 1 : s200 < s400 - p.CONFLUENCE_TREND_EPS ? -1 : 0;
    if (trend !== 0) alignment = (role === 'SUPPORT' ? trend : -trend) as -1 | 1;
  }
  return { count, pressure: z(sum / CONFLUENCE_W_TOTAL), alignment };
}

/** §9.8 note tokens. */
export function levelNote(
  barrier: string,
  effect: string,
  sweepDetected: boolean,
  sweepDirection: string,
  direction: Direction,
): string {
  const tokens: string[] = [];
  if (barrier === 'VACUUM') tokens.push('liquidity pulled');
  else if (barrier === 'WALL') tokens.push('wall defending');
  else if (barrier === 'CONSUMED') tokens.push('liquidity consumed');
  if (effect === 'AMPLIFY') tokens.push('dealers short gamma');
  else if (effect === 'DAMPEN') tokens.push('dealers long gamma');
  if (sweepDetected && sweepDirection !== 'NONE') {
    tokens.push(sweepDirection === direction ? 'sweep with break' : 'sweep against break');
  }
  return tokens.length === 0 ? 'monitoring' : tokens.join('; ');
}
