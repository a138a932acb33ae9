/**
 * Keys ordered by a due instant, earliest first (ties in the order they were set): the
 * memory store's index of delayed jobs by `runAt`, of leases by `expiresAt` and of
 * schedules by `nextFireAt`. A binary heap with lazy deletion: `set` and `delete` only
 * touch the map of current instants, and heap entries that no longer match it are
 * dropped when they reach the top, so heartbeats (which move a lease on every beat) stay
 * O(log n). The heap is rebuilt when stale entries outnumber live ones, so it stays
 * bounded.
 */
interface Entry<K> {
  at: number;
  seq: number;
  key: K;
}

export class TimeIndex<K> {
  private readonly current = new Map<K, Entry<K>>();
  private heap: Entry<K>[] = [];
  private seq = 0;

  get size(): number {
    return this.current.size;
  }

  get(key: K): number | undefined {
    return this.current.get(key)?.at;
  }

  set(key: K, at: number): void {
    const entry: Entry<K> = { at, seq: this.seq++, key };
    this.current.set(key, entry);
    this.push(entry);
    this.compactIfStale();
  }

  delete(key: K): void {
    if (this.current.delete(key)) this.compactIfStale();
  }

  /** The earliest instant, if any. */
  peek(): number | undefined {
    return this.top()?.at;
  }

  /** Removes and returns up to `limit` keys due at or before `now`, earliest first. */
  takeDue(now: number, limit: number): K[] {
    const keys: K[] = [];
    while (keys.length < limit) {
      const top = this.top();
      if (top === undefined || top.at > now) break;
      this.pop();
      this.current.delete(top.key);
      keys.push(top.key);
    }
    return keys;
  }

  /**
   * Up to `limit` keys due at or before `now`, earliest first, without removing them.
   * A scan: meant for small indexes (schedules), where it keeps the code simple.
   */
  listDue(now: number, limit: number): K[] {
    const due = [...this.current.values()].filter((e) => e.at <= now);
    due.sort(compare);
    return due.slice(0, limit).map((e) => e.key);
  }

  /** Every key with its instant, earliest first (ties in the order they were set). */
  entries(): [K, number][] {
    return [...this.current.values()].sort(compare).map((e) => [e.key, e.at]);
  }

  /**
   * Whether every current key is in the heap that `peek` and `takeDue` read (`doctor`): a
   * key missing from it would never fall due. Repaired by `restore(entries())`.
   */
  heapHoldsAll(): boolean {
    const inHeap = new Set(this.heap);
    for (const entry of this.current.values()) if (!inHeap.has(entry)) return false;
    return true;
  }

  /** Replaces the contents; entries are set in the order given, which keeps that order for ties. */
  restore(entries: Iterable<readonly [K, number]>): void {
    this.clear();
    for (const [key, at] of entries) this.set(key, at);
  }

  clear(): void {
    this.current.clear();
    this.heap = [];
  }

  private isLive(entry: Entry<K>): boolean {
    return this.current.get(entry.key) === entry;
  }

  /** The earliest live entry, dropping stale ones on the way. */
  private top(): Entry<K> | undefined {
    for (;;) {
      const first = this.heap[0];
      if (first === undefined || this.isLive(first)) return first;
      this.pop();
    }
  }

  private compactIfStale(): void {
    if (this.heap.length <= 2 * this.current.size + 32) return;
    this.heap = [...this.current.values()].sort(compare);
  }

  private push(entry: Entry<K>): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent];
      if (above === undefined || compare(above, entry) <= 0) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = last;
      let at = -1;
      const l = heap[left];
      if (l !== undefined && compare(l, smallest) < 0) {
        smallest = l;
        at = left;
      }
      const r = heap[right];
      if (r !== undefined && compare(r, smallest) < 0) {
        smallest = r;
        at = right;
      }
      if (at < 0) break;
      heap[i] = smallest;
      i = at;
    }
    heap[i] = last;
  }
}

function compare<K>(a: Entry<K>, b: Entry<K>): number {
  return a.at - b.at || a.seq - b.seq;
}
