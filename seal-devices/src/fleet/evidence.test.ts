import { generateKeyPairSync } from 'node:crypto';
import { ROUTES, batchRoot, checkReadingProof, proveReading } from '@clearance/domain/node';
import { simulateTrip } from './simulator';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const batch = simulateTrip({
  deviceId: 'EL-0100',
  privateKey,
  route: ROUTES[1]!,
  departure: new Date('2026-11-25T09:00:00Z'),
  intervalS: 30,
}).slice(0, 37);

describe('reading evidence', () => {
  it('proves each reading of a batch against the batch root', () => {
    const root = batchRoot(batch);
    for (const i of [0, 1, 17, 36])
      expect(checkReadingProof(proveReading('SEAL-1', 3, batch, i), root)).toBe(true);
  });

  it('fails for an altered reading or another root', () => {
    const root = batchRoot(batch);
    const proof = proveReading('SEAL-1', 3, batch, 5);
    const altered = {
      ...proof,
      reading: { ...proof.reading, reading: { ...proof.reading.reading, lock: 'OPEN' as const } },
    };
    expect(checkReadingProof(altered, root)).toBe(false);
    expect(checkReadingProof(proof, batchRoot(batch.slice(1)))).toBe(false);
  });
});
