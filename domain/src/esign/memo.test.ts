import { BoundedCache, bytesKey, memoizeBytes } from './memo';

describe('bytesKey', () => {
  it('is the same for equal bytes and differs for any changed byte, length or position', () => {
    const a = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) % 256);
    expect(bytesKey(a)).toBe(bytesKey(a.slice()));
    const changed = a.slice();
    changed[19_999] = (a[19_999] as number) ^ 1;
    expect(bytesKey(changed)).not.toBe(bytesKey(a));
    expect(bytesKey(a.subarray(1))).not.toBe(bytesKey(a));
    expect(bytesKey(new Uint8Array([0, 1]))).not.toBe(bytesKey(new Uint8Array([1, 0])));
  });
});

describe('BoundedCache', () => {
  it('drops the least recently stored entry beyond its limit', () => {
    const cache = new BoundedCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3); // stored again: now the newest
    cache.set('c', 4);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(3);
    expect(cache.get('c')).toBe(4);
    expect(cache.size).toBe(2);
  });
});

describe('memoizeBytes', () => {
  it('calls the function once per distinct bytes and works on a copy of them', () => {
    const seen: Uint8Array[] = [];
    const sum = memoizeBytes((d: Uint8Array) => {
      seen.push(d);
      return d.reduce((a, b) => a + b, 0);
    });
    const input = new Uint8Array([1, 2, 3]);
    expect(sum(input)).toBe(6);
    expect(sum(new Uint8Array([1, 2, 3]))).toBe(6);
    expect(seen).toHaveLength(1);
    input[0] = 9; // the caller reuses its buffer: the cached entry is not affected
    expect(sum(input)).toBe(14);
    expect(sum(new Uint8Array([1, 2, 3]))).toBe(6);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('keeps nothing when the function throws', () => {
    let calls = 0;
    const parse = memoizeBytes(() => {
      calls++;
      throw new Error('bad');
    });
    expect(() => parse(new Uint8Array([1]))).toThrow('bad');
    expect(() => parse(new Uint8Array([1]))).toThrow('bad');
    expect(calls).toBe(2);
  });
});
