/**
 * Device keys and current seals, read from the ledger and kept for a short while, in bounded
 * caches: the readings route takes device ids from anyone, so neither what it remembers nor
 * what it asks the ledger may grow with what it is sent. Devices the ledger knows and ids it
 * does not are kept apart, so a flood of made-up ids never pushes real devices out.
 */
import { createContractClient } from '../ports/contract';
import { ledgerRefusal, type Ledger } from '../ports/ledger';
import { BoundedCache } from '../limits/bounded-cache';
import type { DeviceDirectory, DeviceInfo } from './ingest';

export const DIRECTORY_LIMITS = {
  /** Devices the ledger knows, remembered at most. */
  known: 100_000,
  /** Device ids the ledger does not know, remembered at most. */
  unknown: 10_000,
  ttlMs: 30_000,
} as const;

export function ledgerDeviceDirectory(
  ledger: Ledger,
  limits: { known: number; unknown: number; ttlMs: number } = DIRECTORY_LIMITS,
): DeviceDirectory {
  const contract = createContractClient(ledger);
  const known = new BoundedCache<string, DeviceInfo>(limits.known, limits.ttlMs);
  const unknown = new BoundedCache<string, true>(limits.unknown, limits.ttlMs);
  // One ledger read per device at a time, however many requests name it.
  const asking = new Map<string, Promise<DeviceInfo | undefined>>();
  const ask = async (deviceId: string): Promise<DeviceInfo | undefined> => {
    try {
      const { publicKeyPem, sealId } = await contract.seal.activeSeal(deviceId);
      const info = { publicKeyPem, sealId };
      known.set(deviceId, info);
      return info;
    } catch (error) {
      if (ledgerRefusal(error) !== 'NOT_FOUND') throw error;
      unknown.set(deviceId, true); // unknown, or a device that seals nothing now
      return undefined;
    }
  };
  return {
    isCached: (deviceId) => known.has(deviceId) || unknown.has(deviceId),
    async lookup(deviceId) {
      const hit = known.get(deviceId);
      if (hit) return hit;
      if (unknown.has(deviceId)) return undefined;
      let pending = asking.get(deviceId);
      if (!pending) {
        pending = ask(deviceId).finally(() => asking.delete(deviceId));
        asking.set(deviceId, pending);
      }
      return pending;
    },
  };
}
