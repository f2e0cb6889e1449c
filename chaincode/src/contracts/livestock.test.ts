import { generateKeyPairSync } from 'node:crypto';
import { canonicalBytes, toHex } from '@clearance/core';
import {
  EVENTS,
  FarmRecalledEventSchema,
  JURISDICTION_NAMESPACES,
  sha256,
  type ArrivalRecord,
  type DeclarationRecord,
  type HealthCertificate,
  type ReceiptRecord,
  type TraceBack,
} from '@clearance/domain';
import {
  OFFICERS,
  createTestPki,
  listAuthority,
  sampleFiling,
  signFiling,
  MemoryLedger,
  type TestIdentity,
  type TestPki,
  type TestSigner,
} from '@clearance/testkit/chaincode';
import { CrossingContract } from './crossing';
import { DeclarationContract } from './declaration';
import { LivestockContract } from './livestock';
import { SealContract } from './seal';
import { TrustListContract } from './trust-list';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

/** Hong Kong's Centre for Food Safety: the organisation the issue admits to the channel. */
const cfsOfficer: TestIdentity = {
  mspId: 'HKCFSMSP',
  id: 'x509::CN=cfs-officer::CN=ca.HKCFSMSP',
  attributes: { role: 'food-safety-officer' },
};
const devicePem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

const certHash = async (signer: TestSigner) => toHex(await sha256(signer.certificate));

const farmJson = async (farmId: string, vet: TestSigner) =>
  JSON.stringify({
    farmId,
    name: `Farm ${farmId}`,
    region: 'Huizhou, Guangdong',
    species: ['PIG'],
    veterinarian: { registrationNo: `VET-${farmId}`, certificateSha256: await certHash(vet) },
  });
const farmPrivate = {
  farm: JSON.stringify({
    operator: 'Huizhou Pig Co-op',
    address: '8 Farm Road, Huizhou',
    veterinarianName: 'Dr Chan',
  }),
};

const tags = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);

function certificate(
  consignmentId: string,
  farmId: string,
  declarationId: string,
  earTags: string[],
  residue: 'NEGATIVE' | 'POSITIVE' = 'NEGATIVE',
): HealthCertificate {
  return {
    certificateNo: `HC-${consignmentId}`,
    consignmentId,
    farmId,
    species: 'PIG',
    headCount: earTags.length,
    animals: earTags.map((earTag, i) => ({ earTag, tattoo: `T${i}` })),
    vaccinations: [{ disease: 'Classical swine fever', vaccinatedOn: '2026-10-01' }],
    residueTests: [
      {
        substance: 'Clenbuterol',
        result: residue,
        sampledOn: '2026-11-20',
        laboratory: 'GD Lab 3',
      },
    ],
    issuedOn: '2026-11-25',
    slaughterhouse: 'SSSH',
    declarationId,
    conveyance: '粵L12345',
  };
}

async function signedCertificate(
  c: HealthCertificate,
  signer: TestSigner,
): Promise<[string, string]> {
  const cms = await signer.sign(canonicalBytes(c));
  return [JSON.stringify(c), Buffer.from(cms).toString('base64')];
}

const gdCiq = (l: MemoryLedger) => l.invokerFor(OFFICERS.gdCiq);
const cfs = (l: MemoryLedger) => l.invokerFor(cfsOfficer);

