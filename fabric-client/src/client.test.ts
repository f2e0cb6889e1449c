/**
 * Every piece of a client's state is its own: two clients of one process, pointed at the
 * same endpoints, never share what they learnt (endpoint health, the heights of their
 * commits), so one's failures neither skip the other's calls nor show in its readiness.
 */
import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { createFabricClient, LedgerUnavailableError, type EndpointEvent } from './index';

// Nothing listens on port 1: every call fails at once with UNAVAILABLE.
const nowhere = { mspId: 'Org1MSP', endpoint: '127.0.0.1:1', hostAlias: 'peer0', tlsRootCert: '' };
const addresses = { home: nowhere, peers: [nowhere], orderers: [] };
const identity = {
  mspId: 'Org1MSP',
  certificate: 'not checked before a peer sees it',
  privateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
};

describe('two clients in one process', () => {
  it('keep separate endpoint health: one names an endpoint down, the other does not', async () => {
    const first = createFabricClient(addresses);
    const second = createFabricClient(addresses);
    try {
      const a = first.connect(identity).getNetwork('clearance');
      const b = second.connect(identity).getNetwork('clearance');
      const heardBySecond: EndpointEvent[] = [];
      b.onEndpointEvents({ failure: (e) => heardBySecond.push(e) });

      await expect(a.getContract('cc').evaluateTransaction('Get', 'x')).rejects.toBeInstanceOf(
        LedgerUnavailableError,
      );
      expect(a.health().down).toEqual([
        expect.objectContaining({ endpoint: '127.0.0.1:1', role: 'peer' }),
      ]);
      expect(b.health().down).toEqual([]);
      expect(heardBySecond).toEqual([]);

      // The first skips the endpoint it named down (no call made); the second still asks it.
      const skipped = await a
        .getContract('cc')
        .evaluateTransaction('Get', 'x')
        .catch((e: unknown) => e);
      const asked = await b
        .getContract('cc')
        .evaluateTransaction('Get', 'x')
        .catch((e: unknown) => e);
      expect(skipped).toMatchObject({ answers: [{ skipped: true }] });
      expect(asked).toMatchObject({ answers: [{ transport: true }] });
      expect(asked).not.toMatchObject({ answers: [{ skipped: true }] });
      expect(heardBySecond).toEqual([expect.objectContaining({ endpoint: '127.0.0.1:1' })]);
    } finally {
      first.close();
      second.close();
    }
  });

  it('keep separate commit heights unless one is given the other’s', () => {
    const first = createFabricClient(addresses);
    const second = createFabricClient(addresses);
    const sharing = createFabricClient(addresses, { commitHeights: first.commitHeights });
    try {
      first.commitHeights.note('clearance', 7n);
      expect(first.commitHeights.last('clearance')).toBe(7n);
      expect(second.commitHeights.last('clearance')).toBeUndefined();
      expect(sharing.commitHeights.last('clearance')).toBe(7n);
    } finally {
      first.close();
      second.close();
      sharing.close();
    }
  });
});
