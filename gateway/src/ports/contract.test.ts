import { canonicalBytes } from '@clearance/core';
import {
  CrossingContract,
  DeclarationContract,
  SealContract,
  SelfCheckContract,
  TrustListContract,
} from '@clearance/chaincode';
import { LedgerError, TrustChangeSchema, TrustProposalRecordSchema } from '@clearance/domain';
import {
  OFFICERS,
  addAuthorityChange,
  createTestPki,
  sampleFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { createContractClient, invocations, TRANSACTIONS, type Invocation } from './contract';
import type { Ledger } from './ledger';
import { createMemoryLedger, createMemoryNetwork } from '@clearance/testkit/gateway';

/** Runs an invocation as the operation runner does (name, arguments, transient data). */
const run = (ledger: Ledger, invocation: Invocation) =>
  ledger.submit(invocation.transaction, invocation.args, invocation.transient);

describe('contract client on the in-memory twin', () => {
  const network = createMemoryNetwork();
  const gd = createContractClient(network.as(OFFICERS.gdCustoms));
  let pki: TestPki;

  beforeAll(async () => {
    pki = await createTestPki({ idSuffix: 'CTRCT' });
    const proposed = await run(
      network.as(OFFICERS.gdTrustAdmin),
      invocations.proposeTrustChange(
        TrustChangeSchema.parse(JSON.parse(addAuthorityChange(pki.gd))),
      ),
    );
    const { proposalId } = TrustProposalRecordSchema.parse(JSON.parse(proposed.result));
    await run(
      network.as(OFFICERS.hkTrustAdmin),
      invocations.decideTrustChange('APPROVE', proposalId, 'agreed'),
    );
  });

  it('names each transaction Contract:Method after a method the contract class has', () => {
    const classes = {
      SelfCheck: SelfCheckContract,
      Declaration: DeclarationContract,
      TrustList: TrustListContract,
      Seal: SealContract,
      Crossing: CrossingContract,
    };
    for (const [contract, names] of Object.entries(TRANSACTIONS)) {
      const instance: object = new classes[contract as keyof typeof classes]();
      for (const [method, name] of Object.entries(names)) {
        expect(name).toBe(`${contract}:${method}`);
        expect(typeof Reflect.get(instance, method)).toBe('function');
      }
    }
  });

  it('records a self-check and reads it back, parsed', async () => {
    const { committed, result } = await gd.selfCheck.record('contract-1', 'hello');
    expect(result).toMatchObject({ checkId: 'contract-1', note: 'hello' });
    expect(committed.transactionId).toBe(result.txId);
    expect(await gd.selfCheck.get('contract-1')).toEqual(result);
  });

  it('lists the trust list and gets one authority', async () => {
    const list = await gd.trustList.list();
    expect(list.map((a) => a.authorityId)).toContain(pki.gd.authorityId);
    const one = await gd.trustList.get(pki.gd.authorityId);
    expect(one).toMatchObject({ authorityId: pki.gd.authorityId, status: 'ACTIVE' });
  });

  it('files through an invocation, then reads the record and its history; officer acts too', async () => {
    const filing = sampleFiling('GD-CONTRACT-1');
    const signature = Buffer.from(await pki.signers.gdTrader.sign(canonicalBytes(filing))).toString(
      'base64',
    );
    await run(
      network.as(OFFICERS.gdAgent),
      invocations.filing('FILE', filing.declaration, signature, filing.commercial),
    );
    await run(
      network.as(OFFICERS.gdCustoms),
      invocations.officerAct('GD-CONTRACT-1', { action: 'ACCEPT', reason: 'complete' }),
    );
    const record = await gd.declaration.get('GD-CONTRACT-1');
    expect(record).toMatchObject({ declarationId: 'GD-CONTRACT-1', state: 'ACCEPTED', version: 1 });
    expect(record.lastAct.action).toBe('ACCEPT');
    const history = await gd.declaration.history('GD-CONTRACT-1');
    expect(history.map((h) => h.action)).toEqual(['FILE', 'ACCEPT']);
  });

  it('builds the arguments of each officer act as the contract takes them', () => {
    expect(
      invocations.officerAct('D1', {
        action: 'ASSESS_RISK',
        level: 'HIGH',
        score: 80,
        reason: 'r',
      }),
    ).toEqual({
      transaction: 'Declaration:AssessRisk',
      args: ['D1', 'HIGH', '80', 'r'],
      transient: {},
    });
    expect(
      invocations.officerAct('D1', {
        action: 'RECORD_INSPECTION',
        result: 'COMPLIANT',
        findings: 'ok',
      }),
    ).toEqual({
      transaction: 'Declaration:RecordInspection',
      args: ['D1', 'COMPLIANT', 'ok'],
      transient: {},
    });
    expect(invocations.decideTrustChange('WITHDRAW', 'p1', 'gone')).toEqual({
      transaction: 'TrustList:WithdrawTrustChange',
      args: ['p1', 'gone'],
      transient: {},
    });
  });

  it('passes the ledger’s coded errors on (NOT_FOUND)', async () => {
    await expect(gd.seal.get('NO-SUCH-SEAL')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The chaincode's own error, as the port rejects with it (the HTTP edge maps it).
    await expect(gd.declaration.get('GD-NONE')).rejects.toBeInstanceOf(LedgerError);
  });

  it('refuses a result that is not of the domain’s shape with INTERNAL, not a cast', async () => {
    const ledger = createMemoryLedger(OFFICERS.gdCustoms);
    const lying: Ledger = { ...ledger, evaluate: async () => JSON.stringify({ checkId: 1 }) };
    await expect(createContractClient(lying).selfCheck.get('x')).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    const notJson: Ledger = { ...ledger, evaluate: async () => 'not json' };
    await expect(createContractClient(notJson).trustList.list()).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });
});