async function setup(): Promise<MemoryLedger> {
  const ledger = new MemoryLedger([
    new DeclarationContract(),
    new TrustListContract(),
    new SealContract(),
    new CrossingContract(),
    new LivestockContract(),
  ]);
  await listAuthority(
    ledger.invokerFor(OFFICERS.gdTrustAdmin),
    ledger.invokerFor(OFFICERS.hkTrustAdmin),
    pki.gd,
  );
  await listAuthority(
    ledger.invokerFor(OFFICERS.gdTrustAdmin),
    ledger.invokerFor(OFFICERS.hkTrustAdmin),
    pki.hk,
  );
  for (const id of ['GD-LV1', 'GD-LV2']) {
    const signed = await signFiling(sampleFiling(id), pki.signers.gdTrader);
    await ledger
      .invokerFor(OFFICERS.gdAgent)
      .submit('Declaration:File', signed.args, signed.transient);
  }
  await gdCiq(ledger).submit(
    'Livestock:RegisterFarm',
    [await farmJson('F-1', pki.signers.gdTrader)],
    farmPrivate,
  );
  // The truck's e-lock, accredited by both customs services, over GD-LV1.
  const operator = ledger.invokerFor(OFFICERS.sealOperator);
  await operator.submit('Seal:RegisterDevice', [
    JSON.stringify({
      deviceId: 'EL-0100',
      model: 'GPS-ELOCK-7',
      publicKeyPem: devicePem,
      tagUid: '04c0ffee000100',
    }),
  ]);
  await ledger.invokerFor(OFFICERS.gdCustoms).submit('Seal:AccreditDevice', ['EL-0100']);
  await ledger.invokerFor(OFFICERS.hkCustoms).submit('Seal:AccreditDevice', ['EL-0100']);
  await operator.submit('Seal:ApplySeal', [
    JSON.stringify({
      sealId: 'SEAL-LV1',
      deviceId: 'EL-0100',
      conveyance: '粵L12345',
      routeId: 'FARM-MKT',
      declarationIds: ['GD-LV1'],
    }),
  ]);
  return ledger;
}

