/**
 * Device signatures of a batch of readings, checked in order: once `badLimit` forged ones
 * were found the rest are NOT_CHECKED (anyone may post readings, so the work a batch can
 * cause is bounded). Two ways to run it: on worker threads (the server: one task per batch,
 * verified synchronously there, no per-reading hop through libuv), or on the event loop's
 * side through libuv's thread pool (tests, the twin gateway).
 */
import { verifyReading, verifyReadingAsync, type SignedReading } from '@clearance/domain/node';
import { createPublicKey, type KeyObject } from 'node:crypto';

export interface ReadingToCheck {
  signed: SignedReading;
  /** The device's registered key (PEM). */
  publicKeyPem: string;
}

export type ReadingVerdict = 'VALID' | 'BAD_SIGNATURE' | 'NOT_CHECKED';

export type ReadingSignatureCheck = (
  items: readonly ReadingToCheck[],
  badLimit: number,
) => Promise<ReadingVerdict[]>;

/** Parsed keys by PEM (parsing a key costs more than a verify); bounded by the devices seen. */
export function keyCache(limit = 10_000): (pem: string) => KeyObject | undefined {
  const keys = new Map<string, KeyObject>();
  return (pem) => {
    let key = keys.get(pem);
    if (key) return key;
    try {
      key = createPublicKey(pem);
    } catch {
      return undefined; // an unreadable key verifies nothing
    }
    if (keys.size >= limit) keys.clear();
    keys.set(pem, key);
    return key;
  };
}

/** The check itself, synchronous: what a worker thread runs for one batch. */
export function checkReadingsInOrder(
  items: readonly ReadingToCheck[],
  badLimit: number,
  keyOf: (pem: string) => KeyObject | undefined,
): ReadingVerdict[] {
  let bad = 0;
  return items.map(({ signed, publicKeyPem }) => {
    if (bad >= badLimit) return 'NOT_CHECKED';
    const key = keyOf(publicKeyPem);
    if (key && verifyReading(signed, key)) return 'VALID';
    bad++;
    return 'BAD_SIGNATURE';
  });
}

/** Signatures verified at once on libuv's pool by the event-loop check. */
const CHUNK = 16;

/** On the event loop's side: chunks through libuv's pool (a chunk under way finishes). */
export function checkReadingsOnLibuv(): ReadingSignatureCheck {
  const keyOf = keyCache();
  return async (items, badLimit) => {
    const verdicts: ReadingVerdict[] = [];
    let bad = 0;
    for (let start = 0; start < items.length; start += CHUNK) {
      const chunk = items.slice(start, start + CHUNK);
      if (bad >= badLimit) {
        verdicts.push(...chunk.map((): ReadingVerdict => 'NOT_CHECKED'));
        continue;
      }
      const checked = await Promise.all(
        chunk.map(async ({ signed, publicKeyPem }): Promise<ReadingVerdict> => {
          const key = keyOf(publicKeyPem);
          return key && (await verifyReadingAsync(signed, key)) ? 'VALID' : 'BAD_SIGNATURE';
        }),
      );
      bad += checked.filter((v) => v === 'BAD_SIGNATURE').length;
      verdicts.push(...checked);
    }
    return verdicts;
  };
}
