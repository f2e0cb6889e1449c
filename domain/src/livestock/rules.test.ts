import { routeOf, guardNamespace } from '../namespaces/namespaces';
import {
  HealthCertificateSchema,
  type ConsignmentRecord,
  type HealthCertificate,
  type LivestockAct,
} from './records';
import { checkArrival, isLivestockAllowed, receiveAtSlaughterhouse } from './rules';

const act = (action: LivestockAct['action'], mspId = 'HKCFSMSP'): LivestockAct => ({
  action,
  actor: { mspId, id: 'x509::CN=o::CN=ca', role: 'food-safety-officer' },
  reason: '',
  at: '2026-11-26T08:00:00.000Z',
  txId: 'tx1',
});

const certificate: HealthCertificate = {
  certificateNo: 'HC-1',
  consignmentId: 'C-1',
  farmId: 'F-1',
  species: 'CATTLE',
  headCount: 2,
  animals: [{ earTag: 'CN0001' }, { earTag: 'CN0002' }],
  vaccinations: [],
  residueTests: [
    { substance: 'Ractopamine', result: 'NEGATIVE', sampledOn: '2026-11-20', laboratory: 'L' },
  ],
  issuedOn: '2026-11-25',
  slaughterhouse: 'SSSH',
  declarationId: 'GD-1',
  conveyance: 'T1',
};

const consignment: ConsignmentRecord = {
  consignmentId: 'C-1',
  farmId: 'F-1',
  certificate,
  signature: {
    signerSubject: 'CN=vet',
    issuer: 'CN=ca',
    serialNumber: '01',
    jurisdiction: 'GD',
    authorityId: 'GDCA',
    policyOid: '1.2',
    certificateSha256: 'a'.repeat(64),
    contentSha256: 'b'.repeat(64),
  },
  signatureCms: 'AA==',
  state: 'SEALED',
  sealId: 'S-1',
  hold: null,
  certified: act('CERTIFY', 'GDCIQMSP'),
  lastAct: act('LINK_SEAL', 'GDCIQMSP'),
};

const seal = { sealId: 'S-1', state: 'APPLIED', declarationIds: ['GD-1'], alarms: [] };
const valid = { valid: true as const, signerSubject: 'CN=vet' };

describe('food animals: the arrival check at Man Kam To', () => {
  const input = {
    consignmentId: 'C-1',
    controlPoint: 'MKT' as const,
    earTagsRead: ['CN0002', 'CN0001'],
  };

  it('accepts a truck whose tags, certificate, seal and farm are all in order', () => {
    const record = checkArrival({
      consignment,
      farmStatus: 'ACTIVE',
      certificateCheck: valid,
      seal,
      input,
      act: act('CHECK_ARRIVAL'),
    });
    expect(record).toMatchObject({ result: 'ACCEPTED', flags: [], earTagsRead: 2 });
  });

  it('flags each thing wrong, and keeps the record', () => {
    const record = checkArrival({
      consignment: { ...consignment, hold: act('RECALL', 'GDCIQMSP') },
      farmStatus: 'SUSPENDED',
      certificateCheck: { valid: false, reason: 'CERT_REVOKED' },
      seal: { ...seal, alarms: [{ kind: 'OPENED' }] },
      input: { ...input, earTagsRead: ['CN0001', 'CN0001', 'CN0009'] },
      act: act('CHECK_ARRIVAL'),
    });
    expect(record).toMatchObject({
      result: 'FLAGGED',
      flags: [
        'CERTIFICATE_INVALID',
        'EAR_TAG_MISMATCH',
        'SEAL_NOT_INTACT',
        'FARM_SUSPENDED',
        'CONSIGNMENT_HELD',
      ],
      missingEarTags: ['CN0002'],
      unexpectedEarTags: ['CN0009'],
      earTagsRead: 2,
    });
  });
});

