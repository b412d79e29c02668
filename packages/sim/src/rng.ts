/**
 * Deterministic random numbers for the simulator: xoshiro128** seeded through SplitMix32 from a string or
 * number, with labelled forks so independent parts of the model (futures book, each option, each day) draw
 * from independent streams and stay byte-identical whatever else changes. Pure integer arithmetic
 * (`Math.imul`, shifts), so every machine produces the same sequence.
 *
 * @module
 */

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

/** FNV-1a hash of a string to 32 bits (seeds and fork labels). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A seeded random number generator (xoshiro128**). Same seed, same sequence, on every machine.
 *
 * @example
 * ```ts
 * const rng = new Rng('2025-12-16/7');
 * const book = rng.fork('book');
 * book.normal(); // standard normal draw
 * ```
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal: number | null = null;

  /** @param seed - any string or number; equal seeds give equal sequences. */
  constructor(seed: string | number) {
    let state = typeof seed === 'number' ? seed | 0 : hash32(seed);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, value] = splitmix32(state);
      state = next;
      words.push(value);
    }
    [this.#a, this.#b, this.#c, this.#d] = words as [number, number, number, number];
    if ((this.#a | this.#b | this.#c | this.#d) === 0) this.#a = 1;
  }

  /** An independent generator for a labelled part of the model (does not advance this one). */
  fork(label: string): Rng {
    return new Rng(`${this.#a}:${this.#b}:${this.#c}:${this.#d}/${label}`);
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A standard normal draw (Marsaglia polar method). */
  normal(): number {
    if (this.#spareNormal !== null) {
      const spare = this.#spareNormal;
      this.#spareNormal = null;
      return spare;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.#spareNormal = v * m;
        return u * m;
      }
    }
  }

  /** An exponential draw with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }

  /** A Student-t draw with `nu` degrees of freedom, scaled to unit variance (nu > 2): fat tails. */
  studentT(nu: number): number {
    let chi2 = 0;
    // nu is small (3–6): sum of squared normals is exact for integer nu.
    const k = Math.max(1, Math.round(nu));
    for (let i = 0; i < k; i++) {
      const z = this.normal();
      chi2 += z * z;
    }
    const t = this.normal() / Math.sqrt(chi2 / k);
    return k > 2 ? t * Math.sqrt((k - 2) / k) : t;
  }

  /** A Poisson draw with mean `lambda` (inversion for small means, normal approximation above 50). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** A geometric draw ≥ 1 with mean `mean` (order sizes, run lengths). */
  geometric(mean: number): number {
    if (mean <= 1) return 1;
    const p = 1 / mean;
    return 1 + Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
