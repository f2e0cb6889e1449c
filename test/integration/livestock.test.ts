/**
 * Food animals supplied to Hong Kong on the real devnet, each side through its own gateway
 * (a GD one reading GD customs' peer, an HK one reading HK customs'): a registered farm's
 * consignment certified by its vet (signature checked through the trust list), sealed with an
 * e-lock on the FARM-MKT route, checked at Man Kam To by a Centre for Food Safety officer
 * (HKCFSMSP, its own identity) with matching ear tags, received at the slaughterhouse; a
 * certificate of an unregistered farm, then of the suspended farm, refused with its code; ear
 * tags that do not match flagged; a residue found at the slaughterhouse traced back from the
 * carcass to farm, certificate, truck, seal and arrival in one query, from either side; the
 * farm recalled: suspended, its other consignment in transit held with its declaration (the
 * HOLD a seal alarm makes), and the recall on both gateways' live event streams.
 */
import { canonicalBytes, toHex } from '@clearance/core';
import {
  sha256,
  type ArrivalRecord,
  type DeclarationRecord,
  type HealthCertificate,
  type ReceiptRecord,
  type TraceBack,
} from '@clearance/domain';
import type { TestPki, TestSigner } from '@clearance/testkit/chaincode';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { fileGd, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { startDevnetStack, type DevnetStack } from '../support/devnet-stack';

const PASSWORD = 'livestock test password';

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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

/** An HTTP answer; an error answer throws its code and reason (as a ledger error would). */
async function call(
  stack: DevnetStack,
  account: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${stack.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await stack.officerToken(account)}`,
      ...(body !== undefined
        ? { 'content-type': 'application/json', 'idempotency-key': randomUUID(), prefer: 'wait=30' }
        : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const answer = { status: res.status, body: (await res.json()) as Body };
  if (res.status >= 400)
    throw Object.assign(
      new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer.body)}`),
      {
        status: res.status,
        code: answer.body.error?.code,
        reason: answer.body.error?.reason,
      },
    );
  return answer;
}

