/**
 * A binary min-heap over an array, used by the k-way merge and the live reorder buffer. Internal: not part of
 * the package surface.
 *
 * @module
 * @internal
 */

/**
 * Binary min-heap ordered by a strict "less than" predicate. `push`, `pop` and `replaceTop` are O(log n);
 * `peek` is O(1). Ties are left to the predicate: callers that need a stable order break ties themselves.
 *
 * @internal
 */
export class MinHeap<E> {
  private readonly items: E[] = [];
  private readonly less: (a: E, b: E) => boolean;

  constructor(less: (a: E, b: E) => boolean) {
    this.less = less;
  }

  /** Number of items held. */
  get size(): number {
    return this.items.length;
  }

  /** The smallest item, or `undefined` when empty. */
  peek(): E | undefined {
    return this.items[0];
  }

  /** Add an item. */
  push(item: E): void {
    const items = this.items;
    items.push(item);
    this.siftUp(items.length - 1);
  }

  /** Remove and return the smallest item, or `undefined` when empty. */
  pop(): E | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Replace the smallest item by `item` (or re-sort it after its key changed in place) in O(log n). */
  replaceTop(item: E): void {
    this.items[0] = item;
    this.siftDown(0);
  }

  private siftUp(start: number): void {
    const items = this.items;
    const item = items[start] as E;
    let i = start;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex] as E;
      if (!this.less(item, parent)) break;
      items[i] = parent;
      i = parentIndex;
    }
    items[i] = item;
  }

  private siftDown(start: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[start] as E;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.less(items[right] as E, items[left] as E)) child = right;
      const smallest = items[child] as E;
      if (!this.less(smallest, item)) break;
      items[i] = smallest;
      i = child;
    }
    items[i] = item;
  }
}
