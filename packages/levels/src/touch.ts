/**
 * TouchEngine — levels-pipeline-lake.md D.4: per level kind, causal interaction episodes (price enters the
 * monitor band `MONITOR_BAND` around an armed level) and the first precise touch (`TOUCH_BAND`) inside each, with
 * the approach direction fixed at episode start, an exit dwell of `EXIT_DWELL_SECONDS`, the session end at
 * `RTH_END`, one row per anchored episode of a non-suppressed kind, attempt clustering (D.4-8) and
 * `prior_touches` (D.4-9, both the row value and the streaming view).
 *
 * Streaming and clock-driven like the level universe: feed front-month trades in canonical order with the levels
 * available at each trade ({@link TouchEngine.onTrade}); rows come out at their anchor trade, episodes once they
 * are closed (a causal fact: the dwell has elapsed, or the session ended). {@link detectTouches} is the batch form.
 *
 * @module
 */
import type { Direction, EpisodeEndReason } from '@spymaster/schemas';
import { sessionWindows, tradeDate, tradeDateWindow } from '@spymaster/schemas/time';
import {
  KIND_CODE,
  LEVELS_DEFAULTS,
  type LevelKind,
  type LevelsConfig,
  priceCents,
  secondsToNs,
  type TradeInput,
} from './config.js';
import { checkClock } from './errors.js';

/** A level as the touch detector reads it (a {@link LevelSnapshot} fits). */
export interface TouchLevel {
  /** Kind. */
  readonly level_kind_name: LevelKind;
  /** Level price at the trade, points. */
  readonly price: number;
  /** Suppressed static duplicate: tracked, but yields no rows (D.4-6). */
  readonly suppressed: boolean;
}

/** One touch row (D.5): one per anchored episode of a non-suppressed kind. Field names are the spec's. */
export interface TouchRow {
  /** `<YYYYMMDD>_<KIND>_<cents of L(t0)>_<t0>_<UP|DOWN>` (D.4-7); also the episode id. */
  readonly event_id: string;
  /** Anchor time `t0`, ns. */
  readonly ts_ns: bigint;
  /** Integer code of the kind. */
  readonly level_kind: number;
  /** Kind name. */
  readonly level_kind_name: LevelKind;
  /** `L(t0)`, points. */
  readonly level_price: number;
  /** UP (approach from below) or DOWN (from above): the break direction. */
  readonly direction: Direction;
  /** +1 for UP, −1 for DOWN. */
  readonly direction_sign: 1 | -1;
  /** Price of the episode's first (monitored) trade. */
  readonly entry_price: number;
  /** Anchor trade price. */
  readonly spot: number;
  /** `MONITOR_BAND`, points. */
  readonly zone_width: number;
  /** Session date `D`. */
  readonly date: string;
  /** Anchored episodes of the same kind in `D` whose anchor precedes `t0` (D.4-9). */
  readonly prior_touches: number;
  /** Cluster number within (`D`, kind, direction), from 1 (D.4-8). */
  readonly attempt_cluster_id: number;
  /** Row number within its cluster, from 1 (D.4-8). */
  readonly attempt_index: number;
}

/** One episode (D.5, internal record). */
export interface TouchEpisode {
  /** The row's `event_id` when anchored, else null. */
  readonly episode_id: string | null;
  /** Kind. */
  readonly level_kind_name: LevelKind;
  /** Session date `D`. */
  readonly date: string;
  /** Approach direction, fixed at start. */
  readonly direction: Direction;
  /** Time of the first monitored trade, ns. */
  readonly start_ts: bigint;
  /** Price of that trade. */
  readonly entry_price: number;
  /** Anchor time `t0`, or null when the episode never touched. */
  readonly touch_ts: bigint | null;
  /** `exit_ts` (EXIT) or `RTH_END` (SESSION_END); null while open. */
  readonly end_ts: bigint | null;
  /** Why it ended; null while open. */
  readonly end_reason: EpisodeEndReason | null;
  /** Entries into the touch band during the episode (a run of touching trades counts once). */
  readonly touch_count: number;
  /** The kind was a suppressed duplicate at the anchor (or at the start when never anchored): no row. */
  readonly suppressed: boolean;
}

const IDLE = 0;
const ACTIVE = 1;
const EXITING = 2;
const NO_TS = -(2n ** 63n);

interface OpenEpisode {
  readonly start_ts: bigint;
  readonly entry_price: number;
  readonly sign: 1 | -1;
  touch_ts: bigint | null;
  id: string | null;
  touch_count: number;
  lastTouching: boolean;
  suppressed: boolean;
}

class KindState {
  state = IDLE;
  lastOutSign = 0;
  exitTs = NO_TS;
  episode: OpenEpisode | null = null;
  closedAnchored = 0;
  anchored = 0;
}

interface ClusterState {
  t0: bigint;
  price: number;
  cluster: number;
  index: number;
}

/** Slack of the attempt-clustering price comparison: `|ΔL| > 0.10` is decided on the real numbers (D-405). */
const PRICE_EPS = 1e-9;

