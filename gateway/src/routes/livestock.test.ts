import { canonicalBytes, toHex } from '@clearance/core';
import { sha256, type HealthCertificate } from '@clearance/domain';
import type { OfficerPrincipal } from '../auth/principal';
import {
  OFFICERS,
  createTestPki,
  listAuthority,
  sampleFiling,
  signFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import {
  buildRecordedApp,
  createMemoryNetwork,
  createMemorySessionStore,
} from '@clearance/testkit/gateway';
import type { FastifyInstance } from 'fastify';

const officer = (organisation: string, mspId: string, name: string, role: string) =>
  ({
    kind: 'officer',
    id: `${organisation}/${name}`,
    organisation,
    mspId,
    name,
    role,
  }) satisfies OfficerPrincipal;
const CIQ = officer('gdciq', 'GDCIQMSP', 'inspector1', 'ciq-officer');
const CFS = officer('hkcfs', 'HKCFSMSP', 'inspector1', 'food-safety-officer');
const GD_CUSTOMS = officer('gdcustoms', 'GDCustomsMSP', 'officer1', 'customs-officer');

let pki: TestPki;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  pki = await createTestPki();
  const network = createMemoryNetwork();
  await listAuthority(network.as(OFFICERS.gdTrustAdmin), network.as(OFFICERS.hkTrustAdmin), pki.gd);
  const filing = await signFiling(sampleFiling('GD-R1'), pki.signers.gdTrader);
  await network.as(OFFICERS.gdAgent).submit('Declaration:File', filing.args, filing.transient);
  const sessions = createMemorySessionStore();
  for (const p of [CIQ, CFS, GD_CUSTOMS]) tokens[p.id] = (await sessions.create(p)).token;
  ({ app } = await buildRecordedApp({
    ledger: network.as(OFFICERS.gdCustoms),
    sessions,
    // Each officer acts under their own identity, as the per-officer ledgers do.
    ledgers: async (accountId) => {
      const p = [CIQ, CFS, GD_CUSTOMS].find((o) => o.id === accountId);
      if (!p) throw new Error(`no account ${accountId}`);
      return network.as({
        mspId: p.mspId,
        id: `x509::CN=${p.name}::CN=ca`,
        attributes: { role: p.role },
      });
    },
  }));
}, 60_000);

afterAll(async () => {
  await app.close();
});

const call = (who: OfficerPrincipal, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[who.id]}` } });

describe('livestock routes', () => {
  it('registers, certifies, checks arrival and traces back; refuses what the allow table refuses', async () => {
    const farm = {
      farmId: 'F-R1',
      name: 'Farm R1',
      region: 'Huizhou',
      species: ['PIG'],
      veterinarian: {
        registrationNo: 'VET-1',
        certificateSha256: toHex(await sha256(pki.signers.gdTrader.certificate)),
      },
    };
    const details = { operator: 'Co-op', address: '1 Road', veterinarianName: 'Dr A' };
    expect(
      (await call(GD_CUSTOMS, 'POST', '/v1/livestock/farms', { farm, details })).json(),
    ).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    const registered = await call(CIQ, 'POST', '/v1/livestock/farms', { farm, details });
    expect(registered.statusCode).toBe(201);
    expect(registered.json()).toMatchObject({ record: { farmId: 'F-R1', status: 'ACTIVE' } });

    const certificate: HealthCertificate = {
      certificateNo: 'HC-R1',
      consignmentId: 'C-R1',
      farmId: 'F-R1',
      species: 'PIG',
      headCount: 2,
      animals: [{ earTag: 'R0000001' }, { earTag: 'R0000002' }],
      vaccinations: [],
      residueTests: [
        { substance: 'Clenbuterol', result: 'NEGATIVE', sampledOn: '2026-11-20', laboratory: 'L' },
      ],
      issuedOn: '2026-11-25',
      slaughterhouse: 'SSSH',
      declarationId: 'GD-R1',
      conveyance: 'T1',
    };
    const signature = Buffer.from(
      await pki.signers.gdTrader.sign(canonicalBytes(certificate)),
    ).toString('base64');
    // Validated before anything reaches the ledger: a head count the animals do not match.
    const bad = await call(CIQ, 'POST', '/v1/livestock/consignments', {
      certificate: { ...certificate, headCount: 3 },
      signature,
    });
    expect(bad.statusCode).toBe(400);
    const certified = await call(CIQ, 'POST', '/v1/livestock/consignments', {
      certificate,
      signature,
    });
    expect(certified.statusCode).toBe(201);

    const arrival = await call(CFS, 'POST', '/v1/livestock/consignments/C-R1/arrival', {
      controlPoint: 'MKT',
      earTagsRead: ['R0000001'],
    });
    expect(arrival.statusCode).toBe(201);
    expect(arrival.json()).toMatchObject({
      record: { result: 'FLAGGED', missingEarTags: ['R0000002'] },
    });
    // Findings naming one animal twice: refused as input (400), never a 500 (schemathesis found it).
    const twice = await call(CFS, 'POST', '/v1/livestock/consignments/C-R1/receipt', {
      slaughterhouse: 'SSSH',
      anteMortem: [],
      postMortem: [
        { carcassId: 'K1', earTag: 'R0000001', result: 'PASS' },
        { carcassId: 'K2', earTag: 'R0000001', result: 'PASS' },
      ],
    });
    expect({ status: twice.statusCode, code: twice.json().error?.code }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    const trace = await call(GD_CUSTOMS, 'GET', '/v1/livestock/trace?kind=earTag&id=R0000002');
    expect(trace.statusCode).toBe(200);
    expect(trace.json()).toMatchObject({ farm: { farmId: 'F-R1' }, stage: 'FLAGGED' });
    const unknown = await call(GD_CUSTOMS, 'GET', '/v1/livestock/trace?kind=earTag&id=NOPE0001');
    expect(unknown.statusCode).toBe(404);
    const recall = await call(CIQ, 'POST', '/v1/livestock/farms/F-R1/recall', {
      reason: 'residue',
    });
    expect(recall.json()).toMatchObject({ record: { status: 'SUSPENDED' } });
    const refused = await call(CIQ, 'POST', '/v1/livestock/consignments', {
      certificate: {
        ...certificate,
        consignmentId: 'C-R2',
        animals: [{ earTag: 'R0000003' }, { earTag: 'R0000004' }],
      },
      signature,
    });
    expect(refused.json()).toMatchObject({
      error: { code: 'INVALID_STATE', reason: 'FARM_SUSPENDED' },
    });
  });
});
