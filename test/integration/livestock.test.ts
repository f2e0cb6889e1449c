/**
 * Food animals supplied to Hong Kong on the real devnet: a registered farm's consignment
 * certified by its vet (signature checked through the trust list), sealed with an e-lock on
 * the FARM-MKT route, checked at Man Kam To with matching ear tags; a certificate of an
 * unregistered farm refused with its code; ear tags that do not match flagged; an ear tag
 * traced back to farm, certificate, truck, seal and arrival in one query, from either side;
 * the farm recalled: suspended, its consignment in transit held with its declaration.
 *
 * Not here (no such organisation on the devnet yet): the slaughterhouse receipt, which only
 * Hong Kong's Centre for Food Safety records (chaincode/src/contracts/livestock.test.ts runs it
 * on the twin).
 */
import { canonicalBytes, toHex } from '@clearance/core';
import {
  sha256,
  type ArrivalRecord,
  type DeclarationRecord,
  type HealthCertificate,
  type TraceBack,
} from '@clearance/domain';
import type { TestPki, TestSigner } from '@clearance/testkit/chaincode';
import { Devnet } from '@clearance/devnet';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { fileGd, officerLedgers, sealedDevice, trustedPki } from '../support/devnet-fixtures';

/** Another peer may not have committed the block yet: try again on these codes, briefly. */
async function eventually<T>(fn: () => Promise<T>, codes = ['NOT_FOUND']): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!codes.includes(code) || attempt === 20) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('food animals on the devnet', () => {
  const devnet = new Devnet({ log: () => undefined });
  const { as, closeAll } = officerLedgers(devnet);
  const ciq = () => as('gdciq/inspector1');
  const hk = () => as('hkcustoms/officer1');
  const run = randomUUID().slice(0, 8).toUpperCase();
  const farmId = `F-${run}`;
  const decl = (n: number) => `GD-${run}-LV${n}`;
  const consignment = (n: number) => `C-${run}-${n}`;
  const sealId = `SEAL-${run}-LV`;
  const tags = (n: number, count: number) =>
    Array.from({ length: count }, (_, i) => `${run}${n}${String(i).padStart(4, '0')}`);
  let pki: TestPki;

  const certificate = (n: number, earTags: string[], farm = farmId): HealthCertificate => ({
    certificateNo: `HC-${run}-${n}`,
    consignmentId: consignment(n),
    farmId: farm,
    species: 'PIG',
    headCount: earTags.length,
    animals: earTags.map((earTag, i) => ({ earTag, tattoo: `T${n}${i}` })),
    vaccinations: [{ disease: 'Classical swine fever', vaccinatedOn: '2026-10-01' }],
    residueTests: [
      { substance: 'Clenbuterol', result: 'NEGATIVE', sampledOn: '2026-11-20', laboratory: 'L3' },
    ],
    issuedOn: '2026-11-25',
    slaughterhouse: 'SSSH',
    declarationId: decl(n === 1 ? 1 : 2),
    conveyance: `粵L${run.slice(0, 5)}`,
  });
  const signed = async (c: HealthCertificate, signer: TestSigner) => [
    JSON.stringify(c),
    Buffer.from(await signer.sign(canonicalBytes(c))).toString('base64'),
  ];

  beforeAll(async () => {
    await devnet.up();
    pki = await trustedPki(as, run);
    await fileGd(as, pki, decl(1));
    await fileGd(as, pki, decl(2));
    await sealedDevice(as, {
      deviceId: `EL-${run}`,
      sealId,
      publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      tagUid: `04${randomUUID().replace(/-/g, '').slice(0, 12)}`,
      routeId: 'FARM-MKT',
      conveyance: `粵L${run.slice(0, 5)}`,
      declarationIds: [decl(1)],
    });
    const vetCertificateSha256 = toHex(await sha256(pki.signers.gdTrader.certificate));
    await eventually(() =>
      ciq().submit(
        'Livestock:RegisterFarm',
        [
          JSON.stringify({
            farmId,
            name: 'Huizhou test farm',
            region: 'Huizhou',
            species: ['PIG'],
            veterinarian: {
              registrationNo: `VET-${run}`,
              certificateSha256: vetCertificateSha256,
            },
          }),
        ],
        {
          farm: JSON.stringify({
            operator: 'Test co-op',
            address: '1 Farm Road',
            veterinarianName: 'Dr Test',
          }),
        },
      ),
    );
  }, 300_000);

  afterAll(async () => {
    await closeAll();
  });

  it('certifies, seals and checks a consignment at Man Kam To; refuses an unregistered farm; flags wrong tags; traces back and recalls', async () => {
    const animals = tags(1, 4);
    await ciq().submit(
      'Livestock:Certify',
      await signed(certificate(1, animals), pki.signers.gdTrader),
    );
    await expect(
      ciq().submit(
        'Livestock:Certify',
        await signed(certificate(9, tags(9, 1), `F-${run}-NONE`), pki.signers.gdTrader),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', reason: 'FARM_NOT_REGISTERED' });
    await ciq().submit('Livestock:LinkSeal', [consignment(1), sealId]);

    // Hong Kong's check on its own peer: the GD records and the seal read across namespaces.
    const arrival = JSON.parse(
      (
        await eventually(
          () =>
            hk().submit('Livestock:CheckArrival', [
              JSON.stringify({
                consignmentId: consignment(1),
                controlPoint: 'MKT',
                earTagsRead: [...animals].reverse(),
              }),
            ]),
          ['NOT_FOUND', 'CONFLICT'],
        )
      ).result,
    ) as ArrivalRecord;
    expect(arrival).toMatchObject({ result: 'ACCEPTED', flags: [], earTagsRead: 4 });
    expect(arrival.certificateCheck.valid).toBe(true);
    expect(arrival.seal).toMatchObject({ sealId, state: 'APPLIED', alarms: 0 });

    // A second consignment in transit, a third whose tags do not match on arrival.
    await ciq().submit(
      'Livestock:Certify',
      await signed(certificate(2, tags(2, 2)), pki.signers.gdTrader),
    );
    await ciq().submit(
      'Livestock:Certify',
      await signed(certificate(3, tags(3, 3)), pki.signers.gdTrader),
    );
    const flagged = JSON.parse(
      (
        await eventually(() =>
          hk().submit('Livestock:CheckArrival', [
            JSON.stringify({
              consignmentId: consignment(3),
              controlPoint: 'MKT',
              earTagsRead: [...tags(3, 2), `${run}X0001`],
            }),
          ]),
        )
      ).result,
    ) as ArrivalRecord;
    expect(flagged).toMatchObject({
      result: 'FLAGGED',
      missingEarTags: [tags(3, 3)[2]],
      unexpectedEarTags: [`${run}X0001`],
    });
    expect(flagged.flags).toContain('EAR_TAG_MISMATCH');

    // One query from one ear tag, on either side's peer.
    for (const who of [ciq, hk]) {
      const trace = JSON.parse(
        await eventually(() => who().evaluate('Livestock:TraceBack', ['earTag', animals[2] ?? ''])),
      ) as TraceBack;
      expect(trace).toMatchObject({
        earTag: animals[2],
        farm: { farmId, status: 'ACTIVE' },
        consignment: { consignmentId: consignment(1), sealId },
        conveyance: `粵L${run.slice(0, 5)}`,
        arrival: { result: 'ACCEPTED' },
        stage: 'ARRIVED',
      });
      expect(trace.sealTrack?.seal).toMatchObject({ sealId, routeId: 'FARM-MKT' });
    }

    // The recall: the farm suspended; consignment 2 (in transit) held with its declaration.
    const recalled = JSON.parse(
      (
        await eventually(
          () => ciq().submit('Livestock:Recall', [farmId, `residue finding on ${animals[2]}`]),
          ['NOT_FOUND', 'CONFLICT'],
        )
      ).result,
    ) as { status: string };
    expect(recalled.status).toBe('SUSPENDED');
    const held = JSON.parse(
      await ciq().evaluate('Declaration:Get', [decl(2)]),
    ) as DeclarationRecord;
    expect(held.hold?.reason).toContain(`recall of farm ${farmId}`);
    const c2 = JSON.parse(await ciq().evaluate('Livestock:GetConsignment', [consignment(2)])) as {
      hold: unknown;
    };
    expect(c2.hold).not.toBeNull();
    const c1 = JSON.parse(await ciq().evaluate('Livestock:GetConsignment', [consignment(1)])) as {
      hold: unknown;
    };
    expect(c1.hold).toBeNull();
    await expect(
      ciq().submit(
        'Livestock:Certify',
        await signed(certificate(4, tags(4, 1)), pki.signers.gdTrader),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_STATE', reason: 'FARM_SUSPENDED' });
  }, 300_000);
});
