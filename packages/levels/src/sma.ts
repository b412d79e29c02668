/**
 * The SMA close series `S(D)` (levels-pipeline-lake.md C.4.3): completed 2-minute closes in integer ticks, each
 * tagged with the trade date (day number) of its bar, in a ring buffer over typed arrays.
 * `SMA_N = (Σ of the last N closes in ticks) · TICK_SIZE / N` (§0 "Float determinism"): an exact integer sum and
 * one division, so the value is bit-identical to a naive recomputation. Running means are not used; the integer
 * window sums are exact, so keeping them incrementally changes nothing.
 *
 * @module
 */

/**
 * Closes in ticks with their trade-date tags; keeps at most `capacity` (the longest period) and exact window sums
 * for the given periods.
 *
 * @example
 * ```ts
 * const s = new SmaSeries([2, 3], 0.25);
 * for (const c of [5000, 5010, 5030]) s.push(c, 20438);
 * s.mean(2); // 5020
 * s.mean(3); // (5000 + 5010 + 5030) / 3
 * ```
 */
export class SmaSeries {
  /** The periods with maintained window sums, ascending. */
  readonly periods: readonly number[];
  /** Tick size, points. */
  readonly tickSize: number;
  readonly #ticks: Int32Array;
  readonly #days: Int32Array;
  readonly #sums: number[];
  #head = 0;
  #count = 0;

  constructor(periods: readonly number[], tickSize: number) {
    for (const n of periods) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`SmaSeries: period ${n} is not a positive integer`);
    }
    this.periods = [...periods].sort((a, b) => a - b);
    this.tickSize = tickSize;
    const cap = Math.max(1, ...this.periods);
    this.#ticks = new Int32Array(cap);
    this.#days = new Int32Array(cap);
    this.#sums = this.periods.map(() => 0);
  }

  /** Number of closes held. */
  get length(): number {
    return this.#count;
  }

  /** Trade-date day number of the oldest close held, or null when empty. */
  get oldestDay(): number | null {
    return this.#count === 0 ? null : (this.#days[this.#head] as number);
  }

  #at(i: number): number {
    return this.#ticks[(this.#head + i) % this.#ticks.length] as number;
  }

  /** Append the close of a completed bar (price in points, rounded to ticks) of trade date `day`. */
  push(close: number, day: number): void {
    const tick = Math.round(close / this.tickSize);
    const cap = this.#ticks.length;
    for (let k = 0; k < this.periods.length; k++) {
      const n = this.periods[k] as number;
      const sums = this.#sums;
      sums[k] = (sums[k] as number) + tick - (this.#count >= n ? this.#at(this.#count - n) : 0);
    }
    const j = (this.#head + this.#count) % cap;
    this.#ticks[j] = tick;
    this.#days[j] = day;
    if (this.#count < cap) this.#count++;
    else this.#head = (this.#head + 1) % cap;
  }

  /** Drop the closes of trade dates before `minDay` (the oldest ones; days are non-decreasing). */
  dropBefore(minDay: number): void {
    let dropped = false;
    while (this.#count > 0 && (this.#days[this.#head] as number) < minDay) {
      this.#head = (this.#head + 1) % this.#ticks.length;
      this.#count--;
      dropped = true;
    }
    if (dropped) this.#resum();
  }

  /** Forget every close. */
  clear(): void {
    this.#head = 0;
    this.#count = 0;
    this.#resum();
  }

  #resum(): void {
    for (let k = 0; k < this.periods.length; k++) {
      const n = this.periods[k] as number;
      let s = 0;
      for (let i = Math.max(0, this.#count - n); i < this.#count; i++) s += this.#at(i);
      this.#sums[k] = s;
    }
  }

  /** `(Σ last N ticks) · TICK_SIZE / N` for one of {@link SmaSeries.periods}, or NaN with fewer than `N` closes. */
  mean(n: number): number {
    const k = this.periods.indexOf(n);
    if (k < 0) throw new RangeError(`SmaSeries: period ${n} is not one of ${this.periods.join(', ')}`);
    if (this.#count < n) return Number.NaN;
    return ((this.#sums[k] as number) * this.tickSize) / n;
  }

  /** The closes held, in points, oldest first. */
  closes(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#count; i++) out.push(this.#at(i) * this.tickSize);
    return out;
  }
}

/**
 * The naive SMA of C.4.3 as the spec writes it: the last `n` closes, summed in integer ticks, times the tick size,
 * divided by `n`; NaN with fewer than `n` closes. The reference the streaming series is tested against.
 *
 * @example
 * ```ts
 * naiveSma([5000, 5010, 5030], 2, 0.25); // 5020
 * ```
 */
export function naiveSma(closes: readonly number[], n: number, tickSize: number): number {
  if (closes.length < n) return Number.NaN;
  let ticks = 0;
  for (let i = closes.length - n; i < closes.length; i++) ticks += Math.round((closes[i] as number) / tickSize);
  return (ticks * tickSize) / n;
}
