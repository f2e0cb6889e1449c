/**
 * What every Ledger adapter must do, run against the in-memory twin (unit tests) and the
 * Fabric adapter on the devnet (integration tests).
 */
import { describe, expect, it } from '@jest/globals';
import type { Ledger } from '@clearance/gateway';

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

    it('prepares without writing, then commits the envelope once however often it is sent', async () => {
      const id = uniqueId('ledger-2pc');
      const prepared = await ledger().prepare('SelfCheck:Record', [id, 'two-phase']);
      await expect(ledger().status(prepared.transactionId)).resolves.toEqual({ state: 'unknown' });
      await expect(ledger().evaluate('SelfCheck:Get', [id])).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const first = await ledger().send(prepared.envelope);
      expect(first).toMatchObject({ state: 'committed' });
      // A retry after a crash sends the same envelope again: same outcome, one record.
      await expect(ledger().send(prepared.envelope)).resolves.toEqual(first);
      await expect(ledger().status(prepared.transactionId)).resolves.toEqual(first);
      expect(JSON.parse(await ledger().evaluate('SelfCheck:Get', [id]))).toMatchObject({
        checkId: id,
        note: 'two-phase',
      });
    });

    it('refuses at prepare what the chaincode refuses, with its code', async () => {
      const id = uniqueId('ledger-2pc-dup');
      await ledger().submit('SelfCheck:Record', [id, 'one']);
      await expect(ledger().prepare('SelfCheck:Record', [id, 'two'])).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
      });
    });

    it('invalidates an envelope whose reads changed before it was sent', async () => {
      const id = uniqueId('ledger-mvcc');
      const a = await ledger().prepare('SelfCheck:Record', [id, 'a']);
      const b = await ledger().prepare('SelfCheck:Record', [id, 'b']);
      await expect(ledger().send(a.envelope)).resolves.toMatchObject({ state: 'committed' });
      await expect(ledger().send(b.envelope)).resolves.toMatchObject({
        state: 'invalid',
        validationCode: 11,
      });
      expect(JSON.parse(await ledger().evaluate('SelfCheck:Get', [id]))).toMatchObject({
        note: 'a',
      });
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

    it("passes on the chaincode's finer reason with its code, at submit and at prepare", async () => {
      // The caller is a customs officer (who may ask for a decision): refused for the place.
      const ask = JSON.stringify({
        crossingId: uniqueId('X-reason'),
        sealId: uniqueId('SEAL-none'),
        controlPoint: 'QQQ',
        direction: 'NORTHBOUND',
      });
      const refusal = { code: 'INVALID_ARGUMENT', reason: 'UNKNOWN_CONTROL_POINT' };
      await expect(ledger().submit('Crossing:Decide', [ask])).rejects.toMatchObject(refusal);
      await expect(ledger().prepare('Crossing:Decide', [ask])).rejects.toMatchObject(refusal);
    });
  });
}
