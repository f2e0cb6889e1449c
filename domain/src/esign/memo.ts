/**
 * Results kept for the next call with the same bytes. Every filing of a trader carries the
 * same certificate and is checked against the same authorities and revocation lists, and
 * parsing DER or checking a CA's signature costs milliseconds that a lookup does not.
 * Only successful results are kept (a throw or rejection keeps nothing); the oldest entry
 * goes first once `limit` is reached. Cached values are shared: callers must not change them.
 */

/** The bytes as a string (one UTF-16 unit per byte): an exact Map key, in Node and browsers. */
export function bytesKey(data: Uint8Array): string {
  let key = '';
  for (let i = 0; i < data.length; i += 8192) {
    key += String.fromCharCode(...data.subarray(i, i + 8192));
  }
  return key;
}

export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** `fn` over bytes, answered from the cache when the same bytes came before. */
export function memoizeBytes<R>(fn: (data: Uint8Array) => R, limit = 512): (data: Uint8Array) => R {
  const cache = new BoundedCache<R>(limit);
  return (data) => {
    const key = bytesKey(data);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const result = fn(data.slice()); // a copy: the caller may reuse its buffer
    cache.set(key, result);
    return result;
  };
}