describe('Livestock contract: food animals from registered farm to slaughterhouse', () => {
  it('certifies, seals, checks at Man Kam To with matching tags, receives; traces a residue finding back and recalls', async () => {
    const ledger = await setup();
    const animals = tags('156000', 3);
    const certified = await gdCiq(ledger).submit(
      'Livestock:Certify',
      await signedCertificate(certificate('C-1', 'F-1', 'GD-LV1', animals), pki.signers.gdTrader),
    );
    expect(certified.event?.name).toBe(EVENTS.ConsignmentCertified);
    // Recorded in GD's namespace only.
    expect(
      [...ledger.snapshot(JURISDICTION_NAMESPACES.GD).keys()].some((k) => k.includes('C-1')),
    ).toBe(true);
    expect(
      [...ledger.snapshot(JURISDICTION_NAMESPACES.HK).keys()].some((k) => k.includes('C-1')),
    ).toBe(false);
    await gdCiq(ledger).submit('Livestock:LinkSeal', ['C-1', 'SEAL-LV1']);

    const arrival = await cfs(ledger).submit('Livestock:CheckArrival', [
      JSON.stringify({
        consignmentId: 'C-1',
        controlPoint: 'MKT',
        earTagsRead: [...animals].reverse(),
      }),
    ]);
    const checked = JSON.parse(arrival.result) as ArrivalRecord;
    expect(checked).toMatchObject({ result: 'ACCEPTED', flags: [], missingEarTags: [] });
    expect(checked.certificateCheck.valid).toBe(true);
    expect(checked.seal).toMatchObject({ sealId: 'SEAL-LV1', state: 'APPLIED', alarms: 0 });

    const received = await cfs(ledger).submit('Livestock:Receive', [
      JSON.stringify({
        consignmentId: 'C-1',
        slaughterhouse: 'SSSH',
        anteMortem: animals.map((earTag) => ({ earTag, result: 'FIT' })),
        postMortem: animals.map((earTag, i) => ({
          earTag,
          carcassId: `CARC-${i}`,
          result: 'PASS',
          residues: i === 1 ? [{ substance: 'Clenbuterol', result: 'POSITIVE' }] : [],
        })),
      }),
    ]);
    expect((JSON.parse(received.result) as ReceiptRecord).nonCompliant).toEqual([animals[1]]);
    expect(received.event?.name).toBe(EVENTS.SlaughterReceived);

    // A second consignment of the farm, certified and on its way.
    await gdCiq(ledger).submit(
      'Livestock:Certify',
      await signedCertificate(
        certificate('C-2', 'F-1', 'GD-LV2', tags('157000', 2)),
        pki.signers.gdTrader,
      ),
    );

    // From the carcass in Hong Kong, one query, from either side.
    for (const who of [cfsOfficer, OFFICERS.gdCiq]) {
      const trace = JSON.parse(
        await ledger.invokerFor(who).evaluate('Livestock:TraceBack', ['carcass', 'CARC-1']),
      ) as TraceBack;
      expect(trace).toMatchObject({
        earTag: animals[1],
        carcassId: 'CARC-1',
        animal: { earTag: animals[1], tattoo: 'T1' },
        farm: { farmId: 'F-1', status: 'ACTIVE' },
        consignment: { consignmentId: 'C-1', sealId: 'SEAL-LV1' },
        conveyance: '粵L12345',
        arrival: { result: 'ACCEPTED' },
        receipt: { nonCompliant: [animals[1]] },
        stage: 'RECEIVED',
      });
      expect(trace.sealTrack?.seal).toMatchObject({ sealId: 'SEAL-LV1', routeId: 'FARM-MKT' });
    }

    const recall = await gdCiq(ledger).submit('Livestock:Recall', [
      'F-1',
      'clenbuterol in carcass CARC-1',
    ]);
    expect(recall.event?.name).toBe(EVENTS.FarmRecalled);
    // The index holds the declarations the event names, as a seal alarm's.
    expect(FarmRecalledEventSchema.parse(JSON.parse(recall.event?.payload ?? '{}'))).toMatchObject({
      farmId: 'F-1',
      status: 'SUSPENDED',
      heldConsignments: ['C-2'],
      heldDeclarations: ['GD-LV2'],
    });
    const held = JSON.parse(
      await gdCiq(ledger).evaluate('Declaration:Get', ['GD-LV2']),
    ) as DeclarationRecord;
    expect(held.hold?.reason).toContain('recall of farm F-1');
    const c2 = JSON.parse(await gdCiq(ledger).evaluate('Livestock:GetConsignment', ['C-2'])) as {
      hold: unknown;
    };
    expect(c2.hold).not.toBeNull();
    // The arrived one is not held; its declaration neither.
    const lv1 = JSON.parse(
      await gdCiq(ledger).evaluate('Declaration:Get', ['GD-LV1']),
    ) as DeclarationRecord;
    expect(lv1.hold).toBeNull();

    // The suspended farm can certify nothing more.
    await expect(
      gdCiq(ledger).submit(
        'Livestock:Certify',
        await signedCertificate(
          certificate('C-3', 'F-1', 'GD-LV2', tags('158000', 1)),
          pki.signers.gdTrader,
        ),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_STATE', reason: 'FARM_SUSPENDED' });
  });

  it('refuses certificates of unregistered farms, unauthorised signers, positive residues, reused ear tags', async () => {
    const ledger = await setup();
    const sign = (c: HealthCertificate, s = pki.signers.gdTrader) => signedCertificate(c, s);
    await expect(
      gdCiq(ledger).submit(
        'Livestock:Certify',
        await sign(certificate('C-9', 'F-404', 'GD-LV1', tags('1', 1))),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', reason: 'FARM_NOT_REGISTERED' });
    await expect(
      gdCiq(ledger).submit(
        'Livestock:Certify',
        await sign(certificate('C-9', 'F-1', 'GD-LV1', tags('1', 1)), pki.signers.hkTrader),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_AUTHORISED_CERTIFIER' });
    await expect(
      gdCiq(ledger).submit(
        'Livestock:Certify',
        await sign(certificate('C-9', 'F-1', 'GD-LV1', tags('1', 1), 'POSITIVE')),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'RESIDUE_POSITIVE' });
    // Signed over other bytes than those submitted.
    const [json, cms] = await sign(certificate('C-9', 'F-1', 'GD-LV1', tags('1', 2)));
    await expect(
      gdCiq(ledger).submit('Livestock:Certify', [
        json.replace('"2026-11-25"', '"2026-11-26"'),
        cms,
      ]),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    // Head count and the animals listed disagree.
    const short = { ...certificate('C-9', 'F-1', 'GD-LV1', tags('1', 2)), headCount: 3 };
    await expect(
      gdCiq(ledger).submit('Livestock:Certify', await sign(short)),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await gdCiq(ledger).submit(
      'Livestock:Certify',
      await sign(certificate('C-9', 'F-1', 'GD-LV1', tags('1', 2))),
    );
    await expect(
      gdCiq(ledger).submit(
        'Livestock:Certify',
        await sign(certificate('C-10', 'F-1', 'GD-LV2', tags('1', 1))),
      ),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS', reason: 'EAR_TAG_IN_USE' });
    // A registered certifying officer may sign for any farm.
    await gdCiq(ledger).submit('Livestock:RegisterCertifier', [
      JSON.stringify({
        certificateSha256: await certHash(pki.signers.hkTrader),
        name: 'Officer Li',
        office: 'Shenzhen',
      }),
    ]);
    // ...with a GD certificate only (this one is HK's).
    await expect(
      gdCiq(ledger).submit(
        'Livestock:Certify',
        await sign(certificate('C-11', 'F-1', 'GD-LV2', tags('2', 1)), pki.signers.hkTrader),
      ),
    ).rejects.toMatchObject({ reason: 'NOT_AUTHORISED_CERTIFIER' });
  });

  it('flags ear tags that do not match the certificate, and an unsealed truck', async () => {
    const ledger = await setup();
    const animals = tags('159000', 3);
    await gdCiq(ledger).submit(
      'Livestock:Certify',
      await signedCertificate(certificate('C-5', 'F-1', 'GD-LV1', animals), pki.signers.gdTrader),
    );
    const arrival = JSON.parse(
      (
        await cfs(ledger).submit('Livestock:CheckArrival', [
          JSON.stringify({
            consignmentId: 'C-5',
            controlPoint: 'MKT',
            earTagsRead: [animals[0], animals[1], '999000000001'],
          }),
        ])
      ).result,
    ) as ArrivalRecord;
    expect(arrival).toMatchObject({
      result: 'FLAGGED',
      flags: ['EAR_TAG_MISMATCH', 'NOT_SEALED'],
      missingEarTags: [animals[2]],
      unexpectedEarTags: ['999000000001'],
    });
    await expect(
      cfs(ledger).submit('Livestock:Receive', [
        JSON.stringify({
          consignmentId: 'C-5',
          slaughterhouse: 'SSSH',
          anteMortem: [],
          postMortem: [],
        }),
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_STATE', reason: 'ARRIVAL_NOT_ACCEPTED' });
    await expect(
      cfs(ledger).submit('Livestock:CheckArrival', [
        JSON.stringify({ consignmentId: 'C-5', controlPoint: 'MKT', earTagsRead: animals }),
      ]),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('keeps each side to its own acts and its own namespace', async () => {
    const ledger = await setup();
    await expect(
      ledger
        .invokerFor(OFFICERS.gdCiq)
        .submit('Livestock:CheckArrival', [
          JSON.stringify({ consignmentId: 'C-1', controlPoint: 'MKT', earTagsRead: [] }),
        ]),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(cfs(ledger).submit('Livestock:SuspendFarm', ['F-1', 'no'])).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      gdCiq(ledger).submit(
        'Livestock:SuspendFarm',
        ['F-1', 'inspection'],
        {},
        {
          namespace: JURISDICTION_NAMESPACES.HK,
        },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'WRONG_NAMESPACE' });
    await expect(gdCiq(ledger).submit('Livestock:SuspendFarm', ['F-1', ' '])).rejects.toMatchObject(
      {
        code: 'INVALID_ARGUMENT',
      },
    );
    // The farm's operator details are in GD's collection, not in public state.
    const farm = JSON.parse(await gdCiq(ledger).evaluate('Livestock:GetFarm', ['F-1'])) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(farm)).not.toContain('Farm Road');
    expect(farm.privateSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
