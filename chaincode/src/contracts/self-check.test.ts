import { MemoryLedger } from '@clearance/testkit/chaincode';
import { selfCheckBehaviour } from '@clearance/testkit/behaviour';
import { SelfCheckContract } from './self-check';

const ledger = new MemoryLedger([new SelfCheckContract()]);
const officer = { mspId: 'GDCustomsMSP', id: 'x509::CN=officer1::CN=ca' };
let n = 0;

selfCheckBehaviour(
  () => ledger.invokerFor(officer),
  'GDCustomsMSP',
  (label) => `${label}-${++n}`,
);

test('a rejected transaction leaves the state untouched', async () => {
  const before = ledger.snapshot();
  await expect(
    ledger.invokerFor(officer).submit('SelfCheck:Record', ['bad id', 'x']),
  ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  expect(ledger.snapshot()).toEqual(before);
});
