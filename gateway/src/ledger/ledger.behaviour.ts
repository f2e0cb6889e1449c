/**
 * What every Ledger adapter must do, run against the in-memory twin (unit tests) and the
 * Fabric adapter on the devnet (integration tests).
 */
import { describe, expect, it } from '@jest/globals';
import type { Ledger } from './ledger';

export function ledgerBehaviour(ledger: () => Ledger, uniqueId: (label: string) => string): void {
  describe('Ledger adapter', () => {
    it('commits a transaction and reports its id, block and result', async () => {
      const id = uniqueId('ledger');
      const before = await ledger().channelHeight();
      const committed = await ledger().submit('SelfCheck:Record', [id, 'behaviour']);
      expect(committed.transactionId).toMatch(/^\w+$/);
      expect(committed.blockNumber).toBeGreaterThanOrEqual(before);
      expect(JSON.parse(committed.result)).toMatchObject({
        checkId: id,
        txId: committed.transactionId,
      });
      expect(await ledger().channelHeight()).toBeGreaterThan(committed.blockNumber);
      await expect(ledger().evaluate('SelfCheck:Get', [id])).resolves.toBe(committed.result);
    });

    it('surfaces the ledger error code and writes nothing more', async () => {
      const id = uniqueId('ledger-dup');
      const first = await ledger().submit('SelfCheck:Record', [id, 'one']);
      await expect(ledger().submit('SelfCheck:Record', [id, 'two'])).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
      });
      await expect(ledger().evaluate('SelfCheck:Get', [id])).resolves.toBe(first.result);
      await expect(ledger().evaluate('SelfCheck:Get', [uniqueId('none')])).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });
}
