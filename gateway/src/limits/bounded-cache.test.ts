import { createMemoryLedger } from '@clearance/testkit/gateway';
import type { Ledger } from '../ports/ledger';
import { ledgerDeviceDirectory } from '../readings/directory';
import { BoundedCache, WindowCounter } from './bounded-cache';

describe('bounded caches', () => {
  it('keeps at most its capacity, dropping the least recently used, and forgets after the TTL', () => {
    let now = 0;
    const cache = new BoundedCache<string, number>(3, 1000, () => now);
    for (const [i, k] of ['a', 'b', 'c'].entries()) cache.set(k, i);
    expect(cache.get('a')).toBe(0); // a is now the most recently used
    cache.set('d', 3);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(0);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
  });

  it('counts per key in a window, in at most its capacity of keys', () => {
    let now = 0;
    const counter = new WindowCounter(60_000, 2, () => now);
    counter.add('x', 5);
    counter.add('x');
    expect(counter.count('x')).toBe(6);
    counter.add('y');
    counter.add('z');
    expect(counter.size).toBe(2);
    now = 60_000;
    expect(counter.count('y')).toBe(0);
  });
});

describe('the ledger device directory', () => {
  it('remembers a bounded number of unknown ids, and asks once for an id many want at once', async () => {
    const inner = createMemoryLedger({ mspId: 'GDCustomsMSP', id: 'x509::CN=gw::CN=ca' });
    let asked = 0;
    const ledger: Ledger = {
      ...inner,
      evaluate: (transaction, args) => {
        asked++;
        return inner.evaluate(transaction, args);
      },
    };
    const directory = ledgerDeviceDirectory(ledger, { known: 10, unknown: 100, ttlMs: 60_000 });
    for (let i = 0; i < 1000; i++) await directory.lookup(`ZZ-${i}`);
    expect(asked).toBe(1000);
    // The last 100 are remembered, the first ones were dropped (asked again).
    expect(directory.isCached('ZZ-999')).toBe(true);
    expect(directory.isCached('ZZ-0')).toBe(false);
    await directory.lookup('ZZ-999');
    expect(asked).toBe(1000);
    // The same id asked by many at once is one ledger read.
    await Promise.all(Array.from({ length: 50 }, () => directory.lookup('ZZ-SAME')));
    expect(asked).toBe(1001);
  });
});