/**
 * The streaming touch detector of D.4, all six kinds, one session at a time (any number of trade dates in a row).
 *
 * @example
 * ```ts
 * const touches = new TouchEngine();
 * for (const trade of trades) {
 *   universe.onTrade(trade);
 *   const rows = touches.onTrade(trade, universe.levelsAt(trade.ts_event_ns));
 * }
 * touches.finish(); // closes the last session
 * const episodes = touches.takeClosed();
 * ```
 */
export class TouchEngine {
  /** The parameters in use. */
  readonly config: LevelsConfig;
  readonly #dwellNs: bigint;
  readonly #clusterNs: bigint;
  #clock = NO_TS;
  #date: string | null = null;
  #dateStart = 0n;
  #dateEnd = 0n;
  #rthStart = 0n;
  #rthEnd = 0n;
  #ended = false;
  #compactDate = '';
  #kinds = new Map<LevelKind, KindState>();
  #clusters = new Map<string, ClusterState>();
  #closed: TouchEpisode[] = [];

  constructor(config: LevelsConfig = LEVELS_DEFAULTS) {
    this.config = config;
    this.#dwellNs = secondsToNs(config.EXIT_DWELL_SECONDS);
    this.#clusterNs = secondsToNs(config.TOUCH_CLUSTER_TIME_MINUTES * 60);
  }

  /** The clock, ns. */
  get clock(): bigint {
    return this.#clock;
  }

  /**
   * Move the clock to `t`: closes episodes whose dwell has elapsed (EXIT at `exit_ts`), ends the session at
   * `RTH_END` (every other open episode: SESSION_END) and starts a new session on a new trade date.
   *
   * @throws {LevelsError} `clock_regression` when `t` is before the clock.
   */
  advanceTo(t: bigint): void {
    checkClock('TouchEngine', t, this.#clock);
    this.#clock = t;
    if (this.#date !== null && !this.#ended) {
      const ref = t < this.#rthEnd ? t : this.#rthEnd;
      for (const [kind, k] of this.#kinds) {
        if (k.state === EXITING && ref - k.exitTs > this.#dwellNs) this.#close(kind, k, k.exitTs, 'EXIT');
      }
      if (t >= this.#rthEnd) {
        for (const [kind, k] of this.#kinds) if (k.state !== IDLE) this.#close(kind, k, this.#rthEnd, 'SESSION_END');
        this.#ended = true;
      }
    }
    if (this.#date === null || t >= this.#dateEnd || t < this.#dateStart) this.#newSession(tradeDate(t));
  }

  #newSession(date: string): void {
    const w = sessionWindows(date, this.config);
    const td = tradeDateWindow(date);
    this.#date = date;
    this.#dateStart = td.start;
    this.#dateEnd = td.end;
    this.#rthStart = w.rth.start;
    this.#rthEnd = w.rth.end;
    this.#ended = this.#clock >= this.#rthEnd;
    this.#compactDate = date.replaceAll('-', '');
    this.#kinds.clear();
    this.#clusters.clear();
  }

  #close(kind: LevelKind, k: KindState, end: bigint, reason: EpisodeEndReason): void {
    const e = k.episode;
    if (e !== null) {
      if (e.touch_ts !== null) k.closedAnchored++;
      this.#closed.push({
        episode_id: e.id,
        level_kind_name: kind,
        date: this.#date as string,
        direction: e.sign > 0 ? 'UP' : 'DOWN',
        start_ts: e.start_ts,
        entry_price: e.entry_price,
        touch_ts: e.touch_ts,
        end_ts: end,
        end_reason: reason,
        touch_count: e.touch_count,
        suppressed: e.suppressed,
      });
    }
    k.episode = null;
    k.state = IDLE;
    k.exitTs = NO_TS;
  }

