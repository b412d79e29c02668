/**
 * Sliding-window sums over MarketState's depth-flow and L1-OFI rings (internal: not a public subpath).
 *
 * The barrier (§2) and OFI (§6) outputs are sums of integer contract counts over `(t − W, t]`. Scanning the ring
 * at every snap costs O(records in the window) per level and window; these sums are updated once per record
 * (added when it is appended, subtracted when it leaves each window) and answer a snap in O(ticks in the zone).
 * Integer sums are exact in any order, so the answers equal the scans bit for bit while every addend is an
 * integer below 2^53; a non-integer addend (possible only through the typed API, never from DBN sizes) marks the
 * sums inexact and the engines fall back to the scan.
 * @internal
 * @module
 */

/** Largest tick span a dense per-tick array may cover before the sums give up (keeps memory bounded). */
const MAX_TICK_SPAN = 1 << 20;

/** Per-tick integer sums in a dense array that re-centres when a tick falls outside it. */
export class TickSums {
  #base = 0;
  #a = new Float64Array(0);

  /** Add `v` at `tick`; false if the span would exceed {@link MAX_TICK_SPAN} (nothing added). */
  add(tick: number, v: number): boolean {
    let k = tick - this.#base;
    if (k < 0 || k >= this.#a.length) {
      if (!this.#cover(tick)) return false;
      k = tick - this.#base;
    }
    this.#a[k] = (this.#a[k] as number) + v;
    return true;
  }

  /** The sum at `tick` (0 if never touched). */
  get(tick: number): number {
    const k = tick - this.#base;
    return k >= 0 && k < this.#a.length ? (this.#a[k] as number) : 0;
  }

  clear(): void {
    this.#a.fill(0);
  }

  #cover(tick: number): boolean {
    const old = this.#a;
    if (old.length === 0) {
      this.#a = new Float64Array(1024);
      this.#base = tick - 512;
      return true;
    }
    const lo = Math.min(this.#base, tick - 256);
    const hi = Math.max(this.#base + old.length, tick + 257);
    if (hi - lo > MAX_TICK_SPAN) return false;
    let len = old.length;
    while (len < hi - lo) len *= 2;
    const next = new Float64Array(len);
    next.set(old, this.#base - lo);
    this.#a = next;
    this.#base = lo;
    return true;
  }
}

/** The ring columns the sums read when a record leaves a window (MarketState's FlowRing). */
export interface FlowRingColumns {
  /** Record times as ns since the ring's epoch (exact doubles). */
  readonly rel: Float64Array;
  readonly head: number;
  readonly count: number;
  readonly cap: number;
  /** Absolute sequence number of the record at `head`. */
  readonly base: number;
  readonly side: Int8Array;
  readonly tick: Int32Array;
  readonly added: Float64Array;
  readonly filled: Float64Array;
  readonly pulled: Float64Array;
}

/** The ring columns of the L1-OFI ring. */
export interface ValueRingColumns {
  /** Record times as ns since the ring's epoch (exact doubles). */
  readonly rel: Float64Array;
  readonly head: number;
  readonly count: number;
  readonly cap: number;
  readonly base: number;
  readonly value: Float64Array;
}

/** "Nothing pending". */
const NO_DUE = Number.POSITIVE_INFINITY;

function exactInteger(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER;
}

/**
 * Sums of the depth-flow ring over sliding windows `(clock − W, clock]`: per OFI window the signed change
 * (bid `+`, ask `−`) in total and per tick; for the barrier window, per side and tick the net change
 * (`added − filled − pulled`) and the fills.
 */
export class FlowWindowSums {
  /** False once an addend was not an exact integer or a tick span was too wide: use the ring scans. */
  exact = true;
  readonly #ofiNs: readonly number[];
  readonly #ofiTail: number[];
  readonly #ofiTotal: number[];
  readonly #ofiTick: TickSums[];
  readonly #barrierNs: number;
  #barrierTail = 0;
  /** Per side (index 0 bid, 1 ask): net and fills per tick over the barrier window. */
  readonly #net: [TickSums, TickSums] = [new TickSums(), new TickSums()];
  readonly #fill: [TickSums, TickSums] = [new TickSums(), new TickSums()];
  /** Absolute sequence number of the next record to add. */
  #next = 0;
  /** No window drops a record before this clock (a lower bound; NO_DUE while nothing is pending). */
  #due = NO_DUE;
  /** Some window had nothing pending after the last eviction. */
  #someEmpty = true;
  readonly #minNs: number;

  constructor(ofiWindowsNs: readonly bigint[], barrierWindowNs: bigint) {
    this.#ofiNs = ofiWindowsNs.map(Number);
    this.#minNs = Math.min(...this.#ofiNs, Number(barrierWindowNs));
    this.#ofiTail = ofiWindowsNs.map(() => 0);
    this.#ofiTotal = ofiWindowsNs.map(() => 0);
    this.#ofiTick = ofiWindowsNs.map(() => new TickSums());
    this.#barrierNs = Number(barrierWindowNs);
  }

  /** A record was appended at `ts` (it is inside every window: its time is the clock). */
  add(ts: number, side: number, tick: number, added: number, filled: number, pulled: number): void {
    this.#next++;
    if (this.#someEmpty) {
      // A window with nothing pending starts one now: it may come due before the others.
      this.#due = Math.min(this.#due, ts + this.#minNs);
      this.#someEmpty = false;
    }
    if (!this.exact) return;
    if (!(exactInteger(added) && exactInteger(filled) && exactInteger(pulled))) {
      this.exact = false;
      return;
    }
    this.#apply(side, tick, added, filled, pulled);
  }

  /** Subtract the records with `ts ≤ clock − W` from each window; call before the ring drops them. */
  evict(ring: FlowRingColumns, clock: number): void {
    if (clock < this.#due || !this.exact) return;
    let due = NO_DUE;
    let someEmpty = false;
    for (let w = 0; w < this.#ofiNs.length; w++) {
      const cutoff = clock - (this.#ofiNs[w] as number);
      let s = this.#ofiTail[w] as number;
      while (s < this.#next) {
        const j = this.#slot(ring, s);
        if (j < 0) return;
        if ((ring.rel[j] as number) > cutoff) break;
        const delta = (ring.added[j] as number) - (ring.filled[j] as number) - (ring.pulled[j] as number);
        const signed = ring.side[j] === 1 ? delta : -delta;
        this.#ofiTotal[w] = (this.#ofiTotal[w] as number) - signed;
        this.#ofiTick[w]?.add(ring.tick[j] as number, -signed);
        s++;
      }
      this.#ofiTail[w] = s;
      if (s < this.#next) due = Math.min(due, (ring.rel[this.#slot(ring, s)] as number) + (this.#ofiNs[w] as number));
      else someEmpty = true;
    }
    const cutoff = clock - this.#barrierNs;
    let s = this.#barrierTail;
    while (s < this.#next) {
      const j = this.#slot(ring, s);
      if (j < 0) return;
      if ((ring.rel[j] as number) > cutoff) break;
      const side = ring.side[j] === 1 ? 0 : 1;
      const filled = ring.filled[j] as number;
      const tick = ring.tick[j] as number;
      this.#net[side].add(tick, -((ring.added[j] as number) - filled - (ring.pulled[j] as number)));
      this.#fill[side].add(tick, -filled);
      s++;
    }
    this.#barrierTail = s;
    if (s < this.#next) due = Math.min(due, (ring.rel[this.#slot(ring, s)] as number) + this.#barrierNs);
    else someEmpty = true;
    this.#due = due;
    this.#someEmpty = someEmpty;
  }

  /** The ring dropped everything (contract roll): start over. */
  clear(): void {
    for (let w = 0; w < this.#ofiNs.length; w++) {
      this.#ofiTail[w] = this.#next;
      this.#ofiTotal[w] = 0;
      this.#ofiTick[w]?.clear();
    }
    this.#barrierTail = this.#next;
    for (const t of [...this.#net, ...this.#fill]) t.clear();
    this.exact = true;
    this.#due = NO_DUE;
    this.#someEmpty = true;
  }

  /** The epoch of the time line moved forward by `delta` ns. */
  rebase(delta: number): void {
    this.#due -= delta;
  }

  /** Σ signed change over OFI window `w` (all prices). */
  total(w: number): number {
    return this.#ofiTotal[w] as number;
  }

  /** Σ signed change over OFI window `w` at one tick. */
  signedAt(w: number, tick: number): number {
    return (this.#ofiTick[w] as TickSums).get(tick);
  }

  /** Net change (`added − filled − pulled`) at `tick` on `side` (+1 bid, −1 ask) over the barrier window. */
  netAt(side: number, tick: number): number {
    return this.#net[side === 1 ? 0 : 1].get(tick);
  }

  /** Fills at `tick` on `side` (+1 bid, −1 ask) over the barrier window. */
  fillAt(side: number, tick: number): number {
    return this.#fill[side === 1 ? 0 : 1].get(tick);
  }

  #apply(side: number, tick: number, added: number, filled: number, pulled: number): void {
    const delta = added - filled - pulled;
    const signed = side === 1 ? delta : -delta;
    for (let w = 0; w < this.#ofiNs.length; w++) {
      this.#ofiTotal[w] = (this.#ofiTotal[w] as number) + signed;
      if (!(this.#ofiTick[w] as TickSums).add(tick, signed)) this.exact = false;
    }
    const s = side === 1 ? 0 : 1;
    if (!this.#net[s].add(tick, delta) || !this.#fill[s].add(tick, filled)) this.exact = false;
  }

  /** Physical slot of absolute record `s`, or −1 (and inexact) if the ring no longer holds it. */
  #slot(ring: FlowRingColumns, s: number): number {
    const i = s - ring.base;
    if (i < 0 || i >= ring.count) {
      this.exact = false;
      return -1;
    }
    return (ring.head + i) % ring.cap;
  }
}

/** Sums of the L1-OFI ring (`e`) over the OFI windows `(clock − W, clock]`. */
export class L1WindowSums {
  exact = true;
  readonly #ns: readonly number[];
  readonly #tail: number[];
  readonly #sum: number[];
  #next = 0;
  #due = NO_DUE;
  #someEmpty = true;
  readonly #minNs: number;

  constructor(windowsNs: readonly bigint[]) {
    this.#ns = windowsNs.map(Number);
    this.#minNs = Math.min(...this.#ns);
    this.#tail = windowsNs.map(() => 0);
    this.#sum = windowsNs.map(() => 0);
  }

  add(ts: number, e: number): void {
    this.#next++;
    if (this.#someEmpty) {
      this.#due = Math.min(this.#due, ts + this.#minNs);
      this.#someEmpty = false;
    }
    if (!this.exact) return;
    if (!exactInteger(e)) {
      this.exact = false;
      return;
    }
    for (let w = 0; w < this.#ns.length; w++) this.#sum[w] = (this.#sum[w] as number) + e;
  }

  evict(ring: ValueRingColumns, clock: number): void {
    if (clock < this.#due || !this.exact) return;
    let due = NO_DUE;
    let someEmpty = false;
    for (let w = 0; w < this.#ns.length; w++) {
      const cutoff = clock - (this.#ns[w] as number);
      let s = this.#tail[w] as number;
      while (s < this.#next) {
        const i = s - ring.base;
        if (i < 0 || i >= ring.count) {
          this.exact = false;
          return;
        }
        const j = (ring.head + i) % ring.cap;
        if ((ring.rel[j] as number) > cutoff) break;
        this.#sum[w] = (this.#sum[w] as number) - (ring.value[j] as number);
        s++;
      }
      this.#tail[w] = s;
      if (s < this.#next) {
        const j = (ring.head + (s - ring.base)) % ring.cap;
        due = Math.min(due, (ring.rel[j] as number) + (this.#ns[w] as number));
      } else someEmpty = true;
    }
    this.#due = due;
    this.#someEmpty = someEmpty;
  }

  clear(): void {
    for (let w = 0; w < this.#ns.length; w++) {
      this.#tail[w] = this.#next;
      this.#sum[w] = 0;
    }
    this.exact = true;
    this.#due = NO_DUE;
    this.#someEmpty = true;
  }

  /** The epoch of the time line moved forward by `delta` ns. */
  rebase(delta: number): void {
    this.#due -= delta;
  }

  /** Σ e over window `w`. */
  sum(w: number): number {
    return this.#sum[w] as number;
  }
}