describe('food animals: slaughterhouse receipt', () => {
  const arrival = checkArrival({
    consignment,
    farmStatus: 'ACTIVE',
    certificateCheck: valid,
    seal,
    input: { consignmentId: 'C-1', controlPoint: 'MKT', earTagsRead: ['CN0001', 'CN0002'] },
    act: act('CHECK_ARRIVAL'),
  });
  const receipt = {
    consignmentId: 'C-1',
    slaughterhouse: 'SSSH',
    anteMortem: [{ earTag: 'CN0001', result: 'UNFIT' as const }],
    postMortem: [{ earTag: 'CN0002', carcassId: 'K2', result: 'PASS' as const }],
  };

  it('records the non-compliant animals', () => {
    expect(
      receiveAtSlaughterhouse(consignment, arrival, receipt, act('RECEIVE')).nonCompliant,
    ).toEqual(['CN0001']);
  });

  it('refuses animals not on the certificate and another slaughterhouse', () => {
    expect(() =>
      receiveAtSlaughterhouse(
        consignment,
        arrival,
        { ...receipt, postMortem: [{ earTag: 'CN0077', carcassId: 'K7', result: 'PASS' }] },
        act('RECEIVE'),
      ),
    ).toThrow(expect.objectContaining({ reason: 'EAR_TAG_NOT_ON_CERTIFICATE' }));
    expect(() =>
      receiveAtSlaughterhouse(
        consignment,
        arrival,
        { ...receipt, slaughterhouse: 'TSUEN-WAN' },
        act('RECEIVE'),
      ),
    ).toThrow(expect.objectContaining({ reason: 'WRONG_SLAUGHTERHOUSE' }));
  });
});

describe('food animals: records, allow table and namespaces', () => {
  it('refuses a certificate whose head count, tags or tattoos disagree', () => {
    expect(HealthCertificateSchema.safeParse(certificate).success).toBe(true);
    expect(HealthCertificateSchema.safeParse({ ...certificate, headCount: 3 }).success).toBe(false);
    const twice = { ...certificate, animals: [{ earTag: 'CN0001' }, { earTag: 'CN0001' }] };
    expect(HealthCertificateSchema.safeParse(twice).success).toBe(false);
    const lower = { ...certificate, animals: [{ earTag: 'cn0001' }, { earTag: 'CN0002' }] };
    expect(HealthCertificateSchema.safeParse(lower).success).toBe(false);
  });

  it("lets only GD inspection act on farms and only Hong Kong's food safety officers check arrivals", () => {
    const ciq = { mspId: 'GDCIQMSP', id: 'x', role: 'ciq-officer' };
    const cfs = { mspId: 'HKCFSMSP', id: 'y', role: 'food-safety-officer' };
    expect(isLivestockAllowed('RECALL', ciq)).toBe(true);
    expect(isLivestockAllowed('RECALL', cfs)).toBe(false);
    expect(isLivestockAllowed('CHECK_ARRIVAL', cfs)).toBe(true);
    expect(isLivestockAllowed('CHECK_ARRIVAL', ciq)).toBe(false);
    expect(isLivestockAllowed('RECEIVE', { ...cfs, role: 'ciq-officer' })).toBe(false);
  });

  it("sends each side's acts to its own namespace, and guards them there", () => {
    expect(routeOf('Livestock:Certify', [], 'GDCIQMSP')).toEqual({
      kind: 'namespace',
      namespace: 'clearance-gd',
    });
    expect(routeOf('Livestock:CheckArrival', [], 'HKCFSMSP')).toEqual({
      kind: 'namespace',
      namespace: 'clearance-hk',
    });
    expect(routeOf('Livestock:TraceBack', [], 'HKCFSMSP')).toEqual({
      kind: 'namespace',
      namespace: 'clearance-hk',
    });
    expect(routeOf('Livestock:SealTrack', [], 'GDCIQMSP')).toEqual({
      kind: 'namespace',
      namespace: 'clearance',
    });
    expect(() => guardNamespace('Livestock:Receive', 'clearance-gd', 'HK')).toThrow(
      expect.objectContaining({ reason: 'WRONG_NAMESPACE' }),
    );
    expect(() => guardNamespace('Livestock:Recall', 'clearance', 'GD')).toThrow(
      expect.objectContaining({ reason: 'WRONG_NAMESPACE' }),
    );
  });
});
