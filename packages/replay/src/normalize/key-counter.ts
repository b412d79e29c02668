/**
 * Occurrence counts of event keys for the `dup_ordinal` of event ids (levels-pipeline-lake.md B.4.7): one
 * {@link KeyCounter} per (type, symbol) stream counts its (`ts_event_ns`, `seq`) keys without allocating per
 * event. Internal to the normalizer.
 *
 * @module
 * @internal
 */

const INITIAL_CAPACITY = 256;
/** A new key this many places or fewer before the newest is inserted in place; farther back it goes aside. */
const MAX_SHIFT = 64;

interface AsideEntry {
  readonly hi: number;
  readonly lo: number;
  count: number;
}

/**
 * Counts of the keys (`ts_event_ns` as two u32 halves, `seq` u32) of one stream, for as long as they are not
 * forgotten. Vendor files are nearly sorted by event time, so the keys live in arrays sorted by (time, seq): a
 * new key is almost always appended after the newest, a repeat found next to it, and forgetting everything
 * older than a time drops a prefix. The rare key that would have to be inserted far from the end is kept in a
 * small map instead, so no input costs more than O(log n + {@link MAX_SHIFT}) per key.
 *
 * @internal
 */
export class KeyCounter {
  #hi = new Uint32Array(INITIAL_CAPACITY);
  #lo = new Uint32Array(INITIAL_CAPACITY);
  #seq = new Uint32Array(INITIAL_CAPACITY);
  #count = new Uint32Array(INITIAL_CAPACITY);
  /** Live entries are `[#head, #end)`. */
  #head = 0;
  #end = 0;
  /** Keys kept aside (see the class comment), by `hi:lo:seq`. Every one sorts before the newest array key. */
  #aside: Map<string, AsideEntry> | null = null;

  /** Keys currently counted. */
  get size(): number {
    return this.#end - this.#head + (this.#aside?.size ?? 0);
  }

  /** Count one occurrence of a key; returns how often it occurred before (0 for a key new or forgotten). */
  add(hi: number, lo: number, seq: number): number {
    const end = this.#end;
    if (end > this.#head) {
      const c = this.#compare(end - 1, hi, lo, seq);
      if (c === 0) return this.#bump(end - 1);
      if (c < 0) return this.#addBefore(hi, lo, seq);
    }
    if (end === this.#hi.length) this.#makeRoom();
    const at = this.#end++;
    this.#hi[at] = hi;
    this.#lo[at] = lo;
    this.#seq[at] = seq;
    this.#count[at] = 1;
    return 0;
  }

  /** Forget every key whose time is before `hi · 2^32 + lo`. */
  forgetBefore(hi: number, lo: number): void {
    // Lower bound of (hi, lo, seq 0) in the sorted live range.
    let a = this.#head;
    let b = this.#end;
    while (a < b) {
      const mid = (a + b) >>> 1;
      const h = this.#hi[mid] as number;
      if (h < hi || (h === hi && (this.#lo[mid] as number) < lo)) a = mid + 1;
      else b = mid;
    }
    this.#head = a;
    if (a === this.#end) {
      this.#head = 0;
      this.#end = 0;
    }
    const aside = this.#aside;
    if (aside !== null) {
      for (const [key, e] of aside) if (e.hi < hi || (e.hi === hi && e.lo < lo)) aside.delete(key);
      if (aside.size === 0) this.#aside = null;
    }
  }

  /** Count one more occurrence of entry `i`; returns the count before. */
  #bump(i: number): number {
    const n = this.#count[i] as number;
    this.#count[i] = n + 1;
    return n;
  }

  /** Sign of key − entry `i`. */
  #compare(i: number, hi: number, lo: number, seq: number): number {
    const h = this.#hi[i] as number;
    if (hi !== h) return hi < h ? -1 : 1;
    const l = this.#lo[i] as number;
    if (lo !== l) return lo < l ? -1 : 1;
    const s = this.#seq[i] as number;
    return seq === s ? 0 : seq < s ? -1 : 1;
  }

  /** A key that sorts before the newest one: found by binary search, else inserted near the end or aside. */
  #addBefore(hi: number, lo: number, seq: number): number {
    let a = this.#head;
    let b = this.#end - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.#compare(mid, hi, lo, seq) > 0) a = mid + 1;
      else b = mid;
    }
    if (this.#compare(a, hi, lo, seq) === 0) return this.#bump(a);
    const key = `${hi}:${lo}:${seq}`;
    const found = this.#aside?.get(key);
    if (found !== undefined) return found.count++;
    if (this.#end - a > MAX_SHIFT) {
      this.#aside ??= new Map();
      this.#aside.set(key, { hi, lo, count: 1 });
      return 0;
    }
    if (this.#end === this.#hi.length) {
      const shift = this.#head;
      this.#makeRoom();
      a -= shift - this.#head;
    }
    const end = this.#end++;
    for (const column of [this.#hi, this.#lo, this.#seq, this.#count]) column.copyWithin(a + 1, a, end);
    this.#hi[a] = hi;
    this.#lo[a] = lo;
    this.#seq[a] = seq;
    this.#count[a] = 1;
    return 0;
  }

  /** Make room for one more entry at the end: move the live range to the front, or double the arrays. */
  #makeRoom(): void {
    const head = this.#head;
    const live = this.#end - head;
    const capacity = this.#hi.length;
    if (head > 0 && live <= capacity / 2) {
      for (const column of [this.#hi, this.#lo, this.#seq, this.#count]) column.copyWithin(0, head, this.#end);
    } else {
      const grow = (column: Uint32Array) => {
        const next = new Uint32Array(capacity * 2);
        next.set(column.subarray(head, this.#end));
        return next;
      };
      this.#hi = grow(this.#hi);
      this.#lo = grow(this.#lo);
      this.#seq = grow(this.#seq);
      this.#count = grow(this.#count);
    }
    this.#head = 0;
    this.#end = live;
  }
}
