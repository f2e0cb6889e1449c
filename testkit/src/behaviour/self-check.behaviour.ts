/**
 * Behaviour of the SelfCheck contract, run against the in-memory twin (unit) and against
 * the real devnet (integration), so the twin cannot drift from Fabric.
 */
import { describe, expect, it } from '@jest/globals';
import { EVENTS } from '@clearance/domain';
import type { ContractInvoker } from '../chaincode/memory-ledger';

export function selfCheckBehaviour(
  invoker: () => ContractInvoker,
  expectedMspId: string,
  uniqueId: (label: string) => string,
): void {
  describe('SelfCheck contract', () => {
    it('records a check with its caller, time and transaction, and emits an event', async () => {
      const id = uniqueId('record');
      const { result, txId, event } = await invoker().submit('SelfCheck:Record', [id, 'hello']);
      const record = JSON.parse(result) as Record<string, unknown>;
      expect(record).toMatchObject({ checkId: id, note: 'hello', txId });
      expect(record.recordedBy).toMatchObject({ mspId: expectedMspId });
      expect(Number.isNaN(Date.parse(String(record.recordedAt)))).toBe(false);
      expect(event).toEqual({ txId, name: EVENTS.SelfCheckRecorded, payload: result });
      await expect(invoker().evaluate('SelfCheck:Get', [id])).resolves.toBe(result);
    });

    it('refuses a duplicate id and keeps the first record', async () => {
      const id = uniqueId('dup');
      const first = await invoker().submit('SelfCheck:Record', [id, 'first']);
      await expect(invoker().submit('SelfCheck:Record', [id, 'second'])).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
      });
      await expect(invoker().evaluate('SelfCheck:Get', [id])).resolves.toBe(first.result);
    });

    it.each([
      ['empty id', '', 'note'],
      ['id with a space', 'a b', 'note'],
      ['id too long', 'x'.repeat(65), 'note'],
      ['note too long', 'ok-id', 'n'.repeat(257)],
    ])('rejects %s with INVALID_ARGUMENT and writes nothing', async (_label, id, note) => {
      await expect(invoker().submit('SelfCheck:Record', [id, note])).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      if (id === 'ok-id') {
        await expect(invoker().evaluate('SelfCheck:Get', [id])).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
      }
    });

    it('answers NOT_FOUND for an unknown id', async () => {
      await expect(
        invoker().evaluate('SelfCheck:Get', [uniqueId('missing')]),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
}
