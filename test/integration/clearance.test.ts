/**
 * Clearance on the real devnet: a signed filing through joint inspection and both
 * releases to closed, with every event; a release lacking one agency's endorsement
 * rejected at validation by the key-level policy; private commercial values; coded errors
 * that leave the ledger unchanged.
 */
import { EVENTS } from '@clearance/chaincode';
import type { DeclarationRecord } from '@clearance/domain';
import {
  listAuthority,
  createTestPki,
  sampleFiling,
  signFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { connectGateway, createFabricLedger, loadConfig, type Ledger } from '@clearance/gateway';
import { Devnet } from '@clearance/devnet';
import { peer } from '@hyperledger/fabric-protos';
import { randomUUID } from 'node:crypto';
import { eventsFor } from '../support/events';

describe('clearance on the devnet', () => {
  const devnet = new Devnet({ log: () => undefined });
  const officers = {
    gdCustoms: 'gdcustoms/officer1',
    gdCiq: 'gdciq/inspector1',
    hkCustoms: 'hkcustoms/officer1',
    gdAgent: 'gdcustoms/agent',
    gdTrustAdmin: 'gdcustoms/trust-admin',
    hkTrustAdmin: 'hkcustoms/trust-admin',
    sealOperator: 'logistics/operator1',
  } as const;
  type Who = keyof typeof officers;
  const ledgers = {} as Record<Who, Ledger>;
  const connection = (who: Who) =>
    loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(officers[who]) }).fabric;
  let pki: TestPki;
  const run = randomUUID().slice(0, 8).toUpperCase();

  beforeAll(async () => {
    await devnet.up();
    for (const who of Object.keys(officers) as Who[])
      ledgers[who] = createFabricLedger(connection(who));
    pki = await createTestPki({ idSuffix: run });
    await listAuthority(ledgers.gdTrustAdmin, ledgers.hkTrustAdmin, pki.gd);
    await listAuthority(ledgers.hkTrustAdmin, ledgers.gdTrustAdmin, pki.hk);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(Object.values(ledgers).map((l) => l.close()));
  });

  const get = async (id: string): Promise<DeclarationRecord> =>
    JSON.parse(await ledgers.gdCustoms.evaluate('Declaration:Get', [id])) as DeclarationRecord;

  async function fileGd(id: string) {
    const signed = await signFiling(sampleFiling(id, 'GD'), pki.signers.gdTrader);
    return ledgers.gdAgent.submit('Declaration:File', signed.args, signed.transient);
  }

  it('clears a signed GD import: file → accept → risk → joint inspection → both releases → closed', async () => {
    const id = `GD-${run}-1`;
    const filed = await fileGd(id);
    const steps: [Who, string, string[]][] = [
      ['gdCustoms', 'Accept', ['documents complete']],
      ['gdCustoms', 'AssessRisk', ['HIGH', '71', 'first shipment of this consignee']],
      ['gdCustoms', 'OrderInspection', ['risk']],
      ['gdCustoms', 'RecordInspection', ['COMPLIANT', 'seal intact']],
      ['gdCiq', 'RecordInspection', ['COMPLIANT', 'no pests']],
      ['gdCustoms', 'Release', ['duties paid']],
      ['gdCiq', 'Release', ['inspection passed']],
      ['gdCustoms', 'Close', ['arrived']],
    ];
    const states: string[] = [];
    for (const [who, tx, args] of steps) {
      const committed = await ledgers[who].submit(`Declaration:${tx}`, [id, ...args]);
      states.push((JSON.parse(committed.result) as DeclarationRecord).state);
    }
    expect(states).toEqual([
      'ACCEPTED',
      'RISK_ASSESSED',
      'INSPECTION_ORDERED',
      'INSPECTION_ORDERED',
      'INSPECTED',
      'INSPECTED',
      'RELEASED',
      'CLOSED',
    ]);
    const final = await get(id);
    expect(final.signature).toMatchObject({ jurisdiction: 'GD', authorityId: pki.gd.authorityId });
    expect(Object.keys(final.releases).sort()).toEqual(['GDCIQMSP', 'GDCustomsMSP']);

    const { client, gateway } = connectGateway(connection('gdCustoms'));
    try {
      const events = await eventsFor(
        gateway.getNetwork('clearance'),
        'clearance-gd', // a GD declaration's own definition (namespace)
        filed.blockNumber,
        9,
        (e) => Buffer.from(e.payload).toString().includes(`"declarationId":"${id}"`),
      );
      expect(events.map((e) => e.eventName)).toEqual([
        EVENTS.DeclarationFiled,
        EVENTS.DeclarationAccepted,
        EVENTS.RiskAssessed,
        EVENTS.InspectionOrdered,
        EVENTS.InspectionRecorded,
        EVENTS.InspectionRecorded,
        EVENTS.DeclarationReleased,
        EVENTS.DeclarationReleased,
        EVENTS.DeclarationClosed,
      ]);
    } finally {
      gateway.close();
      client.close();
    }
  }, 120_000);

  it('rejects at validation a release that GD inspection and quarantine did not endorse', async () => {
    const id = `GD-${run}-2`;
    await fileGd(id);
    await ledgers.gdCustoms.submit('Declaration:Accept', [id, '']);
    await ledgers.gdCustoms.submit('Declaration:AssessRisk', [id, 'LOW', '5', '']);
    await ledgers.gdCustoms.submit('Declaration:MarkReleaseEligible', [id, 'low risk']);

    // GD customs (enough for clearance-gd's chaincode-level policy) and others, not GDCIQMSP.
    const { client, gateway } = connectGateway(connection('gdCustoms'));
    try {
      const contract = gateway.getNetwork('clearance').getContract('clearance-gd');
      const proposal = contract.newProposal('Declaration:Release', {
        arguments: [id, 'customs alone'],
        endorsingOrganizations: ['GDCustomsMSP', 'HKCustomsMSP', 'LogisticsMSP'],
      });
      const transaction = await proposal.endorse();
      const status = await (await transaction.submit()).getStatus();
      expect(status.successful).toBe(false);
      expect(status.code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    } finally {
      gateway.close();
      client.close();
    }
    const after = await get(id);
    expect(after.state).toBe('RELEASE_ELIGIBLE');
    expect(after.releases).toEqual({});

    // Through the gateway (which asks every agency the key-level policy names) it commits.
    const released = await ledgers.gdCustoms.submit('Declaration:Release', [id, 'duties paid']);
    expect(Object.keys((JSON.parse(released.result) as DeclarationRecord).releases)).toEqual([
      'GDCustomsMSP',
    ]);
  }, 120_000);

  it('keeps commercial values private to customs and inspection', async () => {
    const id = `GD-${run}-3`;
    const filed = JSON.parse((await fileGd(id)).result) as DeclarationRecord;
    expect(JSON.stringify(filed)).not.toContain('405788.20');
    const values = JSON.parse(
      await ledgers.gdCiq.evaluate('Declaration:GetCommercial', [id, '']),
    ) as { totalValue: string };
    expect(values.totalValue).toBe('405788.20');
    await expect(
      ledgers.sealOperator.evaluate('Declaration:GetCommercial', [id, '']),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  }, 60_000);

  it('answers bad input with coded errors and leaves the ledger as it was', async () => {
    const id = `GD-${run}-4`;
    await fileGd(id);
    const before = await get(id);
    await expect(ledgers.gdCiq.submit('Declaration:Accept', [id, ''])).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(ledgers.gdCustoms.submit('Declaration:Release', [id, ''])).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await expect(fileGd(id)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    const forged = await signFiling(sampleFiling(`GD-${run}-5`), pki.signers.revoked);
    await expect(
      ledgers.gdAgent.submit('Declaration:File', forged.args, forged.transient),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_REJECTED',
    });
    const altered = await signFiling(sampleFiling(`GD-${run}-6`), pki.signers.gdTrader);
    const declaration = JSON.parse(altered.args[0]);
    declaration.grossWeightKg = 1;
    declaration.netWeightKg = 1;
    await expect(
      ledgers.gdAgent.submit(
        'Declaration:File',
        [JSON.stringify(declaration), altered.args[1]],
        altered.transient,
      ),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(await get(id)).toEqual(before);
    await expect(get(`GD-${run}-5`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 60_000);

  it('needs both customs services to endorse any change of the trust list', async () => {
    // HK's trust admin proposes withdrawing its own authority; GD's approval, endorsed
    // without HK customs' peer, fails validation (the list's key-level policy).
    const proposed = await ledgers.hkTrustAdmin.submit('TrustList:ProposeTrustChange', [
      JSON.stringify({ change: 'WITHDRAW', authorityId: pki.hk.authorityId, reason: 'test' }),
    ]);
    const { proposalId } = JSON.parse(proposed.result) as { proposalId: string };
    const { client, gateway } = connectGateway(connection('gdTrustAdmin'));
    try {
      const contract = gateway.getNetwork('clearance').getContract('clearance');
      const proposal = contract.newProposal('TrustList:ApproveTrustChange', {
        arguments: [proposalId, 'without HK peers'],
        endorsingOrganizations: ['GDCustomsMSP', 'GDCIQMSP', 'LogisticsMSP'],
      });
      const status = await (await (await proposal.endorse()).submit()).getStatus();
      expect(status.code).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    } finally {
      gateway.close();
      client.close();
    }
    const listed = JSON.parse(
      await ledgers.gdCustoms.evaluate('TrustList:GetAuthority', [pki.hk.authorityId]),
    ) as {
      status: string;
    };
    expect(listed.status).toBe('ACTIVE');
  }, 60_000);
});
