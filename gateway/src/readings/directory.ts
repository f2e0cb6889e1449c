/** Device keys and current seals, read from the ledger and kept for a short while. */
import { ApiError } from '../errors';
import { createContractClient } from '../ledger/contract';
import type { Ledger } from '../ledger/ledger';
import type { DeviceDirectory, DeviceInfo } from './ingest';

export function ledgerDeviceDirectory(ledger: Ledger, ttlMs = 30_000): DeviceDirectory {
  const contract = createContractClient(ledger);
  const cache = new Map<string, { info: DeviceInfo | undefined; until: number }>();
  return async (deviceId) => {
    const hit = cache.get(deviceId);
    if (hit && hit.until > Date.now()) return hit.info;
    let info: DeviceInfo | undefined;
    try {
      const { publicKeyPem, sealId } = await contract.seal.activeSeal(deviceId);
      info = { publicKeyPem, sealId };
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'NOT_FOUND')) throw error;
      info = undefined; // unknown device, or one that seals nothing now
    }
    cache.set(deviceId, { info, until: Date.now() + ttlMs });
    return info;
  };
}
