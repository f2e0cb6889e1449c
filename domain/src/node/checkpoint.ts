/**
 * Checking a tap at a control point: the SUN message must verify with the tag's keys and
 * its counter must be larger than the last one accepted for that tag (a copied URL, or a
 * cloned tag replaying it, carries an old counter).
 */
import { toHex } from '@clearance/core';
import {
  SunError,
  diversifyTagKey,
  verifySunMessage,
  type SunMessage,
  type SunReading,
} from './sun';

/** Last accepted read counter per tag UID (hex); PostgreSQL in the gateway, memory in tests. */
export interface TagCounterStore {
  last(uid: string): Promise<number | undefined>;
  /** Records `counter` only if larger than the stored one; false when it was not. */
  advance(uid: string, counter: number): Promise<boolean>;
}

export class MemoryTagCounterStore implements TagCounterStore {
  private readonly counters = new Map<string, number>();
  async last(uid: string): Promise<number | undefined> {
    return this.counters.get(uid);
  }
  async advance(uid: string, counter: number): Promise<boolean> {
    if ((this.counters.get(uid) ?? -1) >= counter) return false;
    this.counters.set(uid, counter);
    return true;
  }
}

export interface TagKeys {
  /** Deployment-wide SDM meta read key. */
  metaKey: Uint8Array;
  /** Master key the per-tag file keys are diversified from. */
  masterKey: Uint8Array;
}

export async function checkTap(
  message: SunMessage,
  keys: TagKeys,
  counters: TagCounterStore,
): Promise<SunReading & { uidHex: string }> {
  const reading = verifySunMessage(message, keys.metaKey, (uid) =>
    diversifyTagKey(keys.masterKey, uid),
  );
  const uidHex = toHex(reading.uid);
  // advance() compares and stores in one step, so two concurrent taps cannot both pass.
  if (!(await counters.advance(uidHex, reading.counter))) throw new SunError('REPLAY');
  return { ...reading, uidHex };
}
