/**
 * A map that never grows past `capacity` entries (the least recently used goes first) and
 * forgets entries after `ttlMs`: what a cache filled by unauthenticated requests must be.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.until <= this.now()) return undefined;
    this.entries.set(key, entry); // most recently used last
    return entry.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Counts per key within a fixed window (e.g. per client address a minute), in at most
 * `capacity` keys: when full, the oldest window goes first.
 */
export class WindowCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  count(key: string): number {
    const entry = this.windows.get(key);
    if (!entry || entry.endsAt <= this.now()) return 0;
    return entry.count;
  }

  add(key: string, n = 1): number {
    const now = this.now();
    let entry = this.windows.get(key);
    if (!entry || entry.endsAt <= now) {
      this.windows.delete(key);
      entry = { count: 0, endsAt: now + this.windowMs };
      this.windows.set(key, entry);
      for (const oldest of this.windows.keys()) {
        if (this.windows.size <= this.capacity) break;
        this.windows.delete(oldest);
      }
    }
    entry.count += n;
    return entry.count;
  }

  get size(): number {
    return this.windows.size;
  }
}