/** Follows a gateway's live event stream; `next(name, match)` waits for such an event. */
async function follow(stack: DevnetStack, account: string) {
  const controller = new AbortController();
  const res = await fetch(`${stack.base}/v1/events`, {
    headers: { authorization: `Bearer ${await stack.officerToken(account)}` },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let text = '';
  return {
    async next(name: string, match: (data: Body) => boolean): Promise<Body> {
      for (;;) {
        // Complete blocks only: the last may be cut mid-line by the chunk that carried it.
        for (const block of text.split('\n\n').slice(0, -1)) {
          if (!block.includes(`event: ${name}`)) continue;
          const line = block.split('\n').find((l) => l.startsWith('data: '));
          const data = line ? (JSON.parse(line.slice(6)) as Body) : undefined;
          if (data && match(data)) return data;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${name}`);
        text += Buffer.from(value).toString();
      }
    },
    close: () => controller.abort(),
  };
}

describe('food animals on the devnet', () => {
  let gd: DevnetStack;
  let hk: DevnetStack;
  const ciq = () => gd.as('gdciq/inspector1');
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
    gd = await startDevnetStack({ run: `lv-gd-${run}`, password: PASSWORD });
    hk = await startDevnetStack({
      run: `lv-hk-${run}`,
      password: PASSWORD,
      organisation: 'hkcustoms',
    });
    pki = await trustedPki(gd.as, run);
    await fileGd(gd.as, pki, decl(1));
    await fileGd(gd.as, pki, decl(2));
    await sealedDevice(gd.as, {
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
  }, 400_000);

  afterAll(async () => {
    await hk?.stop();
    await gd?.stop();
  }, 60_000);

  it('certifies, seals, checks at Man Kam To and receives a consignment; refuses an unregistered farm; flags wrong tags; traces a residue back and recalls, live on both sides', async () => {
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

    // The Centre for Food Safety's check at Man Kam To, its own identity through HK's
    // gateway; the GD records and the seal read across namespaces on HK customs' peer.
    const arrival = (
      await eventually(
        () =>
          call(
            hk,
            'hkcfs/inspector1',
            'POST',
            `/v1/livestock/consignments/${consignment(1)}/arrival`,
            {
              controlPoint: 'MKT',
              earTagsRead: [...animals].reverse(),
            },
          ),
        ['NOT_FOUND', 'CONFLICT'],
      )
    ).body.record as ArrivalRecord;
    expect(arrival).toMatchObject({ result: 'ACCEPTED', flags: [], earTagsRead: 4 });
    expect(arrival.certificateCheck.valid).toBe(true);
    expect(arrival.seal).toMatchObject({ sealId, state: 'APPLIED', alarms: 0 });
    expect(arrival.checked.actor).toMatchObject({ mspId: 'HKCFSMSP', role: 'food-safety-officer' });

    // The slaughterhouse's findings: HK customs may not record them (allow table), the
    // slaughterhouse may; a residue in one carcass makes its animal non-compliant.
    const findings = {
      slaughterhouse: 'SSSH',
      anteMortem: animals.map((earTag) => ({ earTag, result: 'FIT' })),
      postMortem: animals.map((earTag, i) => ({
        earTag,
        carcassId: `CARC-${run}-${i}`,
        result: 'PASS',
        residues: [{ substance: 'Clenbuterol', result: i === 2 ? 'POSITIVE' : 'NEGATIVE' }],
      })),
    };
    const receiptPath = `/v1/livestock/consignments/${consignment(1)}/receipt`;
    await expect(
      call(hk, 'hkcustoms/officer1', 'POST', receiptPath, findings),
    ).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const receipt = (
      await eventually(
        () => call(hk, 'hkcfs/slaughter-sssh', 'POST', receiptPath, findings),
        ['NOT_FOUND', 'CONFLICT'],
      )
    ).body.record as ReceiptRecord;
    expect(receipt).toMatchObject({ farmId, slaughterhouse: 'SSSH', nonCompliant: [animals[2]] });
    expect(receipt.received.actor).toMatchObject({ mspId: 'HKCFSMSP', role: 'slaughterhouse' });

    // A second consignment in transit, a third whose tags do not match on arrival.
    await ciq().submit(
      'Livestock:Certify',
      await signed(certificate(2, tags(2, 2)), pki.signers.gdTrader),
    );
    await ciq().submit(
      'Livestock:Certify',
      await signed(certificate(3, tags(3, 3)), pki.signers.gdTrader),
    );
    const flagged = (
      await eventually(() =>
        call(
          hk,
          'hkcfs/inspector1',
          'POST',
          `/v1/livestock/consignments/${consignment(3)}/arrival`,
          {
            controlPoint: 'MKT',
            earTagsRead: [...tags(3, 2), `${run}X0001`],
          },
        ),
      )
    ).body.record as ArrivalRecord;
    expect(flagged).toMatchObject({
      result: 'FLAGGED',
      missingEarTags: [tags(3, 3)[2]],
      unexpectedEarTags: [`${run}X0001`],
    });
    expect(flagged.flags).toContain('EAR_TAG_MISMATCH');

    // From the carcass with the residue to the farm: one query, on either side's gateway.
    for (const [stack, account] of [
      [hk, 'hkcfs/inspector1'],
      [gd, 'gdciq/inspector1'],
    ] as const) {
      const trace = (
        await eventually(() =>
          call(stack, account, 'GET', `/v1/livestock/trace?kind=carcass&id=CARC-${run}-2`),
        )
      ).body as TraceBack;
      expect(trace).toMatchObject({
        earTag: animals[2],
        farm: { farmId, status: 'ACTIVE' },
        consignment: { consignmentId: consignment(1), sealId },
        conveyance: `粵L${run.slice(0, 5)}`,
        arrival: { result: 'ACCEPTED' },
        receipt: { nonCompliant: [animals[2]] },
        stage: 'RECEIVED',
      });
      expect(trace.sealTrack?.seal).toMatchObject({ sealId, routeId: 'FARM-MKT' });
    }

    // The recall through GD's gateway, followed live by a user of each side's gateway.
    const gdStream = await follow(gd, 'gdcustoms/officer1');
    const hkStream = await follow(hk, 'hkcfs/inspector1');
    try {
      const recalled = (
        await eventually(
          () =>
            call(gd, 'gdciq/inspector1', 'POST', `/v1/livestock/farms/${farmId}/recall`, {
              reason: `clenbuterol in carcass CARC-${run}-2`,
            }),
          ['NOT_FOUND', 'CONFLICT'],
        )
      ).body.record as { status: string };
      expect(recalled.status).toBe('SUSPENDED');
      const isThisRecall = (data: Body) => data.farmId === farmId;
      const [onGd, onHk] = await Promise.all([
        gdStream.next('FarmRecalled', isThisRecall),
        hkStream.next('FarmRecalled', isThisRecall),
      ]);
      for (const event of [onGd, onHk])
        expect(event).toMatchObject({
          farmId,
          status: 'SUSPENDED',
          heldConsignments: [consignment(2)],
          heldDeclarations: [decl(2)],
        });
    } finally {
      gdStream.close();
      hkStream.close();
    }

    // Consignment 2 (in transit) held with its declaration, as a seal alarm holds one;
    // consignment 1 (arrived) not.
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