  /**
   * Evaluate one front-month trade against the levels available at its time (D.4). Returns the rows anchored by
   * this trade (several kinds can be touched by one trade). Trades outside RTH only advance the clock.
   *
   * @throws {LevelsError} `clock_regression` when the trade is before the clock.
   */
  onTrade(trade: TradeInput, levels: readonly TouchLevel[]): TouchRow[] {
    const ts = trade.ts_event_ns;
    this.advanceTo(ts);
    if (ts < this.#rthStart || ts >= this.#rthEnd) return [];
    const out: TouchRow[] = [];
    const price = trade.price;
    const cfg = this.config;
    for (const level of levels) {
      const kind = level.level_kind_name;
      let k = this.#kinds.get(kind);
      if (k === undefined) {
        k = new KindState();
        this.#kinds.set(kind, k);
      }
      const L = level.price;
      const x = price - L;
      const monitored = Math.abs(x) <= cfg.MONITOR_BAND;
      const touching = Math.abs(x) <= cfg.TOUCH_BAND;
      if (k.state === EXITING && monitored) k.state = ACTIVE; // within the dwell (else closed by advanceTo)
      if (k.state === ACTIVE) {
        const e = k.episode as OpenEpisode;
        if (touching) {
          if (!e.lastTouching) e.touch_count++;
          if (e.touch_ts === null) {
            const row = this.#anchor(kind, k, e, level, ts, price);
            if (row !== null) out.push(row);
          }
        }
        e.lastTouching = touching;
        if (!monitored) {
          k.state = EXITING;
          k.exitTs = ts;
        }
      } else if (k.state === IDLE && monitored && k.lastOutSign !== 0) {
        const e: OpenEpisode = {
          start_ts: ts,
          entry_price: price,
          sign: k.lastOutSign < 0 ? 1 : -1,
          touch_ts: null,
          id: null,
          touch_count: touching ? 1 : 0,
          lastTouching: touching,
          suppressed: level.suppressed,
        };
        k.episode = e;
        k.state = ACTIVE;
        if (touching) {
          const row = this.#anchor(kind, k, e, level, ts, price);
          if (row !== null) out.push(row);
        }
      }
      if (!monitored) k.lastOutSign = x < 0 ? -1 : 1;
    }
    return out;
  }

  #anchor(kind: LevelKind, k: KindState, e: OpenEpisode, level: TouchLevel, t0: bigint, spot: number): TouchRow | null {
    const L = level.price;
    const direction: Direction = e.sign > 0 ? 'UP' : 'DOWN';
    e.touch_ts = t0;
    e.id = `${this.#compactDate}_${kind}_${priceCents(L)}_${t0}_${direction}`;
    e.suppressed = level.suppressed;
    const prior = k.anchored;
    k.anchored++;
    if (level.suppressed) return null;
    const key = `${kind}/${direction}`;
    const prev = this.#clusters.get(key);
    let cluster: ClusterState;
    if (
      prev === undefined ||
      t0 - prev.t0 > this.#clusterNs ||
      Math.abs(L - prev.price) > this.config.TOUCH_CLUSTER_PRICE_BAND + PRICE_EPS
    ) {
      cluster = { t0, price: L, cluster: (prev?.cluster ?? 0) + 1, index: 1 };
    } else {
      cluster = { t0, price: L, cluster: prev.cluster, index: prev.index + 1 };
    }
    this.#clusters.set(key, cluster);
    return {
      event_id: e.id,
      ts_ns: t0,
      level_kind: KIND_CODE[kind],
      level_kind_name: kind,
      level_price: L,
      direction,
      direction_sign: e.sign,
      entry_price: e.entry_price,
      spot,
      zone_width: this.config.MONITOR_BAND,
      date: this.#date as string,
      prior_touches: prior,
      attempt_cluster_id: cluster.cluster,
      attempt_index: cluster.index,
    };
  }

  /**
   * Streaming `prior_touches` of a kind at `t` (D.4-9, engines §9.5): anchored episodes of the kind in the trade
   * date of `t` with anchor `≤ t`, not counting one still open at `t`. Advances the clock to `t`.
   */
  priorTouches(kind: LevelKind, t: bigint): number {
    this.advanceTo(t);
    return this.#kinds.get(kind)?.closedAnchored ?? 0;
  }

  /** Whether the kind has an open episode at the clock, and its direction. */
  openEpisode(kind: LevelKind): { readonly direction: Direction; readonly anchored: boolean } | null {
    const e = this.#kinds.get(kind)?.episode ?? null;
    return e === null ? null : { direction: e.sign > 0 ? 'UP' : 'DOWN', anchored: e.touch_ts !== null };
  }

  /** End the current session now: advance the clock to its `RTH_END` (if not past it already). */
  finish(): void {
    if (this.#date !== null && this.#clock < this.#rthEnd) this.advanceTo(this.#rthEnd);
  }

  /** The episodes closed since the last call, in closing order (kinds in priority order at one instant). */
  takeClosed(): TouchEpisode[] {
    const out = this.#closed;
    this.#closed = [];
    return out;
  }
}

/** Result of {@link detectTouches}. */
export interface TouchDetection {
  /** Rows in anchor order. */
  readonly rows: TouchRow[];
  /** Every episode, closed, in closing order. */
  readonly episodes: TouchEpisode[];
  /** For each row, the index of its anchor trade in the input array. */
  readonly anchorIndex: number[];
}

/**
 * Batch touch detection over front-month trades in canonical order, with the levels available at each trade
 * (e.g. `levelsAtTrades(trades)`); every session is closed at its `RTH_END`.
 *
 * @example
 * ```ts
 * const { rows, episodes } = detectTouches(trades, levelsAtTrades(trades));
 * ```
 */
export function detectTouches(
  trades: readonly TradeInput[],
  levels: readonly (readonly TouchLevel[])[],
  config: LevelsConfig = LEVELS_DEFAULTS,
): TouchDetection {
  const engine = new TouchEngine(config);
  const rows: TouchRow[] = [];
  const anchorIndex: number[] = [];
  const episodes: TouchEpisode[] = [];
  trades.forEach((t, i) => {
    for (const row of engine.onTrade(t, levels[i] ?? [])) {
      rows.push(row);
      anchorIndex.push(i);
    }
    episodes.push(...engine.takeClosed());
  });
  engine.finish();
  episodes.push(...engine.takeClosed());
  return { rows, episodes, anchorIndex };
}
